"""Blank interview tables in the long layout, for research teams to fill in.

The CSV template is the header row alone. The workbook has an ``interviews``
sheet with the header row frozen, a ``README`` sheet that opens with a short
introduction, then explains every column with an example value and the other
headers it accepts, and a hidden ``lists`` sheet behind the drop-down lists of
the ``interviews`` sheet: dimensions, actor kinds and yes/no always; with a
model, also its actors (by name), goals, scenarios and segments. The importer
reads only the ``interviews`` sheet.

Drop-downs that must match (dimension, actor kind, yes/no) refuse other
values; those where a new value is allowed (a new actor with its
``actor_kind``, a new segment) only offer the known ones.
"""

from __future__ import annotations

from pathlib import Path

from valuenet.files import atomic_write
from valuenet.formats import columns
from valuenet.formats.cells import SheetWriter
from valuenet.models import STANDARD_DIMENSIONS, STANDARD_KINDS, Model

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


#: Rows of the interviews sheet that carry the drop-down lists (the rest of the sheet has none).
LIST_ROWS = 10_000
_YES_NO = ["yes", "no"]


def template_columns(model: Model | None = None) -> list[str]:
    """The template's header: exchange and respondent columns, weights and thresholds, actor_kind.

    The weight and threshold columns are the model's dimensions (the standard four without a model).
    """
    dims = tuple(model.dimension_ids) if model is not None else STANDARD_DIMENSIONS
    return columns.template_columns(dims)


def choices(model: Model | None = None) -> dict[str, tuple[list[str], bool]]:
    """The drop-down list of each column: its values and whether other values are refused.

    >>> sorted(choices())
    ['actor_kind', 'churned', 'dimension', 'persona', 'tangible']
    >>> choices()["dimension"]
    (['functional', 'economic', 'experiential', 'symbolic'], True)
    """
    dims = model.dimension_ids if model is not None else list(STANDARD_DIMENSIONS)
    kinds = model.kind_ids if model is not None else list(STANDARD_KINDS)
    out: dict[str, tuple[list[str], bool]] = {
        "dimension": (dims, True),
        "actor_kind": (kinds, True),
        "tangible": (_YES_NO, True),
        "persona": (_YES_NO, True),
        "churned": (_YES_NO, True),
    }
    if model is not None:
        segments = sorted({r.segment for r in model.respondents if r.segment})
        scenarios = ["current", *[s.id for g in model.goals for s in g.scenarios if s.id != "current"]]
        known = {
            "actor": [a.name for a in model.actors],
            "goal": [g.id for g in model.goals],
            "scenario": list(dict.fromkeys(scenarios)),
            "customer": [a.id for a in model.actors if a.kind == "customer"],
            "responsible": [a.name for a in model.actors],
            "segment": segments,
        }
        out.update({col: (values, False) for col, values in known.items() if values})
    return out


def readme_rows(model: Model | None = None) -> list[list[str]]:
    """One row per column: name, level, what it holds, an example."""
    rows = []
    for col in template_columns(model):
        spec = columns.BY_NAME.get(col)
        level = spec.level if spec else "respondent"
        example = EXAMPLE.get(col, "0.3" if col.startswith("weight_") else "3" if col.startswith("threshold_") else "")
        aliases = ", ".join(spec.aliases) if spec else ""
        rows.append([col, level, columns.column_help(col), example, aliases])
    return rows


def write_template(path: str | Path, fmt: str, model: Model | None = None) -> None:
    """Write an empty template as ``csv`` (header only) or ``xlsx`` (sheets as the module says).

    With a ``model``, the columns follow its dimensions and the workbook's drop-downs know its actors,
    goals, scenarios and segments.
    """
    cols = template_columns(model)
    if fmt == "csv":
        with atomic_write(path, newline="") as fh:
            SheetWriter(fh, lineterminator="\n").writerow(cols)
        return
    if fmt != "xlsx":
        raise ValueError(f"templates are csv or xlsx, not {fmt!r}")
    intro = [
        ["Respondent columns may repeat on every row of that respondent; they must agree."],
        ["Headers match case- and space-insensitively; other accepted headers are listed."],
        ["See docs/interview-layout.md for the whole layout."],
        [],
        ["column", "level", "what it holds", "example", "also accepted"],
    ]
    title = ["One row per exchange: a respondent gets and gives up value in one dimension from one actor."]
    _write_workbook(path, cols, [title, *intro, *readme_rows(model)], choices(model))


def _write_workbook(
    path: str | Path, cols: list[str], readme: list[list[str]], lists: dict[str, tuple[list[str], bool]]
) -> None:
    """The template workbook: interviews (frozen header, drop-downs), README, and the hidden lists sheet."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from valuenet.files import atomic_path
    from valuenet.formats.xlsx import xlsx_text

    wb = Workbook()
    sheet = wb.active
    sheet.title = "interviews"
    for i, col in enumerate(cols, 1):
        sheet.cell(row=1, column=i, value=xlsx_text(col)).data_type = "s"
        sheet.column_dimensions[get_column_letter(i)].width = max(10, len(col) + 2)
    sheet.freeze_panes = "A2"
    info = wb.create_sheet("README")
    for r, row in enumerate(readme, 1):
        for c, text in enumerate(row, 1):
            info.cell(row=r, column=c, value=xlsx_text(text)).data_type = "s"
    hidden = wb.create_sheet("lists")
    hidden.sheet_state = "hidden"
    for n, (col, (values, strict)) in enumerate((c, lists[c]) for c in cols if c in lists):
        letter = get_column_letter(n + 1)
        hidden.cell(row=1, column=n + 1, value=xlsx_text(col)).data_type = "s"
        for r, value in enumerate(values, 2):
            hidden.cell(row=r, column=n + 1, value=xlsx_text(value)).data_type = "s"
        rule = DataValidation(
            type="list",
            formula1=f"=lists!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=strict,
            errorStyle="stop",
            errorTitle=f"Not a {col}",
            error=f"Choose a {col} from the list.",
        )
        target = get_column_letter(cols.index(col) + 1)
        rule.add(f"{target}2:{target}{LIST_ROWS + 1}")
        sheet.add_data_validation(rule)
    with atomic_path(path) as tmp:
        wb.save(tmp)


__all__ = ["choices", "readme_rows", "template_columns", "write_template"]
