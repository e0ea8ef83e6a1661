"""Upgrading a Neo4j graph that valuenet 0.1 wrote (graph version 1) to graph version 2.

The graph is ``tests/data/stores/v1-graph.cypher``: ``tiny_model()`` and the bundled examples as the
version 1 ``Neo4jStore`` wrote them (made by ``v1-graph-make.py`` on a 0.1 checkout), replayed into the
test server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Neo4jServer, require_neo4j, tiny_model
from valuenet.cypher_files import parse_cypher
from valuenet.errors import SchemaVersionError
from valuenet.formats.modelfile import read_model_file
from valuenet.models import Model
from valuenet.resources import example_model
from valuenet.store import neo4j_upgrade
from valuenet.store.neo4j import Neo4jStore
from valuenet.store.neo4j_upgrade import upgrade_graph

FIXTURE = Path(__file__).parent / "data" / "stores" / "v1-graph.cypher"
MODELS = {"v1-tiny": None, "v1-health": "health", "v1-broadband": "broadband"}


def expected(model_id: str) -> Model:
    example = MODELS[model_id]
    model = tiny_model(model_id) if example is None else read_model_file(example_model(example))
    data = model.model_dump()
    for goal in data["goals"]:  # the version-1 fixture was written before goals declared their stages
        goal["stages"] = []
    return Model.model_validate({**data, "id": model_id})


def _clear(store: Neo4jStore) -> None:
    for model_id in MODELS:
        store.delete_model(model_id)
    store.query(
        "MATCH (n) WHERE n.model IN $ids AND any(l IN labels(n) WHERE l STARTS WITH 'V1' OR l = 'Flow') "
        "DETACH DELETE n",
        {"ids": list(MODELS)},
    )


@pytest.fixture
def v1(neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Neo4jStore]]:
    uri, _, _ = require_neo4j(neo4j_server, monkeypatch)
    with Neo4jStore(uri) as store:
        _clear(store)
        with store.connection.session() as session:
            for statement in parse_cypher(FIXTURE.read_text(), name="v1-graph").statements:
                session.run(statement).consume()
        try:
            yield uri, store
        finally:
            _clear(store)


def _one(store: Neo4jStore, query: str, **params: Any) -> Any:
    return store.query(query, params)[1][0]


@pytest.mark.neo4j
def test_a_v1_graph_is_refused_in_one_line_until_it_is_upgraded(v1: tuple[str, Neo4jStore]) -> None:
    _, store = v1
    with pytest.raises(SchemaVersionError) as refused:
        store.read_model("v1-tiny")
    assert "\n" not in str(refused.value)
    assert "schema version 1" in str(refused.value) and "uses 2" in str(refused.value)
    with pytest.raises(SchemaVersionError):
        store.list_models()
    with pytest.raises(SchemaVersionError):  # and nothing of version 2 is written over it
        store.write_model(expected("v1-tiny"))
    assert _one(store, "MATCH (f:Flow {model: 'v1-tiny'}) RETURN count(f) AS n")["n"] == 19


@pytest.mark.neo4j
def test_upgrade_converts_every_model_exactly_and_removes_version_1(v1: tuple[str, Neo4jStore]) -> None:
    uri, store = v1
    report = upgrade_graph(uri)
    assert (report.from_version, report.to_version, report.upgraded) == (1, 2, True)
    models = {m: expected(m) for m in MODELS}
    assert report.counts["flows"] == (sum(len(m.flows) for m in models.values()),) * 2
    assert report.counts["models"] == (3, 3)
    for model_id, model in models.items():
        assert store.read_model(model_id) == model
    ids = list(MODELS)
    left = "MATCH (n) WHERE n.model IN $ids AND (n:Flow OR n:V1Flow OR n:V1Actor OR n.doc IS NOT NULL AND n:Actor) "
    assert _one(store, left + "RETURN count(n) AS n", ids=ids)["n"] == 0
    assert _one(store, "MATCH (m:Model) WHERE m.id IN $ids RETURN collect(DISTINCT m.schemaVersion) AS v", ids=ids) == {
        "v": [2]
    }
    assert not store.write_model(models["v1-tiny"]).changed
    again = upgrade_graph(uri)
    assert (again.from_version, again.upgraded, again.counts) == (2, False, {})


@pytest.mark.neo4j
@pytest.mark.parametrize("where", ["_upgrade_model", "_delete_v1", "write_batches"])
def test_an_interrupted_upgrade_loses_nothing_and_a_rerun_completes_it(
    v1: tuple[str, Neo4jStore], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    uri, store = v1
    real = getattr(neo4j_upgrade, where)
    calls: list[int] = []

    def dies_second_time(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(neo4j_upgrade, where, dies_second_time)
    with pytest.raises(KeyboardInterrupt):
        upgrade_graph(uri)
    monkeypatch.setattr(neo4j_upgrade, where, real)
    report = upgrade_graph(uri)
    assert report.to_version == 2
    for model_id in MODELS:
        assert store.read_model(model_id) == expected(model_id)
    assert _one(store, "MATCH (n:V1Flow) RETURN count(n) AS n")["n"] == 0
