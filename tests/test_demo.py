"""`valuenet demo`: the bundled examples end to end in a fresh store, with analysis, views and reports."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import tiny_model
from valuenet.cli import cli
from valuenet.store.sqlite import SQLiteStore


def test_demo_imports_analyses_and_writes_views(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    with SQLiteStore(folder / "valuenet.db", create=False) as store:
        assert [m.id for m in store.list_models()] == ["broadband", "health"]
    health = next(line for line in result.stdout.splitlines() if line.startswith("health ") and "clinic" in line)
    assert "experiential at claim (indirect)" in health
    for name in (
        "health-network.html",
        "broadband-network.html",
        "health-report/index.html",
        "broadband-report/index.html",
    ):
        page = folder / name
        assert page.is_file(), name
        assert str(page) in result.stderr
        assert "<script src=" not in page.read_text(encoding="utf-8")


def test_demo_starts_from_a_fresh_store(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    runner = CliRunner()
    assert runner.invoke(cli, ["demo", "--dir", str(folder)]).exit_code == 0
    with SQLiteStore(folder / "valuenet.db") as store:
        store.write_model(tiny_model("left-over"))
    assert runner.invoke(cli, ["demo", "--dir", str(folder)]).exit_code == 0
    with SQLiteStore(folder / "valuenet.db", create=False) as store:
        assert [m.id for m in store.list_models()] == ["broadband", "health"]
