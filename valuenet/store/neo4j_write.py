"""Writing to Neo4j: a write's items grouped into transactions, each an idempotent upsert.

Items are committed in transactions of up to :data:`TX_ITEMS` items, each made
of ``UNWIND $rows`` statements of up to :data:`ROWS_PER_STATEMENT` rows, inside
managed transactions that the driver retries after transient errors. Every
transaction first locks the model node (to reserve the positions of its new
items), so two writers of one model take turns. Per kind of item, one lookup
tells new, changed and unchanged items apart: unchanged ones are not touched,
new flows take a lean create statement, changed items are rewritten with their
relationships.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import neo4j

from valuenet.cypher_files import unstorable
from valuenet.errors import NotFoundError, StoreError
from valuenet.models import Model
from valuenet.store import neo4j_graph as graph
from valuenet.store.base import Batch, Counts, Progress, WriteSummary, check_schema_version, model_header
from valuenet.store.neo4j_connection import Neo4jConnection
from valuenet.store.neo4j_graph import SCHEMA_VERSION

#: Items committed per transaction.
TX_ITEMS = 10_000
#: Rows sent per ``UNWIND`` statement.
ROWS_PER_STATEMENT = 5_000


def write_batches(
    connection: Neo4jConnection,
    header: Model,
    batches: Iterable[Batch],
    *,
    replace: bool = False,
    replace_respondents: Iterable[str] = (),
    progress: Progress | None = None,
) -> WriteSummary:
    """Upsert a model's header and items (see :meth:`valuenet.store.base.Store.write`)."""
    replaced = sorted(set(replace_respondents))
    writer = _Writer(connection, header, track=replace or bool(replaced))
    try:
        for batch in batches:
            writer.add(batch)
            if writer.pending >= TX_ITEMS:
                writer.flush(progress)
        writer.flush(progress, final=True)
        if replace or replaced:
            writer.remove_unwritten(replace=replace, respondents=replaced)
    except StoreError as exc:
        if writer.committed:
            raise StoreError(
                f"{exc} {writer.committed} items of model {header.id!r} were committed before; "
                "run the same write again to complete it."
            ) from exc
        raise
    return writer.summary


class _Writer:
    """Groups a write's items into transactions and keeps the counts of what each did."""

    def __init__(self, connection: Neo4jConnection, header: Model, *, track: bool) -> None:
        self.connection = connection
        self.model_id = header.id
        self.header: Model | None = header
        self.summary = WriteSummary()
        self.chunks: list[tuple[str, list[Any]]] = []
        self.pending = 0
        self.committed = 0
        self.written: dict[str, set[str]] | None = {k: set() for k in graph.KINDS} if track else None

    def add(self, batch: Batch) -> None:
        for kind in graph.KINDS:
            items: list[Any] = batch.all_flows() if kind == "flows" else getattr(batch, kind)
            for start in range(0, len(items), TX_ITEMS):
                chunk = items[start : start + TX_ITEMS]
                self.chunks.append((kind, chunk))
                self.pending += len(chunk)
                if self.written is not None:
                    self.written[kind].update(x.id for x in chunk)

    def flush(self, progress: Progress | None, *, final: bool = False) -> None:
        if not self.chunks and not (final and self.header is not None):
            return
        ordered = sorted(self.chunks, key=lambda c: graph.KINDS.index(c[0]))  # stable: actors before flows
        head = self.header
        try:
            with self.connection.translated("writing to"), self.connection.session() as session:
                counts = session.execute_write(_write_group, self.model_id, head, ordered, self.pending)
        except OverflowError as exc:  # the driver cannot encode an integer beyond 64 bits: the transaction is undone
            raise StoreError(
                f"writing to {self.connection.where()} failed: {_unstorable(self.model_id, head, ordered)}. "
                "Nothing of this transaction was written; fix the value and write again."
            ) from exc
        self.header = None
        for kind, c in counts.items():
            self.summary.counts[kind].added += c.added
            self.summary.counts[kind].updated += c.updated
            self.summary.counts[kind].unchanged += c.unchanged
        flushed = self.pending
        self.committed += flushed
        self.chunks, self.pending = [], 0
        if progress is not None and flushed:
            progress(self.committed)

    def remove_unwritten(self, *, replace: bool, respondents: list[str]) -> None:
        assert self.written is not None
        conn, mid = self.connection, self.model_id
        doomed: dict[str, list[str]] = {}
        if replace:
            for kind in graph.KINDS:
                stored = {r["id"] for r in conn.read(graph.IDS[kind], model=mid)}
                doomed[kind] = sorted(stored - self.written[kind])
        else:
            reported = {r["id"] for r in conn.read(graph.RESPONDENT_FLOW_IDS, model=mid, respondents=respondents)}
            doomed["flows"] = sorted(reported - self.written["flows"])
        with conn.translated("removing items from"), conn.session() as session:
            for kind in reversed(graph.KINDS):
                ids = doomed.get(kind, [])
                for start in range(0, len(ids), TX_ITEMS):
                    session.execute_write(_run, graph.REMOVE[kind], model=mid, ids=ids[start : start + TX_ITEMS])
                self.summary.counts[kind].removed += len(ids)


_SINGULAR = {"actors": "actor", "goals": "goal", "respondents": "respondent", "flows": "flow"}


def _unstorable(model_id: str, header: Model | None, chunks: list[tuple[str, list[Any]]]) -> str:
    """Which item of a transaction holds a number Neo4j cannot store, and where in it (for an error message)."""
    found: tuple[str, tuple[str, Any]] | None = None
    if header is not None and (problem := unstorable(header.model_dump(exclude={*graph.KINDS}))) is not None:
        found = (f"model {model_id!r}", problem)
    for kind, items in chunks:
        if found is not None:
            break
        for item in items:
            data = item.model_dump()
            if (problem := unstorable(data)) is not None:
                found = (f"{_SINGULAR[kind]} {item.id!r} of model {model_id!r}", problem)
                break
    if found is None:
        return f"a value of model {model_id!r} is a number out of Neo4j's range (64-bit integers)"
    what, (where, number) = found
    text = str(number)
    shown = text if len(text) <= 30 else f"{text[:12]}...({len(text)} digits)"
    return f"{what} holds {where.lstrip('.') or 'a value'} = {shown}, beyond the 64-bit integers Neo4j stores"


def _run(tx: neo4j.ManagedTransaction, /, query: str, **params: Any) -> None:
    tx.run(query, params).consume()


def _write_group(
    tx: neo4j.ManagedTransaction, model_id: str, header: Model | None, chunks: list[tuple[str, list[Any]]], n: int
) -> dict[str, Counts]:
    """One transaction: the model header (first time only), then each chunk of items, upserted.

    Pure apart from ``tx``, so the driver may run it again after a transient error.
    """
    counts = {k: Counts() for k in ("models", *graph.KINDS)}
    if header is not None:
        p = graph.model_params(header)
        record = tx.run(
            graph.UPSERT_MODEL,
            id=p["id"],
            props=p["props"],
            dimensions=p["dimensions"],
            doc=graph.doc(model_header(header)),
            schemaVersion=SCHEMA_VERSION,
        ).single()
        assert record is not None
        check_schema_version(f"model {model_id!r}", record["version"], SCHEMA_VERSION)
        c = counts["models"]
        if record["before"] is None:
            c.added = 1
        elif record["before"] != graph.doc(model_header(header)):
            c.updated = 1
        else:
            c.unchanged = 1
    if not chunks:
        return counts
    base_record = tx.run(graph.RESERVE_ORD, model=model_id, n=n).single()
    if base_record is None:
        raise NotFoundError(f"model {model_id!r} vanished from the store while it was being written. Write it again.")
    base = int(base_record["base"])
    has_flows: bool | None = None
    for kind, items in chunks:
        # The same id twice in one chunk: the later item wins, as if written one after the other.
        texts: dict[str, tuple[Any, str]] = {}
        c = counts[kind]
        for item in items:
            text = graph.doc(item)
            if item.id in texts:
                if texts[item.id][1] == text:
                    c.unchanged += 1
                else:
                    c.updated += 1
            texts[item.id] = (item, text)
        ids = list(texts)
        stored = {r["id"]: r["doc"] for r in tx.run(graph.LOOKUP[kind], model=model_id, ids=ids)}
        new_rows: list[dict[str, Any]] = []
        changed_rows: list[dict[str, Any]] = []
        for item_id, (item, text) in texts.items():
            before = stored.get(item_id)
            if before == text:
                c.unchanged += 1
                continue
            rows = new_rows if before is None else changed_rows
            rows.append(graph.item_row(kind, model_id, item, len(new_rows) + len(changed_rows), text))
        added = [r["props"]["id"] for r in new_rows]
        changed = [r["props"]["id"] for r in changed_rows]
        c.added += len(added)
        c.updated += len(changed)
        if changed and kind in graph.DETACH:
            tx.run(graph.DETACH[kind], model=model_id, ids=changed).consume()
        for start in range(0, len(new_rows), ROWS_PER_STATEMENT):
            part = new_rows[start : start + ROWS_PER_STATEMENT]
            if kind == "flows":  # created outright, its actors, goal and respondent looked up once per statement
                tx.run(graph.CREATE_FLOWS, {"model": model_id, "rows": part, **graph.flow_refs(part, base)}).consume()
            else:
                tx.run(graph.UPSERT[kind], model=model_id, base=base, rows=part).consume()
        for start in range(0, len(changed_rows), ROWS_PER_STATEMENT):
            part = changed_rows[start : start + ROWS_PER_STATEMENT]
            tx.run(graph.UPSERT[kind], model=model_id, base=base, rows=part).consume()
        base += len(new_rows) + len(changed_rows)
        if added and kind in graph.RELINK:
            if has_flows is None:
                record = tx.run(graph.HAS_FLOWS, model=model_id).single()
                has_flows = bool(record and record["has"])
            if has_flows:
                tx.run(graph.RELINK[kind], model=model_id, ids=added).consume()
        if kind == "flows":
            has_flows = has_flows or bool(new_rows)
    return counts


__all__ = ["ROWS_PER_STATEMENT", "TX_ITEMS", "write_batches"]
