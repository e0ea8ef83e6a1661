"""The economic sheet engine by hand: derived occurrences, valuations and expenses per side, activities,
partnerships, discounting and the issues it flags. Every expected figure is worked out in a comment."""

from __future__ import annotations

import pytest

from valuenet.analysis.economic import INCONSISTENT, NOT_VIABLE, economic_sheets
from valuenet.graph import goal_graph
from valuenet.models import Actor, Flow, Goal, Model, Scenario
from valuenet.models.economics import (
    Activity,
    ActorTerms,
    Economics,
    Ends,
    Need,
    Partnership,
    Sides,
    Step,
    Transfer,
    ValueObject,
)


def rail(economics: Economics, *, trip_occurrences: float = 1.0, ticket: float = 10.0) -> Model:
    """Travellers (1,000 members) buy tickets from rail (a segment of 2); rail pays track access to infra."""
    return Model(
        id="m",
        currency="EUR",
        actors=[
            Actor(id="trav", name="Travellers", kind="customer", segment_size=1000),
            Actor(id="rail", name="Rail", kind="focal_firm", segment_size=2, fixed_expenses=100),
            Actor(id="infra", name="Infra", kind="provider"),
        ],
        goals=[Goal(id="g", title="Travel", scenarios=[Scenario(id="current")])],
        flows=[
            Flow(id="ticket", goal="g", source="trav", target="rail", dimension="economic", money=ticket, exchange="x"),
            Flow(
                id="trip",
                goal="g",
                source="rail",
                target="trav",
                dimension="functional",
                magnitude=3,
                exchange="x",
                occurrences=trip_occurrences,
            ),
            Flow(id="access", goal="g", source="rail", target="infra", dimension="economic", money=1, exchange="y"),
            Flow(id="slot", goal="g", source="infra", target="rail", dimension="functional", magnitude=1, exchange="y"),
        ],
        economics=economics,
    )


def sheets(model: Model):  # type: ignore[no-untyped-def]
    model.check()
    return economic_sheets(goal_graph(model, "g"), model.currency, model.economics)


def test_need_through_or_fork_and_cardinality_sets_how_often_flows_happen() -> None:
    eco = Economics(
        objects=[ValueObject(id="trip-object")],
        transfers=[
            Transfer(
                flow="trip",
                object="trip-object",
                valuation=Sides(giver=2, receiver=15),
                expenses=Sides(giver=3),
            )
        ],
        needs=[
            Need(
                id="commute",
                goal="g",
                actor="trav",
                occurrences=4,
                # shares 3 and 1: 3/4 go by rail, twice each (a return), 1/4 walk
                path=Step(
                    one_of=[
                        Step(id="by-rail", share=3, exchange="x", cardinality=2, then=Step(exchange="y")),
                        Step(id="walk", share=1, end="walked"),
                    ]
                ),
            )
        ],
    )
    eco_result = sheets(rail(eco))
    occ = {(o.kind, o.id): o.occurrences for o in eco_result.occurrences}
    # need: 4 per traveller x 1,000 travellers = 4,000
    assert occ["need", "commute"] == 4000
    # rail branch: 4,000 x 3/4 = 3,000; walk: 1,000
    assert occ["branch", "by-rail"] == 3000 and occ["branch", "walk"] == 1000
    assert occ["end", "walked"] == 1000
    # exchange x: 3,000 x cardinality 2 = 6,000 rides; y follows x as often: 6,000
    assert occ["exchange", "x"] == 6000 and occ["exchange", "y"] == 6000
    r = eco_result.sheets["rail"]
    # in: 6,000 tickets x 10 = 60,000; out: 6,000 trips valued 2 by rail = 12,000, track access 6,000 x 1 = 6,000
    assert r.received == pytest.approx(60000)
    assert r.given == pytest.approx(18000)
    # expenses: 6,000 x 3 = 18,000
    assert r.expenses == pytest.approx(18000)
    # per member of the 2 railways: (60,000 - 18,000 - 18,000) / 2 = 12,000; segment: 24,000 - 100 fixed
    assert r.net_per_member == pytest.approx(12000)
    assert r.net_segment == pytest.approx(23900)
    t = eco_result.sheets["trav"]
    # travellers: trips worth 15 x 6,000 = 90,000 in, tickets 60,000 out: 30 per traveller
    assert t.net_per_member == pytest.approx(30)
    assert eco_result.consistent, eco_result.issues
    assert not [i for i in eco_result.issues if "ambiguous" in i.message]


def test_flows_no_need_reaches_count_each_member_of_the_larger_segment() -> None:
    eco = Economics(transfers=[Transfer(flow="trip", valuation=Sides(receiver=12))])
    r = sheets(rail(eco, trip_occurrences=1))
    # ticket: occurrences 1 x max(1,000, 2) = 1,000 tickets x 10 = 10,000 to the rail segment, 5,000 per railway
    assert r.sheets["rail"].received_per_member == pytest.approx(5000)
    # access: rail (2) and infra (1): 1 x max(2, 1) = 2 payments of 1
    assert r.sheets["infra"].received == pytest.approx(2)
    # a traveller: gets a trip worth 12, pays 10 once
    assert r.sheets["trav"].net_per_member == pytest.approx(2)


def test_activity_and_partnership_sheets() -> None:
    eco = Economics(
        activities=[Activity(id="run", actor="rail", fixed_expenses=40, investment=500)],
        partnerships=[Partnership(id="pact", members=["rail", "infra"], fixed_expenses=5)],
        transfers=[Transfer(flow="ticket", activity=Ends(receiver="run"))],
    )
    r = sheets(rail(eco))
    run = r.sheets["run"]
    # the activity gets the 1,000 tickets: 10,000, per railway 5,000; fixed 40
    assert (run.kind, run.actor, run.received) == ("activity", "rail", pytest.approx(10000))
    assert run.net_segment == pytest.approx(10000 - 40)
    rail_sheet = r.sheets["rail"]
    # the actor's fixed expenses hold its activity's: 100 + 40; investment 500
    assert rail_sheet.fixed_expenses == 140 and rail_sheet.investment == 500
    pact = r.sheets["pact"]
    # the partnership leaves out access (rail -> infra, both members): only the tickets, 10,000
    assert {ln.flow for ln in pact.lines} == {"ticket"}
    assert pact.received == pytest.approx(10000) and pact.given == 0
    # fixed: rail 140 + infra 0 + own 5
    assert pact.fixed_expenses == 145
    assert pact.net_segment == pytest.approx(10000 - 145)


def test_discounted_net_value_and_the_investment_that_is_not_earned_back() -> None:
    eco = Economics(periods=2, rate=0.25, actors=[ActorTerms(id="infra", investment=10)])
    r = sheets(rail(eco))
    infra = r.sheets["infra"]
    # infra earns 2 a period; naive 2 x 2 - 10 = -6; discounted 2/1.25 + 2/1.5625 - 10 = 1.6 + 1.28 - 10 = -7.12
    assert infra.naive == pytest.approx(-6)
    assert infra.discounted == pytest.approx(-7.12)
    assert [p.period for p in infra.cash_flow] == [0, 1, 2]
    assert infra.cash_flow[1].factor == pytest.approx(0.8)
    assert infra.cash_flow[2].discounted_total == pytest.approx(-7.12)
    assert any(i.kind == NOT_VIABLE and i.where == "actor infra" and "investment" in i.message for i in r.issues)


def test_money_valued_differently_and_occurrences_stated_twice_are_inconsistent() -> None:
    eco = Economics(
        objects=[ValueObject(id="cash", money=True)],
        transfers=[
            Transfer(flow="ticket", valuation=Sides(giver=10, receiver=10)),
            Transfer(flow="trip", object="cash", valuation=Sides(giver=1, receiver=3)),
        ],
        needs=[Need(id="n", goal="g", actor="trav", occurrences=1, path=Step(exchange="x"))],
    )
    r = sheets(rail(eco, trip_occurrences=5))
    text = {(i.where, i.kind): i.message for i in r.issues}
    assert "money" in text["flow ticket", INCONSISTENT] and "valuation" in text["flow ticket", INCONSISTENT]
    assert "cash, which is money" in text["flow trip", INCONSISTENT]
    assert "derived count is used" in next(
        i.message for i in r.issues if i.where == "flow trip" and "occurrences" in i.message
    )
    assert not r.consistent


def test_model_checks_name_broken_references() -> None:
    eco = Economics(
        activities=[Activity(id="run", actor="nobody")],
        partnerships=[Partnership(id="rail", members=["rail"])],
        transfers=[Transfer(flow="ghost"), Transfer(flow="ticket", activity=Ends(giver="run"))],
        needs=[Need(id="n", goal="g", actor="trav", occurrences=1, path=Step(one_of=[Step(exchange="nowhere")]))],
    )
    from valuenet.models import check_model

    messages = [str(p) for p in check_model(rail(eco), "m.yaml")]
    joined = "\n".join(messages)
    assert 'economics.activities[0] ("run").actor: actor "nobody" is not defined.' in joined
    assert "is also an actor's id" in joined and "at least two" in joined
    assert 'flow "ghost" is not defined' in joined
    assert 'value activity "run" is performed by "nobody", but the giver of flow "ticket" is "trav"' in joined
    assert 'exchange "nowhere" has no flows in goal "g"' in joined
    assert "a branch of one_of has no share" in joined
    assert all(m.startswith("m.yaml economics.") for m in messages)


def test_a_path_step_has_exactly_one_kind() -> None:
    with pytest.raises(ValueError, match="exactly one of exchange, all, one_of and end"):
        Step(exchange="x", end="done")
    with pytest.raises(ValueError, match="then follows an exchange"):
        Step(all=[Step(end="a")], then=Step(end="b"))
