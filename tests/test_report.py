"""The HTML report: built from the analysis, self-contained, escaped, and the command that writes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import tiny_model
from valuenet.cli import cli
from valuenet.errors import AnalysisError
from valuenet.models import Actor
from valuenet.store.sqlite import SQLiteStore
from valuenet.views.report import ReportSpec, build_report, heatmap, render_report, write_report

XSS = "<img src=x onerror=alert(1)>"


def test_heatmap_cells_follow_the_figures() -> None:
    hm = heatmap([("A", {"functional": 1.0, "economic": -2.0}), ("B", {"functional": 0.0})], ["functional", "economic"])
    cells = [(c["text"], c["fill"], c["light"]) for c in hm["cells"]]
    # top |value| is 2: -2 is full red, +1 half green (255 - 229 / 2 = 140.5 -> 140), 0 white; missing is no data
    assert cells == [
        ("+1.00", "#8ccca8", False),
        ("-2.00", "#d73027", True),
        ("+0.00", "#ffffff", False),
        ("–", "#eeeeee", False),
    ]
    assert [y for _, _, y in hm["rows"]] == [34, 64]


def test_report_uses_the_analysis_and_defaults_to_the_other_scenario() -> None:
    data = build_report(tiny_model(), ReportSpec())
    assert data["compare"] == "future"
    assert data["result"].focal == "clinic"
    assert data["cards"], "the tiny clinic destroys value in the waiting room"
    assert any((d["actor"], d["touchpoint"]) == ("Clinic", "waiting room") for d in data["cards"])


def test_report_is_one_offline_file_and_escapes_user_text(tmp_path: Path) -> None:
    m = tiny_model()
    m.actors[2] = Actor(id="insurer", name=XSS, kind="institution")
    m.flows[0].quote = XSS
    path = write_report(m, ReportSpec(), tmp_path / "rep")
    assert sorted(p.name for p in (tmp_path / "rep").iterdir()) == ["evidence.html", "index.html"]
    html = path.read_text(encoding="utf-8")
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not re.search(r"<(script|img|iframe)[^>]*\bsrc=|<link\b", html, re.I)
    assert '<svg class="rp-heatmap rp-hm-where"' in html
    evidence = (tmp_path / "rep" / "evidence.html").read_text(encoding="utf-8")
    assert XSS not in evidence and "&lt;img src=x onerror=alert(1)&gt;" in evidence
    assert not re.search(r"<(script|img|iframe)[^>]*\bsrc=|<link\b", evidence, re.I)


def test_report_command(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with SQLiteStore(db) as store:
        store.write_model(tiny_model())
    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "out"), "--store", str(db)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "index.html").is_file()
    assert f"Wrote {tmp_path / 'out' / 'index.html'}." in result.stderr


@pytest.mark.parametrize("scenario", ["future-b"])
def test_report_on_a_missing_scenario_says_which_exist(scenario: str) -> None:
    with pytest.raises(AnalysisError) as info:
        render_report(tiny_model(), ReportSpec(scenario=scenario))
    assert str(info.value) == f"goal 'healthy' has no scenario '{scenario}'; scenarios: current, future."
