"""Net perceived value per actor: what the customer gets minus what they give up.

For a respondent's goal graph, per actor and dimension: *gets* is the sum of the
magnitudes of the flows actor -> customer, *gives* the sum of the flows
customer -> actor; *net* = gets - gives. The weighted total is
``sum(weight[d] * net[d])`` with the respondent's weights normalised to sum 1.
The focal firm's rank (1 = the most net value) and its share of all the value the
customer gets (weighted gets from the firm / weighted gets from every actor) say
where the firm stands in the customer's network.

>>> from valuenet.models import Actor, Goal, Model, exchange_flows
>>> from valuenet.graph import goal_graph
>>> m = Model(id="m", actors=[Actor(id="c", name="C", kind="customer"), Actor(id="f", name="F", kind="focal_firm")],
...           goals=[Goal(id="g", title="G")],
...           flows=exchange_flows("x", goal="g", customer="c", actor="f", dimension="economic", gets=1, gives=3))
>>> nv = net_value(goal_graph(m, "g"))
>>> nv.actors["f"].net["economic"], nv.actors["f"].weighted
(-2.0, -0.5)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import (
    Context,
    Result,
    customer_of,
    dimensions_of,
    focal_of,
    normalise_weights,
    others,
    perceived,
    ranks,
)
from valuenet.graph import DIMENSION, MAGNITUDE

Table = dict[str, dict[str, float]]


def gets_and_gives(g: nx.MultiDiGraph) -> tuple[Table, Table]:
    """Per actor and dimension, the magnitudes the customer gets from it and gives up to it."""
    customer = customer_of(g)
    dims = dimensions_of(g)
    gets: Table = {a: dict.fromkeys(dims, 0.0) for a in others(g)}
    gives: Table = {a: dict.fromkeys(dims, 0.0) for a in others(g)}
    for u, v, d in perceived(g):
        dim = d[DIMENSION]
        if v == customer and u != customer:
            gets[u][dim] = gets[u].get(dim, 0.0) + float(d[MAGNITUDE])
        elif u == customer and v != customer:
            gives[v][dim] = gives[v].get(dim, 0.0) + float(d[MAGNITUDE])
    return gets, gives


def weighted(values: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """``sum(weights[d] * values[d])`` (a dimension without a weight counts 0)."""
    return sum((weights.get(d, 0.0) * v for d, v in values.items()), 0.0)


def resolve(g: nx.MultiDiGraph, context: Context | None) -> Context:
    """The context to use: the one given, else equal weights over the graph's dimensions and no thresholds."""
    return context if context is not None else Context(normalise_weights({}, dimensions_of(g)), {})


@dataclass(frozen=True)
class ActorValue(Result):
    """The value one actor gives the customer, per dimension and weighted."""

    actor: str
    gets: Mapping[str, float]
    gives: Mapping[str, float]
    net: Mapping[str, float]
    weighted_gets: float
    weighted_gives: float
    weighted: float
    rank: int


@dataclass(frozen=True)
class NetValue(Result):
    """Net perceived value per actor for one customer (or a segment's mean customer)."""

    focal: str
    customer: str
    weights: Mapping[str, float]
    actors: Mapping[str, ActorValue]
    focal_rank: int
    focal_share: float | None
    total: Mapping[str, float]
    total_weighted: float

    def rows(self) -> list[dict[str, Any]]:
        """One row per actor: weighted figures, rank and net per dimension."""
        return [
            {
                "actor": a.actor,
                "focal": a.actor == self.focal,
                "rank": a.rank,
                "weighted": a.weighted,
                "weighted_gets": a.weighted_gets,
                "weighted_gives": a.weighted_gives,
                **{f"net_{d}": v for d, v in a.net.items()},
            }
            for a in sorted(self.actors.values(), key=lambda x: (x.rank, x.actor))
        ]


def net_value(g: nx.MultiDiGraph, context: Context | None = None) -> NetValue:
    """Net perceived value per actor, by dimension and weighted by what matters to the customer."""
    ctx = resolve(g, context)
    w = ctx.weights
    gets, gives = gets_and_gives(g)
    nets = {a: {d: gets[a][d] - gives[a][d] for d in gets[a]} for a in gets}
    totals = {a: weighted(nets[a], w) for a in nets}
    rank = ranks(totals)
    actors = {
        a: ActorValue(a, gets[a], gives[a], nets[a], weighted(gets[a], w), weighted(gives[a], w), totals[a], rank[a])
        for a in nets
    }
    focal = focal_of(g)
    all_gets = sum((x.weighted_gets for x in actors.values()), 0.0)
    dims = dimensions_of(g)
    total = {d: sum(nets[a].get(d, 0.0) for a in nets) for d in dims}
    return NetValue(
        focal,
        customer_of(g),
        dict(w),
        actors,
        rank[focal],
        actors[focal].weighted_gets / all_gets if all_gets > 0 else None,
        total,
        weighted(total, w),
    )
