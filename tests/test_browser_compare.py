"""Comparison views in headless Chromium: the legend and the colours say better or worse for the customer.

A scenario comparison and a segment-against-segment view of the health example
open from disk with no request but the file itself and no script error; their
legend reads better/worse for the customer, a flow that got worse is drawn in the
"worse" colour and its side panel says so. Screenshots go to tests/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_browser_views import SHOTS, browser, example_model, open_view  # noqa: F401 (browser: a fixture)
from valuenet.views import ViewData, ViewSpec, build_view, write_view
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
        assert view.compare is not None and view.compare in section.locator("legend").inner_text()
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
