"""The map controls of large views in a real headless Chromium, in both renderers.

vis-network draws views up to ``WEBGL_VIEW`` actors and sigma (WebGL, SwiftShader here)
larger ones; the same controls must work in both: focus on a neighbourhood (the rest
fades), size actors by a metric, group them by kind or community, and names placed only
where they fit. The numbers the page uses are checked against networkx computed here,
and every page loads nothing but itself and logs no error. Screenshots go to
tests/screenshots/.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from tests.test_browser_views import SHOTS, XSS, Opened, browser, open_view  # noqa: F401  (browser: fixture)
from valuenet.models import Actor, Flow, Goal, Model, exchange_flows
from valuenet.views import ViewData, ViewSpec, build_view, write_view
from valuenet.views.metrics import BETWEENNESS_SAMPLES, EXACT_BETWEENNESS, SEED
from valuenet.views.render import LARGE_VIEW, WEBGL_VIEW, renderer

pytestmark = pytest.mark.browser
API = "window.valuenetView"
#: (renderer, actors): vis-network with names placed where they fit (> LARGE_VIEW), and WebGL.
SIZES = [("vis", LARGE_VIEW + 200), ("webgl", WEBGL_VIEW + 100)]


def map_model(actors: int, hostile: bool = False) -> Model:
    """Groups of 12 actors in a chain each; a group's first actor deals with the customer, and every
    chain ends at the focal firm, so neighbourhoods, brokers and communities are there to find."""
    kinds = ("provider", "partner", "peer", "community")
    people = [Actor(id="c", name="Customer", kind="customer"), Actor(id="f", name="Firm", kind="focal_firm")]
    people += [Actor(id=f"a{i}", name=f"Actor {i}", kind=kinds[(i // 12) % 4]) for i in range(actors - 2)]
    if hostile:
        people[5] = Actor(id="a3", name=XSS, kind="peer", description=XSS)
    flows: list[Flow] = []
    for i in range(actors - 2):
        if i % 12 == 0:
            flows += exchange_flows(
                f"x{i}", goal="g", customer="c", actor=f"a{i}", dimension="functional", gets=3, gives=1
            )
        target = f"a{i + 1}" if i % 12 != 11 and i + 1 < actors - 2 else "f"
        quote = XSS if hostile else None
        flows.append(
            Flow(id=f"y{i}", goal="g", source=f"a{i}", target=target, dimension="economic", magnitude=2, quote=quote)
        )
    flows += exchange_flows("xf", goal="g", customer="c", actor="f", dimension="economic", gets=4, gives=2)
    return Model(id="map", actors=people, goals=[Goal(id="g", title="Map")], flows=flows)


def graph_of(view: ViewData) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(n.id for n in view.nodes)
    g.add_edges_from((e.source, e.target) for e in view.edges if e.source != e.target)
    return g


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, ViewData]]:
    folder = tmp_path_factory.mktemp("maps")
    out = {}
    for kind, actors in SIZES:
        view = build_view(map_model(actors), ViewSpec())
        assert renderer(view) == kind
        out[kind] = (write_view(view, folder / f"map-{kind}.html"), view)
    hostile = build_view(map_model(WEBGL_VIEW + 100, hostile=True), ViewSpec())
    out["hostile"] = (write_view(hostile, folder / "map-hostile.html"), hostile)
    return out


def opened_clean(opened: Opened) -> None:
    assert opened.requests == [opened.url]  # the file itself, nothing else
    assert opened.errors == []
    assert opened.dialogs == []


def shot(opened: Opened, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    opened.page.wait_for_timeout(150)
    opened.page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("kind", [k for k, _ in SIZES])
def test_focus_fades_everything_but_the_neighbourhood(
    browser: Any,  # noqa: F811
    maps: dict[str, tuple[Path, ViewData]],
    kind: str,
) -> None:
    path, view = maps[kind]
    opened = open_view(browser, path)
    page = opened.page
    try:
        assert page.evaluate(f"{API}.renderer") == kind
        page.evaluate(f"{API}.select('a30')")
        page.locator("#vn-focus").select_option("2")
        expected = set(nx.single_source_shortest_path_length(graph_of(view), "a30", cutoff=2))
        assert set(page.evaluate(f"{API}.focusIds()")) == expected
        assert {"a28", "a29", "a31", "a32"} <= expected and "a33" not in expected
        faded = page.evaluate(f"ids => ids.map(id => {API}.isFaded(id))", ["a29", "a32", "a33", "c"])
        assert faded == [False, False, True, True]
        assert page.evaluate(f"{API}.nodeColour('a33')") != page.evaluate(f"{API}.nodeColour('a31')")
        labels = set(page.evaluate(f"{API}.labels()"))
        assert "a30" in labels and labels <= expected  # only the neighbourhood is named
        assert "focus=2" in page.evaluate("location.hash")
        shot(opened, f"map-{kind}-focus")
        page.locator("#vn-focus").select_option("0")
        assert page.evaluate(f"{API}.focusIds()") is None
        assert page.evaluate(f"{API}.isFaded('a33')") is False
        opened_clean(opened)
    finally:
        page.close()


@pytest.mark.parametrize("kind", [k for k, _ in SIZES])
def test_size_by_metric_uses_networkx_numbers(
    browser: Any,  # noqa: F811
    maps: dict[str, tuple[Path, ViewData]],
    kind: str,
) -> None:
    path, view = maps[kind]
    opened = open_view(browser, path)
    page = opened.page
    try:
        metrics = page.evaluate(f"{API}.metrics")
        g = graph_of(view)
        assert metrics["degree"] == [g.degree(n.id) for n in view.nodes]
        assert metrics["net"] == pytest.approx([n.net for n in view.nodes], abs=1e-3)
        before = page.evaluate(f"ids => ids.map(id => {API}.drawnSize(id))", ["c", "a35"])
        page.locator("#vn-size-by").select_option("betweenness")
        between = dict(zip(metrics["ids"], metrics["betweenness"], strict=True))
        top = max(between, key=lambda i: between[i])
        assert top in ("c", "f")  # every chain starts at the customer and ends at the firm
        sampled = len(view.nodes) > EXACT_BETWEENNESS
        k = BETWEENNESS_SAMPLES if sampled else None
        expected = nx.betweenness_centrality(g, k=k, seed=SEED if sampled else None)
        assert list(between.values()) == pytest.approx([expected[n.id] for n in view.nodes], abs=1e-5)
        assert page.evaluate(f"id => {API}.nodeSize(id)", top) == pytest.approx(1.0)
        assert page.evaluate(f"{API}.nodeSize('a35')") == pytest.approx(math.sqrt(between["a35"] / between[top]))
        after = page.evaluate(f"ids => ids.map(id => {API}.drawnSize(id))", [top, "a35"])
        assert after[0] > after[1] and after != before
        page.locator("#vn-size-by").select_option("degree")
        assert page.evaluate(f"{API}.nodeSize('c')") == pytest.approx(
            math.sqrt(g.degree("c") / max(d for _, d in g.degree()))
        )
        shot(opened, f"map-{kind}-size-by")
        opened_clean(opened)
    finally:
        page.close()


@pytest.mark.parametrize("kind", [k for k, _ in SIZES])
def test_group_by_community_puts_each_community_together(
    browser: Any,  # noqa: F811
    maps: dict[str, tuple[Path, ViewData]],
    kind: str,
) -> None:
    path, view = maps[kind]
    opened = open_view(browser, path)
    page = opened.page
    try:
        metrics = page.evaluate(f"{API}.metrics")
        found = {}
        for node, group in zip(metrics["ids"], metrics["community"], strict=True):
            found.setdefault(group, set()).add(node)
        expected = nx.community.louvain_communities(graph_of(view), seed=7)
        assert sorted(map(sorted, found.values())) == sorted(map(sorted, expected))
        page.locator("#vn-cluster-by").select_option("community")
        pos = {i: page.evaluate(f"id => {API}.nodePosition(id)", i) for i in ("a0", "a5", "a11", "a24", "a60")}
        same = [i for i in pos if metrics["community"][metrics["ids"].index(i)] == metrics["community"][2]]
        other = [i for i in pos if i not in same]
        assert same and other

        def dist(a: str, b: str) -> float:
            return math.hypot(pos[a]["x"] - pos[b]["x"], pos[a]["y"] - pos[b]["y"])

        inside = max(dist(a, b) for a in same for b in same)
        across = min(dist(a, b) for a in same for b in other)
        assert inside < across
        colours = {page.evaluate(f"id => {API}.nodeColour(id)", i) for i in same}
        assert len(colours) == 1  # one colour per community
        drawn = page.evaluate(f"{API}.canvasPosition('a0')")
        page.locator("#vn-cluster-by").select_option("kind")
        assert page.evaluate(f"{API}.canvasPosition('a0')") != drawn  # the drawing moved
        assert "group=kind" in page.evaluate("location.hash")
        shot(opened, f"map-{kind}-grouped")
        opened_clean(opened)
    finally:
        page.close()


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (a["id"], b["id"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    ]


@pytest.mark.parametrize("kind", [k for k, _ in SIZES])
def test_names_do_not_pile_up_after_a_search(
    browser: Any,  # noqa: F811
    maps: dict[str, tuple[Path, ViewData]],
    kind: str,
) -> None:
    path, view = maps[kind]
    opened = open_view(browser, path)
    page = opened.page
    try:
        page.locator("#vn-search").fill("Actor 100")
        page.locator("#vn-search").press("Enter")
        assert page.locator("#vn-panel h2").inner_text() == "Actor 100"
        page.wait_for_function(f"() => {API}.labels().indexOf('a100') >= 0")
        page.wait_for_timeout(200)  # names are placed after the frame that follows a zoom
        labels = page.evaluate(f"{API}.labels()")
        assert 1 < len(labels) < len(view.nodes) / 2
        boxes = page.evaluate(f"{API}.labelBoxes()")
        assert overlapping(boxes) == []
        shot(opened, f"map-{kind}-search")
        page.evaluate(
            f"{API}.network ? {API}.network.moveTo({{scale: 0.05}}) : {API}.sigma.getCamera().setState({{ratio: 3}})"
        )
        page.wait_for_timeout(300)
        far = page.evaluate(f"{API}.labels()")
        assert overlapping(page.evaluate(f"{API}.labelBoxes()")) == []
        assert len(far) <= len(labels) + 40
        opened_clean(opened)
    finally:
        page.close()


def test_without_webgl_a_large_map_says_so_and_draws_with_vis_network(
    browser: Any,  # noqa: F811
    maps: dict[str, tuple[Path, ViewData]],
) -> None:
    path, view = maps["webgl"]
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    page.add_init_script(
        "(() => { const get = HTMLCanvasElement.prototype.getContext;"
        "HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {"
        "return /webgl/.test(kind) ? null : get.call(this, kind, ...rest); }; })()"
    )
    opened = Opened(page, path.resolve().as_uri())
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(opened.url)
        page.wait_for_function(f"{API} && {API}.ready && {API}.firstDraw", timeout=60000)
        assert page.evaluate(f"{API}.renderer") == "vis"
        notice = page.locator("#vn-notice")
        assert notice.is_visible() and "no WebGL" in notice.inner_text()
        assert len(page.evaluate(f"{API}.visibleNodeIds()")) == len(view.nodes)
        page.evaluate(f"{API}.select('a30')")
        page.locator("#vn-focus").select_option("1")
        assert set(page.evaluate(f"{API}.focusIds()")) == {"a29", "a30", "a31"}
        shot(opened, "map-no-webgl")
        opened_clean(opened)
    finally:
        page.close()


def test_html_in_names_shows_literally_in_the_webgl_map(
    browser: Any,  # noqa: F811
    maps: dict[str, tuple[Path, ViewData]],
) -> None:
    opened = open_view(browser, maps["hostile"][0])
    page = opened.page
    try:
        assert page.evaluate(f"{API}.renderer") == "webgl"
        page.locator("#vn-search").fill("<img")
        page.locator("#vn-search").press("Enter")
        panel = page.locator("#vn-panel")
        assert panel.locator("h2").inner_text() == XSS
        assert XSS in panel.inner_text()  # description and quotes, as text
        assert "a3" in page.evaluate(f"{API}.labels()")  # drawn on the canvas as text
        pos = page.evaluate(f"{API}.canvasPosition('a3')")
        box = page.locator("#vn-network").bounding_box()
        page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
        page.wait_for_function("() => !document.getElementById('vn-tip').hidden")
        assert page.locator("#vn-tip").inner_text().startswith(XSS)
        assert page.locator("img").count() == 0
        # data, sigma, vis-network as inert text, view.js, output.js, the rest of the data: nothing added
        assert page.evaluate("document.querySelectorAll('script').length") == 6
        page.wait_for_timeout(200)
        opened_clean(opened)
    finally:
        page.close()


def test_webgl_map_gives_its_picture_for_png(
    browser: Any,  # noqa: F811
    maps: dict[str, tuple[Path, ViewData]],
    tmp_path: Path,
) -> None:
    opened = open_view(browser, maps["webgl"][0])
    page = opened.page
    try:
        size = page.evaluate(
            f"(() => {{ const c = {API}.canvasImage(2);"
            "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            "let ink = 0; for (let i = 0; i < d.length; i += 4) { if (d[i] < 200 || d[i + 1] < 200) ink++; }"
            "return [c.width, c.height, ink]; })()"
        )
        screen = page.evaluate("[...document.querySelectorAll('#vn-network canvas')].map(c => c.width)")
        assert size[0] == 2 * max(screen) and size[2] > 1000  # twice the size, and something drawn on it
        with page.expect_download() as info:
            page.locator("#vn-png").click()
        target = tmp_path / "map.png"
        info.value.save_as(target)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        opened_clean(opened)
    finally:
        page.close()


def test_columns_of_a_large_map_read_back_as_the_details_of_a_small_one(
    browser: Any,  # noqa: F811
    maps: dict[str, tuple[Path, ViewData]],
) -> None:
    """The WebGL page carries its numbers as columns; the panel must read what the object form says."""
    path, view = maps["hostile"]
    opened = open_view(browser, path)
    try:
        details = opened.page.evaluate(f"{API}.details")
        assert set(details["nodes"]) == {n.id for n in view.nodes}
        for n in view.nodes[:50] + [n for n in view.nodes if n.role]:
            got = details["nodes"][n.id]
            assert (got["name"], got["kind"], got["role"], got["n"]) == (n.name, n.kind, n.role, n.n)
            assert got["gets"] == pytest.approx(n.gets, abs=1e-3) and got["gives"] == pytest.approx(n.gives, abs=1e-3)
            assert got["description"] == (n.description or "")
        assert len(details["edges"]) == len(view.edges)
        for e in view.edges[:200]:
            got = details["edges"][e.id]
            assert (got["from"], got["to"], got["dimension"], got["impact"], got["n"], got["flows"]) == (
                e.source,
                e.target,
                e.dimension,
                e.impact,
                e.n,
                e.flows,
            )
            assert got["value"] == (None if e.value is None else pytest.approx(e.value, abs=1e-3))
            assert got["quotes"] == e.quotes and got["structural"] == e.structural
        assert any(got["quotes"] for got in details["edges"].values())  # the hostile quotes came through
        opened_clean(opened)
    finally:
        opened.page.close()
