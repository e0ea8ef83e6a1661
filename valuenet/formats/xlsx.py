"""Read and write interview workbooks (XLSX) with openpyxl, streaming in both directions.

A workbook holds either one sheet of exchange rows (whatever its name) or a sheet
per table, named ``respondents``, ``actors`` and ``flows`` (or ``exchanges``).
Sheets named README, notes, about, help, columns or lists are skipped. Cells that look like
formulas (``=HYPERLINK(...)``) are read as the text they are, never evaluated.
Every text cell valuenet writes is a string cell, escaped by
:func:`~valuenet.formats.cells.sheet_cell` so that no spreadsheet runs it, with a
carriage return written ``_x000D_`` as OOXML has it (XML would read a bare one as
a line feed); reading undoes both (:func:`from_xlsx`), so text comes back exactly.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from valuenet.errors import ModelFileError, Problem
from valuenet.files import atomic_path
from valuenet.formats import columns
from valuenet.formats.cells import CellError, from_sheet, sheet_cell
from valuenet.formats.source import Row, SourceTable, file_error, map_header

#: What a damaged workbook raises from openpyxl, zipfile and the XML parser, on opening or on reading a sheet.
_DAMAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    EOFError,
    zlib.error,
    SyntaxError,  # xml.etree's ParseError, and lxml's XMLSyntaxError where openpyxl uses lxml
)
_RESAVE = "Open it in a spreadsheet and save it again as .xlsx."


def _missing_part(exc: BaseException) -> str | None:
    """The archive member a ``KeyError`` from zipfile names (``There is no item named 'x' in the archive``)."""
    found = re.search(r"no item named '(.+)' in the archive", str(exc.args[0]) if exc.args else "")
    return found.group(1) if found else None


def _broken_part(path: Path) -> str | None:
    """The first XML part of a workbook that does not parse (looked for on the error path only)."""
    from xml.etree.ElementTree import iterparse

    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    try:
                        with z.open(info) as part:
                            for _ in iterparse(part):
                                pass
                    except SyntaxError:
                        return info.filename
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError):
        return None
    return None


def _damaged(where: str, exc: BaseException, path: Path | None = None) -> ModelFileError:
    """The error for a workbook whose archive or XML is broken, with what broke (and where, when ``path`` is given)."""
    part = _missing_part(exc) if isinstance(exc, KeyError) else None
    if isinstance(exc, SyntaxError) and path is not None:
        part = _broken_part(path)
    if isinstance(exc, KeyError) and part is not None:
        what = f"the part {part} is missing"
    elif isinstance(exc, SyntaxError):
        what = f"its XML is broken ({exc})" if part is None else f"the XML of its part {part} is broken ({exc})"
    elif isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        what = f"its zip archive is truncated or corrupt ({exc})"
    else:
        what = f"its content cannot be read ({exc.__class__.__name__}: {exc})"
    return file_error(where, f"is damaged: {what}.", _RESAVE)


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _open(path: Path, name: str) -> Any:
    """The workbook in read-only mode; a file that is not a sound workbook becomes a file error naming it."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    not_xlsx = "Save it from your spreadsheet as .xlsx, or pass --format for another type."
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise file_error(name, "no such file.", "Check the path.") from None
    except OSError as exc:
        raise file_error(name, f"cannot be read: {exc.strerror or exc}.", "Check the path and permissions.") from None
    except InvalidFileException as exc:
        raise file_error(name, f"is not an XLSX workbook ({exc}).", not_xlsx) from None
    except zipfile.BadZipFile as exc:
        if _is_zip(path):
            raise _damaged(name, exc) from None
        raise file_error(name, "is not an XLSX workbook (it is not a zip archive).", not_xlsx) from None
    except _DAMAGE as exc:
        if isinstance(exc, KeyError) and _missing_part(exc) in ("[Content_Types].xml", "xl/workbook.xml"):
            raise file_error(
                name, f"is a zip archive but not an XLSX workbook (it has no {_missing_part(exc)}).", not_xlsx
            ) from None
        raise _damaged(name, exc, path) from None


def _sheet_rows(wb: Any, sheet: str, where: str, min_row: int = 1) -> Iterator[tuple[Any, ...]]:
    """The cell values of a sheet's rows; a damaged sheet becomes a file error naming the sheet."""
    try:
        yield from wb[sheet].iter_rows(min_row=min_row, values_only=True)
    except _DAMAGE as exc:
        raise _damaged(where, exc) from None


def _sheet_tables(names: Sequence[str], name: str) -> list[tuple[str, str]]:
    """``(sheet, table)`` pairs to read, by the rules in the module docstring."""
    if not names:
        raise file_error(name, "is damaged: it has no sheet that can be read.", _RESAVE)
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
        return from_xlsx(value)
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
            where = f"{name} sheet {sheet}"
            for header_row, values in enumerate(_sheet_rows(wb, sheet, where), 1):  # noqa: B007
                if any(v not in (None, "") for v in values):
                    header = list(values)
                    break
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
            values_of = _sheet_rows(wb, sheet, f"{name} sheet {sheet}", header_row + 1)
            for n, values in enumerate(values_of, header_row + 1):
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


#: The most characters one XLSX cell holds.
XLSX_MAX_CELL = 32_767
#: A carriage return as OOXML writes it.
_CR = "_x000D_"
#: Characters XML 1.0, and so XLSX, cannot hold (the controls text may not hold, U+FFFE, U+FFFF, surrogates).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_text(value: str) -> str:
    """The content of the string cell that holds ``value``; :class:`CellError` when XLSX cannot hold it."""
    out: str = sheet_cell(value)
    if len(out) > XLSX_MAX_CELL:
        written = f" ({len(out):,} with the ' that keeps spreadsheets from running it)" if out != value else ""
        raise CellError(
            f"holds {len(value):,} characters{written}; an XLSX cell holds at most {XLSX_MAX_CELL:,}.",
            "Export as csv or jsonl, which hold it, or shorten the text.",
        )
    bad = _ILLEGAL.search(out)
    if bad is not None:
        raise CellError(
            f"holds the control character U+{ord(bad.group()):04X}, which an XLSX cell cannot hold.",
            "Export as csv or jsonl, which hold it, or remove the character.",
        )
    if _CR in out:
        raise CellError(
            f'holds the text "{_CR}", which XLSX readers take for a carriage return.',
            "Export as csv or jsonl, which hold it.",
        )
    return out.replace("\r", _CR)


def from_xlsx(value: str) -> str:
    """The text a string cell holds: :func:`xlsx_text` undone (a hand-typed leading ``'`` is dropped)."""
    return from_sheet(value.replace(_CR, "\r") if _CR in value else value)


def _string_cells(ws: Any, values: Iterable[Any]) -> list[Any]:
    """Values to append to a write-only sheet, every text a string cell (never a formula)."""
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = []
    for v in values:
        if isinstance(v, str):
            cell = WriteOnlyCell(ws, value=xlsx_text(v))
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(v)
    return out


def _refused(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        xlsx_text(value)
    except CellError:
        return True
    return False


def write_workbook(path: str | Path, sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """Write sheets of rows to an XLSX file (write-only mode: rows stream to disk).

    Text becomes string cells through :func:`xlsx_text`; its :class:`CellError` names the sheet, row and column.
    """
    from openpyxl import Workbook

    with atomic_path(path) as tmp:
        wb = Workbook(write_only=True)
        for title, header, rows in sheets:
            ws = wb.create_sheet(title)
            ws.append(_string_cells(ws, header))
            for n, row in enumerate(rows, 2):
                try:
                    ws.append(_string_cells(ws, row))
                except CellError as exc:
                    col = next((h for h, v in zip(header, row, strict=False) if _refused(v)), "")
                    raise CellError(f'sheet {title} row {n}, column "{col}", {exc.message}', exc.fix) from None
        wb.save(tmp)


__all__ = ["XLSX_MAX_CELL", "from_xlsx", "write_workbook", "xlsx_tables", "xlsx_text"]
