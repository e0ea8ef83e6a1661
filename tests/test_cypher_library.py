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
from valuenet.models import Flow, Model, Respondent
from valuenet.resources import example_model
from valuenet.store.neo4j import Neo4jStore
from valuenet.synth import write_synthetic

pytestmark = pytest.mark.neo4j
EXAMPLES = ("health", "broadband")
TINY = "test-cypher-tiny"
TINY_PLUS = "test-cypher-tiny-plus"
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
    for model in [*examples.values(), tiny_model(TINY), tiny_plus_model(TINY_PLUS)]:
        store.write_model(model, replace=True)
    try:
        yield store
    finally:
        for model_id in [*EXAMPLES, TINY, TINY_PLUS]:
            if model_id not in before:
                store.delete_model(model_id)
        store.close()


@cache
def analysis(example: str, segment: str | None = None, compare: str | None = None) -> GoalAnalysis:
    """The Python analysis of a bundled example (computed once per scope)."""
    return analyze_goal(read_model_file(example_model(example)), segment=segment, compare=compare)


@cache
def respondent_analysis(example: str, respondent: str) -> GoalAnalysis:
    """The Python analysis of one respondent of a bundled example, deal-breakers only."""
    return analyze_goal(read_model_file(example_model(example)), respondent=respondent, sections=["dealbreakers"])


def in_scope(model: Model, segment: str | None) -> list[str]:
    """The respondents with flows in the first goal's current scenario, of a segment or all."""
    goal = model.goals[0].id
    has = {f.respondent for f in model.flows if f.goal == goal and f.scenario == "current"}
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
    assert sum(r["weightedNet"] for r in got.values()) == pytest.approx(0.35 * 3.5 - 0.45 * 2)


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
    got = {(r["actor"], r["dimension"]): r for r in rows(neo, "scenario-deltas", model=TINY)}
    # In "future" each respondent gets 1 and gives 1 (experiential) at online booking: net 0 with the clinic, but
    # every current flow is gone: the clinic's functional net falls from 3.5 to 0, experiential rises from -2 to 0.
    assert (got["clinic", "functional"]["before"], got["clinic", "functional"]["after"]) == (3.5, 0.0)
    assert got["clinic", "experiential"]["change"] == 2.0
    assert got["family", "symbolic"]["change"] == -2.0
    # Weighted with each respondent's own weights: r1 loses .5 * 4 - .3 * 1 = 1.7, r2 gains -(.2 * 3 - .6 * 3) = 1.2.
    assert got["clinic", "weighted"]["change"] == pytest.approx((-1.7 + 1.2) / 2)


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


@pytest.mark.parametrize(("example", "segment"), SCOPES)
def test_firm_net_value_agrees_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None
) -> None:
    a = analysis(example, segment)
    assert a.net is not None
    firm = a.net.actors[a.focal]
    got = rows(neo, "firm-net-value-by-dimension", model=example, segment=segment)
    assert [r["dimension"] for r in got] == list(firm.net)
    for r in got:
        assert r["firm"] == a.focal
        assert r["respondents"] == a.respondents
        assert r["gets"] == pytest.approx(firm.gets[r["dimension"]])
        assert r["net"] == pytest.approx(firm.net[r["dimension"]])
        assert r["weight"] == pytest.approx(a.context.weight(r["dimension"]))
    assert sum(r["weightedNet"] for r in got) == pytest.approx(firm.weighted)


@pytest.mark.parametrize(("example", "segment"), SCOPES)
def test_value_destroying_touchpoints_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None
) -> None:
    a = analysis(example, segment)
    assert a.destruction is not None
    expected = [(t.kind, t.actor, t.touchpoint) for t in a.destruction.touchpoints if t.destroys]
    got = rows(neo, "value-destroying-touchpoints", model=example, segment=segment)
    assert [(r["kind"], r["actor"], r["touchpoint"]) for r in got] == expected
    nets = {(t.kind, t.actor, t.touchpoint): t.weighted_net for t in a.destruction.touchpoints}
    for r in got:
        assert r["weightedNet"] == pytest.approx(nets[r["kind"], r["actor"], r["touchpoint"]])
    assert expected, "the examples plant value destruction; the query should find it"


@pytest.mark.parametrize(("example", "segment"), SCOPES)
def test_deal_breakers_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None
) -> None:
    # The file lists each respondent's breaches; the analysis of one respondent gives theirs (its example quotes
    # are some of the file's).
    expected = {
        (r, b.level, b.actor, b.dimension, b.touchpoint): (pytest.approx(b.given_up), b.threshold, set(b.quotes))
        for r in in_scope(examples[example], segment)
        for b in respondent_analysis(example, r).dealbreakers or ()
    }
    got = {
        (r["respondent"], r["level"], r["actor"], r["dimension"], r["touchpoint"]): r
        for r in rows(neo, "respondents-past-threshold", model=example, segment=segment)
    }
    assert set(got) == set(expected)
    for key, (given_up, threshold, quotes) in expected.items():
        assert (got[key]["givenUp"], got[key]["threshold"]) == (given_up, threshold)
        assert quotes <= set(got[key]["quotes"])
    assert expected


@pytest.mark.parametrize(("example", "segment"), SCOPES)
def test_substitutes_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None
) -> None:
    a = analysis(example, segment)
    assert a.dependency is not None
    expected = {
        d: [(s.actor, pytest.approx(s.gets), pytest.approx(s.net), pytest.approx(s.coverage)) for s in x.substitutes]
        for d, x in a.dependency.dimensions.items()
        if x.substitutes
    }
    got: dict[str, list[Any]] = {}
    for r in rows(neo, "substitutes-for-the-firm", model=example, segment=segment):
        got.setdefault(r["dimension"], []).append((r["actor"], r["gets"], r["net"], r["coverage"]))
    assert got == expected


@pytest.mark.parametrize(("example", "segment"), SCOPES)
def test_loop_importance_agrees_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None
) -> None:
    a = analysis(example, segment)
    assert a.loops is not None
    expected = {actor: pytest.approx(v) for actor, v in a.loops.importance.items() if v > 0}
    got = {r["actor"]: r["importance"] for r in rows(neo, "loop-importance", model=example, segment=segment)}
    assert got == expected
    assert got[a.focal] == 1.0


@pytest.mark.parametrize("example", EXAMPLES)
def test_segment_comparison_agrees_with_the_analysis(neo: Neo4jStore, examples: dict[str, Model], example: str) -> None:
    model = examples[example]
    a = analysis(example)
    assert a.segments is not None
    got = {r["segment"]: r for r in rows(neo, "segment-comparison", model=example)}
    assert list(got) == list(a.segments)
    for name, summary in a.segments.items():
        stat = summary.measures[f"net.{a.focal}.weighted"]
        r = got[name]
        assert (r["respondents"], r["firm"]) == (summary.n, a.focal)
        assert r["firmNetWeighted"] == pytest.approx(stat.mean)
        assert r["firmNetSd"] == (pytest.approx(stat.sd) if summary.n > 1 else None)
        assert r["shareBreach"] == pytest.approx(summary.share_breach)
        ids = in_scope(model, None if name == "(all)" else name)
        people = [p for p in model.respondents if p.id in ids]
        nps = [p.nps for p in people if p.nps is not None]
        assert r["meanNps"] == pytest.approx(sum(nps) / len(nps))


def test_scenario_deltas_agree_with_the_analysis(neo: Neo4jStore, examples: dict[str, Model]) -> None:
    a = analysis("health", compare="future-a")
    assert a.scenarios is not None
    changes = a.scenarios.segments["(all)"].measures
    got = rows(neo, "scenario-deltas")
    assert {r["toScenario"] for r in got} == {"future-a"}
    assert {r["respondents"] for r in got} == {a.scenarios.respondents}
    by_key = {f"net.{r['actor']}.{r['dimension']}": r["change"] for r in got}
    for key, stat in changes.items():
        if key.startswith("net."):
            assert by_key.get(key, 0.0) == pytest.approx(stat.mean, abs=1e-12), key
    assert set(by_key) <= set(changes)
