"""The embedded default store: one SQLite file, no set-up, tables an analyst can query with plain SQL.

Schema version 2 (:mod:`valuenet.store.sqlite_schema`; every table and column is
documented in ``docs/store.md``): interview exchanges are rows of ``exchanges``,
one per exchange with both its flows (``<id>:gets`` and ``<id>:gives``), every
other flow a row of ``flows``, and actors, goals and respondents rows with a
column per scalar field and a ``doc`` JSON column for their nested parts. A model
reads back exactly as it was written, flows in the order first written, whichever
table holds them. A store written by valuenet 0.1 (schema 1, one JSON document
per item) is refused with the command that upgrades it, ``valuenet upgrade``
(:mod:`valuenet.store.upgrade`).

A write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) in WAL mode: if it
fails, or the process is killed mid-way, the store is left as it was before the
write. Upserts only touch rows that changed, and every write reports exactly how
many items of each kind it added, updated, left unchanged and removed. A kind of
item the model does not hold yet (a first import) takes plain inserts, which
are cheaper than upserts; exchange rows into an empty table are loaded with the
table's indexes dropped and built again before the commit
(:mod:`valuenet.store.sqlite_write` has the details); should an id repeat within
the write, the rows are merged as upserts would have, with the same result.

Besides the :class:`~valuenet.store.base.Store` protocol, this store offers
``read_structure`` (a model without its flows) and ``writing()``, the optional
capabilities described in :mod:`valuenet.store.base`.

The schema is versioned in the ``meta`` table; opening a store written by
another schema version raises :class:`~valuenet.errors.SchemaVersionError`
before anything touches the file.

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

import heapq
import json
import os
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from valuenet.errors import NotFoundError, StoreError
from valuenet.flowcolumns import COLUMNS, FlowColumns, paused_gc
from valuenet.models import Flow, Model
from valuenet.store.base import (
    FLOW_DETAILS,
    Batch,
    Counts,
    LazyRespondents,
    ModelInfo,
    Progress,
    WriteSummary,
    batches_of,
    check_schema_version,
    choose_model_id,
    model_header,
)
from valuenet.store.sqlite_schema import (
    EXCHANGE_TABLE,
    FLOW_FIELDS,
    GETS,
    GIVES,
    ITEM_CLASSES,
    SCALARS,
    SCHEMA_STATEMENTS,
    SCHEMA_VERSION,
    SIDES,
    flow_from_row,
    has_side,
    item_from_row,
    read_flow_columns_sql,
    side_flows,
)
from valuenet.store.sqlite_write import StoreWrite

#: Page cache of one connection, in KiB (SQLite's default is 2 MiB): random ids make index writes
#: scattered, and a bigger cache keeps most index pages of a large import in memory.
CACHE_KIB = 32 * 1024

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
#: Keys looked up at a time by ``read_flows_by_key``.
_KEYS = 500
_EX_COLS = tuple(EXCHANGE_TABLE)


def _exchange_rows(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, Flow]]:
    """Each exchange row (seq, then its columns) as its one or two flows, with their keys."""
    for seq, *values in rows:
        for side, flow in side_flows(values):
            yield int(seq) * 4 + side, flow


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
            self._refuse_other_versions()  # before WAL mode: a store of another version is left untouched
            self._wal()
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            # temporary tables (a re-import's staged rows, the ids a --replace wrote) and the sorts that build
            # indexes after a bulk load go to a temporary file beyond a small cache: memory stays flat
            self._db.execute("PRAGMA temp_store=FILE")
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

    def _refuse_other_versions(self) -> None:
        has_meta, version = self._schema_version()
        if has_meta and version is not None:
            check_schema_version(self.path, version, SCHEMA_VERSION)

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
                    for statement in SCHEMA_STATEMENTS:
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
            for model_id, title in self._db.execute("SELECT id, title FROM models ORDER BY id").fetchall():
                actors, goals, respondents = (self._count(kind, model_id) for kind in ITEM_CLASSES)
                out.append(ModelInfo(model_id, title, actors, goals, respondents, self._count_flows(model_id)))
        return out

    def resolve_model_id(self, model_id: str | None) -> str:
        """The id asked for, or the only model's id when none is given."""
        ids = [str(r[0]) for r in self._db.execute("SELECT id FROM models ORDER BY id")]
        return choose_model_id(ids, model_id, self.url)

    def read_model(self, model_id: str | None = None) -> Model:
        with self.snapshot():
            model = self._read(self.resolve_model_id(model_id))
            model.flows = self._read_flows(model.id)
            return model

    def read_structure(self, model_id: str | None = None, *, respondents: bool = True) -> Model:
        """The model with its actors, goals and (unless ``respondents=False``) respondents but no flows."""
        with self.snapshot():
            return self._read(self.resolve_model_id(model_id), respondents=respondents)

    def read_respondents(self, model_id: str | None = None) -> LazyRespondents:
        """The model's respondents by id, kept as their rows and each built when asked for (about 300 bytes each)."""
        cols = ", ".join(("id", *SCALARS["respondents"], "doc"))
        with self.snapshot():
            mid = self.resolve_model_id(model_id)
            rows = {
                row[0]: row
                for row in self._db.execute(f"SELECT {cols} FROM respondents WHERE model=? ORDER BY rowid", (mid,))
            }
        return LazyRespondents(rows, lambda row: item_from_row("respondents", row))

    def _read(self, model_id: str, *, respondents: bool = True) -> Model:
        (doc,) = self._db.execute("SELECT doc FROM models WHERE id=?", (model_id,)).fetchone()
        data: dict[str, Any] = json.loads(doc)
        for kind in ITEM_CLASSES:
            if kind == "respondents" and not respondents:
                continue
            cols = ", ".join(("id", *SCALARS[kind], "doc"))
            data[kind] = [
                item_from_row(kind, row)
                for row in self._db.execute(f"SELECT {cols} FROM {kind} WHERE model=? ORDER BY rowid", (model_id,))
            ]
        return Model.model_validate(data)

    def _read_flows(self, model_id: str) -> list[Flow]:
        return list(self.iter_flows(model_id))

    def iter_flows(self, model_id: str) -> Iterator[Flow]:
        """Every flow of the model in key order (first written first), one at a time.

        The rows of ``flows`` merged with the sides of ``exchanges``, each table read
        in ``seq`` order. Call it inside :meth:`snapshot` to read one committed state.
        """
        db = self._db
        lone = (
            (int(seq) * 4, flow_from_row(row))
            for seq, *row in db.execute(
                f"SELECT seq, {', '.join(FLOW_FIELDS)} FROM flows WHERE model=? ORDER BY seq", (model_id,)
            )
        )
        sides = _exchange_rows(
            db.execute(f"SELECT seq, {', '.join(_EX_COLS)} FROM exchanges WHERE model=? ORDER BY seq", (model_id,))
        )
        for _, flow in heapq.merge(lone, sides, key=lambda kf: kf[0]):
            yield flow

    def read_flow_columns(
        self, model_id: str, goal: str, scenarios: Sequence[str], fields: Collection[str] | None = None
    ) -> FlowColumns:
        """One goal's flows as columns for the analysis engine, read in chunks (key: see :mod:`.sqlite_schema`).

        SQLite reads the real columns of ``flows`` and of each side of ``exchanges``
        (no JSON, no Python object per flow), only the ``fields`` asked for (see
        :func:`valuenet.flowcolumns.fields_in_order`). Flows of other scenarios than
        ``scenarios`` are left out when the goal declares scenarios that
        ``scenarios`` leaves out.
        """
        with self.snapshot():
            goal_row = self._db.execute(
                f"SELECT {', '.join(('id', *SCALARS['goals'], 'doc'))} FROM goals WHERE model=? AND id=?",
                (model_id, goal),
            ).fetchone()
            declared = [s.id for s in item_from_row("goals", goal_row).scenarios] if goal_row else []
            cols = FlowColumns(COLUMNS if fields is None else fields)
            params: dict[str, Any] = {"model": model_id, "goal": goal}
            where = ""
            if not set(declared) <= set(scenarios):
                params.update({f"s{i}": s for i, s in enumerate(scenarios)})
                where = f" AND scenario IN ({', '.join(f':s{i}' for i in range(len(scenarios)))})"
            cur = self._db.execute(read_flow_columns_sql(cols.columns, where), params)
            with paused_gc():
                while rows := cur.fetchmany(_CHUNK):
                    cols.add(rows)
        return cols.finish()

    def read_flow_details(self, model_id: str, goal: str, scenarios: Sequence[str]) -> dict[str, list[Any]]:
        """The :data:`~valuenet.store.base.FLOW_DETAILS` of one goal's flows in ``scenarios``, with their ``key``.

        Columns in the order SQLite returns the rows (rows of ``flows``, then each side of
        ``exchanges``); :func:`valuenet.store.base.read_flow_details` finds them by key.
        """
        marks = ", ".join(f":s{i}" for i in range(len(scenarios)))
        where = f"model = :model AND goal = :goal AND scenario IN ({marks})"
        parts = [f"SELECT seq * 4, id, exchange, tangible, quote, note FROM flows WHERE {where}"]
        for side, (name, _, _) in SIDES.items():
            parts.append(
                f"SELECT seq * 4 + {side}, id || ':{name}', id, tangible, quote, note FROM exchanges "
                f"WHERE {where} AND {has_side(side)}"
            )
        params: dict[str, Any] = {"model": model_id, "goal": goal, **{f"s{i}": s for i, s in enumerate(scenarios)}}
        out: dict[str, list[Any]] = {name: [] for name in ("key", *FLOW_DETAILS)}
        with self.snapshot(), paused_gc():
            cur = self._db.execute(" UNION ALL ".join(parts), params)
            while rows := cur.fetchmany(_CHUNK):
                for name, values in zip(out, zip(*rows, strict=True), strict=True):
                    out[name].extend(values)
        out["tangible"] = [None if v is None else bool(v) for v in out["tangible"]]
        return out

    def read_flows_by_key(self, model_id: str, keys: Sequence[int]) -> list[Flow]:
        """Whole flows by key (``seq * 4`` plus 1 for gets, 2 for gives, 0 for a row of ``flows``), in order."""
        found: dict[int, Flow] = {}
        wanted = [int(k) for k in keys]
        db = self._db
        with self.snapshot():
            for start in range(0, len(wanted), _KEYS):
                part = wanted[start : start + _KEYS]
                lone = sorted({k // 4 for k in part if k % 4 == 0})
                paired = sorted({k // 4 for k in part if k % 4 in (GETS, GIVES)})
                if lone:
                    marks = ",".join("?" * len(lone))
                    for seq, *row in db.execute(
                        f"SELECT seq, {', '.join(FLOW_FIELDS)} FROM flows WHERE model=? AND seq IN ({marks})",
                        (model_id, *lone),
                    ):
                        found[int(seq) * 4] = flow_from_row(row)
                if paired:
                    marks = ",".join("?" * len(paired))
                    found.update(
                        _exchange_rows(
                            db.execute(
                                f"SELECT seq, {', '.join(_EX_COLS)} FROM exchanges WHERE model=? AND seq IN ({marks})",
                                (model_id, *paired),
                            )
                        )
                    )
        missing = [k for k in wanted if k not in found]
        if missing:
            raise NotFoundError(f"the store {self.url} has no flow with key {missing[0]} in model {model_id!r}.")
        return [found[k] for k in wanted]

    def _count(self, table: str, model_id: str) -> int:
        return int(self._db.execute(f"SELECT count(*) FROM {table} WHERE model=?", (model_id,)).fetchone()[0])

    def _count_flows(self, model_id: str) -> int:
        """Rows of ``flows`` plus the sides of ``exchanges``: the model's flows."""
        (lone,) = self._db.execute("SELECT count(*) FROM flows WHERE model=?", (model_id,)).fetchone()
        (paired,) = self._db.execute(
            f"SELECT coalesce(sum({has_side(GETS)} + {has_side(GIVES)}), 0) FROM exchanges WHERE model=?", (model_id,)
        ).fetchone()
        return int(lone) + int(paired)

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
        # ids written in this run are kept in temporary tables, so that memory stays flat on large imports
        w = StoreWrite(db, mid, track=replace or bool(replaced))
        self._write_header(summary.counts["models"], header)
        before = {kind: self._count(kind, mid) for kind in ITEM_CLASSES}
        fresh = {kind: before[kind] == 0 for kind in ITEM_CLASSES}  # the model holds no such item: plain inserts
        changes = dict.fromkeys(ITEM_CLASSES, 0)
        sent = dict.fromkeys(ITEM_CLASSES, 0)
        done = 0
        for batch in batches:
            for kind in ITEM_CLASSES:
                items = getattr(batch, kind)
                if items:
                    changed, fresh[kind] = w.put_items(kind, items, fresh[kind])
                    changes[kind] += changed
                    sent[kind] += len(items)
            w.put_flows(batch.flows)
            w.put_rows(batch.exchanges)
            done += len(batch)
            if progress is not None:
                progress(done)
        w.finish()
        for kind in ITEM_CLASSES:
            added = self._count(kind, mid) - before[kind]
            c = summary.counts[kind]
            c.added, c.updated, c.unchanged = added, changes[kind] - added, sent[kind] - changes[kind]
        summary.counts["flows"] = w.flow_counts
        if replace:
            for kind in ITEM_CLASSES:
                summary.counts[kind].removed = db.execute(
                    f"DELETE FROM {kind} WHERE model=? AND id NOT IN (SELECT id FROM temp.written_{kind})", (mid,)
                ).rowcount
            w.flow_counts.removed = w.remove_unwritten(None)
        elif replaced:
            w.flow_counts.removed = w.remove_unwritten(replaced)

    def _write_header(self, c: Counts, header: Model) -> None:
        head = model_header(header).model_dump_json(exclude_defaults=True)
        old = self._db.execute("SELECT doc FROM models WHERE id=?", (header.id,)).fetchone()
        if old is None:
            c.added = 1
        elif old[0] != head:
            c.updated = 1
        else:
            c.unchanged = 1
        self._db.execute(
            "INSERT INTO models (id, title, doc) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET title = excluded.title, doc = excluded.doc",
            (header.id, header.title, head),
        )

    def write_model(self, model: Model, *, replace: bool = False, progress: Progress | None = None) -> WriteSummary:
        return self.write(model, batches_of(model), replace=replace, progress=progress)

    def delete_model(self, model_id: str) -> bool:
        db = self._db
        with self.writing():
            with self._savepoint("store_delete"):
                found = db.execute("DELETE FROM models WHERE id=?", (model_id,)).rowcount > 0
                for table in (*ITEM_CLASSES, "exchanges", "flows"):
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
