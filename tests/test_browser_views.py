"""Views in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Every view opens from disk with no request but the file itself and no script
error; the interaction works (click, filters, search, permalink, PNG); an actor
named like an HTML tag shows literally and runs nothing. Screenshots of the
example views go to tests/screenshots/ for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, tiny_model
from valuenet.models import Actor, Model
from valuenet.views import ViewData, ViewSpec, build_view, write_example_outputs, write_view
from valuenet.views.render import view_payload

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",  # WebGL (large maps) in software, without the deprecation warning
    "--use-angle=swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(__file__).parent / "screenshots"
XSS = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.browser


def chromium_or_skip() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing; install Debian's chromium package.")
        pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium package to run browser tests.")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def example_model() -> Model:
    path = REPO / "examples" / "health" / "model.yaml"
    if not path.is_file():
        return tiny_model()
    from valuenet.formats.modelfile import read_model_file

    return read_model_file(path)


def hostile_model() -> Model:
    m = tiny_model()
    m.actors[3] = Actor(id="family", name=XSS, kind="peer", description=XSS)
    m.goals[0].title = "</script><script>alert(2)</script>"
    for f in m.flows:
        f.quote = XSS
    return m


@dataclass
class Opened:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_view(browser: Any, path: Path, fragment: str = "") -> Opened:
    page = browser.new_page(viewport={"width": 1400, "height": 850}, accept_downloads=True)
    opened = Opened(page, path.resolve().as_uri())
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on(
        "console",
        lambda m: (
            opened.errors.append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") and "GL Driver Message (OpenGL, Performance" not in m.text
            else None
        ),
    )  # SwiftShader notes its own slow read-backs (screenshots of WebGL) as warnings; they are not the page's

    def dialog(d: Any) -> None:
        opened.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(opened.url + fragment)
    page.wait_for_function("window.valuenetView && window.valuenetView.ready && window.valuenetView.firstDraw")
    return opened


def spec_for(name: str, model: Model) -> ViewSpec:
    goal = model.goals[0]
    if name == "respondent":
        return ViewSpec(respondent=model.respondents[0].id)
    if name == "segment":
        return ViewSpec(segment=sorted({r.segment for r in model.respondents if r.segment})[0])
    if name == "firm":
        return ViewSpec(firm=True)
    if name == "diff":
        return ViewSpec(compare=goal.scenarios[-1].id)
    return ViewSpec(color_by="impact")


VIEWS = ("respondent", "segment", "all", "firm", "diff")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, ViewData]]:
    folder = tmp_path_factory.mktemp("views")
    model = example_model()
    out = {}
    for name in VIEWS:
        view = build_view(model, spec_for(name, model))
        out[name] = (write_view(view, folder / f"{name}.html"), view)
    outputs = write_example_outputs(model, folder / "example")
    out["report"] = (outputs["report"], build_view(model, ViewSpec(color_by="impact")))
    hostile = build_view(hostile_model(), ViewSpec())
    out["hostile"] = (write_view(hostile, folder / "hostile.html"), hostile)
    return out


@pytest.mark.parametrize("name", [*VIEWS, "report", "hostile"])
def test_view_loads_offline_without_errors(browser: Any, written: dict[str, tuple[Path, ViewData]], name: str) -> None:
    path, view = written[name]
    opened = open_view(browser, path)
    try:
        assert opened.requests == [opened.url]  # the file itself, nothing else
        assert opened.errors == []
        assert opened.dialogs == []
        api = "window.valuenetView"
        assert opened.page.evaluate(f"{api}.visibleNodeIds().length") == len(view.nodes)
        assert opened.page.evaluate(f"{api}.visibleEdgeIds().length") == len(view.edges)
        if name != "hostile":
            SHOTS.mkdir(exist_ok=True)
            opened.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=name == "report")
    finally:
        opened.page.close()


def click_node(opened: Opened, node_id: str) -> None:
    box = opened.page.locator("#vn-network").bounding_box()
    pos = opened.page.evaluate("id => window.valuenetView.canvasPosition(id)", node_id)
    opened.page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])


def test_clicking_a_node_shows_its_numbers(browser: Any, written: dict[str, tuple[Path, ViewData]]) -> None:
    path, view = written["all"]
    opened = open_view(browser, path)
    try:
        focal = next(n for n in view.nodes if n.role == "focal")
        click_node(opened, focal.id)
        panel = opened.page.locator("#vn-panel")
        assert panel.locator("h2").inner_text() == focal.name
        total = panel.locator("tr.vn-total td").all_inner_texts()
        gets, gives = sum(focal.gets.values()), sum(focal.gives.values())
        assert [float(total[0]), float(total[1])] == pytest.approx([gets, gives], abs=0.01)
        assert "sel=n%3A" in opened.page.evaluate("location.hash")
        SHOTS.mkdir(exist_ok=True)
        opened.page.screenshot(path=str(SHOTS / "selected-firm.png"))
    finally:
        opened.page.close()


def test_filters_hide_what_they_should(browser: Any, written: dict[str, tuple[Path, ViewData]]) -> None:
    path, view = written["all"]
    opened = open_view(browser, path)
    page = opened.page
    try:
        kinds = {n.id: n.kind for n in view.nodes}
        dim = view.edges[0].dimension
        page.locator(f'input[data-group="dimension"][data-value="{dim}"]').uncheck()
        shown = set(page.evaluate("window.valuenetView.visibleEdgeIds()"))
        assert shown == {e.id for e in view.edges if e.dimension != dim}

        page.locator('input[data-group="impact"][data-value="destroys"]').uncheck()
        shown = set(page.evaluate("window.valuenetView.visibleEdgeIds()"))
        assert shown == {e.id for e in view.edges if e.dimension != dim and e.impact != "destroys"}

        other = next(n for n in view.nodes if not n.role)
        page.locator(f'input[data-group="kind"][data-value="{other.kind}"]').uncheck()
        nodes = set(page.evaluate("window.valuenetView.visibleNodeIds()"))
        assert nodes == {n.id for n in view.nodes if n.kind != other.kind}
        shown = set(page.evaluate("window.valuenetView.visibleEdgeIds()"))
        assert shown == {
            e.id
            for e in view.edges
            if e.dimension != dim and e.impact != "destroys" and other.kind not in (kinds[e.source], kinds[e.target])
        }
    finally:
        page.close()


def test_permalink_restores_selection_and_filters(browser: Any, written: dict[str, tuple[Path, ViewData]]) -> None:
    path, view = written["all"]
    opened = open_view(browser, path)
    target = next(n for n in view.nodes if n.role == "customer")
    try:
        opened.page.evaluate("id => window.valuenetView.select(id)", target.id)
        opened.page.locator('input[data-group="impact"][data-value="adds"]').uncheck()
        opened.page.locator("#vn-colour-by").select_option("dimension")
        opened.page.locator("#vn-link").click()
        fragment = opened.page.evaluate("location.hash")
    finally:
        opened.page.close()
    again = open_view(browser, path, fragment)
    try:
        page = again.page
        assert page.locator("#vn-panel h2").inner_text() == target.name
        assert not page.locator('input[data-group="impact"][data-value="adds"]').is_checked()
        assert page.locator("#vn-colour-by").input_value() == "dimension"  # the view's default is impact
        assert set(page.evaluate("window.valuenetView.visibleEdgeIds()")) == {
            e.id for e in view.edges if e.impact != "adds"
        }
        assert again.errors == [] and again.requests == [again.url]  # the fragment is not sent
    finally:
        again.page.close()


def test_search_focuses_the_actor(browser: Any, written: dict[str, tuple[Path, ViewData]]) -> None:
    path, view = written["respondent"]
    opened = open_view(browser, path)
    target = next(n for n in view.nodes if not n.role)
    try:
        opened.page.locator("#vn-search").fill(target.name[:5].lower())
        opened.page.locator("#vn-search").press("Enter")
        heading = opened.page.locator("#vn-panel h2").inner_text()
        assert heading.lower().startswith(target.name[:5].lower())
        assert opened.page.evaluate("window.valuenetView.network.getSelectedNodes().length") == 1
    finally:
        opened.page.close()


def test_png_export_downloads_a_png(browser: Any, written: dict[str, tuple[Path, ViewData]], tmp_path: Path) -> None:
    opened = open_view(browser, written["respondent"][0])
    try:
        with opened.page.expect_download() as info:
            opened.page.locator("#vn-png").click()
        target = tmp_path / "view.png"
        info.value.save_as(target)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert target.stat().st_size > 5000
    finally:
        opened.page.close()


def test_html_in_names_and_quotes_shows_literally_and_runs_nothing(
    browser: Any, written: dict[str, tuple[Path, ViewData]]
) -> None:
    opened = open_view(browser, written["hostile"][0])
    page = opened.page
    try:
        click_node(opened, "family")
        assert page.locator("#vn-panel h2").inner_text() == XSS
        assert XSS in page.locator("#vn-panel").inner_text()  # description and quotes, as text
        assert page.locator("img").count() == 0
        assert page.locator("h1").inner_text() == "</script><script>alert(2)</script>"
        page.locator("#vn-search").fill("<img")
        page.locator("#vn-search").press("Enter")
        page.mouse.move(10, 10)
        page.wait_for_timeout(200)
        assert opened.dialogs == [] and opened.errors == []
        assert page.evaluate("document.querySelectorAll('script').length") == 4  # data, vis-network, view.js, output.js
    finally:
        page.close()


def large_model(actors: int) -> Model:
    from valuenet.models import Goal, exchange_flows

    people = [Actor(id="c", name="Customer", kind="customer"), Actor(id="f", name="Firm", kind="focal_firm")]
    people += [Actor(id=f"a{i}", name=f"Actor {i}", kind="provider") for i in range(actors - 2)]
    flows = [
        f
        for a in people[1:]
        for f in exchange_flows(
            f"x-{a.id}", goal="g", customer="c", actor=a.id, dimension="functional", gets=3, gives=1
        )
    ]
    return Model(id="large", actors=people, goals=[Goal(id="g", title="Large")], flows=flows)


def test_large_view_adds_names_and_arrowheads_when_zoomed_in(browser: Any, tmp_path: Path) -> None:
    """Arrowheads come with zooming in; names where they fit, the selected actor's always."""
    view = build_view(large_model(450), ViewSpec())
    assert not any("label" in n for n in view_payload(view)["nodes"])  # names come with zooming in
    opened = open_view(browser, write_view(view, tmp_path / "large.html"))
    page = opened.page
    try:
        api = "window.valuenetView"
        page.evaluate(f"{api}.network.moveTo({{scale: 0.1}})")  # too far out to read anything
        page.wait_for_function(f"() => !{api}.detailed()")
        assert page.evaluate(f"{api}.network.body.edges['e0'].options.arrows.to.enabled") is False
        page.evaluate(f"{api}.select('a7')")  # centres on it at scale 1 or closer
        page.wait_for_function(f"() => {api}.detailed()")
        page.wait_for_function(f"() => {api}.network.body.data.nodes.get('a7').label === 'Actor 7'")
        assert page.evaluate(f"{api}.network.body.edges['e0'].options.arrows.to.enabled") is True
        assert opened.errors == []
    finally:
        page.close()
