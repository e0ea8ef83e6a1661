"""Every cypher/ file against a real Neo4j holding the bundled examples, checked against the Python analysis.

Where the analysis answers the same question (``analyze_goal``), the Cypher
answer must be the same; two small models are also worked out by hand, and every
file's work (database hits) must grow linearly with the number of respondents.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import pytest

from tests.conftest import Neo4jServer, require_neo4j, tiny_model
from valuenet.analysis.report import GoalAnalysis, analyze_goal
from valuenet.cypher_files import CypherFile, library, run_cypher
from valuenet.formats.modelfile import read_model_file, write_model_file
from valuenet.importers import import_files
from valuenet.models import Flow, Model, Removal, Respondent, Scenario
from valuenet.resources import example_model
from valuenet.store.neo4j import Neo4jStore
from valuenet.synth import write_synthetic

pytestmark = pytest.mark.neo4j
EXAMPLES = ("health", "broadband")
TINY = "test-cypher-tiny"
TINY_PLUS = "test-cypher-tiny-plus"
TINY_FUTURE = "test-cypher-tiny-future"
#: Synthetic studies of these sizes for the linear-shape test (respondents).
SMALL, LARGE = 25, 100


def tiny_plus_model(model_id: str) -> Model:
    """The tiny model plus what the new rules are about: structural give-ups, a give-up with no touchpoint,
    a respondent with no give-up of their own, and a fee the customer pays (money, for the value loops)."""
    m = tiny_model(model_id)
    extra = [
        Flow(
            id="all-wait",
            goal="healthy",
            source="patient",
            target="clinic",
            dimension="experiential",
            magnitude=0.5,
            touchpoint="waiting-room",
            quote="Everyone waits a little.",
        ),
        Flow(
            id="fee",
            goal="healthy",
            source="patient",
            target="clinic",
            dimension="economic",
            magnitude=3,
            money=60.0,
            occurrences=10,
            touchpoint="billing",
        ),
        Flow(
            id="r1-hassle",
            goal="healthy",
            source="patient",
            target="clinic",
            dimension="experiential",
            magnitude=2.5,
            respondent="r1",
            quote="Chasing them for everything.",
        ),
        Flow(
            id="r3-care",
            goal="healthy",
            source="clinic",
            target="patient",
            dimension="functional",
            magnitude=2,
            respondent="r3",
            touchpoint="treatment",
        ),
    ]
    r3 = Respondent(id="r3", segment="old", thresholds={"experiential": 0.4})
    return m.model_copy(update={"respondents": [*m.respondents, r3], "flows": [*m.flows, *extra]})


def tiny_future_model(model_id: str) -> Model:
    """The tiny model with a chain of designed futures: "future" (based on current) drops the family and improves
    r1's care; "future-b" (based on future) spares r2 the waiting room, adds an app for everyone, a give-up of r1's
    in a dimension r1 does not weigh, and a respondent, r3, who was interviewed for it alone."""
    m = tiny_model(model_id)
    scenarios = [
        Scenario(id="current"),
        Scenario(id="future", based_on="current", removes=[Removal(actor="family")]),
        Scenario(id="future-b", based_on="future", removes=[Removal(respondent="r2", touchpoint="waiting-room")]),
    ]
    extra = [
        Flow(  # the same key as r1's current care: it changes it
            id="r1-care-better",
            goal="healthy",
            scenario="future",
            source="clinic",
            target="patient",
            dimension="functional",
            magnitude=5,
            respondent="r1",
            touchpoint="treatment",
        ),
        Flow(
            id="app",
            goal="healthy",
            scenario="future-b",
            source="clinic",
            target="patient",
            dimension="experiential",
            magnitude=0.5,
            touchpoint="app",
        ),
        Flow(  # a give-up in a dimension r1 does not weigh: it costs r1 no value
            id="r1-pride",
            goal="healthy",
            scenario="future-b",
            source="patient",
            target="clinic",
            dimension="symbolic",
            magnitude=1,
            respondent="r1",
            touchpoint="waiting-room",
            quote="Being kept waiting feels like being nobody.",
        ),
        Flow(
            id="r3-care",
            goal="healthy",
            scenario="future-b",
            source="clinic",
            target="patient",
            dimension="functional",
            magnitude=2,
            respondent="r3",
            touchpoint="treatment",
        ),
    ]
    goal = m.goals[0].model_copy(update={"scenarios": scenarios})
    return m.model_copy(
        update={
            "goals": [goal],
            "respondents": [*m.respondents, Respondent(id="r3", segment="old")],
            "flows": [*m.flows, *extra],
        }
    )


@pytest.fixture(scope="module")
def examples() -> dict[str, Model]:
    return {name: read_model_file(example_model(name)) for name in EXAMPLES}


@pytest.fixture(scope="module")
def neo(examples: dict[str, Model], neo4j_server: Neo4jServer) -> Iterator[Neo4jStore]:
    """The server, holding both examples and the tiny model; removes afterwards only the models it added."""
    with pytest.MonkeyPatch.context() as mp:
        uri, _, password = require_neo4j(neo4j_server, mp)
        store = Neo4jStore(uri, password=password)
    before = {m.id for m in store.list_models()}
    for model in [*examples.values(), tiny_model(TINY), tiny_plus_model(TINY_PLUS), tiny_future_model(TINY_FUTURE)]:
        store.write_model(model, replace=True)
    try:
        yield store
    finally:
        for model_id in [*EXAMPLES, TINY, TINY_PLUS, TINY_FUTURE]:
            if model_id not in before:
                store.delete_model(model_id)
        store.close()


@cache
def analysis(
    example: str, segment: str | None = None, compare: str | None = None, scenario: str = "current"
) -> GoalAnalysis:
    """The Python analysis of a bundled example (computed once per scope)."""
    return analyze_goal(read_model_file(example_model(example)), scenario=scenario, segment=segment, compare=compare)


@cache
def respondent_analysis(example: str, respondent: str, scenario: str = "current") -> GoalAnalysis:
    """The Python analysis of one respondent of a bundled example, deal-breakers only."""
    return analyze_goal(
        read_model_file(example_model(example)), respondent=respondent, scenario=scenario, sections=["dealbreakers"]
    )


def chain(model: Model, scenario: str) -> list[str]:
    """The scenario and those it is based on, down the first goal's based_on chain."""
    bases = {s.id: s.based_on for s in model.goals[0].scenarios}
    out = [scenario]
    while (base := bases.get(out[-1])) is not None and base not in out:
        out.append(base)
    return out


def in_scope(model: Model, segment: str | None, scenario: str = "current") -> list[str]:
    """The respondents with flows in the first goal's scenario or one it is based on, of a segment or all."""
    goal, scenarios = model.goals[0].id, chain(model, scenario)
    has = {f.respondent for f in model.flows if f.goal == goal and f.scenario in scenarios}
    return [r.id for r in model.respondents if r.id in has and (segment is None or r.segment == segment)]


def rows(neo: Neo4jStore, name: str, **params: Any) -> list[dict[str, Any]]:
    return run_cypher(neo, name, params).rows


@pytest.mark.parametrize("f", library(), ids=lambda f: f.name)
@pytest.mark.parametrize("example", EXAMPLES)
def test_every_file_runs_with_its_defaults_on_each_example(neo: Neo4jStore, f: CypherFile, example: str) -> None:
    result = run_cypher(neo, f, {"model": example})
    assert result.columns
    if example == "health" or f.name != "scenario-deltas":  # broadband has one scenario only
        assert result.rows, f"{f.name} returned no rows on {example}"


# -- worked by hand on the tiny model (tests/conftest.py) -------------------------------------------


def test_firm_net_value_by_hand(neo: Neo4jStore) -> None:
    got = {r["dimension"]: r for r in rows(neo, "firm-net-value-by-dimension", model=TINY)}
    # Two respondents. Care: r1 gets 4, r2 gets 3 (mean 3.5), gives 0. Waiting: gives 1 and 3 (mean 2).
    # The claims flow carries only money. Mean weights: functional (.5+.2)/2, experiential (.3+.6)/2, economic .2.
    assert [(d, r["gets"], r["gives"], r["net"]) for d, r in got.items()] == [
        ("functional", 3.5, 0.0, 3.5),
        ("economic", 0.0, 0.0, 0.0),
        ("experiential", 0.0, 2.0, -2.0),
        ("symbolic", 0.0, 0.0, 0.0),
    ]
    assert got["functional"]["weight"] == pytest.approx(0.35)
    assert got["experiential"]["weight"] == pytest.approx(0.45)
    # Weighted with each respondent's own weights, then averaged: r1 .5 * 4 - .3 * 1 = 1.7, r2 .2 * 3 - .6 * 3 = -1.2.
    # The mean weights times the mean nets (.35 * 3.5 - .45 * 2 = 0.325) would hide that r2 loses.
    assert got["functional"]["weightedNet"] == pytest.approx((0.5 * 4 + 0.2 * 3) / 2)
    assert got["experiential"]["weightedGives"] == pytest.approx((0.3 * 1 + 0.6 * 3) / 2)
    assert sum(r["weightedNet"] for r in got.values()) == pytest.approx((1.7 - 1.2) / 2)
    assert {r["shareDestroys"] for r in got.values()} == {0.5}
    assert {r["respondents"] for r in got.values()} == {2}


def test_firm_net_value_adds_structural_flows_for_each_respondent_by_hand(neo: Neo4jStore) -> None:
    got = {r["dimension"]: r for r in rows(neo, "firm-net-value-by-dimension", model=TINY_PLUS, segment="old")}
    # r2 and r3. Structural: 0.5 experiential waiting and a fee of 3 (economic) for each. r3 states no weights (1/4
    # each): r2 .2 * 3 - .6 * (3 + .5) - .2 * 3 = -2.1; r3 (2 - .5 - 3) / 4 = -0.375.
    assert [(d, r["gets"], r["gives"]) for d, r in got.items()] == [
        ("functional", 2.5, 0.0),
        ("economic", 0.0, 3.0),
        ("experiential", 0.0, 2.0),
        ("symbolic", 0.0, 0.0),
    ]
    assert got["symbolic"]["weight"] == pytest.approx(0.125)
    assert sum(r["weightedNet"] for r in got.values()) == pytest.approx((-2.1 - 0.375) / 2)
    assert {r["shareDestroys"] for r in got.values()} == {1.0}


def test_value_destroying_touchpoints_by_hand(neo: Neo4jStore) -> None:
    got = rows(neo, "value-destroying-touchpoints", model=TINY_PLUS)
    # Three respondents, each weighing by their own weights (r3: 1/4 each); the structural 0.5 wait and the fee of 3
    # count for each. Waiting room: r1 .3 * 1.5, r2 .6 * 3.5, r3 .25 * .5. Billing (the fee): .2 * 3, .2 * 3, .25 * 3.
    # The insurer's claim desk, the clinic's doing: r1 .3 * (2 - 1), r2 .6 * (2 - 1). r1's hassle, stated with no
    # touchpoint: .3 * 2.5. Care at treatment adds value for all three and is not listed.
    assert [(r["kind"], r["actor"], r["touchpoint"]) for r in got] == [
        ("direct", "clinic", "waiting-room"),
        ("direct", "clinic", "billing"),
        ("indirect", "insurer", "claim"),
        ("direct", "clinic", "(unspecified)"),
    ]
    assert [r["weightedNet"] for r in got] == pytest.approx(
        [-(0.45 + 2.1 + 0.125) / 3, -(0.6 + 0.6 + 0.75) / 3, -(0.3 + 0.6) / 3, -0.75 / 3]
    )
    assert [(r["respondents"], r["shareDestroys"]) for r in got] == [(3, 1.0), (3, 1.0), (2, 1.0), (1, 1.0)]
    wait = got[0]["items"]
    assert [(x["dimension"], x["respondents"], x["share"]) for x in wait] == [("experiential", 3, 1.0)]
    assert (wait[0]["gets"], wait[0]["gives"]) == (0.0, pytest.approx((1.5 + 3.5 + 0.5) / 3))
    assert wait[0]["weighted"] == pytest.approx((0.45 + 2.1 + 0.125) / 3)
    assert got[0]["dimensions"] == ["experiential"]
    assert got[0]["quotes"] == ["An hour in the waiting room.", "Everyone waits a little."]
    # The old respondents alone: r1's hassle is no longer there, and means are over two.
    old = rows(neo, "value-destroying-touchpoints", model=TINY_PLUS, segment="old")
    assert [r["touchpoint"] for r in old] == ["waiting-room", "billing", "claim"]
    assert old[2]["weightedNet"] == pytest.approx(-0.6 / 2)
    assert (old[2]["respondents"], old[2]["items"][0]["share"]) == (1, 0.5)


def test_respondents_past_threshold_by_hand(neo: Neo4jStore) -> None:
    found = [
        (r["level"], r["respondent"], r["actor"], r["dimension"], r["touchpoint"], r["givenUp"], r["threshold"])
        for r in rows(neo, "respondents-past-threshold", model=TINY)
    ]
    # Give-ups are summed per touchpoint, never over all of them. r2 (experiential threshold 1) gives up 3 waiting
    # at the clinic (excess 2) and 2 at the insurer's claim desk, which the clinic is responsible for (excess 1).
    # r1 (threshold 2) gives up 1 in the waiting room and 2 at the claim desk: neither passes 2 (their total, 3,
    # no longer counts).
    assert found == [
        ("touchpoint", "r2", "clinic", "experiential", "waiting-room", 3.0, 1.0),
        ("touchpoint", "r2", "clinic", "experiential", "claim", 2.0, 1.0),
    ]


def test_structural_and_unplaced_give_ups_by_hand(neo: Neo4jStore) -> None:
    got = rows(neo, "respondents-past-threshold", model=TINY_PLUS)
    found = [(r["level"], r["respondent"], r["dimension"], r["touchpoint"], r["givenUp"]) for r in got]
    # The structural 0.5 in the waiting room counts for everyone: r2 gives up 3 + 0.5 there (threshold 1, excess 2.5),
    # r1 1 + 0.5 (threshold 2: no breach), and r3, who gives up nothing themselves, 0.5 (threshold 0.4, excess 0.1).
    # r1's 2.5 stated with no touchpoint is compared alone (level overall, excess 0.5). The structural fee (economic,
    # 3) does not pass r2's economic threshold of 3. Every breach is laid at the clinic's door.
    assert found == [
        ("touchpoint", "r2", "experiential", "waiting-room", 3.5),
        ("touchpoint", "r2", "experiential", "claim", 2.0),
        ("overall", "r1", "experiential", None, 2.5),
        ("touchpoint", "r3", "experiential", "waiting-room", 0.5),
    ]
    assert [r["excess"] for r in got] == pytest.approx([2.5, 1.0, 0.5, 0.1])
    assert {r["actor"] for r in got} == {"clinic"}
    # The words behind a breach, in the order the flows were written: r2's own, then the structural one.
    assert got[0]["quotes"] == ["An hour in the waiting room.", "Everyone waits a little."]
    assert got[2]["quotes"] == ["Chasing them for everything."]
    assert [r["respondent"] for r in rows(neo, "respondents-past-threshold", model=TINY_PLUS, segment="old")] == [
        "r2",
        "r2",
        "r3",
    ]


def test_segment_comparison_by_hand(neo: Neo4jStore) -> None:
    got = {r["segment"]: r for r in rows(neo, "segment-comparison", model=TINY)}
    assert list(got) == ["old", "young", "(all)"]
    # Weighted net value from the clinic: r1 (young) .5 * 4 - .3 * 1 = 1.7; r2 (old) .2 * 3 - .6 * 3 = -1.2.
    # Only r2 breaches (see test_respondents_past_threshold_by_hand): r1's give-ups pass 2 only in total.
    assert (got["young"]["firmNetWeighted"], got["young"]["shareBreach"]) == (pytest.approx(1.7), 0.0)
    assert (got["old"]["firmNetWeighted"], got["old"]["shareBreach"]) == (pytest.approx(-1.2), 1.0)
    assert got["(all)"]["firmNetWeighted"] == pytest.approx(0.25)
    assert got["(all)"]["firmNetSd"] == pytest.approx(2.9 / 2**0.5)
    assert got["(all)"]["shareBreach"] == 0.5
    assert (got["young"]["firmNetSd"], got["(all)"]["meanNps"], got["(all)"]["churnRate"]) == (None, 6.5, 1.0)


def test_segment_comparison_adds_structural_flows_by_hand(neo: Neo4jStore) -> None:
    got = {r["segment"]: r for r in rows(neo, "segment-comparison", model=TINY_PLUS)}
    # The structural flows with the clinic (-0.5 experiential, -3 economic) count for each respondent, with their
    # own weights. r1: .5 * 4 - .3 * (1 + 2.5 + .5) - .2 * 3 = 0.2. r2: .2 * 3 - .6 * (3 + .5) - .2 * 3 = -2.1.
    # r3 states no weights (1/4 each): (2 - .5 - 3) / 4 = -0.375. Everyone breaches: r1 overall, r3 structurally.
    assert got["young"]["firmNetWeighted"] == pytest.approx(0.2)
    assert got["old"]["respondents"] == 2
    assert got["old"]["firmNetWeighted"] == pytest.approx((-2.1 - 0.375) / 2)
    assert got["old"]["firmNetSd"] == pytest.approx(1.725 / 2**0.5)
    assert got["(all)"]["firmNetWeighted"] == pytest.approx((0.2 - 2.1 - 0.375) / 3)
    assert [r["shareBreach"] for r in got.values()] == [1.0, 1.0, 1.0]
    assert got["old"]["meanNps"] == 4.0  # r3 gave no score


def test_loop_importance_by_hand(neo: Neo4jStore) -> None:
    # In the tiny model the patient only gives up value (waiting, hassle) and pays nothing: no flow back to the
    # clinic scores, so there is no value loop at all.
    assert rows(neo, "loop-importance", model=TINY) == []
    got = {r["actor"]: r for r in rows(neo, "loop-importance", model=TINY_PLUS)}
    # With the fee (60 x 10 = 600, the largest money amount: it scores 1; the claims, 65 x 8 = 520, score 520/600),
    # and the mean of three respondents' flows: clinic -> patient 4/3/5 + 3/3/5 + 2/3/5 = 0.6; insurer -> patient
    # (1 + 1)/3/5. Loops: clinic -> patient -> clinic, 0.6 * 1; clinic -> insurer -> patient -> clinic,
    # 520/600 * 2/15 * 1. The waits and the fee's own magnitude, given by the patient, never score.
    direct, via_insurer = 0.6, 520 / 600 * 2 / 15
    assert set(got) == {"clinic", "patient", "insurer"}
    assert (got["clinic"]["importance"], got["patient"]["importance"]) == (1.0, pytest.approx(1.0))
    assert got["insurer"]["importance"] == pytest.approx(via_insurer / (direct + via_insurer))
    assert [got[a]["cycles"] for a in ("clinic", "patient", "insurer")] == [2, 2, 1]


def test_scenario_deltas_by_hand(neo: Neo4jStore) -> None:
    # future-b holds current, less the family (removed by future), with r1's care at 5 (future changes it), less r2's
    # waiting (future-b removes it), plus the app (0.5 experiential for everyone), the online booking (1 for 1) and
    # r1's symbolic give-up of 1. Compared: r1 and r2; r3 has flows in future-b only, so is not in current.
    got = rows(neo, "scenario-deltas", model=TINY_FUTURE, after="future-b")
    assert {r["respondents"] for r in got} == {2}
    found = {(r["actor"], r["dimension"]): (r["before"], r["after"], r["better"], r["worse"]) for r in got}
    assert found == {
        ("clinic", "weighted"): pytest.approx(((1.7 - 1.2) / 2, (0.5 * 5 - 0.3 * 0.5 + 0.2 * 3 + 0.6 * 0.5) / 2, 1, 0)),
        ("clinic", "experiential"): pytest.approx((-2.0, 0.0, 1.0, 0.0)),
        ("family", "symbolic"): pytest.approx((2.0, 0.0, 0.0, 1.0)),
        ("clinic", "functional"): pytest.approx((3.5, 4.0, 0.5, 0.0)),
        ("clinic", "symbolic"): pytest.approx((0.0, -0.5, 0.0, 0.5)),
    }
    # Nobody weighs symbolic value, so neither the family's weighted net changes nor r1's symbolic give-up counts in
    # the clinic's; the insurer's nets do not change at all.
    assert [(r["actor"], r["dimension"]) for r in got] == [
        ("clinic", "weighted"),
        ("clinic", "experiential"),
        ("family", "symbolic"),
        ("clinic", "functional"),
        ("clinic", "symbolic"),
    ]
    assert got[0]["change"] == pytest.approx((0.5 * 1 + 0.3 * 0.5 + 0.6 * 3.5) / 2)
    # From future to future-b: only r2's waiting, the app and r1's give-up change; r3 is still not in the scenario
    # compared from.
    later = {
        (r["actor"], r["dimension"]): r["change"]
        for r in rows(neo, "scenario-deltas", model=TINY_FUTURE, before="future", after="future-b")
    }
    assert later == {
        ("clinic", "weighted"): pytest.approx((0.3 * 0.5 + 0.6 * 3.5) / 2),
        ("clinic", "experiential"): pytest.approx((0.5 + 3.5) / 2),
        ("clinic", "symbolic"): pytest.approx(-0.5),
    }
    # In the tiny model, "future" only adds an exchange that nets 0: nothing changes for anyone.
    assert rows(neo, "scenario-deltas", model=TINY) == []


def test_derived_scenarios_hold_their_inherited_flows_by_hand(neo: Neo4jStore) -> None:
    # In future-b r2 no longer waits (a removal entry) and r3, interviewed for it alone, is one of three respondents.
    # Waiting room: r1 gives up 1 experiential (.3 * 1) and 1 symbolic, which r1 does not weigh: no loss, no item.
    # Claim desk (the clinic's doing, inherited): r1 .3 * (2 - 1), r2 .6 * (2 - 1).
    got = rows(neo, "value-destroying-touchpoints", model=TINY_FUTURE, scenario="future-b")
    assert [(r["touchpoint"], r["respondents"]) for r in got] == [("claim", 2), ("waiting-room", 1)]
    assert [r["weightedNet"] for r in got] == pytest.approx([-0.9 / 3, -0.3 / 3])
    assert [(x["dimension"], x["respondents"], x["share"]) for x in got[1]["items"]] == [("experiential", 1, 1 / 3)]
    assert got[1]["quotes"] == ["An hour in the waiting room.", "Being kept waiting feels like being nobody."]
    # The firm's net value: r1's care at 5 replaces the inherited 4; r3 gets 2. Experiential: the app gives all three
    # 0.5, the online booking r1 and r2 1 for 1; r1 still waits (1).
    net = {r["dimension"]: r for r in rows(neo, "firm-net-value-by-dimension", model=TINY_FUTURE, scenario="future-b")}
    assert {r["respondents"] for r in net.values()} == {3}
    assert (net["functional"]["gets"], net["experiential"]["gets"]) == pytest.approx(((5 + 3 + 2) / 3, 2 / 3 + 0.5))
    assert (net["experiential"]["gives"], net["symbolic"]["gives"]) == pytest.approx(((2 + 1) / 3, 1 / 3))


@pytest.mark.parametrize("scenario", ["current", "future", "future-b"])
def test_derived_scenarios_agree_with_the_analysis(neo: Neo4jStore, scenario: str) -> None:
    a = analyze_goal(tiny_future_model(TINY_FUTURE), scenario=scenario, sections=["net", "destruction"])
    assert a.net is not None and a.destruction is not None
    firm = a.net.actors[a.focal]
    net = rows(neo, "firm-net-value-by-dimension", model=TINY_FUTURE, scenario=scenario)
    assert [(r["dimension"], r["gets"], r["gives"]) for r in net] == [
        (d, pytest.approx(firm.gets[d]), pytest.approx(firm.gives[d])) for d in firm.net
    ]
    assert sum(r["weightedNet"] for r in net) == pytest.approx(firm.weighted)
    got = rows(neo, "value-destroying-touchpoints", model=TINY_FUTURE, scenario=scenario)
    expected = [t for t in a.destruction.touchpoints if t.destroys]
    assert [(r["kind"], r["touchpoint"], r["respondents"], r["weightedNet"]) for r in got] == [
        (t.kind, t.touchpoint, t.respondents, pytest.approx(t.weighted_net)) for t in expected
    ]
    assert [(r["touchpoint"], x["dimension"], x["respondents"]) for r in got for x in r["items"]] == [
        (i.touchpoint, i.dimension, i.respondents)
        for t in expected
        for i in a.destruction.items
        if (i.kind, i.actor, i.touchpoint) == (t.kind, t.actor, t.touchpoint)
    ]


@pytest.mark.parametrize("scenario", ["current", "future", "future-b"])
@pytest.mark.parametrize("segment", [None, "old"])
def test_derived_scenarios_agree_with_the_analysis_in_the_other_files(
    neo: Neo4jStore, scenario: str, segment: str | None
) -> None:
    model = tiny_future_model(TINY_FUTURE)
    a = analyze_goal(model, scenario=scenario, segment=segment)
    assert a.dependency is not None and a.loops is not None
    substitutes = {
        d: [(s.actor, pytest.approx(s.gets), pytest.approx(s.net), pytest.approx(s.coverage)) for s in x.substitutes]
        for d, x in a.dependency.dimensions.items()
        if x.substitutes
    }
    got: dict[str, list[Any]] = {}
    for r in rows(neo, "substitutes-for-the-firm", model=TINY_FUTURE, scenario=scenario, segment=segment):
        got.setdefault(r["dimension"], []).append((r["actor"], r["gets"], r["net"], r["coverage"]))
    assert got == substitutes
    loops = rows(neo, "loop-importance", model=TINY_FUTURE, scenario=scenario, segment=segment)
    assert {r["actor"]: r["importance"] for r in loops} == {
        actor: pytest.approx(v) for actor, v in a.loops.importance.items() if v > 0
    }
    # Deal-breakers: each respondent's own analysis; r3 (future-b alone) and r2 (spared the waiting room) matter.
    breaches = {
        (r, b.level, b.actor, b.dimension, b.touchpoint): (pytest.approx(b.given_up), b.threshold)
        for r in in_scope(model, segment, scenario)
        for b in analyze_goal(model, scenario=scenario, respondent=r, sections=["dealbreakers"]).dealbreakers or ()
    }
    past = rows(neo, "respondents-past-threshold", model=TINY_FUTURE, scenario=scenario, segment=segment)
    assert {
        (r["respondent"], r["level"], r["actor"], r["dimension"], r["touchpoint"]): (r["givenUp"], r["threshold"])
        for r in past
    } == breaches
    if segment is None:
        everyone = analyze_goal(model, scenario=scenario)
        assert everyone.segments is not None
        compared = {r["segment"]: r for r in rows(neo, "segment-comparison", model=TINY_FUTURE, scenario=scenario)}
        assert list(compared) == list(everyone.segments)
        for name, summary in everyone.segments.items():
            stat = summary.measures[f"net.{everyone.focal}.weighted"]
            assert compared[name]["respondents"] == summary.n
            assert compared[name]["firmNetWeighted"] == pytest.approx(stat.mean)
            assert compared[name]["shareBreach"] == pytest.approx(summary.share_breach)


# -- linear in the data ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def studies(neo: Neo4jStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, str]]:
    """Two synthetic studies, of SMALL and LARGE respondents (about 21 flows each), as models of their own."""
    ids: dict[int, str] = {}
    try:
        for n in (SMALL, LARGE):
            folder = tmp_path_factory.mktemp(f"synth-{n}")
            write_synthetic(folder, n)
            ids[n] = f"test-cypher-synth-{n}"
            model = read_model_file(folder / "model.yaml").model_copy(update={"id": ids[n]})
            write_model_file(model, folder / "model.yaml")
            import_files(neo, [folder / "model.yaml", folder / "interviews.csv"], model_id=ids[n], replace=True)
        yield ids
    finally:
        for model_id in ids.values():
            neo.delete_model(model_id)


def db_hits(neo: Neo4jStore, f: CypherFile, params: Mapping[str, Any]) -> int:
    """The database hits of every operator of the file's profiled plan: the work it does, not the time it takes."""

    def total(plan: Mapping[str, Any]) -> int:
        return int(plan.get("dbHits", 0)) + sum(total(child) for child in plan.get("children", []))

    with neo.connection.session() as session:
        result = session.run("PROFILE " + f.statements[-1], {**f.params, **params})
        result.consume()
        summary = result.consume()
    assert summary.profile is not None
    return total(summary.profile)


@pytest.mark.parametrize("f", library(), ids=lambda f: f.name)
def test_each_file_does_work_in_proportion_to_the_respondents(
    neo: Neo4jStore, studies: dict[int, str], f: CypherFile
) -> None:
    # Four times the respondents (and flows) must cost about four times the database hits: a query that scans the
    # flows once per respondent (as segment-comparison and respondents-past-threshold did) costs sixteen times.
    # The synthetic study has one scenario, so scenario-deltas compares it with itself.
    extra: dict[str, Any] = {"after": "current"} if f.name == "scenario-deltas" else {}
    small, large = (db_hits(neo, f, {"model": studies[n], **extra}) for n in (SMALL, LARGE))
    assert small > 0
    assert large / small < 1.25 * LARGE / SMALL, f"{f.name}: {small} hits at {SMALL} respondents, {large} at {LARGE}"


# -- the same answers as the Python analysis -----------------------------------------------------

SCOPES = [("health", None), ("health", "retirees"), ("broadband", None), ("broadband", "families")]
#: The scopes again, and the health example's designed future (based on current, with a removal entry).
SCENARIO_SCOPES = [
    *((example, segment, "current") for example, segment in SCOPES),
    ("health", None, "future-a"),
    ("health", "retirees", "future-a"),
]


@pytest.mark.parametrize(("example", "segment", "scenario"), SCENARIO_SCOPES)
def test_firm_net_value_agrees_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None, scenario: str
) -> None:
    a = analysis(example, segment, scenario=scenario)
    assert a.net is not None
    firm = a.net.actors[a.focal]
    got = rows(neo, "firm-net-value-by-dimension", model=example, segment=segment, scenario=scenario)
    assert [r["dimension"] for r in got] == list(firm.net)
    for r in got:
        assert r["firm"] == a.focal
        assert r["respondents"] == a.respondents
        assert r["gets"] == pytest.approx(firm.gets[r["dimension"]])
        assert r["gives"] == pytest.approx(firm.gives[r["dimension"]])
        assert r["net"] == pytest.approx(firm.net[r["dimension"]])
        assert r["weight"] == pytest.approx(a.context.weight(r["dimension"]))
        assert r["shareDestroys"] == pytest.approx(firm.share_destroys)
    assert sum(r["weightedGets"] for r in got) == pytest.approx(firm.weighted_gets)
    assert sum(r["weightedGives"] for r in got) == pytest.approx(firm.weighted_gives)
    assert sum(r["weightedNet"] for r in got) == pytest.approx(firm.weighted)


@pytest.mark.parametrize(("example", "segment", "scenario"), SCENARIO_SCOPES)
def test_value_destroying_touchpoints_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None, scenario: str
) -> None:
    a = analysis(example, segment, scenario=scenario)
    assert a.destruction is not None
    expected = [t for t in a.destruction.touchpoints if t.destroys]
    got = rows(neo, "value-destroying-touchpoints", model=example, segment=segment, scenario=scenario)
    assert [(r["kind"], r["actor"], r["touchpoint"]) for r in got] == [
        (t.kind, t.actor, t.touchpoint) for t in expected
    ]
    for r, t in zip(got, expected, strict=True):
        assert (r["weightedGets"], r["weightedGives"], r["weightedNet"]) == pytest.approx(
            (t.weighted_gets, t.weighted_gives, t.weighted_net)
        )
        assert (r["respondents"], r["shareDestroys"]) == (t.respondents, pytest.approx(t.share_destroys))
        # The items there: the dimensions it loses value in for at least one respondent, and for how many.
        items = [i for i in a.destruction.items if (i.kind, i.actor, i.touchpoint) == (t.kind, t.actor, t.touchpoint)]
        assert [(x["dimension"], x["respondents"]) for x in r["items"]] == [(i.dimension, i.respondents) for i in items]
        for x, i in zip(r["items"], items, strict=True):
            assert (x["gets"], x["gives"], x["net"], x["weighted"], x["share"]) == pytest.approx(
                (i.gets, i.gives, i.net, i.weighted, i.share)
            )
        assert set(r["dimensions"]) == {i.dimension for i in items}
    assert expected, "the examples plant value destruction; the query should find it"
    assert any(0 < t.share_destroys < 1 for t in expected if t.share_destroys is not None), "opposite experiences"


@pytest.mark.parametrize(("example", "segment", "scenario"), SCENARIO_SCOPES)
def test_deal_breakers_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None, scenario: str
) -> None:
    # The file lists each respondent's breaches; the analysis of one respondent gives theirs (its example quotes
    # are some of the file's).
    expected = {
        (r, b.level, b.actor, b.dimension, b.touchpoint): (pytest.approx(b.given_up), b.threshold, set(b.quotes))
        for r in in_scope(examples[example], segment, scenario)
        for b in respondent_analysis(example, r, scenario).dealbreakers or ()
    }
    got = {
        (r["respondent"], r["level"], r["actor"], r["dimension"], r["touchpoint"]): r
        for r in rows(neo, "respondents-past-threshold", model=example, segment=segment, scenario=scenario)
    }
    assert set(got) == set(expected)
    for key, (given_up, threshold, quotes) in expected.items():
        assert (got[key]["givenUp"], got[key]["threshold"]) == (given_up, threshold)
        assert quotes <= set(got[key]["quotes"])
    assert expected


@pytest.mark.parametrize(("example", "segment", "scenario"), SCENARIO_SCOPES)
def test_substitutes_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None, scenario: str
) -> None:
    a = analysis(example, segment, scenario=scenario)
    assert a.dependency is not None
    expected = {
        d: [(s.actor, pytest.approx(s.gets), pytest.approx(s.net), pytest.approx(s.coverage)) for s in x.substitutes]
        for d, x in a.dependency.dimensions.items()
        if x.substitutes
    }
    got: dict[str, list[Any]] = {}
    for r in rows(neo, "substitutes-for-the-firm", model=example, segment=segment, scenario=scenario):
        got.setdefault(r["dimension"], []).append((r["actor"], r["gets"], r["net"], r["coverage"]))
    assert got == expected


@pytest.mark.parametrize(("example", "segment", "scenario"), SCENARIO_SCOPES)
def test_loop_importance_agrees_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None, scenario: str
) -> None:
    a = analysis(example, segment, scenario=scenario)
    assert a.loops is not None
    expected = {actor: pytest.approx(v) for actor, v in a.loops.importance.items() if v > 0}
    got = {
        r["actor"]: r["importance"]
        for r in rows(neo, "loop-importance", model=example, segment=segment, scenario=scenario)
    }
    assert got == expected
    assert got[a.focal] == 1.0


@pytest.mark.parametrize(("example", "scenario"), [*((e, "current") for e in EXAMPLES), ("health", "future-a")])
def test_segment_comparison_agrees_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, scenario: str
) -> None:
    model = examples[example]
    a = analysis(example, scenario=scenario)
    assert a.segments is not None
    got = {r["segment"]: r for r in rows(neo, "segment-comparison", model=example, scenario=scenario)}
    assert list(got) == list(a.segments)
    for name, summary in a.segments.items():
        stat = summary.measures[f"net.{a.focal}.weighted"]
        r = got[name]
        assert (r["respondents"], r["firm"]) == (summary.n, a.focal)
        assert r["firmNetWeighted"] == pytest.approx(stat.mean)
        assert r["firmNetSd"] == (pytest.approx(stat.sd) if summary.n > 1 else None)
        assert r["shareBreach"] == pytest.approx(summary.share_breach)
        ids = in_scope(model, None if name == "(all)" else name, scenario)
        people = [p for p in model.respondents if p.id in ids]
        nps = [p.nps for p in people if p.nps is not None]
        assert r["meanNps"] == pytest.approx(sum(nps) / len(nps))


def _changes(a: GoalAnalysis) -> list[tuple[Any, ...]]:
    assert a.scenarios is not None
    return [
        (c.actor, c.dimension, pytest.approx((c.before, c.after, c.change, c.better, c.worse), abs=1e-12))
        for c in a.scenarios.changes
    ]


@pytest.mark.parametrize("segment", [None, "retirees", "young-athletes"])
def test_scenario_deltas_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], segment: str | None
) -> None:
    a = analysis("health", segment, compare="future-a")
    assert a.scenarios is not None
    got = rows(neo, "scenario-deltas", segment=segment)
    assert {r["toScenario"] for r in got} == {"future-a"}
    assert {r["respondents"] for r in got} == {a.scenarios.respondents}
    assert [
        (r["actor"], r["dimension"], (r["before"], r["after"], r["change"], r["better"], r["worse"])) for r in got
    ] == (_changes(a))
    # Every respondent's change, summarised over the scope, is the same as the analysis' segment summary.
    changes = a.scenarios.segments[segment or "(all)"].measures
    by_key = {f"net.{r['actor']}.{r['dimension']}": r["change"] for r in got}
    for key, stat in changes.items():
        if key.startswith("net."):
            assert by_key.get(key, 0.0) == pytest.approx(stat.mean, abs=1e-12), key
    assert set(by_key) <= set(changes)


@pytest.mark.parametrize(
    ("before", "after", "segment"),
    [
        ("current", "future", None),
        ("current", "future-b", None),
        ("future", "future-b", None),
        ("future-b", "current", None),
        ("current", "future-b", "old"),
    ],
)
def test_scenario_deltas_follow_based_on_chains_as_the_analysis_does(
    neo: Neo4jStore, before: str, after: str, segment: str | None
) -> None:
    a = analyze_goal(tiny_future_model(TINY_FUTURE), scenario=before, compare=after, segment=segment)
    assert a.scenarios is not None
    got = rows(neo, "scenario-deltas", model=TINY_FUTURE, before=before, after=after, segment=segment)
    assert [
        (r["actor"], r["dimension"], (r["before"], r["after"], r["change"], r["better"], r["worse"])) for r in got
    ] == (_changes(a))
    assert got, "every pair of these scenarios differs for someone"
    assert {r["respondents"] for r in got} == {a.scenarios.respondents}
