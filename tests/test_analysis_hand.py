"""Every measure on small networks whose answers are worked out by hand here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import tiny_model
from valuenet.analysis.base import normalise_weights
from valuenet.analysis.dependency import dependency
from valuenet.analysis.economic import economic_sheets
from valuenet.analysis.loops import value_loops
from valuenet.analysis.loyalty import drivers, net_promoter, spearman
from valuenet.analysis.metrics import network_metrics
from valuenet.analysis.opportunities import brokerage, underserved
from valuenet.analysis.report import GoalAnalysis, analyze_goal
from valuenet.analysis.segments import bootstrap_means, mean_interval, summarise
from valuenet.graph import goal_graph
from valuenet.models import Actor, Flow, Goal, Model, Removal, Respondent, Scenario, exchange_flows

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
    kw.setdefault("respondent", "r")
    return exchange_flows(name, goal="g", customer="c", actor=actor, dimension=dim, gets=gets, gives=gives, **kw)


def one(m: Model, respondent: str = "r", **kw: str) -> GoalAnalysis:
    """The analysis of one respondent's network."""
    return analyze_goal(m, "g", respondent=respondent, **kw)  # type: ignore[arg-type]


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
    nv = one(story).net
    assert nv is not None
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
    de = one(story).destruction
    assert de is not None
    got = [(i.kind, i.actor, i.touchpoint, i.dimension, i.weighted, i.quotes) for i in de.items]
    # both lose 2 experiential, weighted 0.25 * 2; the treatment (gets 4, gives 1) is not destruction
    assert got == [
        ("direct", "f", "wait", "experiential", 0.5, ("An hour.",)),
        ("indirect", "b", "claim", "experiential", 0.5, ("Bounced.",)),
    ]
    assert (de.direct_weighted, de.indirect_weighted, de.total_weighted) == (0.5, 0.5, 1.0)
    assert [t.touchpoint for t in de.touchpoints if t.destroys] == ["wait", "claim"]
    assert [(i.respondents, i.share) for i in de.items] == [(1, 1.0), (1, 1.0)]


def test_give_ups_at_different_touchpoints_do_not_add_up_to_a_deal_breaker(story: Model) -> None:
    # experiential give-ups laid at the firm: 3 at the wait and 4 at the insurer's claim, threshold 4.
    # Neither touchpoint alone is past it (4 equals it), so no breach: the sum over touchpoints (7) would
    # only say how finely the interview was coded.
    assert one(story).dealbreakers == ()


def test_deal_breaker_counts_indirect_give_ups_and_is_flagged_though_net_is_positive(story: Model) -> None:
    story.flows = [f.model_copy(update={"magnitude": 5.0}) if f.id == "claim:gives" else f for f in story.flows]
    found = one(story).dealbreakers
    assert found is not None
    # the claim at the insurer, caused by the firm, now gives up 5 > 4 on its own
    assert [
        (b.level, b.actor, b.dimension, b.touchpoint, b.given_up, b.excess, b.direct, b.indirect) for b in found
    ] == [("touchpoint", "f", "experiential", "claim", 5.0, 1.0, 0.0, 5.0)]
    # the firm's weighted net is still positive: 0.75 * 3 - 0.25 * 2 = 1.75; past a threshold that does not help
    assert found[0].net_positive == 1.0 and found[0].weighted_net == pytest.approx(1.75)
    assert found[0].quotes == ("Bounced.",)


def test_touchpoint_level_deal_breaker() -> None:
    m = build(
        ex("wait", "f", "experiential", 0, 3, touchpoint="wait"),
        respondents=[Respondent(id="r", thresholds={"experiential": 2.5})],
    )
    found = one(m).dealbreakers
    assert found is not None
    assert [(b.level, b.touchpoint, b.excess) for b in found] == [("touchpoint", "wait", 0.5)]


def test_a_give_up_with_no_touchpoint_breaches_overall_not_at_a_touchpoint() -> None:
    m = build(
        ex("price", "f", "economic", 0, 2)
        + ex("fees", "f", "economic", 0, 2)
        + ex("desk", "f", "economic", 0, 1, touchpoint="desk"),
        respondents=[Respondent(id="r", thresholds={"economic": 3})],
    )
    a = analyze_goal(m, "g", respondent="r", sections=["dealbreakers", "segments"])
    assert a.dealbreakers is not None and a.segments is not None
    # the two statements without a touchpoint give up 2 + 2 = 4 > 3: an overall breach; the desk's 1 is not
    assert [(b.level, b.touchpoint, b.given_up) for b in a.dealbreakers] == [("overall", None, 4.0)]
    measures = a.segments["(all)"].measures
    assert (measures["firm.breach"].mean, measures["firm.breach_touchpoint"].mean) == (1.0, 0.0)


def test_the_firms_rank_is_among_the_actors_the_respondent_dealt_with() -> None:
    m = build(
        ex("f1", "f", "functional", 2, 0, respondent="r")
        + ex("a1", "a", "functional", 3, 0)
        + exchange_flows(
            "a2", goal="g", customer="c", actor="b", dimension="functional", gets=5, gives=0, respondent="s"
        ),
        respondents=[Respondent(id="r"), Respondent(id="s")],
    )
    # r dealt with the firm and the provider (better): rank 2 of 2; s never met the firm but the insurer: 2 of 2
    assert one(m, "r").net.focal_rank == 2  # type: ignore[union-attr]
    seg = analyze_goal(m, "g", sections=["segments"]).segments
    assert seg is not None and seg["(all)"].measures["firm.rank"].mean == 2.0


def test_segments_show_opposite_experiences_that_the_mean_hides() -> None:
    m = build(
        ex("w", "f", "experiential", 4, 0, touchpoint="desk", respondent="r")
        + exchange_flows(
            "x",
            goal="g",
            customer="c",
            actor="f",
            dimension="experiential",
            gets=0,
            gives=4,
            touchpoint="desk",
            respondent="s",
        ),
        respondents=[Respondent(id="r", segment="one"), Respondent(id="s", segment="one")],
    )
    a = analyze_goal(m, "g", sections=["net", "destruction", "segments"])
    assert a.net is not None and a.destruction is not None and a.segments is not None
    firm = a.net.actors["f"]
    # the mean respondent gets 2 and gives up 2 at the desk: net 0, yet it destroys value for one in two
    assert (firm.net["experiential"], firm.share_destroys, firm.respondents) == (0.0, 0.5, 2)
    (desk,) = a.destruction.touchpoints
    assert (desk.weighted_net, desk.destroys, desk.respondents, desk.share_destroys) == (0.0, False, 2, 0.5)
    assert a.segments["one"].share_destroys_at == {"desk": 0.5}


def test_a_95_interval_is_undefined_for_one_respondent() -> None:
    stats = summarise(["x"], np.array([[2.0]]))
    assert (stats["x"].n, stats["x"].mean, math.isnan(stats["x"].sd)) == (1, 2.0, True)
    assert math.isnan(stats["x"].ci_low) and math.isnan(stats["x"].ci_high)
    assert summarise(["x"], np.array([[2.0]]))["x"].to_dict()["ci_low"] is None


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
    nv = one(m).net
    assert nv is not None
    gaps = {d.dimension: d for d in underserved(nv, 2.5)}
    # experiential: weight 0.5 >= 1/4, best net 1 < 2.5 -> gap 1.5, score 0.75
    assert gaps["experiential"].opportunity and gaps["experiential"].score == pytest.approx(0.75)
    # symbolic: weight 0.25 is an equal share, best net 1 -> score 0.25 * 1.5; functional is served (4 >= 2.5)
    assert gaps["symbolic"].opportunity and gaps["symbolic"].score == pytest.approx(0.375)
    assert not gaps["functional"].opportunity and not gaps["economic"].matters
    assert [d.dimension for d in underserved(nv, 2.5)][:2] == ["experiential", "symbolic"]
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
    # the designed future drops the waiting room and the claim trouble, and re-states the booking
    future = next(s for s in m.goals[0].scenarios if s.id == "future")
    future.removes = [Removal(actor="clinic", touchpoint="waiting-room"), Removal(touchpoint="claim")]
    c = analyze_goal(m, "healthy", respondent="r2", compare="future", sections=["scenarios"]).scenarios
    assert c is not None
    weighted = {x.actor: x.change for x in c.changes if x.dimension == "weighted"}
    # r2 weighs functional 0.2, experiential 0.6. Clinic now: care 3 * 0.2 - wait 3 * 0.6 = -1.2; in the future
    # the care is inherited, the wait removed and the booking nets 0: 0.6, a change of 1.8. The insurer's claim
    # (gets 1, gives 2) is removed: -0.6 -> 0.
    assert weighted == {"clinic": pytest.approx(1.8), "insurer": pytest.approx(0.6)}
    # r2 tolerates 1 experiential: the wait (3) and the claim (2, caused by the clinic) both broke it; gone now
    assert [(b.actor, b.dimension, b.new, b.gone) for b in c.dealbreakers] == [("clinic", "experiential", 0, 1)]


def test_a_future_that_lists_only_its_changes_keeps_everyone_elses_value() -> None:
    m = build(
        ex("care", "f", "functional", 4, 1, touchpoint="visit")
        + ex("help", "a", "functional", 2, 0)
        + ex("wait", "f", "experiential", 0, 3, touchpoint="wait")
        + ex("wait2", "f", "experiential", 1, 1, touchpoint="wait", scenario="future"),
        respondents=[Respondent(id="r", weights={"functional": 1, "experiential": 1})],
    )
    m.goals[0].scenarios.append(Scenario(id="future", based_on="current"))
    c = one(m, compare="future").scenarios
    assert c is not None
    # only the wait changes (gives 3 -> 1, gets 0 -> 1): the firm's experiential net rises by 3; the provider's
    # help is inherited, so it shows no change at all
    assert [(x.actor, x.dimension, x.change) for x in c.changes] == [("f", "weighted", 1.5), ("f", "experiential", 3.0)]


def test_a_model_without_respondents_compares_its_network_and_money() -> None:
    flows = [
        Flow(id="pay", goal="g", source="c", target="f", dimension="economic", money=10),
        Flow(id="care", goal="g", source="f", target="c", dimension="functional", magnitude=3),
        Flow(id="pay2", goal="g", scenario="future", source="c", target="f", dimension="economic", money=12),
    ]
    m = build(flows, respondents=[])
    m.goals[0].scenarios.append(Scenario(id="future", based_on="current"))
    m.respondents = []
    a = analyze_goal(m, "g", compare="future")
    assert a.respondents == 0 and a.net is not None and a.net.actors["f"].net["functional"] == 3.0
    assert a.scenarios is not None
    firm = next(e for e in a.scenarios.economic if e.actor == "f")
    # the future's payment has the inherited one's key (same giver, receiver, dimension, no touchpoint): it
    # changes the price from 10 to 12 rather than adding a second payment
    assert (firm.before_per_member, firm.after_per_member, firm.change_per_member) == (10.0, 12.0, 2.0)


def test_large_samples_use_the_normal_limit_of_the_bootstrap() -> None:
    rng = np.random.default_rng(5)
    x = rng.exponential(size=(6000, 1))
    lo, hi = mean_interval(x)
    boots = bootstrap_means(x)[:, 0]
    b_lo, b_hi = np.percentile(boots, [2.5, 97.5])
    half = hi[0] - x.mean()
    assert half == pytest.approx(1.959963984540054 * x.std(ddof=1) / math.sqrt(6000))
    assert abs(lo[0] - b_lo) < 0.15 * half and abs(hi[0] - b_hi) < 0.15 * half


def test_a_segments_network_is_its_mean_respondents() -> None:
    m = tiny_model()
    a = analyze_goal(m, "healthy", sections=["net", "dependency"])
    assert a.net is not None and a.dependency is not None
    # dependency runs on the mean network: what is at risk there equals the mean of what each respondent gets
    # from the clinic in a dimension where nobody relays value through it
    for d, x in a.dependency.dimensions.items():
        assert x.at_risk == pytest.approx(a.net.actors["clinic"].gets[d]) or x.relayed > 0
