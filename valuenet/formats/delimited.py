"""Read CSV and TSV interview tables, streaming: comma, semicolon or tab separated.

The separator is detected from the header line (``--format tsv`` forces a tab).
Each file holds one table; cells are text, and the row checks parse them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from valuenet.errors import ModelFileError
from valuenet.formats.cells import from_sheet
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

    return [SourceTable(name, table, [c for c in cols if c], rows, unknown=set(unknown))]


__all__ = ["DELIMITERS", "csv_tables"]
