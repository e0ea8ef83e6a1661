"""What every reader of interview tables produces: a :class:`SourceTable`, and the helpers they share.

A source table knows its file, sheet, which layout table it holds (actors,
respondents or flows) and its columns, and can be iterated any number of times;
every pass streams the file again, so memory does not grow with the number of
rows. Rows come out as ``(row_number, {canonical_column: value})`` with blank
rows skipped; row numbers are the ones a spreadsheet shows (the header is row 1
of a CSV file). The readers are :mod:`~valuenet.formats.delimited` (CSV, TSV),
:mod:`~valuenet.formats.jsonrows` (JSON, JSON Lines) and :mod:`~valuenet.formats.xlsx`;
:func:`valuenet.formats.inputs.read_tables` picks one by the file's format.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from valuenet.errors import ModelFileError, Problem
from valuenet.formats import columns

Row = tuple[int, dict[str, Any]]


@dataclass
class SourceTable:
    """One table of interview rows in a file (a CSV file, a workbook sheet, a JSON file)."""

    file: str
    table: str
    columns: list[str]
    open_rows: Callable[[], Iterator[Row]]
    sheet: str | None = None
    unknown: set[str] = field(default_factory=set)
    #: False when rows may carry columns the first row lacks (JSON, JSONL)
    fixed: bool = True
    #: the reader's own way to the rows as :class:`~valuenet.formats.chunks.Chunk` columns, when it has one
    #: (:func:`valuenet.formats.chunks.table_chunks` reads any table in chunks)
    open_chunks: Callable[[], Iterator[Any]] | None = None

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


def file_error(where: str, message: str, fix: str) -> ModelFileError:
    """The error for one problem with an input file: where, what, and how to fix it."""
    return ModelFileError([Problem(where, message, fix)])


def map_header(cells: list[Any], where: str, table: str | None) -> tuple[str, list[str | None], list[str]]:
    """The layout table and the canonical name of each header cell; unknown headers listed apart."""
    raw = ["" if c is None else str(c).strip() for c in cells]
    guess = table or columns.guess_table(raw)
    cols = [columns.canonical_column(c, guess) for c in raw]
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


def open_text(path: Path, encoding: str) -> IO[str]:
    """An input file open as text (newlines kept for the csv module); ``OSError`` becomes a file error."""
    try:
        return path.open("r", encoding=encoding, newline="")
    except FileNotFoundError:
        raise file_error(str(path), "no such file.", "Check the path.") from None
    except OSError as exc:
        raise file_error(str(path), f"cannot be read: {exc.strerror}.", "Check the path and permissions.") from exc


def _bad_line(path: Path, encoding: str) -> tuple[int, str]:
    """The first line of a file that does not decode, and its first bad byte (read on the error path only)."""
    with path.open("rb") as fh:
        for n, line in enumerate(fh, 1):
            try:
                line.decode("utf-8" if encoding.lower() == "utf-8-sig" else encoding)
            except UnicodeDecodeError as exc:
                return n, line[exc.start : exc.start + 1].hex()
    return 1, ""


def decode_error(name: str, encoding: str, exc: UnicodeDecodeError, path: Path) -> ModelFileError:
    """The error for a file that does not decode: the line and byte, and the encoding to try."""
    row, byte = _bad_line(path, encoding)
    if encoding.replace("_", "-").lower() in ("utf-8-sig", "utf-8", "utf8"):
        return file_error(
            f"{name} row {row}",
            f"is not UTF-8 text (byte 0x{byte}); the file was probably saved as Windows-1252 or Latin-1.",
            "Save it as 'CSV UTF-8', or pass --encoding cp1252 (or --encoding latin-1).",
        )
    return file_error(
        f"{name} row {row}",
        f"cannot be decoded as {encoding} (byte 0x{byte}).",
        "Pass the file's real encoding with --encoding.",
    )


#: Encodings to suggest when ``--encoding`` names none Python can read text with.
ENCODINGS_HINT = "Use e.g. --encoding utf-8, cp1252 or latin-1."


def check_encoding(name: str, encoding: str) -> None:
    """Refuse an encoding Python does not know, or one that is not for text (``rot13``, ``base64``), naming the file."""
    try:
        text = getattr(codecs.lookup(encoding), "_is_text_encoding", True)
    except LookupError:
        text = False
    if not text:
        raise file_error(name, f'"{encoding}" is not a text encoding.', ENCODINGS_HINT)


def check_start(name: str, path: Path, encoding: str) -> None:
    """Refuse a file whose first bytes the encoding rejects as a whole (UTF-16 without its byte-order mark).

    Bytes that do not decode are left to the readers, which name the row; this
    catches the errors a decoder raises that are not about one byte.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return  # the reader reports it
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return
    except (UnicodeError, ValueError) as exc:
        base = encoding.replace("_", "-").lower()
        fix = (
            f"Pass --encoding {base}-le or --encoding {base}-be, or save the file as UTF-8."
            if base in ("utf-16", "utf-32", "utf16", "utf32")
            else "Pass the file's real encoding with --encoding, e.g. utf-8, cp1252 or latin-1."
        )
        raise file_error(name, f"cannot be decoded as {encoding} ({exc}).", fix) from None


__all__ = [
    "ENCODINGS_HINT",
    "Row",
    "SourceTable",
    "check_encoding",
    "check_start",
    "decode_error",
    "file_error",
    "map_header",
    "open_text",
]
