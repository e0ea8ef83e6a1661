"""The analyze command: where the firm adds and destroys value."""

from __future__ import annotations

import json
from typing import Any

import click

from valuenet.analysis.report import SECTIONS, analyze_goal
from valuenet.cli import cli
from valuenet.cli._common import (
    database_option,
    echo_data,
    format_option,
    message,
    model_option,
    reading,
    render_rows,
    store_option,
)
from valuenet.models import DEFAULT_SCENARIO
from valuenet.store.base import read_structure


@cli.command()
@click.option("--goal", metavar="ID", help="Goal to analyse (default: the model's only goal).")
@click.option("--respondent", metavar="ID", help="Analyse one respondent.")
@click.option("--segment", metavar="NAME", help="Analyse one segment's mean respondent.")
@click.option("--scenario", default=DEFAULT_SCENARIO, show_default=True, metavar="ID", help="Scenario to analyse.")
@click.option("--compare", metavar="ID", help="A second scenario to compare with (e.g. future-a).")
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice([*SECTIONS, "all"]),
    default=("all",),
    show_default=True,
    help="Section(s) to show; repeat the option for several.",
)
@model_option
@store_option
@database_option
@format_option
def analyze(
    goal: str | None,
    respondent: str | None,
    segment: str | None,
    scenario: str,
    compare: str | None,
    sections: tuple[str, ...],
    model_id: str | None,
    store_url: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Show where the focal firm adds and destroys value in a goal's network.

    Sections: net value per actor, value destruction, deal-breakers, dependency
    and substitutes, opportunities, value loops, economic sheets, network
    metrics, segment aggregates, loyalty drivers and scenario changes
    (with --compare). Without --respondent or --segment, everyone is analysed.
    """
    if respondent and segment:
        raise click.UsageError("use --respondent or --segment, not both.")
    chosen = SECTIONS if "all" in sections else tuple(s for s in SECTIONS if s in sections)
    if "scenarios" in sections and compare is None:
        message("The scenarios section needs --compare SCENARIO.")
    with reading(store_url, database) as store:
        model = read_structure(store, model_id)
        result = analyze_goal(
            model,
            goal,
            scenario=scenario,
            respondent=respondent,
            segment=segment,
            compare=compare,
            sections=chosen,
            source=store,
        )
    if fmt == "json":
        echo_data(json.dumps(result.to_dict(chosen), ensure_ascii=False, indent=2))
        return
    tables = result.tables(chosen, full=fmt == "csv")
    if fmt == "csv":
        rows: list[dict[str, Any]] = [{"table": title, **row} for title, part in tables for row in part]
        columns = list(dict.fromkeys(c for r in rows for c in r)) or ["table"]
        echo_data(render_rows(rows, "csv", columns=columns))
        return
    echo_data("\n\n".join(render_rows(part, "table", title=title) for title, part in tables))
