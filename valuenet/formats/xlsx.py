"""Read and write interview workbooks (XLSX) with openpyxl, streaming in both directions.

A workbook holds either one sheet of exchange rows (whatever its name) or a sheet
per table, named ``respondents``, ``actors`` and ``flows`` (or ``exchanges``).
Sheets named README, notes, about or help are skipped. Cells that look like
formulas (``=HYPERLINK(...)``) are read as the text they are, never evaluated;
on writing they go through :func:`~valuenet.formats.cells.guard_formula`, so no
spreadsheet runs them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from valuenet.errors import ModelFileError, Problem
from valuenet.files import atomic_path
from valuenet.formats import columns
from valuenet.formats.cells import guard_formula
from valuenet.formats.source import Row, SourceTable, map_header


def _open(path: Path, name: str) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ModelFileError(
            [
                Problem(
                    name,
                    f"is not an XLSX workbook ({exc}).",
                    "Save it from your spreadsheet as .xlsx, or pass --format for another type.",
                )
            ]
        ) from None


def _sheet_tables(names: Sequence[str], name: str) -> list[tuple[str, str]]:
    """``(sheet, table)`` pairs to read, by the rules in the module docstring."""
    data = [s for s in names if columns.normalise_header(s) not in columns.IGNORED_SHEETS]
    if len(data) == 1:
        return [(data[0], "")]
    found = [(s, columns.table_of_sheet(s)) for s in data]
    unknown = [s for s, t in found if t is None]
    if unknown or not any(t == "flows" for _, t in found):
        raise ModelFileError(
            [
                Problem(
                    name,
                    f"has sheets {', '.join(repr(s) for s in names)}; expected one sheet of exchange rows, or sheets "
                    "named 'flows' (or 'exchanges'), 'respondents' and 'actors'.",
                    "Rename the sheets, or keep only one sheet."
                    + (
                        f" Unknown: {', '.join(repr(s) for s in unknown)}."
                        if unknown
                        else " The 'flows' sheet is missing."
                    ),
                )
            ]
        )
    order = {t: i for i, t in enumerate(columns.TABLES)}
    return sorted(((s, t or "") for s, t in found), key=lambda st: order[st[1]])


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def xlsx_tables(path: Path, *, name: str) -> list[SourceTable]:
    """The tables of a workbook, each streaming its sheet with openpyxl's read-only mode."""
    wb = _open(path, name)
    try:
        plan = _sheet_tables(wb.sheetnames, name)
        tables: list[SourceTable] = []
        for sheet, table in plan:
            header: list[Any] = []
            header_row = 0
            for header_row, values in enumerate(wb[sheet].iter_rows(values_only=True), 1):  # noqa: B007
                if any(v not in (None, "") for v in values):
                    header = list(values)
                    break
            where = f"{name} sheet {sheet}"
            if not header:
                raise ModelFileError([Problem(where, "is empty.", "Put the header row and the data rows in it.")])
            guess, cols, unknown = map_header(header, f"{where} row {header_row}", table or None)
            tables.append(
                SourceTable(
                    name,
                    guess,
                    [c for c in cols if c],
                    _rows_of(path, name, sheet, header_row, cols),
                    sheet=sheet,
                    unknown=set(unknown),
                )
            )
        return tables
    finally:
        wb.close()


def _rows_of(path: Path, name: str, sheet: str, header_row: int, cols: list[str | None]) -> Any:
    def rows() -> Iterator[Row]:
        wb = _open(path, name)
        try:
            for n, values in enumerate(wb[sheet].iter_rows(min_row=header_row + 1, values_only=True), header_row + 1):
                row = {
                    c: _cell(v)
                    for c, v in zip(cols, values, strict=False)
                    if c is not None and v is not None and v != ""
                }
                if not row:
                    continue
                if len(values) > len(cols) and any(v not in (None, "") for v in values[len(cols) :]):
                    row["__extra__"] = len(values) - len(cols)
                yield n, row
        finally:
            wb.close()

    return rows


def write_workbook(path: str | Path, sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """Write sheets of rows to an XLSX file (write-only mode: rows stream to disk)."""
    from openpyxl import Workbook

    with atomic_path(path) as tmp:
        wb = Workbook(write_only=True)
        for title, header, rows in sheets:
            ws = wb.create_sheet(title)
            ws.append(list(header))
            for row in rows:
                ws.append([guard_formula(v) for v in row])
        wb.save(tmp)


__all__ = ["write_workbook", "xlsx_tables"]
