"""Model checks: a good model passes; each rule of the domain names the item and the fix."""

from __future__ import annotations

import pytest

from tests.conftest import tiny_model
from valuenet.errors import ModelError
from valuenet.models import Actor, DimensionDef, Flow, Model, check_model, exchange_flows, stable_id


def problems(model: Model) -> list[str]:
    return [str(p) for p in check_model(model, "m.yaml")]


def test_tiny_model_is_valid() -> None:
    assert problems(tiny_model()) == []


def test_two_focal_firms() -> None:
    m = tiny_model()
    m.actors.append(Actor(id="rival", name="Rival", kind="focal_firm"))
    assert problems(m) == [
        "m.yaml actors: a model needs exactly one actor of kind focal_firm; found 2 (clinic, rival). "
        "Mark the one firm whose view this is as kind: focal_firm and give the others another kind."
    ]


def test_no_focal_firm() -> None:
    m = tiny_model()
    m.actors[1].kind = "provider"
    assert "found none" in problems(m)[0]


def test_dangling_actor_reference() -> None:
    m = tiny_model()
    m.flows[0].source = "clinc"
    assert problems(m) == [
        'm.yaml flows[0] ("r1-care:gets").source: actor "clinc" is not defined. Add it under actors or fix the id.'
    ]


def test_unknown_dimension() -> None:
    m = tiny_model()
    m.flows[2].dimension = "fun"
    assert problems(m) == [
        'm.yaml flows[2] ("r1-wait:gives").dimension: "fun" is not a dimension '
        "(functional, economic, experiential, symbolic). Fix the name or declare a custom dimension under dimensions."
    ]


def test_custom_dimension_is_accepted_once_declared() -> None:
    m = tiny_model()
    m.flows[2].dimension = "environmental"
    m.dimensions = [DimensionDef(id="environmental")]
    assert problems(m) == []


def test_out_of_scale_magnitude() -> None:
    m = tiny_model()
    m.flows[0].magnitude = 7
    assert problems(m) == [
        'm.yaml flows[0] ("r1-care:gets").magnitude: 7 is outside the model scale 0 to 5. '
        "Fix the value or widen the scale."
    ]


def test_duplicate_ids() -> None:
    m = tiny_model()
    m.actors.append(Actor(id="family", name="Family again", kind="peer"))
    assert problems(m) == [
        'm.yaml actors[4] ("family"): duplicate id; actors[3] has the same id. Give each item its own id.'
    ]


@pytest.mark.parametrize(
    ("field", "values", "expected"),
    [
        (
            "weights",
            {"functional": -1, "economic": 1},
            "weights.functional: -1 is out of range; weights must be 0 or more.",
        ),
        ("thresholds", {"economic": 9}, "thresholds.economic: 9 is out of range; thresholds must be 0 to 5."),
        ("weights", {"funky": 1}, 'weights: "funky" is not a dimension'),
        ("weights", {"functional": 0, "economic": 0}, "weights: all weights are 0."),
    ],
)
def test_bad_weights_and_thresholds(field: str, values: dict[str, float], expected: str) -> None:
    m = tiny_model()
    setattr(m.respondents[0], field, values)
    found = problems(m)
    assert len(found) == 1 and expected in found[0], found


def test_unknown_goal_scenario_and_respondent() -> None:
    m = tiny_model()
    m.flows[0].scenario = "future-z"
    m.flows[1].respondent = "r9"
    assert problems(m) == [
        'm.yaml flows[0] ("r1-care:gets").scenario: goal "healthy" has no scenario "future-z". '
        "Add it under the goal's scenarios or fix the id.",
        'm.yaml flows[1] ("r1-care:gives").respondent: respondent "r9" is not defined. '
        "Add them under respondents or fix the id.",
    ]


def test_flow_needs_a_magnitude_or_money() -> None:
    m = tiny_model()
    m.flows.append(Flow(id="empty", goal="healthy", source="clinic", target="patient", dimension="economic"))
    assert problems(m) == [
        'm.yaml flows[19] ("empty"): has neither a magnitude nor a money amount. '
        "Give a perceived magnitude, a money amount, or both."
    ]


def test_check_raises_all_problems_at_once() -> None:
    m = tiny_model()
    m.flows[0].source = "nobody"
    m.flows[1].dimension = "fun"
    with pytest.raises(ModelError) as info:
        m.check()
    assert len(info.value.problems) == 2


def test_interview_language_maps_onto_two_flows_keeping_what_was_said() -> None:
    gets, gives = exchange_flows(
        "x",
        goal="g",
        customer="me",
        actor="clinic",
        dimension="experiential",
        gets=4,
        gives=2,
        respondent="r1",
        touchpoint="desk",
        stage="visit",
        quote="Kind but slow.",
    )
    assert (gets.source, gets.target, gets.magnitude) == ("clinic", "me", 4)
    assert (gives.source, gives.target, gives.magnitude) == ("me", "clinic", 2)
    assert {f.quote for f in (gets, gives)} == {"Kind but slow."}
    assert gets.exchange == gives.exchange == "x"


def test_money_is_kept_apart_from_perceived_magnitude() -> None:
    f = Flow(id="fee", goal="g", source="me", target="clinic", dimension="economic", money=65, occurrences=8)
    assert f.magnitude is None and f.money == 65 and f.occurrences == 8


def test_stable_id_depends_on_content_only() -> None:
    assert stable_id("a", "b") == stable_id("a", "b") != stable_id("a", "c")
