"""The Neo4j store: the same protocol as the embedded store, in a graph analysts can query.

The graph layout is described in :mod:`valuenet.store.neo4j_graph` and in
``docs/neo4j.md``. Credentials come from ``NEO4J_USERNAME`` (default ``neo4j``)
and the ``password`` argument or ``NEO4J_PASSWORD``; never from the URL.

Writes (:mod:`valuenet.store.neo4j_write`) are ``UNWIND $rows`` statements in
managed transactions, which the driver retries on transient errors. Items are
committed in transactions of up to 10,000 items: a write smaller than that is
all or nothing; a larger one, if it fails or is killed, stops at a transaction
boundary and running it again completes it exactly (every write is an
idempotent upsert keyed by model and id). Progress reports committed items.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import exceptions as errors
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath

from valuenet.errors import NotFoundError, SchemaVersionError, StoreConnectionError, StoreError
from valuenet.models import Model
from valuenet.store import neo4j_graph as G
from valuenet.store.base import (
    Batch,
    ModelInfo,
    Progress,
    WriteSummary,
    batches_of,
    choose_model_id,
)
from valuenet.store.neo4j_graph import SCHEMA_VERSION

#: Items per slice when a model is deleted.
DELETE_SLICE = 10_000
DEFAULT_USERNAME = "neo4j"
#: The oldest server whose Cypher has ``CALL (x) { ... }`` subqueries.
_MIN_SERVER = (5, 23)

# The driver logs connection trouble as warnings; valuenet reports it as one error instead.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reason(exc: BaseException) -> str:
    """A short reason for a connection failure, found along the chain of causes."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, TimeoutError):
            return "timed out"
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror.lower()
        seen = seen.__cause__ or seen.__context__
    return "no answer"


class Neo4jStore:
    """A store in a Neo4j 5 database (``bolt://``, ``neo4j://``, ``neo4j+s://`` ... URIs).

    ``database`` defaults to ``$NEO4J_DATABASE``, else the server's default database.
    """

    #: :meth:`write` also writes :attr:`Batch.flow_docs` (flows already serialised by a bulk import).
    takes_flow_docs = True

    def __init__(self, url: str, *, database: str | None = None, password: str | None = None) -> None:
        if re.match(r"^[a-z0-9+]+://[^/@]*@", url, re.IGNORECASE):
            raise StoreConnectionError(
                "the Neo4j URI holds credentials. Remove them from the URI and set NEO4J_USERNAME and "
                "NEO4J_PASSWORD instead."
            )
        self.url = url
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.username = os.environ.get("NEO4J_USERNAME") or DEFAULT_USERNAME
        secret = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        if not secret:
            raise StoreConnectionError(f"no password for Neo4j at {url}. Set NEO4J_PASSWORD.")
        self._schema_ready = False
        try:
            self._driver = neo4j.GraphDatabase.driver(
                url, auth=(self.username, secret), notifications_min_severity="OFF", user_agent="valuenet"
            )
        except (errors.ConfigurationError, ValueError) as exc:
            raise StoreConnectionError(
                f"{url} is not a Neo4j URI ({_one_line(str(exc))}). Use bolt://HOST:7687, neo4j://HOST "
                "or neo4j+s://HOST."
            ) from exc
        try:
            self._check_server()
        except BaseException:
            self._driver.close()
            raise

    # -- connection ---------------------------------------------------------------------------
    def _where(self) -> str:
        return f"Neo4j at {self.url}" + (f" (database {self.database!r})" if self.database else "")

    @contextmanager
    def _translated(self, doing: str) -> Iterator[None]:
        """Turn driver errors into valuenet errors with one-line messages (never with the password)."""
        try:
            yield
        except errors.AuthError as exc:
            raise StoreConnectionError(
                f"{self._where()} refused the credentials of user {self.username!r}. "
                "Check NEO4J_USERNAME and NEO4J_PASSWORD."
            ) from exc
        except (errors.ServiceUnavailable, errors.SessionExpired) as exc:
            raise StoreConnectionError(
                f"cannot reach {self._where()} ({_reason(exc)}). Check NEO4J_URI, or start the local server "
                "with 'valuenet neo4j start'."
            ) from exc
        except errors.Neo4jError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreConnectionError(
                    f"Neo4j at {self.url} has no database {self.database!r}. Choose an existing one with "
                    "--database or NEO4J_DATABASE, or create it on the server."
                ) from exc
            raise StoreError(f"{doing} {self._where()} failed: {_one_line(exc.message or str(exc))}") from exc
        except errors.DriverError as exc:
            raise StoreError(f"{doing} {self._where()} failed: {_one_line(str(exc))}") from exc

    def _check_server(self) -> None:
        with self._translated("connecting to"):
            try:
                info = self._driver.get_server_info()
            except ValueError as exc:  # the driver's word for an address it cannot resolve
                raise StoreConnectionError(
                    f"cannot reach Neo4j at {self.url} ({_one_line(str(exc))}). Check the host and port in NEO4J_URI."
                ) from exc
            match = re.match(r"Neo4j/(\d+)\.(\d+)", info.agent or "")
            if match is None or (int(match.group(1)), int(match.group(2))) < _MIN_SERVER:
                raise StoreConnectionError(
                    f"{self._where()} runs {info.agent or 'an unknown server'}; valuenet needs Neo4j 5.23 or "
                    "newer. Upgrade the server, or start the local one with 'valuenet neo4j start'."
                )
            self._driver.execute_query("RETURN 1", database_=self.database)

    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self.database)

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.url!r}, database={self.database!r})"

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes of ``cypher/schema.cypher`` (idempotent)."""
        if self._schema_ready:
            return
        from valuenet.cypher_files import schema_statements

        with self._translated("creating the valuenet schema in"), self._session() as session:
            for statement in schema_statements():
                session.run(statement).consume()
        self._schema_ready = True

    # -- reading ------------------------------------------------------------------------------
    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with self._translated("reading from"):
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        return [r.data() for r in records]

    def list_models(self) -> list[ModelInfo]:
        return [
            ModelInfo(r["id"], r["title"], r["actors"], r["goals"], r["respondents"], r["flows"])
            for r in self._read(G.LIST_MODELS)
        ]

    def resolve_model_id(self, model_id: str | None) -> str:
        """The id asked for, or the only model's id when none is given."""
        return choose_model_id([str(r["id"]) for r in self._read(G.MODEL_IDS)], model_id, self.url)

    def _check_version(self, model_id: str, version: Any) -> None:
        if version is not None and int(version) != SCHEMA_VERSION:
            newer = int(version) > SCHEMA_VERSION
            raise SchemaVersionError(
                f"model {model_id!r} in {self._where()} uses store schema version {version}; this valuenet uses "
                f"{SCHEMA_VERSION}. "
                + (
                    "Upgrade valuenet to read it."
                    if newer
                    else "Export it with the valuenet that wrote it and re-import."
                )
            )

    def read_model(self, model_id: str | None = None) -> Model:
        return self._read_kinds(self.resolve_model_id(model_id), G.KINDS)

    def read_structure(self, model_id: str | None = None) -> Model:
        """The model with its actors, goals and respondents but no flows: a light read of a large model."""
        return self._read_kinds(self.resolve_model_id(model_id), ("actors", "goals", "respondents"))

    def _read_kinds(self, model_id: str, kinds: tuple[str, ...]) -> Model:
        def work(tx: neo4j.ManagedTransaction) -> dict[str, Any]:
            head = tx.run(G.MODEL_VERSION, id=model_id).single()
            if head is None:
                raise NotFoundError(f"the store {self.url} has no model {model_id!r}.")
            self._check_version(model_id, head["version"])
            data: dict[str, Any] = json.loads(head["doc"])
            for kind in kinds:
                cls = G.ITEM_CLASSES[kind]
                data[kind] = [cls.model_validate_json(r["doc"]) for r in tx.run(G.READ_DOCS[kind], model=model_id)]
            return data

        with self._translated("reading from"), self._session() as session:
            data = session.execute_read(work)
        return Model.model_validate(data)

    def existing_ids(self, model_id: str, table: str) -> set[str]:
        """The ids of one kind of item (``actors``, ``goals``, ``respondents``, ``flows``) in a model."""
        if table not in G.IDS:
            raise ValueError(f"unknown item kind {table!r}")
        return {r["id"] for r in self._read(G.IDS[table], model=model_id)}

    def query(self, text: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        """Run one Cypher statement in an auto-commit transaction; its columns and rows as plain values."""
        with self._translated("running a query on"), self._session() as session:
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
        from valuenet.store.neo4j_write import write_batches

        self.ensure_schema()
        return write_batches(
            self, header, batches, replace=replace, replace_respondents=replace_respondents, progress=progress
        )

    def write_model(self, model: Model, *, replace: bool = False, progress: Progress | None = None) -> WriteSummary:
        return self.write(model, batches_of(model), replace=replace, progress=progress)

    def delete_model(self, model_id: str) -> bool:
        with self._translated("deleting from"), self._session() as session:
            for query in G.DELETE_SLICE.values():
                while session.execute_write(_count, query, model=model_id, limit=DELETE_SLICE):
                    pass
            return bool(session.execute_write(_count, G.DELETE_MODEL, model=model_id))


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


def _count(tx: neo4j.ManagedTransaction, /, query: str, **params: Any) -> int:
    record = tx.run(query, params).single()
    return int(record["n"]) if record else 0


__all__ = ["SCHEMA_VERSION", "Neo4jStore"]
