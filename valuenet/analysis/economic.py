"""Economic net value flow per actor, in the manner of e3value's profitability sheets.

Following Gordijn and Akkermans (2001, 2003): for each actor, the valuations of
the value objects it receives minus those it gives, times their occurrences. A
flow's ``money`` is its valuation per occurrence in the model currency and
``occurrences`` how often it happens per period for one member of each party.

Segments: an exchange between an actor standing for ``n_a`` members and one
standing for ``n_b`` happens ``max(n_a, n_b)`` times (each member of the larger
segment once with some member of the other), so money given always equals money
received. Per member of actor ``a`` a line is worth ``money * occurrences *
max(n_a, n_b) / n_a``; the whole segment's net is ``net per member * n_a -
fixed expenses``. Flows that carry no money (perceptions only) are not on the
sheets. For a segment, analyse the mean network (:func:`mean_network`), whose
respondent flows count once per average respondent.

Issues are flagged as ``inconsistent`` (the numbers do not make a sound model) or
``not viable`` (an actor other than the customer loses money).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import Result, customer_of
from valuenet.graph import DIMENSION, FIXED_EXPENSES, FLOW_ID, MONEY, OCCURRENCES, SEGMENT_SIZE

INCONSISTENT, NOT_VIABLE = "inconsistent", "not viable"


@dataclass(frozen=True)
class SheetLine(Result):
    """One value object on an actor's sheet; ``per_member`` and ``total`` are signed (+ received, - given)."""

    flow: str
    direction: str
    counterpart: str
    dimension: str
    money: float
    occurrences: float
    count: int
    per_member: float
    total: float


@dataclass(frozen=True)
class Sheet(Result):
    """An actor's net value flow sheet."""

    actor: str
    segment_size: int
    lines: tuple[SheetLine, ...]
    received_per_member: float
    given_per_member: float
    net_per_member: float
    fixed_expenses: float
    net_segment: float


@dataclass(frozen=True)
class Issue(Result):
    """Something wrong with the numbers: ``kind`` is ``inconsistent`` or ``not viable``."""

    kind: str
    where: str
    message: str


@dataclass(frozen=True)
class Economic(Result):
    """One sheet per actor and the issues found; ``consistent`` when no issue is ``inconsistent``."""

    currency: str | None
    sheets: Mapping[str, Sheet]
    issues: tuple[Issue, ...]
    consistent: bool

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "actor": s.actor,
                "segment_size": s.segment_size,
                "received_per_member": s.received_per_member,
                "given_per_member": s.given_per_member,
                "net_per_member": s.net_per_member,
                "fixed_expenses": s.fixed_expenses,
                "net_segment": s.net_segment,
            }
            for s in self.sheets.values()
        ]


def _size(g: nx.MultiDiGraph, actor: str) -> int:
    return int(g.nodes[actor].get(SEGMENT_SIZE) or 1)


def economic_sheets(g: nx.MultiDiGraph, currency: str | None = None) -> Economic:
    """The net value flow sheet of every actor in the graph, with the issues found."""
    customer = customer_of(g)
    lines: dict[str, list[SheetLine]] = {str(n): [] for n in g.nodes}
    issues: list[Issue] = []
    pairs = {(u, v) for u, v in g.edges()}
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: str(e[2])):
        if d.get(MONEY) is None:
            continue
        fid = str(d.get(FLOW_ID) or k)
        money, occ = float(d[MONEY]), float(d.get(OCCURRENCES, 1.0))
        nu, nv = _size(g, u), _size(g, v)
        count = max(nu, nv)
        if money < 0:
            issues.append(
                Issue(
                    INCONSISTENT,
                    f"flow {fid}",
                    f"has a negative valuation ({money:g}). A valuation is "
                    "what the receiver gets; turn the flow around instead.",
                )
            )
        if occ == 0:
            issues.append(
                Issue(
                    INCONSISTENT,
                    f"flow {fid}",
                    "carries money but never occurs (occurrences 0). "
                    "Give it its occurrences per period or drop the money.",
                )
            )
        if nu > 1 and nv > 1 and nu != nv:
            issues.append(
                Issue(
                    INCONSISTENT,
                    f"flow {fid}",
                    f"runs between two segments of different sizes "
                    f"({u}: {nu}, {v}: {nv}), so how often it happens is ambiguous. "
                    "State it per member of one segment, via a single actor in between.",
                )
            )
        if (v, u) not in pairs:
            issues.append(
                Issue(
                    INCONSISTENT,
                    f"flow {fid}",
                    f"{u} gives {v} a value object worth {money:g} and gets "
                    f"nothing back from {v} in this network. Add the reciprocal value object "
                    "(in e3value every value interface has an in and an out port).",
                )
            )
        amount = money * occ * count
        lines[str(v)].append(SheetLine(fid, "in", str(u), str(d[DIMENSION]), money, occ, count, amount / nv, amount))
        lines[str(u)].append(SheetLine(fid, "out", str(v), str(d[DIMENSION]), money, occ, count, -amount / nu, -amount))
    sheets = {}
    for actor in sorted(lines, key=lambda a: (a != customer, a)):
        size = _size(g, actor)
        fixed = float(g.nodes[actor].get(FIXED_EXPENSES) or 0.0)
        rec = sum((ln.per_member for ln in lines[actor] if ln.direction == "in"), 0.0)
        giv = 0.0 - sum((ln.per_member for ln in lines[actor] if ln.direction == "out"), 0.0)
        net_segment = (rec - giv) * size - fixed
        sheets[actor] = Sheet(actor, size, tuple(lines[actor]), rec, giv, rec - giv, fixed, net_segment)
        if fixed > 0 and not lines[actor]:
            issues.append(
                Issue(
                    INCONSISTENT,
                    f"actor {actor}",
                    f"has fixed expenses ({fixed:g}) but no money flows, "
                    "so nothing can pay for them. Add its revenue flows or drop the expenses.",
                )
            )
        if actor != customer and (lines[actor] or fixed > 0) and net_segment < 0:
            issues.append(
                Issue(
                    NOT_VIABLE, f"actor {actor}", f"loses {-net_segment:,.2f} per period over its segment of the goal."
                )
            )
    return Economic(currency, sheets, tuple(issues), not any(i.kind == INCONSISTENT for i in issues))
