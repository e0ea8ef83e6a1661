"""Turn table cells into values, or say exactly what is wrong with them.

Cells come from CSV (always text), XLSX (text, numbers, booleans, dates) or JSON
(any JSON value). Each parser takes one cell and returns the value, or raises
:class:`CellError` with a message and a fix; the importer adds the file, row and
column.

This module also holds the one spreadsheet-formula guard: every CSV or XLSX cell
valuenet writes goes through :func:`guard_formula`, which puts a ``'`` before
text a spreadsheet would run as a formula, and :func:`text` takes that ``'`` off
again on import, so ``'=HYPERLINK(...)`` comes back as the text it was.

>>> number("2,5"), number(" 4 "), boolean("Yes"), items("hospital; pharmacy")
(2.5, 4.0, True, ['hospital', 'pharmacy'])
>>> guard_formula("=HYPERLINK(1)"), text("'=HYPERLINK(1)"), guard_formula(-2.5)
("'=HYPERLINK(1)", '=HYPERLINK(1)', -2.5)
>>> number("four")
Traceback (most recent call last):
...
valuenet.formats.cells.CellError: "four" is not a number.
"""

from __future__ import annotations

import math
import re
from typing import Any

#: The longest text one cell may hold.
MAX_CELL = 100_000
#: The longest id (respondent, exchange, actor...).
MAX_ID = 200
#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_TRUE = frozenset(("yes", "y", "true", "t", "1", "x", "ja", "oui", "si", "sí"))
_FALSE = frozenset(("no", "n", "false", "f", "0", "nein", "non"))


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
    """Stripped text; ``None`` for an empty cell. Numbers are written as they read."""
    if value is None:
        return None
    if isinstance(value, str):
        s = value.strip()
    elif isinstance(value, bool):
        s = "yes" if value else "no"
    elif isinstance(value, float) and value.is_integer():
        s = str(int(value))
    elif isinstance(value, (int, float)):
        s = str(value)
    else:
        raise CellError(f"{show(value)} is not text.", "Write plain text in this cell.")
    if not s:
        return None
    if len(s) > MAX_CELL:
        raise CellError(
            f"the cell holds {len(s):,} characters; a cell holds at most {MAX_CELL:,}.",
            "Shorten it, or keep the full text elsewhere and put a reference here.",
        )
    if s[0] == "'" and len(s) > 1 and s[1] in FORMULA_START:
        return s[1:]
    return s


def guard_formula(value: Any) -> Any:
    """A cell to write that a spreadsheet shows as text, never runs: formula-like text gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def ident(value: Any) -> str | None:
    """An id: text of at most :data:`MAX_ID` characters."""
    s = text(value)
    if s is not None and len(s) > MAX_ID:
        raise CellError(
            f"{show(s)} is too long for an id ({len(s)} characters; at most {MAX_ID}).", "Use a shorter id."
        )
    return s


def number(value: Any) -> float | None:
    """A finite number; a decimal comma (``2,5``) is read as a decimal point."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(f"{show(value)} is not a number.", "Type a number such as 4 or 2.5.")
    if isinstance(value, (int, float)):
        out = float(value)
    else:
        s = str(value).strip()
        if not s:
            return None
        try:
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


def integer(value: Any) -> int | None:
    """A whole number (``9`` or ``9.0``)."""
    out = number(value)
    if out is None:
        return None
    if not out.is_integer():
        raise CellError(f"{show(value)} is not a whole number.", "Type a whole number such as 7.")
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

    >>> scalar("34"), scalar("1.5"), scalar("0034-A"), scalar(True)
    (34, 1.5, '0034-A', True)
    """
    if isinstance(value, (bool, int, float)):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    s = text(value) or ""
    if re.fullmatch(r"[+-]?\d{1,15}", s):
        return int(s)
    if re.fullmatch(r"[+-]?\d{1,15}\.\d{1,15}", s):
        return float(s)
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
