"""Commands that write HTML: view and report."""

from __future__ import annotations

from pathlib import Path

import click

from valuenet.cli import cli
from valuenet.cli._common import database_option, message, model_option, reading, store_option
from valuenet.store.base import read_structure


@cli.command()
@model_option
@click.option("--goal", metavar="GOAL", help="Goal whose network to show (needed when the model has several).")
@click.option("--respondent", metavar="ID", help="Show one respondent's network, centred on the customer.")
@click.option("--segment", metavar="NAME", help="Show a segment's network: mean values and n per flow.")
@click.option("--firm", is_flag=True, help="Centre on the focal firm: its flows and the flows it causes.")
@click.option("--scenario", default="current", show_default=True, metavar="ID", help="Scenario to show.")
@click.option("--compare", metavar="ID", help="Show what changes from --scenario to this scenario.")
@click.option(
    "--against",
    metavar="NAME",
    help="Show what changes from --segment to this segment (same scenario), better or worse for the customer.",
)
@click.option(
    "--journey",
    is_flag=True,
    help="Write the journey instead: net value per stage by dimension and touchpoint (with --segment, for it).",
)
@click.option(
    "--color-by",
    "color_by",
    type=click.Choice(["dimension", "impact", "change"]),
    help="Colour flows by dimension, by whether they add or destroy value, or by change "
    "(default: dimension; change with --compare or --against).",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="HTML file to write."
)
@store_option
@database_option
def view(
    model_id: str | None,
    goal: str | None,
    respondent: str | None,
    segment: str | None,
    firm: bool,
    scenario: str,
    compare: str | None,
    against: str | None,
    journey: bool,
    color_by: str | None,
    output: str,
    store_url: str | None,
    database: str | None,
) -> None:
    """Write an interactive network view as one HTML file that opens from disk, offline."""
    if respondent and segment:
        raise click.UsageError("use --respondent or --segment, not both.")
    if against and not segment:
        raise click.UsageError("--against compares two segments: name the first with --segment.")
    if against and compare:
        raise click.UsageError(
            "use --compare (scenario against scenario) or --against (segment against segment), not both."
        )
    if journey:
        clash = [
            f
            for f, on in (
                ("--respondent", respondent),
                ("--firm", firm),
                ("--compare", compare),
                ("--against", against),
                ("--color-by", color_by),
            )
            if on
        ]
        if clash:
            raise click.UsageError(f"--journey shows a segment or everyone; it does not take {', '.join(clash)}.")
        from valuenet.views.journey import build_journey, write_journey

        with reading(store_url, database) as store:
            model = read_structure(store, model_id)
            path = write_journey(build_journey(model, goal, scenario, segment, store), output)
        message(f"Wrote {path}. Open it in a browser; it needs no network.")
        return
    from valuenet.views import ViewSpec, write_model_view

    with reading(store_url, database) as store:
        model = read_structure(store, model_id)
        spec = ViewSpec(
            goal=goal,
            scenario=scenario,
            respondent=respondent,
            segment=segment,
            firm=firm,
            compare=compare,
            color_by=color_by,
            against=against,
        )
        path = write_model_view(model, spec, output, store)
    message(f"Wrote {path}. Open it in a browser; it needs no network.")


@cli.command()
@model_option
@click.option("--goal", metavar="GOAL", help="Goal to report on (needed when the model has several).")
@click.option("--scenario", default="current", show_default=True, metavar="ID", help="Scenario to report on.")
@click.option("--compare", metavar="ID", help="A second scenario to compare with (default: the goal's next one).")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, writable=True),
    help="Folder to write the report into (index.html).",
)
@store_option
@database_option
def report(
    model_id: str | None,
    goal: str | None,
    scenario: str,
    compare: str | None,
    output: str,
    store_url: str | None,
    database: str | None,
) -> None:
    """Write an HTML report for a goal: network, heatmap, value destruction, opportunities, loyalty drivers."""
    from valuenet.views.report import ReportSpec, write_report

    with reading(store_url, database) as store:
        model = read_structure(store, model_id)
        path = write_report(model, ReportSpec(goal=goal, scenario=scenario, compare=compare), Path(output), store)
    message(f"Wrote {path}. Open it in a browser; it needs no network.")
