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
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise ModelFileError([Problem(str(p), f"cannot be read: {exc.strerror}.", "Check the path.")]) from exc
    except UnicodeDecodeError:
        raise ModelFileError([Problem(str(p), "is not UTF-8 text.", "Save it as UTF-8.")]) from None
    except csv.Error as exc:
        raise ModelFileError([Problem(str(p), f"is not valid CSV ({exc}).", "Check the quotes.")]) from None
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
