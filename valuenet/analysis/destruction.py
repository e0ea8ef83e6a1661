"""Where an actor destroys value: losing exchanges, indirect damage and deal-breakers.

*Direct* items are the customer's exchanges with the actor, grouped by touchpoint
and dimension, where the customer gives up more than they get. *Indirect* items
are exchanges between the customer and another actor whose ``responsible`` actor is
the one analysed (a clinic's billing errors make the insurer's claim painful):
the customer's give-up there, less what they get, is laid at the responsible
actor's door. Both are ranked by weighted size, ``weight[d] * (gives - gets)``.

A *deal-breaker* is a dimension in which the customer's total give-up attributed to
an actor exceeds the respondent's threshold (level ``total``). Each give-up flow
customer -> X is attributed to its ``responsible`` actor when it names one, else to
X. A single touchpoint whose own give-up exceeds the threshold is also reported
(level ``touchpoint``): it breaks the relationship on its own. A breach is flagged
even when the actor's weighted net value is positive: past a threshold the
relationship breaks, and other dimensions do not make up for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import NO_TOUCHPOINT, Context, Result, customer_of, focal_of, perceived, unique
from valuenet.analysis.net import net_value, resolve
from valuenet.graph import DIMENSION, FLOW_ID, MAGNITUDE, QUOTE, RESPONSIBLE, TOUCHPOINT

DIRECT, INDIRECT = "direct", "indirect"
TOTAL, TOUCHPOINT_LEVEL = "total", "touchpoint"


@dataclass(frozen=True)
class DestructionItem(Result):
    """A touchpoint and dimension where the customer gives up more than they get."""

    kind: str
    actor: str
    responsible: str
    touchpoint: str
    dimension: str
    gets: float
    gives: float
    net: float
    weighted: float
    quotes: tuple[str, ...]
    flows: tuple[str, ...]


@dataclass(frozen=True)
class TouchpointValue(Result):
    """The weighted net value of one touchpoint over all dimensions; ``destroys`` when negative."""

    kind: str
    actor: str
    touchpoint: str
    weighted_gets: float
    weighted_gives: float
    weighted_net: float
    destroys: bool


@dataclass(frozen=True)
class Destruction(Result):
    """Everything an actor does that costs the customer more than it gives."""

    actor: str
    items: tuple[DestructionItem, ...]
    touchpoints: tuple[TouchpointValue, ...]
    direct_weighted: float
    indirect_weighted: float
    total_weighted: float

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": i.kind,
                "actor": i.actor,
                "responsible": i.responsible,
                "touchpoint": i.touchpoint,
                "dimension": i.dimension,
                "gets": i.gets,
                "gives": i.gives,
                "weighted": i.weighted,
                "quotes": len(i.quotes),
                "for_example": i.quotes[0] if i.quotes else None,
            }
            for i in self.items
        ]


@dataclass(frozen=True)
class DealBreaker(Result):
    """A give-up past the respondent's threshold, attributed to ``actor``: in total, or at one touchpoint."""

    level: str
    actor: str
    dimension: str
    touchpoint: str | None
    given_up: float
    threshold: float
    excess: float
    direct: float
    indirect: float
    weighted_net: float
    net_positive: bool
    touchpoints: tuple[str, ...]
    quotes: tuple[str, ...]


def _touchpoint(d: Mapping[str, Any]) -> str:
    return str(d.get(TOUCHPOINT) or NO_TOUCHPOINT)


def value_destruction(g: nx.MultiDiGraph, context: Context | None = None, actor: str | None = None) -> Destruction:
    """Losing exchanges of ``actor`` (default: the focal firm), direct and indirect, largest first."""
    ctx = resolve(g, context)
    customer = customer_of(g)
    who = actor or focal_of(g)
    groups: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for u, v, d in perceived(g):
        if customer not in (u, v) or u == v:
            continue
        counterpart = v if u == customer else u
        responsible = d.get(RESPONSIBLE) or counterpart
        if responsible != who:
            continue
        kind = DIRECT if counterpart == who else INDIRECT
        key = (kind, counterpart, _touchpoint(d), str(d[DIMENSION]))
        grp = groups.setdefault(key, {"gets": 0.0, "gives": 0.0, "quotes": [], "flows": []})
        grp["gets" if v == customer else "gives"] += float(d[MAGNITUDE])
        grp["quotes"].append(d.get(QUOTE))
        grp["flows"].append(d.get(FLOW_ID))
    items: list[DestructionItem] = []
    tps: dict[tuple[str, str, str], list[float]] = {}
    for (kind, counterpart, tp, dim), grp in groups.items():
        w = ctx.weight(dim)
        tp_sum = tps.setdefault((kind, counterpart, tp), [0.0, 0.0])
        tp_sum[0] += w * grp["gets"]
        tp_sum[1] += w * grp["gives"]
        if grp["gives"] > grp["gets"]:
            items.append(
                DestructionItem(
                    kind,
                    counterpart,
                    who,
                    tp,
                    dim,
                    grp["gets"],
                    grp["gives"],
                    grp["gets"] - grp["gives"],
                    w * (grp["gives"] - grp["gets"]),
                    unique(grp["quotes"]),
                    unique(grp["flows"]),
                )
            )
    items.sort(key=lambda i: (-i.weighted, i.net, i.kind, i.actor, i.touchpoint, i.dimension))
    touchpoints = sorted(
        (TouchpointValue(k, a, tp, s[0], s[1], s[0] - s[1], s[0] < s[1]) for (k, a, tp), s in tps.items()),
        key=lambda t: (t.weighted_net, t.kind, t.actor, t.touchpoint),
    )
    direct = sum((i.weighted for i in items if i.kind == DIRECT), 0.0)
    indirect = sum((i.weighted for i in items if i.kind == INDIRECT), 0.0)
    return Destruction(who, tuple(items), tuple(touchpoints), direct, indirect, direct + indirect)


def attributed_gives(g: nx.MultiDiGraph) -> dict[tuple[str, str, str | None], dict[str, Any]]:
    """The customer's give-ups per (attributed actor, dimension, touchpoint), and per (actor, dimension, None)."""
    customer = customer_of(g)
    out: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for u, v, d in perceived(g):
        if u != customer or v == customer:
            continue
        blamed = d.get(RESPONSIBLE) or v
        for tp in (None, _touchpoint(d)):
            rec = out.setdefault(
                (blamed, str(d[DIMENSION]), tp), {"total": 0.0, "direct": 0.0, "indirect": 0.0, "tp": [], "quotes": []}
            )
            rec["total"] += float(d[MAGNITUDE])
            rec["direct" if blamed == v else "indirect"] += float(d[MAGNITUDE])
            rec["tp"].append(_touchpoint(d))
            rec["quotes"].append(d.get(QUOTE))
    return out


def deal_breakers(g: nx.MultiDiGraph, context: Context | None = None) -> tuple[DealBreaker, ...]:
    """Every (actor, dimension) whose attributed give-up exceeds the threshold, in total or at one touchpoint.

    Totals come first, largest excess first; then single touchpoints.
    """
    ctx = resolve(g, context)
    if not ctx.thresholds:
        return ()
    nv = net_value(g, ctx)
    found = []
    for (actor, dim, tp), rec in attributed_gives(g).items():
        limit = ctx.thresholds.get(dim)
        if limit is None or not rec["total"] > limit:
            continue
        wnet = nv.actors[actor].weighted if actor in nv.actors else 0.0
        found.append(
            DealBreaker(
                TOTAL if tp is None else TOUCHPOINT_LEVEL,
                actor,
                dim,
                tp,
                rec["total"],
                limit,
                rec["total"] - limit,
                rec["direct"],
                rec["indirect"],
                wnet,
                wnet > 0,
                unique(rec["tp"]),
                unique(rec["quotes"]),
            )
        )
    found.sort(
        key=lambda b: (b.level != TOTAL, -b.excess, -ctx.weight(b.dimension), b.actor, b.dimension, b.touchpoint or "")
    )
    return tuple(found)


def dealbreaker_rows(found: tuple[DealBreaker, ...], focal: str) -> list[dict[str, Any]]:
    return [
        {
            "level": b.level,
            "actor": b.actor,
            "focal": b.actor == focal,
            "dimension": b.dimension,
            "touchpoint": b.touchpoint,
            "given_up": b.given_up,
            "threshold": b.threshold,
            "excess": b.excess,
            "indirect": b.indirect,
            "weighted_net": b.weighted_net,
            "touchpoints": list(b.touchpoints),
            "quotes": list(b.quotes),
        }
        for b in found
    ]
