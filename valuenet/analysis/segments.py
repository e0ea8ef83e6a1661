"""Every measure per respondent, summarised per segment with spread and confidence.

The measures come from the engine (:func:`valuenet.analysis.measures.respondent_matrix`;
their names are listed in ``docs/analysis.md``). :func:`aggregate` summarises the
matrix per segment: n, mean, median, standard deviation and a percentile bootstrap
95% confidence interval of the mean (1,000 resamples, seeded, so a re-run gives
the same interval; above 2,000 respondents, the normal limit of that bootstrap
distribution, see :func:`mean_interval`). The sd and the interval are undefined
(``None``) for n = 1. An undefined measure (NaN, such as the firm's share when the
customer gets nothing, or a touchpoint the respondent did not use) is left out of
that measure's n, so the mean of ``touchpoint.<tp>.destroys`` is the share of the
touchpoint's users for whom the firm destroyed value there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuenet.analysis.base import Result

NO_SEGMENT = "(no segment)"
ALL = "(all)"
RESAMPLES = 1000
#: Above this many respondents, the bootstrap interval of a mean is replaced by its normal limit.
BOOTSTRAP_MAX_N = 2000
Z95 = 1.959963984540054
NAN = float("nan")


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
    """Every measure of one segment, and the shares of respondents for whom the firm destroys value or breaks.

    ``share_destroys_at`` gives, per firm touchpoint, the share of those who used it
    for whom it destroyed value (weighted net below 0).
    """

    segment: str
    n: int
    share_destroys: float | None
    share_breach: float | None
    share_destroys_at: Mapping[str, float | None]
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
    ok = np.isfinite(boots).any(axis=0) & (n > 1)
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
    median = np.full(x.shape[1], np.nan)
    whole = n == x.shape[0]  # np.median is far faster than np.nanmedian where nothing is missing
    median[whole] = np.median(x[:, whole], axis=0)
    gaps = (n > 0) & ~whole
    if gaps.any():
        median[gaps] = np.nanmedian(np.where(finite[:, gaps], x[:, gaps], np.nan), axis=0)
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
        at = {
            k[len("touchpoint.") : -len(".destroys")]: (s.mean if s.n else None)
            for k, s in stats.items()
            if k.startswith("touchpoint.") and k.endswith(".destroys")
        }
        out[name] = SegmentSummary(name, len(idx), share["firm.destroys"], share["firm.breach"], at, stats)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] == ALL, kv[0])))
