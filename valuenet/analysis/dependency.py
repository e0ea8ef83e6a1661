"""How much of the customer's value depends on the focal firm, and who could stand in for it.

Method (per dimension ``d``): build the flow network of the perceived flows in
``d``, each edge's capacity the sum of the magnitudes from giver to receiver.
Add a super-source with unlimited capacity to every actor but the customer, and
take the maximum flow to the customer, ``M(G)``. The value *at risk* is
``M(G) - M(G without the firm)``: what can no longer reach the customer when the
firm leaves. Of that, the *relayed* part starts at other actors and reaches the
customer through the firm (an insurer's value reaching the patient through the
clinic): the same difference with the super-source joined to every actor but the
firm and the customer. ``relayed_from`` breaks it down per source actor ``a`` as
``maxflow(a -> customer) - maxflow(a -> customer, without the firm)`` (these can
share capacity, so they need not add up to ``relayed``).

*Substitutes* for a dimension the firm provides are the other actors from which
the customer already gets value in it; ``coverage`` is the share of the firm's
value there they could replace at today's level (capped at 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import Context, Result, customer_of, dimensions_of, focal_of, others, perceived
from valuenet.analysis.net import gets_and_gives, resolve
from valuenet.graph import DIMENSION, MAGNITUDE

_SOURCE = ("super-source",)  # a tuple never collides with an actor id
_CAP = "capacity"


@dataclass(frozen=True)
class Substitute(Result):
    """An actor that already gives the customer value in a dimension the firm provides."""

    actor: str
    gets: float
    net: float
    coverage: float


@dataclass(frozen=True)
class DimensionDependency(Result):
    """Dependency on the firm in one dimension."""

    dimension: str
    total_gets: float
    at_risk: float
    share: float | None
    relayed: float
    relayed_from: Mapping[str, float]
    gives_saved: float
    substitutes: tuple[Substitute, ...]


@dataclass(frozen=True)
class Dependency(Result):
    """What the customer would lose (and stop giving up) if the focal firm left the network."""

    focal: str
    dimensions: Mapping[str, DimensionDependency]
    at_risk_weighted: float
    net_at_risk_weighted: float
    share_weighted: float | None

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "dimension": x.dimension,
                "total_gets": x.total_gets,
                "at_risk": x.at_risk,
                "share": x.share,
                "relayed": x.relayed,
                "relayed_from": dict(x.relayed_from),
                "gives_saved": x.gives_saved,
                "substitutes": [f"{s.actor} ({s.coverage:.0%})" for s in x.substitutes],
            }
            for x in self.dimensions.values()
        ]


def capacity_graph(g: nx.MultiDiGraph, dimension: str) -> nx.DiGraph:
    """The flow network of one dimension: edge capacity = summed perceived magnitude giver -> receiver."""
    cap = nx.DiGraph()
    cap.add_nodes_from(g.nodes)
    for u, v, d in perceived(g):
        if d[DIMENSION] != dimension or u == v or float(d[MAGNITUDE]) <= 0:
            continue
        if cap.has_edge(u, v):
            cap[u][v][_CAP] += float(d[MAGNITUDE])
        else:
            cap.add_edge(u, v, **{_CAP: float(d[MAGNITUDE])})
    return cap


def _max_flow(cap: nx.DiGraph, sources: list[Any], sink: str) -> float:
    if not sources or sink not in cap:
        return 0.0
    h = cap.copy()
    h.add_edges_from((_SOURCE, s) for s in sources if s in h)  # no capacity attribute: unlimited
    return float(nx.maximum_flow_value(h, _SOURCE, sink, capacity=_CAP))


def _pair_flow(cap: nx.DiGraph, source: str, sink: str) -> float:
    """Maximum flow from ``source`` to ``sink``, on the part of ``cap`` the flow can use.

    Every path of a flow leaves ``source`` and ends at ``sink`` without passing through it, so only the
    actors reached from ``source`` that way matter: the flow is computed on them alone (the customer's
    ties out reach everyone, and a flow over the whole network per actor made this quadratic).
    """
    if source not in cap or sink not in cap:
        return 0.0
    reach, todo = {source}, [source]
    while todo:
        u = todo.pop()
        if u != sink:
            for v in cap._succ[u]:
                if v not in reach:
                    reach.add(v)
                    todo.append(v)
    if sink not in reach:
        return 0.0
    return float(nx.maximum_flow_value(cap.subgraph(reach).copy(), source, sink, capacity=_CAP))


def dependency(g: nx.MultiDiGraph, context: Context | None = None) -> Dependency:
    """Value at risk if the focal firm left, per dimension and weighted, with relayed value and substitutes."""
    ctx = resolve(g, context)
    customer, focal = customer_of(g), focal_of(g)
    gets, gives = gets_and_gives(g)
    rest = [a for a in others(g) if a != focal]
    out: dict[str, DimensionDependency] = {}
    for dim in dimensions_of(g):
        cap = capacity_graph(g, dim)
        without = cap.copy()
        without.remove_node(focal)
        at_risk = _max_flow(cap, [focal, *rest], customer) - _max_flow(without, rest, customer)
        relayed = _max_flow(cap, rest, customer) - _max_flow(without, rest, customer)
        relayed_from = {}
        relays = nx.ancestors(cap, focal) if focal in cap else set()  # the actors with a path to the firm
        for a in rest:
            if a in relays:
                lost = _pair_flow(cap, a, customer) - _pair_flow(without, a, customer)
                if lost > 1e-12:
                    relayed_from[a] = lost
        total = sum((gets[a].get(dim, 0.0) for a in gets), 0.0)
        firm_gets = gets[focal].get(dim, 0.0)
        subs: list[Substitute] = []
        if firm_gets > 0:
            subs = sorted(
                (
                    Substitute(
                        a, gets[a][dim], gets[a][dim] - gives[a].get(dim, 0.0), min(1.0, gets[a][dim] / firm_gets)
                    )
                    for a in rest
                    if gets[a].get(dim, 0.0) > 0
                ),
                key=lambda s: (-s.gets, -s.net, s.actor),
            )
        out[dim] = DimensionDependency(
            dim,
            total,
            at_risk,
            at_risk / total if total > 0 else None,
            relayed,
            relayed_from,
            gives[focal].get(dim, 0.0),
            tuple(subs),
        )
    w = ctx.weights
    risk = sum((w.get(d, 0.0) * x.at_risk for d, x in out.items()), 0.0)
    saved = sum((w.get(d, 0.0) * x.gives_saved for d, x in out.items()), 0.0)
    total_w = sum((w.get(d, 0.0) * x.total_gets for d, x in out.items()), 0.0)
    return Dependency(focal, out, risk, risk - saved, risk / total_w if total_w > 0 else None)
