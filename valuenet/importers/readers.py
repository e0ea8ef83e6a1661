"""Read interview tables row by row: CSV/TSV, XLSX, JSON arrays and JSON Lines.

Each input becomes one or more :class:`Table` objects. A table knows its file,
sheet, which layout table it holds (actors, respondents or flows) and its
columns, and can be iterated any number of times; every pass streams the file
again, so memory does not grow with the number of rows. Rows come out as
``(row_number, {canonical_column: value})`` with blank rows skipped; row numbers
are the ones a spreadsheet shows (the header is row 1 in a CSV file).

Only this module touches the csv, json and openpyxl readers; their errors
become :class:`~valuenet.errors.ModelFileError` naming the file and the fix.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valuenet.errors import ModelFileError, Problem
from valuenet.importers import layout

#: Formats the tabular importer reads, by name; ``--format`` takes these.
FORMATS: tuple[str, ...] = ("csv", "tsv", "xlsx", "json", "jsonl")
SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
DELIMITERS = (",", ";", "\t")
#: The csv module's limit on one field; cells past :data:`MAX_CELL` are reported by the validator.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024

Row = tuple[int, dict[str, Any]]


@dataclass
class Table:
    """One table of interview rows in a file (a CSV file, a workbook sheet, a JSON file)."""

    file: str
    table: str
    columns: list[str]
    open_rows: Callable[[], Iterator[Row]]
    sheet: str | None = None
    unknown: set[str] = field(default_factory=set)
    #: False when rows may carry columns the first row lacks (JSON, JSONL)
    fixed: bool = True

    def rows(self) -> Iterator[Row]:
        """Stream the rows again from the file."""
        return self.open_rows()

    def where(self, row: int | None = None, column: str | None = None) -> str:
        """``file[ sheet S][ row N][, column "C"]`` for messages."""
        text = self.file + (f" sheet {self.sheet}" if self.sheet else "")
        if row is not None:
            text += f" row {row}"
        if column is not None:
            text += f', column "{column}"'
        return text


def detect_format(path: Path, fmt: str | None = None) -> str:
    """The format named by ``--format``, else the one the file extension implies."""
    if fmt:
        return fmt
    fmt_found = SUFFIXES.get(path.suffix.lower())
    if fmt_found is None:
        raise ModelFileError(
            [
                Problem(
                    str(path),
                    f"'{path.suffix or path.name}' is not a known file type.",
                    "Use .csv, .tsv, .xlsx, .json or .jsonl, or pass --format.",
                )
            ]
        )
    return fmt_found


def _err(where: str, message: str, fix: str) -> ModelFileError:
    return ModelFileError([Problem(where, message, fix)])


def _map_header(cells: list[Any], where: str, table: str | None) -> tuple[str, list[str | None], list[str]]:
    """The layout table and the canonical name of each header cell; unknown headers listed apart."""
    raw = ["" if c is None else str(c).strip() for c in cells]
    guess = table or layout.guess_table(raw)
    cols = [layout.canonical_column(c, guess) for c in raw]
    seen: dict[str, int] = {}
    problems = []
    for i, c in enumerate(cols):
        if c is None:
            continue
        if c in seen:
            problems.append(
                Problem(
                    where,
                    f'columns {seen[c] + 1} ("{raw[seen[c]]}") and {i + 1} ("{raw[i]}") both mean "{c}".',
                    "Remove or rename one of them.",
                )
            )
        seen[c] = i
    if problems:
        raise ModelFileError(problems)
    unknown = [r for r, c in zip(raw, cols, strict=True) if c is None and r]
    return guess, cols, unknown


# -- CSV ------------------------------------------------------------------------------------------


def _open_text(path: Path, encoding: str) -> Any:
    try:
        return path.open("r", encoding=encoding, newline="")
    except FileNotFoundError:
        raise _err(str(path), "no such file.", "Check the path.") from None
    except OSError as exc:
        raise _err(str(path), f"cannot be read: {exc.strerror}.", "Check the path and permissions.") from exc


def _bad_line(path: Path, encoding: str) -> tuple[int, str]:
    """The first line of a file that does not decode, and its first bad byte (read on the error path only)."""
    with path.open("rb") as fh:
        for n, line in enumerate(fh, 1):
            try:
                line.decode("utf-8" if encoding.lower() == "utf-8-sig" else encoding)
            except UnicodeDecodeError as exc:
                return n, line[exc.start : exc.start + 1].hex()
    return 1, ""


def _decode_error(name: str, encoding: str, exc: UnicodeDecodeError, path: Path) -> ModelFileError:
    row, byte = _bad_line(path, encoding)
    if encoding.replace("_", "-").lower() in ("utf-8-sig", "utf-8", "utf8"):
        return _err(
            f"{name} row {row}",
            f"is not UTF-8 text (byte 0x{byte}); the file was probably saved as Windows-1252 or Latin-1.",
            "Save it as 'CSV UTF-8', or pass --encoding cp1252 (or --encoding latin-1).",
        )
    return _err(
        f"{name} row {row}",
        f"cannot be decoded as {encoding} (byte 0x{byte}).",
        "Pass the file's real encoding with --encoding.",
    )


def _sniff_delimiter(line: str, fmt: str) -> str:
    if fmt == "tsv":
        return "\t"
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_tables(path: Path, *, name: str, fmt: str = "csv", encoding: str | None = None) -> list[Table]:
    """The one table a CSV/TSV file holds; comma, semicolon or tab separated, detected from the header."""
    enc = encoding or "utf-8-sig"
    try:
        codecs.lookup(enc)
    except LookupError:
        raise _err(name, f'"{enc}" is not a text encoding.', "Use e.g. --encoding utf-8, cp1252 or latin-1.") from None
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    with _open_text(path, enc) as fh:
        try:
            first = ""
            header_line = 0
            for header_line, first in enumerate(fh, 1):  # noqa: B007 - the line number is wanted
                if first.strip():
                    break
            else:
                first = ""
        except UnicodeDecodeError as exc:
            raise _decode_error(name, enc, exc, path) from None
    if not first.strip():
        raise _err(name, "is empty.", "Export the sheet again with its header row and data rows.")
    delimiter = _sniff_delimiter(first.lstrip("\ufeff"), fmt)
    header = next(csv.reader([first.lstrip("\ufeff")], delimiter=delimiter))
    table, cols, unknown = _map_header(header, f"{name} row {header_line}", None)
    if len([c for c in cols if c]) <= 1 and len(header) <= 1:
        sep = next((s for s in ("|", ":", ",", ";") if s in first), None)
        hint = f' It seems separated by "{sep}".' if sep else ""
        raise _err(
            f"{name} row {header_line}",
            f'the header has one column ("{first.strip()[:60]}").{hint}',
            "Save the file separated by commas, semicolons or tabs.",
        )

    width = len(cols)

    def rows() -> Iterator[Row]:
        with _open_text(path, enc) as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            line = 0
            try:
                for cells in reader:
                    start, line = line + 1, reader.line_num
                    if start <= header_line or not "".join(cells).strip():  # blank lines and rows of blanks
                        continue
                    row: dict[str, Any] = {c: v for c, v in zip(cols, cells, strict=False) if v and c is not None}
                    if len(cells) > width and "".join(cells[width:]).strip():
                        row["__extra__"] = len(cells) - width
                    yield start, row
            except UnicodeDecodeError as exc:
                raise _decode_error(name, enc, exc, path) from None
            except csv.Error as exc:
                raise _err(
                    f"{name} row {line + 1}", f"is not valid CSV ({exc}).", "Check the quotes on that row."
                ) from None

    return [Table(name, table, [c for c in cols if c], rows, unknown=set(unknown))]


# -- JSON and JSON Lines ---------------------------------------------------------------------------


def _flatten(obj: dict[str, Any]) -> dict[str, Any]:
    """Nested ``weights``/``thresholds``/``attributes`` objects become per-key columns."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        k = layout.normalise_header(key)
        if k in ("weights", "thresholds") and isinstance(value, dict):
            for dim, v in value.items():
                out[f"{k[:-1]}_{dim}"] = v
        elif k == "attributes" and isinstance(value, dict):
            for a, v in value.items():
                out[f"{layout.ATTRIBUTE_PREFIX}{a}"] = v
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = "; ".join(value)
        else:
            out[key] = value
    return out


def _json_row(obj: Any, cache: dict[str, str | None], table: str, unknown: set[str]) -> dict[str, Any] | str:
    if not isinstance(obj, dict):
        return f"is a JSON {type(obj).__name__}, not an object."
    row: dict[str, Any] = {}
    for key, value in _flatten(obj).items():
        if key not in cache:
            cache[key] = layout.canonical_column(key, table)
        col = cache[key]
        if col is None:
            unknown.add(key)
        elif value is not None and value != "":
            row[col] = value
    return row


def jsonl_tables(path: Path, *, name: str, encoding: str | None = None) -> list[Table]:
    """The one table a JSON Lines file holds: one object per line, streamed."""
    enc = encoding or "utf-8-sig"
    cache: dict[str, str | None] = {}
    unknown: set[str] = set()
    keys: list[str] = []
    with _open_text(path, enc) as fh:
        try:
            for line in fh:
                if line.strip():
                    try:
                        first = json.loads(line)
                    except json.JSONDecodeError:
                        first = {}
                    if isinstance(first, dict):
                        keys = list(_flatten(first))
                    break
            else:
                raise _err(name, "is empty.", "Write one JSON object per line.")
        except UnicodeDecodeError as exc:
            raise _decode_error(name, enc, exc, path) from None
    table = layout.guess_table(keys)

    def rows() -> Iterator[Row]:
        with _open_text(path, enc) as fh:
            n = 0
            try:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield n, {"__error__": f"is not valid JSON ({exc.msg}, column {exc.colno})."}
                        continue
                    row = _json_row(obj, cache, table, unknown)
                    yield n, ({"__error__": row} if isinstance(row, str) else row)
            except UnicodeDecodeError as exc:
                raise _decode_error(name, enc, exc, path) from None

    cols = [c for c in (layout.canonical_column(k, table) for k in keys) if c]
    # unknown keys are collected as the rows stream; the validator reads them after its pass
    return [Table(name, table, cols, rows, unknown=unknown, fixed=False)]


def json_tables(path: Path, *, name: str, encoding: str | None = None, data: Any = None) -> list[Table]:
    """The one table a JSON file holding an array of row objects is (read whole: use JSONL for big files)."""
    if data is None:
        try:
            data = json.loads(path.read_text(encoding=encoding or "utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise _err(
                f"{name} line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}.", "Fix the syntax."
            ) from None
        except UnicodeDecodeError as exc:
            raise _decode_error(name, encoding or "utf-8-sig", exc, path) from None
    if not isinstance(data, list):
        raise _err(name, "does not hold a list of rows.", "Write a JSON array of objects, one per exchange.")
    if not data:
        raise _err(name, "holds no rows.", "Add at least one row object.")
    keys = list(_flatten(data[0])) if isinstance(data[0], dict) else []
    table = layout.guess_table(keys)
    cache: dict[str, str | None] = {}
    unknown: set[str] = set()
    rows_data = data

    def rows() -> Iterator[Row]:
        for n, obj in enumerate(rows_data, 1):
            row = _json_row(obj, cache, table, unknown)
            yield n, ({"__error__": row} if isinstance(row, str) else row)

    return [
        Table(
            name,
            table,
            [c for c in (layout.canonical_column(k, table) for k in keys) if c],
            rows,
            unknown=unknown,
            fixed=False,
        )
    ]


def read_tables(path: str | Path, *, fmt: str | None = None, encoding: str | None = None) -> list[Table]:
    """The tables in one input file, ready to stream."""
    p = Path(path)
    name = str(path)
    kind = detect_format(p, fmt)
    if not p.exists():
        raise _err(name, "no such file.", "Check the path.")
    if kind in ("csv", "tsv"):
        return csv_tables(p, name=name, fmt=kind, encoding=encoding)
    if kind == "jsonl":
        return jsonl_tables(p, name=name, encoding=encoding)
    if kind == "json":
        return json_tables(p, name=name, encoding=encoding)
    from valuenet.importers.xlsx import xlsx_tables

    return xlsx_tables(p, name=name)


__all__ = ["FORMATS", "Row", "Table", "detect_format", "read_tables"]
