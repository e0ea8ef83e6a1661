"""Every export format behind one call, :func:`export_model`: model files, interview tables, graphs, Cypher, Parquet.

- ``json`` / ``yaml``: the whole model file (:mod:`valuenet.formats.modelfile`);
- ``csv`` / ``jsonl`` / ``xlsx``: the interviews in the long layout (:mod:`valuenet.formats.export`);
- ``graphml`` / ``gexf``: one goal's network in one scenario for Gephi (:func:`network`): actors as
  nodes with their network metrics and net value for the customer, from the analysis engine
  (:func:`valuenet.analysis.report.analyze_goal`); flows aggregated per giver, receiver and dimension,
  or one edge per flow (``per_flow``);
- ``cypher``: a script that recreates the whole model in Neo4j (:mod:`valuenet.store.neo4j_script`);
- ``parquet``: one goal's flows in one scenario as a typed table for notebooks (:func:`flow_table`).

A scenario ``based_on`` another holds the flows it inherits (:func:`valuenet.graph.flows_of`). GraphML
and GEXF hold no ``None``: an attribute without a value is left out. XML 1.0 cannot hold most control
characters: each is written as U+FFFD (the replacement character) and counted in
:attr:`ExportSummary.cleaned`; a line break is written as a line feed (``\\r\\n`` and ``\\r`` become
``\\n``), which is what an XML parser reads back anyway. Everything else (``<``, ``&``, quotes, any
Unicode) comes back exactly. docs/exports.md documents every attribute and column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import networkx as nx
import numpy as np

from valuenet.analysis.base import normalise_weights
from valuenet.analysis.report import analyze_goal, check_scenarios, pick_goal
from valuenet.analysis.table import FlowTable
from valuenet.errors import AnalysisError, OutputError
from valuenet.files import atomic_path, atomic_write
from valuenet.flowcolumns import CachedFlows, FlowSource, distinct
from valuenet.formats.export import TABLE_FORMATS, write_interview_tables, write_interview_text
from valuenet.formats.modelfile import model_to_json, model_to_yaml
from valuenet.graph import flows_of, plain_attributes
from valuenet.models import DEFAULT_SCENARIO, Flow, Model, Respondent, scenario_chain
from valuenet.store.base import Store, read_flow_details, read_structure

MODEL_FORMATS = ("json", "yaml")
GRAPH_FORMATS = ("graphml", "gexf")
#: Every format :func:`export_model` writes.
FORMATS = (*MODEL_FORMATS, *TABLE_FORMATS, *GRAPH_FORMATS, "cypher", "parquet")
#: Formats of one goal and scenario (the others hold the whole model).
SCOPED_FORMATS = (*GRAPH_FORMATS, "parquet")
#: Formats that need a file (the others may go to a text stream).
BINARY_FORMATS = ("xlsx", "parquet")

#: What XML 1.0 cannot hold: control characters other than tab, line feed and carriage return,
#: surrogate halves, U+FFFE and U+FFFF.
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REPLACEMENT = "\ufffd"

Target = str | os.PathLike[str] | IO[str]


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote.

    ``nodes`` and ``edges`` count a graph's; ``rows`` a table's rows (interview exchanges, Parquet flows)
    or a script's statements; ``skipped`` the flows an interview table has no row for; ``cleaned`` the
    characters XML could not hold, written as U+FFFD.
    """

    model: str
    format: str
    path: str | None
    goal: str | None = None
    scenario: str | None = None
    segment: str | None = None
    per_flow: bool = False
    nodes: int = 0
    edges: int = 0
    rows: int = 0
    skipped: int = 0
    cleaned: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _path_of(target: Target) -> str | None:
    return None if hasattr(target, "write") else os.fspath(target)


def _write_text(target: Target, text: str) -> None:
    if hasattr(target, "write"):
        target.write(text)
    else:
        with atomic_write(os.fspath(target), newline="") as fh:
            fh.write(text)


#: File suffixes that are not their format's name.
SUFFIXES = {".yml": "yaml", ".cql": "cypher"}


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The export format a file name's suffix names, or ``None`` when it names none.

    >>> format_of("health.graphml"), format_of("model.YML"), format_of("notes.txt")
    ('graphml', 'yaml', None)
    """
    suffix = Path(os.fspath(path)).suffix.lower()
    fmt = SUFFIXES.get(suffix, suffix.removeprefix("."))
    return fmt if fmt in FORMATS else None


def scope_flows(model: Model, goal: str, scenario: str, segment: str | None) -> list[Flow]:
    """The flows of ``goal`` in ``scenario`` (inherited ones included); with ``segment``, its respondents' and
    the structural ones."""
    flows = flows_of(model, goal, scenario)
    if segment is None:
        return flows
    members = {r.id for r in model.respondents if r.segment == segment}
    return [f for f in flows if f.respondent is None or f.respondent in members]


@dataclass(frozen=True)
class ColumnScope:
    """A goal's flows in a scenario (and segment) read as columns: the engine's table and the rows in scope.

    ``rows`` index the table's arrays in the order :func:`scope_flows` lists the same flows (those
    inherited first, in their scenario's order, then each derived scenario's own, in key order), so
    that what is written from columns comes out in the order of the model path.
    """

    table: FlowTable
    rows: np.ndarray
    chain: tuple[str, ...]

    @property
    def keys(self) -> list[int]:
        """The rows' flow keys (``read_flows_by_key`` finds the flows whole)."""
        keys: list[int] = self.table.key[self.rows].tolist()
        return keys


def column_scope(model: Model, goal: str, scenario: str, segment: str | None, source: FlowSource) -> ColumnScope:
    """The flows :func:`scope_flows` gives, read from ``source`` as columns (inheritance resolved by the engine)."""
    chain = scenario_chain(model.goal(goal), scenario)
    cols = source.read_flow_columns(model.id, goal, chain, None)
    t = FlowTable.from_columns(model, goal, scenario, cols)  # sorts the columns by key
    if "scenario" in cols.columns and len(t.key):
        at = np.searchsorted(cols.arrays["key"], t.key)
        level = cols.recode("scenario", chain)[at]
    else:
        level = np.zeros(len(t.key), dtype=np.int64)
    keep = t.resp < 0
    if segment is None:
        keep |= True
    else:
        member = np.array([s == segment for s in t.segments] + [False], dtype=bool)
        keep |= member[t.resp]
    rows = np.flatnonzero(keep)
    rows = rows[np.lexsort((t.key[rows], level[rows]))]
    return ColumnScope(t, rows, tuple(chain))


# -- graphs ----------------------------------------------------------------------------------------------------


class _Cleaner:
    """Text made storable in XML 1.0, counting the characters replaced."""

    def __init__(self) -> None:
        self.replaced = 0

    def text(self, value: str) -> str:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value, n = XML_INVALID.subn(REPLACEMENT, value)
        self.replaced += n
        return value

    def attrs(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {self.text(k): self.text(v) if isinstance(v, str) else v for k, v in plain_attributes(data).items()}


def network(
    model: Model,
    goal: str | None = None,
    *,
    scenario: str = DEFAULT_SCENARIO,
    segment: str | None = None,
    per_flow: bool = False,
    source: FlowSource | None = None,
) -> nx.MultiDiGraph:
    """A goal's network in a scenario as GraphML and GEXF can hold it (see docs/exports.md for every attribute).

    Nodes are the actors that take part in a flow, plus the focal firm and the customer, with
    ``label`` (the name), the actor's fields, ``focal`` and ``customer``, the network metrics of
    :func:`valuenet.analysis.metrics.network_metrics` and the net value of
    :func:`valuenet.analysis.net.net_from_cube` (both for the scope: everyone, or ``segment``).
    Edges run from giver to receiver: one per giver, receiver and dimension (``sum``, ``n``,
    ``mean``, ``flows``, ``money``, ``respondents``), or with ``per_flow`` one per flow with its
    fields. Edge keys are ``value-N`` (aggregated) or the flow's id (per flow), unique in the file.
    Text is not yet cleaned for XML (:func:`export_model` does that).

    With ``source`` (a store), the flows are read from it as columns, not from ``model``, which may
    then hold none (:func:`valuenet.store.base.read_structure`): the aggregated edges are summed on the
    columns (:func:`aggregate_columns`), and with ``per_flow`` only the scope's flows are read whole.
    """
    goal_id = pick_goal(model, goal)
    check_scenarios(model, goal_id, scenario)
    scope: ColumnScope | None = None
    if source is not None:
        source = CachedFlows(source)  # one read of the goal's flows, for the analysis and the edges
    result = analyze_goal(
        model, goal_id, scenario=scenario, segment=segment, sections=("net", "metrics"), source=source
    )
    flows: list[Flow] = []
    if source is not None:
        scope = column_scope(model, goal_id, scenario, segment, source)
        t = scope.table
        used = {result.focal, result.customer} | {t.actors[i] for i in np.unique(t.src[scope.rows]).tolist()}
        used |= {t.actors[i] for i in np.unique(t.dst[scope.rows]).tolist()}
        if per_flow:
            whole = source.read_flows_by_key(model.id, scope.keys)
            flows = [f if f.scenario == scenario else f.model_copy(update={"scenario": scenario}) for f in whole]
    else:
        flows = scope_flows(model, goal_id, scenario, segment)
        used = {result.focal, result.customer} | {f.source for f in flows} | {f.target for f in flows}
    g = nx.MultiDiGraph(
        **plain_attributes(
            {
                "model": model.id,
                "title": model.title,
                "goal": goal_id,
                "scenario": scenario,
                "segment": segment,
                "focal": result.focal,
                "customer": result.customer,
                "currency": model.currency,
                "scale_min": float(model.scale.min),
                "scale_max": float(model.scale.max),
                "dimensions": model.dimension_ids,
                "per_flow": per_flow,
                "respondents": result.respondents,
            }
        )
    )
    net = result.net.actors if result.net is not None else {}
    metrics = result.metrics.actors if result.metrics is not None else {}
    for a in model.actors:
        if a.id not in used:
            continue
        data: dict[str, Any] = {"label": a.name, **a.model_dump(exclude={"id"})}
        data["focal"] = a.id == result.focal
        data["customer"] = a.id == result.customer
        if a.id in metrics:
            m = metrics[a.id]
            data.update(
                degree=m.degree,
                weighted_degree=m.weighted_degree,
                betweenness=m.betweenness,
                closeness=m.closeness,
                reach=m.reach,
                community=m.community,
            )
        if a.id in net:
            value = net[a.id]
            data.update(
                net=value.weighted,
                net_gets=value.weighted_gets,
                net_gives=value.weighted_gives,
                net_rank=value.rank,
                net_respondents=value.respondents,
                share_destroys=value.share_destroys,
                **{f"net_{d}": x for d, x in value.net.items()},
            )
        g.add_node(a.id, **plain_attributes(data))
    for f in flows:  # an actor a flow names but the model does not declare still gets a node
        for end in (f.source, f.target):
            if end not in g:
                g.add_node(end, label=end)
    if per_flow:
        segments = {r.id: r.segment for r in model.respondents}
        for f in flows:
            data = {"label": f.dimension, **f.model_dump(exclude={"source", "target"})}
            data["weight"] = f.magnitude if f.magnitude is not None else 0.0  # money alone: drawn thinnest
            data["segment"] = segments.get(f.respondent) if f.respondent is not None else None
            data["structural"] = f.respondent is None
            g.add_edge(f.source, f.target, key=f.id, **plain_attributes(data))
    else:
        edges = aggregate(flows) if scope is None else aggregate_columns(scope)
        for i, ((u, v, _dim), data) in enumerate(edges.items()):
            g.add_edge(u, v, key=f"value-{i}", **plain_attributes(data))
    return g


def aggregate(flows: Iterable[Flow]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Flows per giver, receiver and dimension, as the Neo4j ``VALUE`` relationship sums them.

    ``sum`` of the magnitudes, ``n`` how many flows have one, ``mean`` = sum / n (absent when n is 0),
    ``flows`` how many flows, ``money`` the summed ``money * occurrences`` (absent when no flow has
    money), ``respondents`` how many distinct respondents; ``weight`` (what Gephi draws) is ``sum``.

    >>> fs = [Flow(id="a", goal="g", source="f", target="c", dimension="economic", magnitude=2, respondent="r1"),
    ...       Flow(id="b", goal="g", source="f", target="c", dimension="economic", magnitude=4, money=10,
    ...            occurrences=2, respondent="r2")]
    >>> row = aggregate(fs)[("f", "c", "economic")]
    >>> row["sum"], row["n"], row["mean"], row["money"], row["respondents"]
    (6.0, 2, 3.0, 20.0, 2)
    """
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    people: dict[tuple[str, str, str], set[str]] = {}
    for f in flows:
        key = (f.source, f.target, f.dimension)
        row = out.get(key)
        if row is None:
            row = out[key] = {"label": f.dimension, "dimension": f.dimension, "sum": 0.0, "n": 0, "flows": 0}
            people[key] = set()
        row["flows"] += 1
        if f.magnitude is not None:
            row["sum"] += float(f.magnitude)
            row["n"] += 1
        if f.money is not None:
            row["money"] = row.get("money", 0.0) + float(f.money) * float(f.occurrences)
        if f.respondent is not None:
            people[key].add(f.respondent)
    for key, row in out.items():
        row["mean"] = row["sum"] / row["n"] if row["n"] else None
        row["weight"] = row["sum"]
        row["respondents"] = len(people[key])
    return out


def aggregate_columns(scope: ColumnScope) -> dict[tuple[str, str, str], dict[str, Any]]:
    """:func:`aggregate` of the flows of ``scope``, summed on the columns (equal to it, edge order included).

    Each sum adds the same numbers in the same order as :func:`aggregate` does (``np.bincount`` adds in
    row order), so the figures are equal to the last bit.
    """
    t, rows = scope.table, scope.rows
    n_a, n_d = len(t.actors), max(len(t.dimensions), 1)
    src, dst, dim = t.src[rows], t.dst[rows], t.dim[rows]
    code = (src * n_a + dst) * n_d + dim
    uniq, first, group = np.unique(code, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # groups in the order their first flow comes
    n = len(uniq)
    mag, money, occ = t.mag[rows], t.money[rows], t.occ[rows]
    has_mag, has_money = ~np.isnan(mag), ~np.isnan(money)
    sums = np.bincount(group, weights=np.where(has_mag, mag, 0.0), minlength=n)
    counts = np.bincount(group, weights=has_mag, minlength=n)
    flows = np.bincount(group, minlength=n)
    paid = np.bincount(group, weights=np.where(has_money, money * occ, 0.0), minlength=n)
    any_money = np.bincount(group, weights=has_money, minlength=n) > 0
    resp = t.resp[rows]
    someone = resp >= 0
    width = t.n + 1
    pairs = distinct(group[someone].astype(np.int64) * width + resp[someone])  # each (edge, respondent) once
    people = np.bincount(pairs // width, minlength=n)
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for gi in order.tolist():
        i = int(first[gi])
        d = t.dimensions[int(dim[i])]
        row: dict[str, Any] = {"label": d, "dimension": d, "sum": float(sums[gi]), "n": int(counts[gi])}
        row["flows"] = int(flows[gi])
        if any_money[gi]:
            row["money"] = float(paid[gi])
        row["mean"] = row["sum"] / row["n"] if row["n"] else None
        row["weight"] = row["sum"]
        row["respondents"] = int(people[gi])
        out[(t.actors[int(src[i])], t.actors[int(dst[i])], d)] = row
    return out


def clean_graph(g: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, int]:
    """A copy of ``g`` whose ids, keys and text XML 1.0 can hold, and how many characters were replaced."""
    c = _Cleaner()
    out = nx.MultiDiGraph(**c.attrs(g.graph))
    for n, data in g.nodes(data=True):
        out.add_node(c.text(str(n)), **c.attrs(data))
    for u, v, k, data in g.edges(keys=True, data=True):
        out.add_edge(c.text(str(u)), c.text(str(v)), key=c.text(str(k)), **c.attrs(data))
    return out, c.replaced


def _graph_text(g: nx.MultiDiGraph, fmt: str) -> str:
    lines = nx.generate_graphml(g, prettyprint=True) if fmt == "graphml" else nx.generate_gexf(g, prettyprint=True)
    return "<?xml version='1.0' encoding='utf-8'?>\n" + "\n".join(lines) + "\n"


# -- Parquet ---------------------------------------------------------------------------------------------------

#: The columns of the Parquet table, in order, with their Arrow types (``weight_<dimension>`` and
#: ``threshold_<dimension>`` follow, one per model dimension, then ``attr_<key>``, one per respondent attribute).
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("model", "string"),
    ("goal", "string"),
    ("scenario", "string"),
    ("flow", "string"),
    ("exchange", "string"),
    ("source", "string"),
    ("source_name", "string"),
    ("source_kind", "string"),
    ("target", "string"),
    ("target_name", "string"),
    ("target_kind", "string"),
    ("dimension", "string"),
    ("magnitude", "float64"),
    ("money", "float64"),
    ("occurrences", "float64"),
    ("money_total", "float64"),
    ("tangible", "bool"),
    ("touchpoint", "string"),
    ("stage", "string"),
    ("quote", "string"),
    ("responsible", "string"),
    ("note", "string"),
    ("structural", "bool"),
    ("respondent", "string"),
    ("segment", "string"),
    ("persona", "bool"),
    ("nps", "int64"),
    ("churned", "bool"),
    ("weight", "float64"),
    ("threshold", "float64"),
)


def flow_table(
    model: Model, flows: Iterable[Flow], dimensions: Iterable[str] | None = None
) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """The tidy table of ``flows``, one row per flow: its columns, and each column's type (see docs/exports.md).

    Each flow's respondent is joined in: ``segment``, ``persona``, ``nps``, ``churned``; ``weight`` is
    the respondent's weight of the flow's dimension normalised over the model's dimensions (weights sum to
    1, no weights stated meaning equal weights), as the analysis uses it; ``threshold`` their stated
    threshold in that dimension; ``weight_<d>`` and ``threshold_<d>`` what they stated for every
    dimension ``d``, as stated; ``attr_<key>`` each respondent attribute (:func:`attribute_types`). A
    structural flow (no respondent) has none of these.
    """
    dims = list(dimensions) if dimensions is not None else model.dimension_ids
    actors = {a.id: a for a in model.actors}
    people: dict[str, Respondent] = {r.id: r for r in model.respondents}
    weights = {r.id: normalise_weights(r.weights, dims) for r in model.respondents}
    cols: dict[str, list[Any]] = {name: [] for name, _ in TABLE_COLUMNS}
    for d in dims:
        cols[f"weight_{d}"] = []
    for d in dims:
        cols[f"threshold_{d}"] = []
    attrs = attribute_types(model.respondents)
    for key in attrs:
        cols[ATTRIBUTE + key] = []
    for f in flows:
        src, dst = actors.get(f.source), actors.get(f.target)
        r = people.get(f.respondent) if f.respondent is not None else None
        money = None if f.money is None else float(f.money)
        row: dict[str, Any] = {
            "model": model.id,
            "goal": f.goal,
            "scenario": f.scenario,
            "flow": f.id,
            "exchange": f.exchange,
            "source": f.source,
            "source_name": src.name if src else None,
            "source_kind": src.kind if src else None,
            "target": f.target,
            "target_name": dst.name if dst else None,
            "target_kind": dst.kind if dst else None,
            "dimension": f.dimension,
            "magnitude": None if f.magnitude is None else float(f.magnitude),
            "money": money,
            "occurrences": float(f.occurrences),
            "money_total": None if money is None else money * float(f.occurrences),
            "tangible": f.tangible,
            "touchpoint": f.touchpoint,
            "stage": f.stage,
            "quote": f.quote,
            "responsible": f.responsible,
            "note": f.note,
            "structural": f.respondent is None,
            "respondent": f.respondent,
            "segment": r.segment if r else None,
            "persona": r.persona if r else None,
            "nps": r.nps if r else None,
            "churned": r.churned if r else None,
            "weight": weights[r.id].get(f.dimension) if r else None,
            "threshold": _float(r.thresholds.get(f.dimension)) if r else None,
        }
        for d in dims:
            row[f"weight_{d}"] = _float(r.weights.get(d)) if r else None
            row[f"threshold_{d}"] = _float(r.thresholds.get(d)) if r else None
        for key, kind in attrs.items():
            value = r.attributes.get(key) if r else None
            row[ATTRIBUTE + key] = value if value is None or kind != "string" else _text(value)
        for name, values in cols.items():
            values.append(row[name])
    types = dict(TABLE_COLUMNS)
    types.update({name: "float64" for name in cols if name not in types})
    types.update({ATTRIBUTE + key: kind for key, kind in attrs.items()})
    return cols, types


def column_flow_table(model: Model, scope: ColumnScope, source: FlowSource) -> tuple[dict[str, Any], dict[str, str]]:
    """:func:`flow_table` of the flows of ``scope``, built from the columns (equal to it, row order included).

    Each column comes back as a pyarrow array, built from the engine's integer codes and float
    arrays (a string column is its names taken by code; a respondent's field is a value per
    respondent taken by each row's respondent), so no Python object is made per flow and value.
    The text fields the columns lack (id, exchange, tangible, quote, note) come from
    :func:`valuenet.store.base.read_flow_details`, as lists.
    """
    import pyarrow as pa

    t, rows = scope.table, scope.rows
    dims = model.dimension_ids
    actors = {a.id: a for a in model.actors}
    details = read_flow_details(source, model.id, t.goal, scope.chain, t.key[rows])
    n = len(rows)
    arrow = {"string": pa.string(), "float64": pa.float64(), "int64": pa.int64(), "bool": pa.bool_()}

    def take(values: list[Any], kind: str, codes: np.ndarray) -> Any:
        """``values[code]`` per row as an Arrow array of ``kind``; a code of -1 is null."""
        return pa.array(values, type=arrow[kind]).take(pa.array(codes, type=pa.int64(), mask=codes < 0))

    def floats(values: np.ndarray) -> Any:
        return pa.array(values, type=pa.float64(), mask=np.isnan(values))  # NaN is null

    src, dst, dim, resp = t.src[rows], t.dst[rows], t.dim[rows], t.resp[rows]
    money, occ = t.money[rows], t.occ[rows]
    people = t.people()
    attrs = attribute_types(model.respondents)
    names = [actors[a].name if a in actors else None for a in t.actors]
    kinds = [actors[a].kind if a in actors else None for a in t.actors]

    def per_person(kind: str, value: Callable[[Respondent], Any]) -> Any:
        """A respondent's field on each of their rows (null on structural rows)."""
        return take([value(p) for p in people], kind, resp)

    def per_dimension(table: np.ndarray) -> Any:
        """``table[respondent, dimension]`` per row (NaN, or a structural row, is null)."""
        ok = resp >= 0
        values = np.full(n, np.nan)
        values[ok] = table[resp[ok], dim[ok]] if len(table) else np.nan
        return floats(values)

    def stated(x: float | None) -> float:
        return np.nan if x is None else float(x)

    weights = [normalise_weights(p.weights, dims) for p in people]
    weight = np.array([[stated(w.get(d)) for d in dims] for w in weights]).reshape(-1, len(dims))
    threshold = np.array([[stated(p.thresholds.get(d)) for d in dims] for p in people]).reshape(-1, len(dims))
    cols: dict[str, Any] = {
        "model": [model.id] * n,
        "goal": [t.goal] * n,
        "scenario": [t.scenario] * n,
        "flow": details["id"],
        "exchange": details["exchange"],
        "source": take(t.actors, "string", src),
        "source_name": take(names, "string", src),
        "source_kind": take(kinds, "string", src),
        "target": take(t.actors, "string", dst),
        "target_name": take(names, "string", dst),
        "target_kind": take(kinds, "string", dst),
        "dimension": take(t.dimensions, "string", dim),
        "magnitude": floats(t.mag[rows]),
        "money": floats(money),
        "occurrences": pa.array(occ, type=pa.float64()),
        "money_total": floats(money * occ),
        "tangible": details["tangible"],
        "touchpoint": take(t.touchpoints, "string", t.tp[rows]),
        "stage": take(t.stages, "string", t.stage[rows]),
        "quote": details["quote"],
        "responsible": take(t.actors, "string", t.blame[rows]),
        "note": details["note"],
        "structural": pa.array(resp < 0, type=pa.bool_()),
        "respondent": take(t.respondents, "string", resp),
        "segment": per_person("string", lambda p: p.segment),
        "persona": per_person("bool", lambda p: p.persona),
        "nps": per_person("int64", lambda p: p.nps),
        "churned": per_person("bool", lambda p: p.churned),
        "weight": per_dimension(weight),
        "threshold": per_dimension(threshold),
    }
    for d in dims:
        cols[f"weight_{d}"] = take([_float(p.weights.get(d)) for p in people], "float64", resp)
    for d in dims:
        cols[f"threshold_{d}"] = take([_float(p.thresholds.get(d)) for p in people], "float64", resp)
    for key, kind in attrs.items():
        cols[ATTRIBUTE + key] = take([_attribute(p, key, kind) for p in people], kind, resp)
    types = dict(TABLE_COLUMNS)
    types.update({name: "float64" for name in cols if name not in types})
    types.update({ATTRIBUTE + key: kind for key, kind in attrs.items()})
    return cols, types


def _attribute(r: Respondent, key: str, kind: str) -> Any:
    """A respondent attribute as its column holds it (text for a ``string`` column)."""
    value = r.attributes.get(key)
    return value if value is None or kind != "string" else _text(value)


#: The prefix of a respondent attribute's column (as on the Neo4j graph's respondent properties).
ATTRIBUTE = "attr_"


def attribute_types(respondents: Iterable[Respondent]) -> dict[str, str]:
    """Each respondent attribute key, in first-seen order, and its column type.

    ``bool`` when every value is a boolean, ``int64`` when every value is a whole number, ``float64`` when
    every value is a number, else ``string`` (numbers and booleans written as text: ``1.5``, ``true``).

    >>> attribute_types([Respondent(id="a", attributes={"age": 30, "city": "Gent", "vip": True}),
    ...                  Respondent(id="b", attributes={"age": 41.5, "city": 9000})])
    {'age': 'float64', 'city': 'string', 'vip': 'bool'}
    """
    seen: dict[str, list[Any]] = {}
    for r in respondents:
        for key, value in r.attributes.items():
            seen.setdefault(key, []).append(value)
    out: dict[str, str] = {}
    for key, values in seen.items():
        if all(isinstance(v, bool) for v in values):
            out[key] = "bool"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            out[key] = "int64"
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            out[key] = "float64"
        else:
            out[key] = "string"
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _float(x: float | None) -> float | None:
    return None if x is None else float(x)


def _write_parquet(path: str, cols: Mapping[str, Any], types: Mapping[str, str], meta: Mapping[str, str]) -> None:
    """Write the table of ``cols`` (lists, or pyarrow arrays already of their type) with ``types``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {"string": pa.string(), "float64": pa.float64(), "int64": pa.int64(), "bool": pa.bool_()}
    table = pa.table(
        {
            name: values if isinstance(values, pa.Array) else pa.array(values, type=arrow[types[name]])
            for name, values in cols.items()
        },
        metadata={f"valuenet.{k}": v for k, v in meta.items()},
    )
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


# -- the one entry point ---------------------------------------------------------------------------------------


def export_model(
    model: Model,
    path: Target,
    fmt: str,
    *,
    goal: str | None = None,
    scenario: str = DEFAULT_SCENARIO,
    segment: str | None = None,
    per_flow: bool = False,
    source: FlowSource | None = None,
) -> ExportSummary:
    """Write ``model`` to ``path`` (a file path, or an open text stream) as ``fmt``, one of :data:`FORMATS`.

    ``goal``, ``scenario``, ``segment`` and ``per_flow`` choose what a graph or Parquet table holds
    (:data:`SCOPED_FORMATS`; the other formats hold the whole model and refuse them). ``source`` is where
    a scoped format reads the goal's flows, as columns (a store; ``model`` may then hold no flows, as
    :func:`export_store` passes it); by default the model's own. Files are written whole or not at all.
    """
    if fmt not in FORMATS:
        raise OutputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    out = _path_of(path)
    if fmt in BINARY_FORMATS and out is None:
        raise OutputError(f"--format {fmt} writes a file: name it with -o FILE.{fmt}.")
    if fmt not in SCOPED_FORMATS:
        given = [
            name
            for name, value in (
                ("--goal", goal),
                ("--scenario", None if scenario == DEFAULT_SCENARIO else scenario),
                ("--segment", segment),
                ("--per-flow", per_flow or None),
            )
            if value is not None
        ]
        if given:
            verb = "chooses" if len(given) == 1 else "choose"
            raise OutputError(
                f"{', '.join(given)} {verb} what a graph or table holds; --format {fmt} holds the whole model. "
                f"Leave them out, or use --format {'|'.join(SCOPED_FORMATS)}."
            )
    base = ExportSummary(model.id, fmt, out)
    if fmt in MODEL_FORMATS:
        _write_text(path, model_to_json(model) if fmt == "json" else model_to_yaml(model))
        return base
    if fmt in TABLE_FORMATS:
        if out is None:
            tables = write_interview_text(model, path, fmt)  # type: ignore[arg-type]
        else:
            tables = write_interview_tables(model, out, fmt)
        return replace(base, rows=len(tables.exchange_rows), skipped=len(tables.skipped))
    if fmt == "cypher":
        from valuenet.store.neo4j_script import write_script

        if out is None:
            done = write_script(model, path)  # type: ignore[arg-type]
        else:
            with atomic_write(out, newline="") as fh:
                done = write_script(model, fh)
        return replace(base, rows=done.statements)
    goal_id = pick_goal(model, goal)
    base = replace(base, goal=goal_id, scenario=scenario, segment=segment, per_flow=per_flow)
    if fmt == "parquet":
        if per_flow:
            raise OutputError("--per-flow is for graphml and gexf; a Parquet table has one row per flow already.")
        check_scenarios(model, goal_id, scenario)
        if segment is not None and not any(r.segment == segment for r in model.respondents):
            known = sorted({r.segment for r in model.respondents if r.segment})
            raise AnalysisError(
                f"model {model.id!r} has no segment {segment!r}; segments: {', '.join(known) or 'none'}."
            )
        if source is None:
            cols, types = flow_table(model, scope_flows(model, goal_id, scenario, segment))
        else:
            cols, types = column_flow_table(model, column_scope(model, goal_id, scenario, segment, source), source)
        meta = {"model": model.id, "goal": goal_id, "scenario": scenario, **({"segment": segment} if segment else {})}
        assert out is not None
        _write_parquet(out, cols, types, meta)
        return replace(base, rows=len(cols["flow"]))
    g, cleaned = clean_graph(
        network(model, goal_id, scenario=scenario, segment=segment, per_flow=per_flow, source=source)
    )
    _write_text(path, _graph_text(g, fmt))
    notes = (f"{cleaned} characters XML cannot hold were written as U+FFFD.",) if cleaned else ()
    return replace(base, nodes=g.number_of_nodes(), edges=g.number_of_edges(), cleaned=cleaned, notes=notes)


def export_store(
    store: Store,
    path: Target,
    fmt: str,
    *,
    model: str | None = None,
    goal: str | None = None,
    scenario: str = DEFAULT_SCENARIO,
    segment: str | None = None,
    per_flow: bool = False,
) -> ExportSummary:
    """:func:`export_model` of the stored model ``model`` (``None``: the only one), read in one snapshot.

    The formats of one goal (:data:`SCOPED_FORMATS`) read the model without its flows
    (:func:`~valuenet.store.base.read_structure`) and the goal's flows from the store as columns;
    the others hold the whole model and read it whole (:meth:`~valuenet.store.base.Store.read_model`).
    """
    with store.snapshot():
        if fmt in SCOPED_FORMATS:
            structure = read_structure(store, model)
            return export_model(
                structure, path, fmt, goal=goal, scenario=scenario, segment=segment, per_flow=per_flow, source=store
            )
        whole = store.read_model(model)
    return export_model(whole, path, fmt, goal=goal, scenario=scenario, segment=segment, per_flow=per_flow)


__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "SUFFIXES",
    "ExportSummary",
    "aggregate",
    "export_model",
    "export_store",
    "flow_table",
    "format_of",
    "network",
]
