"""Upgrading a Neo4j graph written by valuenet 0.1 (graph version 1) to graph version 2, in place.

:func:`upgrade_graph` is what ``valuenet upgrade --store bolt://...`` runs. Per model of version 1 it

1. moves the version-1 nodes aside: ``Flow``, ``Actor``, ``Goal``, ``Respondent``, ``Scenario`` and
   ``Removal`` nodes of the model take the labels ``V1Flow``, ``V1Actor``... (so that nothing of version 2
   mistakes them for its own), and the model node is marked ``v1Moved``;
2. reads the model from those nodes' JSON documents and writes it as version 2 (the model node keeps
   ``schemaVersion`` 1 meanwhile, so no version-2 reader takes a half-written model for a whole one);
3. reads the version-2 model back and checks it against the version-1 one, item for item and in counts per
   kind; only then sets ``schemaVersion`` 2 (and ``v1Leftover``), deletes the version-1 nodes a slice at a
   time, and clears the mark.

Every step is idempotent and the version-1 data is deleted only once its version-2 copy has been checked, so
an upgrade that is interrupted (killed, a lost connection) loses nothing, and running it again completes it.
When no model of version 1 is left, the version-1 indexes on ``Flow`` nodes are dropped.
"""

from __future__ import annotations

from typing import Any

import neo4j

from valuenet.errors import StoreError
from valuenet.models import Actor, Flow, Goal, Model, Respondent
from valuenet.store import neo4j_graph as graph
from valuenet.store.base import ITEM_KINDS, UpgradeReport, batches_of
from valuenet.store.neo4j import Neo4jStore
from valuenet.store.neo4j_write import write_batches

FROM_VERSION = 1
#: Nodes moved or deleted per transaction.
SLICE = 10_000
#: The version-1 labels of a model's nodes, and where they are moved aside to.
MOVED = {
    "Flow": "V1Flow",
    "Actor": "V1Actor",
    "Goal": "V1Goal",
    "Respondent": "V1Respondent",
    "Scenario": "V1Scenario",
    "Removal": "V1Removal",
}
#: Version-1 schema that version 2 has no use for (dropped once no version-1 model is left).
V1_SCHEMA = ("DROP CONSTRAINT flow_key IF EXISTS", "DROP INDEX flow_model IF EXISTS", "DROP INDEX flow_scope IF EXISTS")

MODELS = """
MATCH (m:Model)
RETURN m.id AS id, m.schemaVersion AS version, coalesce(m.v1Moved, false) AS moved,
       coalesce(m.v1Leftover, false) AS leftover
ORDER BY id
"""
_MOVE = "MATCH (n:{old} {{model: $model}}) WITH n LIMIT $limit SET n:{new} REMOVE n:{old} RETURN count(*) AS n"
_DELETE = "MATCH (n:{new} {{model: $model}}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
V1_DOCS = {
    "actors": "MATCH (n:V1Actor {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
    "goals": "MATCH (n:V1Goal {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
    "respondents": "MATCH (n:V1Respondent {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
    "flows": "MATCH (n:V1Flow {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
}
V1_CLASSES: dict[str, type[Actor | Goal | Respondent | Flow]] = {
    "actors": Actor,
    "goals": Goal,
    "respondents": Respondent,
    "flows": Flow,
}


def upgrade_graph(url: str, *, database: str | None = None, password: str | None = None) -> UpgradeReport:
    """Upgrade every version-1 model of the graph at ``url`` to version 2 (see the module docstring).

    ``counts`` of the report holds, per item kind, the items of the upgraded models before and after.
    A graph with no version-1 model is left as it is (``from_version`` equals ``to_version``).
    """
    with Neo4jStore(url, database=database, password=password) as store:
        conn = store.connection
        models = conn.read(MODELS)
        todo = [m for m in models if m["version"] == FROM_VERSION or m["leftover"]]
        report = UpgradeReport(url=url, from_version=graph.SCHEMA_VERSION, to_version=graph.SCHEMA_VERSION)
        if not todo:
            return report
        store.ensure_schema()
        totals = {k: [0, 0] for k in ITEM_KINDS}
        for m in todo:
            if m["version"] == FROM_VERSION:
                report.from_version = FROM_VERSION
                before, after = _upgrade_model(store, m["id"], moved=bool(m["moved"]))
                for kind in ITEM_KINDS:
                    totals[kind][0] += before[kind]
                    totals[kind][1] += after[kind]
            _delete_v1(store, m["id"])
        with conn.translated("upgrading"), conn.session() as session:
            left = session.run("MATCH (n:Flow) RETURN count(n) > 0 AS any").single()
            if left is not None and not left["any"]:
                for statement in V1_SCHEMA:
                    session.run(statement).consume()
        report.counts = {k: (v[0], v[1]) for k, v in totals.items()}
        return report


def _slices(store: Neo4jStore, query: str, model_id: str) -> None:
    conn = store.connection
    with conn.translated("upgrading"), conn.session() as session:
        while session.execute_write(_count, query, model=model_id, limit=SLICE):
            pass


def _count(tx: neo4j.ManagedTransaction, /, query: str, **params: Any) -> int:
    record = tx.run(query, params).single()
    return int(record["n"]) if record else 0


def _upgrade_model(store: Neo4jStore, model_id: str, *, moved: bool) -> tuple[dict[str, int], dict[str, int]]:
    """Steps 1 to 3 for one model; the items per kind before and after."""
    conn = store.connection
    if not moved:
        for old, new in MOVED.items():
            _slices(store, _MOVE.format(old=old, new=new), model_id)
        _write(store, "MATCH (m:Model {id: $model}) SET m.v1Moved = true", model=model_id)
    v1 = read_v1_model(store, model_id)
    write_batches(conn, v1, batches_of(v1), replace=True, schema_version=FROM_VERSION)
    v2 = store._read_kinds(model_id, graph.KINDS, version=FROM_VERSION)
    before = _counts(v1)
    after = _counts(v2)
    if v2 != v1 or before != after:
        wrong = [k for k in graph.KINDS if getattr(v1, k) != getattr(v2, k)]
        raise StoreError(
            f"upgrading model {model_id!r} in {conn.where()}: the graph version 2 copy differs from the version 1 "
            f"model in its {', '.join(wrong) or 'header'}. Nothing was deleted: the version 1 nodes are kept "
            "(labels V1Flow, V1Actor...); report this, with the model if you can."
        )
    _write(
        store,
        "MATCH (m:Model {id: $model}) SET m.schemaVersion = $version, m.v1Leftover = true",
        model=model_id,
        version=graph.SCHEMA_VERSION,
    )
    return before, after


def _delete_v1(store: Neo4jStore, model_id: str) -> None:
    """Step 3's end: the version-1 nodes of a checked model deleted, and its marks cleared."""
    for new in MOVED.values():
        _slices(store, _DELETE.format(new=new), model_id)
    _write(store, "MATCH (m:Model {id: $model}) REMOVE m.v1Moved, m.v1Leftover", model=model_id)


def _write(store: Neo4jStore, query: str, **params: Any) -> None:
    conn = store.connection
    with conn.translated("upgrading"), conn.session() as session:
        session.execute_write(lambda tx: tx.run(query, params).consume())


def _counts(model: Model) -> dict[str, int]:
    return {"models": 1, **{k: len(getattr(model, k)) for k in graph.KINDS}}


def read_v1_model(store: Neo4jStore, model_id: str) -> Model:
    """A version-1 model from its moved-aside nodes' JSON documents (step 2)."""
    conn = store.connection
    head = conn.read(graph.MODEL_VERSION, id=model_id)
    if not head:
        raise StoreError(f"upgrading {conn.where()}: model {model_id!r} vanished meanwhile.")
    data: dict[str, Any] = Model.model_validate_json(head[0]["doc"]).model_dump()
    for kind, query in V1_DOCS.items():
        cls = V1_CLASSES[kind]
        data[kind] = [cls.model_validate_json(r["doc"]) for r in conn.read(query, model=model_id)]
    return Model.model_validate(data)


__all__ = ["FROM_VERSION", "read_v1_model", "upgrade_graph"]
