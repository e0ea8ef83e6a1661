"""Turn table cells into values, or say exactly what is wrong with them.

Cells come from CSV (always text), XLSX (text, numbers, booleans, dates) or JSON
(any JSON value). Each parser takes one cell and returns the value, or raises
:class:`CellError` with a message and a fix; the importer adds the file, row and
column.

Free text (quotes, names, titles, notes...) is kept exactly as given, spaces,
tabs and line breaks included: :func:`text`. A cell that is empty or holds only
white space is empty. Ids (:func:`ident`) and grouping labels (:func:`label`:
touchpoint, stage, segment) lose the white space around them.

This module also holds the one rule for spreadsheet cells. Every CSV or XLSX text
cell valuenet writes goes through :func:`sheet_cell`, so that no spreadsheet runs
it as a formula, even one that splits cells at ``;``, ``,``, tabs or line breaks; the CSV and XLSX
readers undo it with :func:`from_sheet`, so the text comes back exactly. JSON,
JSONL and YAML hold text as it is and need neither.

>>> number("2,5"), number(" 4 "), boolean("Yes"), items("hospital; pharmacy")
(2.5, 4.0, True, ['hospital', 'pharmacy'])
>>> sheet_cell("=HYPERLINK(1)"), sheet_cell("a;=1+1"), sheet_cell(-2.5)
("'=HYPERLINK(1)", "'a;'=1+1", -2.5)
>>> from_sheet("'a;'=1+1"), text(" as said "), ident(" r1 ")
('a;=1+1', ' as said ', 'r1')
>>> number("four")
Traceback (most recent call last):
...
valuenet.formats.cells.CellError: "four" is not a number.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from typing import IO, Any

from valuenet.models import CONTROL_IN_TEXT, HIDDEN_IN_ID, INT_MAX, INT_MIN

#: The longest text one cell may hold.
MAX_CELL = 100_000
#: The longest id (respondent, exchange, actor...).
MAX_ID = 200
#: First characters that make a spreadsheet treat a cell, or a piece of one split at ``;`` or ``,``, as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL_COMMA = re.compile(r"^[+-]?[0-9]+,[0-9]+$")
_WHOLE_TEXT = re.compile(r"[+-]?[0-9]+")
_SCALAR_WHOLE = re.compile(r"[+-]?[0-9]{1,15}")
_SCALAR_DECIMAL = re.compile(r"[+-]?[0-9]{1,15}\.[0-9]{1,15}")
_TRUE = frozenset(("yes", "y", "true", "t", "1", "x", "ja", "oui", "si", "sí"))
_FALSE = frozenset(("no", "n", "false", "f", "0", "nein", "non"))


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _visible(s: str) -> str:
    """Text with its control and invisible characters written as escapes, for a message."""
    return HIDDEN_IN_ID.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)


class CellError(ValueError):
    """A cell cannot be read as the column needs; ``fix`` says how to correct it."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


def show(value: Any, limit: int = 60) -> str:
    """A cell value quoted for a message, cut when long."""
    s = str(value)
    if len(s) > limit:
        s = s[:limit] + f"... ({len(s):,} characters)"
    return f'"{s}"'


def text(value: Any) -> str | None:
    """Text exactly as given; ``None`` for an empty cell or one holding only white space.

    Numbers are written as they read.
    """
    if value is None:
        return None
    if isinstance(value, str):
        s = value if value.__class__ is str else str(value)  # a Literal is text like any other from here on
    elif isinstance(value, bool):
        s = "yes" if value else "no"
    elif isinstance(value, float) and value.is_integer():
        s = str(int(value))
    elif isinstance(value, (int, float)):
        s = str(value)
    else:
        raise CellError(f"{show(value)} is not text.", "Write plain text in this cell.")
    if not s or s.isspace():
        return None
    if len(s) > MAX_CELL:
        raise CellError(
            f"the cell holds {len(s):,} characters; a cell holds at most {MAX_CELL:,}.",
            "Shorten it, or keep the full text elsewhere and put a reference here.",
        )
    bad = CONTROL_IN_TEXT.search(s)
    if bad:
        raise CellError(
            f"{show(_visible(s))} holds the control character {_codepoint(bad.group())} at position {bad.start() + 1}.",
            "Remove it: text may hold tabs and line breaks, but no other control characters.",
        )
    return s


def label(value: Any) -> str | None:
    """A grouping label (touchpoint, stage, segment): text without the white space around it.

    Labels group rows, so ``"waiting room "`` and ``"waiting room"`` must be one label.
    """
    s = text(value)
    return None if s is None else s.strip()


def ident(value: Any) -> str | None:
    """An id: a label of at most :data:`MAX_ID` characters."""
    s = label(value)
    if s is not None and len(s) > MAX_ID:
        raise CellError(
            f"{show(s)} is too long for an id ({len(s)} characters; at most {MAX_ID}).", "Use a shorter id."
        )
    bad = None if s is None else HIDDEN_IN_ID.search(s)
    if s is not None and bad:
        raise CellError(
            f"{show(_visible(s))} holds {_codepoint(bad.group())}, "
            "an invisible or control character, which no id may hold.",
            "Retype the id as plain visible text on one line.",
        )
    return s


#: ``FORMULA_START`` and the escape itself, as a regex character class.
_RISKY = "[" + re.escape("".join(FORMULA_START) + "'") + "]"
#: Where a spreadsheet may start a new cell inside a text: list separators, tabs and line breaks.
_SPLIT = "[;,\t\r\n]"
_NEEDS_ESCAPE = re.compile(f"^ *{_RISKY}|{_SPLIT} *(?={_RISKY})")
_BEFORE_RISKY = re.compile(f"({_SPLIT} *)(?={_RISKY})")
_ESCAPED = re.compile(f"({_SPLIT} *)'")


class Literal(str):
    """Text a spreadsheet cell marks as literal with a leading ``'``: kept as text where a number could be read.

    :func:`from_sheet` gives one for a cell it took the ``'`` off, and :func:`sheet_cell`
    always writes one with the ``'``, so an attribute ``"0034"`` stays text through CSV and XLSX.
    """

    __slots__ = ()


def sheet_cell(value: Any) -> Any:
    """A cell to write to CSV or XLSX that no spreadsheet runs as a formula; values other than text pass as they are.

    Text that starts (after optional spaces) with ``= + - @``, a tab, a carriage
    return or ``'``, or holds a ``;``, ``,``, tab or line break followed by optional
    spaces and one of those, gets a ``'`` in front and a ``'`` after each such
    separator (and its spaces); so does every :class:`Literal`. A spreadsheet shows a
    cell starting with ``'`` as literal text, and so each piece of it a spreadsheet
    might split off at a separator. :func:`from_sheet` gives the text back.
    """
    if not isinstance(value, str) or (value.__class__ is not Literal and not _NEEDS_ESCAPE.search(value)):
        return value
    return "'" + _BEFORE_RISKY.sub(r"\1'", value)


def from_sheet(value: str) -> str:
    """The text a CSV or XLSX text cell holds: :func:`sheet_cell` undone.

    A leading ``'`` is removed (as in a spreadsheet, it marks literal text, so a
    typed ``'yes`` reads as ``yes``); in such a cell, so is one ``'`` right after
    each ``;`` or ``,`` and its spaces.
    """
    if not value.startswith("'"):
        return value
    return Literal(_ESCAPED.sub(r"\1", value[1:]))


class SheetWriter:
    """Writes the rows of a CSV file valuenet writes: each cell through :func:`sheet_cell`.

    The csv module quotes a cell holding a line feed but not one holding a bare
    carriage return, which a reader then takes for the end of the row; a row
    holding one is written with every cell quoted.
    """

    def __init__(self, out: IO[str], **fmt: Any) -> None:
        self._plain = csv.writer(out, **fmt)
        self._quoted = csv.writer(out, quoting=csv.QUOTE_ALL, **fmt)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row (``None`` is an empty cell)."""
        out = [sheet_cell(v) for v in row]
        cr = any(isinstance(v, str) and "\r" in v for v in out)
        (self._quoted if cr else self._plain).writerow(out)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def number(value: Any) -> float | None:
    """A finite number; a decimal comma (``2,5``) is read as a decimal point.

    A whole number outside 64 bits (:data:`~valuenet.models.INT_MIN` to
    :data:`~valuenet.models.INT_MAX`) is refused, as every store would refuse it.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(f"{show(value)} is not a number.", "Type a number such as 4 or 2.5.")
    if isinstance(value, int):
        _check_whole(value)
        out = float(value)
    elif isinstance(value, float):
        out = value
    else:
        s = str(value).strip()
        if not s:
            return None
        if len(s) > 18 and _WHOLE_TEXT.fullmatch(s):
            digits = s.lstrip("+-").lstrip("0")
            _check_whole(int(s) if len(digits) <= 19 else INT_MAX + 1, s)
        try:
            if "_" in s or not s.isascii():
                raise ValueError("digit groups and non-ASCII digits are not numbers here")
            out = float(s)
        except ValueError:
            if _DECIMAL_COMMA.match(s):
                out = float(s.replace(",", "."))
            else:
                fix = (
                    "Type the number itself: formulas are not evaluated."
                    if s.startswith(("=", "'="))
                    else "Type a number such as 4 or 2.5."
                )
                raise CellError(f"{show(s)} is not a number.", fix) from None
    if not math.isfinite(out):
        raise CellError(f"{show(value)} is not a finite number.", "Type a number such as 4 or 2.5.")
    return out


def _check_whole(value: int, written: str | None = None) -> None:
    """Refuse a whole number no store holds (outside 64 bits), without printing all its digits."""
    if not INT_MIN <= value <= INT_MAX:
        if written is not None:
            shown = show(written)
        else:
            shown = show(value) if value.bit_length() < 4000 else f"a number of {value.bit_length():,} bits"
        raise CellError(
            f"{shown} is outside the whole numbers a store holds ({INT_MIN:,} to {INT_MAX:,}).",
            "Write a smaller number.",
        )


def integer(value: Any) -> int | None:
    """A whole number (``9`` or ``9.0``) that fits in 64 bits.

    >>> integer("9.0"), integer(7)
    (9, 7)
    """
    if isinstance(value, int) and not isinstance(value, bool):
        _check_whole(value)
        return value
    out = number(value)
    if out is None:
        return None
    if isinstance(value, str) and _WHOLE_TEXT.fullmatch(value.strip()):
        return int(value.strip())  # exact: a float would round 19-digit numbers
    if not out.is_integer():
        raise CellError(f"{show(value)} is not a whole number.", "Type a whole number such as 7.")
    if not INT_MIN <= out < 2.0**63:
        raise CellError(
            f"{show(value)} is outside the whole numbers a store holds ({INT_MIN:,} to {INT_MAX:,}).",
            "Write a smaller number.",
        )
    return int(out)


def boolean(value: Any) -> bool | None:
    """yes/no, true/false, 1/0 (any case)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    s = str(value).strip().casefold()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CellError(f"{show(value)} is not yes or no.", "Write yes or no (true/false, 1/0 also work).")


def items(value: Any) -> list[str]:
    """A list written in one cell, separated by ``;`` (or a JSON list)."""
    if value is None:
        return []
    if isinstance(value, list):
        parts = [text(v) for v in value]
    else:
        s = text(value)
        parts = [p.strip() for p in s.split(";")] if s else []
    return [p for p in parts if p]


def scalar(value: Any) -> str | int | float | bool:
    """An attribute value: a number when the cell is a plain number, else the text.

    Numbers must be ones every store holds: finite, and whole numbers within 64 bits. A
    whole float becomes an int only where floats are exact (below 2**53), so ``1e300``
    stays the float it is.

    >>> scalar("34"), scalar("1.5"), scalar("0034-A"), scalar(True), scalar(12.0), scalar(1e300)
    (34, 1.5, '0034-A', True, 12, 1e+300)
    >>> scalar(float("nan"))
    Traceback (most recent call last):
    ...
    valuenet.formats.cells.CellError: "nan" is not a finite number.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        _check_whole(value)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(f"{show(value)} is not a finite number.", "Type a number such as 4 or 2.5.")
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    s = text(value) or ""
    if isinstance(value, Literal):
        return str(s)
    plain = s.strip()
    if _SCALAR_WHOLE.fullmatch(plain):
        return int(plain)
    if _SCALAR_DECIMAL.fullmatch(plain):
        return float(plain)
    return s


def fold(name: str) -> str:
    """A name folded for matching: case and runs of white space do not count.

    >>> fold("  Dr   PATEL ")
    'dr patel'
    """
    return " ".join(name.split()).casefold()


def near_key(name: str) -> str:
    """A name reduced to letters and digits, to spot near-duplicates ("Dr Patel" / "Dr. Patel").

    >>> near_key("Dr. Patel") == near_key("dr patel")
    True
    """
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def slug(name: str) -> str:
    """An id made from a name.

    >>> slug("Riverside Physio Clinic")
    'riverside-physio-clinic'
    """
    out = re.sub(r"[^\w]+", "-", name.casefold()).strip("-")
    return out[:MAX_ID] or "x"
