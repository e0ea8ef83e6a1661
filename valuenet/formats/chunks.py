"""Interview rows in bounded chunks of columns: what the importer's vectorised checks read.

A :class:`Chunk` holds up to :data:`CHUNK_ROWS` consecutive data rows of one
table as columns (``pyarrow`` arrays, one per canonical layout column) with the
row number of each, so messages name the same rows as the row-by-row readers.
CSV files without a quote character are parsed by ``pyarrow.csv`` straight into
columns (:mod:`valuenet.formats.delimited`); every other table is read row by
row by its reader and gathered into columns here (:func:`chunks_from_rows`);
:func:`table_chunks` gives any table's chunks.

A column is ``None`` when its cells are not all of one plain type (text, whole
numbers, decimal numbers, or yes/no): the importer then checks that chunk row by row,
with the same results. :meth:`Chunk.row` gives any row back as the mapping the
row readers produce.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from valuenet.formats.source import Row, SourceTable

#: Data rows per chunk: large enough for vectorised checks to pay, small enough that memory stays flat.
CHUNK_ROWS = 10_000


@dataclass
class Chunk:
    """Consecutive rows of one table, as columns; ``numbers[i]`` is the row number messages give row ``i``."""

    numbers: list[int]
    columns: dict[str, pa.Array | None]
    #: the rows as the row readers give them, when the chunk was gathered from them
    rows: list[dict[str, Any]] | None = None
    #: text columns whose cells are all of a subclass of ``str`` (such as :class:`~valuenet.formats.cells.Literal`)
    text_class: dict[str, type] = field(default_factory=dict)
    _values: dict[str, list[Any]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.numbers)

    def values(self, column: str) -> list[Any]:
        """One column's cells as Python values (``None`` for an empty cell)."""
        found = self._values.get(column)
        if found is None:
            if self.rows is not None:
                found = [r.get(column) for r in self.rows]
            else:
                arr = self.columns[column]
                assert arr is not None
                found = py_values(arr)
            self._values[column] = found
        return found

    def rows_at(self, indices: list[int], columns: list[str]) -> list[dict[str, Any]]:
        """Rows ``indices`` as :meth:`row` gives them, with only ``columns`` (the others left out)."""
        if self.rows is not None:
            return [{c: self.rows[i][c] for c in columns if c in self.rows[i]} for i in indices]
        out: list[dict[str, Any]] = [{} for _ in indices]
        at = pa.array(indices, type=pa.int64())
        for c in columns:
            arr = self.columns.get(c)
            if arr is None:
                continue
            for row, v in zip(out, py_values(arr.take(at)), strict=True):
                if v is not None:
                    row[c] = v
        return out

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as the mapping a row reader gives: canonical column to cell, empty cells left out."""
        if self.rows is not None:
            return self.rows[i]
        out = {}
        for c in self.columns:
            v = self.values(c)[i]
            if v is not None:
                out[c] = v
        return out

    def plain_rows(self) -> Iterator[Row]:
        """Every row with its number, as the row readers give them."""
        for i, n in enumerate(self.numbers):
            yield n, self.row(i)


def py_values(arr: pa.Array) -> list[Any]:
    """An array's cells as Python values, ``None`` for empty ones (text the fast way: through numpy)."""
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        out: list[Any] = arr.to_numpy(zero_copy_only=False).tolist()
        return out
    values: list[Any] = arr.to_pylist()
    return values


def _column(values: list[Any]) -> pa.Array | None:
    """The cells of one column as an array, or ``None`` when they are not all of one plain type."""
    kinds = {v.__class__ for v in values} - {type(None)}
    if len(kinds) == 1 and issubclass(next(iter(kinds)), str):  # text, or all of it marked to stay text
        try:
            return pa.array(values, type=pa.string())
        except (pa.ArrowException, UnicodeEncodeError):  # half a surrogate pair: checked row by row
            return None
    if kinds == {bool}:
        return pa.array(values, type=pa.bool_())
    if kinds == {float}:
        return pa.array(values, type=pa.float64())
    if kinds == {int}:
        try:
            return pa.array(values, type=pa.int64())
        except (pa.ArrowException, OverflowError):
            return None
    if not kinds:
        return pa.nulls(len(values), type=pa.string())
    return None


def gather(numbered: list[Row]) -> Chunk:
    """A chunk of rows read row by row."""
    rows = [r for _, r in numbered]
    names: dict[str, None] = {}
    for r in rows:
        names.update(dict.fromkeys(r))
    columns: dict[str, pa.Array | None] = {}
    marked: dict[str, type] = {}
    for c in names:
        values = [r.get(c) for r in rows]
        columns[c] = _column(values)
        kind = next((v.__class__ for v in values if v is not None), str)
        if kind is not str and issubclass(kind, str):
            marked[c] = kind
    return Chunk([n for n, _ in numbered], columns, rows, marked)


def chunks_from_rows(rows: Iterator[Row], size: int | None = None) -> Iterator[Chunk]:
    """Rows from a row reader, gathered into chunks of at most ``size`` (default :data:`CHUNK_ROWS`)."""
    size = size or CHUNK_ROWS
    part: list[Row] = []
    for item in rows:
        part.append(item)
        if len(part) >= size:
            yield gather(part)
            part = []
    if part:
        yield gather(part)


def table_chunks(table: SourceTable) -> Iterator[Chunk]:
    """A table's rows in chunks of columns: the same rows, with the same numbers, as ``table.rows()``.

    The reader's own chunks when it has them (pyarrow for CSV), else its rows gathered.
    """
    if table.open_chunks is not None:
        out: Iterator[Chunk] = table.open_chunks()
        return out
    return chunks_from_rows(table.rows())


__all__ = ["CHUNK_ROWS", "Chunk", "chunks_from_rows", "gather", "py_values", "table_chunks"]
