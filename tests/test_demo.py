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


def _next_line(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if line.startswith("Next: ")).removeprefix("Next: ")


def test_the_closing_next_command_runs_as_printed(tmp_path: Path) -> None:
    """Run by its path with valuenet not on the PATH, the demo prints that path; the line then runs in a shell."""
    import os
    import subprocess
    import sys

    program = str(Path(sys.executable).with_name("valuenet"))
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [program, "demo", "--dir", "my demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    command = _next_line(done.stderr)
    assert command.startswith(program + " analyze ")
    again = subprocess.run(["sh", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "Net perceived value" in again.stdout


def test_next_says_valuenet_when_that_is_on_the_path() -> None:
    import shutil
    import sys

    from valuenet.cli.demo import invocation

    program = str(Path(sys.executable).with_name("valuenet"))
    assert invocation("/elsewhere/valuenet") == "/elsewhere/valuenet"
    assert invocation("x/__main__.py").endswith(" -m valuenet")
    if shutil.which("valuenet") == program:
        assert invocation(program) == "valuenet"
