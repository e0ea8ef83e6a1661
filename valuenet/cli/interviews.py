"""Commands for interview data: a blank template to fill in, and synthetic data to test with."""

from __future__ import annotations

import click

from valuenet.cli import cli
from valuenet.cli._common import message
from valuenet.formats.template import write_template


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="File to write (interviews.csv or interviews.xlsx).",
)
def template(fmt: str, output: str) -> None:
    """Write an empty interview table in the documented long layout, ready to fill in.

    The CSV is the header row alone; the workbook adds a README sheet explaining
    every column with an example value. Import the filled file with 'valuenet import'.
    """
    write_template(output, fmt)
    message(f"Wrote an empty {fmt} template to {output}. See docs/interview-layout.md for the columns.")


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
