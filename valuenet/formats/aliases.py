"""The aliases file of ``valuenet import --aliases``: other spellings of actor names.

A CSV file with two columns, ``alias`` and ``actor`` (an actor id or name); the
header row is optional. Each alias then names that actor in interview tables.
"""

from __future__ import annotations

import csv
from pathlib import Path

from valuenet.errors import ModelFileError, Problem


def read_aliases(path: str | Path) -> dict[str, str]:
    """The alias -> actor pairs of an aliases file."""
    p = Path(path)
    rows: list[list[str]] = []
    line = 0
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)  # strict: a quote left open is an error, not the rest of the file
            for row in reader:
                rows.append(row)
                line = reader.line_num
    except OSError as exc:
        reason = "it is a folder" if isinstance(exc, IsADirectoryError) else exc.strerror
        raise ModelFileError([Problem(str(p), f"cannot be read: {reason}.", "Check the path.")]) from exc
    except UnicodeDecodeError:
        raise ModelFileError([Problem(str(p), "is not UTF-8 text.", "Save it as UTF-8.")]) from None
    except csv.Error as exc:
        what = (
            "a quoted cell starts on this row and its closing quote is missing"
            if str(exc) == "unexpected end of data"
            else f"is not valid CSV ({exc})"
        )
        raise ModelFileError([Problem(f"{p} row {line + 1}", f"{what}.", "Check the quotes on that row.")]) from None
    first = 1
    if rows and [c.strip().casefold() for c in rows[0][:2]] == ["alias", "actor"]:
        rows, first = rows[1:], 2
    out: dict[str, str] = {}
    for i, row in enumerate(rows, first):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise ModelFileError(
                [Problem(f"{p} row {i}", "needs an alias and an actor.", "Write two columns: alias,actor.")]
            )
        out[cells[0]] = cells[1]
    return out


__all__ = ["read_aliases"]
