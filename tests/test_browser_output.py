"""Output for slides, print and small screens, in a real headless Chromium.

The PNG is decoded (by a blank browser page, apart from the view) and checked pixel by
pixel: twice the drawing's size, a title band with ink in it, and a legend whose swatches
are exactly the entries the page shows. Under 900 px the legend and filters and the
details panel are drawers that open by keyboard and by selecting an actor. Printed, the
legend stays and the toolbar goes, and the report prints to PDF.
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path
from typing import Any

import pytest

from tests import test_browser_views as views_tests
from tests.test_browser_views import SHOTS, Opened, example_model, open_view
from valuenet.views import ViewData, ViewSpec, build_view
from valuenet.views.render import inline_frame, render_view
from valuenet.views.style import IMPACT_COLOURS, KIND_STYLE

pytestmark = pytest.mark.browser
browser = views_tests.browser  # the same headless Chromium and example views as tests/test_browser_views.py
written = views_tests.written
Written = dict[str, tuple[Path, ViewData]]

# Counts, per query, the pixels of a decoded image in a box: of one colour (within 3 per channel),
# or not white when no colour is given.
_COUNT = """async ([b64, queries]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], {type: "image/png"}));
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width; canvas.height = bitmap.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0);
  return queries.map(([x, y, w, h, colour]) => {
    const r = [x, y, w, h].map(Math.round);
    const px = ctx.getImageData(r[0], r[1], Math.max(1, r[2]), Math.max(1, r[3])).data;
    const want = colour ? [1, 3, 5].map(i => parseInt(colour.slice(i, i + 2), 16)) : null;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      const near = want && [0, 1, 2].every(k => Math.abs(px[i + k] - want[k]) <= 3);
      if (want ? near : px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235) { n++; }
    }
    return n;
  });
}"""


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def pixel_counts(browser: Any, png: bytes, queries: list[tuple[float, float, float, float, str | None]]) -> list[int]:
    page = browser.new_page()
    try:
        counts: list[int] = page.evaluate(_COUNT, [base64.b64encode(png).decode("ascii"), queries])
        return counts
    finally:
        page.close()


def shown_labels(opened: Opened, group: str) -> list[str]:
    items = opened.page.locator(f'#vn-legend fieldset[data-group="{group}"] .vn-item:has(input:checked) .vn-item-label')
    labels: list[str] = items.all_text_contents()
    return labels


def download_png(opened: Opened, target: Path) -> bytes:
    with opened.page.expect_download() as info:
        opened.page.locator("#vn-png").click()
    assert info.value.suggested_filename.endswith(".png")
    info.value.save_as(target)
    return target.read_bytes()


def test_png_has_title_drawing_and_the_legend_shown_at_twice_the_size(
    browser: Any, written: Written, tmp_path: Path
) -> None:
    path, view = written["all"]  # coloured by impact
    opened = open_view(browser, path)
    page = opened.page
    try:
        kinds = {n.kind for n in view.nodes}
        hidden = next(k for k in sorted(kinds) if k not in ("customer", "focal_firm") and k in KIND_STYLE)
        page.locator(f'input[data-group="kind"][data-value="{hidden}"]').uncheck()
        box = page.locator("#vn-network").bounding_box()
        png = download_png(opened, tmp_path / "view.png")
        info = page.evaluate("window.vnOutput.last")
        width, height = png_size(png)
        assert (width, height) == (info["width"], info["height"])
        assert width == 2 * round(box["width"])
        dx, dy, dw, dh = info["drawing"]
        assert (dx, dw, dh) == (0, width, 2 * round(box["height"]))
        assert dy > 40 and height > dy + dh + 100  # a title band above, a legend below
        assert " ".join(info["title"]) == view.title
        assert info["source"] == "redrawn"  # vis-network drew it at 2x, not an enlarged screen copy
        screen = "(c => [c.width, c.clientWidth * devicePixelRatio])(document.querySelector('#vn-network canvas'))"
        drawn_at, wanted = page.evaluate(screen)
        assert drawn_at == round(wanted)  # and the screen's drawing is back at the screen's ratio

        by_group: dict[str, list[str]] = {}
        for e in info["entries"]:
            by_group.setdefault(e["group"], []).append(e["label"])
        assert set(by_group) == {"kind", "impact"}  # dimensions are neither the colours nor filtered
        assert by_group["kind"] == shown_labels(opened, "kind") and len(by_group["kind"]) == len(kinds) - 1
        assert by_group["impact"] == shown_labels(opened, "impact")

        legend = (0, dy + dh, width, height - dy - dh)
        queries: list[tuple[float, float, float, float, str | None]] = [
            (0, 0, width, dy, None),  # the title's ink
            (0, 0, width, dy, "#1f2630"),
            (dx, dy, dw, dh, None),  # the drawing
            (*legend, KIND_STYLE[hidden][0]),  # the hidden kind has no swatch
        ]
        queries += [(*e["box"], e["colour"]) for e in info["entries"]]
        title_ink, title_dark, drawn, hidden_swatch, *swatches = pixel_counts(browser, png, queries)
        assert title_ink > 500 and title_dark > 100
        assert drawn > 2000
        assert hidden_swatch == 0
        assert all(n >= 20 for n in swatches), list(zip(by_group["kind"] + by_group["impact"], swatches, strict=True))
        colours = {e["label"]: e["colour"] for e in info["entries"] if e["group"] == "impact"}
        assert colours[shown_labels(opened, "impact")[0]] in IMPACT_COLOURS.values()
        assert opened.errors == [] and opened.requests == [opened.url]
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / "export-all.png").write_bytes(png)
    finally:
        page.close()


def test_png_legend_follows_the_colour_mode_and_filters(browser: Any, written: Written) -> None:
    opened = open_view(browser, written["all"][0])
    page = opened.page
    try:
        page.locator("#vn-colour-by").select_option("dimension")
        page.locator('input[data-group="impact"][data-value="destroys"]').uncheck()
        info = page.evaluate("window.vnOutput.png({download: false})")
        groups = [e["group"] for e in info["entries"]]
        assert sorted(set(groups)) == ["dimension", "impact", "kind"]
        assert [e["label"] for e in info["entries"] if e["group"] == "dimension"] == shown_labels(opened, "dimension")
        assert [e["label"] for e in info["entries"] if e["group"] == "impact"] == shown_labels(opened, "impact")
        assert "destroys value" not in [e["label"] for e in info["entries"]]
        assert opened.errors == []
    finally:
        page.close()


def visible(opened: Opened, selector: str) -> bool:
    shown: bool = opened.page.locator(selector).is_visible()
    return shown


def active_inside(opened: Opened, selector: str) -> bool:
    inside: bool = opened.page.evaluate(f"document.querySelector('{selector}').contains(document.activeElement)")
    return inside


@pytest.mark.parametrize(("width", "height"), [(800, 900), (390, 844)])
def test_narrow_layout_keeps_legend_and_details_reachable(
    browser: Any, written: Written, width: int, height: int
) -> None:
    path, view = written["all"]
    opened = open_view(browser, path)
    page = opened.page
    try:
        page.set_viewport_size({"width": width, "height": height})
        legend_button = page.locator('.vn-toolbar button[aria-controls="vn-legend"]')
        details_button = page.locator('.vn-toolbar button[aria-controls="vn-panel"]')
        assert legend_button.inner_text() == "Legend & filters" and details_button.inner_text() == "Details"
        assert legend_button.is_visible() and details_button.is_visible()
        assert not visible(opened, "#vn-legend") and not visible(opened, "#vn-panel")
        options = page.locator('.vn-toolbar button[aria-controls="vn-toolbar"]')
        if width <= 600:  # a phone: the toolbar's choices fold behind "View options"
            assert options.inner_text() == "View options" and not visible(opened, "#vn-colour-by")
            options.click()
            assert visible(opened, "#vn-colour-by") and options.get_attribute("aria-expanded") == "true"
            assert page.evaluate("document.activeElement.id") == "vn-colour-by"
            options.click()
            assert not visible(opened, "#vn-colour-by")
        else:
            assert not options.is_visible() and visible(opened, "#vn-colour-by")

        legend_button.focus()  # by keyboard: open, untick a filter, close with Escape
        page.keyboard.press("Enter")
        assert visible(opened, "#vn-legend") and legend_button.get_attribute("aria-expanded") == "true"
        assert active_inside(opened, "#vn-legend")
        drawer = page.locator("#vn-legend").bounding_box()
        assert drawer["x"] >= 0 and drawer["x"] + drawer["width"] <= width
        dim = view.edges[0].dimension
        page.locator(f'input[data-group="dimension"][data-value="{dim}"]').focus()
        page.keyboard.press("Space")
        assert set(page.evaluate("window.valuenetView.visibleEdgeIds()")) == {
            e.id for e in view.edges if e.dimension != dim
        }
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"narrow-{width}-legend.png"))
        page.keyboard.press("Escape")
        assert not visible(opened, "#vn-legend") and legend_button.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "vn-legend"

        target = next(n for n in view.nodes if n.role == "focal")  # selecting an actor opens Details
        page.locator("#vn-search").fill(target.name)
        page.locator("#vn-search").press("Enter")
        assert visible(opened, "#vn-panel") and details_button.get_attribute("aria-expanded") == "true"
        assert page.locator("#vn-panel h2").inner_text() == target.name
        drawer = page.locator("#vn-panel").bounding_box()
        assert drawer["x"] >= 0 and drawer["x"] + drawer["width"] <= width
        page.screenshot(path=str(SHOTS / f"narrow-{width}-details.png"))

        legend_button.click()  # one drawer at a time
        assert visible(opened, "#vn-legend") and not visible(opened, "#vn-panel")
        assert details_button.get_attribute("aria-expanded") == "false"
        details_button.click()
        assert visible(opened, "#vn-panel") and active_inside(opened, "#vn-panel")
        details_button.click()
        assert not visible(opened, "#vn-panel")
        assert opened.errors == [] and opened.requests == [opened.url]
    finally:
        page.close()


def test_wide_layout_shows_both_panels_without_toggles(browser: Any, written: Written) -> None:
    opened = open_view(browser, written["all"][0])
    try:
        assert visible(opened, "#vn-legend") and visible(opened, "#vn-panel")
        toggles = opened.page.locator(".vn-drawer-toggle")
        assert toggles.count() == 2 and not toggles.first.is_visible() and not toggles.last.is_visible()
    finally:
        opened.page.close()


@pytest.mark.parametrize("width", [1400, 800])
def test_print_keeps_the_legend_and_drops_the_controls(browser: Any, written: Written, width: int) -> None:
    path, view = written["all"]
    opened = open_view(browser, path)
    page = opened.page
    try:
        hidden = next(n.kind for n in view.nodes if not n.role)
        page.locator(f'input[data-group="kind"][data-value="{hidden}"]').uncheck()
        page.set_viewport_size({"width": width, "height": 900})  # 800: the drawers' width, yet all printed
        zoom_in = "(n => { n.moveTo({scale: 2.5, animation: false}); n.redraw(); })(window.valuenetView.network)"
        page.evaluate(zoom_in)  # zoomed in on screen, and drawn so
        on_screen = page.evaluate("window.valuenetView.network.getScale()")
        page.emulate_media(media="print")
        page.wait_for_function("() => window.valuenetView.network.getScale() < 2")  # printed: the whole network
        assert visible(opened, "#vn-legend") and visible(opened, "#vn-legend .vn-note")
        assert not visible(opened, ".vn-toolbar") and not visible(opened, "#vn-search")
        assert not visible(opened, "#vn-panel")  # nothing selected: no empty panel on paper
        items = page.locator("#vn-legend .vn-item")
        assert [items.nth(i).is_visible() for i in range(items.count())] == [
            items.nth(i).locator("input").is_checked() for i in range(items.count())
        ]
        assert not page.locator(f'input[data-group="kind"][data-value="{hidden}"]').is_visible()
        page.evaluate("id => window.valuenetView.select(id)", next(n.id for n in view.nodes if n.role == "focal"))
        assert visible(opened, "#vn-panel h2")
        page.evaluate("document.getElementById('vn-fit').click()")  # selecting zoomed in; show it all again
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"print-view-{width}.png"), full_page=True)
        page.emulate_media(media="screen")
        back = "s => Math.abs(window.valuenetView.network.getScale() - s) < 1e-6"
        page.wait_for_function(back, arg=on_screen)  # the screen's zoom, as before printing
        assert opened.errors == [] and opened.requests == [opened.url]
    finally:
        page.close()


def test_report_prints_to_pdf_with_its_legend(browser: Any, written: Written) -> None:
    opened = open_view(browser, written["report"][0])
    page = opened.page
    try:
        page.emulate_media(media="print")
        assert visible(opened, "#vn-legend") and not visible(opened, ".vn-toolbar")
        assert page.evaluate("getComputedStyle(document.querySelector('.rp-scroll')).overflowX") == "visible"
        for selector in (".rp-item", ".rp-table tr", ".rp-heatmap"):
            if page.locator(selector).count():
                style = f"getComputedStyle(document.querySelector('{selector}')).breakInside"
                assert page.evaluate(style) == "avoid", selector
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf[:5] == b"%PDF-"
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2  # the whole report, over several pages
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / "print-report.pdf").write_bytes(pdf)
        page.set_viewport_size({"width": 760, "height": 1000})  # about an A4 page's width in CSS pixels
        page.screenshot(path=str(SHOTS / "print-report.png"), full_page=True)
        assert opened.errors == [] and opened.requests == [opened.url]
    finally:
        page.close()


def test_png_in_a_notebook_frame_says_downloads_are_off(browser: Any, tmp_path: Path) -> None:
    view = build_view(example_model(), ViewSpec())
    outer = tmp_path / "notebook.html"
    outer.write_text("<!DOCTYPE html><title>cell</title>" + inline_frame(render_view(view), "view"), encoding="utf-8")
    page = browser.new_page(accept_downloads=True)
    errors: list[str] = []
    downloads: list[Any] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("download", lambda d: downloads.append(d))
    try:
        page.goto(outer.resolve().as_uri())
        frame = page.frame_locator("iframe")
        frame.locator("#vn-png").click()
        frame.locator("#vn-status", has_text="notebook").wait_for()
        page.wait_for_timeout(300)
        assert downloads == [] and errors == []
    finally:
        page.close()


def test_png_draws_a_hostile_title_as_text(browser: Any, written: Written) -> None:
    opened = open_view(browser, written["hostile"][0])
    try:
        info = opened.page.evaluate("window.vnOutput.png({download: false})")
        assert " ".join(info["title"]) == "</script><script>alert(2)</script>"
        assert opened.dialogs == [] and opened.errors == []
        assert opened.page.locator("img").count() == 0
    finally:
        opened.page.close()


def test_a_phone_opening_the_view_sees_the_whole_network(browser: Any, written: Written) -> None:
    path, view = written["all"]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_function("() => (v => v && v.ready && v.firstDraw)(window.valuenetView)")
        page.wait_for_timeout(300)  # the first fit runs just after the first drawing
        box = page.locator("#vn-network").bounding_box()
        for n in view.nodes:  # drawn inside the drawing's box, not off to one side of it
            p = page.evaluate("id => window.valuenetView.canvasPosition(id)", n.id)
            assert 0 <= p["x"] <= box["width"] and 0 <= p["y"] <= box["height"], n.name
        assert errors == []
    finally:
        page.close()
