"""What only the Neo4j store does: the analysts' graph, connection errors, commits per transaction, push and pull."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner

from tests.conftest import Neo4jServer, require_neo4j, tiny_model
from valuenet.cli import cli
from valuenet.errors import StoreConnectionError
from valuenet.formats.modelfile import write_model_file
from valuenet.models import Flow, Model, Removal, Scenario
from valuenet.store.base import Batch, batches_of
from valuenet.store.neo4j import Neo4jStore
from valuenet.store.sqlite import SQLiteStore

SECRET = "pw-that-must-never-show"
REFUSED = "bolt://127.0.0.1:1"
REFUSED_MESSAGE = (
    "cannot reach Neo4j at bolt://127.0.0.1:1 (connection refused). Check NEO4J_URI, or start the "
    "local server with 'valuenet neo4j start'."
)


@pytest.fixture
def server(neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, str]:
    return require_neo4j(neo4j_server, monkeypatch)


@pytest.fixture
def neo(server: tuple[str, str, str], model_id: str) -> Iterator[Neo4jStore]:
    with Neo4jStore(server[0]) as store:
        try:
            yield store
        finally:
            store.delete_model(model_id)


def one(store: Neo4jStore, query: str, **params: Any) -> list[dict[str, Any]]:
    return store.query(query, params)[1]


# -- connecting -------------------------------------------------------------------------------------


def test_a_refused_connection_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    with pytest.raises(StoreConnectionError) as err:
        Neo4jStore(REFUSED)
    assert str(err.value) == REFUSED_MESSAGE


def test_credentials_in_the_uri_are_refused_without_repeating_them() -> None:
    with pytest.raises(StoreConnectionError) as err:
        Neo4jStore(f"neo4j://neo4j:{SECRET}@db.example.com:7687", password="x")
    assert str(err.value) == (
        "the Neo4j URI holds credentials. Remove them from the URI and set NEO4J_USERNAME and NEO4J_PASSWORD instead."
    )


def test_a_missing_password_says_where_to_put_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(StoreConnectionError) as err:
        Neo4jStore(REFUSED)
    assert str(err.value) == "no password for Neo4j at bolt://127.0.0.1:1. Set NEO4J_PASSWORD."


class _Server:
    def __init__(self, agent: str) -> None:
        self.agent = agent

    def get_server_info(self) -> Any:
        return self

    def execute_query(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.mark.parametrize("agent", ["Neo4j/4.4.30", "Neo4j/5.22.0"])
def test_a_server_older_than_5_23_is_refused(monkeypatch: pytest.MonkeyPatch, agent: str) -> None:
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *args, **kwargs: _Server(agent))
    with pytest.raises(StoreConnectionError) as err:
        Neo4jStore("bolt://old.example.com:7687", password=SECRET)
    assert str(err.value) == (
        f"Neo4j at bolt://old.example.com:7687 runs {agent}; valuenet needs Neo4j 5.23 or "
        "newer. Upgrade the server, or start the local one with 'valuenet neo4j start'."
    )


@pytest.mark.parametrize("agent", ["Neo4j/5.23.0", "Neo4j/5.26.30", "Neo4j/2025.10.1"])
def test_newer_servers_are_accepted(monkeypatch: pytest.MonkeyPatch, agent: str) -> None:
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *args, **kwargs: _Server(agent))
    assert Neo4jStore("bolt://new.example.com:7687", password=SECRET).url == "bolt://new.example.com:7687"


@pytest.mark.neo4j
def test_wrong_credentials_are_one_line_without_the_password(
    server: tuple[str, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another user name, so the failed logins never lock out the account the other tests use.
    monkeypatch.setenv("NEO4J_USERNAME", "valuenet-nobody")
    with pytest.raises(StoreConnectionError) as err:
        Neo4jStore(server[0], password=SECRET)
    assert str(err.value) == (
        f"Neo4j at {server[0]} refused the credentials of user 'valuenet-nobody'. "
        "Check NEO4J_USERNAME and NEO4J_PASSWORD."
    )


@pytest.mark.neo4j
def test_a_missing_database_is_named(server: tuple[str, str, str]) -> None:
    with pytest.raises(StoreConnectionError) as err:
        Neo4jStore(server[0], database="nosuchdb")
    assert str(err.value) == (
        f"Neo4j at {server[0]} has no database 'nosuchdb'. Choose an existing one with "
        "--database or NEO4J_DATABASE, or create it on the server."
    )


@pytest.mark.neo4j
def test_a_routing_uri_works_against_a_single_server(server: tuple[str, str, str]) -> None:
    uri = server[0]
    routing = "neo4j://" + uri.split("://", 1)[1]
    with Neo4jStore(routing) as store:
        assert isinstance(store.list_models(), list)


# -- the analysts' graph ----------------------------------------------------------------------------


@pytest.mark.neo4j
def test_constraints_are_created_once_and_again_changes_nothing(neo: Neo4jStore, server: tuple[str, str, str]) -> None:
    neo.ensure_schema()
    first = one(neo, "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties RETURN * ORDER BY name")
    with Neo4jStore(server[0]) as again:
        again.ensure_schema()
    assert one(neo, "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties RETURN * ORDER BY name") == first
    ours = {r["name"]: (r["labelsOrTypes"], r["properties"]) for r in first}
    assert ours["exchange_key"] == (["EXCHANGE"], ["model", "id"])
    assert ours["scenario_key"] == (["Scenario"], ["model", "goal", "id"])
    assert ours["model_id"] == (["Model"], ["id"])


@pytest.mark.neo4j
def test_the_graph_has_analyst_friendly_nodes_and_relationships(neo: Neo4jStore, model_id: str) -> None:
    neo.write_model(tiny_model(model_id))
    m = model_id
    assert one(
        neo, "MATCH (x:Model {id: $m}) RETURN x.title AS title, x.currency AS currency, x.scaleMax AS scaleMax", m=m
    ) == [{"title": "Tiny clinic", "currency": "EUR", "scaleMax": 5.0}]
    assert one(
        neo,
        "MATCH (r:Respondent {model: $m, id: 'r1'}) RETURN r.segment AS segment, r.nps AS nps, "
        "r.weight_functional AS w, r.threshold_experiential AS t, r.doc AS doc",
        m=m,
    ) == [{"segment": "young", "nps": 9, "w": 0.5, "t": 2.0, "doc": None}]
    assert one(
        neo,
        "MATCH (:Respondent {model: $m, id: 'r1'})-[c:CARES_ABOUT]->(d:Dimension) "
        "RETURN d.id AS dim, c.weight AS w, c.threshold AS t ORDER BY d.ord",
        m=m,
    ) == [
        {"dim": "functional", "w": 0.5, "t": None},
        {"dim": "economic", "w": 0.2, "t": None},
        {"dim": "experiential", "w": 0.3, "t": 2.0},
    ]
    # One EXCHANGE per interview exchange, from the actor to the respondent, both sides and the quote once.
    assert one(
        neo,
        "MATCH (:Actor {model: $m, id: 'clinic'})-[x:EXCHANGE]->(r:Respondent) "
        "RETURN r.id AS r, x.id AS id, x.gets AS gets, x.gives AS gives, x.quote AS quote ORDER BY id",
        m=m,
    ) == [
        {"r": "r1", "id": "r1-care", "gets": 4.0, "gives": 0.0, "quote": "The knee works again."},
        {"r": "r1", "id": "r1-fut", "gets": 1.0, "gives": 1.0, "quote": None},
        {"r": "r1", "id": "r1-wait", "gets": None, "gives": 1.0, "quote": "An hour in the waiting room."},
        {"r": "r2", "id": "r2-care", "gets": 3.0, "gives": 0.0, "quote": "The knee works again."},
        {"r": "r2", "id": "r2-fut", "gets": 1.0, "gives": 1.0, "quote": None},
        {"r": "r2", "id": "r2-wait", "gets": None, "gives": 3.0, "quote": "An hour in the waiting room."},
    ]
    assert one(neo, "MATCH (:Respondent {model: $m, id: 'r2'})<-[x:EXCHANGE]-() RETURN count(x) AS n", m=m) == [
        {"n": 5}
    ]
    assert one(
        neo,
        "MATCH (:Actor {model: $m})-[x:EXCHANGE {responsible: 'clinic'}]->() RETURN collect(x.touchpoint) AS tps",
        m=m,
    ) == [{"tps": ["claim"] * 2}]
    # A flow that is no exchange's side: a FLOW from its giver to its receiver.
    assert one(
        neo,
        "MATCH (:Actor {model: $m, id: 'clinic'})-[f:FLOW {id: 'claims'}]->(t:Actor) "
        "RETURN t.id AS to, f.money * f.occurrences AS total, f.tangible AS t, f.magnitude AS mag",
        m=m,
    ) == [{"to": "insurer", "total": 520.0, "t": True, "mag": None}]
    # The aggregate: one VALUE per pair of actors, goal, scenario and dimension.
    assert one(
        neo,
        "MATCH (:Actor {model: $m, id: 'clinic'})-[v:VALUE {scenario: 'current'}]->(:Actor {id: 'patient'}) "
        "RETURN v.dimension AS d, v.sum AS sum, v.n AS n, v.mean AS mean, v.flows AS flows ORDER BY d",
        m=m,
    ) == [{"d": "functional", "sum": 7.0, "n": 2, "mean": 3.5, "flows": 2}]
    assert one(
        neo,
        "MATCH (:Actor {model: $m, id: 'clinic'})-[v:VALUE]->(:Actor {id: 'insurer'}) RETURN v.money AS money",
        m=m,
    ) == [{"money": 520.0}]
    assert one(
        neo,
        "MATCH (:Goal {model: $m, id: 'healthy'})-[:HAS_SCENARIO]->(s:Scenario) "
        "RETURN s.id AS id, s.basedOn AS basedOn ORDER BY id",
        m=m,
    ) == [{"id": "current", "basedOn": None}, {"id": "future", "basedOn": "current"}]
    assert one(neo, "MATCH (:Model {id: $m})-[:HAS_ACTOR]->(a:Actor) RETURN count(a) AS n", m=m) == [{"n": 4}]


def _values(neo: Neo4jStore, m: str) -> list[dict[str, Any]]:
    return one(
        neo,
        "MATCH (a:Actor {model: $m})-[v:VALUE]->(b) RETURN a.id AS a, b.id AS b, v.goal AS g, v.scenario AS s, "
        "v.dimension AS d, v.sum AS sum, v.n AS n, v.money AS money, v.flows AS flows ORDER BY a, b, s, d",
        m=m,
    )


def _values_of(model: Model) -> list[dict[str, Any]]:
    """The VALUE aggregates a model's flows make, worked out here."""
    sums: dict[tuple[str, ...], dict[str, Any]] = {}
    for f in model.flows:
        k = (f.source, f.target, f.goal, f.scenario, f.dimension)
        v = sums.setdefault(k, {"sum": 0.0, "n": 0, "money": 0.0, "flows": 0})
        if f.magnitude is not None:
            v["sum"] += f.magnitude
            v["n"] += 1
        if f.money is not None:
            v["money"] += f.money * f.occurrences
        v["flows"] += 1
    return [
        {"a": k[0], "b": k[1], "g": k[2], "s": k[3], "d": k[4], **v}
        for k, v in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][3], kv[0][4]))
    ]


@pytest.mark.neo4j
def test_a_changed_item_moves_its_relationships(neo: Neo4jStore, model_id: str) -> None:
    model = tiny_model(model_id)
    neo.write_model(model)
    assert _values(neo, model_id) == _values_of(model)
    changed = model.model_copy(deep=True)
    claims = next(f for f in changed.flows if f.id == "claims")
    claims.target = "family"
    care = next(f for f in changed.flows if f.id == "r1-care:gets")
    care.respondent = "r2"  # no longer the other side's respondent: the flow leaves the exchange
    changed.goals[0].scenarios.append(Scenario(id="future-b", based_on="future"))
    changed.respondents[0].weights = {"symbolic": 1.0}
    neo.write_model(changed)
    m = model_id
    assert one(neo, "MATCH (:Actor {model: $m})-[:FLOW {id: 'claims'}]->(a) RETURN collect(a.id) AS to", m=m) == [
        {"to": ["family"]}
    ]
    assert one(neo, "MATCH (:Actor {model: $m})-[f:FLOW {id: 'r1-care:gets'}]->() RETURN f.respondent AS r", m=m) == [
        {"r": "r2"}
    ]
    assert one(neo, "MATCH ()-[x:EXCHANGE {model: $m, id: 'r1-care'}]->() RETURN x.gets AS gets", m=m) == [
        {"gets": None}
    ]
    assert one(neo, "MATCH (:Goal {model: $m})-[:HAS_SCENARIO]->(s) RETURN count(s) AS n", m=m) == [{"n": 3}]
    assert one(
        neo,
        "MATCH (r:Respondent {model: $m, id: 'r1'})-[c:CARES_ABOUT]->(d) WHERE c.weight IS NOT NULL "
        "RETURN collect(d.id) AS d, r.weight_functional AS old",
        m=m,
    ) == [{"d": ["symbolic"], "old": None}]
    assert neo.read_model(model_id) == changed
    assert _values(neo, model_id) == _values_of(changed)
    # Back as it was: the flow joins its exchange again, and the aggregates follow.
    neo.write_model(model, replace=True)
    assert one(neo, "MATCH ()-[x:EXCHANGE {model: $m, id: 'r1-care'}]->() RETURN x.gets AS gets", m=m) == [
        {"gets": 4.0}
    ]
    assert neo.read_model(model_id) == model
    assert _values(neo, model_id) == _values_of(model)


def _with_removes(model: Model, *removes: Removal) -> Model:
    """The model with its scenario "future" (based on current) removing ``removes``."""
    goal = model.goals[0]
    future = Scenario(id="future", based_on="current", removes=list(removes))
    return model.model_copy(update={"goals": [goal.model_copy(update={"scenarios": [goal.scenarios[0], future]})]})


@pytest.mark.neo4j
def test_removal_entries_are_nodes_replaced_whole(neo: Neo4jStore, model_id: str) -> None:
    m = model_id
    removals = (
        "MATCH (:Goal {model: $m})-[:HAS_SCENARIO]->(s:Scenario)-[:REMOVES]->(x:Removal) "
        "RETURN s.id AS scenario, properties(x) AS x ORDER BY x.index"
    )
    model = _with_removes(
        tiny_model(m), Removal(actor="family"), Removal(respondent="r2", touchpoint="waiting-room", structural=False)
    )
    neo.write_model(model)
    where = {"model": m, "goal": "healthy", "scenario": "future"}
    expected = [
        {"scenario": "future", "x": {**where, "index": 0, "actor": "family"}},
        {
            "scenario": "future",
            "x": {**where, "index": 1, "respondent": "r2", "touchpoint": "waiting-room", "structural": False},
        },
    ]
    assert one(neo, removals, m=m) == expected
    # The same model again changes nothing, the entries included.
    again = neo.write_model(model)
    assert again.counts["goals"].unchanged == 1
    assert one(neo, removals, m=m) == expected
    # Changed entries replace the old ones whole; none left means no Removal node.
    neo.write_model(_with_removes(model, Removal(stage="booking")))
    assert one(neo, removals, m=m) == [{"scenario": "future", "x": {**where, "index": 0, "stage": "booking"}}]
    neo.write_model(_with_removes(model))
    assert one(neo, "MATCH (x:Removal {model: $m}) RETURN count(x) AS n", m=m) == [{"n": 0}]
    # Removing the goal (--replace) or the model takes its scenarios' entries with it.
    neo.write_model(model)
    bare = model.model_copy(update={"goals": [], "flows": []})
    neo.write_model(bare, replace=True)
    assert one(neo, "MATCH (x:Removal {model: $m}) RETURN count(x) AS n", m=m) == [{"n": 0}]
    neo.write_model(model)
    assert neo.delete_model(m)
    assert one(neo, "MATCH (x:Removal {model: $m}) RETURN count(x) AS n", m=m) == [{"n": 0}]


@pytest.mark.neo4j
def test_actors_written_after_their_flows_are_connected(neo: Neo4jStore, model_id: str) -> None:
    model = tiny_model(model_id)
    neo.write(model, [Batch(goals=model.goals, flows=model.flows)])
    # The actors and respondents the flows name are nodes with only model and id until they are written.
    assert one(neo, "MATCH (a:Actor {model: $m}) RETURN count(a) AS n, count(a.ord) AS real", m=model_id) == [
        {"n": 4, "real": 0}
    ]
    assert neo.read_model(model_id).actors == []
    assert [i.actors for i in neo.list_models() if i.id == model_id] == [0]
    neo.write(model, [Batch(actors=model.actors, respondents=model.respondents)])
    assert one(neo, "MATCH (:Actor {model: $m})-[x:EXCHANGE]->() RETURN count(x) AS n", m=model_id) == [{"n": 10}]
    assert neo.read_model(model_id) == model
    # Removed again (--replace), an actor that flows still name is such a node again; unnamed, it goes.
    neo.write_model(model.model_copy(update={"actors": model.actors[:3], "flows": model.flows[:2]}), replace=True)
    assert one(neo, "MATCH (a:Actor {model: $m}) WHERE a.ord IS NULL RETURN collect(a.id) AS stubs", m=model_id) == [
        {"stubs": []}
    ]
    assert len(neo.read_model(model_id).actors) == 3


@pytest.mark.neo4j
def test_a_large_write_stops_at_a_transaction_boundary_that_a_rerun_completes(
    neo: Neo4jStore, model_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("valuenet.store.neo4j_write.TX_ITEMS", 5)
    model = tiny_model(model_id)
    seen: list[int] = []

    def killed() -> Iterator[Batch]:
        for i, batch in enumerate(batches_of(model, size=4)):
            if i == 4:
                raise RuntimeError("killed")
            yield batch

    with pytest.raises(RuntimeError, match="killed"):
        neo.write(model, killed(), progress=seen.append)
    # Batches of 5 (actors and the goal), 2 (respondents), 4 and 4 flows, then the failure: transactions of at
    # least 5 items commit the first batch, then the next two; the last 4 flows never land.
    assert seen == [5, 11]
    assert len(neo.read_model(model_id).flows) == 4
    summary = neo.write_model(model)
    assert (summary.counts["flows"].added, summary.counts["flows"].unchanged) == (15, 4)
    assert neo.read_model(model_id) == model


# -- the command line -------------------------------------------------------------------------------


def run(args: list[str], env: dict[str, str | None] | None = None, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, args, env=env, input=stdin)


def test_push_to_an_unreachable_server_is_one_line_and_never_shows_the_password(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    with SQLiteStore(store) as s:
        s.write_model(tiny_model())
    result = run(["push", "--store", str(store), "--to", REFUSED], env={"NEO4J_PASSWORD": SECRET})
    assert result.exit_code == 1
    assert result.stderr == f"Error: {REFUSED_MESSAGE}\n"
    assert SECRET not in result.output


def test_status_of_a_server_that_is_not_running(tmp_path: Path) -> None:
    result = run(["neo4j", "status", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == "Neo4j is not running. Start it with 'valuenet neo4j start'.\n"


def test_cypher_needs_a_neo4j_uri(tmp_path: Path) -> None:
    result = run(["cypher", "loop-importance", "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 2
    assert "is not a Neo4j URI" in result.stderr


def test_a_malformed_param_is_a_usage_error() -> None:
    result = run(["cypher", "loop-importance", "--param", "segment"])
    assert result.exit_code == 2
    assert "--param 'segment' is not NAME=VALUE." in result.stderr


@pytest.mark.neo4j
def test_wrong_credentials_on_the_command_line(server: tuple[str, str, str]) -> None:
    result = run(
        ["cypher", "RETURN 1 AS one", "--store", server[0]],
        env={"NEO4J_USERNAME": "valuenet-nobody", "NEO4J_PASSWORD": SECRET},
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Neo4j at {server[0]} refused the credentials of user 'valuenet-nobody'. "
        "Check NEO4J_USERNAME and NEO4J_PASSWORD.\n"
    )
    assert SECRET not in result.output


@pytest.mark.neo4j
def test_push_then_pull_copies_a_model_exactly(server: tuple[str, str, str], tmp_path: Path, model_id: str) -> None:
    uri = server[0]
    model = tiny_model(model_id)
    local, back = tmp_path / "local.db", tmp_path / "back.db"
    with SQLiteStore(local) as s:
        s.write_model(model)
    try:
        pushed = run(["push", "--store", str(local), "--to", uri, "--format", "json"])
        assert pushed.exit_code == 0, pushed.output
        assert pushed.stderr == f"Pushed model {model_id} from {local} to {uri}.\n"
        added = {r["items"]: r["added"] for r in json.loads(pushed.stdout)}
        assert added == {"models": 1, "actors": 4, "goals": 1, "respondents": 2, "flows": 19}
        again = run(["push", "--store", str(local), "--to", uri, "--format", "json"])
        assert sum(r["unchanged"] for r in json.loads(again.stdout)) == 27
        pulled = run(["pull", "--from", uri, "--model", model_id, "--store", str(back)])
        assert pulled.exit_code == 0, pulled.output
        assert pulled.stderr == f"Pulled model {model_id} from {uri} into {back}.\n"
        with SQLiteStore(back) as s:
            assert s.read_model(model_id) == model
    finally:
        with Neo4jStore(uri) as neo:
            neo.delete_model(model_id)


@pytest.mark.neo4j
def test_import_streams_into_neo4j_and_cypher_reads_it(
    server: tuple[str, str, str], tmp_path: Path, model_id: str
) -> None:
    uri = server[0]
    path = tmp_path / "tiny.yaml"
    write_model_file(tiny_model(model_id), path)
    try:
        imported = run(["import", str(path), "--store", uri])
        assert imported.exit_code == 0, imported.output
        result = run(
            [
                "cypher",
                "firm-net-value-by-dimension",
                "--param",
                f"model={model_id}",
                "--store",
                uri,
                "--format",
                "json",
            ]
        )
        assert result.exit_code == 0, result.output
        got = {r["dimension"]: r["net"] for r in json.loads(result.stdout)}
        assert got == {"functional": 3.5, "economic": 0.0, "experiential": -2.0, "symbolic": 0.0}
        typo = run(["cypher", "firm-net-value-by-dimension", "--param", "segmnt=old", "--store", uri])
        assert typo.exit_code == 0, typo.output
        assert typo.stderr == (
            "Warning: firm-net-value-by-dimension.cypher does not use parameter segmnt "
            "(it uses: model, goal, scenario, segment); check the spelling.\n"
        )
    finally:
        with Neo4jStore(uri) as neo:
            neo.delete_model(model_id)


@pytest.mark.neo4j
def test_the_command_line_asks_for_a_missing_password(server: tuple[str, str, str]) -> None:
    result = run(
        ["cypher", "RETURN 1 AS one", "--store", server[0], "--format", "csv"],
        env={"NEO4J_PASSWORD": None},
        stdin=server[2] + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "one\n1\n"
    assert server[2] not in result.output
    assert result.stderr.startswith(f"Neo4j password for {server[0]}:")


@pytest.mark.neo4j
@pytest.mark.parametrize("example", ["health", "broadband"])
def test_the_bundled_examples_round_trip(neo: Neo4jStore, example: str, model_id: str) -> None:
    from valuenet.formats.modelfile import read_model_file
    from valuenet.resources import example_model

    model = read_model_file(example_model(example))
    model = Model.model_validate({**model.model_dump(), "id": model_id})
    neo.write_model(model)
    assert neo.read_model(model_id) == model
    assert not neo.write_model(model).changed


@pytest.mark.neo4j
def test_odd_ids_and_text_are_data(neo: Neo4jStore, model_id: str) -> None:
    model = tiny_model(model_id)
    odd = Flow(
        id="x'}) DETACH DELETE n //",
        goal="healthy",
        source="clinic",
        target="patient",
        dimension="symbolic",
        magnitude=1,
        quote="`Robert'); MATCH (n) DETACH DELETE n; --",
        respondent="r1",
    )
    model.flows.append(odd)
    neo.write_model(model)
    assert neo.read_model(model_id) == model
    assert one(neo, "MATCH ()-[f:FLOW {model: $m, id: $id}]->() RETURN f.quote AS q", m=model_id, id=odd.id) == [
        {"q": odd.quote}
    ]


def test_start_prints_shell_lines_and_never_the_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from valuenet import neo4jserver

    calls: list[tuple[Any, ...]] = []

    def fake_start(home: Path | None, bolt: int, http: int, **kwargs: Any) -> neo4jserver.ServerInfo:
        calls.append((home, bolt, http, kwargs))
        return neo4jserver.ServerInfo("bolt://127.0.0.1:7699", "neo4j", SECRET, 4242, tmp_path, http)

    monkeypatch.setattr(neo4jserver, "start", fake_start)
    result = run(["neo4j", "start", "--home", str(tmp_path), "--bolt-port", "7699", "--fresh"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "export NEO4J_URI=bolt://127.0.0.1:7699\nexport NEO4J_USERNAME=neo4j\n"
    assert result.stderr == f"Neo4j is running at bolt://127.0.0.1:7699 (pid 4242, home {tmp_path}).\n"
    assert calls == [(tmp_path, 7699, 7474, {"timeout": 120.0, "fresh": True})]
    assert SECRET not in result.output


def test_a_server_that_fails_to_start_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from valuenet import neo4jserver

    def failing(*args: Any, **kwargs: Any) -> neo4jserver.ServerInfo:
        raise neo4jserver.Neo4jServerError("Maven ('mvn') is not on PATH; it is needed to resolve Neo4j")

    monkeypatch.setattr(neo4jserver, "start", failing)
    result = run(["neo4j", "start"])
    assert result.exit_code == 1
    assert result.stderr == "Error: Maven ('mvn') is not on PATH; it is needed to resolve Neo4j\n"
