"""Where the firm could add value: underserved dimensions and structural holes.

*Underserved dimensions*: a dimension matters to the customer when its
normalised weight is at least an equal share (``1 / number of dimensions``); it is
served well when some actor's net value in it reaches ``good`` (by default half
the scale maximum). The opportunity score is ``weight * (good - best net)``.

*Structural holes* (Burt 1992): on the goal network collapsed to one tie per
ordered pair of actors (tie strength = number of flows), networkx's ``constraint``
(low = the actor's contacts are not tied to each other, so it brokers between
them) and ``effective_size`` (non-redundant contacts). The firm already brokers
between neighbours that are not tied to each other; a *brokerage position it could
take* is a pair of actors not tied to each other and not both tied to the firm.
Pairs are ranked by how much the firm's constraint would fall if it tied to both.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import Context, Result, focal_of
from valuenet.analysis.net import NetValue

WEIGHT = "weight"


@dataclass(frozen=True)
class DimensionGap(Result):
    """How well a dimension is served, and how much that matters to the customer."""

    dimension: str
    weight: float
    matters: bool
    best_actor: str | None
    best_net: float
    total_net: float
    gap: float
    score: float
    opportunity: bool


@dataclass(frozen=True)
class Hole(Result):
    """Burt's measures for one actor."""

    actor: str
    constraint: float | None
    effective_size: float | None
    efficiency: float | None


@dataclass(frozen=True)
class Brokerage(Result):
    """A pair of actors not tied to each other; ``held`` when the firm already sits between them."""

    a: str
    b: str
    held: bool
    constraint_after: float | None
    constraint_drop: float | None


@dataclass(frozen=True)
class Opportunities(Result):
    """Underserved dimensions, the firm's structural position and brokerage positions."""

    focal: str
    good: float
    dimensions: tuple[DimensionGap, ...]
    holes: Mapping[str, Hole]
    brokerage: tuple[Brokerage, ...]

    def rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            {
                "what": "dimension",
                "item": d.dimension,
                "score": d.score,
                "detail": f"weight {d.weight:.2f}, best {d.best_actor or '-'} {d.best_net:g}, gap {d.gap:g}",
            }
            for d in self.dimensions
            if d.opportunity
        ]
        h = self.holes.get(self.focal)
        if h is not None:
            rows.append(
                {
                    "what": "position",
                    "item": self.focal,
                    "score": h.constraint,
                    "detail": f"constraint {_g(h.constraint)}, effective size {_g(h.effective_size)}",
                }
            )
        rows += [
            {
                "what": "broker" if not b.held else "brokers now",
                "item": f"{b.a} / {b.b}",
                "score": b.constraint_drop,
                "detail": f"constraint after {_g(b.constraint_after)}",
            }
            for b in self.brokerage
        ]
        return rows


def _g(x: float | None) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.3g}"


def tie_graph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """One tie per ordered pair of actors that exchange anything; ``weight`` = number of flows."""
    t = nx.DiGraph()
    t.add_nodes_from(g.nodes)
    for u, v in g.edges():
        if u != v:
            t.add_edge(u, v, **{WEIGHT: t[u][v][WEIGHT] + 1 if t.has_edge(u, v) else 1})
    return t


def _num(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(float(x)) else None


def underserved(nv: NetValue, good: float, context: Context | None = None) -> tuple[DimensionGap, ...]:
    """Every dimension with its best actor, gap and opportunity score, highest score first.

    ``nv`` is the scope's net value (:func:`valuenet.analysis.net.net_from_cube`);
    the weights are the context's, else the scope's mean weights.
    """
    weights = context.weights if context is not None else nv.weights
    dims = list(nv.weights)
    out = []
    for d in dims:
        best = max(nv.actors.values(), key=lambda a: (a.net.get(d, 0.0), a.actor == nv.focal), default=None)
        best_net = best.net.get(d, 0.0) if best is not None else 0.0
        w = weights.get(d, 0.0)
        matters = w >= 1.0 / len(dims) - 1e-12
        gap = max(0.0, good - best_net)
        out.append(
            DimensionGap(
                d,
                w,
                matters,
                best.actor if best is not None and best_net > 0 else None,
                best_net,
                nv.total.get(d, 0.0),
                gap,
                w * gap,
                matters and gap > 0,
            )
        )
    return tuple(sorted(out, key=lambda x: (-x.score, x.dimension)))


def structural_holes(g: nx.MultiDiGraph) -> dict[str, Hole]:
    """Constraint, effective size and efficiency (effective size / degree) of every actor."""
    t = tie_graph(g)
    constraint = nx.constraint(t, weight=WEIGHT)
    size = nx.effective_size(t, weight=WEIGHT)
    out = {}
    for n in sorted(t.nodes):
        deg = len(set(nx.all_neighbors(t, n)))
        es = _num(size.get(n))
        out[str(n)] = Hole(str(n), _num(constraint.get(n)), es, es / deg if es is not None and deg else None)
    return out


def brokerage(g: nx.MultiDiGraph, limit: int = 10) -> tuple[Brokerage, ...]:
    """Pairs the firm brokers now, then the best pairs it could broker (at most ``limit`` of each)."""
    t = tie_graph(g)
    focal = focal_of(g)
    und = t.to_undirected(as_view=True)
    base = _num(nx.constraint(t, [focal], weight=WEIGHT).get(focal))
    held, possible = [], []
    for a, b in itertools.combinations(sorted(str(n) for n in t.nodes if n != focal), 2):
        if und.has_edge(a, b):
            continue
        if und.has_edge(focal, a) and und.has_edge(focal, b):
            held.append(Brokerage(a, b, True, base, 0.0))
            continue
        h = t.copy()
        for x in (a, b):
            if not und.has_edge(focal, x):
                h.add_edge(focal, x, **{WEIGHT: 1})
        after = _num(nx.constraint(h, [focal], weight=WEIGHT).get(focal))
        drop = base - after if base is not None and after is not None else None
        possible.append(Brokerage(a, b, False, after, drop))
    possible.sort(key=lambda x: (-(x.constraint_drop if x.constraint_drop is not None else -math.inf), x.a, x.b))
    return tuple(held[:limit]) + tuple(possible[:limit])


def opportunities(g: nx.MultiDiGraph, nv: NetValue, good: float) -> Opportunities:
    """Underserved dimensions (from the scope's net value), structural holes and brokerage around the firm."""
    return Opportunities(focal_of(g), good, underserved(nv, good), structural_holes(g), brokerage(g))
