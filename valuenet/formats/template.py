"""Blank interview tables in the long layout, for research teams to fill in.

The CSV template is the header row alone. The workbook has an ``interviews``
sheet with the header and a ``README`` sheet that opens with a short
introduction, then explains every column with an example value and the other
headers it accepts; the importer skips the README sheet.
"""

from __future__ import annotations

from pathlib import Path

from valuenet.files import atomic_write
from valuenet.formats import columns
from valuenet.formats.cells import SheetWriter
from valuenet.models import STANDARD_DIMENSIONS

EXAMPLE: dict[str, str] = {
    "exchange_id": "(leave empty)",
    "respondent": "h01",
    "goal": "become-healthy",
    "scenario": "current",
    "actor": "Riverside Physio Clinic",
    "dimension": "experiential",
    "gets": "4",
    "gives": "2",
    "gets_money": "",
    "gives_money": "65",
    "occurrences": "8",
    "touchpoint": "waiting-room",
    "stage": "treatment",
    "quote": "The physio is lovely, the waiting is not.",
    "responsible": "",
    "tangible": "no",
    "note": "",
    "respondent_name": "Helen",
    "persona": "no",
    "customer": "patient",
    "segment": "working-parents",
    "nps": "6",
    "churned": "no",
    "situation": "Two children, little spare time",
    "worldview": "",
    "comparisons": "hospital; gym",
    "interview": "int-2026-03-h01",
    "actor_kind": "provider (only for a new actor)",
}


def template_columns() -> list[str]:
    """The template's header: exchange and respondent columns, weights and thresholds, actor_kind."""
    return columns.template_columns(STANDARD_DIMENSIONS)


def readme_rows() -> list[list[str]]:
    """One row per column: name, level, what it holds, an example."""
    rows = []
    for col in template_columns():
        spec = columns.BY_NAME.get(col)
        level = spec.level if spec else "respondent"
        example = EXAMPLE.get(col, "0.3" if col.startswith("weight_") else "3" if col.startswith("threshold_") else "")
        aliases = ", ".join(spec.aliases) if spec else ""
        rows.append([col, level, columns.column_help(col), example, aliases])
    return rows


def write_template(path: str | Path, fmt: str) -> None:
    """Write an empty template as ``csv`` (header only) or ``xlsx`` (header sheet and README sheet)."""
    cols = template_columns()
    if fmt == "csv":
        with atomic_write(path, newline="") as fh:
            SheetWriter(fh, lineterminator="\n").writerow(cols)
        return
    if fmt != "xlsx":
        raise ValueError(f"templates are csv or xlsx, not {fmt!r}")
    from valuenet.formats.xlsx import write_workbook

    intro = [
        ["Respondent columns may repeat on every row of that respondent; they must agree."],
        ["Headers match case- and space-insensitively; other accepted headers are listed."],
        ["See docs/interview-layout.md for the whole layout."],
        [],
        ["column", "level", "what it holds", "example", "also accepted"],
    ]
    title = ["One row per exchange: a respondent gets and gives up value in one dimension from one actor."]
    write_workbook(path, [("interviews", cols, []), ("README", title, [*intro, *readme_rows()])])


__all__ = ["readme_rows", "template_columns", "write_template"]
