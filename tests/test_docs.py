"""The docs run: every command is in the README and has help; the README's first lines are the two commands;
the README's table of commands and their Python twins runs, both columns, in order."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import valuenet
from valuenet import api
from valuenet.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "valuenet") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        out.append((full, cmd))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, full))
    return out


COMMANDS = _commands(cli)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_is_documented_and_has_help(name: str, command: click.Command) -> None:
    assert f"`{name}" in README, f"README's CLI reference does not mention `{name}`"
    assert (command.help or "").strip(), f"{name} has no help text"
    result = CliRunner().invoke(cli, [*name.split()[1:], "--help"])
    assert result.exit_code == 0, result.output


def test_readme_opens_with_the_two_newcomer_commands() -> None:
    first = README.split("```")[1]
    assert "valuenet demo" in first
    assert "tools/test" in first


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/test" in ci


def _twins_table() -> list[tuple[str, str]]:
    """The rows of the README's "Using valuenet" table: (command, Python), each cell's code spans joined."""
    section = README.split("## Using valuenet\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            command, python = line.strip().strip("|").split(" | ")
            code = ["\n".join(re.findall(r"`([^`]+)`", cell)) for cell in (command, python)]
            rows.append((code[0], code[1]))
    assert rows, "the README's Using valuenet section lost its table"
    return rows


TWINS_TABLE = _twins_table()


def _examples_copy(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples" / "health", folder / "examples" / "health")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("VALUENET_STORE", raising=False)


def test_readme_python_column_runs_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _examples_copy(tmp_path, monkeypatch)
    namespace: dict[str, object] = {"valuenet": valuenet}
    for _, python in TWINS_TABLE:
        exec(compile(python, f"README: {python}", "exec"), namespace)  # a call that fails fails here
    assert {f"valuenet.{name}(" for name in api.__all__ if name != "dataframes"} <= {
        m.group(0) for _, python in TWINS_TABLE for m in re.finditer(r"valuenet\.\w+\(", python)
    }, "a twin of a command is missing from the README's table"
    written = {"retirees.html", "report/index.html", "health.json"}
    assert {p for p in written if (tmp_path / p).is_file()} == written
    assert valuenet.read_model_file("health.json") == valuenet.read_model_file("examples/health/model.yaml")


def test_readme_command_column_runs_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _examples_copy(tmp_path, monkeypatch)
    for command, _ in TWINS_TABLE:
        args = shlex.split(command)
        assert args[0] == "valuenet", command
        result = CliRunner().invoke(cli, args[1:])
        assert result.exit_code == 0, f"{command}: {result.output}"
    assert (tmp_path / "retirees.html").is_file() and (tmp_path / "report" / "index.html").is_file()
