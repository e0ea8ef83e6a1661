"""Every measure on small networks whose answers are worked out by hand here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import tiny_model
from valuenet.analysis.base import Context, context_of, mean_network, normalise_weights, restrict
from valuenet.analysis.dependency import dependency
from valuenet.analysis.destruction import deal_breakers, value_destruction
from valuenet.analysis.economic import economic_sheets
from valuenet.analysis.loops import value_loops
from valuenet.analysis.loyalty import drivers, net_promoter, spearman
from valuenet.analysis.metrics import network_metrics
from valuenet.analysis.net import net_value
from valuenet.analysis.opportunities import brokerage, underserved
from valuenet.analysis.scenarios import compare_networks
from valuenet.analysis.segments import bootstrap_means, mean_interval, summarise
from valuenet.analysis.table import FlowTable, mean_flows
from valuenet.graph import goal_graph
from valuenet.models import Actor, Flow, Goal, Model, Respondent, exchange_flows

DIMS = ["functional", "economic", "experiential", "symbolic"]


def build(flows: list[Flow], actors: list[Actor] | None = None, respondents: list[Respondent] | None = None) -> Model:
    base = [
        Actor(id="c", name="Customer", kind="customer"),
        Actor(id="f", name="Firm", kind="focal_firm"),
        Actor(id="a", name="Provider", kind="provider"),
        Actor(id="b", name="Insurer", kind="institution"),
    ]
    return Model(
        id="hand",
        actors=actors or base,
        goals=[Goal(id="g", title="Goal", customer="c")],
        respondents=respondents or [Respondent(id="r")],
        flows=flows,
    )


def ex(name: str, actor: str, dim: str, gets: float | None, gives: float | None, **kw: str) -> list[Flow]:
    return exchange_flows(
        name, goal="g", customer="c", actor=actor, dimension=dim, gets=gets, gives=gives, respondent="r", **kw
    )


@pytest.fixture
def story() -> Model:
    """Functional matters three times as much as experiential; the firm's claim handling hurts at the insurer."""
    return build(
        ex("care", "f", "functional", 4, 1, touchpoint="visit", quote="It works.")
        + ex("wait", "f", "experiential", 1, 3, touchpoint="wait", quote="An hour.")
        + ex("help", "a", "functional", 2, 0)
        + ex("claim", "b", "experiential", 2, 4, touchpoint="claim", responsible="f", quote="Bounced."),
        respondents=[Respondent(id="r", weights={"functional": 3, "experiential": 1}, thresholds={"experiential": 4})],
    )


def test_net_value_by_hand(story: Model) -> None:
    nv = net_value(goal_graph(story, "g", respondent="r"), context_of(story, "r"))
    # weights 0.75 / 0.25; firm: +3 functional, -2 experiential -> 2.25 - 0.5
    assert nv.actors["f"].weighted == pytest.approx(1.75)
    assert nv.actors["a"].weighted == pytest.approx(1.5)
    assert nv.actors["b"].weighted == pytest.approx(-0.5)
    assert (nv.focal_rank, nv.actors["a"].rank, nv.actors["b"].rank) == (1, 2, 3)
    # weighted gets: firm 0.75*4 + 0.25*1 = 3.25, provider 1.5, insurer 0.5
    assert nv.focal_share == pytest.approx(3.25 / 5.25)
    assert nv.total["experiential"] == pytest.approx(-4.0)


def test_weights_normalise_missing_is_zero_and_none_is_equal() -> None:
    assert normalise_weights({"functional": 1, "symbolic": 3}, DIMS) == {
        "functional": 0.25,
        "economic": 0.0,
        "experiential": 0.0,
        "symbolic": 0.75,
    }
    assert set(normalise_weights({}, DIMS).values()) == {0.25}


def test_destruction_direct_and_indirect_by_hand(story: Model) -> None:
    de = value_destruction(goal_graph(story, "g", respondent="r"), context_of(story, "r"))
    got = [(i.kind, i.actor, i.touchpoint, i.dimension, i.weighted, i.quotes) for i in de.items]
    # both lose 2 experiential, weighted 0.25 * 2; the treatment (gets 4, gives 1) is not destruction
    assert got == [
        ("direct", "f", "wait", "experiential", 0.5, ("An hour.",)),
        ("indirect", "b", "claim", "experiential", 0.5, ("Bounced.",)),
    ]
    assert (de.direct_weighted, de.indirect_weighted, de.total_weighted) == (0.5, 0.5, 1.0)
    assert [t.touchpoint for t in de.touchpoints if t.destroys] == ["wait", "claim"]


def test_deal_breaker_counts_indirect_give_ups_and_is_flagged_though_net_is_positive(story: Model) -> None:
    found = deal_breakers(goal_graph(story, "g", respondent="r"), context_of(story, "r"))
    # experiential give-ups laid at the firm: 3 at the wait + 4 at the insurer's claim = 7 > 4
    assert [(b.level, b.actor, b.dimension, b.given_up, b.excess, b.direct, b.indirect) for b in found] == [
        ("total", "f", "experiential", 7.0, 3.0, 3.0, 4.0)
    ]
    assert found[0].net_positive and found[0].weighted_net == pytest.approx(1.75)
    # 4 at the claim alone equals the threshold: not past it, so no touchpoint-level breaker


def test_touchpoint_level_deal_breaker() -> None:
    m = build(
        ex("wait", "f", "experiential", 0, 3, touchpoint="wait"),
        respondents=[Respondent(id="r", thresholds={"experiential": 2.5})],
    )
    found = deal_breakers(goal_graph(m, "g", respondent="r"), context_of(m, "r"))
    assert [(b.level, b.touchpoint, b.excess) for b in found] == [("total", None, 0.5), ("touchpoint", "wait", 0.5)]


def dependency_model(extra: list[Flow] | None = None) -> Model:
    flows = ex("care", "f", "functional", 5, None) + ex("own", "b", "functional", 1, None)
    flows.append(Flow(id="feed", goal="g", source="b", target="f", dimension="functional", magnitude=3))
    return build(flows + (extra or []))


def test_dependency_by_hand() -> None:
    m = dependency_model()
    dep = dependency(goal_graph(m, "g", respondent="r"))
    fn = dep.dimensions["functional"]
    # all actors feed the customer: 5 (firm) + 1 (insurer) = 6; without the firm only 1 -> 5 at risk.
    # The insurer alone reaches the customer with 1 + min(3, 5) = 4, without the firm 1 -> 3 relayed.
    assert (fn.total_gets, fn.at_risk, fn.relayed, dict(fn.relayed_from)) == (6.0, 5.0, 3.0, {"b": 3.0})
    assert fn.share == pytest.approx(5 / 6)
    assert [(s.actor, s.coverage) for s in fn.substitutes] == [("b", pytest.approx(0.2))]
    assert dep.at_risk_weighted == pytest.approx(0.25 * 5)


def test_loops_and_importance_by_hand() -> None:
    flows = [
        Flow(id="1", goal="g", source="f", target="c", dimension="functional", magnitude=5),
        Flow(id="2", goal="g", source="c", target="f", dimension="economic", magnitude=2.5, money=40),
        Flow(id="3", goal="g", source="f", target="b", dimension="functional", magnitude=2),
        Flow(id="4", goal="g", source="b", target="c", dimension="economic", magnitude=5),
        Flow(id="5", goal="g", source="f", target="c", dimension="symbolic", magnitude=2.5),
        Flow(id="6", goal="g", source="c", target="b", dimension="economic", magnitude=1),
    ]
    lp = value_loops(goal_graph(build(flows), "g"))
    # The customer's flows score by money only: 2 pays 40, the one amount, so 1.0; 6 is a give-up and never scores.
    # f->c->f: (1 + 0.5) * 1.0 = 1.5 over two loops; f->b->c->f: 0.4 * 1 * 1.0 = 0.4
    assert lp.loop_count == 3
    assert lp.total_value == pytest.approx(1.9)
    assert lp.importance["f"] == pytest.approx(1.0)
    assert lp.importance["c"] == pytest.approx(1.0)
    assert lp.importance["b"] == pytest.approx(0.4 / 1.9)
    assert "a" not in lp.importance  # no flows, not in the network
    assert lp.top[0].actors == ("f", "c") and lp.top[0].best_flows == ("1", "2")


def test_economic_sheets_by_hand() -> None:
    actors = [
        Actor(id="c", name="C", kind="customer", segment_size=100),
        Actor(id="f", name="F", kind="focal_firm", fixed_expenses=500),
        Actor(id="a", name="Supplier", kind="provider"),
    ]
    flows = [
        Flow(id="pay", goal="g", source="c", target="f", dimension="economic", money=10, occurrences=2),
        Flow(id="care", goal="g", source="f", target="c", dimension="functional", magnitude=4),
        Flow(id="buy", goal="g", source="f", target="a", dimension="economic", money=300),
        Flow(id="parts", goal="g", source="a", target="f", dimension="functional", magnitude=3),
    ]
    eco = economic_sheets(goal_graph(build(flows, actors), "g"), "EUR")
    c, f, a = eco.sheets["c"], eco.sheets["f"], eco.sheets["a"]
    # 100 customers each pay 10 twice: 2,000 reach the one firm
    assert (c.net_per_member, c.net_segment) == (-20.0, -2000.0)
    assert (f.received_per_member, f.given_per_member, f.net_segment) == (2000.0, 300.0, 1200.0)
    assert a.net_segment == 300.0
    assert eco.consistent and eco.issues == ()


def test_economic_flags_inconsistent_and_unviable_models() -> None:
    actors = [Actor(id="c", name="C", kind="customer"), Actor(id="f", name="F", kind="focal_firm", fixed_expenses=5000)]
    flows = [Flow(id="pay", goal="g", source="c", target="f", dimension="economic", money=-10)]
    eco = economic_sheets(goal_graph(build(flows, actors), "g"))
    assert not eco.consistent
    assert [(i.kind, i.where) for i in eco.issues] == [
        ("inconsistent", "flow pay"),
        ("inconsistent", "flow pay"),
        ("not viable", "actor f"),
    ]
    assert "negative valuation (-10)" in eco.issues[0].message
    assert "gets nothing back from f" in eco.issues[1].message


def test_metrics_of_a_star_by_hand() -> None:
    flows = ex("1", "f", "functional", 2, 1) + ex("2", "a", "functional", 1, 1) + ex("3", "b", "economic", 1, 1)
    mx = network_metrics(goal_graph(build(flows), "g"))
    c, f = mx.actors["c"], mx.actors["f"]
    assert (c.degree, c.betweenness, c.closeness, c.reach) == (3, 1.0, 1.0, 1.0)
    assert (f.degree, f.betweenness, f.reach) == (1, 0.0, 1.0)
    assert f.closeness == pytest.approx(3 / 5)  # distances 1, 2, 2
    assert (c.weighted_degree, f.weighted_degree) == (7.0, 3.0)


def test_underserved_dimension_and_brokerage() -> None:
    m = build(
        ex("1", "f", "functional", 4, 0) + ex("2", "a", "experiential", 1, 0) + ex("3", "b", "symbolic", 1, 0),
        respondents=[Respondent(id="r", weights={"functional": 1, "experiential": 2, "symbolic": 1})],
    )
    g = goal_graph(m, "g", respondent="r")
    gaps = {d.dimension: d for d in underserved(g, context_of(m, "r"))}
    # experiential: weight 0.5 >= 1/4, best net 1 < 2.5 -> gap 1.5, score 0.75
    assert gaps["experiential"].opportunity and gaps["experiential"].score == pytest.approx(0.75)
    # symbolic: weight 0.25 is an equal share, best net 1 -> score 0.25 * 1.5; functional is served (4 >= 2.5)
    assert gaps["symbolic"].opportunity and gaps["symbolic"].score == pytest.approx(0.375)
    assert not gaps["functional"].opportunity and not gaps["economic"].matters
    assert [d.dimension for d in underserved(g, context_of(m, "r"))][:2] == ["experiential", "symbolic"]
    # everyone deals with the customer only: the provider and the insurer are the one pair not tied
    (pair,) = brokerage(g)
    assert (pair.a, pair.b, pair.held) == ("a", "b", False)
    # Burt: before, one contact -> constraint 1. Tied to a and b too (one flow each) the firm's shares are
    # c 2/4, a 1/4, b 1/4, and a and b reach the customer anyway: (1/2 + 2 * 1/4 * 2/3)^2 + 2 * (1/4 + 1/2 * 1/3)^2
    # = 25/36 + 2 * 25/144 = 25/24, so this brokerage would not lower the firm's constraint.
    assert pair.constraint_after == pytest.approx(25 / 24)
    assert pair.constraint_drop == pytest.approx(-1 / 24)


def test_segment_summary_by_hand() -> None:
    stats = summarise(["x", "y"], np.array([[1.0, 1.0], [2.0, np.nan], [3.0, 3.0], [4.0, np.nan]]))
    x, y = stats["x"], stats["y"]
    assert (x.n, x.mean, x.median) == (4, 2.5, 2.5)
    assert x.sd == pytest.approx(math.sqrt(5 / 3))
    assert 1.0 <= x.ci_low < 2.5 < x.ci_high <= 4.0
    assert (y.n, y.mean, y.median) == (2, 2.0, 2.0)


def test_nps_the_standard_way() -> None:
    scores = [10, 9, 8, 7, 6, 0, 10, 10, 3]
    nps = {s.segment: s for s in net_promoter(scores, ["a"] * 6 + ["b"] * 3)}
    assert (nps["a"].promoters, nps["a"].passives, nps["a"].detractors, nps["a"].nps) == (2, 2, 2, 0.0)
    assert nps["b"].nps == pytest.approx(100 / 3)
    assert nps["(all)"].nps == pytest.approx(100 * (4 - 3) / 9)


def test_spearman_and_small_n_warning() -> None:
    x = np.arange(1.0, 6.0)
    assert spearman(x, 2 * x)[0] == pytest.approx(1.0)
    assert spearman(x, -(x**3))[0] == pytest.approx(-1.0)
    (d,) = drivers(["k"], x[:, None], "nps", list(2 * x), [None] * 5, {"actors": ["k"]})
    assert not d.conclusive and "only 5 respondents" in d.note


def test_model_effect_by_hand() -> None:
    x = np.arange(1.0, 41.0)
    (d,) = drivers(["k"], x[:, None], "nps", list(2 * x), [None] * 40, {"actors": ["k"]})
    # least squares of y = 2x: 2 points per unit of x, 2 * sd(x) per standard deviation, not shrunk
    assert d.effect == pytest.approx(2.0) and d.effect_per_sd == pytest.approx(2 * x.std())
    assert d.rho == pytest.approx(1.0) and d.conclusive


def test_churn_driver_has_the_right_sign() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=200)
    churn = list((x + rng.normal(scale=0.5, size=200) > 0).astype(float))
    (d,) = drivers(["k"], x[:, None], "churn", churn, [None] * 200, {"actors": ["k"]})
    assert d.effect is not None and d.effect_low is not None and d.effect_low > 0 and d.conclusive


def test_scenarios_by_hand() -> None:
    m = tiny_model()
    ctx = context_of(m, "r1")
    changes, breaks = compare_networks(
        goal_graph(m, "healthy", "current", "r1"), goal_graph(m, "healthy", "future", "r1"), ctx, "r1"
    )
    weighted = {c.actor: c.change for c in changes if c.dimension == "weighted"}
    # current clinic: 0.5 * 4 (care) + 0.3 * -1 (wait) = 1.7; future: booking gets 1, gives 1 -> 0
    assert weighted["clinic"] == pytest.approx(-1.7)
    # current: 1 (wait) + 2 (claim, clinic responsible) = 3 > 2 experiential; future: 1
    assert [(b.actor, b.dimension, b.status) for b in breaks] == [("clinic", "experiential", "gone")]


def test_context_without_respondent_is_equal_weights() -> None:
    assert context_of(tiny_model(), None) == Context(dict.fromkeys(DIMS, 0.25), {})


def test_large_samples_use_the_normal_limit_of_the_bootstrap() -> None:
    rng = np.random.default_rng(5)
    x = rng.exponential(size=(6000, 1))
    lo, hi = mean_interval(x)
    boots = bootstrap_means(x)[:, 0]
    b_lo, b_hi = np.percentile(boots, [2.5, 97.5])
    half = hi[0] - x.mean()
    assert half == pytest.approx(1.959963984540054 * x.std(ddof=1) / math.sqrt(6000))
    assert abs(lo[0] - b_lo) < 0.15 * half and abs(hi[0] - b_hi) < 0.15 * half


def test_mean_flows_give_the_mean_network_answers() -> None:
    m = tiny_model()
    g = restrict(goal_graph(m, "healthy"), ["r1", "r2"])
    mean = net_value(mean_network(g, 2))
    compact = goal_graph(m, "healthy").copy()
    compact.remove_edges_from(list(compact.edges(keys=True)))
    for f in mean_flows(FlowTable.from_model(m, "healthy"), goal="healthy"):
        compact.add_edge(f.source, f.target, key=f.id, **f.model_dump())
    other = net_value(compact)
    for a in mean.actors:
        assert other.actors[a].net == pytest.approx(mean.actors[a].net)
    assert value_destruction(compact).total_weighted == pytest.approx(
        value_destruction(mean_network(g, 2)).total_weighted
    )
