"""Load JSON and YAML documents strictly: data only, nothing a store cannot hold.

Python's ``json`` and PyYAML accept documents that are not data, or that hold
values no store can keep. :func:`load_json` and :func:`load_yaml` refuse them by
raising :class:`Refusal`, which says where (line and key path), what and how to fix it:

- a key given twice in one object or mapping (both parsers would keep the last);
- ``NaN``, ``Infinity``, ``-Infinity`` (JSON), ``.nan``, ``.inf``, ``-.inf`` (YAML), and
  numbers too large to be a float (``1e400``);
- whole numbers outside -2**63 .. 2**63-1, the range of a 64-bit integer;
- nesting deeper than :data:`MAX_DEPTH` lists and mappings, checked before anything recurses;
- YAML aliases that repeat more data than :func:`alias_budget` allows (an "alias bomb" expands a
  few kilobytes into gigabytes), or that stand for a value holding the alias itself.

Syntax errors are left to the parsers (:class:`json.JSONDecodeError`, :class:`yaml.YAMLError`).
The checks cost little on good documents: JSON is parsed by the C decoder, and the slow
scan that finds where a problem is runs only once a document is known to hold one.

>>> load_json('{"gets": 4, "weights": {"functional": 0.5}}')
{'gets': 4, 'weights': {'functional': 0.5}}
>>> try:
...     load_json('{"a": 4,\\n "a": 5}')
... except Refusal as exc:
...     print(exc)
line 2, a: the key "a" appears twice in one object (first at line 1). Keep one of the two.
>>> load_yaml("base: &w {functional: 1}\\nsame: *w\\n")
{'base': {'functional': 1}, 'same': {'functional': 1}}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

import yaml

from valuenet.errors import Problem
from valuenet.models import INT_MAX, INT_MIN

#: The deepest nesting of lists and mappings a document may have (a model file needs at most 7 levels).
MAX_DEPTH = 64
#: The characters of data the aliases of any YAML document may repeat (see :func:`alias_budget`).
MAX_ALIAS_CHARS = 1_000_000
#: A larger document may repeat this many times its own length.
ALIAS_FACTOR = 10

Path = tuple[int | str, ...]
#: Marks a path cut short: ``flows[0].money[0][0]...``.
_MORE = "..."

_FIX_NUMBER = "Write a number such as 4 or 2.5, or leave the key out."
_FIX_INT = "Write a smaller number, or put it in quotes if it is text."
_FIX_DEEP = "Flatten the data: a model file or a row needs only a few levels."


class Refusal(ValueError):
    """A document holds something that is not data; ``line`` and ``path`` say where, ``fix`` how to correct it."""

    def __init__(self, message: str, fix: str, *, line: int | None = None, path: Path = ()) -> None:
        self.message = message
        self.fix = fix
        self.line = line
        self.path = path
        at = ", ".join(x for x in (f"line {line}" if line else "", loc(path)) if x)
        super().__init__(f"{at}: {message} {fix}" if at else f"{message} {fix}")


def loc(path: Sequence[int | str]) -> str:
    """A key path as messages write it: ``flows[0].magnitude``; cut when very long.

    >>> loc(("flows", 0, "magnitude")), loc((3, "weights", "functional"))
    ('flows[0].magnitude', '[3].weights.functional')
    """
    out = ""
    for part in path:
        if part == _MORE:
            out += "..."
        else:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out if len(out) <= 80 else out[:80] + "..."


def _shown(token: str) -> str:
    return token if len(token) <= 40 else f"{token[:40]}... ({len(token):,} characters)"


def _deep(line: int | None, path: Path) -> Refusal:
    shown = path if len(path) <= 6 else (*path[:6], _MORE)
    return Refusal(f"the data is nested deeper than {MAX_DEPTH} levels.", _FIX_DEEP, line=line, path=shown)


def _not_finite(token: str, line: int | None, path: Path) -> Refusal:
    return Refusal(f"{_shown(token)} is not a finite number.", _FIX_NUMBER, line=line, path=path)


def _too_large(token: str, line: int | None, path: Path) -> Refusal:
    return Refusal(
        f"{_shown(token)} is outside the whole numbers a store holds ({INT_MIN:,} to {INT_MAX:,}).",
        _FIX_INT,
        line=line,
        path=path,
    )


def _duplicate(key: str, where: str, first: int, line: int, path: Path) -> Refusal:
    also = f" (first at line {first})" if first != line else ""
    return Refusal(
        f'the key "{_shown(key)}" appears twice in one {where}{also}.', "Keep one of the two.", line=line, path=path
    )


# -- JSON --------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]|[^\s\[\]{}:,"]+|"')
_JSON_INT = re.compile(r"-?\d+")


class _Found(Exception):
    """Raised by a decoder hook: the document holds something :func:`_locate_json` will name."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Found
    return out


def _constant(token: str) -> Any:
    raise _Found


def _int(token: str) -> int:
    if len(token) > 20 or not INT_MIN <= int(token) <= INT_MAX:
        raise _Found
    return int(token)


def _float(token: str) -> float:
    out = float(token)
    if not math.isfinite(out):
        raise _Found
    return out


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant, parse_int=_int, parse_float=_float)


def _too_deep(data: Any) -> bool:
    """Whether parsed ``data`` nests more than :data:`MAX_DEPTH` lists and objects (walked level by level)."""
    level = [data] if isinstance(data, (dict, list)) else []
    for _ in range(MAX_DEPTH):
        if not level:
            return False
        below: list[Any] = []
        for container in level:
            values = container.values() if isinstance(container, dict) else container
            below.extend(v for v in values if isinstance(v, (dict, list)))
        level = below
    return bool(level)


def _number_problem(token: str) -> str | None:
    """Why a bare JSON token is refused: ``"finite"``, ``"large"``, or None when it is fine (or not a number)."""
    if token in ("NaN", "Infinity", "-Infinity"):
        return "finite"
    if _JSON_INT.fullmatch(token):
        return "large" if len(token) > 20 or not INT_MIN <= int(token) <= INT_MAX else None
    try:
        value = float(token)
    except ValueError:
        return None  # not a number: a syntax error the decoder reports
    return None if math.isfinite(value) else "finite"


def _locate_json(text: str) -> Refusal | None:
    """The first thing in ``text`` :func:`load_json` refuses, with its line and key path (a slow scan)."""
    # each open container: ["{", {key: offset}, current key] or ["[", index]
    stack: list[list[Any]] = []
    expect_key = False

    def line_at(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    def path() -> Path:
        return tuple(f[2] if f[0] == "{" else f[1] for f in stack if f[0] == "[" or f[2] is not None)

    for match in _JSON_TOKEN.finditer(text):
        token, at = match.group(), match.start()
        first = token[0]
        if first in "[{":
            if len(stack) >= MAX_DEPTH:
                return _deep(line_at(at), path())
            stack.append(["{", {}, None] if first == "{" else ["[", 0])
            expect_key = first == "{"
        elif first in "]}":
            if stack:
                stack.pop()
            expect_key = False
        elif first == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
            expect_key = bool(stack) and stack[-1][0] == "{"
        elif first == ":":
            expect_key = False
        elif first == '"':
            if len(token) == 1:
                return None  # an unterminated string: a syntax error
            if "\\u" in token and _LONE_SURROGATE.search(json.loads(token)):
                return _lone_surrogate(token, line_at(at), path())
            if expect_key and stack and stack[-1][0] == "{":
                try:
                    key = json.loads(token)
                except ValueError:
                    return None
                top = stack[-1]
                top[2] = key
                if key in top[1]:
                    return _duplicate(key, "object", line_at(top[1][key]), line_at(at), path())
                top[1][key] = at
        else:
            problem = _number_problem(token)
            if problem is not None:
                refuse = _not_finite if problem == "finite" else _too_large
                return refuse(token, line_at(at), path())
    return None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(token: str, line: int | None, path: Path) -> Refusal:
    return Refusal(
        f"{_shown(token)} holds half of a surrogate pair (an escape from \\uD800 to \\uDFFF without its other "
        "half), which is no character.",
        "Write the character itself, or both halves of its escape.",
        line=line,
        path=path,
    )


def _lone_surrogate_at(data: Any, path: Path = ()) -> Path | None:
    """Where a string in ``data`` (keys included) holds a lone surrogate, or None."""
    if isinstance(data, str):
        return path if _LONE_SURROGATE.search(data) else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(key, str) and _LONE_SURROGATE.search(key):
            return path
        found = _lone_surrogate_at(value, (*path, key))
        if found is not None:
            return found
    return None


def load_json(text: str) -> Any:
    """Parse one JSON document, refusing (:class:`Refusal`) what the module docstring lists.

    Syntax errors raise :class:`json.JSONDecodeError`.
    """
    try:
        data = _DECODER.decode(text)
    except (_Found, RecursionError):
        raise (_locate_json(text) or _deep(None, ())) from None
    # a document with at most MAX_DEPTH brackets cannot nest deeper; only others are walked
    if text.count("[") + text.count("{") > MAX_DEPTH and _too_deep(data):
        raise _locate_json(text) or _deep(None, ())
    if _SURROGATE_ESCAPE.search(text) and _lone_surrogate_at(data) is not None:
        raise _locate_json(text) or _lone_surrogate("", None, ())
    return data


def alias_budget(length: int) -> int:
    """How many characters of data the aliases of a YAML document of ``length`` characters may repeat in all.

    Each use of an alias counts the characters of every value it stands for (at least
    one per value, list or mapping), so a few anchors reused for shared weights fit, and
    a document that doubles itself level after level does not.

    >>> alias_budget(2_000), alias_budget(500_000)
    (1000000, 5000000)
    """
    return max(MAX_ALIAS_CHARS, ALIAS_FACTOR * length)


# -- YAML --------------------------------------------------------------------------------------

_MERGE = "tag:yaml.org,2002:merge"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, checking each node as it is composed (before anything is built)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._at: list[Any] = []  # the key or index of each node being composed, root first
        # id(node) -> (characters it stands for, levels of lists and mappings it holds)
        self._size: dict[int, tuple[int, int]] = {}
        self._aliased = 0
        self._length = len(stream)
        self._budget = alias_budget(self._length)

    def _path(self, *more: int | str) -> Path:
        return tuple(x for x in (*self._at, *more) if x is not None)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        at = index.value if isinstance(index, yaml.ScalarNode) else index
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            size = self._size.get(id(node))
            if size is None:
                raise Refusal(
                    f"the alias *{event.anchor} stands for a value that holds the alias itself.",
                    "Write the value out instead of the alias.",
                    line=line,
                    path=self._path(at),
                )
            self._aliased += size[0]
            if self._aliased > self._budget:
                raise Refusal(
                    f"the aliases repeat more than {self._budget:,} characters of data, "
                    f"the most a file of {self._length:,} characters may repeat.",
                    "Write the repeated parts out, or use fewer aliases.",
                    line=line,
                    path=self._path(at),
                )
            if len(self._at) + size[1] > MAX_DEPTH:
                raise _deep(line, self._path(at))
            return node
        self._at.append(at)
        if len(self._at) > MAX_DEPTH and not isinstance(event, yaml.ScalarEvent):
            raise _deep(line, self._path())
        node = super().compose_node(parent, index)
        if node is not None:
            self._size[id(node)] = self._check(node)
        self._at.pop()
        return node

    def _check(self, node: yaml.Node) -> tuple[int, int]:
        """Refuse what ``node`` holds that is not data; the values it stands for and its depth."""
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _FLOAT_TAG and not math.isfinite(self.construct_yaml_float(node)):
                raise _not_finite(node.value, node.start_mark.line + 1, self._path())
            if node.tag == _INT_TAG and (
                len(node.value) > 1000 or not INT_MIN <= self.construct_yaml_int(node) <= INT_MAX
            ):
                raise _too_large(node.value, node.start_mark.line + 1, self._path())
            return max(1, len(node.value)), 0
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                    continue
                key, line = self.construct_object(key_node), key_node.start_mark.line + 1
                if key in seen:
                    raise _duplicate(str(key), "mapping", seen[key], line, self._path(str(key)))
                seen[key] = line
        else:
            children = list(node.value)
        sizes = [self._size[id(n)] for n in children]
        return 1 + sum(s for s, _ in sizes), 1 + max((d for _, d in sizes), default=0)


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the safe loader, refusing (:class:`Refusal`) what the module docstring lists.

    Syntax errors raise :class:`yaml.YAMLError`.
    """
    loader = _StrictLoader(text)
    try:
        data = loader.get_single_data()
    except RecursionError:
        raise _deep(None, ()) from None
    finally:
        loader.dispose()
    # an escape (\ud800) is the only way a YAML text can hold half of a surrogate pair
    if _SURROGATE_ESCAPE.search(text):
        at = _lone_surrogate_at(data)
        if at is not None:
            raise _lone_surrogate("a text", None, at)
    return data


def problem(refusal: Refusal, name: str) -> Problem:
    """The refusal as a problem of a model file: ``NAME line L, KEY.PATH``."""
    where = ", ".join(x for x in (f"{name} line {refusal.line}" if refusal.line else name, loc(refusal.path)) if x)
    return Problem(where, refusal.message, refusal.fix)


def row_problem(refusal: Refusal, name: str, row: int | None = None) -> Problem:
    """The refusal as a problem of a table of rows: ``NAME row N, column "KEY"``.

    ``row`` is the row a JSON Lines line is; without it the refused document is a JSON
    array of rows, and the first index of the path names the row (counted from 1).
    """
    path = refusal.path
    if row is None and path and isinstance(path[0], int):
        row, path = path[0] + 1, path[1:]
    where = f"{name} row {row}" if row is not None else name
    if row is None and refusal.line:
        where += f" line {refusal.line}"
    if path and isinstance(path[0], str):
        where += f', column "{loc(path)}"'
    return Problem(where, refusal.message, refusal.fix)


__all__ = [
    "ALIAS_FACTOR",
    "MAX_ALIAS_CHARS",
    "MAX_DEPTH",
    "Refusal",
    "alias_budget",
    "load_json",
    "load_yaml",
    "loc",
    "problem",
    "row_problem",
]
