"""``valuenet demo``: the bundled examples end to end, in a fresh store."""

from __future__ import annotations

from pathlib import Path

import click

from valuenet.cli import cli
from valuenet.cli._common import echo_data, message, render_rows
from valuenet.demo import run_demo


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
    result = run_demo(Path(folder))
    echo_data(render_rows(result.stats, "table", title=f"Store {result.store}"))
    echo_data("")
    echo_data(render_rows(result.findings, "table", title="Where each focal firm stands"))
    for line in result.next_steps:
        message(line)
