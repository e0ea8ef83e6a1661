"""Every measure per respondent, aggregated per segment with spread and confidence.

:func:`respondent_measures` reduces one respondent's analysis to named numbers
(``net.<actor>.<dimension>``, ``firm.breach``...; the names are listed in
``docs/analysis.md``). :func:`aggregate` summarises a matrix of them per segment:
n, mean, median, standard deviation and a percentile bootstrap 95% confidence
interval of the mean (1,000 resamples, seeded, so a re-run gives the same
interval; above 5,000 respondents, the normal limit of that bootstrap
distribution, see :func:`mean_interval`). A measure a respondent lacks counts as 0 (no flow, no value); an
undefined one (NaN, such as the firm's share when the customer gets nothing) is
left out of that measure's n.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from valuenet.analysis.base import (
    NO_TOUCHPOINT,
    Context,
    Result,
    customer_of,
    dimensions_of,
    focal_of,
    perceived,
    scale_max_of,
)
from valuenet.analysis.dependency import dependency
from valuenet.analysis.destruction import TOTAL, deal_breakers, value_destruction
from valuenet.analysis.economic import economic_sheets
from valuenet.analysis.loops import value_loops
from valuenet.analysis.metrics import network_metrics
from valuenet.analysis.net import net_value, resolve
from valuenet.analysis.opportunities import structural_holes, underserved
from valuenet.graph import DIMENSION, MAGNITUDE, TOUCHPOINT

NO_SEGMENT = "(no segment)"
ALL = "(all)"
RESAMPLES = 1000
#: Above this many respondents, the bootstrap interval of a mean is replaced by its normal limit.
BOOTSTRAP_MAX_N = 5000
Z95 = 1.959963984540054
NAN = float("nan")
#: Measures that exist only for respondents who used the thing they describe (missing = NaN, not 0).
CONDITIONAL = ("touchpoint.",)


def respondent_measures(
    g: nx.MultiDiGraph, context: Context | None = None, *, graph_measures: bool = True
) -> dict[str, float]:
    """The scalar measures of one respondent's network; ``graph_measures`` adds loops, positions and money."""
    ctx = resolve(g, context)
    focal = focal_of(g)
    nv = net_value(g, ctx)
    out: dict[str, float] = {}
    for a, av in nv.actors.items():
        out[f"net.{a}.weighted"] = av.weighted
        for d, v in av.net.items():
            out[f"net.{a}.{d}"] = v
    out["firm.rank"] = float(nv.focal_rank)
    out["firm.share"] = nv.focal_share if nv.focal_share is not None else NAN
    de = value_destruction(g, ctx)
    out["destruction.direct"] = de.direct_weighted
    out["destruction.indirect"] = de.indirect_weighted
    out["destruction.total"] = de.total_weighted
    attributed = nv.actors[focal].weighted - de.indirect_weighted
    out["firm.attributed"] = attributed
    out["firm.destroys"] = float(attributed < 0)
    breaks = deal_breakers(g, ctx)
    totals = [b for b in breaks if b.level == TOTAL]
    out["dealbreakers.count"] = float(len(totals))
    mine = sum(1 for b in totals if b.actor == focal)
    out["firm.breaches"] = float(mine)
    out["firm.breach"] = float(mine > 0)
    out["firm.breach_touchpoint"] = float(any(b.actor == focal for b in breaks if b.level != TOTAL))
    gets = nv.actors[focal].gets
    for d in dimensions_of(g):
        out[f"dependency.at_risk.{d}"] = gets.get(d, 0.0)
    out["dependency.at_risk.weighted"] = nv.actors[focal].weighted_gets
    for gap in underserved(g, ctx, scale_max_of(g) / 2):
        out[f"opportunity.{gap.dimension}"] = gap.score if gap.opportunity else 0.0
    for (tp, d), v in firm_touchpoints(g).items():
        out[f"touchpoint.{tp}.{d}"] = v
    if graph_measures:
        dep = dependency(g, ctx)
        for d, x in dep.dimensions.items():
            out[f"dependency.relayed.{d}"] = x.relayed
        for a, v in value_loops(g).importance.items():
            if a != customer_of(g):
                out[f"loops.importance.{a}"] = v
        holes = structural_holes(g)[focal]
        out["firm.constraint"] = holes.constraint if holes.constraint is not None else NAN
        out["firm.effective_size"] = holes.effective_size if holes.effective_size is not None else NAN
        out["firm.betweenness"] = network_metrics(g).actors[focal].betweenness
        for a, sheet in economic_sheets(g).sheets.items():
            out[f"economic.{a}.net_per_member"] = sheet.net_per_member
    return out


def firm_touchpoints(g: nx.MultiDiGraph) -> dict[tuple[str, str], float]:
    """Net value (gets - gives) of the customer's exchanges with the firm, per touchpoint and dimension."""
    customer, focal = customer_of(g), focal_of(g)
    out: dict[tuple[str, str], float] = {}
    for u, v, d in perceived(g):
        if {u, v} == {customer, focal}:
            key = (str(d.get(TOUCHPOINT) or NO_TOUCHPOINT), str(d[DIMENSION]))
            out[key] = out.get(key, 0.0) + (float(d[MAGNITUDE]) if v == customer else -float(d[MAGNITUDE]))
    return out


def measure_matrix(rows: Sequence[Mapping[str, float]]) -> tuple[list[str], np.ndarray]:
    """Stack measure dicts into (sorted keys, respondents x measures).

    A missing measure counts 0 (no flow, no value), except a ``touchpoint.`` cell,
    which is NaN: it describes only the respondents who used that touchpoint.
    """
    keys = sorted({k for r in rows for k in r})
    x = np.zeros((len(rows), len(keys)))
    x[:, [j for j, k in enumerate(keys) if k.startswith(CONDITIONAL)]] = np.nan
    pos = {k: j for j, k in enumerate(keys)}
    for i, r in enumerate(rows):
        for k, v in r.items():
            x[i, pos[k]] = v
    return keys, x


@dataclass(frozen=True)
class Stat(Result):
    """A measure summarised over respondents; the interval is a percentile bootstrap 95% CI of the mean."""

    n: int
    mean: float
    median: float
    sd: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class SegmentSummary(Result):
    """Every measure of one segment, and the shares of respondents for whom the firm destroys value or breaks."""

    segment: str
    n: int
    share_destroys: float | None
    share_breach: float | None
    measures: Mapping[str, Stat]

    def rows(self, prefixes: Sequence[str] = ()) -> list[dict[str, Any]]:
        return [
            {"segment": self.segment, "measure": k, **s.to_dict()}
            for k, s in self.measures.items()
            if not prefixes or k.startswith(tuple(prefixes))
        ]


def bootstrap_means(x: np.ndarray, resamples: int = RESAMPLES, seed: int = 0) -> np.ndarray:
    """Bootstrap means (resamples x measures) of the rows of ``x``, ignoring NaN.

    Each resample is a row of counts (how often each respondent was drawn), so a
    block of resamples is one matrix product with the data.
    """
    n = x.shape[0]
    chunk = max(1, min(100, 2_000_000 // max(n, 1)))
    rng = np.random.default_rng(seed)
    finite = np.isfinite(x)
    xz = np.where(finite, x, 0.0)
    gaps = np.flatnonzero(~finite.all(axis=0))  # only these columns need their own denominators
    mask = finite[:, gaps].astype(float)
    out = np.empty((resamples, x.shape[1]))
    offsets = (n * np.arange(chunk, dtype=np.int64))[:, None]
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        draws = rng.integers(0, n, size=(b, n), dtype=np.int64) + offsets[:b]
        counts = np.bincount(draws.ravel(), minlength=b * n).reshape(b, n).astype(float)
        block = (counts @ xz) / n
        if len(gaps):
            with np.errstate(invalid="ignore", divide="ignore"):
                block[:, gaps] = (counts @ xz[:, gaps]) / (counts @ mask)
        out[start : start + b] = block
    return out


def mean_interval(x: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of the mean of each column: percentile bootstrap, or its normal limit for large samples.

    Up to :data:`BOOTSTRAP_MAX_N` rows the interval is the 2.5th and 97.5th
    percentiles of 1,000 bootstrap means. Above that, the bootstrap distribution of
    a mean is normal to within its own resampling noise, so the interval is
    ``mean +- 1.96 * sd / sqrt(n)``, which costs nothing to compute.
    """
    k = x.shape[1]
    lo, hi = np.full(k, np.nan), np.full(k, np.nan)
    finite = np.isfinite(x)
    n = finite.sum(axis=0)
    if x.shape[0] == 0:
        return lo, hi
    if x.shape[0] > BOOTSTRAP_MAX_N:
        has = n > 1
        xz = np.where(finite, x, 0.0)
        mean = xz.sum(axis=0)[has] / n[has]
        sd = np.sqrt(np.where(finite[:, has], (x[:, has] - mean) ** 2, 0.0).sum(axis=0) / (n[has] - 1))
        lo[has], hi[has] = mean - Z95 * sd / np.sqrt(n[has]), mean + Z95 * sd / np.sqrt(n[has])
        return lo, hi
    boots = bootstrap_means(x, seed=seed) if x.shape[0] > 1 else np.where(finite, x, np.nan)
    ok = np.isfinite(boots).any(axis=0) & (n > 0)
    if ok.any():
        lo[ok], hi[ok] = np.nanpercentile(boots[:, ok], [2.5, 97.5], axis=0)
    return lo, hi


def summarise(keys: Sequence[str], x: np.ndarray, seed: int = 0) -> dict[str, Stat]:
    """n, mean, median, sd and bootstrap CI of every column of ``x``."""
    if x.shape[0] == 0:
        return {}
    finite = np.isfinite(x)
    n = finite.sum(axis=0)
    xz = np.where(finite, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = xz.sum(axis=0) / n
        var = np.where(finite, (x - mean) ** 2, 0.0).sum(axis=0) / (n - 1)
    masked = np.where(finite, x, np.nan)
    median = np.full(x.shape[1], np.nan)
    has = n > 0
    median[has] = np.nanmedian(masked[:, has], axis=0)
    lo, hi = mean_interval(x, seed=seed)
    return {
        k: Stat(
            int(n[j]),
            float(mean[j]),
            float(median[j]),
            float(math.sqrt(var[j])) if n[j] > 1 else NAN,
            float(lo[j]),
            float(hi[j]),
        )
        for j, k in enumerate(keys)
    }


def aggregate(
    keys: Sequence[str], x: np.ndarray, segments: Sequence[str | None], *, overall: bool = True, seed: int = 0
) -> dict[str, SegmentSummary]:
    """Summaries per segment (and over everyone as ``(all)``) of a respondents x measures matrix."""
    labels = np.array([s if s is not None else NO_SEGMENT for s in segments], dtype=object)
    groups = {str(s): np.flatnonzero(labels == s) for s in dict.fromkeys(labels.tolist())}
    if overall:
        groups[ALL] = np.arange(len(labels))
    out = {}
    for name, idx in groups.items():
        stats = summarise(keys, x[idx], seed=seed)
        share = {m: (stats[m].mean if m in stats and stats[m].n else None) for m in ("firm.destroys", "firm.breach")}
        out[name] = SegmentSummary(name, len(idx), share["firm.destroys"], share["firm.breach"], stats)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] == ALL, kv[0])))
