"""Net perceived value per actor: what the customer gets minus what they give up.

Per respondent, actor and dimension: *gets* is the sum of the magnitudes of the
flows actor -> customer, *gives* the sum of the flows customer -> actor;
*net* = gets - gives. The weighted value is ``sum(weight[d] * net[d])`` with the
respondent's own weights normalised to sum 1. For a segment or everyone, every
figure is the mean over the scope's respondents (a respondent who has no
exchange with an actor counts 0), the weighted figures are the means of each
respondent's own weighted value, and ``share_destroys`` says for how many of
those who dealt with the actor it destroyed value (weighted net below 0), so
opposite experiences do not cancel unseen.

The focal firm's rank (1 = the most net value; ties share a rank) is among the
actors the customer exchanged value with, and its share is its part of all the
weighted value the customer gets.

>>> from valuenet.models import Actor, Goal, Model, exchange_flows
>>> from valuenet.analysis.table import FlowTable
>>> from valuenet.analysis.measures import cube
>>> m = Model(id="m", actors=[Actor(id="c", name="C", kind="customer"), Actor(id="f", name="F", kind="focal_firm")],
...           goals=[Goal(id="g", title="G")], respondents=[{"id": "r"}],
...           flows=exchange_flows("x", goal="g", customer="c", actor="f", dimension="economic", gets=1, gives=3,
...                                respondent="r"))
>>> nv = net_from_cube(cube(FlowTable.read(m, "g", "current")))
>>> nv.actors["f"].net["economic"], nv.actors["f"].weighted
(-2.0, -0.5)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from valuenet.analysis.base import Context, Result, customer_of, dimensions_of, normalise_weights, others, perceived
from valuenet.analysis.measures import TOLERANCE, Cube
from valuenet.analysis.measures import others as exchanged_with
from valuenet.graph import DIMENSION, MAGNITUDE

Table = dict[str, dict[str, float]]


def gets_and_gives(g: nx.MultiDiGraph) -> tuple[Table, Table]:
    """On a scope's network graph: per actor and dimension, what the customer gets from it and gives up to it."""
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


def competition_ranks(values: Mapping[str, float]) -> dict[str, int]:
    """Ranks, largest first, values within :data:`TOLERANCE` tied (1, 2, 2, 4).

    >>> competition_ranks({"a": 0.1 + 0.2, "b": 0.5, "c": 0.3})
    {'a': 2, 'b': 1, 'c': 2}
    """
    return {k: 1 + sum(1 for x in values.values() if x > v + TOLERANCE) for k, v in values.items()}


@dataclass(frozen=True)
class ActorValue(Result):
    """The value one actor gives the customer (a scope's mean), per dimension and weighted."""

    actor: str
    gets: Mapping[str, float]
    gives: Mapping[str, float]
    net: Mapping[str, float]
    weighted_gets: float
    weighted_gives: float
    weighted: float
    rank: int
    respondents: int
    share_destroys: float | None


@dataclass(frozen=True)
class NetValue(Result):
    """Net perceived value per actor for one respondent, or the mean over a segment or everyone."""

    focal: str
    customer: str
    respondents: int
    weights: Mapping[str, float]
    actors: Mapping[str, ActorValue]
    focal_rank: int
    focal_share: float | None
    total: Mapping[str, float]
    total_weighted: float

    def rows(self) -> list[dict[str, Any]]:
        """One row per actor: weighted figures, rank, share of respondents it destroys value for, net per dimension."""
        return [
            {
                "actor": a.actor,
                "focal": a.actor == self.focal,
                "rank": a.rank,
                "weighted": a.weighted,
                "weighted_gets": a.weighted_gets,
                "weighted_gives": a.weighted_gives,
                "respondents": a.respondents,
                "share_destroys": a.share_destroys,
                **{f"net_{d}": v for d, v in a.net.items()},
            }
            for a in sorted(self.actors.values(), key=lambda x: (x.rank, x.actor))
        ]


def net_from_cube(c: Cube, rows: Sequence[int] | np.ndarray | None = None) -> NetValue:
    """Net perceived value per actor over the respondents ``rows`` of a cube (default: everyone)."""
    t = c.t
    idx = np.arange(t.n) if rows is None else np.asarray(rows, dtype=np.int64)
    n = max(len(idx), 1)
    dims, f = t.dimensions, t.focal
    dealt = exchanged_with(c)[idx]
    listed = [a for a in range(len(t.actors)) if a == f or dealt[:, a].any()]
    gets, gives = c.gets[idx].sum(axis=0) / n, c.gives[idx].sum(axis=0) / n
    wnet, wgets, wgives = c.wnet[idx], c.wgets[idx], c.wgives[idx]
    means = {t.actors[a]: float(wnet[:, a].sum() / n) for a in listed}
    rank = competition_ranks(means)
    actors: dict[str, ActorValue] = {}
    for a in listed:
        name, users = t.actors[a], dealt[:, a]
        k = int(users.sum())
        actors[name] = ActorValue(
            name,
            {d: float(gets[a, j]) for j, d in enumerate(dims)},
            {d: float(gives[a, j]) for j, d in enumerate(dims)},
            {d: float(gets[a, j] - gives[a, j]) for j, d in enumerate(dims)},
            float(wgets[:, a].sum() / n),
            float(wgives[:, a].sum() / n),
            means[name],
            rank[name],
            k,
            float((wnet[users, a] < -TOLERANCE).sum() / k) if k else None,
        )
    all_gets = sum((x.weighted_gets for x in actors.values()), 0.0)
    total = {d: sum((x.net[d] for x in actors.values()), 0.0) for d in dims}
    weights = t.weights[idx].mean(axis=0) if len(idx) else np.full(len(dims), 1.0 / len(dims))
    return NetValue(
        t.actors[f],
        t.actors[t.customer],
        len(idx),
        {d: float(weights[j]) for j, d in enumerate(dims)},
        actors,
        rank[t.actors[f]],
        actors[t.actors[f]].weighted_gets / all_gets if all_gets > 0 else None,
        total,
        sum((x.weighted for x in actors.values()), 0.0),
    )
