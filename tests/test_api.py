"""The commands' Python twins (valuenet.api): lazy at import, the commands' answers, DataFrames, inline views."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import valuenet
from valuenet.analysis.report import SECTIONS, TABLES, analyze_goal
from valuenet.cli import cli
from valuenet.errors import AnalysisError, ExtraMissingError, NotFoundError, OutputError
from valuenet.models import Actor
from valuenet.summary import Listing
from valuenet.summary import list_items as summary_list_items
from valuenet.views import View

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HEALTH = EXAMPLES / "health"
TWINS = ("import_files", "analyze", "view", "report", "list_items", "export", "dataframes")
XSS = '</iframe><script>alert(1)</script>" onload="alert(2)'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("api") / "valuenet.db")
    valuenet.import_files(HEALTH / "model.yaml", path)
    return path


@pytest.fixture(scope="module")
def health() -> valuenet.Model:
    return valuenet.read_model_file(HEALTH / "model.yaml")


# -- the front door ---------------------------------------------------------------------------------------


def test_import_valuenet_loads_neither_the_twins_nor_heavy_libraries_until_one_is_used() -> None:
    heavy = ("valuenet.api", "neo4j", "pyvis", "click", "jinja2", "openpyxl", "pandas")
    code = (
        "import sys, valuenet\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))\n"
        "valuenet.analyze\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["", "valuenet.api"]


def test_every_twin_is_listed_documented_and_the_api_s_own() -> None:
    from valuenet import api

    for name in TWINS:
        assert name in dir(valuenet) and name in valuenet.__all__
        assert getattr(valuenet, name) is getattr(api, name)
        assert (getattr(valuenet, name).__doc__ or "").strip()
    assert set(valuenet.__all__) <= set(dir(valuenet))
    assert valuenet.summary.list_items is summary_list_items  # a submodule, without importing it first
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = valuenet.nothing_here


# -- import, analyze, list: the commands' answers ------------------------------------------------------------


def test_import_files_takes_the_command_s_options(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    dry = valuenet.import_files([HEALTH / "model.yaml"], db, dry_run=True)
    assert dry.dry_run and dry.summary.counts["flows"].added == 663
    assert valuenet.list_items(db, "models") == []
    valuenet.import_files([str(HEALTH / "model.yaml")], str(db))
    again = valuenet.import_files(HEALTH / "interviews.csv", db, model="health")
    assert again.interviews is not None and again.interviews.rows > 0
    assert again.summary.counts["flows"].added == 0  # the same interviews as the model file


def test_analyze_gives_what_the_command_prints(store: str) -> None:
    result = valuenet.analyze(store, segment="working-parents", compare="future-a")
    cmd = CliRunner().invoke(
        cli, ["analyze", "--store", store, "--segment", "working-parents", "--compare", "future-a", "--format", "json"]
    )
    assert cmd.exit_code == 0, cmd.output
    assert result.to_dict() == json.loads(cmd.stdout)
    assert result.scope == "segment" and result.scenarios is not None


def test_analyze_reads_a_store_a_model_or_an_open_store_alike(store: str, health: valuenet.Model) -> None:
    from_model = valuenet.analyze(health, segment="retirees", sections=["net", "destruction"])
    assert from_model.to_dict() == analyze_goal(health, segment="retirees", sections=["net", "destruction"]).to_dict()
    with valuenet.open_store(store) as opened:
        from_open = valuenet.analyze(opened, "become-healthy", model="health", segment="retirees", sections="net")
        assert [m.id for m in opened.list_models()] == ["health"]  # left open for the caller
    assert from_open.net == from_model.net
    assert from_open.destruction is None


def test_analyze_says_what_is_wrong(store: str, health: valuenet.Model) -> None:
    with pytest.raises(AnalysisError, match="no respondents in segment 'nobody'"):
        valuenet.analyze(store, segment="nobody")
    with pytest.raises(AnalysisError, match="unknown section"):
        valuenet.analyze(health, sections="netto")
    with pytest.raises(NotFoundError, match="the model given is 'health', not 'broadband'"):
        valuenet.analyze(health, model="broadband")


def test_list_items_is_a_list_of_dicts_as_before(store: str, health: valuenet.Model) -> None:
    rows = valuenet.list_items(store, "respondents")
    assert isinstance(rows, Listing) and isinstance(rows, list) and rows.what == "respondents"
    assert rows == summary_list_items(health, "respondents")
    assert json.loads(json.dumps(rows)) == list(rows)
    assert [m["id"] for m in valuenet.list_items(store, "models")] == ["health"]
    assert valuenet.list_items(health, "models")[0]["flows"] == len(health.flows)
    with pytest.raises(ValueError, match="cannot list 'people'; choose one of models, goals"):
        valuenet.list_items(store, "people")


# -- DataFrames -------------------------------------------------------------------------------------------


def test_analysis_to_pandas_gives_every_table_by_name_with_its_rows(store: str) -> None:
    pd = pytest.importorskip("pandas")
    result = valuenet.analyze(store, segment="working-parents", compare="future-a")
    frames = result.to_pandas()
    named = result.named_tables(SECTIONS, full=True)
    assert list(frames) == [name for name, _, _ in named]
    assert set(frames) == set(TABLES)  # every section was computed, so every table is there
    for name, title, rows in named:
        df = frames[name]
        assert df.attrs["title"] == title
        assert len(df) == len(rows) and list(df.columns) == list(dict.fromkeys(k for r in rows for k in r))
        for record, row in zip(df.to_dict("records"), rows, strict=True):
            for column, value in record.items():
                expected = row.get(column)
                assert value == expected or (expected is None and pd.isna(value)), (name, column)
    net = result.to_pandas("net")
    assert net["weighted"].dtype.kind == "f" and net["rank"].dtype.kind == "i"
    assert net.set_index("actor").loc[result.focal, "weighted"] == pytest.approx(
        result.net.actors[result.focal].weighted if result.net else None
    )


def test_to_pandas_keeps_lists_and_maps_as_they_are(store: str) -> None:
    result = valuenet.analyze(store, sections=["dependency", "dealbreakers"])
    frames = result.to_pandas()
    for name, column, kind in (("dependency", "substitutes", list), ("dealbreakers", "quotes", list)):
        rows = dict((n, r) for n, _, r in result.named_tables(full=True))[name]
        assert rows and all(isinstance(r[column], kind) for r in rows)
        assert frames[name][column].tolist() == [r[column] for r in rows]
    assert frames["dependency"]["relayed_from"].map(type).eq(dict).all()


def test_to_pandas_names_a_table_that_was_not_computed(store: str) -> None:
    result = valuenet.analyze(store, sections="net")
    assert list(result.to_pandas()) == ["net"]
    with pytest.raises(AnalysisError, match=r"table 'loops-strongest' is in section 'loops'.*sections=\['loops'\]"):
        result.to_pandas("loops-strongest")
    with pytest.raises(AnalysisError, match="there is no table 'nett'"):
        result.to_pandas("nett")


def test_results_listings_and_models_become_frames(store: str, health: valuenet.Model) -> None:
    result = valuenet.analyze(store, segment="retirees", sections=["net", "dependency"])
    assert result.net is not None and result.dependency is not None
    assert len(result.net.to_pandas()) == len(result.net.rows())
    assert result.context.to_pandas().shape[0] == 1  # a result without rows is one row of its fields
    listing = valuenet.list_items(store, "actors").to_pandas()
    assert listing["id"].tolist() == [a.id for a in health.actors] and listing["flows"].dtype.kind == "i"
    frames = valuenet.dataframes(store)
    assert list(frames) == ["actors", "goals", "scenarios", "respondents", "flows"]
    assert len(frames["flows"]) == len(health.flows) and frames["flows"]["magnitude"].dtype.kind == "f"
    people = frames["respondents"].set_index("id")
    first = health.respondents[0]
    assert people.loc[first.id, "nps"] == first.nps
    for dim, weight in first.weights.items():
        assert people.loc[first.id, f"weight.{dim}"] == pytest.approx(weight)
    assert frames["goals"].loc[0, "scenarios"] == ["current", "future-a"]


def test_without_pandas_every_frame_says_how_to_install_it(
    store: str, health: valuenet.Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = valuenet.analyze(health, sections="net")
    listing = valuenet.list_items(health, "actors")
    monkeypatch.setitem(sys.modules, "pandas", None)
    calls: list[Any] = [
        result.to_pandas,
        lambda: result.to_pandas("net"),
        result.net.to_pandas if result.net else None,
        listing.to_pandas,
        lambda: valuenet.dataframes(store),
    ]
    for call in calls:
        with pytest.raises(ExtraMissingError) as info:
            call()
        assert str(info.value) == (
            'DataFrames need pandas, which is not installed; install it with: pip install "valuenet[pandas]"'
        )


# -- views, reports, exports ---------------------------------------------------------------------------------


class _Outer(HTMLParser):
    """Tags, attributes and text at every level of a fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Outer:
    parser = _Outer()
    parser.feed(html)
    parser.close()
    return parser


def test_a_view_shows_inline_in_a_sandboxed_frame_holding_the_same_page(store: str) -> None:
    view = valuenet.view(store, segment="retirees")
    assert isinstance(view, View) and view.respondents == 6
    outer = _parse(view._repr_html_())
    assert [tag for tag, _ in outer.tags] == ["iframe"] and "".join(outer.text) == ""
    attrs = outer.tags[0][1]
    assert attrs["sandbox"] == "allow-scripts"
    assert attrs["srcdoc"] == view.to_html()
    assert "retirees" in repr(view) and "actors" in repr(view)


def test_hostile_names_stay_inside_the_frame_and_the_page_loads_nothing(health: valuenet.Model) -> None:
    model = health.model_copy(deep=True)
    model.actors[1] = Actor(id=model.actors[1].id, name=XSS, kind=model.actors[1].kind)
    model.goals[0].title = XSS
    for f in model.flows[:40]:
        f.quote = XSS
    view = valuenet.view(model)
    inline = view._repr_html_()
    outer = _parse(inline)
    assert [tag for tag, _ in outer.tags] == ["iframe"], "markup escaped the srcdoc attribute"
    assert set(outer.tags[0][1]) == {"srcdoc", "sandbox", "title", "referrerpolicy", "style"}
    assert "<script" not in inline.lower() and "<iframe" not in inline.split(">", 1)[1].lower()
    page = outer.tags[0][1]["srcdoc"] or ""
    inner = _parse(page)
    assert XSS not in page
    assert not [tag for tag, _ in inner.tags if tag in ("iframe", "link", "img", "object", "embed", "base")]
    for tag, attrs in inner.tags:
        assert not [v for v in attrs.values() if v and v.strip().lower().startswith(("http:", "https:", "//"))], tag
        assert tag != "script" or "src" not in attrs
    csp = [a for t, a in inner.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and (csp[0]["content"] or "").startswith("default-src 'none';")


def test_view_writes_the_file_it_shows(store: str, tmp_path: Path) -> None:
    view = valuenet.view(store, segment="retirees", color_by="impact", path=tmp_path / "retirees.html")
    assert (tmp_path / "retirees.html").read_text(encoding="utf-8") == view.to_html()
    assert view.color_by == "impact"
    assert view.write(tmp_path / "again.html").read_text(encoding="utf-8") == view.to_html()


def test_report_writes_the_folder_s_index(store: str, tmp_path: Path) -> None:
    path = valuenet.report(store, tmp_path / "report")
    assert path == tmp_path / "report" / "index.html"
    assert "Become healthy again" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["health.yaml", "health.json", "health.csv", "health.jsonl", "health.xlsx"])
def test_export_writes_what_imports_back_exactly(store: str, health: valuenet.Model, tmp_path: Path, name: str) -> None:
    done = valuenet.export(store, tmp_path / name)
    path = tmp_path / name
    assert done.path == str(path) and done.format == path.suffix[1:] and path.is_file()
    db = tmp_path / "back.db"
    if path.suffix in (".yaml", ".json"):
        valuenet.import_files(path, db)
    else:
        valuenet.import_files(HEALTH / "model.yaml", db)  # the tables hold the interviews; the model its structure
        assert valuenet.import_files(path, db, model="health").summary.counts["flows"].updated == 0
    with valuenet.open_store(str(db)) as back, valuenet.open_store(store) as stored:
        assert back.read_model("health") == stored.read_model("health")


def test_export_writes_a_segment_s_network_for_gephi(store: str, health: valuenet.Model, tmp_path: Path) -> None:
    import networkx as nx

    done = valuenet.export(store, tmp_path / "parents.graphml", segment="working-parents", scenario="future-a")
    graph = nx.read_graphml(tmp_path / "parents.graphml")
    assert (done.segment, done.scenario) == ("working-parents", "future-a")
    assert graph.number_of_nodes() == done.nodes > 0 and graph.number_of_edges() == done.edges > 0
    assert set(graph.nodes) <= {a.id for a in health.actors}


def test_export_of_a_stored_goal_reads_its_flows_as_columns(
    store: str, health: valuenet.Model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a store, a goal's graph never builds the whole model, and equals the export of the model in memory."""
    from valuenet.store.sqlite import SQLiteStore

    expected = valuenet.export(health, tmp_path / "memory.graphml", segment="retirees")

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("read_model was called")

    monkeypatch.setattr(SQLiteStore, "read_model", refuse)
    done = valuenet.export(store, tmp_path / "stored.graphml", segment="retirees")
    assert (done.nodes, done.edges) == (expected.nodes, expected.edges)
    stored = (tmp_path / "stored.graphml").read_bytes()
    assert stored == (tmp_path / "memory.graphml").read_bytes()


def test_export_names_the_formats_it_writes(store: str, tmp_path: Path) -> None:
    with pytest.raises(
        OutputError, match=r"cannot tell the export format of '.*health\.txt'; pass format= one of json"
    ):
        valuenet.export(store, tmp_path / "health.txt")
    valuenet.export(store, tmp_path / "health.txt", format="yaml")
    assert (tmp_path / "health.txt").read_text(encoding="utf-8").startswith("valuenet: 1")
    valuenet.export(store, tmp_path / "health.yml")
    assert valuenet.read_model_file(tmp_path / "health.yml").id == "health"


@pytest.mark.browser
def test_inline_view_draws_in_its_sandbox_and_cannot_reach_the_notebook(health: valuenet.Model, tmp_path: Path) -> None:
    from tests.test_browser_views import ARGS, CHROMIUM, chromium_or_skip

    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    model = health.model_copy(deep=True)
    model.actors[1] = Actor(id=model.actors[1].id, name=XSS, kind=model.actors[1].kind)
    view = valuenet.view(model, segment="retirees")
    host = tmp_path / "notebook.html"
    host.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p id="secret">the notebook</p>'
        f"{view._repr_html_()}</body></html>",
        encoding="utf-8",
    )
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
            page.goto(host.as_uri())
            (frame,) = [f for f in page.frames if f != page.main_frame]
            frame.wait_for_function("window.valuenetView && window.valuenetView.ready && window.valuenetView.firstDraw")
            assert frame.evaluate("window.valuenetView.visibleNodeIds().length") == len(view.nodes)
            reach = "window.parent.document.getElementById('secret').textContent"
            reach = f"(() => {{ try {{ return {reach}; }} catch (e) {{ return e.name; }} }})()"
            assert frame.evaluate(reach) == "SecurityError"
            assert frame.evaluate("(() => { try { return document.cookie; } catch (e) { return e.name; } })()") in (
                "SecurityError",
                "",
            )
            assert page.evaluate("document.querySelectorAll('script').length") == 0  # nothing ran in the host
        finally:
            browser.close()
    assert requests == [host.as_uri()]
    assert errors == []
