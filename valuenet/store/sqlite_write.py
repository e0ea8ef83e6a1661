"""One write to the embedded store: items and flows into the tables of :mod:`valuenet.store.sqlite_schema`.

A :class:`StoreWrite` lives for one :meth:`SQLiteStore.write
<valuenet.store.sqlite.SQLiteStore.write>`, inside its transaction. Flows arrive
two ways, and both keep each flow one item, whichever table holds it:

- **Exchange rows** (:attr:`Batch.exchanges <valuenet.store.base.Batch.exchanges>`),
  the hot path of an interview import. Into a model that holds no exchange yet
  they go straight in with ``executemany`` and plain inserts; into a table
  that holds no rows at all, its indexes are dropped first and built again at the
  end of the write (:meth:`StoreWrite.finish`): on 1M rows, building them takes
  2.3 s where keeping them up to date row by row adds 4.7 s to the load. Otherwise a batch is staged in a temporary
  table and SQL compares it with the stored rows: the counts come from that
  comparison, and one ``INSERT ... SELECT ... ON CONFLICT`` writes what changed.
  The rare row that would change which sides an exchange has (a side added or
  left out), or whose flows are stored in ``flows``, is written as its flows.
- **Flows** (:class:`~valuenet.models.Flow` objects: model files, ``write_model``).
  Each batch reads the stored rows and flows it touches, places each flow in
  Python (:meth:`StoreWrite.put_flows`), and writes back what changed. A flow that
  is a side of an exchange (see :func:`~valuenet.store.sqlite_schema.side_of`) goes
  into that exchange's row when its shared fields agree with the other side and
  its place in the order allows; otherwise into ``flows``, where it reads back
  exactly the same.

Counts per flow are exact: each side of an exchange row is one flow, added,
updated, unchanged or removed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from valuenet.models import Actor, Flow, Goal, Respondent
from valuenet.store.base import EXCHANGE_COLUMNS, Counts, ExchangeRow, row_flows
from valuenet.store.sqlite_schema import (
    EXCHANGE_TABLE,
    FLOW_FIELDS,
    GETS,
    GIVES,
    INDEXES,
    ITEM_CLASSES,
    SCALARS,
    SHARED,
    SIDES,
    flow_row,
    flow_shared,
    has_side,
    item_row,
    no_side,
    row_side_flow,
    row_sides,
    side_of,
    split_id,
)

#: Placeholders per ``IN (...)`` list when looking rows up by id.
_LOOKUP = 500

_EX_COLS = tuple(EXCHANGE_TABLE)
_SET_EX = ", ".join(f"{c} = excluded.{c}" for c in _EX_COLS if c != "id")
#: An exchange row from :attr:`Batch.exchanges`: seq, model, then the row in EXCHANGE_COLUMNS order.
_INSERT_ROW = (
    f"INSERT INTO exchanges (seq, model, {', '.join(EXCHANGE_COLUMNS)}) "
    f"VALUES (?, ?, {', '.join('?' * len(EXCHANGE_COLUMNS))})"
)
#: A whole exchange row from Python (seq, model, then the table's columns), new or updated in place.
_PUT_ROW = (
    f"INSERT INTO exchanges (seq, model, {', '.join(_EX_COLS)}) VALUES ({', '.join('?' * (len(_EX_COLS) + 2))}) "
    f"ON CONFLICT (model, id) DO UPDATE SET seq = excluded.seq, {_SET_EX}"
)
_PUT_FLOW = (
    f"INSERT INTO flows (seq, model, {', '.join(FLOW_FIELDS)}) VALUES ({', '.join('?' * (len(FLOW_FIELDS) + 2))}) "
    f"ON CONFLICT (model, id) DO UPDATE SET seq = excluded.seq, "
    + ", ".join(f"{c} = excluded.{c}" for c in FLOW_FIELDS if c != "id")
)

# The staging table of the general exchange path: a batch, then what SQL found about each row.
_STAGE = (
    f"CREATE TEMP TABLE IF NOT EXISTS ex_in (pos INTEGER PRIMARY KEY, {', '.join(EXCHANGE_COLUMNS)}, "
    "old INTEGER, omask INTEGER, same_shared INTEGER, same_gets INTEGER, same_gives INTEGER, "
    "complex INTEGER NOT NULL DEFAULT 0)"
)
_STAGE_INSERT = (
    f"INSERT INTO temp.ex_in ({', '.join(EXCHANGE_COLUMNS)}) VALUES ({', '.join('?' * len(EXCHANGE_COLUMNS))})"
)


def _mask(prefix: str = "") -> str:
    return f"({has_side(GETS, prefix)} + 2 * {has_side(GIVES, prefix)})"


def _same(columns: Sequence[str]) -> str:
    return f"(({', '.join('ex_in.' + c for c in columns)}) IS ({', '.join('o.' + c for c in columns)}))"


_STAGE_COMPARE = (
    f"UPDATE temp.ex_in SET old = o.seq, omask = {_mask('o.')}, same_shared = {_same(SHARED)}, "
    f"same_gets = {_same(('gets', 'gets_money'))}, same_gives = {_same(('gives', 'gives_money'))} "
    "FROM main.exchanges AS o WHERE o.model = ? AND o.id = ex_in.id"
)
_SAME_ROW = "(same_shared AND same_gets AND same_gives)"
_STAGE_COUNTS = (
    f"SELECT coalesce(sum(CASE WHEN old IS NULL THEN {has_side(GETS)} + {has_side(GIVES)} END), 0), "
    f"coalesce(sum(CASE WHEN old IS NOT NULL THEN {has_side(GETS)} * (same_shared AND same_gets) "
    f"+ {has_side(GIVES)} * (same_shared AND same_gives) END), 0), "
    f"coalesce(sum(CASE WHEN old IS NOT NULL THEN {has_side(GETS)} * (NOT (same_shared AND same_gets)) "
    f"+ {has_side(GIVES)} * (NOT (same_shared AND same_gives)) END), 0) "
    "FROM temp.ex_in WHERE NOT complex AND pos BETWEEN ? AND ?"
)
_STAGE_APPLY = (
    f"INSERT INTO main.exchanges (seq, model, {', '.join(_EX_COLS)}) "
    f"SELECT ? + 2 * (pos - ?), ?, {', '.join(_EX_COLS)} FROM temp.ex_in "
    f"WHERE NOT complex AND pos BETWEEN ? AND ? AND (old IS NULL OR NOT {_SAME_ROW}) "
    f"ON CONFLICT (model, id) DO UPDATE SET {_SET_EX}"
)


def item_upsert(kind: str) -> str:
    """Upsert of an actor, goal or respondent row that leaves an unchanged row alone (so rowcount counts changes)."""
    cols = ("model", "id", *SCALARS[kind], "doc")
    values = [c for c in cols if c not in ("model", "id")]
    return (
        f"INSERT INTO {kind} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        f"ON CONFLICT (model, id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in values)} "
        f"WHERE ({', '.join(values)}) IS NOT ({', '.join('excluded.' + c for c in values)})"
    )


_ITEM_UPSERT = {kind: item_upsert(kind) for kind in ITEM_CLASSES}
_ITEM_INSERT = {kind: sql.split(" ON CONFLICT")[0] for kind, sql in _ITEM_UPSERT.items()}


def _unique_runs(rows: Sequence[ExchangeRow]) -> Iterator[Sequence[ExchangeRow]]:
    """``rows`` cut into consecutive runs in which no exchange id repeats (one run, nearly always)."""
    start = 0
    seen: set[Any] = set()
    for i, row in enumerate(rows):
        if row[0] in seen:
            yield rows[start:i]
            start, seen = i, set()
        seen.add(row[0])
    yield rows[start:]


def _is_unique_failure(exc: sqlite3.IntegrityError) -> bool:
    return "UNIQUE" in str(exc)


def _agrees(row: dict[str, Any], flow: Flow, actor: str, customer: str) -> bool:
    """Whether ``flow`` shares every shared field with the exchange row (so both fit in one row)."""
    return all(row[name] == value for name, value in flow_shared(flow, actor, customer).items())


def _set_side(row: dict[str, Any], side: int, flow: Flow, actor: str, customer: str) -> None:
    row.update(flow_shared(flow, actor, customer))
    name = SIDES[side][0]
    row[name], row[f"{name}_money"] = flow.magnitude, flow.money


def _hosted_seq(row: dict[str, Any], side: int) -> int:
    """The ``flows.seq`` a side leaving this row takes, so that it keeps its place (see the schema module)."""
    return int(row["seq"]) + (0 if side == GETS else 1)


@dataclass
class _Touched:
    """The stored rows and flows one batch of :meth:`StoreWrite.put_flows` touches, and what it changes."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    flows: dict[str, tuple[int, Flow]] = field(default_factory=dict)
    dirty_rows: set[str] = field(default_factory=set)
    deleted_rows: list[int] = field(default_factory=list)
    dirty_flows: set[str] = field(default_factory=set)
    dropped_flows: set[str] = field(default_factory=set)

    def find(self, flow_id: str) -> Flow | None:
        """The stored flow with this id, wherever it is."""
        if flow_id in self.flows:
            return self.flows[flow_id][1]
        where = split_id(flow_id)
        if where is not None and where[0] in self.rows and where[1] in row_sides(self.rows[where[0]]):
            return row_side_flow(self.rows[where[0]], where[1])
        return None

    def in_row(self, flow_id: str) -> tuple[dict[str, Any], int] | None:
        if flow_id in self.flows:
            return None
        where = split_id(flow_id)
        if where is not None and where[0] in self.rows and where[1] in row_sides(self.rows[where[0]]):
            return self.rows[where[0]], where[1]
        return None

    def put_flow(self, flow: Flow, seq: int) -> None:
        self.flows[flow.id] = (seq, flow)
        self.dirty_flows.add(flow.id)
        self.dropped_flows.discard(flow.id)

    def drop_flow(self, flow_id: str) -> None:
        del self.flows[flow_id]
        self.dirty_flows.discard(flow_id)
        self.dropped_flows.add(flow_id)

    def clear_side(self, row: dict[str, Any], side: int) -> None:
        name = SIDES[side][0]
        row[name] = row[f"{name}_money"] = None
        if row_sides(row):
            self.dirty_rows.add(row["id"])
        else:  # a row that stands for no flow is deleted
            del self.rows[row["id"]]
            self.dirty_rows.discard(row["id"])
            self.deleted_rows.append(int(row["seq"]))

    def hosted(self, flow_id: str) -> tuple[dict[str, Any], int] | None:
        """The row and side whose place the stored flow ``flow_id`` (a row of ``flows``) keeps, if any."""
        where = split_id(flow_id)
        if where is None or flow_id not in self.flows or where[0] not in self.rows:
            return None
        row = self.rows[where[0]]
        return (row, where[1]) if self.flows[flow_id][0] == _hosted_seq(row, where[1]) else None


class StoreWrite:
    """The state of one write of one model: the seq counter, what is fresh, the flow counts."""

    def __init__(self, db: sqlite3.Connection, model_id: str, *, track: bool) -> None:
        self.db = db
        self.mid = model_id
        self.track = track
        self.flow_counts = Counts()
        (next_seq,) = db.execute(
            "SELECT max(coalesce((SELECT max(seq) FROM exchanges) + 2, 1), "
            "coalesce((SELECT max(seq) FROM flows) + 1, 1))"
        ).fetchone()
        self.next_seq = int(next_seq)
        #: Rows with a seq from here on were written by this write (the removal of ``replace`` relies on it).
        self.base: int = self.next_seq
        #: The model holds no exchange row, and no flow in ``flows`` could be one of its sides: plain inserts.
        self.ex_fresh = db.execute("SELECT 1 FROM exchanges WHERE model = ? LIMIT 1", (model_id,)).fetchone() is None
        #: Some row of ``flows`` has an id like an exchange side's: staged rows must be checked against them.
        self.flows_may_collide = (
            db.execute(
                "SELECT 1 FROM flows WHERE model = ? AND (id LIKE '%:gets' OR id LIKE '%:gives') LIMIT 1", (model_id,)
            ).fetchone()
            is not None
        )
        self.ex_fresh = self.ex_fresh and not self.flows_may_collide
        #: The exchange whose row was the last flow placed: its gives side may still join it.
        self.last_row: str | None = None
        #: Where the next new flow goes instead of the counter (replaying a repeated exchange in its place).
        self.place_at: int | None = None
        self._bulk_checked = False
        self.bulk = False
        if track:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS written_flows (id TEXT PRIMARY KEY)")
            db.execute("CREATE TEMP TABLE IF NOT EXISTS written_rows (seq INTEGER PRIMARY KEY, mask INTEGER)")
            db.execute("DELETE FROM written_flows")
            db.execute("DELETE FROM written_rows")
            for kind in ITEM_CLASSES:
                db.execute(f"CREATE TEMP TABLE IF NOT EXISTS written_{kind} (id TEXT PRIMARY KEY)")
                db.execute(f"DELETE FROM written_{kind}")

    def _new_seq(self, step: int) -> int:
        if self.place_at is not None:
            seq, self.place_at = self.place_at, None
            return seq
        seq = self.next_seq
        self.next_seq += step
        return seq

    # -- actors, goals, respondents -------------------------------------------------------------
    def put_items(self, kind: str, items: Sequence[Actor | Goal | Respondent], fresh: bool) -> tuple[int, bool]:
        """Write actors, goals or respondents; the number changed, and whether plain inserts still suit.

        ``fresh``: the model holds none of this kind yet, so plain inserts; should an id
        repeat within the write, the batch is rolled back to its savepoint and upserted.
        """
        db = self.db
        rows = [item_row(kind, self.mid, x) for x in items]
        if self.track:
            db.executemany(f"INSERT OR IGNORE INTO written_{kind} VALUES (?)", ((r[1],) for r in rows))
        if fresh:
            db.execute("SAVEPOINT new_items")
            try:
                db.executemany(_ITEM_INSERT[kind], rows)
            except sqlite3.IntegrityError as exc:
                db.execute("ROLLBACK TO new_items")
                db.execute("RELEASE new_items")
                if not _is_unique_failure(exc):
                    raise
            else:
                db.execute("RELEASE new_items")
                return len(rows), True
        return db.executemany(_ITEM_UPSERT[kind], rows).rowcount, False

    # -- exchange rows ----------------------------------------------------------------------------
    def put_rows(self, rows: Sequence[ExchangeRow]) -> None:
        """Write interview exchanges given as rows of :data:`~valuenet.store.base.EXCHANGE_COLUMNS`."""
        if not rows:
            return
        if self.ex_fresh and self._insert_fresh(rows):
            return
        self.end_bulk()
        for run in _unique_runs(rows):
            self._upsert_rows(run)

    def _insert_fresh(self, rows: Sequence[ExchangeRow]) -> bool:
        """Plain inserts into a model with no exchange yet; ``False`` when an id repeated (nothing written)."""
        db = self.db
        if not self._bulk_checked:
            self._bulk_checked = True
            if db.execute("SELECT 1 FROM exchanges LIMIT 1").fetchone() is None:
                self._begin_bulk()
        lo = self.next_seq
        hi = lo + 2 * len(rows)
        db.execute("SAVEPOINT new_rows")
        try:
            mid = self.mid
            db.executemany(_INSERT_ROW, ((seq, mid, *row) for seq, row in zip(range(lo, hi, 2), rows, strict=True)))
        except sqlite3.IntegrityError as exc:
            db.execute("ROLLBACK TO new_rows")
            db.execute("RELEASE new_rows")
            if not _is_unique_failure(exc):
                raise
            self.ex_fresh = False
            return False
        db.execute("RELEASE new_rows")
        self.next_seq = hi
        gets, gives, empty = db.execute(
            f"SELECT coalesce(sum({has_side(GETS)}), 0), coalesce(sum({has_side(GIVES)}), 0), "
            f"coalesce(sum({no_side()}), 0) FROM exchanges WHERE seq >= ? AND seq < ?",
            (lo, hi),
        ).fetchone()
        if empty:  # a row with neither magnitude nor money on either side stands for no flow
            db.execute(f"DELETE FROM exchanges WHERE seq >= ? AND seq < ? AND {no_side()}", (lo, hi))
        self.flow_counts.added += gets + gives
        self.last_row = None
        return True

    def _upsert_rows(self, rows: Sequence[ExchangeRow]) -> None:
        """Stage rows (no id repeated), let SQL compare them with the stored ones, and write what changed."""
        db = self.db
        db.execute(_STAGE)
        db.execute("DELETE FROM temp.ex_in")
        db.executemany(_STAGE_INSERT, rows)
        db.execute(f"DELETE FROM temp.ex_in WHERE {no_side()}")
        db.execute(_STAGE_COMPARE, (self.mid,))
        db.execute(f"UPDATE temp.ex_in SET complex = 1 WHERE old IS NOT NULL AND omask != {_mask()}")
        if self.flows_may_collide:
            db.execute(
                "UPDATE temp.ex_in SET complex = 1 WHERE EXISTS (SELECT 1 FROM main.flows AS f "
                "WHERE f.model = ? AND f.id IN (ex_in.id || ':gets', ex_in.id || ':gives'))",
                (self.mid,),
            )
        complex_rows = db.execute(
            f"SELECT pos, {', '.join(EXCHANGE_COLUMNS)} FROM temp.ex_in WHERE complex ORDER BY pos"
        ).fetchall()
        start = 1
        for pos, *row in complex_rows:
            self._apply_staged(start, pos - 1)
            self.put_flows(row_flows(tuple(row)))
            start = pos + 1
        self._apply_staged(start, len(rows))

    def _apply_staged(self, lo: int, hi: int) -> None:
        """Write the staged rows ``lo..hi`` that are not complex, counting their flows."""
        if lo > hi:
            return
        db = self.db
        added, unchanged, updated = db.execute(_STAGE_COUNTS, (lo, hi)).fetchone()
        c = self.flow_counts
        c.added, c.unchanged, c.updated = c.added + added, c.unchanged + unchanged, c.updated + updated
        base = self.next_seq
        self.next_seq += 2 * (hi - lo + 1)
        if added:
            self.last_row = None
        db.execute(_STAGE_APPLY, (base, lo, self.mid, lo, hi))
        if self.track:
            db.execute(
                "INSERT OR IGNORE INTO temp.written_rows SELECT old, omask FROM temp.ex_in "
                "WHERE old IS NOT NULL AND NOT complex AND pos BETWEEN ? AND ?",
                (lo, hi),
            )

    # -- bulk loads -------------------------------------------------------------------------------
    def _begin_bulk(self) -> None:
        """Drop the indexes of ``exchanges`` (it holds no rows): plain inserts, and the indexes built once."""
        for name in INDEXES["exchanges"]:
            self.db.execute(f"DROP INDEX {name}")
        self.bulk = True

    def end_bulk(self) -> None:
        """Build the indexes dropped by a bulk load again; exchanges repeated in the load are then merged."""
        if not self.bulk:
            return
        db = self.db
        self.bulk = False
        unique = INDEXES["exchanges"]["exchanges_id"]
        db.execute("SAVEPOINT unique_ids")
        try:
            db.execute(unique)
        except sqlite3.IntegrityError:
            db.execute("ROLLBACK TO unique_ids")
            db.execute("RELEASE unique_ids")
            repeats = self._take_repeats()
            db.execute(unique)
        else:
            db.execute("RELEASE unique_ids")
            repeats = []
        for name, sql in INDEXES["exchanges"].items():
            if name != "exchanges_id":
                db.execute(sql)
        for seq, row in repeats:  # upserts, in the order written, each new flow in its row's place
            self.place_at = seq
            self.put_flows(row_flows(row))
            self.place_at = None

    def _take_repeats(self) -> list[tuple[int, ExchangeRow]]:
        """Remove every exchange row whose id repeats an earlier one of the load; the removed rows, in order.

        Their flows were counted as added; they are counted again as they are written back.
        """
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS firsts (model TEXT, id TEXT, seq INTEGER, PRIMARY KEY (model, id))")
        db.execute("DELETE FROM temp.firsts")
        db.execute(
            "INSERT INTO temp.firsts SELECT model, id, min(seq) FROM exchanges GROUP BY model, id HAVING count(*) > 1"
        )
        # CROSS JOIN: one scan of the (unindexed) table, each row looked up among the few repeated ids
        repeats: list[tuple[int, ExchangeRow]] = [
            (int(seq), tuple(row))
            for seq, *row in db.execute(
                f"SELECT e.seq, {', '.join('e.' + c for c in EXCHANGE_COLUMNS)} FROM exchanges AS e "
                "CROSS JOIN temp.firsts AS f ON f.model = e.model AND f.id = e.id WHERE e.seq > f.seq ORDER BY e.seq"
            )
        ]
        db.executemany("DELETE FROM exchanges WHERE seq = ?", ((seq,) for seq, _ in repeats))
        for _, row in repeats:
            self.flow_counts.added -= len(row_flows(row))
        return repeats

    # -- flows --------------------------------------------------------------------------------------
    def put_flows(self, flows: Sequence[Flow]) -> None:
        """Write flows given as objects, each into the exchange row it is a side of or into ``flows``."""
        if not flows:
            return
        self.end_bulk()  # placing a flow may read or upsert an exchange row, by id
        if any(split_id(f.id) for f in flows):
            self.ex_fresh = False
        touched = self._touched(flows)
        written: list[str] = []
        for f in flows:
            self._place(touched, f)
            written.append(f.id)
        self._save(touched)
        if self.track:
            self.db.executemany("INSERT OR IGNORE INTO temp.written_flows VALUES (?)", ((i,) for i in written))

    def _touched(self, flows: Sequence[Flow]) -> _Touched:
        """The stored exchange rows and ``flows`` rows the flows may touch."""
        db = self.db
        exchanges = sorted({where[0] for f in flows if (where := split_id(f.id))})
        ids = sorted({f.id for f in flows} | {f"{x}:{n}" for x in exchanges for n in ("gets", "gives")})
        out = _Touched()
        cols = ("seq", *_EX_COLS)
        for part in _chunks(exchanges):
            marks = ",".join("?" * len(part))
            for row in db.execute(
                f"SELECT {', '.join(cols)} FROM exchanges WHERE model = ? AND id IN ({marks})", (self.mid, *part)
            ):
                out.rows[row[1]] = dict(zip(cols, row, strict=True))
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            for seq, *row in db.execute(
                f"SELECT seq, {', '.join(FLOW_FIELDS)} FROM flows WHERE model = ? AND id IN ({marks})",
                (self.mid, *part),
            ):
                flow = Flow.model_validate(dict(zip(FLOW_FIELDS, row, strict=True)))
                out.flows[flow.id] = (int(seq), flow)
        return out

    def _place(self, t: _Touched, f: Flow) -> None:
        """Count ``f`` against what is stored under its id, and place it (see the module docstring)."""
        old = t.find(f.id)
        c = self.flow_counts
        if old is not None and old == f:
            c.unchanged += 1
            return
        if old is None:
            c.added += 1
        else:
            c.updated += 1
        side = side_of(f)
        if old is not None:
            self._replace(t, f, side)
            return
        if side is not None:
            k, actor, customer = side
            x = str(f.exchange)
            row = t.rows.get(x)
            if row is None:
                new = dict.fromkeys(("seq", *_EX_COLS))
                new.update(seq=self._new_seq(2), id=x)
                _set_side(new, k, f, actor, customer)
                t.rows[x] = new
                t.dirty_rows.add(x)
                self.last_row = x
                return
            if k == GIVES and self.last_row == x and row_sides(row) == [GETS] and _agrees(row, f, actor, customer):
                _set_side(row, k, f, actor, customer)
                t.dirty_rows.add(x)
                self.last_row = None
                return
        t.put_flow(f, self._new_seq(1))
        self.flows_may_collide = self.flows_may_collide or split_id(f.id) is not None
        self.last_row = None

    def _replace(self, t: _Touched, f: Flow, side: tuple[int, str, str] | None) -> None:
        """Put ``f`` where the stored flow with its id is, or beside it when it no longer fits there."""
        at = t.in_row(f.id)
        if at is not None:
            row, k = at
            alone = row_sides(row) == [k]
            if side is not None and side[0] == k and (alone or _agrees(row, f, side[1], side[2])):
                _set_side(row, k, f, side[1], side[2])
                t.dirty_rows.add(row["id"])
                if alone:
                    self._rejoin(t, row, GIVES if k == GETS else GETS)
                return
            seq = _hosted_seq(row, k)
            t.clear_side(row, k)
            t.put_flow(f, seq)
            self.flows_may_collide = True
            return
        hosted = t.hosted(f.id)
        if hosted is not None and side is not None and side[0] == hosted[1]:
            row, k = hosted
            if _agrees(row, f, side[1], side[2]):  # back into the row whose place it kept
                t.drop_flow(f.id)
                _set_side(row, k, f, side[1], side[2])
                t.dirty_rows.add(row["id"])
                return
        t.put_flow(f, t.flows[f.id][0])

    def _rejoin(self, t: _Touched, row: dict[str, Any], k: int) -> None:
        """A side kept in ``flows`` beside ``row`` goes back into it once it agrees with the row again."""
        flow_id = f"{row['id']}:{SIDES[k][0]}"
        if t.hosted(flow_id) is None:
            return
        flow = t.flows[flow_id][1]
        side = side_of(flow)
        if side is not None and side[0] == k and _agrees(row, flow, side[1], side[2]):
            t.drop_flow(flow_id)
            _set_side(row, k, flow, side[1], side[2])
            t.dirty_rows.add(row["id"])

    def _save(self, t: _Touched) -> None:
        db, mid = self.db, self.mid
        db.executemany("DELETE FROM exchanges WHERE seq = ?", ((s,) for s in t.deleted_rows))
        db.executemany("DELETE FROM flows WHERE model = ? AND id = ?", ((mid, i) for i in sorted(t.dropped_flows)))
        db.executemany(
            _PUT_ROW,
            ((t.rows[x]["seq"], mid, *(t.rows[x][c] for c in _EX_COLS)) for x in sorted(t.dirty_rows)),
        )
        db.executemany(_PUT_FLOW, (flow_row(mid, *t.flows[i]) for i in sorted(t.dirty_flows)))

    # -- the end of the write ---------------------------------------------------------------------
    def finish(self) -> None:
        """Build dropped indexes again."""
        self.end_bulk()

    def remove_unwritten(self, respondents: Sequence[str] | None) -> int:
        """Remove the flows this write did not write (of ``respondents`` only, unless ``None``); how many."""
        db, mid = self.db, self.mid
        who, args = "", tuple[str, ...]()
        if respondents is not None:
            who = f" AND respondent IN ({','.join('?' * len(respondents))})"
            args = tuple(respondents)
        removed = int(
            db.execute(
                f"DELETE FROM flows WHERE model = ?{who} AND id NOT IN (SELECT id FROM temp.written_flows)",
                (mid, *args),
            ).rowcount
        )
        for side, (name, _, _) in SIDES.items():
            removed += int(
                db.execute(
                    f"UPDATE exchanges SET {name} = NULL, {name}_money = NULL "
                    f"WHERE model = ?{who} AND seq < ? AND {has_side(side)} "
                    f"AND NOT EXISTS (SELECT 1 FROM temp.written_rows AS w WHERE w.seq = exchanges.seq "
                    f"AND w.mask & {side}) AND id || ':{name}' NOT IN (SELECT id FROM temp.written_flows)",
                    (mid, *args, self.base),
                ).rowcount
            )
        db.execute(f"DELETE FROM exchanges WHERE model = ?{who} AND seq < ? AND {no_side()}", (mid, *args, self.base))
        return removed


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    return (items[i : i + _LOOKUP] for i in range(0, len(items), _LOOKUP))


__all__ = ["StoreWrite", "item_upsert"]
