"""The engine: every per-respondent measure of a :class:`~valuenet.analysis.table.FlowTable` at once, in numpy.

:func:`cube` turns the table's rows into per-respondent arrays (what each
respondent gets from and gives up to each actor, per dimension, and weighted by
their own weights); :func:`respondent_matrix` reduces them to the named measures
of ``docs/analysis.md`` (one row per respondent); :func:`destruction_groups` and
:func:`breach_groups` are the grouped rows behind value destruction and
deal-breakers. The sections of a respondent, a segment or everyone are all built
from these, so there is one path whatever the scope and whatever the caller.

A structural flow (no respondent) that touches a respondent's customer actor is
part of that respondent's network: it is counted once for each of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuenet.analysis.base import NO_TOUCHPOINT
from valuenet.analysis.table import FlowTable
from valuenet.flowcolumns import NONE, distinct

#: Two weighted values closer than this are equal (ranks, ties).
TOLERANCE = 1e-9
DIRECT, INDIRECT = 0, 1


def _sum_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    out: np.ndarray = np.bincount(index, weights=values, minlength=size)[:size]
    return out


@dataclass
class Cube:
    """Per-respondent arrays of one table; ``e*`` are the perceived rows expanded to respondents."""

    t: FlowTable
    er: np.ndarray
    esrc: np.ndarray
    edst: np.ndarray
    edim: np.ndarray
    etp: np.ndarray
    eblame: np.ndarray
    emag: np.ndarray
    ekey: np.ndarray
    get: np.ndarray
    give: np.ndarray
    cp: np.ndarray
    gets: np.ndarray
    gives: np.ndarray
    wnet: np.ndarray
    wgets: np.ndarray
    wgives: np.ndarray
    exchanged: np.ndarray
    dealt: np.ndarray

    @property
    def net(self) -> np.ndarray:
        out: np.ndarray = self.gets - self.gives
        return out


def _expand(t: FlowTable) -> tuple[np.ndarray, ...]:
    """Perceived rows per respondent: their own, plus the structural rows touching their customer actor."""
    perceived = ~np.isnan(t.mag)
    own = perceived & (t.resp >= 0)
    parts = [np.flatnonzero(own)]
    resp_parts = [t.resp[own]]
    struct = perceived & (t.resp == NONE)
    if struct.any() and t.n:
        for c in distinct(t.cust).tolist():
            rows = np.flatnonzero(struct & ((t.src == c) | (t.dst == c)))
            people = np.flatnonzero(t.cust == c)
            if len(rows) and len(people):
                parts.append(np.tile(rows, len(people)))
                resp_parts.append(np.repeat(people, len(rows)))
    idx = np.concatenate(parts)
    er = np.concatenate(resp_parts).astype(np.int64)
    return er, t.src[idx], t.dst[idx], t.dim[idx], t.tp[idx], t.blame[idx], t.mag[idx], t.key[idx]


def cube(t: FlowTable) -> Cube:
    """What every respondent gets from and gives up to every actor, per dimension and weighted."""
    n_r, n_a, n_d = t.n, len(t.actors), len(t.dimensions)
    er, esrc, edst, edim, etp, eblame, emag, ekey = _expand(t)
    c_row = t.cust[er] if n_r else np.zeros(0, dtype=np.int64)
    get = (edst == c_row) & (esrc != c_row)
    give = (esrc == c_row) & (edst != c_row)
    cp = np.where(get, esrc, edst)
    size = n_r * n_a * n_d
    cell = (er * n_a + cp) * n_d + edim
    gets = _sum_by(cell[get], emag[get], size).reshape(n_r, n_a, n_d)
    gives = _sum_by(cell[give], emag[give], size).reshape(n_r, n_a, n_d)
    w = t.weights[:, None, :]
    touched = get | give
    exchanged = (_sum_by((er * n_a + cp)[touched], np.ones(int(touched.sum())), n_r * n_a) > 0).reshape(n_r, n_a)
    dealt = exchanged.copy()  # the actors each respondent dealt with: the firm always, never their own customer
    dealt[:, t.focal] = True
    dealt[np.arange(n_r), t.cust] = False
    return Cube(
        t,
        er,
        esrc,
        edst,
        edim,
        etp,
        eblame,
        emag,
        ekey,
        get,
        give,
        cp,
        gets,
        gives,
        ((gets - gives) * w).sum(axis=2),
        (gets * w).sum(axis=2),
        (gives * w).sum(axis=2),
        exchanged,
        dealt,
    )


def others(c: Cube) -> np.ndarray:
    """(respondents x actors) the actors each respondent exchanged value with, the focal firm always among them."""
    return c.dealt


def firm_rank(c: Cube) -> np.ndarray:
    """The firm's rank (1 = most weighted net value) among the actors each respondent exchanged value with."""
    f = c.t.focal
    rank: np.ndarray = 1.0 + ((c.wnet > c.wnet[:, [f]] + TOLERANCE) & others(c)).sum(axis=1)
    return rank


@dataclass
class Groups:
    """Grouped rows: the respondent, the group's codes and its sums, plus the first flow key of each group."""

    r: np.ndarray
    kind: np.ndarray
    actor: np.ndarray
    tp: np.ndarray
    dim: np.ndarray
    gets: np.ndarray
    gives: np.ndarray
    direct: np.ndarray
    key: np.ndarray


def _group(
    c: Cube, sel: np.ndarray, kind: np.ndarray, actor: np.ndarray, amount_get: np.ndarray, amount_give: np.ndarray
) -> tuple[Groups, np.ndarray]:
    t = c.t
    n_a, n_d, n_t = len(t.actors), len(t.dimensions), len(t.touchpoints) + 1
    code = ((((c.er[sel] * 2 + kind[sel]) * n_a + actor[sel]) * n_t + c.etp[sel] + 1) * n_d) + c.edim[sel]
    groups, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    g = Groups(
        groups // (n_d * n_t * n_a * 2),
        (groups // (n_d * n_t * n_a)) % 2,
        (groups // (n_d * n_t)) % n_a,
        (groups // n_d) % n_t - 1,
        groups % n_d,
        _sum_by(inverse, amount_get[sel], len(groups)),
        _sum_by(inverse, amount_give[sel], len(groups)),
        np.zeros(len(groups)),
        c.ekey[sel][first],
    )
    return g, inverse


def destruction_groups(c: Cube, actor: int | None = None) -> Groups:
    """The customer's exchanges the ``actor`` (default: the firm) answers for, per respondent, touchpoint, dimension.

    ``kind`` is :data:`DIRECT` for exchanges with the actor itself (unless another
    actor is named responsible) and :data:`INDIRECT` for exchanges with others
    that name it responsible; ``actor`` holds the counterpart.
    """
    f = c.t.focal if actor is None else actor
    touches = c.get | c.give
    direct = touches & (c.cp == f) & ((c.eblame == NONE) | (c.eblame == f))
    indirect = touches & (c.cp != f) & (c.eblame == f)
    kind = np.where(direct, DIRECT, INDIRECT)
    g, _ = _group(c, direct | indirect, kind, c.cp, np.where(c.get, c.emag, 0.0), np.where(c.give, c.emag, 0.0))
    return g


def losses(c: Cube, g: Groups) -> np.ndarray:
    """Each group's weighted loss, ``weight * (gives - gets)`` where the customer gives up more, else 0."""
    w = c.t.weights[g.r, g.dim] if len(g.r) else np.zeros(0)
    return np.where(g.gives > g.gets, w * (g.gives - g.gets), 0.0)


def breach_groups(c: Cube) -> tuple[Groups, np.ndarray, np.ndarray]:
    """Give-ups per respondent, attributed actor, touchpoint and dimension; with each group's threshold and breach.

    A give-up is attributed to the actor named responsible, else to the actor it
    goes to. Give-ups stated with no touchpoint form their own group (``tp == -1``,
    the ``overall`` level). A group breaches when its summed give-up exceeds the
    respondent's threshold for the dimension; splitting a statement into several
    rows at the same touchpoint, or adding rows that give up nothing, changes no sum.
    """
    blamed = np.where(c.eblame >= 0, c.eblame, c.edst)
    kind = np.zeros(len(blamed), dtype=np.int64)
    direct_part = np.where(blamed == c.edst, c.emag, 0.0)
    g, _ = _group(c, c.give, kind, blamed, direct_part, c.emag)
    g.direct = g.gets  # the part given up to the attributed actor itself
    g.gets = np.zeros(len(g.r))
    threshold = c.t.thresholds[g.r, g.dim] if len(g.r) else np.zeros(0)
    with np.errstate(invalid="ignore"):
        breach = g.gives > threshold
    return g, threshold, breach


def respondent_matrix(c: Cube) -> tuple[list[str], np.ndarray]:
    """The named measures of every respondent: (measure names, respondents x measures)."""
    t = c.t
    n_r, n_a, n_d = t.n, len(t.actors), len(t.dimensions)
    f = t.focal
    cols: dict[str, np.ndarray] = {}
    seen = np.zeros(n_a, dtype=bool)
    if n_r:
        seen |= others(c).any(axis=0)
    seen[f] = True
    net = c.net
    for a in np.flatnonzero(seen).tolist():
        name = t.actors[a]
        cols[f"net.{name}.weighted"] = c.wnet[:, a]
        for d, dname in enumerate(t.dimensions):
            cols[f"net.{name}.{dname}"] = net[:, a, d]
    cols["firm.rank"] = firm_rank(c)
    total_gets = (c.wgets * others(c)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cols["firm.share"] = np.where(total_gets > 0, c.wgets[:, f] / total_gets, np.nan)

    g = destruction_groups(c)
    loss = losses(c, g)
    cols["destruction.direct"] = _sum_by(g.r[g.kind == DIRECT], loss[g.kind == DIRECT], n_r)
    cols["destruction.indirect"] = _sum_by(g.r[g.kind == INDIRECT], loss[g.kind == INDIRECT], n_r)
    cols["destruction.total"] = cols["destruction.direct"] + cols["destruction.indirect"]
    cols["firm.attributed"] = c.wnet[:, f] - cols["destruction.indirect"]
    cols["firm.destroys"] = (cols["firm.attributed"] < -TOLERANCE).astype(float)

    b, _, breach = breach_groups(c)
    hit = (b.r * n_a + b.actor) * n_d + b.dim
    pair = distinct(hit[breach])
    cols["dealbreakers.count"] = _sum_by(pair // (n_a * n_d), np.ones(len(pair)), n_r)
    firm_pairs = pair[(pair // n_d) % n_a == f]
    cols["firm.breaches"] = _sum_by(firm_pairs // (n_a * n_d), np.ones(len(firm_pairs)), n_r)
    cols["firm.breach"] = (cols["firm.breaches"] > 0).astype(float)
    at_tp = breach & (b.actor == f) & (b.tp >= 0)
    cols["firm.breach_touchpoint"] = (_sum_by(b.r[at_tp], np.ones(int(at_tp.sum())), n_r) > 0).astype(float)

    for d, dname in enumerate(t.dimensions):
        cols[f"dependency.at_risk.{dname}"] = c.gets[:, f, d]
    cols["dependency.at_risk.weighted"] = c.wgets[:, f]

    best = np.where(others(c)[:, :, None], net, -np.inf).max(axis=1) if n_r else np.zeros((0, n_d))
    gap = np.maximum(0.0, t.scale_max / 2 - best)
    matters = t.weights >= 1.0 / n_d - 1e-12
    score = np.where(matters & (gap > 0), t.weights * gap, 0.0)
    for d, dname in enumerate(t.dimensions):
        cols[f"opportunity.{dname}"] = score[:, d]

    cols.update(touchpoint_measures(c))
    keys = sorted(cols)
    return keys, np.column_stack([cols[k] for k in keys]) if keys else np.zeros((n_r, 0))


def touchpoint_measures(c: Cube) -> dict[str, np.ndarray]:
    """Per firm touchpoint: net per dimension, weighted net, and whether it destroys value (NaN where unused).

    Only the (respondent, touchpoint, dimension) cells that occur are summed, so the
    cost follows the rows, not respondents x touchpoints.
    """
    t = c.t
    n_r, n_d = t.n, len(t.dimensions)
    with_firm = (c.get | c.give) & (c.cp == t.focal)
    r, tp, d = c.er[with_firm], c.etp[with_firm] + 1, c.edim[with_firm]
    signed = np.where(c.get[with_firm], c.emag[with_firm], -c.emag[with_firm])
    cells, inverse = np.unique((tp * n_d + d) * max(n_r, 1) + r, return_inverse=True)
    sums = _sum_by(inverse, signed, len(cells))
    c_r, c_td = cells % max(n_r, 1), cells // max(n_r, 1)
    out: dict[str, np.ndarray] = {}
    starts = np.flatnonzero(np.r_[True, c_td[1:] != c_td[:-1]]) if len(cells) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(cells)][: len(starts)]
    weighted: dict[int, np.ndarray] = {}
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        cell_tp, cell_d = divmod(int(c_td[s]), n_d)
        name = NO_TOUCHPOINT if cell_tp == 0 else t.touchpoints[cell_tp - 1]
        col = np.full(n_r, np.nan)
        col[c_r[s:e]] = sums[s:e]
        out[f"touchpoint.{name}.{t.dimensions[cell_d]}"] = col
        wcol = weighted.setdefault(cell_tp, np.full(n_r, np.nan))
        wcol[c_r[s:e]] = np.nan_to_num(wcol[c_r[s:e]]) + sums[s:e] * t.weights[c_r[s:e], cell_d]
    for cell_tp, wcol in weighted.items():
        name = NO_TOUCHPOINT if cell_tp == 0 else t.touchpoints[cell_tp - 1]
        out[f"touchpoint.{name}.weighted"] = wcol
        out[f"touchpoint.{name}.destroys"] = np.where(np.isnan(wcol), np.nan, (wcol < -TOLERANCE).astype(float))
    return out
