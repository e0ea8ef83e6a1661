"""Commands for interview data: a blank template to fill in, and synthetic data to test with."""

from __future__ import annotations

import click

from valuenet.cli import cli
from valuenet.cli._common import database_option, message, reading, store_option
from valuenet.formats.template import write_template
from valuenet.store.base import read_structure


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    default="csv",
    show_default=True,
    help="csv: the header row alone; xlsx: a workbook with drop-down lists and a README sheet.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="File to write (interviews.csv or interviews.xlsx).",
)
@click.option(
    "--model",
    "model_id",
    metavar="ID",
    help="Follow this stored model: its dimensions' columns, and drop-downs of its actors, goals and segments.",
)
@store_option
@database_option
def template(fmt: str, output: str, model_id: str | None, store_url: str | None, database: str | None) -> None:
    """Write an empty interview table in the long layout, ready to fill in.

    One row per exchange: respondent, goal, scenario, actor, dimension, what the
    respondent gets and gives up (gets, gives, money), touchpoint, stage, quote,
    who is responsible; then the respondent's own columns (segment, NPS,
    churned, persona...), a weight and a threshold column per dimension, and
    actor_kind for an actor the model does not know yet.

    The CSV is the header row alone. The workbook's interviews sheet has its
    header frozen and drop-down lists for the dimension, actor kind and yes/no
    columns; a README sheet explains every column with an example. With
    --model, the columns follow that model's dimensions and the drop-downs offer
    its actors, goals, scenarios and segments (a new one may still be typed).
    Import the filled file with 'valuenet import FILE --model ID'.
    """
    model = None
    if model_id is not None:
        with reading(store_url, database) as store:
            model = read_structure(store, model_id)
    write_template(output, fmt, model)
    known = f" for model {model.id}" if model is not None else ""
    message(f"Wrote an empty {fmt} template{known} to {output}. See docs/interview-layout.md for the columns.")


@cli.command()
@click.option("--respondents", type=click.IntRange(min=1), required=True, help="How many interviews to make.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same data.")
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for model.yaml, interviews.csv and effects.json.",
)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
def synth(respondents: int, seed: int, out_dir: str, fmt: str) -> None:
    """Write realistic synthetic interview data with planted effects (about 10 rows per respondent).

    effects.json describes each planted effect (segment, actor, touchpoint,
    dimension, expected mean net value, tolerance) so an analysis can be checked.
    Import it with: valuenet import DIR/model.yaml DIR/interviews.csv --model synth
    """
    from valuenet.synth import write_synthetic

    sidecar = write_synthetic(out_dir, respondents, seed, fmt)
    message(
        f"Wrote {sidecar['rows']:,} rows for {respondents:,} respondents to {sidecar['files']['interviews']}, "
        f"with model.yaml and effects.json ({len(sidecar['effects'])} planted effects)."
    )
