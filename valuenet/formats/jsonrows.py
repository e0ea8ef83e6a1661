"""Read interview tables written as JSON: an array of row objects, or JSON Lines (one object per line).

Nested ``weights``, ``thresholds`` and ``attributes`` objects become per-key
columns, and lists of strings one ``;``-separated cell. JSON Lines stream; a JSON
array is read whole (use JSON Lines for big files). Rows need not all have the
same keys, so these tables are not ``fixed``.

Each document (the array, or each line) is loaded by :mod:`valuenet.formats.strict`:
a key given twice, ``NaN`` or ``Infinity``, a whole number outside 64 bits or nesting
deeper than :data:`~valuenet.formats.strict.MAX_DEPTH` refuses the file, naming the row and key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from valuenet.errors import ModelFileError
from valuenet.formats import columns, strict
from valuenet.formats.cells import Literal
from valuenet.formats.source import Row, SourceTable, check_encoding, decode_error, file_error, open_text

_ATTRIBUTE = columns.ATTRIBUTE_PREFIX


#: Keys met so far and their normalised form (keys repeat on every row; bounded, as rows may hold any key).
_NORMAL: dict[str, str] = {}


def _normal(key: str) -> str:
    found = _NORMAL.get(key)
    if found is None:
        found = columns.normalise_header(key)
        if len(_NORMAL) < 4096:
            _NORMAL[key] = found
    return found


def _flatten(obj: dict[str, Any]) -> dict[str, Any]:
    """Nested ``weights``/``thresholds``/``attributes`` objects become per-key columns."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        k = _normal(key)
        if k in ("weights", "thresholds") and isinstance(value, dict):
            for dim, v in value.items():
                out[f"{k[:-1]}_{dim}"] = v
        elif k == "attributes" and isinstance(value, dict):
            for a, v in value.items():
                out[f"{columns.ATTRIBUTE_PREFIX}{a}"] = v
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
            cache[key] = columns.canonical_column(key, table)
        col = cache[key]
        if col is None:
            unknown.add(key)
        elif value is not None and value != "":
            # JSON says what is text: an attribute written "0034" stays text, not the number 34
            row[col] = Literal(value) if value.__class__ is str and col.startswith(_ATTRIBUTE) else value
    return row


def jsonl_tables(path: Path, *, name: str, encoding: str | None = None) -> list[SourceTable]:
    """The one table a JSON Lines file holds: one object per line, streamed."""
    enc = encoding or "utf-8-sig"
    check_encoding(name, enc)
    cache: dict[str, str | None] = {}
    unknown: set[str] = set()
    keys: list[str] = []
    with open_text(path, enc) as fh:
        try:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        first = strict.load_json(line)
                    except json.JSONDecodeError:
                        first = {}  # the rows pass reports it
                    except strict.Refusal as exc:
                        raise ModelFileError([strict.row_problem(exc, name, n)]) from None
                    if isinstance(first, dict):
                        keys = list(_flatten(first))
                    break
            else:
                raise file_error(name, "is empty.", "Write one JSON object per line.")
        except UnicodeDecodeError as exc:
            raise decode_error(name, enc, exc, path) from None
    table = columns.guess_table(keys)

    def rows() -> Iterator[Row]:
        with open_text(path, enc) as fh:
            n = 0
            try:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        obj = strict.load_json(line)
                    except json.JSONDecodeError as exc:
                        yield n, {"__error__": f"is not valid JSON ({exc.msg}, column {exc.colno})."}
                        continue
                    except strict.Refusal as exc:
                        raise ModelFileError([strict.row_problem(exc, name, n)]) from None
                    row = _json_row(obj, cache, table, unknown)
                    yield n, ({"__error__": row} if isinstance(row, str) else row)
            except UnicodeDecodeError as exc:
                raise decode_error(name, enc, exc, path) from None

    cols = [c for c in (columns.canonical_column(k, table) for k in keys) if c]
    # unknown keys are collected as the rows stream; the validator reads them after its pass
    return [SourceTable(name, table, cols, rows, unknown=unknown, fixed=False)]


def json_tables(path: Path, *, name: str, encoding: str | None = None) -> list[SourceTable]:
    """The one table a JSON file holding an array of row objects is (read whole: use JSONL for big files)."""
    enc = encoding or "utf-8-sig"
    check_encoding(name, enc)
    try:
        data = strict.load_json(path.read_text(encoding=enc))
    except strict.Refusal as exc:
        raise ModelFileError([strict.row_problem(exc, name)]) from None
    except json.JSONDecodeError as exc:
        raise file_error(
            f"{name} line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}.", "Fix the syntax."
        ) from None
    except UnicodeDecodeError as exc:
        raise decode_error(name, enc, exc, path) from None
    except OSError as exc:
        raise file_error(name, f"cannot be read: {exc.strerror}.", "Check the path and permissions.") from exc
    if not isinstance(data, list):
        raise file_error(name, "does not hold a list of rows.", "Write a JSON array of objects, one per exchange.")
    if not data:
        raise file_error(name, "holds no rows.", "Add at least one row object.")
    keys = list(_flatten(data[0])) if isinstance(data[0], dict) else []
    table = columns.guess_table(keys)
    cache: dict[str, str | None] = {}
    unknown: set[str] = set()

    def rows() -> Iterator[Row]:
        for n, obj in enumerate(data, 1):
            row = _json_row(obj, cache, table, unknown)
            yield n, ({"__error__": row} if isinstance(row, str) else row)

    return [
        SourceTable(
            name,
            table,
            [c for c in (columns.canonical_column(k, table) for k in keys) if c],
            rows,
            unknown=unknown,
            fixed=False,
        )
    ]


__all__ = ["json_tables", "jsonl_tables"]
