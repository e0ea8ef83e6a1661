"""Economic net value flow sheets, in the manner of e3value's profitability sheets.

Following Gordijn and Akkermans (2001, 2003) and the e3value user guide (chapters
6 and 7); docs/economics.md states every rule. In short:

- **How often.** A flow an economic need reaches happens as often as its dependency
  path says (:func:`derive_occurrences`: the need's occurrences times its actor's
  ``segment_size``, times the OR shares and cardinalities on the way). Any other flow
  happens ``occurrences * max(n_giver, n_receiver)`` times per period: each member
  of the larger segment once, with some member of the other.
- **Worth.** A flow's ``money`` is worth the same to both sides; a transfer's
  ``valuation`` says what a non-money object is worth to the giver and to the
  receiver; ``expenses`` are what each side spends each time.
- **Sheets.** One per actor (per member, and for its whole segment), per value
  activity, and per partnership (its members' flows with outsiders only). Each has
  its fixed expenses and investment, and a naive and a discounted net value over the
  model's periods.

Flows that carry none of money, valuation or expenses (perceptions only) are not on
the sheets. For a segment of respondents, analyse the mean network
(:func:`~valuenet.analysis.scope.scope_graph`), whose respondent flows count once per
average respondent.

Issues are ``inconsistent`` (the numbers do not make a sound model) or ``not viable``
(an actor loses money).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import Result, customer_of
from valuenet.graph import DIMENSION, FIXED_EXPENSES, FLOW_ID, GOAL, MONEY, OCCURRENCES, SCENARIO, SEGMENT_SIZE
from valuenet.models import DEFAULT_SCENARIO
from valuenet.models.economics import Economics, Step, Transfer, discount

INCONSISTENT, NOT_VIABLE = "inconsistent", "not viable"
ACTOR, ACTIVITY, PARTNERSHIP = "actor", "activity", "partnership"
#: The graph attribute that groups the flows of one exchange (a flow's ``exchange`` field).
EXCHANGE = "exchange"


@dataclass(frozen=True)
class SheetLine(Result):
    """One value object on a sheet. ``value`` and ``expenses`` are per occurrence for this side;
    ``occurrences`` is how often it happens in all per period; ``per_member`` and ``total`` are the
    line's signed net (+ received, - given, - expenses) per member and for the segment.
    """

    flow: str
    direction: str
    counterpart: str
    object: str | None
    dimension: str
    value: float
    expenses: float
    occurrences: float
    per_member: float
    total: float


@dataclass(frozen=True)
class Period(Result):
    """One period of a sheet's cash flow: period 0 is the investment; ``factor`` is ``1 / (1 + rate) ** period``."""

    period: int
    cash_flow: float
    factor: float
    discounted: float
    naive_total: float
    discounted_total: float


@dataclass(frozen=True)
class Sheet(Result):
    """A net value flow sheet: an actor's (a segment's: per member and in all), an activity's or a partnership's.

    ``received``, ``given`` and ``expenses`` are per period for the whole segment; the
    ``*_per_member`` figures divide them by ``segment_size``. ``net_segment`` =
    ``net_per_member * segment_size - fixed_expenses``; ``naive`` and ``discounted`` run it
    over the model's periods, less ``investment``.
    """

    sheet: str
    kind: str
    actor: str | None
    segment_size: int
    received_per_member: float
    given_per_member: float
    expenses_per_member: float
    net_per_member: float
    received: float
    given: float
    expenses: float
    fixed_expenses: float
    net_segment: float
    investment: float
    rate: float
    naive: float
    discounted: float
    lines: tuple[SheetLine, ...]
    cash_flow: tuple[Period, ...]

    def row(self) -> dict[str, Any]:
        """The sheet's figures without its lines and cash flow (a row of the ``economic`` table)."""
        return {k: v for k, v in self.to_dict().items() if k not in ("lines", "cash_flow")}


@dataclass(frozen=True)
class Issue(Result):
    """Something wrong with the numbers: ``kind`` is ``inconsistent`` or ``not viable``."""

    kind: str
    where: str
    message: str


@dataclass(frozen=True)
class Occurrence(Result):
    """How often a need, an exchange, an OR branch or an end happens per period, by one need's path."""

    need: str
    kind: str
    id: str
    occurrences: float


@dataclass(frozen=True)
class Economic(Result):
    """The sheets (actors first, then activities, then partnerships), the issues and the derived occurrences."""

    currency: str | None
    consistent: bool
    periods: int
    rate: float
    issues: tuple[Issue, ...]
    sheets: Mapping[str, Sheet]
    occurrences: tuple[Occurrence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["sheets"] = list(out["sheets"].values())
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per sheet (the ``economic`` table)."""
        return [s.row() for s in self.sheets.values()]

    def line_rows(self) -> list[dict[str, Any]]:
        """One row per sheet line (the ``economic-lines`` table)."""
        return [{"sheet": s.sheet, **ln.to_dict()} for s in self.sheets.values() for ln in s.lines]

    def period_rows(self) -> list[dict[str, Any]]:
        """One row per sheet and period (the ``economic-periods`` table)."""
        return [{"sheet": s.sheet, **p.to_dict()} for s in self.sheets.values() for p in s.cash_flow]

    def occurrence_rows(self) -> list[dict[str, Any]]:
        return [o.to_dict() for o in self.occurrences]


def _size(g: nx.MultiDiGraph, actor: str) -> int:
    return int(g.nodes[actor].get(SEGMENT_SIZE) or 1) if actor in g else 1


def derive_occurrences(
    g: nx.MultiDiGraph, economics: Economics | None
) -> tuple[dict[str, float], list[Occurrence], dict[str, str]]:
    """How often each exchange of ``g`` happens per period by the needs' dependency paths.

    Returns the count per exchange id, the rows of the ``economic-occurrences`` table, and
    for each exchange the first need that reaches it. Needs of another goal, and path
    steps whose exchange has no flow in ``g`` (a flow a scenario removed), count nothing.
    """
    counts: dict[str, float] = defaultdict(float)
    rows: list[Occurrence] = []
    reached_by: dict[str, str] = {}
    if economics is None or not economics.needs:
        return counts, rows, reached_by
    goal = str(g.graph.get(GOAL) or "")
    scenario = str(g.graph.get(SCENARIO) or DEFAULT_SCENARIO)
    for need in economics.needs_in(goal, scenario) if goal else economics.needs:
        total = need.occurrences * _size(g, need.actor)
        rows.append(Occurrence(need.id, "need", need.id, total))
        tally: dict[tuple[str, str], float] = defaultdict(float)

        def walk(step: Step, n: float, need_id: str = need.id, tally: dict[tuple[str, str], float] = tally) -> None:
            if step.exchange is not None:
                times = n * step.cardinality
                counts[step.exchange] += times
                reached_by.setdefault(step.exchange, need_id)
                tally["exchange", step.exchange] += times
                if step.then is not None:
                    walk(step.then, times)
            elif step.all is not None:
                for branch in step.all:
                    walk(branch, n)
            elif step.one_of is not None:
                shares = sum(b.share or 0.0 for b in step.one_of)
                for i, branch in enumerate(step.one_of):
                    part = n * (branch.share or 0.0) / shares if shares > 0 else 0.0
                    tally["branch", branch.id or f"branch {i + 1}"] += part
                    walk(branch, part)
            elif step.end is not None:
                tally["end", step.end] += n

        walk(need.path, total)
        rows += [Occurrence(need.id, kind, key, n) for (kind, key), n in tally.items()]
    return counts, rows, reached_by


@dataclass
class _Tally:
    lines: list[SheetLine]
    received: float = 0.0
    given: float = 0.0
    expenses: float = 0.0
    valued: bool = False  # receives something other than money


def economic_sheets(g: nx.MultiDiGraph, currency: str | None = None, economics: Economics | None = None) -> Economic:
    """Every sheet of the graph's network (actors, activities, partnerships), with the issues found."""
    eco = economics or Economics()
    customer = customer_of(g)
    transfers = eco.transfer_of()
    money_objects = {o.id for o in eco.objects if o.money}
    derived, occurrence_rows, reached_by = derive_occurrences(g, economics)
    issues: list[Issue] = []
    actors: dict[str, _Tally] = {str(n): _Tally([]) for n in g.nodes}
    activities: dict[str, _Tally] = {a.id: _Tally([]) for a in eco.activities}
    pairs = {(u, v) for u, v in g.edges()}

    def flag(kind: str, where: str, text: str) -> None:
        issues.append(Issue(kind, where, text))

    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: str(e[2])):
        fid = str(d.get(FLOW_ID) or k)
        t = transfers.get(fid) or Transfer(flow=fid)
        money = d.get(MONEY)
        valuation, expenses = t.valuation, t.expenses
        if money is None and valuation is None and expenses is None:
            continue
        where = f"flow {fid}"
        nu, nv = _size(g, u), _size(g, v)
        group = d.get(EXCHANGE) if d.get(EXCHANGE) in derived else (fid if fid in derived else None)
        occ = float(d.get(OCCURRENCES, 1.0))
        if group is not None:
            total_occ = derived[group]
            if occ != 1.0:
                flag(
                    INCONSISTENT,
                    where,
                    f"states {occ:g} occurrences, and need {reached_by[group]} also reaches it, which gives it "
                    f"{total_occ:,.6g} per period in all; the derived count is used. Drop occurrences from the "
                    "flow, or take its exchange out of the need's path.",
                )
        else:
            total_occ = occ * max(nu, nv)
        if money is not None:
            money = float(money)
            if money < 0:
                flag(
                    INCONSISTENT,
                    where,
                    f"has a negative valuation ({money:g}). A valuation is what the receiver gets; "
                    "turn the flow around instead.",
                )
            if group is None and occ == 0:
                flag(
                    INCONSISTENT,
                    where,
                    "carries money but never occurs (occurrences 0). Give it its occurrences per period or "
                    "drop the money.",
                )
            if valuation is not None:
                flag(
                    INCONSISTENT,
                    where,
                    f"carries money ({money:g}) and also a valuation (giver {valuation.giver}, receiver "
                    f"{valuation.receiver}). Money is worth the same to both sides: drop the valuation, or the "
                    "money if the flow carries something else.",
                )
            give_value = get_value = money
        else:
            give_value = (valuation.giver if valuation is not None else None) or 0.0
            get_value = (valuation.receiver if valuation is not None else None) or 0.0
            if (
                t.object in money_objects
                and valuation is not None
                and (valuation.giver or 0.0) != (valuation.receiver or 0.0)
            ):
                flag(
                    INCONSISTENT,
                    where,
                    f"carries {t.object}, which is money, valued {give_value:g} by its giver and {get_value:g} "
                    "by its receiver. Money is worth the same to both sides: give one amount as the flow's money.",
                )
        if (money is not None or get_value) and (v, u) not in pairs:
            flag(
                INCONSISTENT,
                where,
                f"{u} gives {v} a value object worth {money if money is not None else get_value:g} and gets "
                f"nothing back from {v} in this network. Add the reciprocal value object (in e3value every "
                "value interface has an in and an out port).",
            )
        dim = str(d.get(DIMENSION))
        give_exp = (expenses.giver if expenses is not None else None) or 0.0
        get_exp = (expenses.receiver if expenses is not None else None) or 0.0
        sides = (
            (str(v), str(u), "in", get_value, get_exp, nv, t.activity.receiver if t.activity else None),
            (str(u), str(v), "out", give_value, give_exp, nu, t.activity.giver if t.activity else None),
        )
        for actor, other, direction, value, exp, size, activity in sides:
            if not value and not exp:
                continue
            amount = total_occ * value
            cost = total_occ * exp
            signed = (amount if direction == "in" else -amount) - cost
            line = SheetLine(fid, direction, other, t.object, dim, value, exp, total_occ, signed / size, signed)
            for tally in (actors[actor], activities.get(activity) if activity else None):
                if tally is None:
                    continue
                tally.lines.append(line)
                if direction == "in":
                    tally.received += amount
                    tally.valued |= money is None and amount > 0
                else:
                    tally.given += amount
                tally.expenses += cost

    terms = {a.id: a for a in eco.actors}
    sheets: dict[str, Sheet] = {}

    def sheet(
        sid: str, kind: str, actor: str | None, size: int, tally: _Tally, fixed: float, invest: float, rate: float
    ) -> Sheet:
        net_member = (tally.received - tally.given - tally.expenses) / size
        net_segment = net_member * size - fixed
        naive, discounted = discount(net_segment, eco.periods, rate, invest)
        flows = [Period(0, -invest, 1.0, -invest, -invest, -invest)]
        for p in range(1, eco.periods + 1):
            factor = 1.0 / (1.0 + rate) ** p
            prev = flows[-1]
            flows.append(
                Period(
                    p,
                    net_segment,
                    factor,
                    net_segment * factor,
                    prev.naive_total + net_segment,
                    prev.discounted_total + net_segment * factor,
                )
            )
        return Sheet(
            sid,
            kind,
            actor,
            size,
            tally.received / size,
            tally.given / size,
            tally.expenses / size,
            net_member,
            tally.received,
            tally.given,
            tally.expenses,
            fixed,
            net_segment,
            invest,
            rate,
            naive,
            discounted,
            tuple(tally.lines),
            tuple(flows),
        )

    for actor in sorted(actors, key=lambda a: (a != customer, a)):
        own = [a for a in eco.activities if a.actor == actor]
        fixed = float(g.nodes[actor].get(FIXED_EXPENSES) or 0.0) + sum(a.fixed_expenses or 0.0 for a in own)
        own_terms = terms.get(actor)
        invest = (own_terms.investment or 0.0 if own_terms else 0.0) + sum(a.investment or 0.0 for a in own)
        rate = own_terms.rate if own_terms is not None and own_terms.rate is not None else eco.rate
        sheets[actor] = sheet(actor, ACTOR, actor, _size(g, actor), actors[actor], fixed, invest, rate)
    for act in eco.activities:
        if act.actor not in actors:
            continue
        actor_rate = sheets[act.actor].rate
        rate = act.rate if act.rate is not None else actor_rate
        sheets.setdefault(
            act.id,
            sheet(
                act.id,
                ACTIVITY,
                act.actor,
                _size(g, act.actor),
                activities[act.id],
                act.fixed_expenses or 0.0,
                act.investment or 0.0,
                rate,
            ),
        )
    for p in eco.partnerships:
        members = [m for m in p.members if m in actors]
        if not members:
            continue
        inner = set(p.members)
        tally = _Tally([])
        for m in members:
            for ln in actors[m].lines:
                if ln.counterpart in inner:
                    continue
                tally.lines.append(ln)
                amount = ln.occurrences * ln.value
                if ln.direction == "in":
                    tally.received += amount
                else:
                    tally.given += amount
                tally.expenses += ln.occurrences * ln.expenses
        fixed = sum(sheets[m].fixed_expenses for m in members) + (p.fixed_expenses or 0.0)
        invest = sum(sheets[m].investment for m in members) + (p.investment or 0.0)
        rate = p.rate if p.rate is not None else eco.rate
        sheets.setdefault(p.id, sheet(p.id, PARTNERSHIP, None, 1, tally, fixed, invest, rate))

    for s in sheets.values():
        if s.kind != ACTOR:
            continue
        if s.fixed_expenses > 0 and not s.lines:
            flag(
                INCONSISTENT,
                f"actor {s.sheet}",
                f"has fixed expenses ({s.fixed_expenses:g}) but no money flows, so nothing can pay for them. "
                "Add its revenue flows or drop the expenses.",
            )
    for s in sheets.values():
        if not (s.lines or s.fixed_expenses or s.investment):
            continue
        if s.kind == ACTOR and s.sheet == customer and not actors[s.sheet].valued:
            continue  # a customer who only pays: what they get is perceived, not on the sheet
        what = f"{s.kind} {s.sheet}"
        if s.net_segment < 0:
            whole = " over its segment" if s.segment_size > 1 else ""
            flag(NOT_VIABLE, what, f"loses {-s.net_segment:,.2f} per period{whole} of the goal.")
        elif s.investment > 0 and s.discounted < 0:
            flag(
                NOT_VIABLE,
                what,
                f"does not earn back its investment of {s.investment:,.2f}: its discounted net value over "
                f"{eco.periods} period{'s' if eco.periods != 1 else ''} at {s.rate:.2%} is {s.discounted:,.2f}.",
            )
    return Economic(
        currency,
        not any(i.kind == INCONSISTENT for i in issues),
        eco.periods,
        eco.rate,
        tuple(issues),
        sheets,
        tuple(occurrence_rows),
    )
