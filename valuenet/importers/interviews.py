"""Import interview tables (CSV, XLSX, JSON, JSONL) into a model in a store, validated and idempotent.

The tables come from :mod:`valuenet.formats` as :class:`~valuenet.formats.source.SourceTable` objects.

The import makes two streaming passes over the files:

1. **Validate.** Rows come in chunks of columns (:mod:`valuenet.formats.chunks`); a
   chunk of ordinary rows is checked column by column (:mod:`valuenet.importers.columnar`),
   any other row by row (:mod:`valuenet.importers.rowcheck`), with the same result. All
   problems are collected (the first :data:`MAX_PROBLEMS` are shown, with a count of
   the rest), respondent-level values are gathered and compared across rows, and
   repeated exchange ids are found. Only compact per-row hashes are kept.
2. **Write.** When nothing is wrong (or ``skip_invalid`` is on), the checked rows
   kept by the first pass are written through :meth:`Store.write
   <valuenet.store.base.Store.write>` in bounded batches, as exchange rows
   (:attr:`Batch.exchanges <valuenet.store.base.Batch.exchanges>`) with their customer;
   each batch is built in a second thread while the store writes the last (:func:`ahead`).

So an invalid file writes nothing, on every store. On the SQLite store the write
is one transaction: an interrupted import (Ctrl-C, kill -9) leaves the store as it
was. On stores that commit per batch, it stops at a batch boundary that a re-run
completes, since every item has a stable id.

Ids: an exchange's id comes from an ``exchange_id`` column or is derived by
:func:`valuenet.models.exchange_id`; its flows are ``<id>:gets`` and
``<id>:gives``. Importing the same rows again changes nothing.
"""

from __future__ import annotations

import itertools
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Full, Queue
from typing import IO, Any

import numpy as np
from pydantic import ValidationError

from valuenet.errors import ModelFileError, Problem
from valuenet.formats import columns
from valuenet.formats.chunks import table_chunks
from valuenet.formats.rejects import RejectsWriter
from valuenet.formats.source import SourceTable
from valuenet.importers.columnar import Block, ChunkChecker
from valuenet.importers.rowcheck import Checked, RowChecker
from valuenet.importers.target import ImportTarget
from valuenet.importers.validation import ValidationState, dump_chunk, plain, records, split
from valuenet.importers.validation import ref as row_ref
from valuenet.models import Exchange, Respondent, exchange_id
from valuenet.store.base import Batch, ExchangeRow, Store, WriteSummary, exchange_row

#: Progress callback: ``(phase, rows done, rows in all or None)``, phase ``"checking"`` or ``"writing"``.
#: The library reports progress through it; only the command line draws it.
ImportProgress = Callable[[str, int, "int | None"], None]

#: Rows turned into flows per batch written to the store.
BATCH_ROWS = 5000
_SPILL_CHUNK = 2000
_MISSING = object()
_TABLE_ORDER = {t: i for i, t in enumerate(columns.TABLES)}


@dataclass
class InterviewImportResult:
    """What an import of interview tables did (or, in a dry run, would do)."""

    model: str
    rows: int = 0
    imported: int = 0
    rejected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(columns.TABLES, 0))
    repeated: int = 0
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hidden_problems: int = 0
    rejects_file: str | None = None
    summary: WriteSummary = field(default_factory=WriteSummary)

    @property
    def total_rejected(self) -> int:
        return sum(self.rejected.values())


def _unknown_column(table: SourceTable, header: str) -> Problem:
    """The warning for a header the layout does not know, with the column it was probably meant to be."""
    meant = columns.suggest_column(header, table.table)
    fix = (
        f'Did you mean "{meant}"? Rename it, or remove it.'
        if meant
        else f"Rename it to a layout column (see docs/interview-layout.md), write {columns.ATTRIBUTE_PREFIX}"
        f"{columns.normalise_header(header)} to keep it as a respondent attribute, or remove it."
    )
    return Problem(table.where(), f'column "{header}" is not part of the layout and is ignored.', fix)


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        value = "; ".join(value)
    return f'"{value}"' if isinstance(value, str) else str(value)


def _headers(table: SourceTable, raw: dict[str, str] | None = None) -> dict[str, str]:
    return raw or {c: c for c in table.columns}


class InterviewImport:
    """One import of interview tables into one model: ``validate()``, then ``batches()`` for the store."""

    def __init__(
        self,
        tables: Sequence[SourceTable],
        target: ImportTarget,
        *,
        replace: bool = False,
        skip_invalid: bool = False,
        progress: ImportProgress | None = None,
    ) -> None:
        self.tables = sorted(tables, key=lambda t: _TABLE_ORDER[t.table])
        self.target = target
        self.replace = replace
        self.skip_invalid = skip_invalid
        self.progress = progress
        self.result = InterviewImportResult(target.model_id)
        self.v = ValidationState(keep_reasons=skip_invalid)
        self.checkers = [RowChecker(t, target, _headers(t)) for t in self.tables]
        self.pending_fix: dict[int, str] = {}
        self._spill: IO[bytes] | None = None
        self._records: IO[bytes] | None = None

    # -- pass 1 ------------------------------------------------------------------------------
    def validate(self) -> InterviewImportResult:
        """Check every row; raise :class:`ModelFileError` unless all are valid or ``skip_invalid`` is on.

        Checked exchanges are kept in a temporary file (not in memory) for the writing pass.
        """
        header_problems = [p for c in self.checkers for p in c.problems] + self.target.alias_problems
        if header_problems:
            raise ModelFileError(header_problems)
        self._spill = tempfile.TemporaryFile(prefix="valuenet-import-")
        try:
            return self._validate()
        except BaseException:
            self.close()
            raise

    def _validate(self) -> InterviewImportResult:
        v, res = self.v, self.result
        chunk: list[tuple[Any, ...]] = []
        spill = self._spill
        assert spill is not None
        keep_raw = self.skip_invalid
        done = 0
        for ti, (table, checker) in enumerate(zip(self.tables, self.checkers, strict=True)):
            before = res.rows
            columnar = ChunkChecker(checker, self.target)
            for part in table_chunks(table):
                block = columnar.check(part, v.resp, self._customer_given, keep_raw=keep_raw)
                if block is not None:
                    if chunk:
                        dump_chunk(chunk, spill)
                        chunk = []
                    self._take_block(ti, table, checker, block)
                    res.rows += len(block.numbers)
                    done += len(block.numbers)
                    if self.progress is not None:
                        self.progress("checking", done, None)
                    continue
                for n, row in part.plain_rows():
                    res.rows += 1
                    checked = checker.check(n, row)
                    ref = row_ref(ti, n)
                    if checked.problems:
                        checker.forget()
                        v.reject(ti, table.table, n, checked.problems)
                        if keep_raw:
                            chunk.append((ref, None, plain(row), False))
                    elif not self._gather(ti, table, checker, n, checked):
                        checker.forget()
                        if keep_raw:
                            chunk.append((ref, None, plain(row), False))
                    elif checked.exchange is not None:
                        ex = checked.exchange
                        chunk.append((ref, tuple(ex), plain(row) if keep_raw else None, "exchange_id" not in row))
                    if len(chunk) >= _SPILL_CHUNK:
                        dump_chunk(chunk, spill)
                        chunk = []
                    done += 1
                    if self.progress is not None and done % 1000 == 0:
                        self.progress("checking", done, None)
            if res.rows == before:
                raise ModelFileError(
                    [
                        Problem(
                            table.where(),
                            "has a header but no data rows.",
                            "Add rows below the header, or leave the file out.",
                        )
                    ]
                )
        if chunk:
            dump_chunk(chunk, spill)
        self._check_customers()
        self._resolve_pending()
        self.v.find_repeats(self.tables, self._contents)
        self._build_respondents()
        final = self.target.final_problems(", ".join(t.where() for t in self.tables[:1]))
        if final:  # the model as a whole cannot be built: no row can be written
            raise ModelFileError(final + v.problems, hidden=v.count - len(v.problems))
        res.warnings = self.target.warnings + [_unknown_column(t, u) for t in self.tables for u in sorted(t.unknown)]
        res.rejected = dict(v.rejected_count)
        res.repeated = len(v.repeats)
        res.problems = list(v.problems)
        res.hidden_problems = max(0, v.count - len(v.problems))
        res.imported = res.rows - res.total_rejected - res.repeated
        if v.count and not self.skip_invalid:
            raise ModelFileError(v.problems, hidden=res.hidden_problems)
        return res

    def _take_block(self, ti: int, table: SourceTable, checker: RowChecker, block: Block) -> None:
        """Record a chunk checked as columns, as :meth:`_gather` records a row, and keep it for the writing pass."""
        v = self.v
        for rid, (n, values) in block.respondents.items():
            v.named.setdefault(rid)
            if values and not self._merge_respondent(ti, table, n, rid, values):
                raise RuntimeError(f"respondent {rid} at {table.where(n)} conflicts; the columnar check should see it")
        checker.forget()  # the next row parses its respondent cells again
        cols = block.columns
        refs = (row_ref(ti, 0) | np.asarray(block.numbers, dtype=np.int64)).tolist()
        v.keys.extend(map(hash, cols[0]))
        v.refs.extend(refs)
        raw = None if block.raw is None else [plain(r) for r in block.raw]
        assert self._spill is not None
        dump_chunk([(None, ti, block.numbers, cols, block.derived, raw)], self._spill)

    def _contents(self, wanted: set[int]) -> dict[int, int]:
        """A hash of the exchange each of the ``wanted`` rows holds, read again from the checked rows."""
        assert self._spill is not None
        out: dict[int, int] = {}
        self._spill.seek(0)
        for item in records(self._spill):
            if item[0] is None:
                _, ti, numbers, cols, _, _ = item
                for i, n in enumerate(numbers):
                    ref = row_ref(ti, n)
                    if ref in wanted:
                        out[ref] = hash(tuple(c[i] for c in cols))
            elif item[1] is not None and item[0] in wanted:
                out[item[0]] = hash(tuple(item[1]))
        self._spill.seek(0, 2)
        return out

    def _customer_given(self, goal: str, rid: str, given: str | None) -> str | None:
        """The customer of an exchange of respondent ``rid`` in ``goal``, whose tables name ``given`` (or nothing)."""
        stored = None if self.replace else self.target.respondents.get(rid)
        return self.target.customer_of(goal, stored, given)

    def close(self) -> None:
        """Remove the temporary files of checked rows and built respondents."""
        for f in (self._spill, self._records):
            if f is not None:
                f.close()
        self._spill = self._records = None

    def _gather(self, ti: int, table: SourceTable, checker: RowChecker, n: int, checked: Checked) -> bool:
        """Record a valid row's respondent values and exchange key; ``False`` when that rejects it."""
        v = self.v
        rid = checked.respondent
        if rid is not None:
            v.named.setdefault(rid)
            if checked.respondent_values and not self._merge_respondent(ti, table, n, rid, checked.respondent_values):
                return False
        if checked.pending_actor is not None:
            key = " ".join(checked.pending_actor.casefold().split())
            entry = v.pending.setdefault(key, (checked.pending_actor, []))
            entry[1].append((ti, n, table.where(n, checker.headers.get("actor", "actor"))))
        ex = checked.exchange
        if ex is not None:
            customer = self._customer(ex)
            if customer is None or customer == ex.actor:
                msg = (
                    f'actor "{ex.actor}" is the customer of this exchange.'
                    if customer
                    else f"goal {ex.goal} does not say who its customer is."
                )
                v.reject(
                    ti,
                    table.table,
                    n,
                    [
                        Problem(
                            table.where(n),
                            msg,
                            "Name the customer actor in a customer column, or set customer on the goal.",
                        )
                    ],
                )
                return False
            v.keys.append(hash(ex.id))
            v.refs.append(row_ref(ti, n))
        return True

    def _resp_value(self, rid: str | None, key: str) -> Any:
        if rid is None:
            return None
        return self.v.resp.get(rid, {}).get(key)

    def _where_ref(self, ref: int) -> str:
        ti, n = split(ref)
        return self.tables[ti].where(n)

    def _merge_respondent(self, ti: int, table: SourceTable, n: int, rid: str, values: dict[str, Any]) -> bool:
        v = self.v
        known = v.resp.setdefault(rid, {})
        first = v.resp_at.setdefault(rid, row_ref(ti, n))
        problems = []
        for key, value in values.items():
            old = known.get(key, _MISSING)
            if old is _MISSING or old == value:
                continue
            at = v.resp_late.get(rid, {}).get(key, first)
            col = key.replace("weights.", "weight_").replace("thresholds.", "threshold_")
            problems.append(
                Problem(
                    table.where(n, col),
                    f"{_shown(value)} conflicts with {_shown(old)} given "
                    f"for respondent {rid} at {self._where_ref(at)}.",
                    "Give each respondent one value: make the rows agree.",
                )
            )
        if problems:
            v.reject(ti, table.table, n, problems)
            return False
        ref = row_ref(ti, n)
        for key, value in values.items():
            if key not in known:
                known[key] = value
                if ref != first:
                    v.resp_late.setdefault(rid, {})[key] = ref
        return True

    def _resolve_pending(self) -> None:
        """Actors named before the row that creates them; rows naming an actor nobody creates are rejected."""
        for cell, refs in self.v.pending.values():
            found = self.target.actor_id(cell)
            if found is not None:
                for ti, n, _ in refs:
                    self.pending_fix[row_ref(ti, n)] = found
                continue
            err = self.target.unknown_actor(cell)
            for ti, n, where in refs:
                self.v.reject(ti, self.tables[ti].table, n, [Problem(where, err.message, err.fix)])

    def _respondent(self, rid: str) -> Respondent | None:
        """The record to write for a respondent the tables name; ``None`` to leave the stored one alone."""
        t, v = self.target, self.v
        values = v.resp.get(rid)
        stored = t.respondents.get(rid)
        if not values and stored is not None and not self.replace:
            return None
        data: dict[str, Any] = {} if (stored is None or self.replace) else stored.model_dump(exclude_defaults=True)
        data["id"] = rid
        for key, value in (values or {}).items():
            if "." in key:
                group, sub = key.split(".", 1)
                data.setdefault(group, {})[sub] = value
            else:
                data[key] = list(value) if isinstance(value, tuple) else value
        return Respondent.model_validate(data)

    def _respondent_ids(self) -> Iterator[str]:
        v = self.v
        yield from v.named
        yield from (r for r in v.resp if r not in v.named)

    def _build_respondents(self) -> None:
        """Build every respondent record once (each cell was checked; this guards the whole).

        The records wait for the writing pass in a temporary file, already validated, so that
        pass does not build them again.
        """
        self._records = tempfile.TemporaryFile(prefix="valuenet-respondents-")
        part: list[dict[str, Any]] = []
        for rid in self._respondent_ids():
            try:
                record = self._respondent(rid)
            except ValidationError as exc:
                self.v.reject(
                    -1, "respondents", 0, [Problem(f"respondent {rid}", str(exc), "Fix the respondent's cells.")]
                )
                continue
            if record is not None:
                part.append(record.model_dump())
            if len(part) >= _SPILL_CHUNK:
                _dump_records(part, self._records)
                part = []
        _dump_records(part, self._records)
        # from here on only the customer each respondent plays is needed (for its exchanges' customer)
        self.v.resp = {rid: {"actor": vals["actor"]} for rid, vals in self.v.resp.items() if "actor" in vals}

    def _built_respondents(self) -> Iterator[Respondent]:
        """The records :meth:`_build_respondents` built, in order (validated there: not again)."""
        records = self._records
        if records is None:
            raise RuntimeError("validate() must run before batches()")
        records.seek(0)
        while head := records.read(8):
            for data in pickle.loads(records.read(int.from_bytes(head, "little"))):
                yield Respondent.model_construct(**data)

    # -- pass 2 ------------------------------------------------------------------------------
    def replaced_respondents(self) -> list[str]:
        """Respondents whose data a ``replace`` import replaces wholesale."""
        return sorted(self.v.named) if self.replace else []

    def batches(self, rejects: RejectsWriter | None = None) -> Iterator[Batch]:
        """The new actors and goals, the respondents, then the flows, in bounded batches.

        Exchanges come as :attr:`Batch.exchanges`, rows with their customer.
        """
        t = self.target
        goals = [t.goals[g] for g in sorted(t.changed_goals)]
        if t.new_actors or goals:
            yield Batch(actors=list(t.new_actors.values()), goals=goals)
        resp: list[Respondent] = []
        for record in self._built_respondents():
            resp.append(record)
            if len(resp) >= BATCH_ROWS:
                yield Batch(respondents=resp)
                resp = []
        if resp:
            yield Batch(respondents=resp)
        v = self.v
        rows: list[ExchangeRow] = []
        written = 0
        spill = self._spill
        if spill is None:
            raise RuntimeError("validate() must run before batches()")
        spill.seek(0)
        for item in records(spill):
            if item[0] is None:  # a chunk checked as columns
                rows += self._block_rows(item, rejects)
            else:
                ref, ex_t, raw, derived = item
                ti, n = split(ref)
                if ex_t is None or v.is_rejected(ti, n):
                    if rejects is not None:
                        rejects.add(self.tables[ti], n, raw, v.rejected[ti][n])
                    continue
                if ref in v.repeats:
                    continue
                ex = Exchange._make(ex_t)
                if ref in self.pending_fix:
                    actor = self.pending_fix[ref]
                    xid = (
                        exchange_id(ex.respondent, ex.goal, ex.scenario, actor, ex.dimension, ex.touchpoint, ex.stage)
                        if derived
                        else ex.id
                    )
                    ex = ex._replace(actor=actor, id=xid)
                rows.append(exchange_row(ex, self._customer_of(ex)))
            if len(rows) >= BATCH_ROWS:
                written += len(rows)
                yield Batch(exchanges=rows)
                rows = []
                if self.progress is not None:
                    self.progress("writing", written, self.result.imported)
        if rows:
            yield Batch(exchanges=rows)
        if rejects is not None:
            for n, reason in v.rejected.get(-1, {}).items():
                rejects.add(None, n, {}, reason)

    def _block_rows(self, item: tuple[Any, ...], rejects: RejectsWriter | None) -> list[ExchangeRow]:
        """The exchange rows of a chunk checked as columns, leaving out rows rejected or repeated since."""
        _, ti, numbers, cols, _, raw = item
        v = self.v
        rejected = v.rejected.get(ti) or {}
        keep = None
        if rejected or v.repeats:
            keep = [not (n in rejected or row_ref(ti, n) in v.repeats) for n in numbers]
            if rejects is not None:
                for i, n in enumerate(numbers):
                    if n in rejected:
                        rejects.add(self.tables[ti], n, raw[i] if raw else {}, rejected[n])
        of = self._customer_given
        memo = {
            (goal, rid): of(goal, rid, self._resp_value(rid, "actor")) or ""
            for goal, rid in set(zip(cols[1], cols[14], strict=True))
        }
        customers = [
            c if c != actor else ""
            for c, actor in zip(map(memo.__getitem__, zip(cols[1], cols[14], strict=True)), cols[3], strict=True)
        ]
        out = list(zip(*cols, customers, strict=True))
        if keep is not None:
            out = [r for r, k in zip(out, keep, strict=True) if k]
        if any(not r[-1] for r in out):
            raise RuntimeError("an exchange has no customer; the validating pass should have rejected it")
        return out

    def _customer(self, ex: Exchange) -> str | None:
        rid = ex.respondent
        stored = None if self.replace else self.target.respondents.get(rid or "")
        return self.target.customer_of(ex.goal, stored, self._resp_value(rid, "actor"))

    def _customer_of(self, ex: Exchange) -> str:
        """The customer of a checked exchange (the validating pass made sure there is one)."""
        customer = self._customer(ex)
        if customer is None or customer == ex.actor:
            raise RuntimeError(f"exchange {ex.id} has no customer; the validating pass should have rejected it")
        return customer

    def _check_customers(self) -> None:
        """With respondents' customer actors known in full, every exchange needs a customer other than its actor."""
        if self._spill is None or not any("actor" in values for values in self.v.resp.values()):
            return  # the checks made row by row saw the final customers already
        self._spill.seek(0)
        for item in records(self._spill):
            if item[0] is None:
                _, ti, numbers, cols, _, _ = item
                found = [(n, Exchange._make(t)) for n, t in zip(numbers, zip(*cols, strict=True), strict=True)]
            else:
                at, ex_t, _, _ = item
                ti, n = split(at)
                if ex_t is None:
                    continue
                found = [(n, Exchange._make(ex_t))]
            for n, ex in found:
                if self.v.is_rejected(ti, n) or self._customer(ex) not in (None, ex.actor):
                    continue
                table = self.tables[ti]
                self.v.reject(
                    ti,
                    table.table,
                    n,
                    [
                        Problem(
                            table.where(n),
                            f'actor "{ex.actor}" is the customer of this exchange.',
                            "Fix the actor or the customer column.",
                        )
                    ],
                )
        self._spill.seek(0, 2)


_DONE = object()


@contextmanager
def ahead(items: Iterator[Batch], depth: int = 2) -> Iterator[Iterator[Batch]]:
    """``items``, made by a second thread up to ``depth`` ahead of the one that takes them.

    The writing pass reads checked rows back and builds exchange rows while the
    store writes the previous batch (SQLite lets other threads run while it works).
    An error in the making is raised where the batch is taken; leaving the block
    early (the store failed, Ctrl-C) stops the maker before the block ends.
    """
    queue: Queue[Any] = Queue(maxsize=depth)
    stop = threading.Event()

    def make() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        queue.put(item, timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            queue.put(_DONE)
        except BaseException as exc:  # handed to the taker, which raises it
            queue.put(exc)

    def take() -> Iterator[Batch]:
        while True:
            item = queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    maker = threading.Thread(target=make, name="valuenet-batches", daemon=True)
    maker.start()
    try:
        yield take()
    finally:
        stop.set()
        while maker.is_alive():  # let a maker blocked on a full queue see the stop
            with suppress(Empty):
                queue.get(timeout=0.05)
        maker.join()


def _dump_records(part: list[dict[str, Any]], out: IO[bytes]) -> None:
    if part:
        data = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(data).to_bytes(8, "little"))
        out.write(data)


def write_import(
    store: Store,
    imp: InterviewImport,
    *,
    rejects_path: str | Path | None = None,
    extra: Sequence[Batch] = (),
    replace: bool = False,
) -> InterviewImportResult:
    """Run the writing pass of a validated import into ``store``, after the ``extra`` batches.

    ``replace`` makes the stored model exactly what is written; otherwise a
    ``replace`` import replaces the data of the respondents the tables name.
    """
    rejects = RejectsWriter(rejects_path, imp.tables) if rejects_path and imp.result.total_rejected else None
    try:
        with ahead(imp.batches(rejects)) as batches:
            summary = store.write(
                imp.target.header,
                itertools.chain(extra, batches),
                replace=replace,
                replace_respondents=() if replace else imp.replaced_respondents(),
            )
    except BaseException:
        if rejects is not None:
            rejects.discard()
        raise
    finally:
        imp.close()
    if rejects is not None:
        rejects.commit()
        imp.result.rejects_file = str(rejects.path)
    imp.result.summary = summary
    return imp.result
