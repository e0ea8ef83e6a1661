"""Result tables for people and spreadsheets: the cells of ``--format table``, CSV and XLSX output.

The commands that print data (``list``, ``stats``, ``analyze``, ``cypher``...) give
rows of plain values; this module holds the one rule for showing each value.

- **Numbers are never in scientific notation.** In a table for reading
  (:func:`table_cell`) a float has two decimals (``33600.00``, ``0.50``), and a
  number closer to zero than 0.01 keeps two significant digits
  (``0.0000001``), so a small p-value does not read as ``0.00``. CSV
  (:func:`csv_number`) keeps at most 12 significant digits, written positionally
  (``33600``, ``0.0000001``, ``4.075``): enough for any measure, and the last
  digits of float arithmetic (``0.30000000000000004``) are noise, not data. XLSX
  cells hold the numbers themselves, with a number format of two decimals (or the
  small number's own digits). Whole numbers are written exactly, however large;
  ``-0.0`` is ``0``; NaN is an empty cell; infinity is ``inf``. A numpy scalar is
  the Python number it holds (:func:`plain`).
- **Lists and maps are readable text**: ``a; b; c`` and ``key=value; key=value``
  (the ``;`` is the interview layout's list separator, so
  :func:`~valuenet.formats.cells.items` reads a list column back).
- **Text is neutralised** against formulas by
  :func:`~valuenet.formats.cells.sheet_cell` (CSV) and
  :func:`~valuenet.formats.xlsx.xlsx_text` (XLSX).
- **A workbook of results holds every text**, changed where XLSX cannot hold it as
  it is (:func:`xlsx_fit`): text longer than an XLSX cell is cut, ending with
  ``…``, and each character XLSX cannot hold is written as U+FFFD, the
  replacement character. Results need not import back exactly; interview tables
  do, and their export refuses such text instead
  (:func:`~valuenet.formats.export.write_interview_tables`).

>>> [table_cell(v) for v in (33600.0, 1768095, 1e-7, -0.0, 0.5, 2**70, None, float("nan"))]
['33600.00', '1768095', '0.0000001', '0.00', '0.50', '1180591620717411303424', '', '']
>>> [csv_number(v) for v in (33600.0, 1e-7, -0.0, 0.1 + 0.2, 4.074999999999999, 123456789.123456789, 1e22)]
['33600', '0.0000001', '0', '0.3', '4.075', '123456789.123', '10000000000000000000000']
>>> table_cell(["a", "b"]), table_cell({"functional": 0.5, "economic": 1})
('a; b', 'functional=0.50; economic=1')
>>> sheet_names(["net", "a/b:c", "x" * 40, "net"])
['net', 'a_b_c', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'net (2)']
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from valuenet.formats.cells import CellError, SheetWriter

#: The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8 (as text, one character).
BOM = "\ufeff"
#: A named table of rows: (name, title, rows); the name is short (a sheet or file name), the title says what it holds.
NamedTable = tuple[str, str, Sequence[Mapping[str, Any]]]
#: The separator of a list (and of a map's pairs) written in one cell.
LIST_SEPARATOR = "; "
#: The longest a sheet name may be in a workbook.
MAX_SHEET_NAME = 31
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
#: The widest a column is made in a workbook (characters); longer text wraps in the cell.
MAX_WIDTH = 60
#: Significant digits a CSV number keeps.
CSV_DIGITS = 12
#: What ends text cut to fit an XLSX cell.
ELLIPSIS = "\u2026"
#: What a workbook of results holds in place of a character XLSX cannot hold.
REPLACEMENT = "\ufffd"


def plain(value: Any) -> Any:
    """A numpy scalar (``numpy.generic``) as the Python value it holds (``.item()``); any other value as it is.

    numpy is looked for among the modules already imported: if it is not, no value can be one of its scalars.
    """
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):
        return value.item()
    return value


def _small_decimals(x: float) -> int:
    """Decimals that show two significant digits of a number closer to zero than 0.01."""
    return 1 - math.floor(math.log10(abs(x)))


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def fixed(x: float) -> str:
    """A float for reading: two decimals, or two significant digits when it is closer to zero than 0.01."""
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0.00"
    if abs(x) < 0.01:
        return _trim(f"{x:.{_small_decimals(x)}f}")
    return f"{x:.2f}"


def csv_number(x: float) -> str:
    """A float with at most :data:`CSV_DIGITS` significant digits, never in scientific notation."""
    x = float(plain(x))
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    return _trim(format(Decimal(f"{x:.{CSV_DIGITS}g}"), "f"))


def _text(value: Any, number: Any) -> str:
    """``value`` as text, numbers through ``number``, lists and maps joined by :data:`LIST_SEPARATOR`."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(number(value))
    if isinstance(value, Mapping):
        return LIST_SEPARATOR.join(f"{k}={_text(v, number)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return LIST_SEPARATOR.join(_text(v, number) for v in value)
    return str(value)


def table_cell(value: Any) -> str:
    """A value as the text of a table printed for reading (the rules in the module docstring)."""
    return _text(value, fixed)


class _Number:
    """A number already written as CSV text: the csv module writes ``str()`` of it, and no formula guard touches it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def csv_cell(value: Any) -> Any:
    """What a CSV writer gets for a value: numbers as their CSV text, lists and maps as readable text."""
    value = plain(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _Number(csv_number(value))
    return _text(value, csv_number)


def write_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *, excel: bool = False) -> None:
    """Write rows as CSV: a header, then each row's values for ``columns``.

    Text goes through the formula guard (:class:`~valuenet.formats.cells.SheetWriter`).
    ``excel`` starts the text with the UTF-8 byte-order mark, without which Excel
    reads UTF-8 as the local code page (``Zoë`` becomes ``ZoÃ«``), and ends lines with
    CRLF, as RFC 4180 and Excel itself write them; otherwise lines end with LF.
    """
    if excel:
        out.write(BOM)
    if not columns:  # a table with no rows, whose columns are unknown: an empty file, not a blank line
        return
    writer = SheetWriter(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])


def columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key of the rows, in the order first met."""
    return list(dict.fromkeys(k for r in rows for k in r))


def sheet_names(names: Sequence[str]) -> list[str]:
    """Names a workbook accepts for its sheets: no ``[]:*?/\\``, at most 31 characters, unique (case aside)."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = _NOT_IN_SHEET_NAME.sub("_", name).strip("'") or "table"
        candidate, n = base[:MAX_SHEET_NAME], 1
        while candidate.casefold() in seen:
            n += 1
            tail = f" ({n})"
            candidate = base[: MAX_SHEET_NAME - len(tail)] + tail
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def _xlsx_value(value: Any) -> tuple[Any, str | None]:
    """A cell's value and number format: numbers stay numbers, everything else is text (or empty)."""
    value = plain(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int):
        if abs(value) > 2**53:  # a spreadsheet holds numbers as doubles: keep every digit as text
            return str(value), None
        return value, "#,##0"
    if isinstance(value, float):
        if math.isinf(value):
            return fixed(value), None
        if value != 0 and abs(value) < 0.01:
            return value, "0." + "0" * _small_decimals(value)
        return value, "#,##0.00"
    return table_cell(value) if not isinstance(value, str) else value, None


def xlsx_fit(value: str) -> str:
    """Text an XLSX string cell can hold, for a workbook of results (:func:`~valuenet.formats.xlsx.xlsx_text` takes it).

    Each character XLSX cannot hold becomes :data:`REPLACEMENT`, and so does the
    ``_`` of the text ``_x000D_``, which XLSX readers take for a carriage return.
    Text longer than a cell (counting the ``'`` marks that keep spreadsheets from
    running it) is cut and ends with :data:`ELLIPSIS`. Text XLSX holds comes back
    unchanged.

    >>> xlsx_fit("ring \x07 bell"), len(xlsx_fit("x" * 40_000)), xlsx_fit("x" * 40_000)[-2:]
    ('ring \ufffd bell', 32767, 'x…')
    """
    from valuenet.formats.cells import sheet_cell
    from valuenet.formats.xlsx import _CR, _ILLEGAL, XLSX_MAX_CELL

    out = _ILLEGAL.sub(REPLACEMENT, value).replace(_CR, REPLACEMENT + _CR[1:])
    if len(sheet_cell(out)) <= XLSX_MAX_CELL:
        return out
    keep = XLSX_MAX_CELL - len(ELLIPSIS)
    while len(sheet_cell(cut := out[:keep] + ELLIPSIS)) > XLSX_MAX_CELL:
        keep -= len(sheet_cell(cut)) - XLSX_MAX_CELL  # the ' marks of the part kept
    return cut


def _width(value: Any) -> int:
    value = plain(value)
    if value is None:
        return 0
    text = table_cell(value) if not isinstance(value, str) else value
    return max((len(line) for line in text.splitlines()), default=0)


def write_xlsx_tables(path: str | Path, tables: Sequence[NamedTable], about: Sequence[tuple[str, Any]]) -> int:
    """Write a workbook: a sheet "About", then a sheet per table; return how many text cells :func:`xlsx_fit` changed.

    "About" holds ``about`` as label/value rows (the scope), then each sheet's name and title.

    Each table's header row is frozen and its columns sized to their content
    (at most :data:`MAX_WIDTH`); numbers are numbers with a number format, text is
    a string cell through :func:`~valuenet.formats.xlsx.xlsx_text`, lists and maps
    readable text. Text XLSX cannot hold as it is, is made to fit (:func:`xlsx_fit`),
    and counted, so the caller can say so. The file is written whole or not at all.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from valuenet.files import atomic_path
    from valuenet.formats.xlsx import xlsx_text

    names = sheet_names(["About", *(name for name, _, _ in tables)])
    bold = Font(bold=True)
    changed = 0

    def cells(
        ws: Any, sheet: str, n: int, header: Sequence[str], values: Sequence[Any], *, head: bool = False
    ) -> list[Any]:
        nonlocal changed
        out = []
        for col, raw in zip(header, values, strict=True):
            value, number_format = _xlsx_value(raw)
            if isinstance(value, str) and (fit := xlsx_fit(value)) != value:
                value, changed = fit, changed + 1
            try:
                cell = WriteOnlyCell(ws, value=xlsx_text(value) if isinstance(value, str) else value)
            except CellError as exc:  # xlsx_fit made the text fit: a bug if this is reached
                raise CellError(f'sheet {sheet} row {n}, column "{col}", {exc.message}', exc.fix) from None
            if isinstance(value, str):
                cell.data_type = "s"
            if number_format:
                cell.number_format = number_format
            if head:
                cell.font = bold
            out.append(cell)
        return out

    def sheet(wb: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, col in enumerate(header):
            wide = max([_width(col), *(_width(r[i]) for r in rows)])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(MAX_WIDTH, max(8, wide + 2))
        ws.append(cells(ws, title, 1, header, header, head=True))
        for n, row in enumerate(rows, 2):
            ws.append(cells(ws, title, n, header, row))

    with atomic_path(path) as tmp:
        wb = Workbook(write_only=True)
        contents = [(sheet_name, title) for sheet_name, (_, title, _) in zip(names[1:], tables, strict=True)]
        about_rows = [[label, value] for label, value in about]
        about_rows += [["", ""], ["sheet", "what it holds"], *([s, t] for s, t in contents)]
        sheet(wb, names[0], ["about", "value"], about_rows)
        for sheet_name, (_, _, rows) in zip(names[1:], tables, strict=True):
            header = columns_of(rows) or ["(no rows)"]
            sheet(wb, sheet_name, header, [[r.get(c) for c in header] for r in rows])
        wb.save(tmp)
    return changed


__all__ = [
    "BOM",
    "CSV_DIGITS",
    "ELLIPSIS",
    "LIST_SEPARATOR",
    "REPLACEMENT",
    "NamedTable",
    "columns_of",
    "csv_cell",
    "csv_number",
    "fixed",
    "plain",
    "sheet_names",
    "table_cell",
    "write_csv",
    "write_xlsx_tables",
    "xlsx_fit",
]
