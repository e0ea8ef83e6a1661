"""`valuenet view --journey`: the journey page of a stored goal, for a segment or everyone."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_views_compare import three_people
from valuenet.cli import cli
from valuenet.models import Goal
from valuenet.store.sqlite import SQLiteStore
from valuenet.views.journey import build_journey


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "v.db"
    with SQLiteStore(path) as store:
        store.write_model(three_people())
    return path


def run(store_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["view", "--journey", *args, "--store", str(store_path)])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("segment", [None, "old", "young"])
def test_the_journey_page_shows_the_stored_segments_figures(
    tmp_path: Path, store_path: Path, segment: str | None
) -> None:
    out = tmp_path / "j.html"
    code, err = run(store_path, *(["--segment", segment] if segment else []), "-o", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    expected = build_journey(three_people(), segment=segment)
    assert html.escape(expected.scope) in page and "mean respondent" in page
    assert "<svg" in page and 'http-equiv="Content-Security-Policy"' in page
    assert not re.search(r"""(?:src|href)=["']https?:""", page)


@pytest.mark.parametrize(
    "args", [["--firm"], ["--compare", "future"], ["--respondent", "r1"], ["--color-by", "impact"]]
)
def test_the_journey_refuses_what_it_cannot_show(tmp_path: Path, store_path: Path, args: list[str]) -> None:
    out = tmp_path / "j.html"
    code, err = run(store_path, *args, "-o", str(out))
    assert code == 2
    assert f"it does not take {args[0]}" in err
    assert not out.exists()


def test_an_unknown_segment_names_the_known_ones(tmp_path: Path, store_path: Path) -> None:
    out = tmp_path / "j.html"
    code, err = run(store_path, "--segment", "middle", "-o", str(out))
    assert code == 1
    assert "segments: old, young" in err
    assert not out.exists()


def test_the_goal_sets_the_journey_order_through_the_store(tmp_path: Path) -> None:
    from tests.test_report_story import staged

    m = staged()
    m.goals[0] = m.goals[0].model_copy(update={"stages": ["billing", "treatment"]})
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.write_model(m)
    out = tmp_path / "j.html"
    code, err = run(path, "-o", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert build_journey(staged()).stages[:2] == ("treatment", "billing")  # the flows' own order
    assert page.index(">billing<") < page.index(">treatment<")


def test_a_stage_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="stage 'billing' is listed twice"):
        Goal(id="g", title="G", stages=["billing", "treatment", "billing"])
