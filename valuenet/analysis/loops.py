"""Value loops and stakeholder importance, by the Stakeholder Value Network method.

Following Cameron, Crawley, Feng and Lin (2011), Feng, Crawley, de Weck, Keller
and Robinson (2010) and Feng (2013): a *value loop* is a simple directed cycle of value
flows that passes through the focal actor; its value is the product of the
scores of its flows, each normalised to 0-1; a stakeholder's *importance* is the
sum of the values of the loops it lies on divided by the sum over all loops (so
the focal actor's importance is 1).

Flow score: ``magnitude / scale maximum`` for a perceived flow; a flow that
carries only money scores ``money * occurrences`` divided by the largest such
amount in the network. Parallel flows between the same two actors each make a
distinct loop, so a cycle of actors with hops of ``k1, k2, ...`` flows stands for
``k1 * k2 * ...`` loops whose values add up to the product of the summed hop
scores; that identity keeps the enumeration to cycles of actors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import Result, focal_of, scale_max_of
from valuenet.errors import AnalysisError
from valuenet.graph import FLOW_ID, MAGNITUDE, MONEY, OCCURRENCES

MAX_LENGTH = 8
MAX_CYCLES = 200_000


@dataclass(frozen=True)
class Loop(Result):
    """A cycle of actors through the focal actor and the loops of flows it stands for."""

    actors: tuple[str, ...]
    loops: int
    value: float
    best_value: float
    best_flows: tuple[str, ...]


@dataclass(frozen=True)
class Loops(Result):
    """All value loops through the focal actor and each stakeholder's importance."""

    focal: str
    max_length: int
    loop_count: int
    total_value: float
    importance: Mapping[str, float]
    top: tuple[Loop, ...]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"actor": a, "importance": v, "focal": a == self.focal}
            for a, v in sorted(self.importance.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def loop_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "loop": " -> ".join((*lp.actors, lp.actors[0])),
                "loops": lp.loops,
                "value": lp.value,
                "best_value": lp.best_value,
            }
            for lp in self.top
        ]


def flow_scores(g: nx.MultiDiGraph) -> dict[tuple[str, str, str], float]:
    """The 0-1 score of every flow ``(giver, receiver, flow id)`` that has one above 0."""
    top = scale_max_of(g)
    amounts = [
        abs(float(d[MONEY])) * float(d.get(OCCURRENCES, 1.0))
        for _, _, d in g.edges(data=True)
        if d.get(MAGNITUDE) is None and d.get(MONEY) is not None
    ]
    money_top = max(amounts, default=0.0)
    out = {}
    for u, v, k, d in g.edges(keys=True, data=True):
        if d.get(MAGNITUDE) is not None:
            s = float(d[MAGNITUDE]) / top
        elif d.get(MONEY) is not None and money_top > 0:
            s = abs(float(d[MONEY])) * float(d.get(OCCURRENCES, 1.0)) / money_top
        else:
            continue
        s = min(1.0, max(0.0, s))
        if s > 0 and u != v:
            out[(str(u), str(v), str(d.get(FLOW_ID) or k))] = s
    return out


def value_loops(g: nx.MultiDiGraph, max_length: int = MAX_LENGTH, top: int = 20) -> Loops:
    """Enumerate loops through the focal actor (at most ``max_length`` flows) and weigh the stakeholders."""
    focal = focal_of(g)
    hop: dict[tuple[str, str], list[Any]] = {}  # (u, v) -> [summed score, count, best score, best flow]
    for (u, v, fid), s in sorted(flow_scores(g).items()):
        h = hop.setdefault((u, v), [0.0, 0, 0.0, ""])
        h[0] += s
        h[1] += 1
        if s > h[2]:
            h[2], h[3] = s, fid
    succ: dict[str, list[str]] = {}
    for u, v in hop:
        succ.setdefault(u, []).append(v)
    for vs in succ.values():
        vs.sort()
    cycles: list[Loop] = []
    path = [focal]

    def walk(node: str) -> None:
        for nxt in succ.get(node, []):
            if nxt == focal:
                hops = [hop[(path[i], path[i + 1] if i + 1 < len(path) else focal)] for i in range(len(path))]
                cycles.append(
                    Loop(
                        tuple(path),
                        math.prod(h[1] for h in hops),
                        math.prod(h[0] for h in hops),
                        math.prod(h[2] for h in hops),
                        tuple(h[3] for h in hops),
                    )
                )
                if len(cycles) > MAX_CYCLES:
                    raise AnalysisError(
                        f"the network has more than {MAX_CYCLES} cycles of up to {max_length} actors "
                        f"through {focal!r}; pass a smaller max_length."
                    )
            elif nxt not in path and len(path) < max_length:
                path.append(nxt)
                walk(nxt)
                path.pop()

    walk(focal)
    total = sum((c.value for c in cycles), 0.0)
    on: dict[str, float] = {str(n): 0.0 for n in g.nodes}
    for c in cycles:
        for a in c.actors:
            on[a] += c.value
    importance = {a: (v / total if total > 0 else 0.0) for a, v in on.items()}
    ranked = sorted(cycles, key=lambda c: (-c.value, len(c.actors), c.actors))
    return Loops(focal, max_length, sum(c.loops for c in cycles), total, importance, tuple(ranked[:top]))
