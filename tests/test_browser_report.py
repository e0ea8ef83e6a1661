"""The report in a real headless Chromium: it opens offline, its summary links land on their evidence,
the heatmap toggle switches views, the evidence cards show, and hostile text stays text.

Screenshots go to tests/screenshots/ (report-summary.png, report-heatmap-who.png, report-evidence.png,
report-journey.png) for people to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_browser_views import SHOTS, XSS, Opened, browser, example_model, hostile_model, open_view
from valuenet.views.journey import build_journey, write_journey
from valuenet.views.report import ReportSpec, write_report

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, imported to be shared


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(example_model(), ReportSpec(), tmp_path_factory.mktemp("report") / "out")


def clean(opened: Opened) -> None:
    assert opened.requests == [opened.url], opened.requests
    assert opened.errors == [], opened.errors
    assert opened.dialogs == []


def test_report_opens_offline_and_summary_links_land_on_their_evidence(browser: Any, report: Path) -> None:
    opened = open_view(browser, report)
    page = opened.page
    sentences = page.locator(".rp-sentences li")
    assert sentences.count() >= 5
    page.screenshot(path=str(SHOTS / "report-summary.png"))
    hrefs = page.eval_on_selector_all(".rp-sentences a", "links => links.map(a => a.getAttribute('href'))")
    assert "#card-1" in hrefs and "#scenario" in hrefs
    for href in dict.fromkeys(hrefs):
        page.locator(f'.rp-sentences a[href="{href}"]').first.click()
        page.wait_for_function("h => location.hash === h", arg=href)
        target = page.locator(href)
        assert target.count() == 1, href
        top = target.evaluate("el => el.getBoundingClientRect().top")
        assert -2 <= top < 300, (href, top)  # scrolled to the evidence
    clean(opened)


def test_heatmap_toggle_moves_damage_to_who_causes_it(browser: Any, report: Path) -> None:
    opened = open_view(browser, report)
    page = opened.page
    where, who = page.locator("svg.rp-hm-where"), page.locator("svg.rp-hm-who")
    assert where.is_visible() and not who.is_visible()

    def insurer_experiential(svg: Any) -> str:
        title = svg.locator("title", has_text="Health insurer, experiential")
        return str(title.first.text_content())

    assert insurer_experiential(where).endswith("-3.00")
    page.locator("label[for=rp-hm-who]").click()
    assert who.is_visible() and not where.is_visible()
    assert not insurer_experiential(who).endswith("-3.00")  # the clinic's billing errors are laid at its door
    page.locator("#heatmap").screenshot(path=str(SHOTS / "report-heatmap-who.png"))
    page.locator("label[for=rp-hm-where]").click()
    assert where.is_visible() and not who.is_visible()
    clean(opened)


def test_evidence_cards_show_in_the_report_and_on_their_own_page(browser: Any, report: Path) -> None:
    opened = open_view(browser, report)
    cards = opened.page.locator("#destruction .rp-card")
    assert cards.count() >= 3 and cards.first.is_visible()
    assert cards.first.locator("blockquote").count() >= 1
    clean(opened)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    seen: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = (report.parent / "evidence.html").resolve().as_uri()
    page.goto(url)
    assert page.locator(".rp-card").count() == cards.count()
    assert page.locator(".rp-card").first.is_visible()
    page.screenshot(path=str(SHOTS / "report-evidence.png"), full_page=True)
    assert seen == [url] and errors == []
    page.close()


def test_journey_page_and_hostile_text(browser: Any, tmp_path: Path) -> None:
    path = write_journey(build_journey(example_model()), tmp_path / "journey.html")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    seen: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    assert page.locator("svg.jn-chart .jn-cell").count() > 5
    page.screenshot(path=str(SHOTS / "report-journey.png"), full_page=True)
    assert seen == [path.resolve().as_uri()] and errors == []
    page.close()
    hostile = write_report(hostile_model(), ReportSpec(), tmp_path / "hostile")
    opened = open_view(browser, hostile)
    assert opened.page.locator("img").count() == 0
    assert XSS in opened.page.locator("#destruction").inner_text()
    clean(opened)
