"""Check a chunk of interview rows column by column: each distinct cell once, not each row.

:func:`check_chunk` takes a :class:`~valuenet.formats.chunks.Chunk` of exchange
rows and, when every row in it is ordinary, returns them checked as columns (a
:class:`Block`), with the respondent values they give. Interview columns repeat a
few values many times (actors, dimensions, scales, segments, weights), so each
column is dictionary-encoded by ``pyarrow`` and every distinct cell is parsed
once, by the same functions the row-by-row check uses
(:mod:`valuenet.importers.rowcheck`); free text (quotes, notes) is checked with
``pyarrow`` string kernels. A row is ordinary when the row check would accept it
without creating anything: known actors, goals and dimensions, numbers in range,
plain text, a respondent whose cells agree on every row.

When any row is not ordinary, :func:`check_chunk` returns ``None`` and changes
nothing; the importer then checks that chunk row by row, which gives every
message, creates new actors, and reports conflicts exactly as before. So both
ways give the same result for every chunk; the vectorised one is only faster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from valuenet.formats import cells, columns
from valuenet.formats.cells import CellError
from valuenet.formats.chunks import Chunk, py_values
from valuenet.importers.rowcheck import (
    RowChecker,
    _exchange_id,
    _fast_float,
    _fast_ident,
    _fast_label,
    _number_not_yes_no,
)
from valuenet.importers.target import ImportTarget

#: The columns an ordinary exchange row may fill (besides its respondent's columns): the layout's exchange columns.
_EXCHANGE_COLUMNS = frozenset(columns.EXCHANGE_COLUMNS)
#: Free-text columns: kept exactly, refused when blank, too long or holding control characters.
_TEXT = ("quote", "note")
#: Control characters :data:`valuenet.models.CONTROL_IN_TEXT` refuses, for ``pyarrow``'s regular expressions.
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"
_BAD = object()


@dataclass
class _Places:
    """Each row's goal and scenario: a code per row into the distinct pairs the chunk holds."""

    codes: np.ndarray
    values: list[tuple[str, str]]

    def rows(self, part: int) -> list[str]:
        table = np.empty(len(self.values), dtype=object)
        table[:] = [v[part] for v in self.values]
        out: list[str] = table[self.codes].tolist()
        return out


class _NotOrdinary(Exception):
    """A row of the chunk needs the row-by-row check."""


@dataclass
class Block:
    """A chunk's exchanges, checked, as columns in :class:`~valuenet.models.Exchange` field order."""

    numbers: list[int]
    columns: list[list[Any]]
    derived: list[bool]
    #: respondent id -> (row number of its first row here, the respondent values its rows give)
    respondents: dict[str, tuple[int, dict[str, Any]]]
    #: the rows as read, for a rejects file (only when rejected rows are kept)
    raw: list[dict[str, Any]] | None = None


def _codes(arr: pa.Array) -> tuple[np.ndarray, list[Any]]:
    """Integer codes of a column's cells (-1 for an empty cell) and the distinct cells they stand for."""
    enc = pc.dictionary_encode(arr)
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return idx, py_values(enc.dictionary)


def _spread(codes: np.ndarray, values: list[Any]) -> pa.Array:
    """``values[code]`` for each row as an array of text (``None`` where the code is -1)."""
    table = pa.array([*values, None], type=pa.string())
    return pc.take(table, pa.array(np.where(codes < 0, len(values), codes)))


class _Column:
    """One column of the chunk: distinct cells parsed once, then spread over the rows."""

    def __init__(self, chunk: Chunk, name: str) -> None:
        arr = chunk.columns.get(name)
        self.present = name in chunk.columns
        if self.present and arr is None:
            raise _NotOrdinary(name)  # cells of mixed types
        if arr is None:
            self.codes = np.full(len(chunk), -1, dtype=np.int64)
            self.uniques: list[Any] = []
        else:
            self.codes, self.uniques = _codes(arr)
            kind = chunk.text_class.get(name)
            if kind is not None:  # the cells' own class, such as text marked to stay text
                self.uniques = [kind(u) for u in self.uniques]
        self.empty = self.codes < 0
        self.parsed: list[Any] = []

    def text(self) -> pa.Array:
        """The parsed cells (after :meth:`parse`) as an array of text, without a Python object per row."""
        return _spread(self.codes, self.parsed)

    def parse(self, memo: dict[Any, Any], parse: Callable[[Any], Any]) -> list[Any]:
        """Each row's parsed cell (``None`` when empty); any cell ``parse`` refuses makes the chunk not ordinary."""
        values = []
        for u in self.uniques:
            key = (u.__class__, u)  # True and 1 are equal keys
            found = memo.get(key, _BAD)
            if found is _BAD:
                try:
                    found = parse(u)
                except (CellError, ValueError, TypeError):
                    found = _BAD
                if found is not _BAD and len(memo) < 65536:  # a name unknown now may be created later
                    memo[key] = found
            if found is _BAD:
                raise _NotOrdinary
            values.append(found)
        self.parsed = values
        table = np.empty(len(values) + 1, dtype=object)
        table[: len(values)] = values
        table[len(values)] = None
        out: list[Any] = table[self.codes].tolist()
        return out


class ChunkChecker:
    """The vectorised check of one table's chunks; memos live as long as the table's check."""

    def __init__(self, checker: RowChecker, target: ImportTarget) -> None:
        self.checker = checker
        self.target = target
        self.memo: dict[str, dict[Any, Any]] = {}
        t = target
        self._scale = _number_not_yes_no(lambda v: _in_scale(v, t.lo, t.hi))

    def _m(self, name: str) -> dict[Any, Any]:
        return self.memo.setdefault(name, {})

    def check(
        self,
        chunk: Chunk,
        resp: dict[str, dict[str, Any]],
        customer: Callable[[str, str, str | None], str | None],
        *,
        keep_raw: bool,
    ) -> Block | None:
        """The chunk's exchanges checked as columns, or ``None`` when it needs the row-by-row check.

        ``resp`` holds the respondent values gathered so far (only read: a chunk
        whose values conflict with them goes the row-by-row way, which names the
        conflict); ``customer(goal, respondent, given)`` is the customer of an
        exchange whose respondent's tables name ``given`` (or nothing), as the
        importer decides it.
        """
        checker = self.checker
        if checker.table.table != "flows" or not len(chunk):
            return None
        if not set(chunk.columns) <= _EXCHANGE_COLUMNS | set(checker.rkeys):
            return None  # other columns (a new actor's kind, a line's error), or columns the checker has not met
        if not checker.table.fixed and not checker.seen(chunk.columns):
            return None  # JSON keys first met here: the row check learns them (and the rejects file gets them)
        try:
            return self._check(chunk, resp, customer, keep_raw)
        except _NotOrdinary:
            return None

    def _check(
        self,
        chunk: Chunk,
        resp: dict[str, dict[str, Any]],
        customer: Callable[[str, str, str | None], str | None],
        keep_raw: bool,
    ) -> Block:
        t = self.target
        col = {name: _Column(chunk, name) for name in (*_EXCHANGE_COLUMNS, *self.checker.rkeys)}
        rcol = col["respondent"]
        if rcol.empty.any() or not col["actor"].present or not col["dimension"].present:
            raise _NotOrdinary
        rids = rcol.parse({}, _strict(_fast_ident))  # ids hardly repeat from chunk to chunk: not remembered
        if len(set(rcol.parsed)) != len(rcol.parsed):
            raise _NotOrdinary  # one respondent written two ways ("r1 ", "r1"): its rows are compared row by row
        goals_sc = self._places(col["goal"], col["scenario"])
        goals = goals_sc.rows(0)
        scenarios = goals_sc.rows(1)
        actors = col["actor"].parse(self._m("actor"), _strict(lambda v: t.actor_id(str(_fast_ident(v)))))
        dims = col["dimension"].parse(self._m("dimension"), _strict(lambda v: t.dims.get(cells.fold(str(v)))))
        gets = col["gets"].parse(self._m("gets"), self._scale)
        gives = col["gives"].parse(self._m("gives"), self._scale)
        money = _number_not_yes_no(cells.number)
        gets_money = col["gets_money"].parse(self._m("gets_money"), money)
        gives_money = col["gives_money"].parse(self._m("gives_money"), money)
        none = col["gets"].empty & col["gives"].empty & col["gets_money"].empty & col["gives_money"].empty
        if none.any():
            raise _NotOrdinary
        occ_col = col["occurrences"]
        occurrences = occ_col.parse(self._m("occurrences"), _occurrences)
        if occ_col.empty.any():
            occurrences = [1.0 if o is None else o for o in occurrences]
        tangible = col["tangible"].parse(self._m("tangible"), _strict(cells.boolean))
        touchpoint = col["touchpoint"].parse(self._m("touchpoint"), _fast_label)  # None (a blank label) is a value
        stage = col["stage"].parse(self._m("stage"), _fast_label)
        responsible = col["responsible"].parse(
            self._m("responsible"), _strict(lambda v: t.actor_id(str(_fast_ident(v))))
        )
        quote = self._text(chunk, "quote")
        note = self._text(chunk, "note")
        given = col["exchange_id"]
        xids: list[Any]
        if given.present:
            xids = given.parse({}, _strict(_exchange_id))
        else:
            xids = [None] * len(chunk)
        derived = given.empty.tolist()
        respondents = self._respondents(chunk, col, rids, resp)
        customers = self._customers(goals_sc, col["respondent"], goals, rids, respondents, resp, customer)
        for a, c in zip(actors, customers, strict=True):
            if c is None or c == a:
                raise _NotOrdinary
        ids = self._ids(col, goals_sc, xids)
        columns = [
            ids,
            goals,
            scenarios,
            actors,
            dims,
            gets,
            gives,
            gets_money,
            gives_money,
            occurrences,
            tangible,
            touchpoint,
            stage,
            quote,
            rids,
            responsible,
            note,
        ]
        raw = [chunk.row(i) for i in range(len(chunk))] if keep_raw else None  # only for a rejects file
        return Block(chunk.numbers, columns, derived, respondents, raw)

    def _ids(self, col: dict[str, _Column], places: _Places, given: list[Any]) -> list[str]:
        """Each row's exchange id: the one given, else :func:`valuenet.models.exchange_id` of its cells.

        The text each id is hashed from is joined by ``pyarrow``; only the hashing is done per row.
        """
        parts = [
            col["respondent"].text(),
            _spread(places.codes, [g for g, _ in places.values]),
            _spread(places.codes, [s for _, s in places.values]),
            col["actor"].text(),
            col["dimension"].text(),
            col["touchpoint"].text(),
            col["stage"].text(),
        ]
        joined = pc.binary_join_element_wise(*parts, "\x1f", null_handling="replace", null_replacement="")
        blake = hashlib.blake2b
        ids = [
            "x-" + blake(b, digest_size=8).hexdigest() for b in joined.cast(pa.binary()).to_numpy(zero_copy_only=False)
        ]
        if col["exchange_id"].present:
            ids = [x if x is not None else i for x, i in zip(given, ids, strict=True)]
        return ids

    def _places(self, goal: _Column, scenario: _Column) -> _Places:
        """Each row's goal and scenario, resolved once per distinct pair of cells."""
        t = self.target
        n_sc = len(scenario.uniques) + 1
        pair = (goal.codes + 1) * n_sc + (scenario.codes + 1)
        keys, inverse = np.unique(pair, return_inverse=True)
        memo = self._m("place")
        resolved: list[tuple[str, str]] = []
        for k in keys.tolist():
            gi, si = divmod(int(k), n_sc)
            g = goal.uniques[gi - 1] if gi else None
            sc = scenario.uniques[si - 1] if si else None
            key = (g.__class__, g, sc.__class__, sc)
            found = memo.get(key)
            if found is None:
                if not (g is None or g.__class__ is str) or not (sc is None or sc.__class__ is str):
                    raise _NotOrdinary
                try:  # only names the model knows: a new goal or scenario is created row by row, in row order
                    gid = t.known_goal(None if g is None else cells.ident(g))
                    sid = None if gid is None else t.known_scenario(gid, None if sc is None else cells.ident(sc))
                except CellError:
                    raise _NotOrdinary from None
                if gid is None or sid is None:
                    raise _NotOrdinary
                found = (gid, sid)
                if g is not None:  # an empty goal means "the only goal so far": not remembered
                    memo[key] = found
            resolved.append(found)
        return _Places(inverse.reshape(-1).astype(np.int64), resolved)

    def _text(self, chunk: Chunk, name: str) -> list[Any]:
        """A free-text column kept exactly; blank, too long or control characters: not ordinary."""
        arr = chunk.columns.get(name)
        if name not in chunk.columns:
            return [None] * len(chunk)
        if arr is None or arr.type != pa.string():
            raise _NotOrdinary
        valid = pc.is_valid(arr)
        bad = pc.or_(
            pc.or_(pc.greater(pc.utf8_length(arr), cells.MAX_CELL), pc.utf8_is_space(arr)),
            pc.match_substring_regex(arr, _CONTROL),
        )
        if pc.any(pc.and_(valid, bad)).as_py():
            raise _NotOrdinary
        return py_values(arr)  # plain str, whatever the reader's cells were

    def _respondents(
        self, chunk: Chunk, col: dict[str, _Column], rids: list[str], resp: dict[str, dict[str, Any]]
    ) -> dict[str, tuple[int, dict[str, Any]]]:
        """The values each respondent's rows give: the same on all its rows here, and agreeing with earlier rows."""
        checker = self.checker
        rcodes = col["respondent"].codes
        _, first, inverse = np.unique(rcodes, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        for c, _, _ in checker.rcols:
            codes = col[c].codes
            if (codes != codes[first][inverse]).any():
                raise _NotOrdinary  # a respondent's rows disagree: the row check names the conflict
        out: dict[str, tuple[int, dict[str, Any]]] = {}
        firsts = sorted(first.tolist())
        at = np.asarray(firsts, dtype=np.int64)
        # each respondent column's distinct cells parsed once (as RowChecker.respondent_values parses a row's)
        parsed = [
            (key, np.asarray(col[c].parse(self._m("r:" + c), parse), dtype=object)[at])
            for c, key, parse in checker.rcols
        ]
        for j, i in enumerate(firsts):
            rid = rids[i]
            n = chunk.numbers[i]
            values: dict[str, Any] = {}
            for key, column in parsed:
                value = column[j]
                if value is not None:
                    values[key] = value
            known = resp.get(rid, {})
            for key, value in values.items():
                old = known.get(key, _BAD)
                if old is not _BAD and old != value:
                    raise _NotOrdinary
            out[rid] = (n, values)
        return out

    def _customers(
        self,
        places: _Places,
        rcol: _Column,
        goals: Sequence[str],
        rids: Sequence[str],
        respondents: dict[str, tuple[int, dict[str, Any]]],
        resp: dict[str, dict[str, Any]],
        customer: Callable[[str, str, str | None], str | None],
    ) -> list[str | None]:
        """Each row's customer, once per goal and respondent, with the chunk's respondent values merged in."""

        def of(goal: str, rid: str) -> str | None:
            given = resp.get(rid, {}).get("actor") or respondents[rid][1].get("actor")
            return customer(goal, rid, given)

        if len({g for g, _ in places.values}) == 1:  # one goal: once per respondent, spread by its codes
            goal = places.values[0][0]
            table = np.empty(len(rcol.parsed), dtype=object)
            table[:] = [of(goal, r) for r in rcol.parsed]
            out: list[str | None] = table[rcol.codes].tolist()
            return out
        memo: dict[tuple[str, str], str | None] = {}
        found = []
        for g, r in zip(goals, rids, strict=True):
            key = (g, r)
            if key not in memo:
                memo[key] = of(g, r)
            found.append(memo[key])
        return found


def _in_scale(value: Any, lo: float, hi: float) -> float:
    out = _fast_float(value)
    if not lo <= out <= hi:
        raise ValueError("out of range")
    return out


def _occurrences(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("a yes/no is not a number")
    out = _fast_float(value)
    if not out >= 0:
        raise ValueError("negative")
    return out


def _strict(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``parse``, with ``None`` (the cell names nothing) refused."""

    def checked(value: Any) -> Any:
        out = parse(value)
        if out is None:
            raise ValueError("names nothing")
        return out

    return checked


__all__ = ["Block", "ChunkChecker"]
