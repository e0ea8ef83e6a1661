"""A model as a Cypher script: the statements the Neo4j store would run to write it, as literal text.

``cypher-shell -f model.cypher`` (or any client that runs statements one by one) recreates the
model in a Neo4j database that does not hold it yet, as graph version 2: exactly the nodes,
relationships and properties ``valuenet import --store bolt://...`` writes, so ``valuenet export
--store bolt://...`` reads the same model back.

How: the script first holds the statements of ``cypher/schema.cypher``; then the store's own writer,
:func:`valuenet.store.neo4j_write.write_batches`, runs against a recording connection that answers as
an empty database would (no stored items, positions from 0), and each statement it runs is written
with its parameters turned into Cypher literals (:func:`literal`). The writer's transactions become
``:begin`` / ``:commit`` blocks. No value is ever concatenated into Cypher as it is: strings are
quoted literals with backslashes, quotes, line breaks and control characters escaped; map keys are
backquoted names.

The statements end with ``;`` at the end of a line, and no other line of the script does (a literal
never holds a raw line break), so a client without a Cypher parser may split on such lines:
:func:`script_statements`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, cast

import neo4j

from valuenet.cypher_files import literal, schema_statements, string_literal
from valuenet.models import Model
from valuenet.store import neo4j_graph as graph
from valuenet.store.base import WriteSummary, batches_of
from valuenet.store.neo4j_connection import Neo4jConnection
from valuenet.store.neo4j_write import write_batches

#: Rows of one ``UNWIND`` written per statement: small statements parse quickly.
ROWS_PER_STATEMENT = 500

#: The writer's lookups of stored items: an empty database answers none, so the script leaves them out.
_LOOKUPS = frozenset([*graph.LOOKUP.values(), graph.LOOKUP_EXCHANGES, graph.LOOKUP_LONE])
#: The writer's ``UNWIND $rows`` statements, each of which treats every row on its own: a long ``$rows``
#: may be written as several statements of :data:`ROWS_PER_STATEMENT` rows.
_PER_ROW = frozenset(
    [
        *graph.UPSERT.values(),
        graph.CREATE_EXCHANGES,
        graph.CREATE_LONE,
        graph.SET_EXCHANGES,
        graph.SET_LONE,
        graph.UPDATE_VALUES,
    ]
)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def bind(query: str, params: Mapping[str, Any]) -> str:
    """``query`` with each ``$name`` replaced by the literal of ``params[name]``; a list of rows one row a line.

    Only the writer's own statements are bound, and their text holds ``$`` only in parameters.

    >>> print(bind("MATCH (m:Model {id: $id}) SET m.n = $n", {"id": "x'y", "n": 2}))
    MATCH (m:Model {id: 'x\\'y'}) SET m.n = 2
    """

    def one(m: re.Match[str]) -> str:
        value = params[m.group(1)]
        if m.group(1) == "rows" and isinstance(value, list) and value:
            return "[\n  " + ",\n  ".join(literal(v) for v in value) + "\n]"
        return literal(value)

    return _PARAM.sub(one, query)


@dataclass
class _Record:
    """What a statement answers the writer: only the few it reads (the model's version, the first free position)."""

    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass
class _Result:
    record: _Record | None = None

    def single(self) -> _Record | None:
        return self.record

    def consume(self) -> None:
        return None

    def __iter__(self) -> Iterator[_Record]:
        return iter(())  # lookups find nothing: the database holds no item of the model


@dataclass
class _Transaction:
    """A transaction that records each statement, bound to its parameters, and answers as an empty database."""

    out: Callable[[str], None]
    positions: list[int]

    def run(self, query: str, parameters: Mapping[str, Any] | None = None, **kwargs: Any) -> _Result:
        params = {**(parameters or {}), **kwargs}
        if query == graph.UPSERT_MODEL:
            self.out(bind(query, params))
            return _Result(_Record({"before": None, "version": None}))
        if query == graph.RESERVE_ORD:
            self.out(bind(query, params))
            base = self.positions[0]
            self.positions[0] += int(params["n"])
            return _Result(_Record({"base": base, "lone": False}))
        if query in _LOOKUPS:
            return _Result()  # a lookup of stored items: none are stored
        rows = params.get("rows")
        if query in _PER_ROW and isinstance(rows, list) and len(rows) > ROWS_PER_STATEMENT:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                self.out(bind(query, {**params, "rows": rows[start : start + ROWS_PER_STATEMENT]}))
        else:
            self.out(bind(query, params))
        return _Result()


@dataclass
class _Session:
    out: Callable[[str], None]
    positions: list[int]

    def execute_write(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.out(":begin")
        result = work(_Transaction(self.out, self.positions), *args, **kwargs)
        self.out(":commit")
        return result

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class _Recorder(Neo4jConnection):
    """A connection to no server: the writer's statements go to ``out`` instead."""

    def __init__(self, out: Callable[[str], None]) -> None:  # no driver, no credentials
        self.url = "script"
        self.database = None
        self.username = ""
        self.out = out
        self.positions = [0]

    def where(self) -> str:
        return "a Cypher script"

    @contextmanager
    def translated(self, doing: str) -> Iterator[None]:
        yield

    def session(self) -> neo4j.Session:
        return cast(neo4j.Session, _Session(self.out, self.positions))

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return []

    def close(self) -> None:
        return None


@dataclass
class ScriptSummary:
    """What a script holds: its statements, transactions, and the writer's counts of the items it writes."""

    statements: int = 0
    transactions: int = 0
    summary: WriteSummary = field(default_factory=WriteSummary)


def write_script(model: Model, out: IO[str]) -> ScriptSummary:
    """Write the Cypher script that recreates ``model`` (schema first) to an open text stream."""
    done = ScriptSummary()

    def emit(text: str) -> None:
        if text.startswith(":"):
            out.write(text + "\n")
            done.transactions += text == ":commit"
            return
        out.write(text.strip("\n") + ";\n")
        done.statements += 1

    out.write(
        f"// valuenet model {string_literal(model.id)} as Cypher (graph version {graph.SCHEMA_VERSION}).\n"
        "// Run it in a database that does not hold this model: cypher-shell -f FILE\n"
    )
    for statement in schema_statements():
        emit(statement.strip().rstrip(";"))
    done.summary = write_batches(_Recorder(emit), model, batches_of(model))
    return done


def script_statements(text: str) -> Iterator[str]:
    """The statements and ``:begin``/``:commit`` commands of a script :func:`write_script` wrote, in order.

    >>> list(script_statements("// x\\n:begin\\nRETURN\\n1;\\n:commit\\n"))
    [':begin', 'RETURN\\n1', ':commit']
    """
    lines: list[str] = []
    for line in text.splitlines():
        if not lines and (line.startswith("//") or not line.strip()):
            continue
        if not lines and line.startswith(":"):
            yield line.strip()
            continue
        lines.append(line)
        if line.endswith(";"):
            yield "\n".join(lines)[:-1]
            lines = []


__all__ = [
    "ROWS_PER_STATEMENT",
    "ScriptSummary",
    "bind",
    "literal",
    "script_statements",
    "string_literal",
    "write_script",
]
