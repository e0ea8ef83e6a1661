"""Which reader a file needs: the formats ``valuenet import`` reads, by name and by extension.

>>> detect_format(Path("interviews.CSV")), detect_format(Path("rows.ndjson")), detect_format(Path("x.txt"), "tsv")
('csv', 'jsonl', 'tsv')
"""

from __future__ import annotations

from pathlib import Path

from valuenet.formats.delimited import csv_tables
from valuenet.formats.jsonrows import json_tables, jsonl_tables
from valuenet.formats.source import SourceTable, check_encoding, check_start, file_error

#: Formats the interview importer reads, by name; ``--format`` takes these.
FORMATS: tuple[str, ...] = ("csv", "tsv", "xlsx", "json", "jsonl")
#: The extension each format's files have (the first of :data:`SUFFIXES`).
SUFFIX_OF: dict[str, str] = {"csv": ".csv", "tsv": ".tsv", "xlsx": ".xlsx", "json": ".json", "jsonl": ".jsonl"}
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


def detect_format(path: Path, fmt: str | None = None) -> str:
    """The format named by ``--format``, else the one the file extension implies."""
    if fmt:
        return fmt
    fmt_found = SUFFIXES.get(path.suffix.lower())
    if fmt_found is None:
        raise file_error(
            str(path),
            f"'{path.suffix or path.name}' is not a known file type.",
            "Use .csv, .tsv, .xlsx, .json or .jsonl, or pass --format.",
        )
    return fmt_found


def read_tables(
    path: str | Path, *, fmt: str | None = None, encoding: str | None = None, name: str | None = None
) -> list[SourceTable]:
    """The tables in one input file, ready to stream; messages call the file ``name`` (default: its path)."""
    p = Path(path)
    name = str(path) if name is None else name
    kind = detect_format(p, fmt)
    if not p.exists():
        raise file_error(name, "no such file.", "Check the path.")
    if p.is_dir():
        raise file_error(name, "is a folder, not a file.", "Name the interview file inside it.")
    if encoding and kind != "xlsx":
        check_encoding(name, encoding)
        check_start(name, p, encoding)
    if kind in ("csv", "tsv"):
        return csv_tables(p, name=name, fmt=kind, encoding=encoding)
    if kind == "jsonl":
        return jsonl_tables(p, name=name, encoding=encoding)
    if kind == "json":
        return json_tables(p, name=name, encoding=encoding)
    from valuenet.formats.xlsx import xlsx_tables

    return xlsx_tables(p, name=name)


__all__ = ["FORMATS", "SUFFIXES", "SUFFIX_OF", "detect_format", "read_tables"]
