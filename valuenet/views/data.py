"""What a network view shows, worked out from a model's goal graphs.

:func:`build_view` turns a model and a :class:`ViewSpec` into :class:`ViewData`:
plain nodes and edges with the numbers a strategist reads in the side panel.
It draws nothing and writes nothing; :mod:`valuenet.views.render` does that.

An edge stands for every flow of one dimension from one actor to another. Its
``value`` is the mean, over the respondents who reported such flows, of each
respondent's total perceived magnitude; ``n`` is how many respondents that is.
Structural flows (no respondent) are summed and keep ``n = 0``.

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from valuenet.errors import ViewError
from valuenet.graph import (
    CUSTOMER,
    DIMENSION,
    FOCAL,
    MAGNITUDE,
    MONEY,
    OCCURRENCES,
    QUOTE,
    RESPONDENT,
    RESPONSIBLE,
    STAGE,
    TOUCHPOINT,
    flows_of,
    goal_graph,
)
from valuenet.models import DEFAULT_SCENARIO, Model

COLOR_MODES = ("dimension", "impact", "change")
IMPACTS = ("adds", "destroys", "neutral")
CHANGES = ("added", "removed", "up", "down", "same")
#: Quotes kept per edge; the side panel says how many more there were.
MAX_QUOTES = 25
_EPS = 1e-9


@dataclass(frozen=True)
class ViewSpec:
    """Which network to show.

    With neither ``respondent`` nor ``segment`` the view aggregates every
    respondent. ``firm`` centres the view on the focal firm and keeps only its
    flows and the flows it is responsible for. ``compare`` names a second
    scenario: the view then shows the change from ``scenario`` to ``compare``.
    """

    goal: str | None = None
    scenario: str = DEFAULT_SCENARIO
    respondent: str | None = None
    segment: str | None = None
    firm: bool = False
    compare: str | None = None
    color_by: str | None = None


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
    quotes: list[dict[str, str]] = field(default_factory=list)
    more_quotes: int = 0
    flows: int = 0
    change: str | None = None
    before: float | None = None


@dataclass
class ViewNode:
    """An actor, with what the customer gets from it and gives up to it, by dimension."""

    id: str
    name: str
    kind: str
    role: str
    description: str | None = None
    gets: dict[str, float] = field(default_factory=dict)
    gives: dict[str, float] = field(default_factory=dict)
    n: int = 0
    change: str | None = None

    @property
    def net(self) -> float:
        """What the customer gets from this actor minus what they give up to it, over all dimensions."""
        return sum(self.gets.values()) - sum(self.gives.values())


@dataclass
class ViewData:
    """Everything a view shows; positions are added by :mod:`valuenet.views.layout`."""

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

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (used for golden files and the page's data block)."""
        from dataclasses import asdict

        return asdict(self)


# -- aggregation ------------------------------------------------------------------------------

_Key = tuple[str, str, str, bool]


@dataclass
class _Acc:
    magnitude: dict[str | None, float] = field(default_factory=lambda: defaultdict(float))
    money: dict[str | None, float] = field(default_factory=lambda: defaultdict(float))
    touchpoints: dict[str, None] = field(default_factory=dict)
    stages: dict[str, None] = field(default_factory=dict)
    responsible: dict[str, None] = field(default_factory=dict)
    quotes: dict[tuple[str, str, str], None] = field(default_factory=dict)
    respondents: set[str] = field(default_factory=set)
    flows: int = 0

    def add(self, data: dict[str, Any]) -> None:
        who = data[RESPONDENT]
        self.flows += 1
        if who is not None:
            self.respondents.add(who)
        if data[MAGNITUDE] is not None:
            self.magnitude[who] += float(data[MAGNITUDE])
        if data[MONEY] is not None:
            self.money[who] += float(data[MONEY]) * float(data[OCCURRENCES])
        for attr, seen in ((TOUCHPOINT, self.touchpoints), (STAGE, self.stages), (RESPONSIBLE, self.responsible)):
            if data[attr]:
                seen[data[attr]] = None
        if data[QUOTE]:
            self.quotes[(data[QUOTE], who or "", data[TOUCHPOINT] or "")] = None

    @staticmethod
    def _mean(per_respondent: dict[str | None, float]) -> float | None:
        return sum(per_respondent.values()) / len(per_respondent) if per_respondent else None


def aggregate(g: nx.MultiDiGraph, members: set[str] | None = None) -> dict[_Key, _Acc]:
    """Group a goal graph's flows by (source, target, dimension, structural), keeping ``members``' flows only."""
    groups: dict[_Key, _Acc] = {}
    for u, v, data in g.edges(data=True):
        who = data[RESPONDENT]
        if members is not None and who is not None and who not in members:
            continue
        key = (u, v, data[DIMENSION], who is None)
        groups.setdefault(key, _Acc()).add(data)
    return groups


def _edge(edge_id: str, key: _Key, acc: _Acc) -> ViewEdge:
    quotes = [{"text": t, "respondent": r, "touchpoint": tp} for t, r, tp in acc.quotes]
    return ViewEdge(
        id=edge_id,
        source=key[0],
        target=key[1],
        dimension=key[2],
        structural=key[3],
        value=acc._mean(acc.magnitude),
        money=acc._mean(acc.money),
        n=len(acc.respondents),
        touchpoints=list(acc.touchpoints),
        stages=list(acc.stages),
        responsible=list(acc.responsible),
        quotes=quotes[:MAX_QUOTES],
        more_quotes=max(0, len(quotes) - MAX_QUOTES),
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


def _change(before: float | None, after: float | None) -> str:
    b, a = before or 0.0, after or 0.0
    return "up" if a > b + _EPS else "down" if a < b - _EPS else "same"


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
        label = f"Respondent {r.name or r.id}" + (f" ({r.segment})" if r.segment else "")
        return {r.id}, "respondent", label
    if spec.segment is not None:
        members = {r.id for r in model.respondents if r.segment == spec.segment}
        if not members:
            have = sorted({r.segment for r in model.respondents if r.segment})
            raise ViewError(
                f"model {model.id!r} has no respondent in segment {spec.segment!r}; "
                f"segments: {', '.join(have) or 'none (set segment: on respondents)'}."
            )
        return members, "segment", f"Segment {spec.segment}: {len(members)} respondents, mean values"
    return None, "all", f"All respondents ({len(model.respondents)}), mean values"


def _in_both(
    model: Model, goal: str, spec: ViewSpec, members: set[str] | None, scope: str
) -> tuple[set[str] | None, str]:
    """For a comparison, the respondents with flows in both scenarios, so a change is never a missing interview.

    A respondent's inherited flows count (``based_on``): one not re-interviewed for a
    derived scenario is compared too.
    """

    def reported(scenario: str) -> set[str]:
        return {f.respondent for f in flows_of(model, goal, scenario) if f.respondent}

    both = reported(spec.scenario) & reported(spec.compare or spec.scenario)
    if members is not None:
        both &= members
    if not both:
        return members, scope
    return both, f"{scope.split(':')[0].split(' (')[0]}: {len(both)} respondents in both scenarios, mean values"


def build_view(model: Model, spec: ViewSpec) -> ViewData:
    """The nodes and edges of the view ``spec`` asks for, with their numbers.

    Raises :class:`~valuenet.errors.ViewError` (or :class:`~valuenet.errors.ModelError`
    for an unknown goal or respondent) when the spec does not fit the model.
    """
    goal = _pick_goal(model, spec.goal)
    _check_scenario(model, goal, spec.scenario)
    if spec.compare is not None:
        _check_scenario(model, goal, spec.compare)
    color_by = spec.color_by or ("change" if spec.compare else "dimension")
    if color_by not in COLOR_MODES or (color_by == "change" and not spec.compare):
        modes = COLOR_MODES if spec.compare else COLOR_MODES[:2]
        raise ViewError(f"cannot colour flows by {color_by!r}; choose {', '.join(modes)}.")
    members, kind, scope = _members(model, spec)
    if spec.compare and spec.respondent is None:
        members, scope = _in_both(model, goal, spec, members, scope)

    after_g = goal_graph(model, goal, spec.compare or spec.scenario, spec.respondent)
    after = aggregate(after_g, members)
    before: dict[_Key, _Acc] = {}
    if spec.compare:
        before = aggregate(goal_graph(model, goal, spec.scenario, spec.respondent), members)
    customer, focal = after_g.graph[CUSTOMER], after_g.graph[FOCAL]

    edges: list[ViewEdge] = []
    who: dict[str, set[str]] = {}
    for i, key in enumerate(sorted(set(after) | set(before))):
        acc = after[key] if key in after else before[key]
        edge = _edge(f"e{i}", key, acc)
        who[edge.id] = acc.respondents
        if spec.compare:
            old = before[key]._mean(before[key].magnitude) if key in before else None
            edge.before = old
            edge.change = "added" if key not in before else "removed" if key not in after else _change(old, edge.value)
        edges.append(edge)
    if spec.firm:
        edges = [e for e in edges if focal in (e.source, e.target) or focal in e.responsible]
        kind = "firm"
    _impacts([e for e in edges if e.change != "removed"], customer)
    _impacts([e for e in edges if e.change == "removed"], customer)

    covered = set().union(*(acc.respondents for acc in after.values())) if after else set()
    nodes = _nodes(model, edges, who, customer, focal, bool(spec.compare), len(covered))
    goal_obj = model.goal(goal)
    scen = f"scenario {spec.scenario}" + (f" compared with {spec.compare}" if spec.compare else "")
    if spec.firm:
        scope = f"Focal firm {model.actor(focal).name}: its flows and the flows it causes. {scope}"
    return ViewData(
        title=goal_obj.title,
        subtitle=f"{scope} · {scen}",
        kind="diff" if spec.compare else kind,
        model=model.id,
        goal=goal,
        scenario=spec.scenario,
        compare=spec.compare,
        centre=focal if spec.firm else customer,
        customer=customer,
        focal=focal,
        color_by=color_by,
        dimensions=[d for d in model.dimension_ids if any(e.dimension == d for e in edges)] or model.dimension_ids,
        kinds=[k for k in model.kind_ids if any(n.kind == k for n in nodes)],
        scale_max=model.scale.max,
        currency=model.currency,
        respondents=len(covered),
        nodes=nodes,
        edges=edges,
    )


def _nodes(
    model: Model, edges: list[ViewEdge], who: dict[str, set[str]], customer: str, focal: str, diff: bool, people: int
) -> list[ViewNode]:
    """The actors the edges touch (plus customer and focal firm), with the customer's gets and gives per actor.

    Gets and gives are those of the mean respondent among the ``people`` the view covers (as in the
    analysis): a flow that 2 of 20 respondents reported at 4 adds 0.4. An edge keeps the mean of those
    who reported it, with its ``n``.
    """
    changes: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        for end in (e.source, e.target):
            changes[end].add("added" if e.change == "added" else "removed" if e.change == "removed" else "same")
    nodes: dict[str, ViewNode] = {}
    for a in model.actors:
        if a.id not in changes and a.id not in (customer, focal):
            continue
        role = "customer" if a.id == customer else "focal" if a.id == focal else ""
        seen = changes.get(a.id, set())
        change = (next(iter(seen)) if len(seen) == 1 and role == "" else "same") if diff else None
        nodes[a.id] = ViewNode(id=a.id, name=a.name, kind=a.kind, role=role, description=a.description, change=change)
    reached: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        for end in (e.source, e.target):
            reached[end] |= who.get(e.id, set())
        if e.change == "removed" or e.value is None or customer not in (e.source, e.target):
            continue
        other = e.source if e.target == customer else e.target
        side = "gets" if e.target == customer else "gives"
        share = e.value if e.structural else e.value * e.n / max(people, 1)  # per respondent in the view
        for node in (nodes[other], nodes[customer]):
            totals: dict[str, float] = getattr(node, side)
            totals[e.dimension] = totals.get(e.dimension, 0.0) + share
    for node_id, node in nodes.items():
        node.n = len(reached[node_id])
    return list(nodes.values())
