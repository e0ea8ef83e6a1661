"""Writes find nodes and relationships by (model, id) through that pair's index, whatever the planner saw first.

A statement planned while its label was empty gets a plan that reads the model's whole index once per id,
and the server keeps that plan in its cache: writes then grow quadratic. Every lookup by id therefore names
the index of its label and asks for a seek of it (``USING INDEX SEEK``: a bare ``USING INDEX`` is also met
by scanning that index once per id). These tests hold the statements, the schema and the plans to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Neo4jServer, require_neo4j, tiny_model
from valuenet.cypher_files import schema_statements
from valuenet.models import Flow, Model
from valuenet.store import neo4j_graph as graph
from valuenet.store.neo4j import Neo4jStore

#: Every statement of a write, by name.
WRITE_STATEMENTS: dict[str, str] = {
    **{f"LOOKUP[{k}]": q for k, q in graph.LOOKUP.items()},
    **{f"DETACH[{k}]": q for k, q in graph.DETACH.items()},
    **{f"UPSERT[{k}]": q for k, q in graph.UPSERT.items()},
    **{f"REMOVE[{k}]": q for k, q in graph.REMOVE.items()},
    **{
        name: getattr(graph, name)
        for name in (
            "LOOKUP_EXCHANGES",
            "LOOKUP_LONE",
            "CREATE_EXCHANGES",
            "CREATE_LONE",
            "SET_EXCHANGES",
            "SET_LONE",
            "DELETE_EXCHANGES",
            "DELETE_LONE",
            "UPDATE_VALUES",
            "RESERVE_ORD",
            "MARK_LONE",
            "UPSERT_MODEL",
        )
    },
}
# (keyword before it, variable, label) of each node pattern that names both model and id.
_BY_ID = re.compile(r"(MATCH|MERGE)\s+(?:\(\w+\)-\[[^\]]*\]->)?\((\w*):(\w+) \{model: [^}]*\bid: [^}]*\}\)")
_BY_MODEL_ID = re.compile(r"MATCH \((\w+):Model \{id: \$\w+\}\)")


# (keyword, variable, type) of each relationship pattern that names both model and id.
_REL_BY_ID = re.compile(r"(MATCH|MERGE)\s+\(\w*\)-\[(\w*):(\w+) \{model: [^}]*\bid: [^}]*\}\]->")


def _lookups(statement: str) -> list[tuple[str, str, str]]:
    return _BY_ID.findall(statement) + _REL_BY_ID.findall(statement)


def test_the_patterns_are_found() -> None:
    """The checks below rest on this parse: it finds every lookup of the statements it must."""
    assert _lookups(graph.LOOKUP["actors"]) == [("MATCH", "n", "Actor")]
    assert _lookups(graph.LOOKUP_EXCHANGES) == [("MATCH", "x", "EXCHANGE")]
    assert _lookups(graph.DELETE_LONE) == [("MATCH", "f", "FLOW")]
    assert [x[2] for x in _lookups(graph.CREATE_EXCHANGES)] == ["Actor", "Respondent"]
    assert [x[2] for x in _lookups(graph.UPDATE_VALUES)] == ["Actor", "Actor"]


@pytest.mark.parametrize("name", sorted(WRITE_STATEMENTS))
def test_every_match_by_id_names_the_index_of_its_label(name: str) -> None:
    statement = WRITE_STATEMENTS[name]
    for keyword, var, label in _lookups(statement):
        if keyword == "MERGE":  # MERGE takes no hint; on a unique pair it always seeks (see the plans below)
            continue
        assert var, f"{name}: an anonymous ({label} ...) cannot be given an index hint"
        assert f"USING INDEX SEEK {var}:{label}(model, id)" in statement, f"{name}: ({var}:{label}) has no hint"
        assert label in graph.KEY_INDEX
    for var in _BY_MODEL_ID.findall(statement):
        assert f"USING INDEX SEEK {var}:Model(id)" in statement, f"{name}: ({var}:Model) has no hint"


def test_every_hinted_index_is_a_uniqueness_constraint_of_the_schema() -> None:
    text = "\n".join(schema_statements())
    for label, name in graph.KEY_INDEX.items():
        target = rf"\(n:{label}\)" if label[1:].islower() else rf"\(\)-\[(\w):{label}\]-\(\)"
        v = "n" if label[1:].islower() else r"\1"
        pattern = rf"CREATE CONSTRAINT {name} IF NOT EXISTS\s+FOR {target} REQUIRE \({v}\.model, {v}\.id\) IS UNIQUE"
        assert re.search(pattern, text), f"schema.cypher has no constraint {name} on {label}(model, id)"
    assert re.search(r"CREATE CONSTRAINT model_id IF NOT EXISTS\s+FOR \(m:Model\) REQUIRE m\.id IS UNIQUE", text)
    hinted = {label for q in WRITE_STATEMENTS.values() for label in re.findall(r"USING INDEX SEEK \w+:(\w+)\(", q)}
    assert hinted - {"Model"} == set(graph.KEY_INDEX)


# -- on a real server ----------------------------------------------------------------------------------------

SEEKS = {
    "NodeUniqueIndexSeek",
    "NodeIndexSeek",
    "DirectedRelationshipUniqueIndexSeek",
    "UndirectedRelationshipUniqueIndexSeek",
    "DirectedRelationshipIndexSeek",
    "UndirectedRelationshipIndexSeek",
}
SCANS = {
    "NodeByLabelScan",
    "NodeIndexScan",
    "AllNodesScan",
    "NodeIndexContainsScan",
    "NodeIndexEndsWithScan",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
    "DirectedRelationshipIndexScan",
    "UndirectedRelationshipIndexScan",
}
PARAMS: dict[str, Any] = {
    "model": "m",
    "ids": ["a"],
    "rows": [],
    "base": 0,
    "n": 1,
    "actors": [],
    "goals": [],
    "respondents": [],
    "id": "m",
    "props": {},
    "dimensions": [],
    "doc": "{}",
    "schemaVersion": 2,
}


def _operators(plan: Any) -> Iterator[tuple[str, str]]:
    yield plan["operatorType"].split("@")[0].split("(")[0], str(plan.get("args", {}).get("Details", ""))
    for child in plan.get("children", []):
        yield from _operators(child)


def _db_hits(plan: Any) -> int:
    return int(plan.get("dbHits", 0)) + sum(_db_hits(c) for c in plan.get("children", []))


@pytest.fixture
def neo(neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch, model_id: str) -> Iterator[Neo4jStore]:
    uri, _, _ = require_neo4j(neo4j_server, monkeypatch)
    with Neo4jStore(uri) as store:
        store.ensure_schema()
        try:
            yield store
        finally:
            store.delete_model(model_id)


@pytest.mark.neo4j
def test_the_hinted_indexes_exist_on_the_server(neo: Neo4jStore) -> None:
    indexes = {r["name"]: r for r in neo.connection.read("SHOW INDEXES YIELD name, labelsOrTypes, properties")}
    for label, name in graph.KEY_INDEX.items():
        assert name in indexes, name
        assert (indexes[name]["labelsOrTypes"], indexes[name]["properties"]) == ([label], ["model", "id"])


def _explain(neo: Neo4jStore, statement: str) -> tuple[list[tuple[str, str]], list[str]]:
    with neo.connection.driver.session(database=neo.database, notifications_min_severity="INFORMATION") as session:
        summary = session.run("EXPLAIN " + statement, PARAMS).consume()
    warnings = [f"{s.gql_status} {s.status_description}" for s in summary.gql_status_objects]
    return list(_operators(summary.plan)), [w for w in warnings if w.startswith("01N3")]  # 01N3x: hints


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(WRITE_STATEMENTS))
def test_every_lookup_by_id_plans_as_a_seek_of_its_unique_index(neo: Neo4jStore, name: str) -> None:
    statement = WRITE_STATEMENTS[name]
    operators, hint_warnings = _explain(neo, statement)
    assert hint_warnings == [], f"{name}: a hint the server could not follow"
    assert not [op for op in operators if op[0] in SCANS], f"{name} scans: {operators}"
    for _, var, label in _lookups(statement):
        key = "(model, goal, id)" if label == "Scenario" else "(model, id)"  # a scenario's id is its goal's
        seek = [d for op, d in operators if op in SEEKS and re.search(rf"\b{var}:{label}{re.escape(key)}", d)]
        assert seek, f"{name}: ({var}:{label}) is not found through {label}{key}: {operators}"
    by_model_only = [d for op, d in operators if op in SEEKS and re.search(r":\w+\(model\) ", d + " ")]
    assert not by_model_only, f"{name} reads by model alone: {by_model_only}"


def _flows(n: int, start: int = 0) -> list[Flow]:
    """Flows that are one side of an exchange each (they go onto ``EXCHANGE`` relationships)."""
    return [
        Flow(
            id=f"bulk-{i}:gets",
            exchange=f"bulk-{i}",
            goal="healthy",
            source="clinic",
            target="patient",
            dimension="functional",
            magnitude=float(i % 5),
            respondent="r1" if i % 2 else "r2",
        )
        for i in range(start, start + n)
    ]


def _model(model_id: str, flows: list[Flow]) -> Model:
    base = tiny_model(model_id)
    return base.model_copy(update={"flows": [*base.flows, *flows]})


#: Database hits allowed per id of a lookup: a seek, the relationship, its ends and properties (the scan it
#: replaces costs one hit per exchange of the model for every id, here thousands).
HITS_PER_ID = 16


@pytest.mark.neo4j
def test_a_model_that_grows_from_empty_is_written_with_bounded_work_per_id(neo: Neo4jStore, model_id: str) -> None:
    n = 2_000
    first, more = _flows(n), _flows(n, start=n)

    def lookup_hits(ids: list[str]) -> int:
        with neo.connection.session() as session:
            result = session.run("PROFILE " + graph.LOOKUP_EXCHANGES, model=model_id, ids=ids)
            found = len(list(result))  # the profile is complete once every row is read
            summary = result.consume()
        assert found == sum(i in stored for i in ids)
        return _db_hits(summary.profile)

    # The model starts empty: plans made now are the ones the cache would keep.
    stored: set[str] = set()
    assert lookup_hits([f"bulk-{i}" for i in range(n)]) <= HITS_PER_ID * n
    stored.update(f"bulk-{i}" for i in range(n))
    added = neo.write_model(_model(model_id, first)).counts["flows"].added
    assert added == n + len(tiny_model().flows)

    ids = [f"bulk-{i}" for i in range(2 * n)]  # 2,000 stored and 2,000 new, as the second write looks them up
    hits = lookup_hits(ids)
    assert hits <= HITS_PER_ID * len(ids), f"{hits} db hits for {len(ids)} ids"

    changed = [f.model_copy(update={"magnitude": 4.5}) for f in first[: n // 2]]
    written = neo.write_model(_model(model_id, [*changed, *first[n // 2 :], *more]))
    c = written.counts["flows"]
    assert (c.added, c.updated, c.unchanged) == (n, n // 2, n // 2 + len(tiny_model().flows))
    assert len(neo.read_model(model_id).flows) == 2 * n + len(tiny_model().flows)
