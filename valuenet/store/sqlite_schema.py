"""The tables of the embedded store (schema version 2), and how items become rows and back.

Every table has real columns an analyst can query with plain SQL (``docs/store.md``
documents each one):

- ``models`` (id, title, doc): ``doc`` is the model's header as JSON (scale,
  dimensions, actor kinds...).
- ``actors``, ``goals``, ``respondents``: one column per scalar field, and ``doc``,
  a JSON object that holds the nested parts (aliases; scenarios; attributes,
  weights, thresholds, comparisons), so that they read back exactly.
- ``exchanges``: one row per interview exchange, the flows ``<id>:gets``
  (actor -> customer) and ``<id>:gives`` (customer -> actor) it stands for in one
  row; a side is present when its magnitude or its money is.
- ``flows``: every other flow, one column per field of :class:`~valuenet.models.Flow`.

Order and keys. ``exchanges.seq`` and ``flows.seq`` come from one counter: a new
flow row takes the next number, a new exchange row the next two (the second stays
free, see below), and an update keeps its number. A flow's *key* is ``seq * 4``
for a row of ``flows`` and ``seq * 4 + 1`` (gets) or ``seq * 4 + 2`` (gives) for a
side of an exchange row; ordering by key is the order flows were first written.
A side that must leave its exchange row (it no longer agrees with the other side)
moves to ``flows`` keeping its place: a gets side takes the row's own ``seq``
(key ``seq * 4``, just before the row), a gives side the free number after it
(key ``seq * 4 + 4``, just after the row).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from valuenet.models import EXCHANGE_SHARED, Actor, Flow, Goal, Respondent

SCHEMA_VERSION = 2

#: The ``valuenet`` release that wrote each older schema version (what messages name).
WRITTEN_BY = {1: "0.1"}

#: Scalar fields with a column of their own, and the column's type; the other fields go into ``doc``.
SCALARS: dict[str, dict[str, str]] = {
    "actors": {
        "name": "TEXT NOT NULL",
        "kind": "TEXT NOT NULL",
        "description": "TEXT",
        "perspective": "TEXT",
        "segment_size": "INTEGER",
        "fixed_expenses": "REAL",
    },
    "goals": {"title": "TEXT NOT NULL", "description": "TEXT", "customer": "TEXT"},
    "respondents": {
        "name": "TEXT",
        "persona": "INTEGER NOT NULL",
        "actor": "TEXT",
        "segment": "TEXT",
        "situation": "TEXT",
        "worldview": "TEXT",
        "nps": "INTEGER",
        "churned": "INTEGER",
        "interview": "TEXT",
    },
}

#: The kinds of item kept as scalar columns plus ``doc``, and their classes.
ITEM_CLASSES: dict[str, type[BaseModel]] = {"actors": Actor, "goals": Goal, "respondents": Respondent}

#: The nested fields each item kind keeps in its ``doc`` column.
NESTED: dict[str, tuple[str, ...]] = {
    kind: tuple(name for name in cls.model_fields if name not in ("id", *SCALARS[kind]))
    for kind, cls in ITEM_CLASSES.items()
}

_TEXT, _REAL = "TEXT", "REAL"
#: Columns of ``flows`` after ``seq`` and ``model``: the fields of a Flow, in its order.
FLOW_FIELDS: tuple[str, ...] = tuple(Flow.model_fields)
_FLOW_TYPES = {
    "id": "TEXT NOT NULL",
    "goal": "TEXT NOT NULL",
    "scenario": "TEXT NOT NULL",
    "source": "TEXT NOT NULL",
    "target": "TEXT NOT NULL",
    "dimension": "TEXT NOT NULL",
    "magnitude": _REAL,
    "money": _REAL,
    "occurrences": "REAL NOT NULL",
    "tangible": "INTEGER",
}

#: Columns of ``exchanges`` after ``seq`` and ``model``, in table order.
EXCHANGE_TABLE: dict[str, str] = {
    "id": "TEXT NOT NULL",
    "goal": "TEXT NOT NULL",
    "scenario": "TEXT NOT NULL",
    "respondent": _TEXT,
    "customer": "TEXT NOT NULL",
    "actor": "TEXT NOT NULL",
    "dimension": "TEXT NOT NULL",
    "gets": _REAL,
    "gives": _REAL,
    "gets_money": _REAL,
    "gives_money": _REAL,
    "occurrences": "REAL NOT NULL",
    "tangible": "INTEGER",
    "touchpoint": _TEXT,
    "stage": _TEXT,
    "quote": _TEXT,
    "responsible": _TEXT,
    "note": _TEXT,
}
#: What both sides of an exchange share (besides the exchange id): a flow joins a row only when these agree.
SHARED: tuple[str, ...] = (*EXCHANGE_SHARED, "actor", "customer")


def _columns(types: dict[str, str]) -> str:
    return ", ".join(f"{name} {kind}" for name, kind in types.items())


_ITEM_TABLES = "\n".join(
    f"CREATE TABLE {kind} (model TEXT NOT NULL, id TEXT NOT NULL, {_columns(SCALARS[kind])}, doc TEXT NOT NULL);"
    for kind in ITEM_CLASSES
)
_FLOWS_TABLE = _columns({f: _FLOW_TYPES.get(f, _TEXT) for f in FLOW_FIELDS})

TABLES_SQL = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE models (id TEXT PRIMARY KEY, title TEXT, doc TEXT NOT NULL);
{_ITEM_TABLES}
CREATE TABLE exchanges (seq INTEGER PRIMARY KEY, model TEXT NOT NULL, {_columns(EXCHANGE_TABLE)});
CREATE TABLE flows (seq INTEGER PRIMARY KEY, model TEXT NOT NULL, {_FLOWS_TABLE});
"""

#: The indexes of each table. ``exchanges`` loses its indexes during a first import and has them built
#: again before the commit (:mod:`valuenet.store.sqlite_write`). Measured on 1M exchange rows
#: (``benchmarks/sqlite_sink.py``; the load itself takes about 5 s without indexes):
#:
#: - ``exchanges_id`` (model, id), 1.5 s to build: what every upsert and lookup by id seeks. Needed.
#: - ``exchanges_by_goal`` (model, goal), 0.35 s: the analysis reads one goal. With one model of one
#:   goal a table scan is as fast (9.2 s against 10.4 s for the whole read, which is mostly Python
#:   coding the strings), but a store holding several models or goals would scan them all: counting
#:   a 200k-row model's goal beside a 1M-row one takes 9 ms through it and 84 ms without. Kept.
#: - ``exchanges_by_respondent`` (model, respondent), 0.5 s: a ``--replace`` import of ten respondents
#:   finds their rows in under a millisecond instead of a 0.3 s scan per statement, and an analyst's
#:   per-respondent query likewise (0.26 s without). Kept.
#: - ``flows_id`` and ``flows_by_goal``: ``flows`` holds structural flows, mostly few; they cost
#:   nothing measurable and serve the same lookups. ``flows`` has no respondent index: its rows
#:   are few, and a scan of them is cheap.
INDEXES: dict[str, dict[str, str]] = {
    **{kind: {f"{kind}_id": f"CREATE UNIQUE INDEX {kind}_id ON {kind} (model, id)"} for kind in ITEM_CLASSES},
    "exchanges": {
        "exchanges_id": "CREATE UNIQUE INDEX exchanges_id ON exchanges (model, id)",
        "exchanges_by_goal": "CREATE INDEX exchanges_by_goal ON exchanges (model, goal)",
        "exchanges_by_respondent": "CREATE INDEX exchanges_by_respondent ON exchanges (model, respondent)",
    },
    "flows": {
        "flows_id": "CREATE UNIQUE INDEX flows_id ON flows (model, id)",
        "flows_by_goal": "CREATE INDEX flows_by_goal ON flows (model, goal)",
    },
}

SCHEMA_STATEMENTS: list[str] = [s.strip() for s in TABLES_SQL.split(";") if s.strip()] + [
    sql for table in INDEXES.values() for sql in table.values()
]

# -- sides of an exchange row ------------------------------------------------------------------

GETS, GIVES = 1, 2
#: Per side (1 gets, 2 gives): its name, and its flow's source and target columns in ``exchanges``.
SIDES: dict[int, tuple[str, str, str]] = {GETS: ("gets", "actor", "customer"), GIVES: ("gives", "customer", "actor")}


def has_side(side: int, prefix: str = "") -> str:
    """SQL: whether an exchange row has ``side`` (its magnitude or its money)."""
    name = SIDES[side][0]
    return f"({prefix}{name} IS NOT NULL OR {prefix}{name}_money IS NOT NULL)"


def no_side(prefix: str = "") -> str:
    """SQL: an exchange row that stands for no flow."""
    return f"NOT {has_side(GETS, prefix)} AND NOT {has_side(GIVES, prefix)}"


def side_of(flow: Flow) -> tuple[int, str, str] | None:
    """Which side of which exchange ``flow`` can be stored as: ``(side, actor, customer)``, else ``None``.

    A flow is a side of the exchange its ``exchange`` field names when its id is
    ``<exchange>:gets`` (actor -> customer) or ``<exchange>:gives`` (customer ->
    actor) and it has a magnitude or money.

    >>> f = Flow(id="x:gives", exchange="x", goal="g", source="me", target="shop", dimension="d", magnitude=1)
    >>> side_of(f)
    (2, 'shop', 'me')
    >>> side_of(f.model_copy(update={"exchange": None})) is None
    True
    """
    x = flow.exchange
    if x is None or (flow.magnitude is None and flow.money is None):
        return None
    if flow.id == f"{x}:gets":
        return GETS, flow.source, flow.target
    if flow.id == f"{x}:gives":
        return GIVES, flow.target, flow.source
    return None


def split_id(flow_id: str) -> tuple[str, int] | None:
    """The exchange and side a flow id names, when it ends in ``:gets`` or ``:gives``.

    >>> split_id("x-1:gets"), split_id("claims")
    (('x-1', 1), None)
    """
    head, _, tail = flow_id.rpartition(":")
    side = {"gets": GETS, "gives": GIVES}.get(tail)
    return (head, side) if head and side else None


def row_side_flow(row: dict[str, Any], side: int) -> Flow:
    """The flow one side of an exchange row (a mapping of its columns) stands for."""
    name, source, target = SIDES[side]
    return Flow.model_validate(
        {
            "id": f"{row['id']}:{name}",
            "goal": row["goal"],
            "scenario": row["scenario"],
            "source": row[source],
            "target": row[target],
            "dimension": row["dimension"],
            "magnitude": row[name],
            "money": row[f"{name}_money"],
            "occurrences": row["occurrences"],
            "tangible": row["tangible"],
            "touchpoint": row["touchpoint"],
            "stage": row["stage"],
            "quote": row["quote"],
            "respondent": row["respondent"],
            "responsible": row["responsible"],
            "exchange": row["id"],
            "note": row["note"],
        }
    )


_AT = {name: i for i, name in enumerate(EXCHANGE_TABLE)}
#: Per side: where each field of its flow is in an exchange row's values (EXCHANGE_TABLE order).
_SIDE_FIELDS: dict[int, tuple[tuple[str, int], ...]] = {}
for _side, (_name, _source, _target) in SIDES.items():
    _columns_of = {"source": _source, "target": _target, "magnitude": _name, "money": f"{_name}_money"}
    _SIDE_FIELDS[_side] = tuple(
        (field, _AT[_columns_of.get(field, field)]) for field in FLOW_FIELDS if field not in ("id", "exchange")
    )
_ID = _AT["id"]


def side_flows(values: Sequence[Any]) -> Iterator[tuple[int, Flow]]:
    """The flows of an exchange row given as its values in :data:`EXCHANGE_TABLE` order: ``(side, flow)`` each.

    Fields that are ``NULL`` are left out (they default to ``None``), so that only what
    is stated is validated: this is the loop that reads every exchange of a model back.
    """
    x = values[_ID]
    for side, fields in _SIDE_FIELDS.items():
        name = SIDES[side][0]
        if values[_AT[name]] is None and values[_AT[f"{name}_money"]] is None:
            continue
        data = {field: values[i] for field, i in fields if values[i] is not None}
        data["id"], data["exchange"] = f"{x}:{name}", x
        yield side, Flow.model_validate(data)


def row_sides(row: dict[str, Any]) -> list[int]:
    """The sides an exchange row (a mapping of its columns) has."""
    return [s for s, (name, _, _) in SIDES.items() if row[name] is not None or row[f"{name}_money"] is not None]


def flow_shared(flow: Flow, actor: str, customer: str) -> dict[str, Any]:
    """The columns of an exchange row that ``flow``, as one of its sides, fixes (:data:`SHARED`)."""
    values = {name: getattr(flow, name) for name in SHARED if name not in ("actor", "customer")}
    return {**values, "actor": actor, "customer": customer}


# -- items as rows -----------------------------------------------------------------------------


def item_row(kind: str, model_id: str, item: Actor | Goal | Respondent) -> tuple[Any, ...]:
    """The row of an actor, goal or respondent: model, id, its scalar columns, then ``doc``."""
    doc = item.model_dump_json(include=set(NESTED[kind]), exclude_defaults=True)
    return (model_id, item.id, *(getattr(item, c) for c in SCALARS[kind]), doc)


def item_from_row(kind: str, row: Sequence[Any]) -> Any:
    """The item a row of :func:`item_row` holds (``row`` without ``model``: id, scalars, doc)."""
    data = dict(zip(("id", *SCALARS[kind]), row[:-1], strict=True))
    data.update(json.loads(row[-1]))
    return ITEM_CLASSES[kind].model_validate(data)


def flow_row(model_id: str, seq: int, flow: Flow) -> tuple[Any, ...]:
    """The row of ``flows`` that holds ``flow``: seq, model, then its fields in order."""
    return (seq, model_id, *(getattr(flow, f) for f in FLOW_FIELDS))


def flow_from_row(row: Sequence[Any]) -> Flow:
    """The flow a row of ``flows`` holds (``row``: its :data:`FLOW_FIELDS`; ``NULL`` fields left out)."""
    return Flow.model_validate({f: v for f, v in zip(FLOW_FIELDS, row, strict=True) if v is not None})


# -- reading flows as columns ------------------------------------------------------------------

#: How each column of :data:`valuenet.flowcolumns.COLUMNS` is read from a row of ``flows``.
FLOW_COLUMN_SQL = {
    "key": "seq * 4",
    "scenario": "scenario",
    "respondent": "respondent",
    "source": "source",
    "target": "target",
    "dimension": "dimension",
    "magnitude": "magnitude",
    "money": "money",
    "occurrences": "occurrences",
    "touchpoint": "touchpoint",
    "stage": "stage",
    "responsible": "responsible",
    "quoted": "quote IS NOT NULL",
}


def side_column_sql(side: int) -> dict[str, str]:
    """How each flow column is read from one side of an exchange row."""
    name, source, target = SIDES[side]
    return {
        **FLOW_COLUMN_SQL,
        "key": f"seq * 4 + {side}",
        "source": source,
        "target": target,
        "magnitude": name,
        "money": f"{name}_money",
    }


def read_flow_columns_sql(columns: Sequence[str], scenario_filter: str) -> str:
    """SQL reading one goal's flows (``:model``, ``:goal``) as ``columns``: rows of ``flows``, then each side.

    Each part reads its table through the ``(model, goal)`` index, in ``seq`` order;
    ``scenario_filter`` is an extra condition (``""`` for none). Reading the exchange
    rows once and expanding each into its sides (a ``CROSS JOIN`` with the two sides)
    measured the same as these two passes over 1M rows (9.8 s against 10.4 s, within
    the noise): the time goes into coding the strings, not into SQLite.
    """
    parts = [
        f"SELECT {', '.join(FLOW_COLUMN_SQL[c] for c in columns)} FROM flows "
        f"WHERE model = :model AND goal = :goal{scenario_filter}"
    ]
    for side in SIDES:
        sql = side_column_sql(side)
        parts.append(
            f"SELECT {', '.join(sql[c] for c in columns)} FROM exchanges "
            f"WHERE model = :model AND goal = :goal AND {has_side(side)}{scenario_filter}"
        )
    return " UNION ALL ".join(parts)


__all__ = [
    "EXCHANGE_TABLE",
    "FLOW_FIELDS",
    "INDEXES",
    "ITEM_CLASSES",
    "NESTED",
    "SCALARS",
    "SCHEMA_STATEMENTS",
    "SCHEMA_VERSION",
    "SHARED",
    "WRITTEN_BY",
]
