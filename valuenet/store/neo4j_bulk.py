"""A model as the CSV files of ``neo4j-admin database import full``: the bulk path into an empty database.

:func:`write_import_files` lays a model out exactly as the transactional writer
(:mod:`valuenet.store.neo4j_write`) would, graph version 2 (same nodes, relationships, properties,
``ord`` keys and ``VALUE`` aggregates; the property builders are the same functions), as one node file per
label and one relationship file per type with typed headers. ``valuenet neo4j import`` hands them to the
local server's admin tool while the server is stopped, then starts it and creates the constraints and
indexes of ``cypher/schema.cypher``. No Cypher runs per item, which is why it is the fast way to make a
large study's first graph; it only ever fills an empty database.

Values: an empty field is an absent property, a string is always quoted (``""`` is the empty string),
lists are joined with :data:`ARRAY_DELIMITER` (U+001F), numbers are written so that they read back to
the same value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valuenet.errors import StoreError
from valuenet.models import Model
from valuenet.store import neo4j_graph as graph
from valuenet.store.base import model_header
from valuenet.store.neo4j_graph import SCHEMA_VERSION, Element

#: Separates the items of a list property in a field (no text valuenet writes holds it).
ARRAY_DELIMITER = "\x1f"
#: The admin tool's options that read these files as they are written.
IMPORT_OPTIONS = (
    "--id-type=integer",
    "--array-delimiter=U+001F",
    "--multiline-fields=true",
    "--ignore-empty-strings=false",
    "--strict=true",
)


@dataclass
class ImportFiles:
    """The files written: per label or type, the file; and how many nodes and relationships."""

    nodes: dict[str, Path] = field(default_factory=dict)
    relationships: dict[str, Path] = field(default_factory=dict)
    node_count: int = 0
    relationship_count: int = 0
    flows: int = 0
    exchanges: int = 0

    def arguments(self) -> list[str]:
        """The admin tool's ``--nodes`` and ``--relationships`` arguments for these files."""
        return [
            *(f"--nodes={label}={path}" for label, path in self.nodes.items()),
            *(f"--relationships={rtype}={path}" for rtype, path in self.relationships.items()),
        ]


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, list):
        return "string[]"
    return "string"


def _field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        for item in value:
            if ARRAY_DELIMITER in item:
                raise StoreError("a list value holds U+001F, which the bulk import cannot carry; use 'valuenet push'.")
        return '"' + ARRAY_DELIMITER.join(value).replace('"', '""') + '"'
    return '"' + str(value).replace('"', '""') + '"'


class _Table:
    """Rows of one label or type: the union of their properties, each with one type."""

    def __init__(self, head: tuple[str, ...]) -> None:
        self.head = head  # the leading special columns (:ID, or :START_ID and :END_ID)
        self.rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self.types: dict[str, str] = {}

    def add(self, ids: tuple[Any, ...], props: Mapping[str, Any], what: str) -> None:
        for key, value in props.items():
            t = _type(value)
            if self.types.setdefault(key, t) != t:
                raise StoreError(
                    f"{what}: the property {key!r} holds {self.types[key]} values on some items and {t} on others, "
                    "which one bulk-import file cannot hold; use 'valuenet push' (the transactional path)."
                )
        self.rows.append((ids, dict(props)))

    def write(self, path: Path) -> None:
        keys = list(self.types)
        with path.open("w", encoding="utf-8", newline="") as out:
            head = [*self.head, *(_header(k, self.types[k]) for k in keys)]
            out.write(",".join(head) + "\n")
            for ids, props in self.rows:
                out.write(",".join([*map(str, ids), *(_field(props.get(k)) for k in keys)]) + "\n")


def _header(key: str, kind: str) -> str:
    name = key.replace('"', '""')
    return f'"{name}:{kind}"' if any(c in key for c in ',":\n\r') else f"{key}:{kind}"


def write_import_files(model: Model, folder: Path) -> ImportFiles:
    """Write ``model`` (into a database that holds nothing) as the admin tool's CSV files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    mid = model.id
    nodes: dict[str, _Table] = {}
    rels: dict[str, _Table] = {}
    ids: dict[tuple[str, str], int] = {}

    def node(label: str, key: str, props: Mapping[str, Any]) -> int:
        n = ids[(label, key)] = len(ids)
        nodes.setdefault(label, _Table((":ID",))).add((n,), props, f"{label} {key!r}")
        return n

    def rel(rtype: str, a: int, b: int, props: Mapping[str, Any]) -> None:
        rels.setdefault(rtype, _Table((":START_ID", ":END_ID"))).add((a, b), props, rtype)

    def ref(label: str, key: str) -> int:
        """A node for an actor or respondent that flows name (a node with only model and id when it is none)."""
        found = ids.get((label, key))
        return found if found is not None else node(label, key, {"model": mid, "id": key})

    p = graph.model_params(model)
    ord_ = 0
    head = {k: v for k, v in p["props"].items() if v is not None}
    m = node("Model", mid, {"id": mid, **head, "doc": graph.doc(model_header(model)), "schemaVersion": SCHEMA_VERSION})
    for d in p["dimensions"]:
        rel("HAS_DIMENSION", m, node("Dimension", d["id"], {k: v for k, v in d.items() if v is not None}), {})
    for a in model.actors:
        if ("Actor", a.id) in ids:
            raise StoreError(f"actor {a.id!r} is in model {mid!r} twice; the bulk import needs each id once.")
        rel("HAS_ACTOR", m, node("Actor", a.id, {**graph.actor_props(mid, a), "ord": ord_}), {})
        ord_ += 1
    for g in model.goals:
        if ("Goal", g.id) in ids:
            raise StoreError(f"goal {g.id!r} is in model {mid!r} twice; the bulk import needs each id once.")
        gn = node("Goal", g.id, {**graph.goal_props(mid, g), "ord": ord_})
        ord_ += 1
        rel("HAS_GOAL", m, gn, {})
        removals = graph.removal_rows(mid, g)
        for sc in graph.scenario_rows(mid, g):
            sn = node("Scenario", f"{g.id}\n{sc['id']}", sc)
            rel("HAS_SCENARIO", gn, sn, {})
            for x in removals:
                if x["scenario"] == sc["id"]:
                    rel("REMOVES", sn, node("Removal", f"{g.id}\n{sc['id']}\n{x['index']}", x), {})
    for r in model.respondents:
        if ("Respondent", r.id) in ids:
            raise StoreError(f"respondent {r.id!r} is in model {mid!r} twice; the bulk import needs each id once.")
        rn = node("Respondent", r.id, {**graph.respondent_props(mid, r), "ord": ord_})
        ord_ += 1
        rel("HAS_RESPONDENT", m, rn, {})
        for c in graph.cares_rows(r):
            dim = ids.get(("Dimension", c["dimension"]))
            if dim is not None:
                rel("CARES_ABOUT", rn, dim, {k: c[k] for k in ("weight", "threshold") if c[k] is not None})
    elements, lone = place_flows((graph.flow_tuple(f) for f in model.flows), ord_)
    ord_ += len(model.flows)
    deltas: dict[tuple[str, ...], list[float]] = {}
    files = ImportFiles()
    for xid, el in elements.items():
        actor, respondent, customer = el.common[2], el.common[9], el.common[12]
        end = ref("Actor", customer) if respondent is None else ref("Respondent", respondent)
        rel("EXCHANGE", ref("Actor", actor), end, graph.exchange_props(mid, xid, el))
        for side in el.sides():
            graph.add_value(deltas, el.flow(xid, side), 1)
            files.flows += 1
        files.exchanges += 1
    for t, key in lone.values():
        rel("FLOW", ref("Actor", t[graph.F_SOURCE]), ref("Actor", t[graph.F_TARGET]), graph.lone_props(mid, t, key))
        graph.add_value(deltas, t, 1)
        files.flows += 1
    for row in graph.value_rows(deltas):
        s, n, money, flows = row["d"]
        props = {"model": mid, "goal": row["goal"], "scenario": row["scenario"], "dimension": row["dimension"]}
        props.update(sum=float(s), n=int(n), money=float(money), flows=int(flows))
        if n:
            props["mean"] = float(s) / n
        rel("VALUE", ref("Actor", row["source"]), ref("Actor", row["target"]), props)
    nodes["Model"].rows[0][1]["nextOrd"] = ord_
    nodes["Model"].types["nextOrd"] = "long"
    if lone:
        nodes["Model"].rows[0][1]["loneFlows"] = True
        nodes["Model"].types["loneFlows"] = "boolean"
    for label, table in nodes.items():
        path = files.nodes[label] = folder / f"nodes-{label}.csv"
        table.write(path)
        files.node_count += len(table.rows)
    for rtype, table in rels.items():
        path = files.relationships[rtype] = folder / f"relationships-{rtype}.csv"
        table.write(path)
        files.relationship_count += len(table.rows)
    return files


def place_flows(
    tuples: Iterable[graph.FlowTuple], base: int
) -> tuple[dict[str, Element], dict[str, tuple[graph.FlowTuple, int]]]:
    """Flows (in write order, the later of an id winning) as exchanges and lone flows, keyed from ``base``.

    The same placement as the transactional writer's: a flow joins its exchange when it is one of its sides
    and agrees with the other side; any other flow is lone.
    """
    latest: dict[str, tuple[graph.FlowTuple, int]] = {}
    for i, t in enumerate(tuples):
        latest[t[graph.F_ID]] = (t, base + i)
    elements: dict[str, Element] = {}
    lone: dict[str, tuple[graph.FlowTuple, int]] = {}
    for fid, (t, key) in latest.items():
        place = graph.fits(t)
        if place is not None:
            xid, side, common = place
            el = elements.get(xid)
            if el is None:
                el = elements[xid] = Element(common)
            if el.common == common and side not in el.key:
                el.key[side], el.size[side], el.money[side] = key, t[graph.F_MAGNITUDE], t[graph.F_MONEY]
                continue
        lone[fid] = (t, key)
    return elements, lone


__all__ = ["ARRAY_DELIMITER", "IMPORT_OPTIONS", "ImportFiles", "place_flows", "write_import_files"]
