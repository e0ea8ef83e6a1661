"""Scenario inheritance: a `based_on` scenario holds its base's flows, less removals and changes, plus its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from valuenet.errors import ModelError
from valuenet.formats.modelfile import model_to_dict, model_to_json, model_to_yaml, parse_model, read_model_file
from valuenet.graph import SCENARIO, flows_of, goal_graph
from valuenet.models import (
    Actor,
    Flow,
    Goal,
    Model,
    Removal,
    Respondent,
    Scenario,
    check_model,
    flow_key,
    scenario_chain,
    scenario_flows,
)
from valuenet.store.neo4j_graph import goal_props, scenario_rows
from valuenet.store.sqlite import SQLiteStore
from valuenet.views.data import ViewSpec, build_view

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

ACTORS = [
    Actor(id="patient", name="Patient", kind="customer"),
    Actor(id="clinic", name="Clinic", kind="focal_firm"),
    Actor(id="insurer", name="Insurer", kind="institution"),
    Actor(id="gp", name="GP", kind="provider"),
]


def flow(fid: str, source: str, target: str, dimension: str, magnitude: float, **kw: object) -> Flow:
    return Flow.model_validate(
        {"id": fid, "goal": "g", "source": source, "target": target, "dimension": dimension, "magnitude": magnitude}
        | kw
    )


def hand_model() -> Model:
    """A base with three flows; ``future`` changes one, removes the GP (one flow) and adds one."""
    return Model(
        id="hand",
        actors=ACTORS,
        goals=[
            Goal(
                id="g",
                title="Recover",
                customer="patient",
                scenarios=[
                    Scenario(id="current"),
                    Scenario(id="future", based_on="current", removes=[Removal(actor="gp")]),
                ],
            )
        ],
        respondents=[Respondent(id="r1"), Respondent(id="r2")],
        flows=[
            flow("c-treat", "clinic", "patient", "functional", 4, respondent="r1", touchpoint="treatment-room"),
            flow("c-wait", "patient", "clinic", "experiential", 3, respondent="r1", touchpoint="waiting-room"),
            flow("c-gp", "gp", "patient", "functional", 2, respondent="r1", touchpoint="gp-consultation"),
            flow(
                "f-wait",
                "patient",
                "clinic",
                "experiential",
                1,
                respondent="r1",
                touchpoint="waiting-room",
                scenario="future",
            ),
            flow("f-claims", "clinic", "insurer", "functional", 3, touchpoint="claim", scenario="future"),
        ],
    )


def rows(flows: list[Flow]) -> list[tuple[str, str, str, str, str, float | None]]:
    return [(f.id, f.scenario, f.source, f.target, f.dimension, f.magnitude) for f in flows]


# -- worked by hand ---------------------------------------------------------------------------------


def test_hand_worked_change_remove_add() -> None:
    m = hand_model()
    assert check_model(m) == []
    assert rows(scenario_flows(m, "g", "future")) == [
        ("c-treat", "future", "clinic", "patient", "functional", 4.0),  # inherited, unchanged
        ("f-wait", "future", "patient", "clinic", "experiential", 1.0),  # changes c-wait (same key)
        ("f-claims", "future", "clinic", "insurer", "functional", 3.0),  # added
    ]  # c-gp is gone: the GP leaves the network
    assert rows(scenario_flows(m, "g", "current")) == [
        ("c-treat", "current", "clinic", "patient", "functional", 4.0),
        ("c-wait", "current", "patient", "clinic", "experiential", 3.0),
        ("c-gp", "current", "gp", "patient", "functional", 2.0),
    ]
    # resolving copies; the model's own flows keep their scenario
    assert [f.scenario for f in m.flows[:3]] == ["current"] * 3


def test_the_graph_of_a_derived_scenario_holds_its_inherited_flows() -> None:
    g = goal_graph(hand_model(), "g", "future")
    assert sorted(k for _, _, k in g.edges(keys=True)) == ["c-treat", "f-claims", "f-wait"]
    assert {d[SCENARIO] for _, _, d in g.edges(data=True)} == {"future"}
    assert "gp" not in g.nodes
    # a respondent's network: their inherited and changed flows plus the structural ones
    assert [f.id for f in flows_of(hand_model(), "g", "future", "r1")] == ["c-treat", "f-wait", "f-claims"]
    assert [f.id for f in flows_of(hand_model(), "g", "future", "r1", structural=False)] == ["c-treat", "f-wait"]


def test_own_flows_are_never_removed_by_own_removes() -> None:
    m = hand_model()
    m.flows.append(flow("f-gp", "gp", "patient", "symbolic", 1, respondent="r1", scenario="future"))
    assert [f.id for f in scenario_flows(m, "g", "future")] == ["c-treat", "f-wait", "f-claims", "f-gp"]


def test_none_counts_as_a_value_in_the_key() -> None:
    m = hand_model()
    m.goals[0].scenarios[1].removes = []
    # no touchpoint: does not change c-treat (touchpoint treatment-room); structural: does not change r1's flow
    m.flows.append(flow("f-treat-any", "clinic", "patient", "functional", 5, respondent="r1", scenario="future"))
    m.flows.append(
        flow("f-treat-s", "clinic", "patient", "functional", 5, touchpoint="treatment-room", scenario="future")
    )
    ids = [f.id for f in scenario_flows(m, "g", "future")]
    assert ids == ["c-treat", "c-gp", "f-wait", "f-claims", "f-treat-any", "f-treat-s"]


def test_a_chain_inherits_through_every_level_in_base_order() -> None:
    m = hand_model()
    m.goals[0].scenarios.append(
        Scenario(id="later", based_on="future", removes=[Removal(touchpoint="claim", structural=True)])
    )
    m.flows.append(flow("l-new", "insurer", "patient", "economic", 2, respondent="r2", scenario="later"))
    assert scenario_chain(m.goals[0], "later") == ["current", "future", "later"]
    assert rows(scenario_flows(m, "g", "later")) == [
        ("c-treat", "later", "clinic", "patient", "functional", 4.0),
        ("f-wait", "later", "patient", "clinic", "experiential", 1.0),
        ("l-new", "later", "insurer", "patient", "economic", 2.0),
    ]
    assert check_model(m) == []


@pytest.mark.parametrize(
    ("removal", "hit"),
    [
        (Removal(actor="gp"), True),
        (Removal(actor="insurer"), False),
        (Removal(source="gp", target="patient"), True),
        (Removal(source="gp", target="clinic"), False),  # every stated field must match
        (Removal(dimension="functional", touchpoint="gp-consultation", stage=None), True),
        (Removal(stage="referral"), False),  # the flow has no stage
        (Removal(respondent="r1"), True),
        (Removal(respondent="r2"), False),
        (Removal(structural=False), True),
        (Removal(structural=True), False),
        (Removal(), False),  # states nothing: removes nothing
    ],
)
def test_a_removal_matches_when_every_stated_field_matches(removal: Removal, hit: bool) -> None:
    assert removal.matches("gp", "patient", "functional", "gp-consultation", None, "r1") is hit


# -- model errors -----------------------------------------------------------------------------------


def errors(m: Model) -> list[str]:
    return [str(p) for p in check_model(m, "m.yaml")]


def test_a_based_on_cycle_is_a_model_error() -> None:
    m = hand_model()
    m.goals[0].scenarios = [
        Scenario(id="current"),
        Scenario(id="a", based_on="b"),
        Scenario(id="b", based_on="a"),
        Scenario(id="c", based_on="a"),
    ]
    m.flows = [f for f in m.flows if f.scenario == "current"]
    assert errors(m) == [
        'm.yaml goals[0] ("g").scenarios[1] ("a").based_on: scenario "a" is based on itself through a -> b -> a. '
        "Base it on a scenario that does not lead back to it, or remove based_on.",
        'm.yaml goals[0] ("g").scenarios[2] ("b").based_on: scenario "b" is based on itself through b -> a -> b. '
        "Base it on a scenario that does not lead back to it, or remove based_on.",
    ]
    with pytest.raises(ModelError) as info:
        scenario_flows(m, "g", "c")
    assert str(info.value) == "goal 'g': the based_on chain of scenario 'c' goes round in a circle (c -> a -> b -> a)."


def test_a_scenario_based_on_itself_is_a_model_error() -> None:
    m = hand_model()
    m.goals[0].scenarios[1].based_on = "future"
    assert errors(m) == [
        'm.yaml goals[0] ("g").scenarios[1] ("future").based_on: scenario "future" is based on itself. '
        "Base it on a scenario that does not lead back to it, or remove based_on.",
    ]
    with pytest.raises(ModelError, match=r"\(future -> future\)"):
        scenario_chain(m.goals[0], "future")


def test_removal_errors_name_the_entry_and_the_fix() -> None:
    m = hand_model()
    m.goals[0].scenarios[1].removes = [
        Removal(),
        Removal(actor="dentist"),
        Removal(source="gp", target="hospital", dimension="karma", respondent="r9"),
    ]
    at = 'm.yaml goals[0] ("g").scenarios[1] ("future").removes'
    assert errors(m) == [
        f"{at}[0]: states nothing to remove. Name the flows it removes by actor, source, target, dimension, "
        "touchpoint, stage, respondent or structural.",
        f'{at}[1].actor: actor "dentist" is not defined. Add it under actors or fix the id.',
        f'{at}[2].target: actor "hospital" is not defined. Add it under actors or fix the id.',
        f'{at}[2].dimension: "karma" is not a dimension (functional, economic, experiential, symbolic). '
        "Fix the name or declare a custom dimension under dimensions.",
        f'{at}[2].respondent: respondent "r9" is not defined. Add them under respondents or fix the id.',
    ]


def test_removes_without_based_on_is_a_model_error() -> None:
    m = hand_model()
    m.goals[0].scenarios[1].based_on = None
    assert errors(m) == [
        'm.yaml goals[0] ("g").scenarios[1] ("future").removes: scenario "future" removes flows but is not based '
        "on another scenario, so it inherits none. Add based_on, or drop removes."
    ]


def test_an_unknown_key_in_a_removal_is_reported_by_the_model_file_reader() -> None:
    data = model_to_dict(hand_model())
    data["goals"][0]["scenarios"][1]["removes"] = [{"actr": "gp"}]
    with pytest.raises(ModelError) as info:
        parse_model(data, "m.yaml")
    assert str(info.value) == (
        "m.yaml goals[0].scenarios[1].removes[0].actr: Extra inputs are not permitted (got 'gp'). "
        "Remove the key or fix its spelling."
    )


# -- model files, stores and exports ----------------------------------------------------------------


def test_removes_round_trip_through_model_files_and_stores(tmp_path: Path) -> None:
    m = hand_model()
    m.goals[0].scenarios[1].removes.append(Removal(source="insurer", touchpoint="claim", structural=False))
    text = model_to_yaml(m)
    assert "removes:\n" in text and "structural: false" in text
    assert parse_model(yaml.safe_load(text)) == m
    assert parse_model(json.loads(model_to_json(m))) == m
    store = SQLiteStore(tmp_path / "s.db")
    store.write_model(m)
    assert store.read_model().goals == m.goals
    # Neo4j: the goal's doc keeps them, and the Scenario node gets them as a JSON property
    assert Goal.model_validate_json(goal_props(m.id, m.goals[0])["doc"]) == m.goals[0]
    removes = [sc.get("removes") for sc in scenario_rows(m.id, m.goals[0])]
    assert removes[0] is None
    assert [Removal.model_validate(r) for r in json.loads(removes[1])] == m.goals[0].scenarios[1].removes


def test_a_model_file_scenario_lists_only_its_changes() -> None:
    text = """
valuenet: 1
id: mini
actors:
  - {id: patient, name: Patient, kind: customer}
  - {id: clinic, name: Clinic, kind: focal_firm}
  - {id: insurer, name: Insurer, kind: institution}
goals:
  - id: g
    title: G
    scenarios:
      - {id: current}
      - id: future
        based_on: current
        removes: [{actor: insurer}]
respondents: [{id: r1}, {id: r2}]
exchanges:
  - {respondent: r1, goal: g, actor: clinic, dimension: experiential, gets: 1, gives: 3, touchpoint: desk}
  - {respondent: r1, goal: g, actor: insurer, dimension: economic, gets: 2, gives: 1}
  - {respondent: r2, goal: g, actor: clinic, dimension: experiential, gets: 2, gives: 2, touchpoint: desk}
  - {respondent: r1, goal: g, scenario: future, actor: clinic, dimension: experiential, gets: 3, gives: 1,
     touchpoint: desk}
"""
    m = parse_model(yaml.safe_load(text), "mini.yaml")
    resolved = [(f.respondent, f.source, f.target, f.magnitude) for f in scenario_flows(m, "g", "future")]
    assert resolved == [
        ("r2", "clinic", "patient", 2.0),  # r2 was not re-interviewed: inherited
        ("r2", "patient", "clinic", 2.0),
        ("r1", "clinic", "patient", 3.0),  # r1's re-score replaces the current exchange, side by side
        ("r1", "patient", "clinic", 1.0),
    ]
    # the view of the comparison covers both respondents, and r2's edges do not change
    view = build_view(m, ViewSpec(goal="g", compare="future", segment=None))
    assert "2 respondents in both scenarios" in view.subtitle
    insurer = [e for e in view.edges if "insurer" in (e.source, e.target)]
    assert {e.presence for e in insurer} == {"gone"}
    # r1 got 2 and gave up 1 with the insurer: losing what they got is worse, no longer giving is better
    assert {(e.source, e.change) for e in insurer} == {("insurer", "worse"), ("patient", "better")}


def test_the_health_example_future_a_inherits_current() -> None:
    m = read_model_file(EXAMPLES / "health" / "model.yaml")
    future = scenario_flows(m, "become-healthy", "future-a")
    own = [f for f in m.flows if f.scenario == "future-a"]
    ids = {f.id for f in future}
    re_interviewed = {f.respondent for f in own if f.respondent}
    assert re_interviewed == {"h02", "h04", "h08", "h09", "h11", "h13", "h15", "h17"}
    # the re-interviewed respondents and the structural network are exactly what future-a states
    assert sorted(f.id for f in future if f.respondent in re_interviewed | {None}) == sorted(f.id for f in own)
    # direct billing: the insurer no longer reimburses the patient; no other current structural flow survives
    assert "cur-reimbursement" not in ids
    assert not any(f.id.startswith("cur-") for f in future)
    # the other twelve keep their current exchanges, including what they get from the insurer at reimbursement
    h01 = [f for f in future if f.respondent == "h01"]
    assert h01 and {f.id for f in h01} == {f.id for f in m.flows if f.respondent == "h01"}
    assert any(f.source == "insurer" and f.touchpoint == "reimbursement" for f in h01)
    assert {f.scenario for f in future} == {"future-a"}


# -- properties -------------------------------------------------------------------------------------

_actor_ids = st.sampled_from([a.id for a in ACTORS])
_dims = st.sampled_from(["functional", "economic"])
_tps = st.none() | st.sampled_from(["desk", "claim"])
_resp = st.none() | st.sampled_from(["r1", "r2"])


@st.composite
def flows_in(draw: st.DrawFn, scenario: str, prefix: str, max_size: int = 8) -> list[Flow]:
    out = []
    for i in range(draw(st.integers(0, max_size))):
        src, dst = draw(st.lists(_actor_ids, min_size=2, max_size=2, unique=True))
        out.append(
            flow(
                f"{prefix}{i}",
                src,
                dst,
                draw(_dims),
                draw(st.integers(0, 5)),
                scenario=scenario,
                touchpoint=draw(_tps),
                respondent=draw(_resp),
            )
        )
    return out


_removals = st.builds(
    Removal,
    actor=st.none() | _actor_ids,
    source=st.none() | _actor_ids,
    dimension=st.none() | _dims,
    touchpoint=_tps,
    respondent=st.none() | st.just("r1"),
    structural=st.none() | st.booleans(),
).filter(lambda r: bool(r.stated()))


def chain_model(flows: list[Flow], removes: list[Removal] | None = None) -> Model:
    """current -> mid -> top; ``removes`` belong to ``top``."""
    scenarios = [
        Scenario(id="current"),
        Scenario(id="mid", based_on="current"),
        Scenario(id="top", based_on="mid", removes=removes or []),
    ]
    return Model(
        id="p",
        actors=ACTORS,
        goals=[Goal(id="g", title="G", customer="patient", scenarios=scenarios)],
        respondents=[Respondent(id="r1"), Respondent(id="r2")],
        flows=flows,
    )


def content(f: Flow) -> str:
    return f.model_copy(update={"id": "", "scenario": ""}).model_dump_json()


@settings(max_examples=80, deadline=None)
@given(base=flows_in("current", "c"), mid=flows_in("mid", "m"))
def test_a_scenario_with_nothing_of_its_own_holds_exactly_its_base(base: list[Flow], mid: list[Flow]) -> None:
    m = chain_model(base + mid)
    top, below = scenario_flows(m, "g", "top"), scenario_flows(m, "g", "mid")
    assert [f.model_copy(update={"scenario": "mid"}) for f in top] == below
    assert {f.scenario for f in top} <= {"top"}


@settings(max_examples=80, deadline=None)
@given(
    base=flows_in("current", "c"),
    own=flows_in("top", "t", max_size=3),
    removes=st.lists(_removals, max_size=3),
    more=_removals,
)
def test_removals_only_ever_shrink(base: list[Flow], own: list[Flow], removes: list[Removal], more: Removal) -> None:
    without = [f.id for f in scenario_flows(chain_model(base + own), "g", "top")]
    kept = [f.id for f in scenario_flows(chain_model(base + own, removes), "g", "top")]
    fewer = [f.id for f in scenario_flows(chain_model(base + own, [*removes, more]), "g", "top")]
    assert set(fewer) <= set(kept) <= set(without)
    assert [i for i in without if i in kept] == kept  # order kept
    by_id = {f.id: f for f in base + own}
    for fid in set(without) - set(kept):
        f = by_id[fid]
        assert f.scenario == "current"  # own flows never go
        assert any(r.matches(f.source, f.target, f.dimension, f.touchpoint, f.stage, f.respondent) for r in removes)
    for fid in kept:
        f = by_id[fid]
        hits = [r.matches(f.source, f.target, f.dimension, f.touchpoint, f.stage, f.respondent) for r in removes]
        assert f.scenario == "top" or not any(hits)


@settings(max_examples=80, deadline=None)
@given(
    base=flows_in("current", "c"),
    picks=st.lists(st.integers(0, 7), max_size=4, unique=True),
    first=st.integers(0, 5),
    last=st.integers(0, 5),
)
def test_changing_a_flow_twice_the_last_change_wins(base: list[Flow], picks: list[int], first: int, last: int) -> None:
    chosen = [base[i] for i in picks if i < len(base)]
    mid = [f.model_copy(update={"id": f"m{i}", "scenario": "mid", "magnitude": first}) for i, f in enumerate(chosen)]
    top = [f.model_copy(update={"id": f"t{i}", "scenario": "top", "magnitude": last}) for i, f in enumerate(chosen)]
    resolved = scenario_flows(chain_model(base + mid + top), "g", "top")
    changed = {flow_key(f) for f in chosen}
    on_changed = [f for f in resolved if flow_key(f) in changed]
    assert sorted(f.id for f in on_changed) == sorted(f.id for f in top)
    assert all(f.magnitude == last for f in on_changed)
    # the rest is the base, untouched
    assert [f.id for f in resolved if flow_key(f) not in changed] == [f.id for f in base if flow_key(f) not in changed]


@settings(max_examples=80, deadline=None)
@given(base=flows_in("current", "c"), mid=flows_in("mid", "m"), removes=st.lists(_removals, max_size=2))
def test_restating_a_resolved_scenario_changes_nothing(
    base: list[Flow], mid: list[Flow], removes: list[Removal]
) -> None:
    m = chain_model(base + mid)
    m.goals[0].scenarios[1].removes = removes
    below = scenario_flows(m, "g", "mid")
    # "top" restates every flow "mid" holds (new ids, same content): the same network, only its own ids
    restated = [f.model_copy(update={"id": f"t{i}", "scenario": "top"}) for i, f in enumerate(below)]
    m.flows += restated
    top = scenario_flows(m, "g", "top")
    assert sorted(content(f) for f in top) == sorted(content(f) for f in below)
    assert [f.id for f in top] == [f.id for f in restated]
