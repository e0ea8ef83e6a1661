"""Every cypher/ file against a real Neo4j holding the bundled examples, checked against the Python analysis.

Where the analysis answers the same question (``analyze_goal``), the Cypher
answer must be the same; one small model is also worked out by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from tests.conftest import Neo4jServer, require_neo4j, tiny_model
from valuenet.analysis.report import GoalAnalysis, analyze_goal
from valuenet.cypher_files import CypherFile, library, run_cypher
from valuenet.formats.modelfile import read_model_file
from valuenet.models import Model
from valuenet.resources import example_model
from valuenet.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j
EXAMPLES = ("health", "broadband")
TINY = "test-cypher-tiny"


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
    for model in [*examples.values(), tiny_model(TINY)]:
        store.write_model(model, replace=True)
    try:
        yield store
    finally:
        for model_id in [*EXAMPLES, TINY]:
            if model_id not in before:
                store.delete_model(model_id)
        store.close()


@cache
def analysis(example: str, segment: str | None = None, compare: str | None = None) -> GoalAnalysis:
    """The Python analysis of a bundled example (computed once per scope)."""
    return analyze_goal(read_model_file(example_model(example)), segment=segment, compare=compare)


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
    # r2 (threshold experiential 1) gives up 3 waiting at the clinic and 2 at the insurer's claim desk, which the
    # clinic is responsible for: 5 in total. r1 (threshold 2) gives up 1 + 2 = 3.
    assert found == [
        ("total", "r2", "clinic", "experiential", None, 5.0, 1.0),
        ("total", "r1", "clinic", "experiential", None, 3.0, 2.0),
        ("touchpoint", "r2", "clinic", "experiential", "waiting-room", 3.0, 1.0),
        ("touchpoint", "r2", "clinic", "experiential", "claim", 2.0, 1.0),
    ]


def test_scenario_deltas_by_hand(neo: Neo4jStore) -> None:
    got = {(r["actor"], r["dimension"]): r for r in rows(neo, "scenario-deltas", model=TINY)}
    # In "future" each respondent gets 1 and gives 1 (experiential) at online booking: net 0 with the clinic, but
    # every current flow is gone: the clinic's functional net falls from 3.5 to 0, experiential rises from -2 to 0.
    assert (got["clinic", "functional"]["before"], got["clinic", "functional"]["after"]) == (3.5, 0.0)
    assert got["clinic", "experiential"]["change"] == 2.0
    assert got["family", "symbolic"]["change"] == -2.0
    # Weighted with each respondent's own weights: r1 loses .5 * 4 - .3 * 1 = 1.7, r2 gains -(.2 * 3 - .6 * 3) = 1.2.
    assert got["clinic", "weighted"]["change"] == pytest.approx((-1.7 + 1.2) / 2)


# -- the same answers as the Python analysis -----------------------------------------------------

SCOPES = [("health", None), ("health", "retirees"), ("broadband", None), ("broadband", "families")]


@pytest.mark.parametrize(("example", "segment"), SCOPES)
def test_firm_net_value_agrees_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None
) -> None:
    a = analysis(example, segment)
    firm = a.net.actors[a.focal]
    got = rows(neo, "firm-net-value-by-dimension", model=example, segment=segment)
    assert [r["dimension"] for r in got] == list(firm.net)
    for r in got:
        assert r["firm"] == a.focal
        assert r["respondents"] == len(a.respondents)
        assert r["gets"] == pytest.approx(firm.gets[r["dimension"]])
        assert r["net"] == pytest.approx(firm.net[r["dimension"]])
        assert r["weight"] == pytest.approx(a.context.weight(r["dimension"]))
    assert sum(r["weightedNet"] for r in got) == pytest.approx(firm.weighted)


@pytest.mark.parametrize(("example", "segment"), SCOPES)
def test_value_destroying_touchpoints_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None
) -> None:
    a = analysis(example, segment)
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
    a = analysis(example, segment)
    expected = {
        (r, b.level, b.actor, b.dimension, b.touchpoint): (b.given_up, b.threshold, set(b.quotes))
        for r, found in a.dealbreakers.items()
        for b in found
    }
    got = {
        (r["respondent"], r["level"], r["actor"], r["dimension"], r["touchpoint"]): (
            r["givenUp"],
            r["threshold"],
            set(r["quotes"]),
        )
        for r in rows(neo, "respondents-past-threshold", model=example, segment=segment)
    }
    assert got == expected
    assert expected


@pytest.mark.parametrize(("example", "segment"), SCOPES)
def test_substitutes_agree_with_the_analysis(
    neo: Neo4jStore, examples: dict[str, Model], example: str, segment: str | None
) -> None:
    a = analysis(example, segment)
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
    expected = {actor: pytest.approx(v) for actor, v in a.loops.importance.items() if v > 0}
    got = {r["actor"]: r["importance"] for r in rows(neo, "loop-importance", model=example, segment=segment)}
    assert got == expected
    assert got[a.focal] == 1.0


@pytest.mark.parametrize("example", EXAMPLES)
def test_segment_comparison_agrees_with_the_analysis(neo: Neo4jStore, examples: dict[str, Model], example: str) -> None:
    model = examples[example]
    a = analysis(example)
    got = {r["segment"]: r for r in rows(neo, "segment-comparison", model=example)}
    assert list(got) == list(a.segments)
    for name, summary in a.segments.items():
        stat = summary.measures[f"net.{a.focal}.weighted"]
        r = got[name]
        assert (r["respondents"], r["firm"]) == (summary.n, a.focal)
        assert r["firmNetWeighted"] == pytest.approx(stat.mean)
        assert r["firmNetSd"] == (pytest.approx(stat.sd) if summary.n > 1 else None)
        assert r["shareBreach"] == pytest.approx(summary.share_breach)
        people = [p for p in model.respondents if p.id in a.respondents and (name == "(all)" or p.segment == name)]
        nps = [p.nps for p in people if p.nps is not None]
        assert r["meanNps"] == pytest.approx(sum(nps) / len(nps))


def test_scenario_deltas_agree_with_the_analysis(neo: Neo4jStore, examples: dict[str, Model]) -> None:
    a = analysis("health", compare="future-a")
    assert a.scenarios is not None
    changes = a.scenarios.segments["(all)"].measures
    got = rows(neo, "scenario-deltas")
    assert {r["toScenario"] for r in got} == {"future-a"}
    assert {r["respondents"] for r in got} == {len(a.scenarios.respondents)}
    by_key = {f"net.{r['actor']}.{r['dimension']}": r["change"] for r in got}
    for key, stat in changes.items():
        if key.startswith("net."):
            assert by_key.get(key, 0.0) == pytest.approx(stat.mean, abs=1e-12), key
    assert set(by_key) <= set(changes)
