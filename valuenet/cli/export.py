"""The export command: a model file, interview tables, a graph for Gephi, a Cypher script or a Parquet table."""

from __future__ import annotations

import sys

import click

from valuenet.cli import cli
from valuenet.cli._common import database_option, message, model_option, reading, store_option
from valuenet.exports import BINARY_FORMATS, FORMATS, GRAPH_FORMATS, export_store, format_of
from valuenet.models import DEFAULT_SCENARIO


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Default: the one -o FILE's suffix names, else json. json/yaml: the whole model file; "
    "csv/jsonl/xlsx: interview tables in the long layout (docs/interview-layout.md); "
    "graphml/gexf: a goal's network for Gephi; cypher: a script that recreates the model in Neo4j "
    "(cypher-shell -f FILE); parquet: a goal's flows, one row each (docs/exports.md).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE, not stdout.")
@click.option("--goal", metavar="ID", help="graphml/gexf/parquet: the goal (default: the model's only goal).")
@click.option(
    "--scenario",
    metavar="ID",
    default=DEFAULT_SCENARIO,
    show_default=True,
    help="graphml/gexf/parquet: the scenario (a based_on scenario holds what it inherits).",
)
@click.option("--segment", metavar="NAME", help="graphml/gexf/parquet: only this segment's respondents.")
@click.option(
    "--per-flow", is_flag=True, help="graphml/gexf: one edge per flow, not one per giver, receiver, dimension."
)
@model_option
@store_option
@database_option
def export(
    fmt: str | None,
    output: str | None,
    goal: str | None,
    scenario: str,
    segment: str | None,
    per_flow: bool,
    model_id: str | None,
    store_url: str | None,
    database: str | None,
) -> None:
    """Export a model as a model file or interview tables (that import back exactly), a graph, a script or a table."""
    to_file = output is not None and output != "-"
    named = format_of(output) if to_file and output is not None else None
    if fmt is None:
        fmt = named or "json"
    elif named is not None and named != fmt:
        raise click.UsageError(f"{output} is named as {named}, but --format {fmt} was given; make them agree.")
    if fmt in BINARY_FORMATS and not to_file:
        raise click.UsageError(f"--format {fmt} needs -o FILE.{fmt}.")
    with reading(store_url, database) as store:
        done = export_store(
            store,
            output if to_file and output is not None else sys.stdout,
            fmt,
            model=model_id,
            goal=goal,
            scenario=scenario,
            segment=segment,
            per_flow=per_flow,
        )
    if to_file:
        if fmt in ("csv", "jsonl", "xlsx"):
            message(f"Wrote {done.rows} rows of {done.model} to {output}.")
        elif fmt in GRAPH_FORMATS:
            message(
                f"Wrote {done.nodes} actors and {done.edges} edges of {done.model}, goal {done.goal}, scenario "
                f"{done.scenario}{f', segment {done.segment}' if done.segment else ''} to {output}."
            )
        elif fmt == "parquet":
            message(f"Wrote {done.rows} flows of {done.model}, goal {done.goal}, scenario {done.scenario} to {output}.")
        elif fmt == "cypher":
            message(f"Wrote {done.rows} statements recreating {done.model} to {output}: run cypher-shell -f {output}.")
        else:
            message(f"Wrote {done.model} to {output}.")
    if done.skipped:
        message(
            f"Note: {done.skipped} flows are not customer exchanges and have no row in this layout; "
            "export --format yaml keeps them."
        )
    for note in done.notes:
        message(f"Note: {note}")
