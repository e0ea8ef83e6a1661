"""Loyalty: NPS per segment and which parts of the network drive recommendation and churn.

*NPS* (Reichheld 2003) is the percentage of promoters (9-10) minus the percentage
of detractors (0-6) among respondents who gave a score; its 95% interval is a
percentile bootstrap of the mean of +100 / 0 / -100 per respondent (its normal
limit above 2,000 respondents), and ``None`` for a single respondent.

*Drivers.* Features come in three families that never share a model, because a
family's features overlap (an actor's weighted net value is a combination of
its per-dimension nets; putting both in one regression splits a driver's effect
between them):

- ``actors``: every actor's weighted net value, ``net.<actor>.weighted`` (the
  customer's own excluded);
- ``firm dimensions``: the firm's net value per dimension, ``net.<focal>.<dim>``;
- ``damage``: ``destruction.direct``, ``destruction.indirect`` and ``firm.breach``.

A missing value of a feature counts 0 (no flow, no value). For each target
(likelihood to recommend 0-10, ``nps``; churned yes/no, ``churn``) and each
feature this module reports:

- Spearman's rank correlation ``rho`` (values within ``TIE_TOLERANCE`` of each
  other are tied, so ``0.1 + 0.2`` and ``0.3`` tie), its 95% interval and its
  p-value from Fisher's z with the Fieller, Hartley and Pearson (1957) standard
  error ``sqrt(1.06 / (n - 3))``;
- the feature's ``effect`` in one model per (family, target): ordinary least
  squares for the score (points of likelihood to recommend per unit of the
  feature, HC3 heteroskedasticity-robust standard errors, MacKinnon and White
  1985) and logistic regression for churn (change in log-odds of churning per
  unit, standard errors from the observed information). Each model holds the
  family's varying features, an intercept and, when there are several segments,
  one dummy column per segment but the largest, so that differences between
  segments are not taken for drivers. A ridge of ``RIDGE`` per respondent on
  the standardised columns only keeps the algebra safe; it shrinks effects by
  about one part in a hundred million. ``effect_per_sd`` is the effect of one
  standard deviation of the feature. p-values are from the normal approximation.

*Correction.* Every p-value of a target (the correlation and the model effect
of every feature: 32 tests for 16 features) is adjusted with Holm's (1979)
step-down method, which bounds at 5% the chance that even one driver reported
as conclusive is noise, whatever the dependence between the tests (they are
strongly dependent here: the two tests of a feature, and features that move
together). Benjamini and Hochberg's (1995) false discovery rate would admit
more drivers but needs independent or positively dependent tests, and a
strategist acts on each listed driver, not on the list's average.

A driver is ``conclusive`` only when both adjusted p-values are below 0.05, the
correlation and the effect have the same sign, and there are enough
respondents: at least ``MIN_N_CORRELATION`` for the correlation, and for the
model at least ``MIN_N_MODEL`` and ``PER_FEATURE`` per model column (features
and segment dummies). Otherwise ``note`` says why not, and how many more
respondents are needed.

>>> x = np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 1.0], [4.0, 0.0]] * 10)
>>> found = loyalty(["net.firm.weighted", "firm.breach"], x, [2, 4, 6, 8] * 10, [None] * 40, ["a"] * 40, "firm", "c")
>>> [(d.family, d.feature, d.effect is not None and round(d.effect, 6), d.conclusive) for d in found.drivers]
[('actors', 'net.firm.weighted', 2.0, True), ('damage', 'firm.breach', 0.0, False)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from valuenet.analysis.base import Result
from valuenet.analysis.segments import ALL, NO_SEGMENT, mean_interval

MIN_N_CORRELATION = 10
MIN_N_MODEL = 20
PER_FEATURE = 5
#: Ridge per respondent on standardised columns, for numerical safety only (not to shrink effects).
RIDGE = 1e-8
#: Two values closer than this (absolutely, or relative to their size when above 1) are tied.
TIE_TOLERANCE = 1e-9
#: A feature whose variance inflation passes this is a combination of the model's other columns.
MAX_INFLATION = 1e6
#: A logistic effect beyond this many log-odds per standard deviation means separation, not a finite effect.
MAX_LOGIT_PER_SD = 10.0
ALPHA = 0.05
Z95 = 1.959963984540054
FHP = 1.06
ACTORS, FIRM_DIMENSIONS, DAMAGE = "actors", "firm dimensions", "damage"
DAMAGE_FEATURES = ("destruction.direct", "destruction.indirect", "firm.breach")
UNITS = {
    "nps": "points of likelihood to recommend per unit",
    "churn": "log-odds of churning per unit",
}


@dataclass(frozen=True)
class NPS(Result):
    """Net Promoter Score of a segment, with its bootstrap 95% interval (``None`` below two respondents)."""

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
    """How one feature goes with one loyalty target: rank correlation, model effect, adjusted p-values.

    ``effect``, ``effect_low`` and ``effect_high`` are in ``unit`` (per unit of
    the feature); ``effect_per_sd`` is the effect of one standard deviation of
    the feature. ``rho_p`` and ``p`` are raw p-values, ``rho_p_adjusted`` and
    ``p_adjusted`` Holm-adjusted over every test of the target.
    """

    target: str
    family: str
    feature: str
    n: int
    rho: float | None
    rho_low: float | None
    rho_high: float | None
    rho_p: float | None
    rho_p_adjusted: float | None
    effect: float | None
    effect_low: float | None
    effect_high: float | None
    effect_per_sd: float | None
    p: float | None
    p_adjusted: float | None
    unit: str
    conclusive: bool
    note: str


@dataclass(frozen=True)
class Loyalty(Result):
    """NPS per segment and the loyalty drivers, conclusive and strongest first within each target.

    ``tests`` is the number of p-values each target's Holm correction runs over.
    """

    nps: tuple[NPS, ...]
    drivers: tuple[Driver, ...]
    tests: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """The NPS table: one row per segment."""
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
        """The drivers table: one row per (target, feature), intervals as text."""
        return [
            {
                "target": d.target,
                "family": d.family,
                "feature": d.feature,
                "n": d.n,
                "rho": d.rho,
                "rho_ci": _ci(d.rho_low, d.rho_high),
                "rho_p_adjusted": d.rho_p_adjusted,
                "effect": d.effect,
                "effect_ci": _ci(d.effect_low, d.effect_high),
                "effect_per_sd": d.effect_per_sd,
                "p_adjusted": d.p_adjusted,
                "conclusive": d.conclusive,
                "note": d.note,
            }
            for d in self.drivers
        ]


def _ci(lo: float | None, hi: float | None) -> str:
    return "" if lo is None or hi is None else f"{lo:.2f} to {hi:.2f}"


def net_promoter(scores: Sequence[int | None], segments: Sequence[str | None]) -> tuple[NPS, ...]:
    """NPS per segment and over everyone (``(all)``).

    >>> [(s.segment, s.nps, s.ci_low) for s in net_promoter([10, None], ["a", "b"])]
    [('a', 100.0, None), ('b', None, None), ('(all)', 100.0, None)]
    """
    labels = [s if s is not None else NO_SEGMENT for s in segments]
    out = []
    for seg in [*sorted(set(labels)), ALL]:
        vals = [s for s, lab in zip(scores, labels, strict=True) if s is not None and (seg == ALL or lab == seg)]
        pro = sum(1 for s in vals if s >= 9)
        det = sum(1 for s in vals if s <= 6)
        if not vals:
            out.append(NPS(seg, 0, 0, 0, 0, None, None, None))
            continue
        lo = hi = math.nan
        if len(vals) > 1:
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


# -- ranks and rank correlation -------------------------------------------------------------


def _gaps(s: np.ndarray, tol: float) -> np.ndarray:
    """Where consecutive sorted values (down axis 0) are further apart than the tie tolerance."""
    scale = np.maximum(1.0, np.maximum(np.abs(s[1:]), np.abs(s[:-1])))
    gaps: np.ndarray = np.diff(s, axis=0) > tol * scale
    return gaps


def rank(x: np.ndarray, tol: float = TIE_TOLERANCE) -> np.ndarray:
    """Ranks 1..n down each column (or of a vector), ties given their average rank.

    Values within ``tol`` of each other (absolutely, or relative to their size
    above 1) are tied; a run of values each within ``tol`` of the next is one tie.

    >>> rank(np.array([10.0, 20.0, 10.0, 30.0])).tolist()
    [1.5, 3.0, 1.5, 4.0]
    >>> rank(np.array([0.1 + 0.2, 0.3, 0.1])).tolist()
    [2.5, 2.5, 1.0]
    """
    a = (x[:, None] if x.ndim == 1 else x).astype(float)
    n, p = a.shape
    if n == 0:
        return np.zeros(x.shape)
    order = np.argsort(a, axis=0, kind="stable")
    s = np.take_along_axis(a, order, axis=0)
    group = np.vstack([np.zeros((1, p), dtype=np.int64), np.cumsum(_gaps(s, tol), axis=0)])
    gid = (group + np.arange(p) * n).ravel()
    position = np.broadcast_to(np.arange(1.0, n + 1)[:, None], (n, p)).ravel()
    mean_rank = np.bincount(gid, weights=position, minlength=n * p) / np.maximum(1, np.bincount(gid, minlength=n * p))
    out = np.empty_like(a)
    np.put_along_axis(out, order, mean_rank[gid].reshape(n, p), axis=0)
    return out.reshape(x.shape)


def varies(x: np.ndarray, tol: float = TIE_TOLERANCE) -> np.ndarray:
    """Per column: whether the values are not all tied.

    >>> varies(np.array([[0.3, 1.0], [0.1 + 0.2, 2.0]])).tolist()
    [False, True]
    """
    a = x[:, None] if x.ndim == 1 else x
    if len(a) < 2:
        return np.zeros(a.shape[1], dtype=bool)
    return np.asarray(_gaps(np.sort(a, axis=0), tol).any(axis=0), dtype=bool)


def normal_p(z: np.ndarray) -> np.ndarray:
    """Two-sided p-values of standard normal statistics (NaN stays NaN).

    >>> [round(float(v), 4) for v in normal_p(np.array([0.0, 1.959963984540054]))]
    [1.0, 0.05]
    """
    flat = [math.erfc(abs(v) / math.sqrt(2.0)) if math.isfinite(v) else math.nan for v in np.ravel(z).tolist()]
    return np.array(flat, dtype=float).reshape(np.shape(z))


def correlations(
    x: np.ndarray, y: np.ndarray, moving: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Spearman's rho of each column of ``x`` with ``y``: rho, 95% interval and p-value (NaN where undefined).

    rho needs three respondents and variation in both; its interval and p-value
    (Fisher's z, standard error ``sqrt(1.06 / (n - 3))``) need four. ``moving``
    is :func:`varies` of ``x`` when the caller already has it.
    """
    n, p = x.shape
    nan = np.full(p, np.nan)
    if n < 3 or not varies(y)[0]:
        return nan, nan.copy(), nan.copy(), nan.copy()
    rx = rank(x)
    rx -= rx.mean(axis=0)
    ry = rank(y)
    ry -= ry.mean()
    norm = np.sqrt((rx**2).sum(axis=0) * float((ry**2).sum()))
    ok: np.ndarray = np.logical_and(varies(x) if moving is None else moving, norm > 0)
    rho = np.full(p, np.nan)
    rho[ok] = np.clip((rx[:, ok] * ry[:, None]).sum(axis=0) / norm[ok], -1.0, 1.0)
    if n < 4:
        return rho, nan.copy(), nan.copy(), nan.copy()
    se = math.sqrt(FHP / (n - 3))
    z = np.arctanh(np.clip(rho, -1 + 1e-15, 1 - 1e-15))
    return rho, np.tanh(z - Z95 * se), np.tanh(z + Z95 * se), normal_p(z / se)


def spearman(x: np.ndarray, y: np.ndarray) -> tuple[float | None, float | None, float | None, float | None]:
    """Spearman's rho of two vectors, its 95% interval and its p-value (``None`` where undefined).

    >>> rho, lo, hi, p = spearman(np.array([0.1, 0.1 + 0.2, 0.3, 0.5]), np.array([1.0, 3.0, 2.0, 4.0]))
    >>> round(rho, 6) == round(3 / math.sqrt(10), 6)
    True
    """
    rho, lo, hi, p = (_opt(float(v[0])) for v in correlations(x.reshape(-1, 1), y))
    return rho, lo, hi, p


def _opt(v: float) -> float | None:
    return v if math.isfinite(v) else None


# -- multiple comparisons -------------------------------------------------------------------


def holm(p: Sequence[float]) -> list[float]:
    """Holm's (1979) step-down adjusted p-values, in the order given.

    The i-th smallest of m p-values is multiplied by ``m - i + 1``, made no
    smaller than the adjusted value before it, and capped at 1. A test is
    significant at family-wise error rate alpha when its adjusted p < alpha.

    >>> [round(v, 6) for v in holm([0.01, 0.04, 0.03, 0.005])]
    [0.03, 0.06, 0.06, 0.02]
    """
    m = len(p)
    if m == 0:
        return []
    arr = np.asarray(p, dtype=float)
    order = np.argsort(arr, kind="stable")
    stepped = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * arr[order]))
    out = np.empty(m)
    out[order] = stepped
    return [float(v) for v in out]


# -- models ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """A family's model: per-feature effect and standard error per unit (NaN where not estimable), and why not."""

    effect: np.ndarray
    se: np.ndarray
    problem: list[str]


def _design(x: np.ndarray, covariates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[intercept, covariates, standardised x], the features' sds, and the tiny-ridge penalty."""
    n = len(x)
    sd = x.std(axis=0)
    z = np.column_stack([np.ones(n), covariates, (x - x.mean(axis=0)) / sd])
    pen = np.full(z.shape[1], RIDGE * n)
    pen[0] = 0.0
    return z, sd, pen


def _inflation(z: np.ndarray, a_inv: np.ndarray, k: int) -> np.ndarray:
    """Variance inflation of the last ``k`` (standardised) columns: n times their diagonal of the inverse."""
    return len(z) * np.diag(a_inv)[-k:]


def ols(x: np.ndarray, y: np.ndarray, covariates: np.ndarray) -> Fit:
    """Least squares of ``y`` on the columns of ``x`` with an intercept and ``covariates``; HC3 standard errors.

    >>> fit = ols(np.arange(1.0, 21.0)[:, None], 1 + 2 * np.arange(1.0, 21.0), np.zeros((20, 0)))
    >>> round(float(fit.effect[0]), 6)
    2.0
    """
    k = x.shape[1]
    z, sd, pen = _design(x, covariates)
    a_inv = np.linalg.inv(z.T @ z + np.diag(pen))
    beta = a_inv @ (z.T @ y)
    resid = y - z @ beta
    leverage = np.clip(((z @ a_inv) * z).sum(axis=1), 0.0, 1.0 - 1e-8)
    w = (resid / (1.0 - leverage)) ** 2
    cov = a_inv @ (z.T @ (z * w[:, None])) @ a_inv
    se = np.sqrt(np.clip(np.diag(cov)[-k:], 0.0, None))
    effect, se = beta[-k:] / sd, se / sd
    problem = [""] * k
    for j in np.flatnonzero(_inflation(z, a_inv, k) > MAX_INFLATION):
        problem[j] = "collinear"
    return Fit(effect, se, problem)


def logistic(x: np.ndarray, y: np.ndarray, covariates: np.ndarray, steps: int = 100) -> Fit:
    """Logistic regression of 0/1 ``y`` by Newton's method with step halving; standard errors from the information.

    >>> x = np.arange(40.0)[:, None]
    >>> fit = logistic(x, (np.arange(40) % 3 == 0) * 1.0 + (np.arange(40) > 30), np.zeros((40, 0)))
    >>> bool(fit.effect[0] > 0)
    True
    """
    k = x.shape[1]
    z, sd, pen = _design(x, covariates)
    mean = min(max(float(y.mean()), 1e-6), 1 - 1e-6)
    beta = np.zeros(z.shape[1])
    beta[0] = math.log(mean / (1 - mean))

    def objective(b: np.ndarray) -> float:
        eta = z @ b
        return float((y * eta - np.logaddexp(0.0, eta)).sum() - 0.5 * (pen * b * b).sum())

    current = objective(beta)
    converged = False
    hess = np.eye(z.shape[1])
    for _ in range(steps):
        prob = 1.0 / (1.0 + np.exp(-(z @ beta)))
        grad = z.T @ (y - prob) - pen * beta
        hess = z.T @ (z * (prob * (1 - prob))[:, None]) + np.diag(pen)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-6:
            new = objective(beta + t * step)
            if new >= current - 1e-12 * (1.0 + abs(current)):
                break
            t /= 2
        beta = beta + t * step
        gain, current = new - current, new
        if abs(gain) <= 1e-10 * (1.0 + abs(current)):
            converged = True
            break
    prob = 1.0 / (1.0 + np.exp(-(z @ beta)))
    hess = z.T @ (z * (prob * (1 - prob))[:, None]) + np.diag(pen)
    a_inv = np.linalg.inv(hess)
    se = np.sqrt(np.clip(np.diag(a_inv)[-k:], 0.0, None))
    per_sd = beta[-k:]
    problem = ["" if converged else "separation"] * k
    for j in np.flatnonzero(np.abs(per_sd) > MAX_LOGIT_PER_SD):
        problem[j] = "separation"
    ols_inv = np.linalg.inv(z.T @ z + np.diag(pen))
    for j in np.flatnonzero(_inflation(z, ols_inv, k) > MAX_INFLATION):
        problem[j] = "collinear"
    return Fit(per_sd / sd, se / sd, problem)


# -- drivers --------------------------------------------------------------------------------


def families(keys: Sequence[str], focal: str, customer: str) -> dict[str, list[str]]:
    """The features of each family, in the order of ``keys``.

    >>> keys = ["net.c.weighted", "net.f.functional", "net.f.weighted", "net.gp.weighted", "firm.breach"]
    >>> for family, features in families(keys, "f", "c").items():
    ...     print(family, features)
    actors ['net.f.weighted', 'net.gp.weighted']
    firm dimensions ['net.f.functional']
    damage ['firm.breach']
    """
    mine, own = f"net.{focal}.", f"net.{customer}.weighted"
    return {
        ACTORS: [k for k in keys if k.startswith("net.") and k.endswith(".weighted") and k != own],
        FIRM_DIMENSIONS: [k for k in keys if k.startswith(mine) and not k.endswith(".weighted")],
        DAMAGE: [k for k in DAMAGE_FEATURES if k in keys],
    }


def segment_dummies(labels: Sequence[str]) -> np.ndarray:
    """One 0/1 column per segment except the largest (the reference); no column when there is one segment.

    >>> segment_dummies(["a", "b", "b", "c"]).tolist()
    [[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    """
    names, codes, counts = np.unique(np.asarray(labels, dtype=str), return_inverse=True, return_counts=True)
    if len(names) < 2:
        return np.zeros((len(labels), 0))
    keep = [j for j in range(len(names)) if j != int(np.argmax(counts))]
    out: np.ndarray = (codes[:, None] == np.array(keep)[None, :]).astype(float)
    return out


@dataclass
class _Test:
    """One feature's figures before correction."""

    family: str
    feature: str
    rho: float
    lo: float
    hi: float
    rho_p: float
    effect: float = math.nan
    se: float = math.nan
    sd: float = math.nan
    notes: list[str] = field(default_factory=list)
    model_ok: bool = False


def drivers(
    keys: Sequence[str],
    x: np.ndarray,
    target: str,
    y: Sequence[float | None],
    segments: Sequence[str | None],
    feature_families: Mapping[str, Sequence[str]],
) -> tuple[Driver, ...]:
    """Rank correlation and model effect of every feature on one target (``nps`` or ``churn``), Holm-corrected."""
    keep = np.array([v is not None for v in y], dtype=bool)
    yv = np.array([float(v) for v in y if v is not None])
    labels = [s if s is not None else NO_SEGMENT for s, k in zip(segments, keep, strict=True) if k]
    n = len(yv)
    pos = {k: j for j, k in enumerate(keys)}
    named = [(family, f) for family, feats in feature_families.items() for f in feats if f in pos]
    xs = x[keep][:, [pos[f] for _, f in named]]
    xs = np.where(np.isfinite(xs), xs, 0.0)
    moving = varies(xs)
    rho, lo, hi, rho_p = correlations(xs, yv, moving)
    tests = [
        _Test(family, f, float(rho[j]), float(lo[j]), float(hi[j]), float(rho_p[j]))
        for j, (family, f) in enumerate(named)
    ]
    for t, m in zip(tests, moving, strict=True):
        if not m:
            t.notes.append("the feature does not vary among these respondents")
    y_varies = bool(varies(yv)[0])
    dummies = segment_dummies(labels)
    for family in feature_families:
        cols = np.array([j for j, (fam, _) in enumerate(named) if fam == family and moving[j]], dtype=np.int64)
        _model([tests[j] for j in cols], xs[:, cols], yv, dummies, target, y_varies)
    first = []
    if n < MIN_N_CORRELATION:
        first.append(f"only {n} respondents: a correlation needs {MIN_N_CORRELATION} ({MIN_N_CORRELATION - n} more)")
    if n > 1 and not y_varies:
        same = "every respondent gave the same score" if target == "nps" else "every respondent gave the same answer"
        first.append(f"{same}: nothing to explain")
    for t in tests:
        t.notes[:0] = first
    raw = [v for t in tests for v in (t.rho_p, _effect_p(t)) if math.isfinite(v)]
    adjusted = iter(holm(raw))
    out = []
    for t in tests:
        rp_adj = next(adjusted) if math.isfinite(t.rho_p) else math.nan
        p = _effect_p(t)
        p_adj = next(adjusted) if math.isfinite(p) else math.nan
        out.append(_driver(t, target, n, p, rp_adj, p_adj, len(raw)))
    out.sort(key=lambda d: (not d.conclusive, -_size(d.effect_per_sd), -_size(d.rho), d.family, d.feature))
    return tuple(out)


def _effect_p(t: _Test) -> float:
    return float(normal_p(np.array(t.effect / t.se))) if t.se > 0 and math.isfinite(t.effect) else math.nan


def _size(v: float | None) -> float:
    return abs(v) if v is not None else -1.0


def _model(tests: list[_Test], xs: np.ndarray, y: np.ndarray, dummies: np.ndarray, target: str, y_varies: bool) -> None:
    """Fit one family's model on its varying features; put each one's effect (or why there is none) on its test."""
    n, k = xs.shape
    columns = k + dummies.shape[1]
    need = max(MIN_N_MODEL, PER_FEATURE * columns)
    if not k or not y_varies:
        return
    if n < columns + 2:
        for t in tests:
            t.notes.append(f"{n} respondents cannot fit a model of {columns} columns: {need - n} more needed")
        return
    fit = logistic(xs, y, dummies) if target == "churn" else ols(xs, y, dummies)
    sd = xs.std(axis=0)
    enough = n >= need
    for j, t in enumerate(tests):
        t.sd, t.model_ok = float(sd[j]), enough
        if not enough:
            t.notes.append(
                f"the {t.family} model has {columns} columns and needs {need} respondents"
                f" ({MIN_N_MODEL}, and {PER_FEATURE} per column): {need - n} more"
            )
        if fit.problem[j] == "collinear":
            t.notes.append("the feature is a combination of its family's other features or the segments: no own effect")
        elif fit.problem[j] == "separation":
            t.notes.append("churn is all but perfectly predicted (separation): the effect is not finite")
        else:
            t.effect, t.se = float(fit.effect[j]), float(fit.se[j])


def _driver(t: _Test, target: str, n: int, p: float, rp_adj: float, p_adj: float, m: int) -> Driver:
    """The reported driver of a test once its p-values are adjusted."""
    has_effect = math.isfinite(t.effect) and math.isfinite(t.se)
    rho_sure = n >= MIN_N_CORRELATION and rp_adj < ALPHA
    effect_sure = t.model_ok and has_effect and p_adj < ALPHA
    agree = rho_sure and effect_sure and (t.rho > 0) == (t.effect > 0)
    notes = list(t.notes)
    if rho_sure and effect_sure and not agree:
        notes.append("the rank correlation and the model effect point opposite ways: not conclusive")
    elif rho_sure and t.model_ok and has_effect and not effect_sure:
        notes.append("goes with the target, but not once the segment and the family's other features are counted")
    elif effect_sure and not rho_sure and n >= MIN_N_CORRELATION:
        notes.append("a clear effect in the model, but the rank correlation on its own is not conclusive")
    elif not rho_sure and not effect_sure and not notes:
        raw = min(v for v in (t.rho_p, p, 1.0) if math.isfinite(v))
        if raw < ALPHA:
            notes.append(f"p = {raw:.2g} alone, but not below {ALPHA} after Holm's correction over {m} tests")
    return Driver(
        target,
        t.family,
        t.feature,
        n,
        _opt(t.rho),
        _opt(t.lo),
        _opt(t.hi),
        _opt(t.rho_p),
        _opt(rp_adj),
        t.effect if has_effect else None,
        t.effect - Z95 * t.se if has_effect else None,
        t.effect + Z95 * t.se if has_effect else None,
        t.effect * t.sd if has_effect else None,
        _opt(p) if has_effect else None,
        _opt(p_adj) if has_effect else None,
        UNITS[target],
        agree,
        "; ".join(notes),
    )


def loyalty(
    keys: Sequence[str],
    x: np.ndarray,
    nps: Sequence[int | None],
    churned: Sequence[bool | None],
    segments: Sequence[str | None],
    focal: str,
    customer: str,
) -> Loyalty:
    """NPS per segment and the drivers of likelihood to recommend and of churn.

    ``keys`` name the columns of ``x`` (respondents x measures); ``focal`` and
    ``customer`` pick the features of each family (see :func:`families`).
    Churn drivers are looked for only when someone answered the churn question.
    """
    fams = families(keys, focal, customer)
    found = drivers(keys, x, "nps", [float(v) if v is not None else None for v in nps], segments, fams)
    counts = {"nps": _count(found)}
    if any(c is not None for c in churned):
        churn = drivers(keys, x, "churn", [float(c) if c is not None else None for c in churned], segments, fams)
        counts["churn"] = _count(churn)
        found += churn
    return Loyalty(net_promoter(nps, segments), found, counts)


def _count(found: tuple[Driver, ...]) -> int:
    return sum((d.rho_p is not None) + (d.p is not None) for d in found)
