"""The analysts' Cypher library (``cypher/``): read a file's header and defaults, and run it.

Each library file answers one question. It is all comment header (the first
line is the question; a ``Parameters:`` block describes each parameter; a
``Defaults:`` line holds every parameter's default as one Cypher map), then the
query. The defaults are a comment, never a ``:param`` line: cypher-shell and Neo4j
Browser run a ``:param`` line unconditionally, so it would overwrite the value a
caller set first (``cypher-shell -P``, Browser's ``:param``), and Cypher cannot ask
whether a parameter is set (a missing one is an error). So a caller's value always
wins: :func:`run_cypher` fills in the defaults of the parameters not given, and in
cypher-shell or Browser the caller sets every parameter, with the one map that
``valuenet cypher FILE --param ... --params-map`` prints (:func:`bind_params`, then
:func:`literal`): ``cypher-shell -P "$(valuenet cypher FILE ... --params-map)" -f FILE``.

>>> f = parse_cypher('''// How many flows?
... //
... // Parameters:
... //   model   the model id
... // Defaults: {model: 'health'}
... MATCH (f:Flow {model: $model}) RETURN count(f) AS flows;''', name="count")
>>> f.title, f.params, f.statements, f.uses
('How many flows?', {'model': 'health'}, ['MATCH (f:Flow {model: $model}) RETURN count(f) AS flows'], ['model'])

An analyst's own file may instead hold ``:param name => value`` lines; they are
read as its defaults too (and, in cypher-shell, overwrite what ``-P`` gave).

Values given on the command line (``--param name=value``) are typed by
:func:`parse_param_value`: ``null``, ``true``/``false``, integers, decimals,
and JSON or Cypher lists and maps; anything else is a string. Quote a value to
force a string: ``--param 'segment="42"'``. A number Neo4j cannot hold (an
integer beyond 64 bits, a decimal too large to be finite) is refused with the
parameter's name: :func:`check_param`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from valuenet.errors import AnalysisError, NotFoundError
from valuenet.resources import cypher_dir

SCHEMA_FILE = "schema.cypher"
_PARAM_LINE = re.compile(r"^\s*:param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=>\s*(?P<value>.+?)\s*;?\s*$")
_DEFAULTS_LINE = re.compile(r"^\s*//\s*Defaults:\s*(?P<value>\{.*\})\s*$")
# What a statement's text holds: strings, backquoted names and comments (skipped), and $parameters.
_SCAN = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/
        |\$(?:(?P<name>[^\W\d]\w*)|`(?P<quoted>(?:[^`]|``)*)`)""",
    re.VERBOSE | re.DOTALL,
)
_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?$")
_TOKEN = re.compile(
    r"""\s*(?:(?P<num>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
                          |(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
                          |(?P<word>[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)*`)
                          |(?P<punct>[\[\]{}:,]))""",
    re.VERBOSE | re.DOTALL,
)
#: The whole numbers Neo4j holds: 64-bit signed integers.
NEO4J_INT_MIN, NEO4J_INT_MAX = -(2**63), 2**63 - 1
_RANGE = "Neo4j holds whole numbers from -9223372036854775808 to 9223372036854775807 and finite decimals"
_MAX_DIGITS = 4000  # longer digit strings are not even read as numbers (Python's own limit is 4300)
#: Characters :func:`string_literal` writes as ``\\uXXXX``: control characters, line and paragraph
#: separators, and surrogate halves, so a literal is one line of plain text.
_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SHORT = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "\\": "\\", "'": "'", '"': '"'}


@dataclass(frozen=True)
class CypherFile:
    """A parsed Cypher file (or query): its header, parameter defaults and statements."""

    name: str
    title: str = ""
    description: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    param_help: dict[str, str] = field(default_factory=dict)
    statements: list[str] = field(default_factory=list)
    path: Path | None = None

    @property
    def uses(self) -> list[str]:
        """The parameters its statements use (``$name`` outside strings and comments), in order of first use."""
        return used_params(self.statements)

    @property
    def shown(self) -> str:
        """How messages name it: the file's name, or "the query"."""
        return self.path.name if self.path is not None else "the query"


@dataclass(frozen=True)
class CypherResult:
    """What a query returned: the columns of its last statement and the rows as plain values."""

    source: CypherFile
    columns: list[str]
    rows: list[dict[str, Any]]


@runtime_checkable
class QueryRunner(Protocol):
    """A store that runs Cypher (the Neo4j store)."""

    def query(self, text: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]: ...


# -- literals --------------------------------------------------------------------------------------
def _unquote(token: str) -> str:
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _unname(token: str) -> str:
    """A backquoted name's text: ``\\uXXXX`` is that character, a doubled backquote one backquote."""
    body = token[1:-1].replace("``", "`")
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), body)


def unstorable(value: Any, path: str = "") -> tuple[str, Any] | None:
    """Where ``value`` holds a number Neo4j cannot store, and that number; ``None`` when it holds none.

    Integers must fit in 64 bits and decimals must be finite, inside lists and maps too.

    >>> unstorable({"top": [1, 2**63]}), unstorable(float("inf")), unstorable([2**63 - 1, -(2**63), 1e308, True])
    (('.top[1]', 9223372036854775808), ('', inf), None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if NEO4J_INT_MIN <= value <= NEO4J_INT_MAX else (path, value)
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, value)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if (found := unstorable(item, f"{path}.{key}")) is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if (found := unstorable(item, f"{path}[{i}]")) is not None:
                return found
    return None


def _shown_number(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 30 else f"{text[:12]}...{text[-6:]} ({len(text)} characters)"


def check_param(name: str, value: Any) -> None:
    """Refuse a parameter value that holds a number Neo4j cannot store, naming the parameter (one line).

    >>> check_param("v", 99999999999999999999999)
    Traceback (most recent call last):
    ...
    valuenet.errors.AnalysisError: parameter v: 99999999999999999999999 is out of range (Neo4j holds whole numbers \
from -9223372036854775808 to 9223372036854775807 and finite decimals). Quote it to pass it as text.
    """
    found = unstorable(value)
    if found is not None:
        where, number = found
        raise AnalysisError(
            f"parameter {name}{where}: {_shown_number(number)} is out of range ({_RANGE}). Quote it to pass it as text."
        )


def _number(tok: str) -> int | float:
    """An integer or decimal token as a number; an integer of more than 4,000 digits is refused."""
    if not _INT.match(tok):
        return float(tok)
    if len(tok.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
        raise ValueError(f"{_shown_number(tok)} is out of range ({_RANGE})")
    return int(tok)


def parse_literal(text: str) -> Any:
    """A Cypher (or JSON) literal: string, number, boolean, null, list or map.

    >>> parse_literal("{segment: 'young', top: [1, 2.5, null], \\"ok\\": true}")
    {'segment': 'young', 'top': [1, 2.5, None], 'ok': True}
    """
    tokens: list[tuple[str, str]] = []
    pos, text = 0, text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot read {text!r} as a value (stopped at {text[pos : pos + 10]!r})")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    value, end = _value(tokens, 0, text)
    if end != len(tokens):
        raise ValueError(f"cannot read {text!r} as a value (unexpected {tokens[end][1]!r})")
    return value


def _value(tokens: list[tuple[str, str]], i: int, text: str) -> tuple[Any, int]:
    if i >= len(tokens):
        raise ValueError(f"cannot read {text!r} as a value (it ends too early)")
    kind, tok = tokens[i]
    if kind == "num":
        return _number(tok), i + 1
    if kind == "str":
        return _unquote(tok), i + 1
    if kind == "word":
        words: dict[str, Any] = {"null": None, "true": True, "false": False}
        if tok.lower() in words:
            return words[tok.lower()], i + 1
        raise ValueError(f"cannot read {text!r} as a value ({tok!r} is not a literal)")
    if tok == "[":
        items: list[Any] = []
        i += 1
        while i < len(tokens) and tokens[i][1] != "]":
            item, i = _value(tokens, i, text)
            items.append(item)
            if i < len(tokens) and tokens[i][1] == ",":
                i += 1
        if i >= len(tokens):
            raise ValueError(f"cannot read {text!r} as a value (a list is not closed)")
        return items, i + 1
    if tok == "{":
        out: dict[str, Any] = {}
        i += 1
        while i < len(tokens) and tokens[i][1] != "}":
            key_kind, key = tokens[i]
            if key_kind not in ("word", "str") or i + 1 >= len(tokens) or tokens[i + 1][1] != ":":
                raise ValueError(f"cannot read {text!r} as a value (bad map key {key!r})")
            if key_kind == "str":
                name = _unquote(key)
            else:  # a backquoted name has no escapes but a doubled backquote
                name = _unname(key) if key.startswith("`") else key
            out[name], i = _value(tokens, i + 2, text)
            if i < len(tokens) and tokens[i][1] == ",":
                i += 1
        if i >= len(tokens):
            raise ValueError(f"cannot read {text!r} as a value (a map is not closed)")
        return out, i + 1
    raise ValueError(f"cannot read {text!r} as a value (unexpected {tok!r})")


def parse_param_value(text: str) -> Any:
    """A ``--param`` value with its type: null, booleans, numbers, lists and maps; else the text itself.

    >>> [parse_param_value(v) for v in ["3", "2.5", "true", "null", "[1, 2]", "'7'", "young adults"]]
    [3, 2.5, True, None, [1, 2], '7', 'young adults']
    """
    t = text.strip()
    if t.lower() in ("null", "true", "false"):
        return parse_literal(t)
    if _INT.match(t) or _FLOAT.match(t):
        try:
            return _number(t)
        except ValueError as exc:
            raise AnalysisError(f"{exc}. Quote it to pass it as text.") from exc
    if t[:1] in ("[", "{", "'", '"'):
        try:
            return parse_literal(t)
        except ValueError as exc:
            raise AnalysisError(f"{exc}. Quote it as a JSON string to pass it as text.") from exc
    return text


def parse_param_option(option: str) -> tuple[str, Any]:
    """Split ``name=value`` into the name and the typed value (one Neo4j can hold, see :func:`check_param`)."""
    name, sep, value = option.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
        raise AnalysisError(f"--param {option!r} is not NAME=VALUE. Write it as, for example, --param segment=young.")
    name = name.strip()
    try:
        typed = parse_param_value(value)
    except AnalysisError as exc:
        raise AnalysisError(f"parameter {name}: {exc}") from exc
    check_param(name, typed)
    return name, typed


# -- files ------------------------------------------------------------------------------------------
def used_params(statements: Sequence[str]) -> list[str]:
    """The ``$parameters`` the statements use, in order of first use; those in strings and comments do not count.

    >>> used_params(["MATCH (r {id: $who}) // $not\\nRETURN '$nor', $`odd name`, $who, $top"])
    ['who', 'odd name', 'top']
    """
    names: dict[str, None] = {}
    for statement in statements:
        for m in _SCAN.finditer(statement):
            if m.group("name") is not None:
                names[m.group("name")] = None
            elif m.group("quoted") is not None:
                names[m.group("quoted").replace("``", "`")] = None
    return list(names)


def split_statements(text: str) -> list[str]:
    """Cypher statements separated by ``;`` (not inside strings, comments or backquotes), without ``:`` commands."""
    statements: list[str] = []
    current: list[str] = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        ch = text[i]
        if at_line_start and text[i:].lstrip(" \t").startswith(":") and not _code("".join(current)):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        at_line_start = ch == "\n"
        if ch in ("'", '"', "`"):
            end = i + 1
            while end < n and text[end] != ch:
                end += 2 if text[end] == "\\" and ch != "`" else 1
            current.append(text[i : end + 1])
            i = end + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            current.append(text[i:end])
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            current.append(text[i:end])
            i = end
        elif ch == ";":
            statements.append("".join(current))
            current, i = [], i + 1
        else:
            current.append(ch)
            i += 1
    statements.append("".join(current))
    return [_without_leading_comments(s) for s in statements if _code(s)]


def _without_leading_comments(statement: str) -> str:
    lines = statement.strip().splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("//")):
        lines.pop(0)
    return "\n".join(lines).strip()


def _code(statement: str) -> str:
    """The statement without comments and blank space (empty when it is only comments)."""
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", statement, flags=re.DOTALL).strip()


def parse_cypher(text: str, *, name: str = "query", path: Path | None = None) -> CypherFile:
    """Read a file's comment header, ``:param`` defaults and statements."""
    header: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("//"):
            break
        header.append(stripped[2:].removeprefix(" "))
    params: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if m := _PARAM_LINE.match(line):
            try:
                params[m.group("name")] = parse_literal(m.group("value"))
            except ValueError as exc:
                raise AnalysisError(f"{path or name} line {number}: {exc}. Fix the :param line.") from exc
        elif (m := _DEFAULTS_LINE.match(line)) and number <= len(header):
            try:
                defaults = parse_literal(m.group("value"))
            except ValueError as exc:
                raise AnalysisError(f"{path or name} line {number}: {exc}. Fix the Defaults line.") from exc
            params.update(defaults)
    help_: dict[str, str] = {}
    if "Parameters:" in header:
        base: int | None = None
        for line in header[header.index("Parameters:") + 1 :]:
            indent = len(line) - len(line.lstrip())
            m = re.match(r"^\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*))?$", line)
            if help_ and base is not None and indent > base + 1 and line.strip():
                last = list(help_)[-1]
                help_[last] = f"{help_[last]} {line.strip()}".strip()
            elif m:
                base = indent if base is None else base
                help_[m.group(1)] = (m.group(2) or "").strip()
    title = next((h.strip() for h in header if h.strip()), "")
    rest = header[header.index(title) + 1 :] if title in header else []
    description = "\n".join(rest[: rest.index("Parameters:")] if "Parameters:" in rest else rest).strip()
    return CypherFile(
        name=name,
        title=title,
        description=description,
        params=params,
        param_help=help_,
        statements=split_statements(text),
        path=path,
    )


def read_cypher_file(path: str | Path) -> CypherFile:
    """Parse one ``.cypher`` file."""
    p = Path(path)
    return parse_cypher(p.read_text(encoding="utf-8"), name=p.stem, path=p)


def library() -> list[CypherFile]:
    """The analysts' query files shipped with valuenet, by name (the schema file is left out)."""
    return [read_cypher_file(p) for p in sorted(cypher_dir().glob("*.cypher")) if p.name != SCHEMA_FILE]


def schema_statements() -> list[str]:
    """The statements of ``cypher/schema.cypher``: uniqueness constraints and indexes."""
    return read_cypher_file(cypher_dir() / SCHEMA_FILE).statements


def resolve(file_or_query: str) -> CypherFile:
    """A path to a ``.cypher`` file, the name of a library file, or else a query text."""
    text = file_or_query.strip()
    if "\n" not in text and re.fullmatch(r"[\w./\\:-]+", text):
        path = Path(text)
        if path.is_file():
            return read_cypher_file(path)
        named = cypher_dir() / (text if text.endswith(".cypher") else text + ".cypher")
        if "/" not in text and named.is_file():
            return read_cypher_file(named)
        if text.endswith(".cypher") or "/" in text:
            names = ", ".join(f.name for f in library())
            raise NotFoundError(f"no Cypher file {text!r}, in the current folder or in the library ({names}).")
    return parse_cypher(file_or_query, name="query")


def bind_params(source: CypherFile, params: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[str]]:
    """The values to send (its defaults, then the given ones, which win) and the given names it never uses.

    A parameter the statements use that was neither given nor has a default is an error, raised before
    anything is sent: the query cannot run without it, and Neo4j's own message would not say how to give it.
    A given parameter that the statements never use is returned, for a warning: Neo4j ignores it, so a
    misspelt name would otherwise pass unseen, yet the answer is right for what the query asks.

    >>> bind_params(parse_cypher("// Defaults: {a: 1}\\nRETURN $a + $b AS n", name="q"), {"b": 2, "c": 3})
    ({'a': 1, 'b': 2, 'c': 3}, ['c'])
    """
    given = dict(params or {})
    uses = source.uses
    missing = [name for name in uses if name not in given and name not in source.params]
    if missing:
        names = ", ".join(f"${name}" for name in missing)
        raise AnalysisError(
            f"{source.shown} uses {names}, not given and without a default. "
            f"Give {'it' if len(missing) == 1 else 'each'} with --param NAME=VALUE."
        )
    values = {**source.params, **given}
    for name, value in values.items():
        check_param(name, value)
    return values, [name for name in given if name not in uses]


def unused_warning(source: CypherFile, unused: Sequence[str]) -> str:
    """The one line that names given parameters a query never uses (see :func:`bind_params`)."""
    uses = source.uses  # in the order the file lists its parameters, then any others
    takes = ", ".join([n for n in source.params if n in uses] + [n for n in uses if n not in source.params]) or "none"
    names = ", ".join(unused)
    return f"{source.shown} does not use parameter {names} (it uses: {takes}); check the spelling."


def run_cypher(
    store: QueryRunner,
    file_or_query: str | CypherFile,
    params: Mapping[str, Any] | None = None,
    warn: Callable[[str], None] | None = None,
) -> CypherResult:
    """Run a library file, a ``.cypher`` file or a query; its defaults fill the parameters not given.

    Parameters are checked before anything is sent (:func:`bind_params`): one the query needs but has no
    value for is an error; given ones it never uses go to ``warn`` as one line. Returns the columns and
    rows of the last statement.
    """
    source = resolve(file_or_query) if isinstance(file_or_query, str) else file_or_query
    if not source.statements:
        raise AnalysisError(f"{source.path or 'the query'} holds no Cypher statement.")
    values, unused = bind_params(source, params)
    if unused and warn is not None:
        warn(unused_warning(source, unused))
    columns: list[str] = []
    rows: list[dict[str, Any]] = []
    for statement in source.statements:
        cols, got = store.query(statement, values)
        if cols:
            columns, rows = cols, got
    return CypherResult(source, columns, rows)


def describe(files: Sequence[CypherFile]) -> list[dict[str, Any]]:
    """One row per file: its name, the question it answers and its parameters with defaults."""
    return [
        {"name": f.name, "question": f.title, "params": ", ".join(f"{k}={literal(v)}" for k, v in f.params.items())}
        for f in files
    ]


def string_literal(text: str) -> str:
    r"""``text`` as a single-quoted Cypher string literal, on one line, that reads back as exactly ``text``.

    Backslashes, quotes, line breaks and tabs get their short escapes; other control characters, U+007F to
    U+009F, the line and paragraph separators and surrogate halves are written ``\uXXXX``.

    >>> print(string_literal("it's a \\ \n'}) DETACH DELETE n //"))
    'it\'s a \\ \n\'}) DETACH DELETE n //'
    >>> print(string_literal("bell\x07 and \u2028"))
    'bell\u0007 and \u2028'
    """
    out = re.sub(r"[\\'\n\r\t]", lambda m: _SHORT[m.group()], text)
    return "'" + _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", out) + "'"


def name_literal(name: str) -> str:
    r"""A map key or property name: as it is when it is a plain name, else backquoted, on one line.

    In a backquoted name Neo4j reads ``\uXXXX`` as that character (and nothing else as an escape), so a
    backslash is written ``\u005c``, the characters :func:`string_literal` escapes as ``\uXXXX`` too, and a
    backquote is doubled.

    >>> print(name_literal("weight_functional"), name_literal("attr_age band"), name_literal("a`b"), name_literal(""))
    weight_functional `attr_age band` `a``b` ``
    >>> print(name_literal("line\nbreak \\u0041"))
    `line\u000abreak \u005cu0041`
    """
    if _PLAIN_NAME.fullmatch(name):
        return name
    out = _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", name.replace("\\", "\\u005c"))
    return "`" + out.replace("`", "``") + "`"


def literal(value: Any) -> str:
    """A value as a one-line Cypher literal: null, a boolean, an integer, a float, a string, a list or a map.

    The one literal writer of the project (``-P`` maps, ``--list``, the Cypher export script). Strings are
    escaped by :func:`string_literal`, map keys written by :func:`name_literal`; floats read back exactly
    (``repr``) and stay floats (``2.0``, not ``2``). An infinite or NaN float, or a value of another type,
    is refused (``ValueError``, ``TypeError``). :func:`parse_literal` reads every literal back.

    >>> literal(None), literal("young"), literal([1, True, 2.5]), literal({"a": "b", "age band": "x'y"})
    ('null', "'young'", '[1, true, 2.5]', "{a: 'b', `age band`: 'x\\\\'y'}")
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Cypher has no literal for {value!r}")
        return repr(value)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{name_literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"no Cypher literal for a {type(value).__name__}")


__all__ = [
    "CypherFile",
    "CypherResult",
    "bind_params",
    "describe",
    "library",
    "literal",
    "name_literal",
    "parse_cypher",
    "parse_literal",
    "parse_param_option",
    "parse_param_value",
    "read_cypher_file",
    "resolve",
    "run_cypher",
    "schema_statements",
    "split_statements",
    "string_literal",
    "unused_warning",
    "used_params",
]
