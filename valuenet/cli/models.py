"""Commands that manage models: init, validate, import, list, stats (export is in valuenet.cli.export)."""

from __future__ import annotations

import click

from valuenet.cli import cli
from valuenet.cli._common import (
    FORMATS,
    connect,
    database_option,
    echo_data,
    emit,
    format_option,
    message,
    model_option,
    output_option,
    reading,
    render_rows,
    store_option,
)
from valuenet.cli.progress import progress_bar
from valuenet.errors import ModelFileError
from valuenet.files import check_output
from valuenet.formats.inputs import FORMATS as TABLE_INPUT_FORMATS
from valuenet.formats.modelfile import read_model_files
from valuenet.formats.stdin import check_stdin
from valuenet.importers import InterviewImportResult, import_files
from valuenet.store import WriteSummary
from valuenet.summary import list_items, model_stats


def summary_rows(summary: WriteSummary, interviews: InterviewImportResult | None = None) -> list[dict[str, object]]:
    """One row per item kind; with interview tables, a ``rejected`` column counts rejected rows."""
    if interviews is None:
        return [{"items": kind, **vars(c)} for kind, c in summary.counts.items()]
    rejected = {
        "actors": interviews.rejected["actors"],
        "respondents": interviews.rejected["respondents"],
        "flows": interviews.rejected["flows"],
    }
    return [{"items": kind, **vars(c), "rejected": rejected.get(kind, 0)} for kind, c in summary.counts.items()]


@cli.command()
@store_option
@database_option
def init(store_url: str | None, database: str | None) -> None:
    """Create an empty store (a no-op when it exists)."""
    with connect(store_url, database, create=True) as store:
        message(f"Store ready at {store.url} ({len(store.list_models())} models).")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check model files and report every problem; writes nothing."""
    models = read_model_files(files)
    for path, model in models:
        message(
            f"{path}: OK ({len(model.actors)} actors, {len(model.respondents)} respondents, {len(model.flows)} flows)."
        )


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--model",
    "model_id",
    metavar="ID",
    help="Model the interview tables go into (required to create a new model from tables).",
)
@click.option(
    "--format",
    "in_fmt",
    type=click.Choice(TABLE_INPUT_FORMATS),
    help="Read the interview tables as this format, whatever their extension (required for -, standard input).",
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="Text encoding of CSV/JSON files (default UTF-8, with or without BOM), e.g. cp1252 or latin-1.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Model files: make the stored model exactly the file. Tables: replace the data of each respondent they name.",
)
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows; write the rejected ones to a rejects file.")
@click.option(
    "--rejects",
    "rejects",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Where --skip-invalid writes rejected rows, in the format its name gives "
    "(default: FIRST_TABLE.rejects.EXT, in the first table's format; required when it is standard input).",
)
@click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing.")
@click.option(
    "--aliases",
    type=click.Path(dir_okay=False, exists=True),
    metavar="FILE",
    help="CSV of alias,actor pairs merging other spellings of actor names.",
)
@click.option(
    "--summary",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Format of the summary printed on stdout.",
)
@store_option
@database_option
def import_(
    files: tuple[str, ...],
    model_id: str | None,
    in_fmt: str | None,
    encoding: str | None,
    replace: bool,
    skip_invalid: bool,
    rejects: str | None,
    dry_run: bool,
    aliases: str | None,
    store_url: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Import model files and interview tables (CSV, XLSX, JSON, JSONL) into the store.

    Every row is checked first: by default any invalid row means nothing is
    written. Importing the same file again changes nothing.

    A FILE of - reads an interview table from standard input, e.g.
    cat interviews.csv | valuenet import - --format csv --model health;
    --format is then required, messages call it <stdin>, and --skip-invalid
    needs --rejects FILE.
    """
    try:  # before the store is opened: a usage error costs nothing
        check_stdin(files, in_fmt, TABLE_INPUT_FORMATS, rejects_needed=skip_invalid and rejects is None)
    except ModelFileError as exc:
        raise click.UsageError(str(exc)) from None
    if skip_invalid and rejects:
        check_output(rejects)  # before the rows are read, so a mistyped folder costs nothing
    with connect(store_url, database, create=True) as store, progress_bar("Importing") as progress:
        result = import_files(
            store,
            files,
            model_id=model_id,
            fmt=in_fmt,
            encoding=encoding,
            replace=replace,
            skip_invalid=skip_invalid,
            rejects=rejects,
            dry_run=dry_run,
            aliases=aliases,
            progress=progress,
        )
        url = store.url
    tab = result.interviews
    echo_data(render_rows(summary_rows(result.summary, tab), fmt))
    if tab is not None:
        for w in tab.warnings:
            message(f"Warning: {w}")
        if tab.total_rejected:
            for p in tab.problems:
                message(f"Rejected: {p}")
            if tab.hidden_problems:
                message(f"... and {tab.hidden_problems} more problems not shown.")
        line = f"Read {tab.rows:,} rows: {tab.imported:,} valid, {tab.total_rejected:,} rejected"
        line += f", {tab.repeated} repeated rows counted once." if tab.repeated else "."
        if tab.rejects_file:
            line += f" Rejected rows are in {tab.rejects_file}: fix them and import that file."
        message(line)
    verb = "Would import" if dry_run else "Imported"
    message(f"{verb} {', '.join(result.models)} into {url}" + (" (dry run: nothing written)." if dry_run else "."))


@cli.command("list")
@click.argument("what", type=click.Choice(["models", "goals", "respondents", "actors"]))
@model_option
@store_option
@database_option
@format_option
@output_option()
def list_(
    what: str, model_id: str | None, store_url: str | None, database: str | None, fmt: str, output: str | None
) -> None:
    """List the models, goals, respondents or actors in the store.

    --format csv (with --excel for Excel) or jsonl gives a table for a
    spreadsheet or pandas; -o FILE writes it to a file.
    """
    with reading(store_url, database) as store:
        if what == "models":
            rows = [vars(m) for m in store.list_models()]
        else:
            rows = list_items(store.read_model(model_id), what)
    emit(render_rows(rows, fmt), output)


@cli.command()
@model_option
@store_option
@database_option
@format_option
@output_option()
def stats(model_id: str | None, store_url: str | None, database: str | None, fmt: str, output: str | None) -> None:
    """Count respondents, actors and flows per goal and scenario, and flows per dimension.

    --format csv (with --excel for Excel) or jsonl gives a table for a
    spreadsheet or pandas; -o FILE writes it to a file.
    """
    with reading(store_url, database) as store:
        ids = [model_id] if model_id else [m.id for m in store.list_models()]
        rows = [row for mid in ids for row in model_stats(store.read_model(mid))]
    emit(render_rows(rows, fmt), output)


__all__ = ["summary_rows"]
