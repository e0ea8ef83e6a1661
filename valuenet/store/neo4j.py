"""The Neo4j store: the same protocol as the embedded store, in a graph analysts can query.

The graph layout is described in :mod:`valuenet.store.neo4j_graph` and in
``docs/neo4j.md``. The server is reached through a
:class:`~valuenet.store.neo4j_connection.Neo4jConnection` (credentials from the
environment, never the URL).

Writes (:mod:`valuenet.store.neo4j_write`) are ``UNWIND $rows`` statements in
managed transactions, which the driver retries on transient errors. Items are
committed in transactions of up to 10,000 items: a write smaller than that is
all or nothing; a larger one, if it fails or is killed, stops at a transaction
boundary and running it again completes it exactly (every write is an
idempotent upsert keyed by model and id). Progress reports committed items.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath

from valuenet.errors import NotFoundError
from valuenet.flowcolumns import FlowColumns, paused_gc
from valuenet.models import Flow, Goal, Model
from valuenet.store import neo4j_graph as graph
from valuenet.store.base import (
    Batch,
    ModelInfo,
    Progress,
    WriteSummary,
    batches_of,
    check_schema_version,
    choose_model_id,
)
from valuenet.store.neo4j_connection import Neo4jConnection
from valuenet.store.neo4j_graph import SCHEMA_VERSION
from valuenet.store.neo4j_write import write_batches

#: Items per slice when a model is deleted.
DELETE_SLICE = 10_000


class Neo4jStore:
    """A store in a Neo4j 5 database (``bolt://``, ``neo4j://``, ``neo4j+s://`` ... URIs).

    ``database`` defaults to ``$NEO4J_DATABASE``, else the server's default database.
    """

    def __init__(self, url: str, *, database: str | None = None, password: str | None = None) -> None:
        self.connection = Neo4jConnection(url, database=database, password=password)
        self.url = url
        self.database = self.connection.database
        self._schema_ready = False

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.url!r}, database={self.database!r})"

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Does nothing: each read method runs in its own read transaction.

        Reads made one after another inside it are not isolated from writes that
        commit between them, unlike the embedded store's snapshot.
        """
        yield

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes of ``cypher/schema.cypher`` (idempotent)."""
        if self._schema_ready:
            return
        from valuenet.cypher_files import schema_statements

        with self.connection.translated("creating the valuenet schema in"), self.connection.session() as session:
            for statement in schema_statements():
                session.run(statement).consume()
        self._schema_ready = True

    # -- reading ------------------------------------------------------------------------------
    def list_models(self) -> list[ModelInfo]:
        rows = self.connection.read(graph.LIST_MODELS)
        for r in rows:
            check_schema_version(f"model {r['id']!r} in {self.connection.where()}", r["version"], SCHEMA_VERSION)
        return [ModelInfo(r["id"], r["title"], r["actors"], r["goals"], r["respondents"], r["flows"]) for r in rows]

    def resolve_model_id(self, model_id: str | None) -> str:
        """The id asked for, or the only model's id when none is given."""
        return choose_model_id([str(r["id"]) for r in self.connection.read(graph.MODEL_IDS)], model_id, self.url)

    def read_model(self, model_id: str | None = None) -> Model:
        return self._read_kinds(self.resolve_model_id(model_id), graph.KINDS)

    def read_structure(self, model_id: str | None = None) -> Model:
        """The model with its actors, goals and respondents but no flows: a light read of a large model."""
        return self._read_kinds(self.resolve_model_id(model_id), ("actors", "goals", "respondents"))

    def _read_kinds(self, model_id: str, kinds: tuple[str, ...], *, version: int = SCHEMA_VERSION) -> Model:
        def work(tx: neo4j.ManagedTransaction) -> dict[str, Any]:
            head = tx.run(graph.MODEL_VERSION, id=model_id).single()
            if head is None:
                raise NotFoundError(f"the store {self.url} has no model {model_id!r}.")
            check_schema_version(f"model {model_id!r} in {self.connection.where()}", head["version"], version)
            data: dict[str, Any] = json.loads(head["doc"])
            dimensions = Model.model_validate(data).dimension_ids
            if "actors" in kinds:
                data["actors"] = [
                    graph.actor_from(r["props"]) for r in tx.run(graph.READ_ITEMS["actors"], model=model_id)
                ]
            if "goals" in kinds:
                data["goals"] = [
                    Goal.model_validate_json(r["doc"]) for r in tx.run(graph.READ_ITEMS["goals"], model=model_id)
                ]
            if "respondents" in kinds:
                data["respondents"] = [
                    graph.respondent_from(r["props"], dimensions)
                    for r in tx.run(graph.READ_ITEMS["respondents"], model=model_id)
                ]
            if "flows" in kinds:
                data["flows"] = [flow for _, flow in sorted(_flows(tx, model_id), key=lambda kf: kf[0])]
            return data

        with self.connection.translated("reading from"), self.connection.session() as session:
            data = session.execute_read(work)
        return Model.model_validate(data)

    def read_flow_columns(
        self, model_id: str, goal: str, scenarios: Sequence[str], fields: Collection[str] | None = None
    ) -> FlowColumns:
        """One goal's flows as columns for the analysis engine (key: the flow's write order, ``ord``).

        Two queries stream the properties asked for (``fields``), of the goal's exchanges (each giving one
        row per side) and of its lone flows; the driver fetches them in pages and each chunk becomes arrays
        before the next is read, so memory stays bounded by the columns whatever the server holds.
        """
        cols = FlowColumns(fields)
        columns = cols.columns
        extra = [c for c in columns if c in graph.EXCHANGE_COLUMNS]
        at = {c: 8 + i for i, c in enumerate(extra)}
        params = {"model": model_id, "goal": goal, "scenarios": list(scenarios)}

        def work(tx: neo4j.ManagedTransaction) -> None:
            chunk: list[tuple[Any, ...]] = []
            for r in tx.run(graph.read_exchange_columns(extra), params):
                v = r.values()
                actor, customer, gets, gives, gm, vm, ord_, gord = v[:8]
                has_gets = gets is not None or gm is not None
                if has_gets:
                    side = {"key": ord_, "source": actor, "target": customer, "magnitude": gets, "money": gm}
                    chunk.append(tuple(side[c] if c in side else v[at[c]] for c in columns))
                if gives is not None or vm is not None:
                    key = gord if gord is not None else ord_ + 1 if has_gets else ord_
                    side = {"key": key, "source": customer, "target": actor, "magnitude": gives, "money": vm}
                    chunk.append(tuple(side[c] if c in side else v[at[c]] for c in columns))
                if len(chunk) >= 50_000:
                    cols.add(chunk)
                    chunk = []
            for r in tx.run(graph.read_lone_columns(columns), params):
                chunk.append(tuple(r.values()))
                if len(chunk) >= 50_000:
                    cols.add(chunk)
                    chunk = []
            cols.add(chunk)

        with self.connection.translated("reading from"), self.connection.session() as session, paused_gc():
            session.execute_read(work)
        return cols.finish()

    def read_flows_by_key(self, model_id: str, keys: Sequence[int]) -> list[Flow]:
        """Whole flows by write order (the ``key`` of :meth:`read_flow_columns`), in the order of ``keys``."""
        wanted = [int(k) for k in keys]
        with self.connection.translated("reading from"), self.connection.session() as session:
            found = session.execute_read(lambda tx: dict(_flows(tx, model_id, wanted)))
        missing = [k for k in wanted if k not in found]
        if missing:
            raise NotFoundError(f"the store {self.url} has no flow written at {missing[0]} in model {model_id!r}.")
        return [found[k] for k in wanted]

    def query(self, text: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        """Run one Cypher statement in an auto-commit transaction; its columns and rows as plain values."""
        with self.connection.translated("running a query on"), self.connection.session() as session:
            result = session.run(text, dict(params or {}))
            columns = list(result.keys())
            rows = [{k: _plain(v) for k, v in zip(record.keys(), record.values(), strict=True)} for record in result]
        return columns, rows

    # -- writing ------------------------------------------------------------------------------
    def write(
        self,
        header: Model,
        batches: Iterable[Batch],
        *,
        replace: bool = False,
        replace_respondents: Iterable[str] = (),
        progress: Progress | None = None,
    ) -> WriteSummary:
        self.ensure_schema()
        return write_batches(
            self.connection,
            header,
            batches,
            replace=replace,
            replace_respondents=replace_respondents,
            progress=progress,
        )

    def write_model(self, model: Model, *, replace: bool = False, progress: Progress | None = None) -> WriteSummary:
        return self.write(model, batches_of(model), replace=replace, progress=progress)

    def delete_model(self, model_id: str) -> bool:
        """Remove a model: its relationships and nodes a slice at a time, then the model node."""
        with self.connection.translated("deleting from"), self.connection.session() as session:
            for query in graph.DELETE_SLICE.values():
                while session.execute_write(_count, query, model=model_id, limit=DELETE_SLICE):
                    pass
            return bool(session.execute_write(_count, graph.DELETE_MODEL, model=model_id))


def _plain(value: Any) -> Any:
    """A query result value as plain Python data: nodes and relationships become their properties."""
    if isinstance(value, Node):
        return {k: _plain(v) for k, v in value.items() if k != "doc"}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, GraphPath):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)


def _flows(tx: neo4j.ManagedTransaction, model_id: str, keys: list[int] | None = None) -> list[tuple[int, Flow]]:
    """The model's flows with their keys (only those at ``keys`` when given)."""
    if keys is None:
        exchanges = tx.run(graph.READ_EXCHANGES, model=model_id)
    else:
        exchanges = tx.run(graph.READ_EXCHANGES_BY_KEY, model=model_id, keys=keys)
    out: list[tuple[int, Flow]] = []
    for r in exchanges:
        el = graph.element_from(r["actor"], r["respondent"], r["props"])
        xid = r["props"]["id"]
        out.extend((el.key[side], graph.flow_from(el.flow(xid, side))) for side in el.sides())
    lone = tx.run(graph.READ_LONE if keys is None else graph.READ_LONE_BY_KEY, model=model_id, keys=keys)
    out.extend(
        (int(r["props"]["ord"]), graph.flow_from(graph.lone_from(r["source"], r["target"], r["props"]))) for r in lone
    )
    if keys is not None:
        wanted = set(keys)
        out = [kf for kf in out if kf[0] in wanted]
    return out


def _count(tx: neo4j.ManagedTransaction, /, query: str, **params: Any) -> int:
    record = tx.run(query, params).single()
    return int(record["n"]) if record else 0


__all__ = ["SCHEMA_VERSION", "Neo4jStore"]
