"""``valuenet upgrade``: bring a store written by an older valuenet to this version's schema."""

from __future__ import annotations

import json
import os

import click

from valuenet.cli import cli
from valuenet.cli._common import database_option, echo_data, message, render_rows, store_option
from valuenet.store import default_store_url, is_neo4j_url, shown_url
from valuenet.store.base import UpgradeReport
from valuenet.store.upgrade import upgrade_store


def report_rows(report: UpgradeReport) -> list[dict[str, object]]:
    """One row per item kind: how many the store held before the upgrade and after it."""
    return [{"items": kind, "before": before, "after": after} for kind, (before, after) in report.counts.items()]


@cli.command()
@store_option
@database_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Format of what was carried over, printed on stdout.",
)
def upgrade(store_url: str | None, database: str | None, fmt: str) -> None:
    """Upgrade a store written by an older valuenet (0.1) to this version's schema.

    An SQLite store is rewritten beside itself, checked item for item, and then
    moved into place; the old file is kept as FILE.v1.bak. A Neo4j graph is
    upgraded in place. A store already at this version is left as it is.
    """
    url = store_url or default_store_url()
    password = None
    if is_neo4j_url(url) and not os.environ.get("NEO4J_PASSWORD"):
        password = click.prompt(f"Neo4j password for {shown_url(url)}", hide_input=True, err=True)
    report = upgrade_store(url, database=database, password=password)
    where = shown_url(report.url)
    if fmt == "json":
        echo_data(
            json.dumps(
                {
                    "store": where,
                    "from_version": report.from_version,
                    "to_version": report.to_version,
                    "upgraded": report.upgraded,
                    "counts": {kind: {"before": b, "after": a} for kind, (b, a) in report.counts.items()},
                    "backup": report.backup,
                },
                indent=2,
            )
        )
    elif report.upgraded:
        echo_data(render_rows(report_rows(report), "table"))
    if not report.upgraded:
        message(f"{where} is already at version {report.to_version}; nothing to do.")
        return
    line = f"Upgraded {where} from version {report.from_version} to {report.to_version}."
    if report.backup:
        line += f" The version {report.from_version} store is kept at {report.backup}."
    message(line)


__all__ = ["report_rows"]
