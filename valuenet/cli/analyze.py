"""The analyze command: where the firm adds and destroys value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from valuenet.analysis.report import SECTIONS, TABLES, GoalAnalysis, NamedTable, analyze_goal
from valuenet.cli import cli
from valuenet.cli._common import (
    FORMAT_HELP,
    FORMATS,
    choice_format_option,
    csv_text,
    database_option,
    emit,
    excel,
    json_line,
    message,
    model_option,
    output_option,
    reading,
    render_rows,
    store_option,
)
from valuenet.files import AtomicFile, check_output, make_folder
from valuenet.formats.tables import ELLIPSIS, columns_of, write_xlsx_tables
from valuenet.formats.xlsx import XLSX_MAX_CELL
from valuenet.models import DEFAULT_SCENARIO
from valuenet.store.base import read_structure

OUTPUT_HELP = (
    "Write to PATH instead of stdout, whole or not at all. With --format csv, a PATH ending in .csv "
    "is one file (for one table); any other PATH is a folder (created if missing) with one NAME.csv per table. "
    "--format xlsx needs it."
)


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
    help="Section(s) to show; repeat the option for several. Default: all (or those of --table).",
)
@click.option(
    "--table",
    "table_names",
    multiple=True,
    type=click.Choice(list(TABLES)),
    help="Table(s) to show, by name (a section gives one or more tables); repeat the option for several.",
)
@model_option
@store_option
@database_option
@choice_format_option(
    (*FORMATS, "xlsx"), FORMAT_HELP.removesuffix(".") + "; or xlsx (a workbook, one sheet per table; needs -o)."
)
@output_option(OUTPUT_HELP)
def analyze(
    goal: str | None,
    respondent: str | None,
    segment: str | None,
    scenario: str,
    compare: str | None,
    sections: tuple[str, ...],
    table_names: tuple[str, ...],
    model_id: str | None,
    store_url: str | None,
    database: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Show where the focal firm adds and destroys value in a goal's network.

    Sections: net value per actor, value destruction, deal-breakers, dependency
    and substitutes, opportunities, value loops, economic sheets, network
    metrics, segment aggregates, loyalty drivers and scenario changes
    (with --compare). Without --respondent or --segment, everyone is analysed.

    Each section gives one or more tables, named as --table lists them.
    --format table prints them all for reading; json prints one document;
    jsonl prints one object per table row, its table's name in "table";
    xlsx writes a workbook (-o FILE.xlsx) with an About sheet (the scope) and
    a sheet per table. csv prints one table: choose it with --table or
    --section when there are several, or write one CSV per table with
    -o FOLDER. --excel writes CSV for Excel (byte-order mark, CRLF).
    """
    if respondent and segment:
        raise click.UsageError("use --respondent or --segment, not both.")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a workbook: give -o FILE.xlsx.")
    explicit = SECTIONS if "all" in sections else sections
    wanted = {*explicit, *(TABLES[t] for t in table_names)}
    chosen = tuple(s for s in SECTIONS if s in wanted) if wanted else SECTIONS
    if "scenarios" in wanted and compare is None:
        message("The scenarios section needs --compare SCENARIO.")
    if output is not None and not (fmt == "csv" and _is_folder(output)):
        check_output(output)  # before the analysis, so a mistyped folder costs nothing
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
        emit(json.dumps(result.to_dict(chosen), ensure_ascii=False, indent=2), output)
        return
    tables = [
        t
        for t in result.named_tables(chosen, full=fmt != "table")
        if not table_names or t[0] in table_names or TABLES[t[0]] in explicit
    ]
    if fmt == "table":
        emit("\n\n".join(render_rows(rows, "table", title=title) for _, title, rows in tables), output)
    elif fmt == "jsonl":
        emit("\n".join(json_line({"table": name, **row}) for name, _, rows in tables for row in rows), output)
    elif fmt == "xlsx":
        assert output is not None
        changed = write_xlsx_tables(
            output, tables, about(result, tuple(dict.fromkeys(TABLES[n] for n, _, _ in tables)))
        )
        message(f"Wrote {output} ({len(tables)} tables).")
        if changed:
            message(
                f"Note: {changed} text cell{'s' if changed != 1 else ''} changed to fit XLSX: text past "
                f"{XLSX_MAX_CELL:,} characters cut (ending with {ELLIPSIS}), characters XLSX cannot hold "
                "written as U+FFFD. --format json, jsonl and csv hold the text whole."
            )
    else:
        _write_csv(tables, output)


def about(result: GoalAnalysis, sections: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The scope of an analysis, as the label/value rows of a workbook's About sheet."""
    return [
        ("model", result.model),
        ("goal", result.goal),
        ("scenario", result.scenario),
        ("compare", result.compare),
        ("focal firm", result.focal),
        ("customer", result.customer),
        ("scope", result.scope),
        ("segment", result.segment),
        ("respondent", result.respondent),
        ("respondents (n)", result.respondents),
        ("sections", ", ".join(sections)),
    ]


def _is_folder(output: str) -> bool:
    """Whether ``-o`` names a folder for CSV: an existing folder, or a path that does not end in .csv."""
    path = Path(output)
    return path.is_dir() or path.suffix.lower() != ".csv"


def _write_csv(tables: list[NamedTable], output: str | None) -> None:
    """One table on stdout or in a .csv file; one CSV per table in a folder (all written, or none)."""
    names = ", ".join(name for name, _, _ in tables)
    if output is None or not _is_folder(output):
        if len(tables) != 1:
            where = "prints" if output is None else "writes to one .csv file"
            raise click.UsageError(
                f"--format csv {where} one table, and this analysis gives {len(tables)} ({names or 'none'}). "
                "Choose one with --table NAME, or write one CSV per table with -o FOLDER "
                "(or a workbook with --format xlsx -o FILE.xlsx)."
            )
        _, _, rows = tables[0]
        emit(csv_text(rows, columns_of(rows)), output)
        return
    folder = make_folder(output)
    files = [AtomicFile(folder / f"{name}.csv", newline="") for name, _, _ in tables]
    try:
        for fh, (_, _, rows) in zip(files, tables, strict=True):
            fh.file.write(csv_text(rows, columns_of(rows), for_excel=excel()))
    except BaseException:
        for fh in files:
            fh.discard()
        raise
    for fh in files:
        fh.commit()
    message(f"Wrote {len(files)} CSV files to {folder}: {names}.")
