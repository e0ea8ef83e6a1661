"""Exports for analysts' tools: GraphML and GEXF (read back with networkx's readers), Parquet, a Cypher script.

Expected figures are computed here from the model's own flows (sums, counts, which flows a scenario or
segment holds) or taken from the analysis engine the export says it reuses, never typed in.
"""

from __future__ import annotations

import io
import json
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from tests.conftest import IN_CI, REPO, Neo4jServer, require_neo4j, tiny_model
from valuenet.analysis.base import normalise_weights
from valuenet.analysis.report import analyze_goal
from valuenet.cli import cli
from valuenet.errors import AnalysisError, OutputError
from valuenet.exports import FORMATS, SCOPED_FORMATS, aggregate, export_model, export_store
from valuenet.flowcolumns import ModelFlows
from valuenet.formats.modelfile import model_to_json, read_model_file
from valuenet.graph import DIMENSIONS, RESPONDENT, flows_of, goal_graph, split_list
from valuenet.models import Actor, Flow, Goal, Model, Removal, Respondent, Scenario, exchange_flows, scenario_flows
from valuenet.store.sqlite import SQLiteStore

HEALTH = REPO / "examples" / "health" / "model.yaml"
BROADBAND = REPO / "examples" / "broadband" / "model.yaml"
READ = {"graphml": nx.read_graphml, "gexf": nx.read_gexf}


@pytest.fixture(scope="module")
def health() -> Model:
    return read_model_file(HEALTH)


def _export(model: Model, tmp_path: Path, fmt: str, **kw: Any) -> tuple[nx.MultiDiGraph, Any]:
    path = tmp_path / f"out-{uuid.uuid4().hex[:6]}.{fmt}"
    summary = export_model(model, path, fmt, **kw)
    ET.parse(path)  # well-formed XML
    g = READ[fmt](path)
    assert isinstance(g, nx.MultiDiGraph)
    return g, summary


def _edges(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    return [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)]


def _no_none(g: nx.MultiDiGraph) -> None:
    values = [*g.graph.values()] + [v for _, d in g.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in g.edges(data=True) for v in d.values()]
    assert all(v is not None and v != "None" for v in values)


# -- goal_graph --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("respondent", [None, "h01"])
def test_goal_graph_writes_as_graphml_and_reads_back(health: Model, tmp_path: Path, respondent: str | None) -> None:
    g = goal_graph(health, "become-healthy", respondent=respondent)
    path = tmp_path / "g.graphml"
    nx.write_graphml(g, path)
    nx.write_gexf(g, tmp_path / "g.gexf")
    back = nx.read_graphml(path)
    flows = flows_of(health, "become-healthy", respondent=respondent)
    assert back.number_of_edges() == len(flows) == g.number_of_edges()
    assert back.number_of_nodes() == g.number_of_nodes()
    quoted = next(f for f in flows if f.quote)
    assert back.edges[quoted.source, quoted.target, quoted.id]["quote"] == quoted.quote
    assert split_list(back.graph[DIMENSIONS]) == health.dimension_ids
    assert (RESPONDENT in back.graph) == (respondent is not None)
    structural = next(f for f in flows if f.respondent is None)
    assert "respondent" not in back.edges[structural.source, structural.target, structural.id]


# -- GraphML and GEXF --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_aggregated_network_matches_the_model_and_the_analysis(health: Model, tmp_path: Path, fmt: str) -> None:
    g, summary = _export(health, tmp_path, fmt)
    flows = flows_of(health, "become-healthy", "current")
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for f in flows:
        counts[f.source, f.target, f.dimension] += 1
        if f.magnitude is not None:
            sums[f.source, f.target, f.dimension].append(f.magnitude)
    assert g.number_of_edges() == len(counts) == summary.edges
    for e in _edges(g):
        key = (e["source"], e["target"], e["dimension"])
        assert e["flows"] == counts[key]
        assert e["n"] == len(sums[key])
        assert e["sum"] == pytest.approx(sum(sums[key]))
        if sums[key]:
            assert e["mean"] == pytest.approx(sum(sums[key]) / len(sums[key]))
        else:
            assert "mean" not in e
    used = {f.source for f in flows} | {f.target for f in flows}
    assert set(g.nodes) == used and summary.nodes == len(used)
    result = analyze_goal(health, "become-healthy", sections=("net", "metrics"))
    assert result.net is not None and result.metrics is not None
    for a in health.actors:
        if a.id not in used:
            continue
        node = g.nodes[a.id]
        assert (node["label"], node["name"], node["kind"]) == (a.name, a.name, a.kind)
        assert node["betweenness"] == pytest.approx(result.metrics.actors[a.id].betweenness)
        assert node["degree"] == result.metrics.actors[a.id].degree
        if a.id in result.net.actors:
            assert node["net"] == pytest.approx(result.net.actors[a.id].weighted)
        else:
            assert "net" not in node  # the customer has no net value with itself
    assert g.nodes[result.focal]["focal"] is True and g.nodes[result.customer]["customer"] is True
    _no_none(g)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_per_flow_network_has_one_edge_per_flow_with_its_fields(health: Model, tmp_path: Path, fmt: str) -> None:
    g, _ = _export(health, tmp_path, fmt, per_flow=True)
    flows = {f.id: f for f in flows_of(health, "become-healthy", "current")}
    segments = {r.id: r.segment for r in health.respondents}
    assert g.number_of_edges() == len(flows)
    seen = set()
    for u, v, d in g.edges(data=True):
        f = flows[d["id"]]
        seen.add(f.id)
        assert (u, v, d["dimension"]) == (f.source, f.target, f.dimension)
        for name in ("respondent", "touchpoint", "stage", "quote", "magnitude", "money", "responsible"):
            assert d.get(name) == getattr(f, name), name
        assert d.get("segment") == (segments[f.respondent] if f.respondent else None)
        assert d["structural"] is (f.respondent is None)
        assert d["weight"] == (f.magnitude if f.magnitude is not None else 0.0)
    assert seen == set(flows)
    _no_none(g)


def _scenario_model() -> Model:
    """A goal whose scenario ``next`` inherits ``current``, removes the insurer and changes one flow."""
    m = tiny_model("scn")
    goal = m.goals[0].model_copy(
        update={
            "scenarios": [
                Scenario(id="current"),
                Scenario(id="next", based_on="current", removes=[Removal(actor="insurer")]),
            ]
        }
    )
    changed = exchange_flows(
        "r1-care-next",
        goal="healthy",
        scenario="next",
        customer="patient",
        actor="clinic",
        dimension="functional",
        gets=5,
        gives=0,
        respondent="r1",
        touchpoint="treatment",
    )
    flows = [f for f in m.flows if f.scenario == "current"] + changed
    return m.model_copy(update={"goals": [goal], "flows": flows})


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_based_on_scenario_exports_what_it_inherits(tmp_path: Path, fmt: str) -> None:
    m = _scenario_model()
    g, summary = _export(m, tmp_path, fmt, scenario="next", per_flow=True)
    expected = scenario_flows(m, "healthy", "next")
    own = [f for f in m.flows if f.scenario == "next"]
    assert len(expected) > len(own)  # inheritance is what is tested
    assert {d["id"] for _, _, d in g.edges(data=True)} == {f.id for f in expected}
    assert "insurer" not in {x for f in expected for x in (f.source, f.target)}
    assert summary.scenario == "next"
    assert g.graph.get("scenario", "next") == "next" and (fmt == "gexf" or "scenario" in g.graph)  # GEXF: no graph data
    care = next(d for _, _, d in g.edges(data=True) if d["id"] == "r1-care-next:gets")
    assert care["magnitude"] == 5.0


def test_a_segment_keeps_its_respondents_and_the_structural_flows(tmp_path: Path) -> None:
    m = tiny_model()
    g, summary = _export(m, tmp_path, "graphml", segment="young", per_flow=True)
    ids = {d["id"] for _, _, d in g.edges(data=True)}
    expected = {f.id for f in flows_of(m, "healthy") if f.respondent in (None, "r1")}
    assert ids == expected and summary.segment == "young"
    seg = analyze_goal(m, "healthy", segment="young", sections=("net",))
    assert seg.net is not None
    assert g.nodes["clinic"]["net"] == pytest.approx(seg.net.actors["clinic"].weighted)
    with pytest.raises(AnalysisError, match="segment 'nobody'"):
        export_model(m, tmp_path / "x.graphml", "graphml", segment="nobody")


HOSTILE_NAME = "<script>alert('x')</script> & \"Co\" ]]> é 😀"
HOSTILE_QUOTE = "a\x01b\x0bc\x1fd\ufffe & <b> 'q' \"dq\"\r\nnext\rline\ttab \u2028 😀"


def _hostile() -> Model:
    m = tiny_model("hostile")
    actors = [a.model_copy(update={"name": HOSTILE_NAME}) if a.id == "clinic" else a for a in m.actors]
    flows = [f.model_copy(update={"quote": HOSTILE_QUOTE}) if f.id == "r1-care:gets" else f for f in m.flows]
    return m.model_copy(update={"actors": actors, "flows": flows})


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_hostile_text_survives_or_is_cleaned_as_documented(tmp_path: Path, fmt: str) -> None:
    g, summary = _export(_hostile(), tmp_path, fmt, per_flow=True)
    assert g.nodes["clinic"]["name"] == HOSTILE_NAME == g.nodes["clinic"]["label"]
    quote = next(d["quote"] for _, _, d in g.edges(data=True) if d["id"] == "r1-care:gets")
    # \x01, \x0b, \x1f and U+FFFE become U+FFFD; CR LF and CR become LF; everything else is kept
    assert quote == "a\ufffdb\ufffdc\ufffdd\ufffd & <b> 'q' \"dq\"\nnext\nline\ttab \u2028 😀"
    assert summary.cleaned == 4 and summary.notes


def test_several_goals_need_goal_and_say_so(tmp_path: Path) -> None:
    m = tiny_model()
    second = Goal(id="other", title="Other", customer="patient")
    m = m.model_copy(update={"goals": [*m.goals, second]})
    with pytest.raises(AnalysisError, match=r"2 goals \(healthy, other\); name one with --goal"):
        export_model(m, tmp_path / "x.gexf", "gexf")
    g, _ = _export(m, tmp_path, "gexf", goal="healthy")
    assert g.number_of_edges() == len(aggregate(flows_of(m, "healthy")))


def test_aggregate_sums_money_times_occurrences() -> None:
    fs = [
        Flow(id="a", goal="g", source="f", target="i", dimension="economic", money=10, occurrences=3),
        Flow(id="b", goal="g", source="f", target="i", dimension="economic", money=2),
    ]
    row = aggregate(fs)["f", "i", "economic"]
    assert row["money"] == 32.0 and row["n"] == 0 and row["mean"] is None and row["flows"] == 2


# -- Parquet -----------------------------------------------------------------------------------------------------


def test_parquet_has_one_typed_row_per_flow_with_the_respondent_joined(health: Model, tmp_path: Path) -> None:
    path = tmp_path / "flows.parquet"
    summary = export_model(health, path, "parquet", scenario="future-a")
    table = pq.read_table(path)
    flows = flows_of(health, "become-healthy", "future-a")
    assert table.num_rows == len(flows) == summary.rows
    schema = {f.name: str(f.type) for f in table.schema}
    assert (schema["magnitude"], schema["money"], schema["nps"], schema["tangible"]) == (
        "double",
        "double",
        "int64",
        "bool",
    )
    assert table.schema.metadata[b"valuenet.scenario"] == b"future-a"
    people = {r.id: r for r in health.respondents}
    rows = table.to_pylist()
    for row, f in zip(rows, flows, strict=True):
        assert (row["flow"], row["source"], row["target"], row["dimension"]) == (f.id, f.source, f.target, f.dimension)
        assert (row["magnitude"], row["quote"], row["scenario"]) == (f.magnitude, f.quote, "future-a")
        r = people.get(f.respondent) if f.respondent else None
        assert row["segment"] == (r.segment if r else None)
        assert row["nps"] == (r.nps if r else None)
        if r is not None:
            assert row["weight"] == pytest.approx(normalise_weights(r.weights, health.dimension_ids)[f.dimension])
            for d in health.dimension_ids:
                assert row[f"weight_{d}"] == r.weights.get(d)
    pd = pytest.importorskip("pandas")
    frame = pd.read_parquet(path)
    assert len(frame) == len(flows)
    assert frame["magnitude"].sum() == pytest.approx(sum(f.magnitude or 0 for f in flows))
    assert str(frame["magnitude"].dtype) == "float64"


def test_parquet_types_each_respondent_attribute_by_its_values(tmp_path: Path) -> None:
    m = tiny_model()
    people = [
        m.respondents[0].model_copy(update={"attributes": {"age": 30, "city": "Gent", "vip": True, "km": 2}}),
        m.respondents[1].model_copy(update={"attributes": {"age": 61, "city": 9000, "km": 3.5}}),
    ]
    m = m.model_copy(update={"respondents": people})
    path = tmp_path / "a.parquet"
    export_model(m, path, "parquet")
    table = pq.read_table(path)
    types = {f.name: str(f.type) for f in table.schema}
    assert [types[f"attr_{k}"] for k in ("age", "city", "vip", "km")] == ["int64", "string", "bool", "double"]
    by_respondent = {r["respondent"]: r for r in table.to_pylist() if r["respondent"]}
    assert (by_respondent["r1"]["attr_city"], by_respondent["r2"]["attr_city"]) == ("Gent", "9000")
    assert (by_respondent["r1"]["attr_vip"], by_respondent["r2"]["attr_vip"]) == (True, None)
    claims = next(r for r in table.to_pylist() if r["flow"] == "claims")
    assert claims["structural"] is True and claims["attr_age"] is None and claims["money_total"] == 65.0 * 8


def test_parquet_needs_a_file(health: Model) -> None:
    with pytest.raises(OutputError, match=r"-o FILE\.parquet"):
        export_model(health, io.StringIO(), "parquet")


# -- from the store's columns, equal to the model in memory -------------------------------------------------


def _graph_parts(g: nx.MultiDiGraph) -> tuple[Any, ...]:
    """Everything a graph file holds, in file order: its data, its nodes and its edges with their attributes."""
    return dict(g.graph), list(g.nodes(data=True)), list(g.edges(keys=True, data=True))


#: (model, export keywords) for every kind of scope: the examples in each scenario, a based_on scenario, a
#: segment, per-flow graphs and the hostile text.
SCOPES: list[tuple[str, dict[str, Any]]] = [
    ("health", {}),
    ("health", {"scenario": "future-a"}),
    ("health", {"segment": "young-athletes"}),
    ("health", {"scenario": "future-a", "segment": "young-athletes"}),
    ("broadband", {}),
    ("broadband", {"segment": "families"}),
    ("scenario", {"scenario": "next"}),
    ("tiny", {"segment": "young"}),
    ("hostile", {}),
]


def _scope_model(name: str) -> Model:
    if name == "health":
        return read_model_file(HEALTH)
    if name == "broadband":
        return read_model_file(BROADBAND)
    return {"scenario": _scenario_model, "tiny": tiny_model, "hostile": _hostile}[name]()


@pytest.mark.parametrize("fmt", SCOPED_FORMATS)
@pytest.mark.parametrize(("name", "kw"), SCOPES)
def test_scoped_formats_from_the_store_columns_equal_the_model_path(
    tmp_path: Path, fmt: str, name: str, kw: dict[str, Any]
) -> None:
    m = _scope_model(name)
    with SQLiteStore(tmp_path / "s.db") as store:
        store.write_model(m)
        variants = [{}] if fmt == "parquet" else [{}, {"per_flow": True}]
        for extra in variants:
            options = {**kw, **extra}
            paths = {way: tmp_path / f"{way}-{len(extra)}.{fmt}" for way in ("model", "store", "columns")}
            want = export_model(m, paths["model"], fmt, **options)
            got = {
                "store": export_store(store, paths["store"], fmt, **options),  # SQLite's own detail read
                "columns": export_model(m, paths["columns"], fmt, source=ModelFlows(m), **options),  # the fallback
            }
            for way, summary in got.items():
                assert summary == want.__class__(**{**vars(want), "path": str(paths[way])}), way
                if fmt == "parquet":
                    a, b = pq.read_table(paths["model"]), pq.read_table(paths[way])
                    assert a.num_rows > 0 and b.equals(a, check_metadata=True), way
                else:
                    a_g, b_g = READ[fmt](paths["model"]), READ[fmt](paths[way])
                    assert a_g.number_of_edges() > 0 and _graph_parts(b_g) == _graph_parts(a_g), way
                    assert paths[way].read_text(encoding="utf-8") == paths["model"].read_text(encoding="utf-8"), way


def test_a_scoped_export_from_the_store_reads_no_whole_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = _scenario_model()
    with SQLiteStore(tmp_path / "s.db") as store:
        store.write_model(m)

        def refuse(*_: Any, **__: Any) -> Model:
            raise AssertionError("read_model was called")

        monkeypatch.setattr(store, "read_model", refuse)
        for fmt in SCOPED_FORMATS:
            done = export_store(store, tmp_path / f"x.{fmt}", fmt, scenario="next")
            assert (done.rows or done.edges) > 0
        with pytest.raises(AssertionError, match="read_model was called"):
            export_store(store, tmp_path / "x.json", "json")


@pytest.mark.neo4j
@pytest.mark.parametrize("name", ["scenario", "hostile"])
def test_scoped_formats_from_neo4j_equal_the_model_path(
    neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    """Neo4j has no read_flow_details: Parquet's text columns come from read_flows_by_key, and still equal."""
    from valuenet.store.neo4j import Neo4jStore

    uri, _, password = require_neo4j(neo4j_server, monkeypatch)
    m = _scope_model(name).model_copy(update={"id": f"test-export-{name}-{uuid.uuid4().hex[:8]}"})
    kw: dict[str, Any] = {"scenario": "next"} if name == "scenario" else {"segment": "young"}
    with Neo4jStore(uri, password=password) as store:
        try:
            store.write_model(m)
            for fmt in SCOPED_FORMATS:
                want, got = tmp_path / f"model.{fmt}", tmp_path / f"neo4j.{fmt}"
                export_model(m, want, fmt, **kw)
                export_store(store, got, fmt, model=m.id, **kw)
                if fmt == "parquet":
                    assert pq.read_table(got).equals(pq.read_table(want), check_metadata=True)
                else:
                    assert got.read_text(encoding="utf-8") == want.read_text(encoding="utf-8")
        finally:
            store.delete_model(m.id)


# -- the command -------------------------------------------------------------------------------------------------


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    with SQLiteStore(path) as s:
        s.write_model(_hostile())
    return path


def test_cli_writes_each_graph_format_and_the_old_formats_unchanged(store_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"m.{fmt}"
        res = runner.invoke(cli, ["export", "--store", str(store_file), "--format", fmt, "--per-flow", "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert READ[fmt](out).number_of_edges() == len(flows_of(_hostile(), "healthy"))
    res = runner.invoke(cli, ["export", "--store", str(store_file), "--format", "json"])
    assert res.exit_code == 0 and res.stdout == model_to_json(_hostile())
    res = runner.invoke(cli, ["export", "--store", str(store_file), "--format", "json", "--goal", "healthy"])
    assert res.exit_code == 1 and "--goal chooses what a graph or table holds" in res.output
    res = runner.invoke(cli, ["export", "--store", str(store_file), "--format", "parquet"])
    assert res.exit_code == 2 and "-o FILE.parquet" in res.output
    res = runner.invoke(cli, ["export", "--store", str(store_file), "--format", "graphml"])
    assert res.exit_code == 0 and res.stdout.startswith("<?xml") and "&lt;script&gt;" in res.stdout


def test_cli_takes_the_format_from_the_file_name_and_refuses_a_contradiction(store_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    checks: list[tuple[str, Callable[[Path], bool]]] = [
        ("m.gexf", lambda p: READ["gexf"](p).number_of_nodes() == len(_hostile().actors)),
        ("m.graphml", lambda p: READ["graphml"](p).number_of_nodes() == len(_hostile().actors)),
        ("m.yml", lambda p: p.read_text(encoding="utf-8").startswith("valuenet: 1")),
        ("m.txt", lambda p: p.read_text(encoding="utf-8") == model_to_json(_hostile())),
    ]
    for name, check in checks:
        res = runner.invoke(cli, ["export", "--store", str(store_file), "-o", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        assert check(tmp_path / name), name
    res = runner.invoke(cli, ["export", "--store", str(store_file), "--format", "json", "-o", str(tmp_path / "x.gexf")])
    assert res.exit_code == 2 and "x.gexf is named as gexf, but --format json was given" in res.output
    assert not (tmp_path / "x.gexf").exists()


def test_every_format_goes_through_export_model(tmp_path: Path) -> None:
    m = tiny_model()
    for fmt in FORMATS:
        path = tmp_path / f"m.{fmt}"
        summary = export_model(m, path, fmt)
        assert path.stat().st_size > 0 and summary.format == fmt
    assert json.loads((tmp_path / "m.json").read_text())["id"] == "tiny"


# -- Cypher ------------------------------------------------------------------------------------------------------

HOSTILE_TEXTS = [
    "it's",
    'say "hi"',
    "back\\slash \\n not a newline",
    "'}) DETACH DELETE n //",
    "line\nbreak\r\nand\ttab",
    "bell\x07 nul\x00 esc\x1b del\x7f",
    "é ß 中文 😀 \u2028 \u200b",
    "$model {rows} `tick`",
]


def _cypher_model(model_id: str) -> Model:
    """A model with hostile text in every kind of field the graph holds, and a lone flow."""
    m = tiny_model(model_id)
    text = " | ".join(t for t in HOSTILE_TEXTS if "\x00" not in t and "\x07" not in t)
    actors = [a.model_copy(update={"name": text, "description": HOSTILE_TEXTS[5]}) for a in m.actors]
    people = [
        r.model_copy(update={"name": HOSTILE_TEXTS[3], "attributes": {"a`b": "x'y", "age band": "30s"}})
        for r in m.respondents
    ]
    flows = [
        f.model_copy(update={"quote": HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)], "note": HOSTILE_TEXTS[-1]})
        for i, f in enumerate(m.flows)
    ]
    flows.append(
        Flow(id="peer-tip", goal="healthy", source="family", target="clinic", dimension="symbolic", magnitude=2)
    )
    extra = Respondent(id="r3 'x'", segment="young", weights={"functional": 1})
    flows += exchange_flows(
        "r3-care",
        goal="healthy",
        customer="patient",
        actor="clinic",
        dimension="functional",
        gets=2.5,
        gives=1,
        respondent="r3 'x'",
        quote=HOSTILE_TEXTS[4],
    )
    return m.model_copy(
        update={
            "title": HOSTILE_TEXTS[2],
            "actors": [*actors, Actor(id="odd", name=HOSTILE_TEXTS[0], kind="provider")],
            "respondents": [*people, extra],
            "flows": flows,
        }
    )


def _run_script(uri: str, user: str, password: str, text: str) -> None:
    """Run a script's statements with the driver, ``:begin``/``:commit`` as transactions (what cypher-shell does)."""
    import neo4j

    from valuenet.store.neo4j_script import script_statements

    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver, driver.session() as session:
        tx = None
        for statement in script_statements(text):
            if statement == ":begin":
                tx = session.begin_transaction()
            elif statement == ":commit":
                assert tx is not None
                tx.commit()
                tx = None
            else:
                (tx if tx is not None else session).run(statement).consume()


@pytest.mark.neo4j
def test_literals_read_back_exactly_in_neo4j(neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import neo4j

    from valuenet.store.neo4j_script import literal

    uri, user, password = require_neo4j(neo4j_server, monkeypatch)
    value = {"texts": HOSTILE_TEXTS, "n": 2, "x": 2.0, "tiny": 1e-300, "b": True, "none": None, "odd key`": [-1]}
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(f"RETURN {literal(value)} AS v")
    back = records[0]["v"]
    assert back == value
    assert type(back["n"]) is int and type(back["x"]) is float


@pytest.mark.neo4j
def test_cypher_script_recreates_the_model_that_the_store_reads_back(
    neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from valuenet.store.neo4j import Neo4jStore

    uri, user, password = require_neo4j(neo4j_server, monkeypatch)
    model_id = f"test-script-{uuid.uuid4().hex[:8]} 'x'"
    m = _cypher_model(model_id)
    path = tmp_path / "model.cypher"
    summary = export_model(m, path, "cypher")
    text = path.read_text(encoding="utf-8")
    assert summary.rows > 0 and "\x00" not in text and "\x07" not in text
    values = (
        "MATCH (a:Actor {model: $m})-[v:VALUE]->(b:Actor) RETURN a.id AS a, b.id AS b, v.goal AS g, "
        "v.scenario AS s, v.dimension AS d, v.sum AS sum, v.n AS n, v.mean AS mean, v.money AS money, "
        "v.flows AS flows ORDER BY a, b, g, s, d"
    )
    runner = CliRunner()
    export = ["export", "--store", uri, "--model", model_id, "--format", "json"]
    with Neo4jStore(uri, password=password) as store:
        try:
            _run_script(uri, user, password, text)
            scripted = runner.invoke(cli, export)
            assert scripted.exit_code == 0, scripted.output
            assert store.read_model(model_id) == m  # every value exact (weights come back in dimension order)
            _, scripted_values = store.query(values, {"m": model_id})
            store.delete_model(model_id)
            store.write_model(m)  # the store's own write of the same model
            written = runner.invoke(cli, export)
            _, written_values = store.query(values, {"m": model_id})
            assert scripted.stdout == written.stdout
            assert scripted_values == written_values and scripted_values
        finally:
            store.delete_model(model_id)


@pytest.mark.neo4j
def test_cypher_shell_runs_the_script(
    neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Neo4j's own cypher-shell -f runs the script as it is, and the store then reads the model back exactly."""
    import os
    import subprocess

    from valuenet import neo4jserver
    from valuenet.errors import Neo4jServerError
    from valuenet.store.neo4j import Neo4jStore

    try:
        shell = neo4jserver.cypher_shell()
    except Neo4jServerError as exc:
        if IN_CI:
            pytest.fail(f"cypher-shell could not be resolved: {exc}")
        pytest.skip(f"cypher-shell could not be resolved: {exc}")
    uri, user, password = require_neo4j(neo4j_server, monkeypatch)
    model_id = f"test-shell-script-{uuid.uuid4().hex[:8]}"
    m = _cypher_model(model_id)
    path = tmp_path / "model.cypher"
    export_model(m, path, "cypher")
    args = [*shell, "-a", uri, "-u", user, "--format", "plain", "--non-interactive", "-f", str(path)]
    with Neo4jStore(uri, password=password) as store:
        try:
            done = subprocess.run(
                args, env={**os.environ, "NEO4J_PASSWORD": password}, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, done.stderr
            assert store.read_model(model_id) == m
        finally:
            store.delete_model(model_id)
