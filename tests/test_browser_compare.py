"""Comparison views in headless Chromium: the legend, the colours and the panel say what changed for the customer.

A scenario comparison and a segment-against-segment view of the health example
open from disk with no request but the file itself and no script error; their
legend reads better/worse for the customer under the two sides' names, a flow
that got worse is drawn in the "worse" colour and its side panel says so; the
panel shows both sides of a flow (per respondent, mean of those with it, money)
and of an actor, and lists the touchpoints when nothing is selected; a gone flow
is dashed and faded, a new actor outlined. The same holds drawn with WebGL from
the columns. Screenshots go to tests/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_browser_views import SHOTS, browser, example_model, open_view  # noqa: F401 (browser: a fixture)
from valuenet.views import ViewData, ViewSpec, build_view, render, write_view
from valuenet.views.style import CHANGE_COLOURS, LABELS

pytestmark = pytest.mark.browser

EDGE_COLOUR = "id => { const c = window.valuenetView.network.body.data.edges.get(id).color; return c.color || c; }"


def compare_spec(name: str) -> ViewSpec:
    model = example_model()
    if name == "scenarios":
        return ViewSpec(compare=model.goals[0].scenarios[-1].id)
    first, second = sorted({r.segment for r in model.respondents if r.segment})[:2]
    return ViewSpec(segment=first, against=second)


@pytest.mark.parametrize("name", ["scenarios", "segments"])
def test_compare_view_says_better_or_worse_for_the_customer(browser: Any, tmp_path: Path, name: str) -> None:  # noqa: F811
    view: ViewData = build_view(example_model(), compare_spec(name))
    worse = next(e for e in view.edges if e.change == "worse")
    opened = open_view(browser, write_view(view, tmp_path / f"{name}.html"))
    page = opened.page
    try:
        assert opened.requests == [opened.url]  # the file itself, nothing else
        assert opened.errors == [] and opened.dialogs == []
        section = page.locator('#vn-legend fieldset[data-group="change"]')
        labels = section.locator(".vn-item-label").all_inner_texts()
        assert LABELS["better"] in labels and LABELS["worse"] in labels
        assert not {"larger", "smaller", "new in the future"} & set(labels)
        heading = section.locator("legend").inner_text()
        assert view.scenario_name and view.compare_name
        assert heading == f"Change {view.scenario_name} → {view.compare_name}"
        if name == "scenarios":  # ids are not names here: the page says the names
            assert view.compare and view.compare not in heading and view.compare_name != view.compare
        assert page.evaluate(EDGE_COLOUR, worse.id).lower() == CHANGE_COLOURS["worse"]
        page.evaluate("id => window.valuenetView.select(id)", worse.id)
        assert LABELS["worse"] in page.locator("#vn-panel").inner_text()
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"compare-{name}.png"))  # the worse flow selected, its panel open
        page.locator('#vn-legend input[data-group="change"][data-value="worse"]').uncheck()
        shown = set(page.evaluate("window.valuenetView.visibleEdgeIds()"))
        assert shown == {e.id for e in view.edges if e.change != "worse"}
        assert opened.errors == []
    finally:
        page.close()


def panel_rows(page: Any, selector: str = "#vn-panel table.vn-compare tr") -> list[list[str]]:
    return [r.locator("th, td").all_inner_texts() for r in page.locator(selector).all()]


def shown_as(cells: list[str], values: list[float | None]) -> bool:
    """The cells show these numbers to two decimals (the page rounds halves up)."""
    return len(cells) == len(values) and all(
        abs(float(c) - (v or 0.0)) <= 0.0051 for c, v in zip(cells, values, strict=True)
    )


def money_text(view: ViewData, amount: float) -> str:
    return f"{view.currency} {amount:,.0f}" if view.currency else f"{amount:,.0f}"


@pytest.mark.parametrize("drawn", ["vis", "webgl"])
def test_compare_panel_shows_both_sides_in_words(
    browser: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    drawn: str,
) -> None:
    if drawn == "webgl":  # the small example drawn as a large view is: sigma from the columns
        monkeypatch.setattr(render, "WEBGL_VIEW", 0)
    view: ViewData = build_view(example_model(), compare_spec("scenarios"))
    sides = [view.scenario_name, view.compare_name]
    money = next(e for e in view.edges if e.structural and e.value is None and e.money != e.before_money)
    assert money.money is not None and money.before_money is not None
    gone = next(e for e in view.edges if e.presence == "gone")
    people = next(e for e in view.edges if not e.structural and e.n and e.before_n and e.change in ("better", "worse"))
    opened = open_view(browser, write_view(view, tmp_path / f"compare-{drawn}.html"))
    page = opened.page
    try:
        assert opened.requests == [opened.url]
        assert page.evaluate("window.valuenetView.state.selected") is None
        # nothing selected: the touchpoints, weighted, each better or worse for the customer
        assert "weighted by what matters to each respondent" in page.locator("#vn-panel").inner_text()
        rows = panel_rows(page, "#vn-panel table.vn-touchpoints tr")
        assert rows[0] == ["Touchpoint", *sides, "For the customer"]
        words = {"better": "better", "worse": "worse", "same": "unchanged"}
        assert [(r[0], r[3]) for r in rows[1:]] == [
            (t.touchpoint.replace("_", " "), words[t.change]) for t in view.touchpoints
        ]
        assert {"better", "worse"} <= {r[3] for r in rows[1:]}
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"compare-touchpoints-{drawn}.png"))

        page.evaluate("id => window.valuenetView.select(id)", money.id)  # a money-only flow that changed
        rows = panel_rows(page)
        assert rows[0] == ["", *sides]
        assert ["Money per period", money_text(view, money.before_money), money_text(view, money.money)] in rows
        assert not {view.scenario, view.compare} & {c for r in rows for c in r}

        page.evaluate("id => window.valuenetView.select(id)", people.id)  # a flow of respondents on both sides
        rows = {r[0]: r[1:] for r in panel_rows(page)}
        per = rows["Per respondent, everyone (decides better or worse)"]
        assert shown_as(per, [people.before_per_respondent, people.per_respondent])
        assert rows["Mean of those with the flow"][0].endswith(f"(n={people.before_n})")
        assert rows["Mean of those with the flow"][1].endswith(f"(n={people.n})")
        assert LABELS[people.change or ""] in page.locator("#vn-panel").inner_text()

        actor = next(n for n in view.nodes if n.role == "" and n.change in ("better", "worse"))
        page.evaluate("id => window.valuenetView.select(id)", actor.id)
        net = panel_rows(page)[1]
        assert net[0] == "Net for the customer"
        assert shown_as(net[1:], [actor.before, actor.net])
        assert LABELS[actor.change or ""] in page.locator("#vn-panel").inner_text()

        page.evaluate("id => window.valuenetView.select(id)", gone.id)
        assert LABELS["gone"] in page.locator("#vn-panel").inner_text()
        if drawn == "vis":  # drawn dashed and faded
            look = page.evaluate("id => window.valuenetView.network.body.data.edges.get(id)", gone.id)
            assert look["dashes"] is True and look["color"]["opacity"] < 0.5
            kept = next(e for e in view.edges if e.presence is None and e.value)
            other = page.evaluate("id => window.valuenetView.network.body.data.edges.get(id)", kept.id)
            assert not other.get("dashes") and not isinstance(other["color"], dict)
        else:
            assert page.evaluate("id => window.valuenetView.details.edges[id].presence", gone.id) == "gone"
        page.screenshot(path=str(SHOTS / f"compare-gone-{drawn}.png"))
        assert opened.errors == [] and opened.dialogs == []
    finally:
        page.close()


def test_new_actor_is_outlined_and_gone_actor_faded(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    view: ViewData = build_view(example_model(), compare_spec("segments"))
    new = next(n for n in view.nodes if n.presence == "new")
    gone = next(n for n in view.nodes if n.presence == "gone")
    opened = open_view(browser, write_view(view, tmp_path / "segments.html"))
    page = opened.page
    try:
        get = "id => window.valuenetView.network.body.data.nodes.get(id)"
        assert page.evaluate(get, new.id)["color"]["border"] == render.NEW_BORDER
        faded = page.evaluate(get, gone.id)
        assert faded["opacity"] == render.GONE_OPACITY and faded["shapeProperties"]["borderDashes"]
        page.evaluate("id => window.valuenetView.select(id)", new.id)
        text = page.locator("#vn-panel").inner_text()
        assert LABELS["new"] in text and "working parents" in text
        assert opened.requests == [opened.url] and opened.errors == []
    finally:
        page.close()
