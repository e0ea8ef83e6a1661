"""What a network view shows, worked out from a goal's flows read as columns (the analysis engine's table).

:func:`build_view` turns a model and a :class:`ViewSpec` into :class:`ViewData`:
plain nodes and edges with the numbers a strategist reads in the side panel.
It draws nothing and writes nothing; :mod:`valuenet.views.render` does that.

An edge stands for every flow of one dimension from one actor to another. Its
``value`` is the mean, over the respondents who stated a perceived magnitude in
such flows, of each respondent's total magnitude; ``n`` is how many respondents
have flows in the edge (some may state money only). ``per_respondent`` is the
same total over everyone the view covers (what the mean respondent gets or gives
there, as the actors' totals count it): a flow 2 of 20 respondents state at 4 has
``value`` 4, ``n`` 2 and ``per_respondent`` 0.4.
Structural flows (no respondent) are summed, keep ``n = 0`` and count whole.

An edge touching the customer *adds* value when, in its dimension, the customer
gets more from that actor than they give up to it, and *destroys* value when
they give up more. Edges between two other actors are *neutral* here.

>>> from valuenet.models import Actor, Goal, Model, exchange_flows
>>> m = Model(id="m", actors=[Actor(id="c", name="C", kind="customer"), Actor(id="f", name="F", kind="focal_firm")],
...           goals=[Goal(id="g", title="G")],
...           flows=exchange_flows("x", goal="g", customer="c", actor="f", dimension="economic", gets=1, gives=3))
>>> view = build_view(m, ViewSpec())
>>> [(e.source, e.target, e.value, e.impact) for e in view.edges]
[('c', 'f', 3.0, 'destroys'), ('f', 'c', 1.0, 'destroys')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from valuenet.analysis.scope import one_customer
from valuenet.analysis.table import FlowTable
from valuenet.errors import ViewError
from valuenet.flowcolumns import FlowSource, ModelFlows, distinct, fetcher
from valuenet.models import DEFAULT_SCENARIO, Model, scenario_chain
from valuenet.views.compare import CHANGES as CHANGES  # re-exported: the words a comparison uses
from valuenet.views.compare import PRESENCES as PRESENCES
from valuenet.views.compare import (
    TouchpointChange,
    change_for_customer,
    check_against,
    net_change,
    scenario_label,
    touchpoint_changes,
    touchpoint_nets,
)
from valuenet.views.quotes import QuoteTexts, Said, fold_quotes, quote_texts
from valuenet.views.story import words

COLOR_MODES = ("dimension", "impact", "change")
IMPACTS = ("adds", "destroys", "neutral")
_EPS = 1e-9


@dataclass(frozen=True)
class ViewSpec:
    """Which network to show.

    With neither ``respondent`` nor ``segment`` the view aggregates every
    respondent. ``firm`` centres the view on the focal firm and keeps only its
    flows and the flows it is responsible for. ``compare`` names a second
    scenario: the view then shows the change from ``scenario`` to ``compare``.
    ``against`` names a second segment: the view then shows the change from
    ``segment`` to ``against`` in ``scenario`` (see :func:`change_for_customer`).
    """

    goal: str | None = None
    scenario: str = DEFAULT_SCENARIO
    respondent: str | None = None
    segment: str | None = None
    firm: bool = False
    compare: str | None = None
    color_by: str | None = None
    against: str | None = None


@dataclass
class ViewEdge:
    """All flows of one dimension from ``source`` to ``target``, summarised."""

    id: str
    source: str
    target: str
    dimension: str
    value: float | None
    n: int
    money: float | None
    structural: bool
    impact: str = "neutral"
    touchpoints: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    more_quotes: int = 0
    flows: int = 0
    change: str | None = None
    before: float | None = None
    before_n: int | None = None
    presence: str | None = None
    per_respondent: float | None = None
    before_per_respondent: float | None = None
    before_money: float | None = None


@dataclass
class ViewNode:
    """An actor, with what the customer gets from it and gives up to it, by dimension.

    In a comparison ``before`` is :attr:`net` on the first side and ``change`` says
    whether the net is ``better``, ``worse`` or the ``same`` for the customer on the
    second; ``presence`` is ``new`` or ``gone`` for an actor only one side has.
    """

    id: str
    name: str
    kind: str
    role: str
    description: str | None = None
    gets: dict[str, float] = field(default_factory=dict)
    gives: dict[str, float] = field(default_factory=dict)
    n: int = 0
    change: str | None = None
    before: float | None = None
    presence: str | None = None

    @property
    def net(self) -> float:
        """What the customer gets from this actor minus what they give up to it, over all dimensions."""
        return sum(self.gets.values()) - sum(self.gives.values())


@dataclass
class ViewData:
    """Everything a view shows; positions are added by :mod:`valuenet.views.layout`.

    ``scenario`` and ``compare`` name the two sides of a comparison as the page labels
    them: scenario ids, or in a segment-against-segment view (``against`` set, ``kind``
    ``segments``) the two segments in words (``against`` keeps the second's id), both in
    the scenario the subtitle names. ``scenario_name`` and ``compare_name`` are the two
    sides in words (scenario names, or the segments), for headings and table columns.
    """

    title: str
    subtitle: str
    kind: str
    model: str
    goal: str
    scenario: str
    compare: str | None
    centre: str
    customer: str
    focal: str
    color_by: str
    dimensions: list[str]
    kinds: list[str]
    scale_max: float
    currency: str | None
    respondents: int
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    against: str | None = None
    touchpoints: list[TouchpointChange] = field(default_factory=list)
    scenario_name: str | None = None
    compare_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (used for golden files and the page's data block)."""
        from dataclasses import asdict

        return asdict(self)


# -- aggregation ------------------------------------------------------------------------------

_Key = tuple[str, str, str, bool]


@dataclass
class _Acc:
    """The flows of one edge, summarised; ``people`` are the model positions of the respondents behind them."""

    value: float | None
    total: float
    money: float | None
    money_total: float
    n: int
    touchpoints: list[str]
    stages: list[str]
    responsible: list[str]
    quotes: list[dict[str, Any]]
    more_quotes: int
    flows: int
    people: np.ndarray


def _in_order(group: np.ndarray, code: np.ndarray, names: Sequence[str], m: int) -> list[list[str]]:
    """Per group, the distinct names of ``code`` (>= 0) in first-seen order."""
    out: list[list[str]] = [[] for _ in range(m)]
    ok = code >= 0
    pairs, first = np.unique(group[ok] * (len(names) + 1) + code[ok], return_index=True)
    for p in pairs[np.argsort(first, kind="stable")].tolist():
        out[p // (len(names) + 1)].append(names[p % (len(names) + 1)])
    return out


def _distinct(group: np.ndarray, who: np.ndarray, m: int) -> np.ndarray:
    """Per group, how many distinct values ``who`` takes."""
    pairs = distinct(group * (int(who.max(initial=0)) + 2) + who + 1)
    out: np.ndarray = np.bincount(pairs // (int(who.max(initial=0)) + 2), minlength=m)
    return out


def aggregate(t: FlowTable, rows: np.ndarray, texts: QuoteTexts, *, merge_customers: bool = True) -> dict[_Key, _Acc]:
    """Group the table's ``rows`` (a mask) by (source, target, dimension, structural), one :class:`_Acc` each.

    ``merge_customers`` shows every respondent's customer actor as the goal's customer;
    ``texts`` reads the quotes (:func:`quote_texts`).
    """
    n_a, n_d = len(t.actors), len(t.dimensions)
    structural = t.resp[rows] < 0
    src, dst = one_customer(t, rows) if merge_customers else (t.src[rows], t.dst[rows])
    code = ((src * n_a + dst) * n_d + t.dim[rows]) * 2 + structural
    groups, inverse = np.unique(code, return_inverse=True)
    m = len(groups)
    resp, mag, money = t.resp[rows], t.mag[rows], t.money[rows] * t.occ[rows]
    has_mag, has_money = ~np.isnan(mag), ~np.isnan(money)
    mag_sum = np.bincount(inverse[has_mag], weights=mag[has_mag], minlength=m)
    money_sum = np.bincount(inverse[has_money], weights=money[has_money], minlength=m)
    mag_n = _distinct(inverse[has_mag], resp[has_mag], m)
    money_n = _distinct(inverse[has_money], resp[has_money], m)
    people_n = _distinct(inverse[resp >= 0], resp[resp >= 0], m)
    touchpoints = _in_order(inverse, t.tp[rows], t.touchpoints, m)
    stages = _in_order(inverse, t.stage[rows], t.stages, m)
    blamed = _in_order(inverse, t.blame[rows], t.actors, m)
    quoted = t.quoted[rows]
    # per edge, largest magnitude first (money-only flows last), table order among equals
    order = np.lexsort((-np.nan_to_num(mag[quoted], nan=-1.0), inverse[quoted]))
    q_group, q_key = inverse[quoted][order], t.key[rows][quoted][order]
    q_resp, q_tp, q_mag = resp[quoted][order], t.tp[rows][quoted][order], mag[quoted][order]
    starts = np.searchsorted(q_group, np.arange(m))
    ends = np.searchsorted(q_group, np.arange(m), side="right")
    said = texts([q_key[s:e].tolist() for s, e in zip(starts.tolist(), ends.tolist(), strict=True)])
    names = [*t.respondents, ""]
    tps = [*t.touchpoints, ""]
    index = {r: i for i, r in enumerate(r.id for r in t.model.respondents)}
    position = np.array([index.get(r, -1) for r in t.respondents] + [-1], dtype=np.int64)
    person = position[resp]
    counts = np.bincount(inverse, minlength=m)
    order_all = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order_all], np.arange(m + 1))
    out: dict[_Key, _Acc] = {}
    for i, c in enumerate(groups.tolist()):
        rest, is_structural = divmod(c, 2)
        rest, dim = divmod(rest, n_d)
        src, dst = divmod(rest, n_a)
        quotes, more = fold_quotes(
            (
                Said(said[k], names[r], tps[tp], None if np.isnan(v) else float(v), names[r] or f"#{k}")
                for k, r, tp, v in zip(
                    q_key[starts[i] : ends[i]].tolist(),
                    q_resp[starts[i] : ends[i]].tolist(),
                    q_tp[starts[i] : ends[i]].tolist(),
                    q_mag[starts[i] : ends[i]],
                    strict=True,
                )
                if k in said
            ),
            int(ends[i] - starts[i]),
        )
        members = person[order_all[bounds[i] : bounds[i + 1]]]
        out[(t.actors[src], t.actors[dst], t.dimensions[dim], bool(is_structural))] = _Acc(
            float(mag_sum[i] / mag_n[i]) if mag_n[i] else None,
            float(mag_sum[i]),
            float(money_sum[i] / money_n[i]) if money_n[i] else None,
            float(money_sum[i]),
            int(people_n[i]),
            touchpoints[i],
            stages[i],
            blamed[i],
            quotes,
            more,
            int(counts[i]),
            distinct(members[members >= 0]),
        )
    return out


def _per_respondent(key: _Key, acc: _Acc | None, people: int) -> tuple[float | None, float | None]:
    """An edge's (magnitude, money) for the mean of the ``people`` respondents a side covers; structural flows whole.

    None where the edge has no magnitude (or no money), or is not on this side.
    """
    if acc is None:
        return None, None
    if key[3]:
        return acc.value, acc.money
    share = 1.0 / max(people, 1)
    return (
        None if acc.value is None else acc.total * share,
        None if acc.money is None else acc.money_total * share,
    )


def _edge(edge_id: str, key: _Key, acc: _Acc) -> ViewEdge:
    return ViewEdge(
        id=edge_id,
        source=key[0],
        target=key[1],
        dimension=key[2],
        structural=key[3],
        value=acc.value,
        money=acc.money,
        n=acc.n,
        touchpoints=acc.touchpoints,
        stages=acc.stages,
        responsible=acc.responsible,
        quotes=acc.quotes,
        more_quotes=acc.more_quotes,
        flows=acc.flows,
    )


def _impacts(edges: Iterable[ViewEdge], customer: str) -> None:
    net: dict[tuple[str, str], float] = defaultdict(float)
    for e in edges:
        if e.value is None:
            continue
        if e.target == customer:
            net[(e.source, e.dimension)] += e.value
        elif e.source == customer:
            net[(e.target, e.dimension)] -= e.value
    for e in edges:
        other = e.source if e.target == customer else e.target if e.source == customer else None
        if other is None or (other, e.dimension) not in net:
            e.impact = "neutral"
            continue
        value = net[(other, e.dimension)]
        e.impact = "adds" if value > _EPS else "destroys" if value < -_EPS else "neutral"


def _nets(accs: dict[_Key, _Acc], keep: Callable[[_Key, _Acc], bool], customer: str, people: int) -> dict[str, float]:
    """Per actor, the net value the mean respondent gets from it (the customer: from everyone), as in :func:`_nodes`."""
    net: dict[str, float] = defaultdict(float)
    for key, acc in accs.items():
        src, dst = key[:2]
        mean = _per_respondent(key, acc, people)[0]
        if mean is None or customer not in (src, dst) or not keep(key, acc):
            continue
        share = mean * (1.0 if dst == customer else -1.0)
        net[src if dst == customer else dst] += share
        net[customer] += share
    return net


# -- building a view --------------------------------------------------------------------------


def _pick_goal(model: Model, goal: str | None) -> str:
    if goal is not None:
        model.goal(goal)
        return goal
    if len(model.goals) == 1:
        return model.goals[0].id
    ids = ", ".join(g.id for g in model.goals) or "none"
    raise ViewError(f"model {model.id!r} has {len(model.goals)} goals ({ids}); name the goal to show.")


def _check_scenario(model: Model, goal: str, scenario: str) -> None:
    have = [s.id for s in model.goal(goal).scenarios]
    if scenario not in have:
        raise ViewError(f"goal {goal!r} of model {model.id!r} has no scenario {scenario!r}; it has: {', '.join(have)}.")


def _members(model: Model, spec: ViewSpec) -> tuple[set[str] | None, str, str]:
    """The respondents a view covers (None: all), the view kind and how to describe the scope."""
    if spec.respondent is not None and spec.segment is not None:
        raise ViewError("a view shows one respondent or one segment, not both; drop one of them.")
    if spec.respondent is not None:
        r = model.respondent(spec.respondent)
        label = f"Respondent {r.name or r.id}" + (f" ({words(r.segment)})" if r.segment else "")
        return {r.id}, "respondent", label
    if spec.segment is not None:
        members = {r.id for r in model.respondents if r.segment == spec.segment}
        if not members:
            have = sorted({r.segment for r in model.respondents if r.segment})
            raise ViewError(
                f"model {model.id!r} has no respondent in segment {spec.segment!r}; "
                f"segments: {', '.join(have) or 'none (set segment: on respondents)'}."
            )
        return members, "segment", f"Segment {words(spec.segment)}: {len(members)} respondents, mean values"
    return None, "all", f"All respondents ({len(model.respondents)}), mean values"


def _rows(t: FlowTable, members: set[str] | None, respondent: str | None) -> np.ndarray:
    """The table rows a view shows: one respondent's flows, or the members' (everyone's), plus structural ones."""
    structural = t.resp < 0
    if t.pseudo:
        return structural
    if respondent is not None:
        keep = np.array([r == respondent for r in t.respondents] + [False])
    elif members is not None:
        keep = np.array([r in members for r in t.respondents] + [False])
    else:
        keep = np.ones(t.n + 1, dtype=bool)
        keep[-1] = False
    out: np.ndarray = structural | keep[t.resp]
    return out


def _in_both(before: FlowTable, after: FlowTable, members: set[str] | None, scope: str) -> tuple[set[str] | None, str]:
    """For a comparison, the respondents with flows in both scenarios, so a change is never a missing interview.

    A respondent's inherited flows count (``based_on``): one not re-interviewed for a
    derived scenario is compared too.
    """
    both = set(before.respondents) & set(after.respondents) if not (before.pseudo or after.pseudo) else set()
    if members is not None:
        both &= members
    if not both:
        return members, scope
    return both, f"{scope.split(':')[0].split(' (')[0]}: {len(both)} respondents in both scenarios, mean values"


def build_view(model: Model, spec: ViewSpec, source: FlowSource | None = None) -> ViewData:
    """The nodes and edges of the view ``spec`` asks for, with their numbers.

    The flows are read as columns from ``source`` (a store; by default the model's
    own flows), the same way the analysis reads them, so a view of a large study
    never builds an object per flow. Raises :class:`~valuenet.errors.ViewError` (or
    :class:`~valuenet.errors.ModelError` for an unknown goal or respondent) when the
    spec does not fit the model.

    A comparison (``compare`` or ``against``) builds both sides and marks each flow
    with ``before``, ``before_n`` and ``before_money`` (its numbers on the first side),
    ``change`` (better or worse for the customer, :func:`change_for_customer`) and
    ``presence`` (``new``, ``gone``); a gone flow keeps its first side's numbers and has
    no ``value``, ``money`` or ``n``. Better or worse is decided on what the mean
    respondent of each side gets or gives (``before_per_respondent`` to
    ``per_respondent``; money the same way), not on ``value``, the mean of only those
    who have the flow: a flow 1 of 8 states at 3 and 7 of 8 at 1 is better for the
    customer (0.375 to 0.875 per respondent) although its ``value`` falls from 3 to 1.
    """
    goal = _pick_goal(model, spec.goal)
    _check_scenario(model, goal, spec.scenario)
    if spec.compare is not None:
        _check_scenario(model, goal, spec.compare)
    check_against(spec.segment, spec.against, spec.compare)
    diff = spec.compare is not None or spec.against is not None
    color_by = spec.color_by or ("change" if diff else "dimension")
    if color_by not in COLOR_MODES or (color_by == "change" and not diff):
        modes = COLOR_MODES if diff else COLOR_MODES[:2]
        raise ViewError(f"cannot colour flows by {color_by!r}; choose {', '.join(modes)}.")
    members, kind, scope = _members(model, spec)
    first = members
    if spec.against is not None:
        members = _members(model, replace(spec, segment=spec.against))[0]
        scope = (
            f"Segment {words(spec.segment or '')} (n={len(first or ())}) against segment {words(spec.against)} "
            f"(n={len(members or ())}), mean values"
        )
    src = source if source is not None else ModelFlows(model)
    fetch = fetcher(src, model.id)
    chain = scenario_chain(model.goal(goal), spec.compare or spec.scenario)
    if spec.compare:  # both sides' texts, read at most once
        chain = list(dict.fromkeys([*scenario_chain(model.goal(goal), spec.scenario), *chain]))
    texts = quote_texts(src, fetch, model.id, goal, chain)

    after_t = FlowTable.read(model, goal, spec.compare or spec.scenario, src)
    before_t = FlowTable.read(model, goal, spec.scenario, src) if spec.compare else after_t if spec.against else None
    if spec.compare and before_t is not None and spec.respondent is None:
        members, scope = _in_both(before_t, after_t, members, scope)
        first = members
    merge = spec.respondent is None
    after_rows = _rows(after_t, members, spec.respondent)
    after = aggregate(after_t, after_rows, texts, merge_customers=merge)
    before: dict[_Key, _Acc] = {}
    if before_t is not None:
        before_rows = _rows(before_t, first, spec.respondent)
        before = aggregate(before_t, before_rows, texts, merge_customers=merge)
    focal = after_t.actors[after_t.focal]
    customer = model.customer_of(goal, model.respondent(spec.respondent) if spec.respondent else None)

    def people_of(accs: dict[_Key, _Acc]) -> int:
        return len(distinct(np.concatenate([acc.people for acc in accs.values()]))) if accs else 0

    covered, covered_before = people_of(after), people_of(before)
    edges: list[ViewEdge] = []
    who: dict[str, np.ndarray] = {}
    for i, key in enumerate(sorted(set(after) | set(before))):
        acc = after[key] if key in after else before[key]
        edge = _edge(f"e{i}", key, acc)
        who[edge.id] = acc.people if key in after else np.zeros(0, dtype=np.int64)
        now = _per_respondent(key, after.get(key), covered)
        edge.per_respondent = now[0]
        if diff:
            old = before.get(key)
            was = _per_respondent(key, old, covered_before)
            edge.before, edge.before_n, edge.before_money = (old.value, old.n, old.money) if old else (None, 0, None)
            edge.before_per_respondent = was[0]
            edge.presence = "new" if old is None else "gone" if key not in after else None
            edge.change = (
                "other"  # a flow between two other actors that comes or goes, even one of money only
                if edge.presence and customer not in key[:2]
                else change_for_customer(key[0], key[1], customer, was[0], now[0], was[1], now[1])
            )
        edges.append(edge)
    if spec.firm:
        edges = [e for e in edges if focal in (e.source, e.target) or focal in e.responsible]
        kind = "firm"
    _impacts([e for e in edges if e.presence != "gone"], customer)
    _impacts([e for e in edges if e.presence == "gone"], customer)  # as they were on the first side
    for e in edges:
        if e.presence == "gone":
            e.value, e.money, e.n = None, None, 0

    nodes = _nodes(model, edges, who, customer, focal, diff)
    if diff:
        then = _nets(
            before, lambda k, a: not spec.firm or focal in k[:2] or focal in a.responsible, customer, covered_before
        )
        for node in nodes:
            node.before = then.get(node.id, 0.0)
            node.change = net_change(node.before, node.net)
    touchpoints: list[TouchpointChange] = []
    if before_t is not None:
        firm = focal if spec.firm else None
        touchpoints = touchpoint_changes(
            touchpoint_nets(before_t, before_rows, customer, covered_before, merge=merge, firm=firm),
            touchpoint_nets(after_t, after_rows, customer, covered, merge=merge, firm=firm),
        )
    title, scen = model.goal(goal).title, scenario_label(model, goal, spec.scenario, described=not spec.compare)
    if spec.compare:
        title += f": {scenario_label(model, goal, spec.scenario)} → {scenario_label(model, goal, spec.compare)}"
        scen = f"from {scen} to {scenario_label(model, goal, spec.compare, described=True)}"
    elif spec.against:
        title += f": segment {words(spec.segment or '')} → segment {words(spec.against)}"
        scen = f"scenario {scen}"
    else:
        scen = f"scenario {scen}"
    names = (
        scenario_label(model, goal, spec.scenario),
        scenario_label(model, goal, spec.compare) if spec.compare else None,
    )
    if spec.against:
        names = (words(spec.segment or ""), words(spec.against))
    if spec.firm:
        scope = f"Focal firm {model.actor(focal).name}: its flows and the flows it causes. {scope}"
    return ViewData(
        title=title,
        subtitle=f"{scope} · {scen}",
        kind="diff" if spec.compare else "segments" if spec.against else kind,
        model=model.id,
        goal=goal,
        scenario=words(spec.segment) if spec.against and spec.segment else spec.scenario,
        compare=words(spec.against) if spec.against else spec.compare,
        centre=focal if spec.firm else customer,
        customer=customer,
        focal=focal,
        color_by=color_by,
        dimensions=[d for d in model.dimension_ids if any(e.dimension == d for e in edges)] or model.dimension_ids,
        kinds=[k for k in model.kind_ids if any(n.kind == k for n in nodes)],
        scale_max=model.scale.max,
        currency=model.currency,
        respondents=covered,
        nodes=nodes,
        edges=edges,
        against=spec.against,
        touchpoints=touchpoints,
        scenario_name=names[0],
        compare_name=names[1],
    )


def _nodes(
    model: Model, edges: list[ViewEdge], who: dict[str, np.ndarray], customer: str, focal: str, diff: bool
) -> list[ViewNode]:
    """The actors the edges touch (plus customer and focal firm), with the customer's gets and gives per actor.

    Gets and gives are those of the mean respondent among the people the view covers (as in the
    analysis), the edges' ``per_respondent``: a flow that 2 of 20 respondents reported at 4 adds 0.4.
    An edge keeps the mean of those who reported it, with its ``n``.
    """
    presence: dict[str, set[str | None]] = defaultdict(set)
    for e in edges:
        for end in (e.source, e.target):
            presence[end].add(e.presence)
    nodes: dict[str, ViewNode] = {}
    for a in model.actors:
        if a.id not in presence and a.id not in (customer, focal):
            continue
        role = "customer" if a.id == customer else "focal" if a.id == focal else ""
        seen = presence.get(a.id, set())
        only = next(iter(seen)) if diff and len(seen) == 1 and role == "" else None
        nodes[a.id] = ViewNode(id=a.id, name=a.name, kind=a.kind, role=role, description=a.description, presence=only)
    reached: dict[str, list[np.ndarray]] = defaultdict(list)
    for e in edges:
        for end in (e.source, e.target):
            reached[end].append(who.get(e.id, np.zeros(0, dtype=np.int64)))
        share = e.per_respondent
        if share is None or customer not in (e.source, e.target):
            continue
        other = e.source if e.target == customer else e.target
        side = "gets" if e.target == customer else "gives"
        for node in (nodes[other], nodes[customer]):
            sums: dict[str, float] = getattr(node, side)
            sums[e.dimension] = sums.get(e.dimension, 0.0) + share
    for node_id, node in nodes.items():
        node.n = len(distinct(np.concatenate(reached[node_id]))) if reached[node_id] else 0
    return list(nodes.values())
