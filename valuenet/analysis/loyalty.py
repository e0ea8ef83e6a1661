"""Loyalty: NPS per segment and which parts of the network drive recommendation and churn.

*NPS* (Reichheld 2003) is the percentage of promoters (9-10) minus the percentage
of detractors (0-6) among respondents who gave a score; its 95% interval is a
percentile bootstrap of the mean of +100 / 0 / -100 per respondent (its normal
limit above 5,000 respondents).

*Drivers*: for each feature (an actor's weighted net value, the firm's net value
per dimension, the firm's direct and indirect destruction, a threshold breach)
and each target (likelihood to recommend 0-10; churned yes/no):

- Spearman's rank correlation rho, with a 95% interval from Fisher's z with the
  Fieller, Hartley and Pearson standard error ``sqrt(1.06 / (n - 3))``;
- a ridge-regularised model on standardised features (linear for the 0-10 score:
  points of likelihood to recommend per standard deviation of the feature;
  logistic for churn: change in log-odds per standard deviation), with normal
  95% intervals from the model's covariance.

A finding is ``conclusive`` only when its interval excludes 0 and there are
enough respondents: at least 10 for a correlation, and at least 20 and five per
feature for the model. Otherwise ``note`` says why not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuenet.analysis.base import Result
from valuenet.analysis.segments import ALL, NO_SEGMENT, mean_interval

MIN_N_CORRELATION = 10
MIN_N_MODEL = 20
PER_FEATURE = 5
RIDGE = 0.1
Z95 = 1.959963984540054


@dataclass(frozen=True)
class NPS(Result):
    """Net Promoter Score of a segment, with its bootstrap 95% interval."""

    segment: str
    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Driver(Result):
    """How one feature goes with one loyalty target."""

    target: str
    feature: str
    n: int
    rho: float | None
    rho_low: float | None
    rho_high: float | None
    effect: float | None
    effect_low: float | None
    effect_high: float | None
    conclusive: bool
    note: str


@dataclass(frozen=True)
class Loyalty(Result):
    """NPS per segment and the loyalty drivers, strongest correlation first."""

    nps: tuple[NPS, ...]
    drivers: tuple[Driver, ...]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "what": "nps",
                "segment": s.segment,
                "n": s.n,
                "value": s.nps,
                "ci_low": s.ci_low,
                "ci_high": s.ci_high,
                "note": f"{s.promoters} promoters, {s.detractors} detractors",
            }
            for s in self.nps
        ]

    def driver_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "target": d.target,
                "feature": d.feature,
                "n": d.n,
                "rho": d.rho,
                "rho_ci": _ci(d.rho_low, d.rho_high),
                "effect": d.effect,
                "effect_ci": _ci(d.effect_low, d.effect_high),
                "conclusive": d.conclusive,
                "note": d.note,
            }
            for d in self.drivers
        ]


def _ci(lo: float | None, hi: float | None) -> str:
    return "" if lo is None or hi is None else f"{lo:.2f} to {hi:.2f}"


def net_promoter(scores: Sequence[int | None], segments: Sequence[str | None]) -> tuple[NPS, ...]:
    """NPS per segment and over everyone (``(all)``)."""
    labels = [s if s is not None else NO_SEGMENT for s in segments]
    out = []
    for seg in [*sorted(set(labels)), ALL]:
        vals = [s for s, lab in zip(scores, labels, strict=True) if s is not None and (seg == ALL or lab == seg)]
        pro = sum(1 for s in vals if s >= 9)
        det = sum(1 for s in vals if s <= 6)
        if not vals:
            out.append(NPS(seg, 0, 0, 0, 0, None, None, None))
            continue
        points = np.array([[100.0 if s >= 9 else (-100.0 if s <= 6 else 0.0)] for s in vals])
        lo, hi = (float(v[0]) for v in mean_interval(points))
        out.append(
            NPS(
                seg,
                len(vals),
                pro,
                len(vals) - pro - det,
                det,
                100.0 * (pro - det) / len(vals),
                lo if math.isfinite(lo) else None,
                hi if math.isfinite(hi) else None,
            )
        )
    return tuple(out)


def rank(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their average rank.

    >>> rank(np.array([10.0, 20.0, 10.0, 30.0])).tolist()
    [1.5, 3.0, 1.5, 4.0]
    """
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def spearman(x: np.ndarray, y: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """Spearman's rho and its 95% interval (Fisher z, Fieller-Hartley-Pearson standard error)."""
    n = len(x)
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None, None, None
    rho = float(np.corrcoef(rank(x), rank(y))[0, 1])
    if n < 4:
        return rho, None, None
    z = math.atanh(max(-0.999999, min(0.999999, rho)))
    se = math.sqrt(1.06 / (n - 3))
    return rho, math.tanh(z - Z95 * se), math.tanh(z + Z95 * se)


def ridge(x: np.ndarray, y: np.ndarray, lam: float = RIDGE) -> tuple[np.ndarray, np.ndarray]:
    """Ridge coefficients on standardised columns of ``x`` and their standard errors."""
    n, p = x.shape
    yc = y - y.mean()
    a = x.T @ x + n * lam * np.eye(p)
    a_inv = np.linalg.inv(a)
    beta = a_inv @ (x.T @ yc)
    xtx = x.T @ x
    dof = max(1.0, n - 1 - float(np.trace(a_inv @ xtx)))
    sigma2 = float(((yc - x @ beta) ** 2).sum()) / dof
    cov = sigma2 * a_inv @ xtx @ a_inv
    return beta, np.sqrt(np.clip(np.diag(cov), 0, None))


def ridge_logistic(x: np.ndarray, y: np.ndarray, lam: float = RIDGE, steps: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """L2-penalised logistic regression by Newton's method; coefficients (no intercept) and standard errors."""
    n, p = x.shape
    xi = np.column_stack([np.ones(n), x])
    pen = n * lam * np.eye(p + 1)
    pen[0, 0] = 0.0
    beta = np.zeros(p + 1)
    hess = pen + np.eye(p + 1) * 1e-9
    for _ in range(steps):
        prob = 1.0 / (1.0 + np.exp(-(xi @ beta)))
        grad = xi.T @ (y - prob) - pen @ beta
        hess = xi.T @ (xi * (prob * (1 - prob))[:, None]) + pen + np.eye(p + 1) * 1e-9
        step = np.linalg.solve(hess, grad)
        beta += step
        if float(np.abs(step).max()) < 1e-10:
            break
    se = np.sqrt(np.clip(np.diag(np.linalg.inv(hess)), 0, None))
    return beta[1:], se[1:]


def drivers(
    keys: Sequence[str], x: np.ndarray, target: str, y: Sequence[float | None], features: Sequence[str]
) -> tuple[Driver, ...]:
    """Rank correlation and regularised-model effect of each feature on one target (``nps`` or ``churn``)."""
    keep = np.array([v is not None for v in y], dtype=bool)
    yv = np.array([float(v) for v in y if v is not None])
    pos = {k: j for j, k in enumerate(keys)}
    cols = [f for f in features if f in pos]
    xs = x[keep][:, [pos[f] for f in cols]] if cols else np.zeros((int(keep.sum()), 0))
    xs = np.where(np.isfinite(xs), xs, 0.0)
    n = len(yv)
    sd = xs.std(axis=0) if n else np.zeros(len(cols))
    varying = [j for j in range(len(cols)) if sd[j] > 0]
    effect: dict[int, tuple[float, float]] = {}
    model_ok = n >= max(MIN_N_MODEL, PER_FEATURE * len(varying))
    if varying and n >= 3 and np.ptp(yv) > 0:
        z = (xs[:, varying] - xs[:, varying].mean(axis=0)) / sd[varying]
        beta, se = ridge_logistic(z, yv) if target == "churn" else ridge(z, yv)
        effect = {j: (float(b), float(s)) for j, b, s in zip(varying, beta, se, strict=True)}
    out = []
    for j, feat in enumerate(cols):
        rho, lo, hi = spearman(xs[:, j], yv)
        b, s = effect.get(j, (None, None))
        notes = []
        if n < MIN_N_CORRELATION:
            notes.append(f"only {n} respondents: too few to conclude")
        elif not model_ok:
            notes.append(f"{n} respondents for {len(varying)} features: too few for the model")
        if j not in varying:
            notes.append("the feature does not vary")
        rho_sure = lo is not None and hi is not None and (lo > 0 or hi < 0) and n >= MIN_N_CORRELATION
        eff_sure = b is not None and s is not None and abs(b) > Z95 * s and model_ok
        out.append(
            Driver(
                target,
                feat,
                n,
                rho,
                lo,
                hi,
                b,
                None if b is None or s is None else b - Z95 * s,
                None if b is None or s is None else b + Z95 * s,
                rho_sure and eff_sure,
                "; ".join(notes),
            )
        )
    out.sort(key=lambda d: (-(abs(d.rho) if d.rho is not None else -1.0), d.feature))
    return tuple(out)


def loyalty(
    keys: Sequence[str],
    x: np.ndarray,
    nps: Sequence[int | None],
    churned: Sequence[bool | None],
    segments: Sequence[str | None],
    features: Sequence[str],
) -> Loyalty:
    """NPS per segment and the drivers of likelihood to recommend and of churn."""
    found = drivers(keys, x, "nps", [float(v) if v is not None else None for v in nps], features)
    if any(c is not None for c in churned):
        found += drivers(keys, x, "churn", [float(c) if c is not None else None for c in churned], features)
    return Loyalty(net_promoter(nps, segments), found)


def default_features(keys: Sequence[str], focal: str, customer: str) -> list[str]:
    """The drivers looked at by default: every actor's weighted net value, the firm's per dimension, damage."""
    feats = [k for k in keys if k.startswith("net.") and k.endswith(".weighted") and k != f"net.{customer}.weighted"]
    feats += [k for k in keys if k.startswith(f"net.{focal}.") and not k.endswith(".weighted")]
    return feats + [k for k in ("destruction.direct", "destruction.indirect", "firm.breach") if k in keys]
