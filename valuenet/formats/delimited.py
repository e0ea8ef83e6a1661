"""Read CSV and TSV interview tables, streaming: comma, semicolon or tab separated.

The separator is detected from the header line (``--format tsv`` forces a tab).
Each file holds one table; cells are text, and the row checks parse them.

Rows come two ways, with the same cells and row numbers: one by one from
Python's ``csv`` module (:meth:`SourceTable.rows`), and in chunks of columns
(:meth:`SourceTable.chunks`), which the importer checks vectorised. A UTF-8 file
whose header is its first line and whose quotes open, close and double up the
way the ``csv`` module requires is parsed for chunks by ``pyarrow.csv``, in
parallel and without a Python object per cell; while each line is one row, row
numbers follow from the count, and both parsers read the same cells. Any other
file, and from its first such block on any file where ``pyarrow`` meets a cell
over several lines, a row of another width or bytes that are not UTF-8, is read
by the ``csv`` module, which gives the exact rows or the exact message. Blocks
holding a cell that starts with ``'`` (valuenet's formula escape, which the row
reader undoes) are read by the row reader too.
"""

from __future__ import annotations

import csv
import functools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from valuenet.errors import ModelFileError
from valuenet.formats import chunks
from valuenet.formats.cells import from_sheet
from valuenet.formats.chunks import Chunk, gather
from valuenet.formats.source import Row, SourceTable, check_encoding, decode_error, file_error, map_header, open_text

DELIMITERS = (",", ";", "\t")
#: The csv module's limit on one field; cells past :data:`~valuenet.formats.cells.MAX_CELL` are reported by the checks.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024


def _sniff_delimiter(line: str, fmt: str) -> str:
    if fmt == "tsv":
        return "\t"
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


#: How messages name each separator.
_SEPARATOR = {",": '","', ";": '";"', "\t": "tabs"}


def _unquoted_count(raw: str, char: str) -> int:
    """How often ``char`` occurs in ``raw`` outside double-quoted cells."""
    count, quoted = 0, False
    for ch in raw:
        if ch == '"':
            quoted = not quoted  # a doubled quote inside a cell flips twice
        elif ch == char and not quoted:
            count += 1
    return count


def _seems_separated_by(raw: str, cells: list[str], delimiter: str, width: int) -> str | None:
    """The other separator a row seems written with, when splitting by it comes nearer the header's width.

    Only separators outside quoted cells count (``raw`` is the row as written), so a quote
    holding ``;`` on a short comma-separated row is not taken for a change of separator.
    """
    best, best_gap = None, abs(len(cells) - width)
    for other in DELIMITERS:
        if other == delimiter or other not in raw:
            continue
        gap = abs(_unquoted_count(raw, other) + 1 - width)
        if gap < best_gap:
            best, best_gap = other, gap
    return best


class _RawLines:
    """The lines of a file as written, read forward on demand by a second handle (rows asked for in order)."""

    def __init__(self, path: Path, encoding: str) -> None:
        self._path, self._encoding = path, encoding
        self._fh: Any = None
        self._at = 0  # lines read so far

    def text(self, first: int, last: int) -> str:
        """Lines ``first`` to ``last`` (1-based, inclusive) joined as written."""
        if self._fh is None:
            self._fh = open_text(self._path, self._encoding)
        out = []
        while self._at < last:
            line = self._fh.readline()
            if not line:
                break
            self._at += 1
            if self._at >= first:
                out.append(line)
        return "".join(out)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def _open_quote(path: Path, enc: str, delimiter: str, header: list[str], row: int, name: str) -> ModelFileError:
    """The error for a quoted cell that is never closed: its row and column, and the lines it swallows."""
    cells: list[str] = []
    swallowed = 0
    with open_text(path, enc) as fh:
        reader = csv.reader(fh, delimiter=delimiter)  # not strict: the open cell runs to the end of the file
        line = 0
        for cells in reader:  # noqa: B007 - the cells of the row asked for are wanted
            start, line = line + 1, reader.line_num
            if start == row:
                swallowed = reader.line_num - row
                break
    where = f"{name} row {row}"
    column = header[len(cells) - 1].strip() if 0 < len(cells) <= len(header) else ""
    if column:
        where += f', column "{column}"'
    lines = f"the {swallowed} line{'s' if swallowed != 1 else ''} after it" if swallowed else "the end of the file"
    return file_error(
        where,
        f"a quoted cell starts here and its closing quote is missing, so {lines} would be read into this one cell.",
        'Add the closing quote ("), or remove the opening one.',
    )


def csv_tables(path: Path, *, name: str, fmt: str = "csv", encoding: str | None = None) -> list[SourceTable]:
    """The one table a CSV/TSV file holds; comma, semicolon or tab separated, detected from the header."""
    enc = encoding or "utf-8-sig"
    check_encoding(name, enc)
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    with open_text(path, enc) as fh:
        try:
            first = ""
            header_line = 0
            for header_line, first in enumerate(fh, 1):  # noqa: B007 - the line number is wanted
                if first.strip():
                    break
            else:
                first = ""
        except UnicodeDecodeError as exc:
            raise decode_error(name, enc, exc, path) from None
    if not first.strip():
        raise file_error(name, "is empty.", "Export the sheet again with its header row and data rows.")
    delimiter = _sniff_delimiter(first.lstrip("\ufeff"), fmt)
    try:
        header = next(csv.reader([first.lstrip("\ufeff")], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if str(exc) == "unexpected end of data":
            raise _open_quote(path, enc, delimiter, [], header_line, name) from None
        raise file_error(
            f"{name} row {header_line}", f"is not valid CSV ({exc}).", "Check the quotes on that row."
        ) from None
    table, cols, unknown = map_header(header, f"{name} row {header_line}", None)
    if len([c for c in cols if c]) <= 1 and len(header) <= 1:
        sep = next((s for s in ("|", ":", ",", ";") if s in first), None)
        hint = f' It seems separated by "{sep}".' if sep else ""
        raise file_error(
            f"{name} row {header_line}",
            f'the header has one column ("{first.strip()[:60]}").{hint}',
            "Save the file separated by commas, semicolons or tabs.",
        )

    width = len(cols)

    def rows() -> Iterator[Row]:
        raw = _RawLines(path, enc)
        try:
            with open_text(path, enc) as fh:
                reader = csv.reader(fh, delimiter=delimiter, strict=True)
                line = 0
                try:
                    for cells in reader:
                        start, line = line + 1, reader.line_num
                        if start <= header_line or not "".join(cells).strip():  # blank lines and rows of blanks
                            continue
                        if len(cells) != width:
                            other = _seems_separated_by(raw.text(start, line), cells, delimiter, width)
                            if other is not None:
                                raise file_error(
                                    f"{name} row {start}",
                                    f"has {len(cells)} cell(s) where the header has {width}; the row seems separated "
                                    f"by {_SEPARATOR[other]}, the header by {_SEPARATOR[delimiter]}.",
                                    "Save the whole file again with one separator.",
                                )
                        row: dict[str, Any] = {
                            c: v if v[0] != "'" else from_sheet(v)  # the escape valuenet writes (cells.sheet_cell)
                            for c, v in zip(cols, cells, strict=False)
                            if v and c is not None
                        }
                        if len(cells) > width and "".join(cells[width:]).strip():
                            row["__extra__"] = len(cells) - width
                        yield start, row
                except UnicodeDecodeError as exc:
                    raise decode_error(name, enc, exc, path) from None
                except csv.Error as exc:
                    if reader.line_num > line and str(exc) == "unexpected end of data":
                        raise _open_quote(path, enc, delimiter, header, line + 1, name) from None
                    raise file_error(
                        f"{name} row {line + 1}", f"is not valid CSV ({exc}).", "Check the quotes on that row."
                    ) from None
        finally:
            raw.close()

    out = SourceTable(name, table, [c for c in cols if c], rows, unknown=set(unknown))
    if header_line == 1 and _arrow_readable(path, enc, delimiter):
        out.open_chunks = lambda: _arrow_chunks(path, delimiter, cols, rows)
    return [out]


@functools.cache
def _blank() -> str:
    """A cell of nothing but characters Python's ``str.strip`` removes (built on first use, not at start-up)."""
    space = "".join(f"\\x{{{c:x}}}" for c in range(sys.maxunicode + 1) if chr(c).isspace())
    return f"^[{space}]*$"


#: Bytes ``pyarrow`` parses at a time (about 7,000 rows of a typical interview table): larger blocks are no
#: faster here, and each one in flight adds to the memory an import holds.
_BLOCK = 1 << 20


def clean_quotes(data: bytes, delimiter: str) -> bool:
    r"""Whether every quote in ``data`` opens, doubles or closes a cell as the ``csv`` module (strict) reads it.

    Run by run of quote characters, with the state the ``csv`` module keeps: a run
    where a cell starts opens it (an odd run; an even run is an empty or all-quote
    cell, which must end there); inside a quoted cell, pairs are quotes and an odd
    run closes it, and a closing quote must be followed by the separator, a line
    break or the end. Quotes inside a cell that did not start with one are text.
    Anything else (``"abc"def``, ``""x``, a cell left open) is ``False``: ``pyarrow``
    would read on where the ``csv`` module stops with a message.

    >>> clean_quotes(b'a,"b,""c"" d",e\n', ","), clean_quotes(b'a,"cheap,"fast\n', ","), clean_quotes(b'x"y,2', ",")
    (True, False, True)
    """
    return _check_blocks([data], delimiter)


class _QuoteCheck:
    """:func:`clean_quotes` over a file read a block at a time (a run of quotes is never split between blocks)."""

    def __init__(self, delimiter: str) -> None:
        self.ends = (b"", delimiter.encode(), b"\n", b"\r")
        self.inside = False
        self.before = b""  # the byte before the block

    def feed(self, data: bytes, *, last: bool) -> bool:
        ends = self.ends
        find = data.find
        start = find(b'"')
        while start != -1:  # from quote to quote with find (memchr): far faster than a regular expression here
            end = start + 1
            while data[end : end + 1] == b'"':
                end += 1
            odd = (end - start) % 2 == 1
            closes = True
            if not self.inside:
                prev = data[start - 1 : start] if start else self.before
                if prev not in ends:
                    closes = False  # text inside a cell that did not start with a quote
                elif odd:
                    self.inside = True
                    closes = False
            elif not odd:
                closes = False  # doubled quotes: text
            else:
                self.inside = False
            if closes:
                after = data[end : end + 1]
                if after not in ends or (not after and not last):
                    return False
            start = find(b'"', end)
        self.before = data[-1:] or self.before
        return not (last and self.inside)


def _check_blocks(blocks: Any, delimiter: str) -> bool:
    """:func:`clean_quotes` over blocks of one text; a trailing run of quotes is held for the next block."""
    check = _QuoteCheck(delimiter)
    carry = b""
    for block in blocks:
        data = carry + block
        cut = len(data.rstrip(b'"'))
        data, carry = data[:cut], data[cut:]
        if data and not check.feed(data, last=False):
            return False
    return check.feed(carry, last=True)


def _arrow_readable(path: Path, encoding: str, delimiter: str) -> bool:
    """Whether ``pyarrow`` reads this file's cells exactly as the ``csv`` module does.

    True for UTF-8 text with no NUL byte whose quotes all open, double and close as
    the ``csv`` module reads them (:func:`clean_quotes`). A file with more quote
    characters than lines (every text cell quoted) is left to the ``csv`` module:
    checking its quotes one by one would cost more than reading it so. The file is
    read a block at a time, never held (nor mapped) whole.
    """
    if encoding.replace("_", "-").lower() not in ("utf-8", "utf-8-sig", "utf8"):
        return False
    quotes = lines = 0
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(_BLOCK), b""):
                if b"\x00" in block:
                    return False
                quotes += block.count(b'"')
                lines += block.count(b"\n")
            if not quotes:
                return True
            if quotes > lines + 1:
                return False
            fh.seek(0)
            return _check_blocks(iter(lambda: fh.read(_BLOCK), b""), delimiter)
    except OSError:  # the row reader reports it
        return False


class _Resume:
    """The row reader, started on demand and moved forward to the rows a chunk needs."""

    def __init__(self, open_rows: Any) -> None:
        self._open = open_rows
        self._rows: Iterator[Row] | None = None
        self._next: Row | None = None

    def rest(self, first: int) -> Iterator[Row]:
        """The rows from the one numbered ``first`` to the end of the file, streamed."""
        while batch := self.take(first, None, limit=chunks.CHUNK_ROWS):
            yield from batch
            first = batch[-1][0] + 1

    def take(self, first: int, last: int | None, *, limit: int | None = None) -> list[Row]:
        """The rows numbered ``first`` to ``last`` (``None``: to the end of the file), at most ``limit`` of them."""
        if self._rows is None:
            self._rows = iter(self._open())
        out: list[Row] = []
        while True:
            item = self._next if self._next is not None else next(self._rows, None)
            self._next = None
            if item is None:
                return out
            if item[0] < first:
                continue
            if (last is not None and item[0] > last) or (limit is not None and len(out) >= limit):
                self._next = item
                return out
            out.append(item)


def _arrow_chunks(path: Path, delimiter: str, cols: list[str | None], open_rows: Any) -> Iterator[Chunk]:
    """The rows of a file :func:`_arrow_readable` accepts, in chunks of columns, parsed by ``pyarrow``.

    Every line is one row (a blank line a row of empty cells, skipped), so row numbers
    follow from the count. From the first block that breaks this (a cell over several
    lines, a row of another width, bytes that are not UTF-8) on, the row reader reads
    the rest, and gives the exact rows or the exact message.
    """
    names = [f"c{i}" for i in range(len(cols))]
    wanted = {f"c{i}": c for i, c in enumerate(cols) if c is not None}
    resume = _Resume(open_rows)
    line = 2  # the row number of the next row (the header is row 1)
    reader = None
    while True:
        try:
            if reader is None:  # opening reads the first block already
                reader = pacsv.open_csv(
                    str(path),
                    read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=_BLOCK),
                    parse_options=pacsv.ParseOptions(
                        delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
                    ),
                    convert_options=pacsv.ConvertOptions(
                        column_types=dict.fromkeys(names, pa.string()), null_values=[""], strings_can_be_null=True
                    ),
                )
            batch = reader.read_next_batch()
        except StopIteration:
            pa.default_memory_pool().release_unused()  # the parser's blocks, back to the system
            return
        except (pa.ArrowInvalid, UnicodeDecodeError):  # a row of another width, bytes that are not UTF-8
            yield from chunks.chunks_from_rows(resume.rest(line))
            return
        breaks, escaped = _unusual(batch)
        if breaks:  # each line is one row no more: the row reader counts them from here
            yield from chunks.chunks_from_rows(resume.rest(line))
            return
        for start in range(0, batch.num_rows, chunks.CHUNK_ROWS):
            part = batch.slice(start, chunks.CHUNK_ROWS)
            count = part.num_rows
            numbers = list(range(line, line + count))
            columns = {wanted[n]: part.column(n) for n in part.schema.names if n in wanted}
            if escaped and any(pc.any(pc.starts_with(a, "'")).as_py() for a in columns.values()):
                yield gather(resume.take(line, line + count - 1))  # the row reader undoes the formula escape
            else:
                yield _without_blank_rows(numbers, columns, part.columns)
            line += count


def _unusual(batch: pa.RecordBatch) -> tuple[bool, bool]:
    """Whether a cell holds a line break (a quoted cell over several lines, or one left open), and whether a
    cell may start with ``'``: one pass over each column."""
    escaped = False
    for c in batch.columns:
        found = pc.match_substring_regex(c, "^'|[\\r\\n]")
        if pc.any(found).as_py():
            escaped = True
            if pc.any(pc.match_substring_regex(c, "[\\r\\n]")).as_py():
                return True, True
    return False, escaped


def _without_blank_rows(numbers: list[int], columns: dict[str, Any], every: list[Any]) -> Chunk:
    """A chunk of parsed rows, leaving out rows whose cells (``every`` column, named or not) are all empty or
    white space, as the row reader does."""
    blank = None
    for arr in every:
        empty = pc.fill_null(pc.match_substring_regex(arr, _blank()), True)
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():  # a column with no empty cell: no row is blank
            return Chunk(numbers, columns)
    if blank is None:
        return Chunk(numbers, columns)
    keep = pc.invert(blank)
    kept = [n for n, k in zip(numbers, keep.to_pylist(), strict=True) if k]
    return Chunk(kept, {c: pc.filter(a, keep) for c, a in columns.items()})


__all__ = ["DELIMITERS", "csv_tables"]
