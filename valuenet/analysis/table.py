"""The vectorised path: the perceived measures of many respondents at once, from a flat table of flows.

:class:`FlowTable` holds one row per flow (respondent, giver, receiver,
dimension, touchpoint, responsible actor, magnitude) as numpy columns.
:func:`table_measures` computes, for every respondent at once, the same named
measures that :func:`valuenet.analysis.segments.respondent_measures` computes from
one respondent's graph with ``graph_measures=False`` (net value, rank and share,
destruction, deal-breakers, value at risk, opportunity scores); the two agree up
to floating-point rounding, which the tests check. It serves large studies: a
hundred thousand respondents take seconds.

Structural flows (no respondent) that touch the customer count for every
respondent, as they do in each respondent's graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from valuenet.analysis.base import NO_TOUCHPOINT, normalise_weights
from valuenet.errors import AnalysisError
from valuenet.graph import flows_of
from valuenet.models import DEFAULT_SCENARIO, Flow, Model


@dataclass
class FlowTable:
    """Perceived flows as columns, plus the respondents' weights (normalised) and thresholds (NaN = none)."""

    respondents: list[str]
    segments: list[str | None]
    actors: list[str]
    dimensions: list[str]
    touchpoints: list[str]
    focal: int
    customer: int
    scale_max: float
    weights: np.ndarray
    thresholds: np.ndarray
    present: np.ndarray
    resp: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    dim: np.ndarray
    tp: np.ndarray
    blame: np.ndarray
    mag: np.ndarray

    @classmethod
    def from_model(
        cls, model: Model, goal: str, scenario: str = DEFAULT_SCENARIO, respondents: Iterable[str] | None = None
    ) -> FlowTable:
        """The table of one goal and scenario; by default every respondent with a flow in it."""
        flows = flows_of(model, goal, scenario)
        customer = model.customer_of(goal)
        if respondents is None:
            with_flows = {f.respondent for f in flows if f.respondent is not None}
            ids = [r.id for r in model.respondents if r.id in with_flows]
        else:
            ids = list(respondents)
        people = [model.respondent(i) for i in ids]
        if any(p.actor not in (None, customer) for p in people):
            raise AnalysisError(
                f"goal {goal!r}: some respondents play another customer actor than {customer!r}; "
                "the vectorised path needs one customer. Analyse them per graph instead."
            )
        actors = [a.id for a in model.actors]
        a_ix = {a: i for i, a in enumerate(actors)}
        dims = model.dimension_ids
        d_ix = {d: i for i, d in enumerate(dims)}
        r_ix = {r: i for i, r in enumerate(ids)}
        tps: dict[str, int] = {}
        c = a_ix[customer]
        present = np.zeros((len(ids), len(actors)), dtype=bool)
        present[:, a_ix[model.focal_firm().id]] = True
        present[:, c] = True
        rows: list[tuple[int, int, int, int, int, int, float]] = []
        for f in flows:
            s, t = a_ix[f.source], a_ix[f.target]
            if f.respondent is None:
                present[:, [s, t]] = True
                targets = range(len(ids)) if c in (s, t) and f.magnitude is not None else range(0)
            elif f.respondent in r_ix:
                present[r_ix[f.respondent], [s, t]] = True
                targets = range(r_ix[f.respondent], r_ix[f.respondent] + 1) if f.magnitude is not None else range(0)
            else:
                continue
            tp = tps.setdefault(f.touchpoint or NO_TOUCHPOINT, len(tps))
            blame = a_ix[f.responsible] if f.responsible else -1
            rows += [(r, s, t, d_ix[f.dimension], tp, blame, float(f.magnitude or 0.0)) for r in targets]
        cols = np.array(rows, dtype=float).reshape(-1, 7)
        w = np.array([[normalise_weights(p.weights, dims)[d] for d in dims] for p in people]).reshape(-1, len(dims))
        thr = np.array([[p.thresholds.get(d, np.nan) for d in dims] for p in people]).reshape(-1, len(dims))
        ints = [cols[:, i].astype(np.int64) for i in range(6)]
        return cls(
            ids,
            [p.segment for p in people],
            actors,
            dims,
            list(tps),
            a_ix[model.focal_firm().id],
            c,
            model.scale.max,
            w,
            thr,
            present,
            ints[0],
            ints[1],
            ints[2],
            ints[3],
            ints[4],
            ints[5],
            cols[:, 6],
        )


def _sum_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(index, weights=values, minlength=size)[:size]


def table_measures(t: FlowTable) -> tuple[list[str], np.ndarray]:
    """The perceived measures of every respondent: (measure names, respondents x measures)."""
    n_r, n_a, n_d = len(t.respondents), len(t.actors), len(t.dimensions)
    c, f = t.customer, t.focal
    w = t.weights
    get = (t.dst == c) & (t.src != c)
    give = (t.src == c) & (t.dst != c)
    size = n_r * n_a * n_d
    gets = _sum_by(((t.resp * n_a + t.src) * n_d + t.dim)[get], t.mag[get], size).reshape(n_r, n_a, n_d)
    gives = _sum_by(((t.resp * n_a + t.dst) * n_d + t.dim)[give], t.mag[give], size).reshape(n_r, n_a, n_d)
    net = gets - gives
    wnet = (net * w[:, None, :]).sum(axis=2)
    wgets = (gets * w[:, None, :]).sum(axis=2)
    others = t.present.copy()
    others[:, c] = False
    cols: dict[str, np.ndarray] = {}
    for a, name in enumerate(t.actors):
        if a == c:
            continue
        cols[f"net.{name}.weighted"] = wnet[:, a]
        for d, dname in enumerate(t.dimensions):
            cols[f"net.{name}.{dname}"] = net[:, a, d]
    cols["firm.rank"] = 1.0 + ((wnet > wnet[:, [f]]) & others).sum(axis=1)
    total_gets = (wgets * others).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cols["firm.share"] = np.where(total_gets > 0, wgets[:, f] / total_gets, np.nan)

    # destruction: exchanges with the firm (not blamed on another) and others' exchanges blamed on the firm
    counterpart = np.where(get, t.src, t.dst)
    touches = get | give
    direct = touches & (counterpart == f) & ((t.blame == -1) | (t.blame == f))
    indirect = touches & (counterpart != f) & (t.blame == f)
    sel = direct | indirect
    key = ((t.resp * n_a + counterpart) * len(t.touchpoints) + t.tp) * n_d + t.dim
    groups, inverse = np.unique(key[sel], return_inverse=True)
    g_gets = _sum_by(inverse, np.where(get[sel], t.mag[sel], 0.0), len(groups))
    g_gives = _sum_by(inverse, np.where(give[sel], t.mag[sel], 0.0), len(groups))
    g_dim = groups % n_d
    g_r = groups // (n_d * len(t.touchpoints) * n_a)
    g_a = (groups // (n_d * len(t.touchpoints))) % n_a
    loss = np.where(g_gives > g_gets, w[g_r, g_dim] * (g_gives - g_gets), 0.0)
    cols["destruction.direct"] = _sum_by(g_r[g_a == f], loss[g_a == f], n_r)
    cols["destruction.indirect"] = _sum_by(g_r[g_a != f], loss[g_a != f], n_r)
    cols["destruction.total"] = cols["destruction.direct"] + cols["destruction.indirect"]
    cols["firm.attributed"] = wnet[:, f] - cols["destruction.indirect"]
    cols["firm.destroys"] = (cols["firm.attributed"] < 0).astype(float)

    # deal-breakers: give-ups attributed to the responsible actor, else the receiver
    blamed = np.where(t.blame >= 0, t.blame, t.dst)
    attributed = _sum_by(((t.resp * n_a + blamed) * n_d + t.dim)[give], t.mag[give], size).reshape(n_r, n_a, n_d)
    with np.errstate(invalid="ignore"):
        breach = attributed > t.thresholds[:, None, :]
    cols["dealbreakers.count"] = breach.sum(axis=(1, 2)).astype(float)
    cols["firm.breaches"] = breach[:, f, :].sum(axis=1).astype(float)
    cols["firm.breach"] = (cols["firm.breaches"] > 0).astype(float)
    mine = give & (blamed == f)
    tp_keys, tp_inv = np.unique((t.resp * len(t.touchpoints) + t.tp)[mine] * n_d + t.dim[mine], return_inverse=True)
    tp_total = _sum_by(tp_inv, t.mag[mine], len(tp_keys))
    tp_r, tp_d = tp_keys // (n_d * len(t.touchpoints)), tp_keys % n_d
    with np.errstate(invalid="ignore"):
        tp_breach = tp_total > t.thresholds[tp_r, tp_d]
    cols["firm.breach_touchpoint"] = (_sum_by(tp_r, tp_breach.astype(float), n_r) > 0).astype(float)

    for d, dname in enumerate(t.dimensions):
        cols[f"dependency.at_risk.{dname}"] = gets[:, f, d]
    cols["dependency.at_risk.weighted"] = wgets[:, f]

    best = np.where(others[:, :, None], net, -np.inf).max(axis=1)
    gap = np.maximum(0.0, t.scale_max / 2 - best)
    matters = w >= 1.0 / n_d - 1e-12
    score = np.where(matters & (gap > 0), w * gap, 0.0)
    for d, dname in enumerate(t.dimensions):
        cols[f"opportunity.{dname}"] = score[:, d]
    # the firm's exchanges per touchpoint and dimension (NaN where the respondent has none)
    n_t = len(t.touchpoints)
    with_firm = touches & (counterpart == f)
    cell = t.tp[with_firm] * n_d + t.dim[with_firm]
    signed = np.where(get[with_firm], t.mag[with_firm], -t.mag[with_firm])
    flat = _sum_by(t.resp[with_firm] * n_t * n_d + cell, signed, n_r * n_t * n_d).reshape(n_r, n_t * n_d)
    seen = _sum_by(t.resp[with_firm] * n_t * n_d + cell, np.ones(int(with_firm.sum())), n_r * n_t * n_d)
    seen = seen.reshape(n_r, n_t * n_d) > 0
    for c_ix in np.unique(cell):
        name = f"touchpoint.{t.touchpoints[c_ix // n_d]}.{t.dimensions[c_ix % n_d]}"
        cols[name] = np.where(seen[:, c_ix], flat[:, c_ix], np.nan)
    keys = sorted(cols)
    return keys, np.column_stack([cols[k] for k in keys]) if keys else np.zeros((n_r, 0))


def mean_flows(
    t: FlowTable, rows: np.ndarray | None = None, goal: str = "goal", scenario: str = DEFAULT_SCENARIO
) -> list[Flow]:
    """The perceived flows of the average respondent among ``rows`` (default: everyone), one per distinct
    (giver, receiver, dimension, touchpoint, responsible), magnitude = sum / number of respondents.

    Build a graph of them with :func:`valuenet.graph.build_graph` to run the network analyses of a segment
    of any size: the sums per actor, touchpoint and dimension equal those of the mean network.
    """
    idx = np.arange(len(t.respondents)) if rows is None else np.asarray(rows)
    if len(idx) == 0:
        return []
    chosen = np.zeros(len(t.respondents), dtype=bool)
    chosen[idx] = True
    sel = chosen[t.resp]
    n_a, n_d, n_t = len(t.actors), len(t.dimensions), len(t.touchpoints)
    key = (((t.src * n_a + t.dst) * n_d + t.dim) * n_t + t.tp) * (n_a + 1) + (t.blame + 1)
    groups, inverse = np.unique(key[sel], return_inverse=True)
    total = np.bincount(inverse, weights=t.mag[sel], minlength=len(groups)) / len(idx)
    out: list[Flow] = []
    for k, mag in zip(groups.tolist(), total.tolist(), strict=True):
        blame, rest = k % (n_a + 1) - 1, k // (n_a + 1)
        tp, rest = rest % n_t, rest // n_t
        dim, rest = rest % n_d, rest // n_d
        src, dst = rest // n_a, rest % n_a
        touchpoint = t.touchpoints[tp]
        out.append(
            Flow(
                id=f"mean-{len(out)}",
                goal=goal,
                scenario=scenario,
                source=t.actors[src],
                target=t.actors[dst],
                dimension=t.dimensions[dim],
                magnitude=mag,
                touchpoint=None if touchpoint == NO_TOUCHPOINT else touchpoint,
                responsible=t.actors[blame] if blame >= 0 else None,
            )
        )
    return out
