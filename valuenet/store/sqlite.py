"""The embedded default store: one SQLite file, no set-up.

Each item is kept as its JSON document, keyed by ``(model, id)``, beside a few
columns that queries filter on. Rows keep the order in which they were first
written (SQLite's rowid survives an update), so a model reads back exactly as
it was written.

A write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) in WAL mode: if it
fails, or the process is killed mid-way, the store is left as it was before the
write. Upserts only touch rows whose document changed, and the counts of added,
updated and unchanged items come from SQLite's change counters. A kind of item
the model does not hold yet (a first import) takes a plain ``INSERT``, which is
cheaper than an upsert; should an id repeat within the write, that batch is
rolled back to its savepoint and written again as upserts, with the same result.

Besides the :class:`~valuenet.store.base.Store` protocol, this store offers
``read_structure`` (a model without its flows) and ``writing()``, the optional
capabilities described in :mod:`valuenet.store.base`.

The schema is versioned in the ``meta`` table; opening a store written by
another schema version raises :class:`~valuenet.errors.SchemaVersionError`.

Several processes may use one store at once:

- **Writers take turns.** Every write holds SQLite's write lock (``BEGIN
  IMMEDIATE``) from start to commit. :meth:`SQLiteStore.writing` holds it across
  more than one call: an import takes it *before* it reads the stored model to
  validate against, and keeps it until its write commits, so a second import
  waits for the first and then validates against what the first wrote; no
  update is lost. A writer that finds the lock taken says so once through the
  store's ``on_wait`` callback (the command line prints it on stderr) and keeps
  trying; after ``busy_timeout`` seconds (default ``$VALUENET_BUSY_TIMEOUT``,
  else 600) it gives up with :class:`StoreBusyError` ("the store X is busy:
  another valuenet process is writing to it ..."), having written nothing.
  The wait is made of short tries, so Ctrl-C stops it at once.
- **Readers never wait.** In WAL mode a reader sees the last committed state,
  whatever a writer is doing. :meth:`SQLiteStore.snapshot` keeps one read
  transaction open, so every read made inside it sees the same committed state
  (the command line's read commands run inside one); each read method on its
  own is also one snapshot.
- **Opening is safe.** The busy timeout is set before the first statement, and a
  new store's schema is checked and created inside one ``BEGIN IMMEDIATE``, so
  processes creating the same store at once all find it ready.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from valuenet.errors import NotFoundError, StoreError
from valuenet.flowcolumns import COLUMNS, FlowColumns, paused_gc
from valuenet.models import DEFAULT_SCENARIO, Actor, Flow, Goal, Model, Respondent
from valuenet.store.base import (
    Batch,
    Counts,
    ModelInfo,
    Progress,
    WriteSummary,
    batches_of,
    check_schema_version,
    choose_model_id,
    model_header,
)

#: Page cache of one connection, in KiB (SQLite's default is 2 MiB): random ids make index writes
#: scattered, and a bigger cache keeps most index pages of a large import in memory.
CACHE_KIB = 32 * 1024

SCHEMA_VERSION = 1

#: Environment variable: how many seconds a writer waits for another writer before giving up.
BUSY_TIMEOUT_ENV = "VALUENET_BUSY_TIMEOUT"
#: Seconds a writer waits for another writer when ``$VALUENET_BUSY_TIMEOUT`` is not set.
DEFAULT_BUSY_TIMEOUT = 600.0
#: Milliseconds of one try at the write lock: between tries Python sees Ctrl-C.
_TRY_MS = 200


class StoreBusyError(StoreError):
    """Another process held the store's write lock for longer than the busy timeout; nothing was written."""


#: The longest wait SQLite's busy timeout takes (2**31 - 1 milliseconds, about 24 days), in whole seconds.
MAX_BUSY_TIMEOUT = 2_147_483


def busy_timeout_from_env() -> float:
    """Seconds to wait for another writer: ``$VALUENET_BUSY_TIMEOUT``, else :data:`DEFAULT_BUSY_TIMEOUT`."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_BUSY_TIMEOUT:  # also refuses nan and infinity
        raise StoreError(
            f"{BUSY_TIMEOUT_ENV} must be a number of seconds from 0 to {MAX_BUSY_TIMEOUT:,}, not {text!r}."
        )
    return seconds


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _seconds(value: float) -> str:
    return f"{value:g} s" if value < 120 else f"{value / 60:g} min"


#: Rows fetched at a time when reading flows as columns.
_CHUNK = 50_000
#: How each column of ``valuenet.flowcolumns.COLUMNS`` is read: SQLite pulls the fields out of the document.
#: ``"quote":`` can only occur in a document as the key itself (inside a string its quotes are escaped).
_FLOW_FIELDS = {
    "key": "rowid",
    "scenario": "coalesce(json_extract(doc, '$.scenario'), :default)",
    "respondent": "respondent",
    "source": "json_extract(doc, '$.source')",
    "target": "json_extract(doc, '$.target')",
    "dimension": "json_extract(doc, '$.dimension')",
    "magnitude": "json_extract(doc, '$.magnitude')",
    "money": "json_extract(doc, '$.money')",
    "occurrences": "json_extract(doc, '$.occurrences')",
    "touchpoint": "json_extract(doc, '$.touchpoint')",
    "stage": "json_extract(doc, '$.stage')",
    "responsible": "json_extract(doc, '$.responsible')",
    "quoted": "instr(doc, '\"quote\":') > 0",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS models (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actors (model TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
    UNIQUE (model, id));
CREATE TABLE IF NOT EXISTS goals (model TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
    UNIQUE (model, id));
CREATE TABLE IF NOT EXISTS respondents (model TEXT NOT NULL, id TEXT NOT NULL, segment TEXT,
    doc TEXT NOT NULL, UNIQUE (model, id));
CREATE TABLE IF NOT EXISTS flows (model TEXT NOT NULL, id TEXT NOT NULL, goal TEXT NOT NULL,
    respondent TEXT, doc TEXT NOT NULL, UNIQUE (model, id));
CREATE INDEX IF NOT EXISTS flows_by_respondent ON flows (model, respondent);
CREATE INDEX IF NOT EXISTS flows_by_goal ON flows (model, goal);
"""
_SCHEMA_STATEMENTS = [stmt.strip() for stmt in _SCHEMA.split(";") if stmt.strip()]

_TABLES: dict[str, type[BaseModel]] = {"actors": Actor, "goals": Goal, "respondents": Respondent, "flows": Flow}

# Upserts that leave a row alone when its document is unchanged, so rowcount counts real changes.
_UPSERT = {
    "actors": "INSERT INTO actors (model, id, doc) VALUES (?, ?, ?) "
    "ON CONFLICT (model, id) DO UPDATE SET doc = excluded.doc WHERE doc != excluded.doc",
    "goals": "INSERT INTO goals (model, id, doc) VALUES (?, ?, ?) "
    "ON CONFLICT (model, id) DO UPDATE SET doc = excluded.doc WHERE doc != excluded.doc",
    "respondents": "INSERT INTO respondents (model, id, segment, doc) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (model, id) DO UPDATE SET segment = excluded.segment, doc = excluded.doc "
    "WHERE doc != excluded.doc",
    "flows": "INSERT INTO flows (model, id, goal, respondent, doc) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (model, id) DO UPDATE SET goal = excluded.goal, respondent = excluded.respondent, "
    "doc = excluded.doc WHERE doc != excluded.doc",
}
# The same rows as plain inserts, for kinds of item the model does not hold yet.
_INSERT = {table: sql.split(" ON CONFLICT")[0] for table, sql in _UPSERT.items()}


def _dump(item: BaseModel) -> str:
    return item.model_dump_json(exclude_defaults=True)


def _rows(kind: str, model_id: str, items: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    if kind == "respondents":
        return ((model_id, r.id, r.segment, _dump(r)) for r in items)
    if kind == "flows":
        return ((model_id, f.id, f.goal, f.respondent, _dump(f)) for f in items)
    return ((model_id, x.id, _dump(x)) for x in items)


def _batch_rows(kind: str, model_id: str, batch: Batch) -> list[tuple[Any, ...]]:
    """The table rows of one kind of item in a batch, flows already serialised included."""
    items = batch.all_flows() if kind == "flows" else getattr(batch, kind)
    return list(_rows(kind, model_id, items)) if items else []


class SQLiteStore:
    """A store in one SQLite file (``:memory:`` for a throw-away store).

    >>> with SQLiteStore(":memory:") as store:
    ...     store.list_models()
    []
    """

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        busy_timeout: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Open (and, unless ``create=False``, create) the store at ``path``.

        ``busy_timeout``: seconds a writer waits for another process's write (default
        :func:`busy_timeout_from_env`). ``on_wait`` is told, once per wait, that this
        process waits for another writer.
        """
        self.path = str(path)
        self.url = self.path
        self.busy_timeout = busy_timeout_from_env() if busy_timeout is None else max(0.0, busy_timeout)
        self.on_wait = on_wait
        self._mode: str | None = None  # "read" inside snapshot(), "write" inside writing()
        if not create and self.path != ":memory:" and not Path(self.path).exists():
            raise NotFoundError(
                f"no store at {self.path}. Run 'valuenet init' or 'valuenet import FILE' to create one, "
                "or point --store / VALUENET_STORE at an existing store."
            )
        try:
            # the busy timeout holds from the first statement on: a store another process is creating is waited for
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=self.busy_timeout
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a valuenet store ({exc}). Choose another path with --store.") from exc
        try:
            self._wal()
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._db.execute("PRAGMA temp_store=MEMORY")
            self._ensure_schema()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if _is_busy(exc):
                raise self._busy_error() from exc
            raise StoreError(f"{self.path} is not a valuenet store ({exc}). Choose another path with --store.") from exc
        except BaseException:
            self._db.close()
            raise

    # -- set-up ----------------------------------------------------------------------------
    def _wal(self) -> None:
        """Switch to WAL mode. While another process switches a new store, SQLite answers busy at once: retry."""
        deadline = time.monotonic() + self.busy_timeout
        pause = 0.005
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def _schema_version(self) -> tuple[bool, str | None]:
        """Whether the ``meta`` table exists, and the schema version it records."""
        has_meta = self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            return False, None
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return True, None if row is None else str(row[0])

    def _ensure_schema(self) -> None:
        has_meta, version = self._schema_version()  # an existing store: no write lock needed
        if version is None:
            # checked again under the write lock: another process may be creating this store right now
            with self.writing():
                has_meta, version = self._schema_version()
                if version is None:
                    tables = self._db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
                    if tables and not has_meta:
                        raise StoreError(
                            f"{self.path} is an SQLite file but not a valuenet store. Choose another path."
                        )
                    for statement in _SCHEMA_STATEMENTS:
                        self._db.execute(statement)
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                    return
        check_schema_version(self.path, version, SCHEMA_VERSION)

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees one committed state, whatever other processes write meanwhile.

        One read transaction is held open (WAL: it never blocks writers, nor waits
        for them). Inside :meth:`writing`, or nested, it adds nothing.
        """
        if self._mode is not None:
            yield
            return
        db = self._db
        db.execute("BEGIN")
        self._mode = "read"
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the first read fixes the snapshot
            yield
        finally:
            self._mode = None
            if db.in_transaction:
                db.execute("ROLLBACK")

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's write lock throughout: no other process writes until the block ends.

        Reads inside see the latest committed state and this process's own writes;
        the block commits when it ends, or rolls back when it raises, so all the
        writes inside land together or not at all. Waits for another writer up to
        :attr:`busy_timeout` seconds, then raises :class:`StoreBusyError`.
        Nested, it adds nothing; inside :meth:`snapshot` it refuses (a read
        snapshot cannot become a write).
        """
        if self._mode == "write":
            yield
            return
        if self._mode == "read":
            raise StoreError(f"cannot write to {self.url} inside a read snapshot; end the snapshot first.")
        db = self._db
        self._begin_immediate()
        self._mode = "write"
        try:
            yield
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            self._mode = None

    def _begin_immediate(self) -> None:
        """``BEGIN IMMEDIATE``, trying in short steps until :attr:`busy_timeout` has passed."""
        db = self._db
        deadline = time.monotonic() + self.busy_timeout
        told = False
        db.execute(f"PRAGMA busy_timeout={_TRY_MS}")
        try:
            while True:
                try:
                    db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise self._busy_error() from exc
                    if not told and self.on_wait is not None:
                        told = True
                        self.on_wait(
                            f"Waiting for another valuenet process to finish writing to {self.url} "
                            f"(up to {_seconds(self.busy_timeout)}; {BUSY_TIMEOUT_ENV} sets how long)..."
                        )
        finally:
            db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")

    def _busy_error(self) -> StoreBusyError:
        return StoreBusyError(
            f"the store {self.url} is busy: another valuenet process is writing to it and did not finish "
            f"within {_seconds(self.busy_timeout)}. Nothing was written. Run the command again when it is done, "
            f"or set {BUSY_TIMEOUT_ENV} to the seconds to wait."
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------
    def list_models(self) -> list[ModelInfo]:
        out = []
        with self.snapshot():
            for model_id, doc in self._db.execute("SELECT id, doc FROM models ORDER BY id").fetchall():
                counts = [self._count(t, model_id) for t in ("actors", "goals", "respondents", "flows")]
                out.append(ModelInfo(model_id, json.loads(doc).get("title"), *counts))
        return out

    def resolve_model_id(self, model_id: str | None) -> str:
        """The id asked for, or the only model's id when none is given."""
        ids = [str(r[0]) for r in self._db.execute("SELECT id FROM models ORDER BY id")]
        return choose_model_id(ids, model_id, self.url)

    def read_model(self, model_id: str | None = None) -> Model:
        with self.snapshot():
            return self._read(self.resolve_model_id(model_id), _TABLES)

    def read_structure(self, model_id: str | None = None) -> Model:
        """The model with its actors, goals and respondents but no flows: a light read of a large model."""
        with self.snapshot():
            return self._read(self.resolve_model_id(model_id), ("actors", "goals", "respondents"))

    def _read(self, model_id: str, tables: Iterable[str]) -> Model:
        (doc,) = self._db.execute("SELECT doc FROM models WHERE id=?", (model_id,)).fetchone()
        data: dict[str, Any] = json.loads(doc)
        for table in tables:
            cls = _TABLES[table]
            data[table] = [
                cls.model_validate_json(d)
                for (d,) in self._db.execute(f"SELECT doc FROM {table} WHERE model=? ORDER BY rowid", (model_id,))
            ]
        return Model.model_validate(data)

    def read_flow_columns(
        self, model_id: str, goal: str, scenarios: Sequence[str], fields: Collection[str] | None = None
    ) -> FlowColumns:
        """One goal's flows as columns for the analysis engine, read in chunks (key: the row id).

        SQLite pulls the fields out of each JSON document, so no Python object is
        built per flow, and only the ``fields`` asked for (see
        :func:`valuenet.flowcolumns.fields_in_order`). Flows of other scenarios than
        ``scenarios`` are left out; the scenario column is read when ``scenarios``
        leaves some out or ``fields`` asks for it.
        """
        with self.snapshot():
            goal_doc = self._db.execute("SELECT doc FROM goals WHERE model=? AND id=?", (model_id, goal)).fetchone()
            declared = [s.id for s in Goal.model_validate_json(goal_doc[0]).scenarios] if goal_doc else []
            filter_scenarios = not set(declared) <= set(scenarios)
            cols = FlowColumns({*(COLUMNS if fields is None else fields), *(["scenario"] if filter_scenarios else [])})
            select = ", ".join(_FLOW_FIELDS[c] for c in cols.columns)
            at = cols.columns.index("scenario") if "scenario" in cols.columns else -1
            wanted = set(scenarios)
            sql = f"SELECT {select} FROM flows WHERE model=:model AND goal=:goal ORDER BY rowid"
            cur = self._db.execute(sql, {"default": DEFAULT_SCENARIO, "model": model_id, "goal": goal})
            with paused_gc():
                while rows := cur.fetchmany(_CHUNK):
                    cols.add([r for r in rows if r[at] in wanted] if filter_scenarios else rows)
        return cols.finish()

    def read_flows_by_key(self, model_id: str, keys: Sequence[int]) -> list[Flow]:
        """Whole flows by row id (the ``key`` of :meth:`read_flow_columns`), in the order of ``keys``."""
        found: dict[int, Flow] = {}
        wanted = [int(k) for k in keys]
        with self.snapshot():
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                for key, doc in self._db.execute(
                    f"SELECT rowid, doc FROM flows WHERE model=? AND rowid IN ({marks})", (model_id, *part)
                ):
                    found[int(key)] = Flow.model_validate_json(doc)
        missing = [k for k in wanted if k not in found]
        if missing:
            raise NotFoundError(f"the store {self.url} has no flow at row {missing[0]} of model {model_id!r}.")
        return [found[k] for k in wanted]

    # -- writing ---------------------------------------------------------------------------
    def write(
        self,
        header: Model,
        batches: Iterable[Batch],
        *,
        replace: bool = False,
        replace_respondents: Iterable[str] = (),
        progress: Progress | None = None,
    ) -> WriteSummary:
        summary = WriteSummary()
        replaced = sorted(set(replace_respondents))
        try:
            with self.writing():  # alone, one transaction; inside an outer writing(), part of it
                with self._savepoint("store_write"):
                    self._write(summary, header, batches, replace, replaced, progress)
        except sqlite3.Error as exc:
            if _is_busy(exc):
                raise self._busy_error() from exc
            raise StoreError(f"writing to {self.url} failed: {exc}. Nothing was written.") from exc
        return summary

    def _write(
        self,
        summary: WriteSummary,
        header: Model,
        batches: Iterable[Batch],
        replace: bool,
        replaced: list[str],
        progress: Progress | None,
    ) -> None:
        """The body of :meth:`write`, run under the write lock."""
        db = self._db
        mid = header.id
        # Ids written in this run, kept in temporary tables so that memory stays flat on large imports.
        track = replace or bool(replaced)
        if track:
            for table in _TABLES:
                db.execute(f"CREATE TEMP TABLE IF NOT EXISTS written_{table} (id TEXT PRIMARY KEY)")
                db.execute(f"DELETE FROM written_{table}")
        before = {t: self._count(t, mid) for t in _TABLES}
        head = _dump(model_header(header))
        old = db.execute("SELECT doc FROM models WHERE id=?", (mid,)).fetchone()
        c = summary.counts["models"]
        if old is None:
            c.added = 1
        elif old[0] != head:
            c.updated = 1
        else:
            c.unchanged = 1
        db.execute(
            "INSERT INTO models (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc=excluded.doc",
            (mid, head),
        )
        changes = dict.fromkeys(_TABLES, 0)
        sent = dict.fromkeys(_TABLES, 0)
        fresh = {t: before[t] == 0 for t in _TABLES}  # the model holds no such item: plain inserts
        done = 0
        for batch in batches:
            for table in _TABLES:
                rows = _batch_rows(table, mid, batch)
                if not rows:
                    continue
                changed, fresh[table] = self._put(table, rows, fresh[table])
                changes[table] += changed
                sent[table] += len(rows)
                if track:
                    db.executemany(f"INSERT OR IGNORE INTO written_{table} VALUES (?)", ((r[1],) for r in rows))
            done += len(batch)
            if progress is not None:
                progress(done)
        for table in _TABLES:
            added = self._count(table, mid) - before[table]
            c = summary.counts[table]
            c.added = added
            c.updated = changes[table] - added
            c.unchanged = sent[table] - changes[table]
        if replace:
            for table in _TABLES:
                summary.counts[table].removed = db.execute(
                    f"DELETE FROM {table} WHERE model=? AND id NOT IN (SELECT id FROM written_{table})", (mid,)
                ).rowcount
        elif replaced:
            marks = ",".join("?" * len(replaced))
            summary.counts["flows"].removed = db.execute(
                f"DELETE FROM flows WHERE model=? AND respondent IN ({marks}) "
                "AND id NOT IN (SELECT id FROM written_flows)",
                (mid, *replaced),
            ).rowcount

    def _put(self, table: str, rows: list[tuple[Any, ...]], fresh: bool) -> tuple[int, bool]:
        """Write rows; the number changed, and whether plain inserts still suit the next batch."""
        db = self._db
        if fresh:
            db.execute("SAVEPOINT new_rows")
            try:
                db.executemany(_INSERT[table], rows)
            except sqlite3.IntegrityError:  # an id repeats within this write: upsert from here on
                db.execute("ROLLBACK TO new_rows")
                db.execute("RELEASE new_rows")
            else:
                db.execute("RELEASE new_rows")
                return len(rows), True
        return db.executemany(_UPSERT[table], rows).rowcount, False

    def _count(self, table: str, model_id: str) -> int:
        return int(self._db.execute(f"SELECT count(*) FROM {table} WHERE model=?", (model_id,)).fetchone()[0])

    def write_model(self, model: Model, *, replace: bool = False, progress: Progress | None = None) -> WriteSummary:
        return self.write(model, batches_of(model), replace=replace, progress=progress)

    def delete_model(self, model_id: str) -> bool:
        db = self._db
        with self.writing():
            with self._savepoint("store_delete"):
                found = db.execute("DELETE FROM models WHERE id=?", (model_id,)).rowcount > 0
                for table in _TABLES:
                    db.execute(f"DELETE FROM {table} WHERE model=?", (model_id,))
        return found

    @contextmanager
    def _savepoint(self, name: str) -> Iterator[None]:
        """A savepoint that is rolled back when the block fails.

        Some errors (a full disk, an I/O error, an interrupt) make SQLite roll back the
        whole transaction itself; the savepoint is then gone, and the block's own error is
        the one raised, not a complaint about the missing savepoint.
        """
        db = self._db
        db.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if db.in_transaction:
                with suppress(sqlite3.Error):
                    db.execute(f"ROLLBACK TO {name}")
                    db.execute(f"RELEASE {name}")
            raise
        db.execute(f"RELEASE {name}")


__all__ = [
    "BUSY_TIMEOUT_ENV",
    "DEFAULT_BUSY_TIMEOUT",
    "SCHEMA_VERSION",
    "Counts",
    "SQLiteStore",
    "StoreBusyError",
    "busy_timeout_from_env",
]
