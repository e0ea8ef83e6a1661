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


class _Ties:
    """Burt's measures on a tie graph, as networkx computes them but touching only the ties that count.

    networkx recomputes each actor's normalising sum for every term (cubic in the customer's contacts, and
    copied per candidate pair in :func:`brokerage`). Here each actor's neighbours (in networkx's order, so the
    sums add the same floats in the same order; a tried tie may order them otherwise than networkx's copy of
    the graph, so brokerage agrees up to rounding) and sums are computed once; terms that are zero are skipped.
    ``extra`` adds ties of weight 1 from ``focal`` to each of those actors, as :func:`brokerage` tries them.
    """

    def __init__(self, t: nx.DiGraph, focal: str | None = None, extra: tuple[str, ...] = (), base: _Ties | None = None):
        self.t, self.focal, self.extra, self.base = t, focal, extra, base
        self._nbrs: dict[str, list[str]] = {}
        self._sets: dict[str, set[str]] = {}
        self._sum: dict[str, float] = {}
        self._max: dict[str, float] = {}
        self._pos: dict[str, dict[str, int]] = {}

    def _w(self, u: str, v: str) -> float:
        if u == self.focal and v in self.extra:
            return 1
        e = self.t._succ[u].get(v)
        return 0 if e is None else e.get(WEIGHT, 1)

    def mw(self, u: str, v: str) -> float:
        """Mutual weight: the ties both ways added."""
        return self._w(u, v) + self._w(v, u)

    def changed(self, u: str) -> bool:
        return u == self.focal or u in self.extra

    def nbrs(self, u: str) -> list[str]:
        """In- and out-neighbours in the order of ``set(nx.all_neighbors(t, u))``."""
        if self.base is not None and not self.changed(u):
            return self.base.nbrs(u)
        got = self._nbrs.get(u)
        if got is None:
            pred, succ = list(self.t._pred[u]), list(self.t._succ[u])
            if u == self.focal:
                succ += self.extra
            elif u in self.extra:
                pred.append(self.focal)
            got = self._nbrs[u] = list(set(itertools.chain(pred, succ)))
            self._sets[u] = set(got)
        return got

    def nset(self, u: str) -> set[str]:
        if self.base is not None and not self.changed(u):
            return self.base.nset(u)
        self.nbrs(u)
        return self._sets[u]

    def total(self, u: str) -> float:
        if self.base is not None and not self.changed(u):
            return self.base.total(u)
        if u not in self._sum:
            self._sum[u] = sum(self.mw(u, w) for w in self.nbrs(u))
        return self._sum[u]

    def top(self, u: str) -> float:
        if u not in self._max:
            self._max[u] = max((self.mw(u, w) for w in self.nbrs(u)), default=0)
        return self._max[u]

    def p(self, u: str, v: str) -> float:
        """networkx's ``normalized_mutual_weight`` (sum)."""
        s = self.total(u)
        return 0 if s == 0 else self.mw(u, v) / s

    def _common(self, u: str, v: str) -> list[str]:
        """Neighbours of ``u`` that are neighbours of ``v`` too, in ``u``'s order."""
        mine, theirs = self.nset(u), self.nset(v)
        if len(theirs) * 4 < len(mine):
            order = self._pos.get(u)
            if order is None:
                order = self._pos[u] = {w: i for i, w in enumerate(self.nbrs(u))}
            return sorted((w for w in theirs if w in mine), key=order.__getitem__)
        return [w for w in self.nbrs(u) if w in theirs]

    def constraint(self, v: str) -> float:
        """networkx's ``constraint`` of ``v``: NaN without ties out."""
        if not self.t._succ[v] and not (v == self.focal and self.extra):
            return math.nan
        out = 0.0
        for n in self.nbrs(v):
            indirect = sum(self.p(v, w) * self.p(w, n) for w in self._common(v, n))
            out += (self.p(v, n) + indirect) ** 2
        return out

    def effective_size(self, v: str) -> float:
        """networkx's weighted ``effective_size`` of ``v``: NaN without ties out."""
        if all(u == v for u in self.t._succ[v]):
            return math.nan
        out = 0.0
        for u in self.nbrs(v):
            top = self.top(u)
            r = sum(self.p(v, w) * (0 if top == 0 else self.mw(u, w) / top) for w in self._common(v, u))
            out += 1 - r
        return out


#: Above this many actors, :func:`brokerage` pairs only the actors whose own tie to the firm would lower its
#: constraint most (all pairs of thousands of actors are millions of constraint computations).
CANDIDATES = 300


def structural_holes(g: nx.MultiDiGraph) -> dict[str, Hole]:
    """Constraint, effective size and efficiency (effective size / degree) of every actor."""
    t = tie_graph(g)
    ties = _Ties(t)
    out = {}
    for n in sorted(t.nodes):
        deg = len(ties.nbrs(n))
        es = _num(ties.effective_size(n))
        out[str(n)] = Hole(str(n), _num(ties.constraint(n)), es, es / deg if es is not None and deg else None)
    return out


def brokerage(g: nx.MultiDiGraph, limit: int = 10) -> tuple[Brokerage, ...]:
    """Pairs the firm brokers now, then the best pairs it could broker (at most ``limit`` of each).

    With more than :data:`CANDIDATES` other actors, the pairs it could broker are sought among the
    :data:`CANDIDATES` actors whose single new tie lowers the firm's constraint most.
    """
    t = tie_graph(g)
    focal = focal_of(g)
    und = t.to_undirected(as_view=True)
    ties = _Ties(t)
    base = _num(ties.constraint(focal))

    def after(*new: str) -> float | None:
        return _num(_Ties(t, focal, new, ties).constraint(focal))

    others = sorted(str(n) for n in t.nodes if n != focal)
    tied = [x for x in others if und.has_edge(focal, x)]
    held = [Brokerage(a, b, True, base, 0.0) for a, b in itertools.combinations(tied, 2) if not und.has_edge(a, b)]
    pool = others
    if len(others) > CANDIDATES:
        alone = {x: after(x) for x in others if x not in set(tied)}
        pool = sorted(
            others, key=lambda x: (x not in alone, alone.get(x) if alone.get(x) is not None else math.inf, x)
        )[:CANDIDATES]
        pool = sorted(set(pool) | set(tied))
    possible = []
    for a, b in itertools.combinations(pool, 2):
        if und.has_edge(a, b) or (und.has_edge(focal, a) and und.has_edge(focal, b)):
            continue
        c = after(*(x for x in (a, b) if not und.has_edge(focal, x)))
        drop = base - c if base is not None and c is not None else None
        possible.append(Brokerage(a, b, False, c, drop))
    possible.sort(key=lambda x: (-(x.constraint_drop if x.constraint_drop is not None else -math.inf), x.a, x.b))
    return tuple(held[:limit]) + tuple(possible[:limit])


def opportunities(g: nx.MultiDiGraph, nv: NetValue, good: float) -> Opportunities:
    """Underserved dimensions (from the scope's net value), structural holes and brokerage around the firm."""
    return Opportunities(focal_of(g), good, underserved(nv, good), structural_holes(g), brokerage(g))
