"""The docs run: every command is in the README and has help; the README's first lines are the two commands."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from valuenet.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


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
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/test" in ci
