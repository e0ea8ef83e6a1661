"""The export command: a model as a model file, its interviews as tables."""

from __future__ import annotations

import sys

import click

from valuenet.cli import cli
from valuenet.cli._common import database_option, message, model_option, reading, store_option
from valuenet.files import write_text
from valuenet.formats.export import TABLE_FORMATS, write_interview_tables, write_interview_text
from valuenet.formats.modelfile import model_to_json, model_to_yaml


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "yaml", *TABLE_FORMATS]),
    default="json",
    show_default=True,
    help="json/yaml: the whole model file; csv/jsonl/xlsx: interview tables in the long "
    "layout (docs/interview-layout.md).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE, not stdout.")
@model_option
@store_option
@database_option
def export(fmt: str, output: str | None, model_id: str | None, store_url: str | None, database: str | None) -> None:
    """Export a model as a model file, or its interview data as tables, that import back exactly."""
    with reading(store_url, database) as store:
        model = store.read_model(model_id)
    if fmt in TABLE_FORMATS:
        if output is None and fmt == "xlsx":
            raise click.UsageError("--format xlsx needs -o FILE.xlsx.")
        if output is None or output == "-":
            tables = write_interview_text(model, sys.stdout, fmt)
        else:
            tables = write_interview_tables(model, output, fmt)
            message(f"Wrote {len(tables.exchange_rows)} rows of {model.id} to {output}.")
        if tables.skipped:
            message(
                f"Note: {len(tables.skipped)} flows are not customer exchanges and have no row in this layout; "
                "export --format yaml keeps them."
            )
        return
    text = model_to_json(model) if fmt == "json" else model_to_yaml(model)
    if output and output != "-":
        write_text(output, text)
        message(f"Wrote {model.id} to {output}.")
    else:
        click.echo(text, nl=False)
