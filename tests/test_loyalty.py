"""Loyalty drivers: hand-worked figures, properties, the planted driver of the synthetic study, no spurious drivers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuenet.analysis.loyalty import Driver, holm, loyalty, net_promoter, rank, spearman
from valuenet.synth import ACTORS, FOCAL, SEGMENTS, synthesize

DIMS = ("functional", "economic", "experiential", "symbolic")


def only(found: Sequence[Driver], feature: str, target: str = "nps") -> Driver:
    (d,) = [d for d in found if d.feature == feature and d.target == target]
    return d


# -- worked by hand -------------------------------------------------------------------------


def test_rho_ties_values_equal_up_to_rounding() -> None:
    # 0.1 + 0.2 and 0.3 tie: x ranks 1, 2.5, 2.5, 4; y ranks 1, 3, 2, 4.
    # centred: x -1.5, 0, 0, 1.5; y -1.5, 0.5, -0.5, 1.5 -> rho = 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
    x = np.array([0.1, 0.1 + 0.2, 0.3, 0.5])
    assert rank(x).tolist() == [1.0, 2.5, 2.5, 4.0]
    rho, _, _, _ = spearman(x, np.array([1.0, 3.0, 2.0, 4.0]))
    assert rho == pytest.approx(3 / math.sqrt(10))


def test_rho_interval_and_p_value_by_hand() -> None:
    # n = 12, y is x with two neighbouring pairs swapped: sum d^2 = 4, rho = 1 - 6 * 4 / (12 * 143) = 1 - 24 / 1716
    x = np.arange(12.0)
    y = np.array([1.0, 0.0, 2, 3, 4, 5, 6, 7, 8, 9, 11, 10])
    rho, lo, hi, p = spearman(x, y)
    assert rho == pytest.approx(1 - 24 / 1716)
    z, se = math.atanh(1 - 24 / 1716), math.sqrt(1.06 / 9)
    assert lo == pytest.approx(math.tanh(z - 1.959964 * se)) and hi == pytest.approx(math.tanh(z + 1.959964 * se))
    assert p == pytest.approx(math.erfc(z / se / math.sqrt(2)))


def test_holm_by_hand() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> running max 0.02, 0.03, 0.06, 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])
    assert holm([]) == []


def test_linear_effect_is_in_the_features_units_with_hc3_errors() -> None:
    # one feature, one segment: least squares slope = Sxy / Sxx; HC3 variance by the textbook formula
    x = np.arange(1.0, 41.0)
    y = 3 + 0.5 * x + np.where(np.arange(40) % 2 == 0, 1.0, -1.0) * (1 + x / 20)
    d = only(
        loyalty(["net.f.weighted"], x[:, None], list(y), [None] * 40, ["s"] * 40, "f", "c").drivers, "net.f.weighted"
    )
    xc = x - x.mean()
    sxx = float((xc**2).sum())
    slope = float((xc * (y - y.mean())).sum()) / sxx
    e = y - y.mean() - slope * xc
    h = 1 / 40 + xc**2 / sxx
    se = math.sqrt(float((xc**2 * e**2 / (1 - h) ** 2).sum())) / sxx
    assert d.effect == pytest.approx(slope, rel=1e-6)
    assert d.effect_per_sd == pytest.approx(slope * x.std(), rel=1e-6)
    assert d.effect_low == pytest.approx(slope - 1.959964 * se, rel=1e-5)
    assert d.effect_high == pytest.approx(slope + 1.959964 * se, rel=1e-5)
    assert d.unit.startswith("points of likelihood to recommend") and d.conclusive


def test_churn_effect_is_the_log_odds_ratio() -> None:
    # a 0/1 feature alone: the logistic slope is the log odds ratio of the 2x2 table, its se Woolf's
    breach = np.array([1.0] * 40 + [0.0] * 40)
    churned = [True] * 30 + [False] * 10 + [True] * 10 + [False] * 30
    found = loyalty(["firm.breach"], breach[:, None], [None] * 80, churned, [None] * 80, "f", "c")
    d = only(found.drivers, "firm.breach", "churn")
    se = math.sqrt(1 / 30 + 1 / 10 + 1 / 10 + 1 / 30)
    assert d.effect == pytest.approx(2 * math.log(3), rel=1e-6)
    assert d.effect_low == pytest.approx(2 * math.log(3) - 1.959964 * se, rel=1e-5)
    assert d.effect_per_sd == pytest.approx(2 * math.log(3) * 0.5, rel=1e-6)
    assert d.unit == "log-odds of churning per unit" and d.conclusive
    assert found.tests == {"nps": 0, "churn": 2}


def test_the_segment_is_a_covariate_so_a_segment_difference_is_no_driver() -> None:
    # segment b has higher values of the feature and higher scores, but within each segment the two are unrelated
    rng = np.random.default_rng(5)
    seg = ["a"] * 150 + ["b"] * 150
    x = rng.normal(size=300) + np.repeat([0.0, 3.0], 150)
    nps = list(np.round(np.repeat([3.0, 8.0], 150) + rng.normal(size=300)).astype(int))
    d = only(loyalty(["net.f.weighted"], x[:, None], nps, [None] * 300, seg, "f", "c").drivers, "net.f.weighted")
    assert d.rho is not None and d.rho > 0.5 and d.rho_p_adjusted is not None and d.rho_p_adjusted < 0.05
    assert d.p_adjusted is not None and d.p_adjusted > 0.05 and not d.conclusive
    assert "segment" in d.note
    # without the segments the same data make it look like a driver
    alone = only(
        loyalty(["net.f.weighted"], x[:, None], nps, [None] * 300, [None] * 300, "f", "c").drivers, "net.f.weighted"
    )
    assert alone.conclusive


def test_a_model_effect_without_a_plain_association_is_not_conclusive() -> None:
    # g = f + u, score = f - g / 2 + noise = f / 2 - u / 2 + noise: g has a clear effect given f (-0.5 per unit)
    # but no rank correlation with the score on its own (cov = 1/2 - 1/2 = 0)
    rng = np.random.default_rng(11)
    f = rng.normal(size=3000)
    g = f + rng.normal(size=3000)
    score = 5 + 2 * (f - g / 2) + rng.normal(scale=0.5, size=3000)
    found = loyalty(
        ["net.f.weighted", "net.g.weighted"],
        np.column_stack([f, g]),
        list(score),
        [None] * 3000,
        [None] * 3000,
        "f",
        "c",
    )
    d = only(found.drivers, "net.g.weighted")
    assert d.effect == pytest.approx(-1.0, abs=0.1) and d.p_adjusted is not None and d.p_adjusted < 0.05
    assert d.rho_p_adjusted is not None and d.rho_p_adjusted > 0.05
    assert not d.conclusive and "rank correlation on its own is not conclusive" in d.note
    assert only(found.drivers, "net.f.weighted").conclusive


def test_only_features_are_reported_one_family_per_feature() -> None:
    rng = np.random.default_rng(2)
    keys = ["net.c.weighted", "net.f.weighted", "net.f.functional", "net.gp.weighted", "firm.breach", "firm.rank"]
    x = rng.normal(size=(60, len(keys)))
    found = loyalty(keys, x, list(rng.integers(0, 11, 60)), [None] * 60, list(rng.choice(["a", "b"], 60)), "f", "c")
    assert {(d.family, d.feature) for d in found.drivers} == {
        ("actors", "net.f.weighted"),
        ("actors", "net.gp.weighted"),
        ("firm dimensions", "net.f.functional"),
        ("damage", "firm.breach"),
    }
    assert found.tests == {"nps": 8}
    assert [r["feature"] for r in found.driver_rows()] == [d.feature for d in found.drivers]
    assert found.to_dict()["drivers"][0]["family"] == found.drivers[0].family


# -- when the data cannot say ---------------------------------------------------------------


def test_too_few_respondents_say_how_many_more() -> None:
    x = np.arange(1.0, 9.0)
    d = only(
        loyalty(["net.f.weighted"], x[:, None], list(2 * x), [None] * 8, [None] * 8, "f", "c").drivers, "net.f.weighted"
    )
    assert not d.conclusive and "only 8 respondents: a correlation needs 10 (2 more)" in d.note
    assert "needs 20 respondents" in d.note and "12 more" in d.note
    # three segments and one feature: 3 columns need max(20, 15) = 20 respondents
    x = np.arange(1.0, 16.0)
    found = loyalty(["net.f.weighted"], x[:, None], list(x), [None] * 15, ["a", "b", "c"] * 5, "f", "c")
    d = only(found.drivers, "net.f.weighted")
    assert d.rho == pytest.approx(1.0) and not d.conclusive and "5 more" in d.note


def test_a_feature_that_does_not_vary_and_a_target_that_does_not() -> None:
    x = np.column_stack([np.arange(30.0), np.full(30, 0.3), np.full(30, 0.1 + 0.2)])
    x[::2, 2] = 0.3
    found = loyalty(
        ["net.f.weighted", "net.g.weighted", "firm.breach"],
        x,
        list(np.arange(30) % 11),
        [None] * 30,
        [None] * 30,
        "f",
        "c",
    )
    for feature in ("net.g.weighted", "firm.breach"):
        d = only(found.drivers, feature)
        assert d.rho is None and d.effect is None and "does not vary" in d.note
    same = loyalty(["net.f.weighted"], x[:, :1], [7] * 30, [None] * 30, [None] * 30, "f", "c")
    assert "every respondent gave the same score" in same.drivers[0].note


def test_duplicated_features_have_no_own_effect_and_separation_is_named() -> None:
    x = np.arange(40.0)
    found = loyalty(
        ["net.f.weighted", "net.g.weighted"],
        np.column_stack([x, x]),
        list(np.arange(40) % 11),
        [None] * 40,
        [None] * 40,
        "f",
        "c",
    )
    assert all(d.effect is None and "combination" in d.note for d in found.drivers)
    churned = [bool(v > 19) for v in x]
    found = loyalty(["firm.breach"], x[:, None], [None] * 40, churned, [None] * 40, "f", "c")
    d = only(found.drivers, "firm.breach", "churn")
    assert d.effect is None and "separation" in d.note and not d.conclusive


def test_missing_feature_values_count_zero() -> None:
    x = np.arange(30.0)
    with_nan = np.where(x % 3 == 0, np.nan, x)
    zeros = np.where(x % 3 == 0, 0.0, x)
    nps = [int(v) for v in np.arange(30) % 11]
    a = loyalty(["net.f.weighted"], with_nan[:, None], nps, [None] * 30, [None] * 30, "f", "c")
    b = loyalty(["net.f.weighted"], zeros[:, None], nps, [None] * 30, [None] * 30, "f", "c")
    assert a.drivers == b.drivers and a.drivers[0].rho is not None


def test_nps_interval_is_null_for_one_respondent() -> None:
    (one, everyone) = net_promoter([10], ["a"])
    assert one.nps == 100.0 and one.ci_low is None and one.ci_high is None and everyone.ci_low is None
    two = net_promoter([10, 0], ["a", "a"])[0]
    assert two.ci_low is not None and two.ci_low < two.nps < two.ci_high  # type: ignore[operator]


# -- properties -----------------------------------------------------------------------------

p_values = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=30)


@given(p_values)
def test_holm_never_lowers_a_p_value_and_keeps_their_order(ps: list[float]) -> None:
    adj = holm(ps)
    assert all(p <= a <= 1.0 for p, a in zip(ps, adj, strict=True))
    for i in range(len(ps)):
        for j in range(len(ps)):
            if ps[i] < ps[j]:
                assert adj[i] <= adj[j]


@given(p_values, p_values)
def test_more_tests_never_make_a_test_more_significant(ps: list[float], extra: list[float]) -> None:
    before, after = holm(ps), holm(ps + extra)[: len(ps)]
    assert all(a >= b for a, b in zip(after, before, strict=True))


values = st.lists(st.integers(-20, 20), min_size=4, max_size=40)


@given(values, st.randoms(use_true_random=False))
def test_rho_is_invariant_under_increasing_transforms(xs: list[int], rnd: Any) -> None:
    x = np.array(xs, dtype=float)
    y = np.array([rnd.randint(0, 10) for _ in xs], dtype=float)
    rho = spearman(x, y)[0]
    for other_x in (x**3 + 7 * x, np.exp(x / 4), x / 10 + 0.1):
        other = spearman(other_x, y)[0]
        assert (rho is None) == (other is None)
        if rho is not None and other is not None:
            assert other == pytest.approx(rho, abs=1e-12)
    back = spearman(y, x)[0]
    assert rho is None or (back == pytest.approx(rho) and -1.0 <= rho <= 1.0)


@given(st.lists(st.lists(st.integers(0, 4), min_size=3, max_size=3), min_size=1, max_size=30))
def test_ranks_of_a_matrix_are_the_ranks_of_each_column(rows: list[list[int]]) -> None:
    x = np.array(rows, dtype=float) / 10
    r = rank(x)
    for j in range(3):
        assert r[:, j].tolist() == rank(x[:, j]).tolist()
    assert r.sum(axis=0).tolist() == pytest.approx([len(rows) * (len(rows) + 1) / 2] * 3)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_adding_a_noise_feature_never_makes_a_null_feature_conclusive(seed: int) -> None:
    # the null feature's raw p-values do not change (the noise feature is in another family); Holm can only raise them
    rng = np.random.default_rng(seed)
    n = 60
    null, noise = rng.normal(size=n), rng.normal(size=n)
    nps = [int(v) for v in rng.integers(0, 11, n)]
    base = loyalty(["net.gp.weighted"], null[:, None], nps, [None] * n, [None] * n, "f", "c")
    more = loyalty(
        ["net.gp.weighted", "destruction.direct"], np.column_stack([null, noise]), nps, [None] * n, [None] * n, "f", "c"
    )
    a, b = only(base.drivers, "net.gp.weighted"), only(more.drivers, "net.gp.weighted")
    assert b.rho_p == a.rho_p and b.p == pytest.approx(a.p)
    assert b.rho_p_adjusted >= a.rho_p_adjusted and b.p_adjusted >= a.p_adjusted  # type: ignore[operator]
    assert b.conclusive <= a.conclusive


# -- the synthetic study --------------------------------------------------------------------


def synth_features(respondents: int, seed: int) -> tuple[list[str], np.ndarray, list[Any], list[Any], list[Any]]:
    """Every actor's weighted net (sum of weight * (gets - gives)) and the clinic's net per dimension, from the rows."""
    people: dict[str, dict[str, Any]] = {}
    for r in synthesize(respondents, seed).rows():
        p = people.setdefault(r["respondent"], {"row": r, "net": {}, "dims": {}})
        net = r["gets"] - r["gives"]
        p["net"][r["actor"]] = p["net"].get(r["actor"], 0.0) + r[f"weight_{r['dimension']}"] * net
        if r["actor"] == FOCAL:
            p["dims"][r["dimension"]] = p["dims"].get(r["dimension"], 0.0) + net
    actors = [a for a, _, kind in ACTORS if kind != "customer"]
    keys = [f"net.{a}.weighted" for a in actors] + [f"net.{FOCAL}.{d}" for d in DIMS]
    # an actor the respondent did not deal with is missing (NaN): loyalty counts it 0
    x = np.array(
        [[p["net"].get(a, np.nan) for a in actors] + [p["dims"].get(d, 0.0) for d in DIMS] for p in people.values()]
    )
    rows = [p["row"] for p in people.values()]
    return keys, x, [r["nps"] for r in rows], [r["churned"] == "yes" for r in rows], [r["segment"] for r in rows]


@pytest.fixture(scope="module")
def synth() -> tuple[list[str], np.ndarray, list[Any], list[Any], list[Any]]:
    return synth_features(2000, 0)


def test_the_planted_driver_is_recovered_at_its_size(
    synth: tuple[list[str], np.ndarray, list[Any], list[Any], list[Any]],
) -> None:
    keys, x, nps, churned, segments = synth
    found = loyalty(keys, x, nps, churned, segments, FOCAL, "patient")
    d = only(found.drivers, f"net.{FOCAL}.weighted")
    # nps = clamp(round(5 + 1.5 * weighted net + N(0, 1)), 0, 10): 1.5 points per unit
    assert d.family == "actors" and d.conclusive
    assert d.effect is not None and d.effect == pytest.approx(1.5, rel=0.25)
    assert d.effect_low is not None and d.effect_high is not None and d.effect_low < d.effect < d.effect_high
    assert d.effect_per_sd == pytest.approx(d.effect * float(np.nan_to_num(x[:, keys.index(d.feature)]).std()))
    assert found.drivers[0] == d  # the strongest driver comes first
    churn = only(found.drivers, f"net.{FOCAL}.weighted", "churn")
    assert churn.effect is not None and churn.effect < 0 and churn.conclusive
    # in their own model, each of the clinic's dimensions drives the score by about 1.5 times its mean weight
    # (were they in one model with the weighted net, it would take their effect and leave them near 0)
    for dim in DIMS:
        weight = sum(seg["share"] * seg["weights"][dim] for seg in SEGMENTS.values())
        e = only(found.drivers, f"net.{FOCAL}.{dim}")
        assert e.family == "firm dimensions" and e.conclusive and e.effect == pytest.approx(1.5 * weight, rel=0.3), dim
    # nothing else the study did not plant: other actors' values are no conclusive drivers of the score
    assert not [
        e.feature for e in found.drivers if e.conclusive and e.family == "actors" and e is not d and e.target == "nps"
    ]


@pytest.mark.parametrize("seed", range(6))
def test_no_spurious_drivers_when_loyalty_is_independent_of_the_network(
    synth: tuple[list[str], np.ndarray, list[Any], list[Any], list[Any]], seed: int
) -> None:
    keys, x, nps, churned, segments = synth
    rows = np.random.default_rng(seed).permutation(len(nps))[:600]
    perm = np.random.default_rng(seed + 100).permutation(rows)
    found = loyalty(
        keys, x[rows], [nps[i] for i in perm], [churned[i] for i in perm], [segments[i] for i in rows], FOCAL, "patient"
    )
    assert [d.feature for d in found.drivers if d.conclusive] == []
    assert found.tests["nps"] == 26
