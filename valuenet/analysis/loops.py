"""Value loops and stakeholder importance, by the Stakeholder Value Network method.

Definitions, following Cameron, Crawley, Feng and Lin (2011), Feng, Crawley, de
Weck, Keller and Robinson (2010), Feng (2013) and Sutherland (2009):

* a *value flow* is something one actor gives another that the receiver values;
  its *score* (0-1) says how much the receiver values it;
* a *value loop* is a simple directed cycle of value flows that leaves the focal
  actor and comes back to it; its *value* is the product of its flows' scores;
* a stakeholder's *importance* is the summed value of the loops it lies on over
  the summed value of all loops, so it lies in [0, 1] and the focal actor's is 1
  whenever a loop exists.

Flow score, by :func:`flow_score`. A flow counts only for the value it delivers
to its receiver, never for what its giver gives up:

* from the customer (the graph's ``customer``): only its money scores, ``money *
  occurrences`` over the largest money amount that scores in the network. Its
  ``magnitude`` is what the customer gives up (time, effort, stress, the price as
  perceived) and never scores; without money the flow is not a value flow at all.
* from any other actor (the firm, a provider, an insurer, a peer), including
  flows between two actors that are not the customer (clinic -> insurer claims):
  ``magnitude / scale maximum`` when it has a magnitude, else its money amount
  over the largest scoring money amount.

So worsening the customer's experience (a longer wait, more stress) can never
make the customer, or anyone, look more important; paying the firm still does.
The method scores each flow from the receiver's side (Sutherland 2009, section
3.1: scorers answer as the receiving stakeholder, and only inputs that benefit
the receiver are modelled), which a give-up is not.

Parallel flows between the same two actors each make a distinct loop, so a cycle
of actors with hops of ``k1, k2, ...`` scoring flows stands for ``k1 * k2 * ...``
loops whose values add up to the product of the summed hop scores; that identity
keeps the enumeration to cycles of actors.

>>> import networkx as nx
>>> g = nx.MultiDiGraph(focal="f", customer="c", scale_max=5)
>>> g.add_edge("f", "c", key="care", id="care", magnitude=5)
'care'
>>> g.add_edge("c", "f", key="wait", id="wait", magnitude=4)  # a give-up: never scores
'wait'
>>> value_loops(g).loop_count
0
>>> g.add_edge("c", "f", key="fee", id="fee", magnitude=3, money=80.0)  # money paid: scores 80 / 80
'fee'
>>> lp = value_loops(g)
>>> lp.loop_count, lp.total_value, lp.top[0].best_flows
(1, 1.0, ('care', 'fee'))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import Result, customer_of, focal_of, scale_max_of
from valuenet.errors import AnalysisError
from valuenet.graph import FLOW_ID, MAGNITUDE, MONEY, OCCURRENCES

MAX_LENGTH = 8
MAX_CYCLES = 200_000


@dataclass(frozen=True)
class Loop(Result):
    """A cycle of actors through the focal actor and the loops of flows it stands for.

    ``actors`` starts at the focal actor; ``loops`` is how many loops of single
    flows the cycle stands for, ``value`` their summed value, ``best_value`` and
    ``best_flows`` the strongest of them (one flow id per hop).
    """

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


def _amount(d: Mapping[str, Any]) -> float:
    return abs(float(d[MONEY])) * float(d.get(OCCURRENCES, 1.0))


def _scores_by_money(giver: str, d: Mapping[str, Any], customer: str) -> bool:
    """Whether a flow scores by its money: always when the customer gives it, else only without a magnitude."""
    return d.get(MONEY) is not None and (giver == customer or d.get(MAGNITUDE) is None)


def flow_score(giver: str, d: Mapping[str, Any], *, customer: str, scale_max: float, money_top: float) -> float | None:
    """The 0-1 score of one flow with attributes ``d``, or ``None`` when it delivers no value it can be scored on.

    ``money_top`` is the largest ``money * occurrences`` among the network's flows
    that score by money (see the module docstring for the rule).

    >>> flow_score("c", {"magnitude": 4.0}, customer="c", scale_max=5, money_top=100)  # a give-up
    >>> flow_score("c", {"magnitude": 4.0, "money": 25.0, "occurrences": 2}, customer="c", scale_max=5, money_top=100)
    0.5
    >>> flow_score("f", {"magnitude": 4.0, "money": 25.0}, customer="c", scale_max=5, money_top=100)
    0.8
    """
    if _scores_by_money(giver, d, customer):
        if money_top <= 0:
            return None
        s = _amount(d) / money_top
    elif d.get(MAGNITUDE) is not None and giver != customer:
        s = float(d[MAGNITUDE]) / scale_max
    else:
        return None
    return min(1.0, max(0.0, s))


def flow_scores(g: nx.MultiDiGraph) -> dict[tuple[str, str, str], float]:
    """The 0-1 score of every flow ``(giver, receiver, flow id)`` that has one above 0 (see :func:`flow_score`)."""
    customer = customer_of(g)
    top = scale_max_of(g)
    money_top = max(
        (_amount(d) for u, _, d in g.edges(data=True) if _scores_by_money(str(u), d, customer)),
        default=0.0,
    )
    out = {}
    for u, v, k, d in g.edges(keys=True, data=True):
        if u == v:
            continue
        s = flow_score(str(u), d, customer=customer, scale_max=top, money_top=money_top)
        if s is not None and s > 0:
            out[(str(u), str(v), str(d.get(FLOW_ID) or k))] = s
    return out


def value_loops(g: nx.MultiDiGraph, max_length: int = MAX_LENGTH, top: int = 20) -> Loops:
    """Enumerate loops through the focal actor (at most ``max_length`` flows) and weigh the stakeholders.

    Flows score by :func:`flow_score`: the customer's give-ups never count, money
    the customer pays does. ``top`` keeps that many of the strongest cycles.
    """
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
