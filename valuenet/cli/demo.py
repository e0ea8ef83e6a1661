"""``valuenet demo``: the bundled examples end to end, in a fresh store."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

import click

from valuenet.cli import cli
from valuenet.cli._common import echo_data, message, render_rows
from valuenet.demo import run_demo


def invocation(argv0: str | None = None) -> str:
    """How to run valuenet again from this shell, as it was run: ``valuenet`` when that is on the PATH.

    Otherwise the path it was run by (``.venv/bin/valuenet``), or ``python -m valuenet`` with this Python.
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    on_path = shutil.which("valuenet")
    if Path(argv0).name in ("__main__.py", "-m") or not argv0:
        return f"{shlex.quote(sys.executable)} -m valuenet"
    if on_path and os.path.realpath(on_path) == os.path.realpath(shutil.which(argv0) or argv0):
        return "valuenet"
    return shlex.quote(argv0)


@cli.command()
@click.option(
    "--dir",
    "folder",
    default="valuenet-demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the demo's store, views and reports; its store is made afresh.",
)
def demo(folder: str) -> None:
    """Import the bundled examples into a fresh store, analyse them, and write their views and reports."""
    result = run_demo(Path(folder), program=invocation())
    echo_data(render_rows(result.stats, "table", title=f"Store {result.store}"))
    echo_data("")
    echo_data(render_rows(result.findings, "table", title="Where each focal firm stands"))
    for line in result.next_steps:
        message(line)
