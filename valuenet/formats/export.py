"""Write a model's interview data as tables in the long layout (CSV, JSON Lines, XLSX).

This is the inverse of :mod:`valuenet.importers.interviews`: each exchange (the
flows sharing an ``exchange`` id, ``<id>:gets`` and ``<id>:gives``) becomes one
row; respondent-level columns repeat on each row (CSV, JSONL) or go to a
``respondents`` sheet (XLSX); respondents without exchanges get a row of their
own. Importing the written file into a store that holds the model's actors and
goals gives the same respondents and flows back, text exactly as it was, and
importing it into the store it came from changes nothing: an exchange whose id
the importer would not derive from the row again carries it in ``exchange_id``.
Text cells of CSV and XLSX go through :func:`~valuenet.formats.cells.sheet_cell`,
so no spreadsheet runs them as formulas; the readers undo it. A value XLSX cannot
hold stops the export with a message naming the item and the column.

Flows that are not customer exchanges (structural flows between two actors,
such as clinic -> insurer claims) have no row in this layout; they are returned
as ``skipped`` so the caller can say so (the YAML/JSON model export keeps them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from valuenet.errors import ModelError, Problem
from valuenet.files import atomic_write
from valuenet.formats import cells, columns
from valuenet.formats.cells import CellError, Literal, scalar
from valuenet.models import DEFAULT_SCENARIO, EXCHANGE_SHARED, Flow, Model, Respondent, exchange_id

TABLE_FORMATS = ("csv", "jsonl", "xlsx")


@dataclass
class InterviewTables:
    """A model's interview data in the long layout, ready to write."""

    exchange_rows: list[dict[str, Any]]
    respondent_rows: list[dict[str, Any]]
    actor_rows: list[dict[str, Any]]
    skipped: list[Flow] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    #: What each exchange row stands for in a message ("exchange r1-care"), in the order of ``exchange_rows``.
    exchange_items: list[str] = field(default_factory=list)

    def columns(self, rows: list[dict[str, Any]], first: tuple[str, ...] = ()) -> list[str]:
        """The columns these rows use, in layout order (weights and thresholds in dimension order)."""
        used: dict[str, None] = dict.fromkeys(first)
        for r in rows:
            used.update(dict.fromkeys(r))
        order = {c.name: i for i, c in enumerate(columns.COLUMNS)}
        dims = {d: i for i, d in enumerate(self.dimensions)}

        def key(c: str) -> tuple[int, int, str]:
            if c in order:
                return order[c], 0, c
            if c.startswith(("weight_", "threshold_")):
                what, _, dim = c.partition("_")
                return len(order) + (0 if what == "weight" else 1), dims.get(dim, len(dims)), c
            return len(order) + 2, 0, c

        return sorted(used, key=key)


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if x.is_integer() and abs(x) < 1e15 else x


def _customer(model: Model, goal: str, resp: Respondent | None) -> str | None:
    try:
        return model.customer_of(goal, resp)
    except ModelError:
        return None


def respondent_row(model: Model, r: Respondent) -> dict[str, Any]:
    """The respondent-level columns of one respondent (empty values left out)."""
    row: dict[str, Any] = {
        "respondent": r.id,
        "respondent_name": r.name,
        "persona": r.persona or None,
        "customer": r.actor,
        "segment": r.segment,
        "nps": r.nps,
        "churned": r.churned,
        "situation": r.situation,
        "worldview": r.worldview,
        "comparisons": "; ".join(r.comparisons) or None,
        "interview": r.interview,
    }
    for d, w in r.weights.items():
        row[f"weight_{d}"] = _num(w)
    for d, t in r.thresholds.items():
        row[f"threshold_{d}"] = _num(t)
    for k, v in r.attributes.items():
        # text a table would read back as a number is marked literal (a leading ' in CSV and XLSX)
        row[f"{columns.ATTRIBUTE_PREFIX}{k}"] = Literal(v) if isinstance(v, str) and scalar(v) != v else v
    return {k: v for k, v in row.items() if v is not None}


def _exchange_row(model: Model, xid: str, flows: list[Flow], resp: Respondent | None) -> dict[str, Any] | None:
    gets = [f for f in flows if f.id == f"{xid}:gets"]
    gives = [f for f in flows if f.id == f"{xid}:gives"]
    if len(gets) + len(gives) != len(flows) or not flows:
        return None
    first = flows[0]
    if any(getattr(f, k) != getattr(first, k) for f in flows for k in EXCHANGE_SHARED):
        return None
    customer = _customer(model, first.goal, resp)
    if (gets and gets[0].target != customer) or (gives and gives[0].source != customer):
        return None
    actor = gets[0].source if gets else gives[0].target
    if gives and gives[0].target != actor:
        return None
    if gets and gets[0].magnitude is None and gets[0].money is None:
        return None
    # the id the importer derives from the row as it reads it back (ids and labels lose surrounding white space)
    derived = exchange_id(
        cells.ident(first.respondent),
        first.goal,
        first.scenario,
        actor,
        first.dimension,
        cells.label(first.touchpoint),
        cells.label(first.stage),
    )
    row: dict[str, Any] = {
        "exchange_id": xid if xid != derived else None,
        "respondent": first.respondent,
        "goal": first.goal,
        "scenario": first.scenario if first.scenario != DEFAULT_SCENARIO else None,
        "actor": actor,
        "dimension": first.dimension,
        "gets": _num(gets[0].magnitude) if gets else None,
        "gives": _num(gives[0].magnitude) if gives else None,
        "gets_money": _num(gets[0].money) if gets else None,
        "gives_money": _num(gives[0].money) if gives else None,
        "occurrences": _num(first.occurrences) if first.occurrences != 1.0 else None,
        "touchpoint": first.touchpoint,
        "stage": first.stage,
        "quote": first.quote,
        "responsible": first.responsible,
        "tangible": first.tangible,
        "note": first.note,
    }
    if row["gets"] is None and row["gives"] is None and row["gets_money"] is None and row["gives_money"] is None:
        return None
    return {k: v for k, v in row.items() if v is not None}


def interview_tables(model: Model, *, repeat_respondents: bool = True) -> InterviewTables:
    """The model's interview data as rows; ``repeat_respondents`` puts respondent columns on each exchange row."""
    respondents = {r.id: r for r in model.respondents}
    groups: dict[str, list[Flow]] = {}
    skipped: list[Flow] = []
    for f in model.flows:
        if f.exchange is None:
            skipped.append(f)
        else:
            groups.setdefault(f.exchange, []).append(f)
    rows: list[dict[str, Any]] = []
    items: list[str] = []
    with_rows: set[str] = set()
    resp_cols = {r.id: respondent_row(model, r) for r in model.respondents}
    for xid, flows in groups.items():
        rid = flows[0].respondent
        resp = respondents.get(rid) if rid else None
        row = _exchange_row(model, xid, flows, resp)
        if row is None:
            skipped.extend(flows)
            continue
        if repeat_respondents and rid in resp_cols:
            row = {**resp_cols[rid], **row}
        rows.append(row)
        items.append(f"exchange {xid}")
        if rid:
            with_rows.add(rid)
    respondent_rows = list(resp_cols.values())
    if repeat_respondents:
        alone = [r.id for r in model.respondents if r.id not in with_rows]
        rows += [resp_cols[rid] for rid in alone]
        items += [f"respondent {rid}" for rid in alone]
    actor_rows = [
        {
            k: v
            for k, v in {
                "actor": a.id,
                "actor_name": a.name,
                "actor_kind": a.kind,
                "actor_aliases": "; ".join(a.aliases) or None,
                "actor_description": a.description,
                "actor_perspective": a.perspective,
            }.items()
            if v is not None
        }
        for a in model.actors
    ]
    return InterviewTables(rows, respondent_rows, actor_rows, skipped, model.dimension_ids, items)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _check_cells(items: list[str], rows: list[dict[str, Any]], check: Any, fmt: str) -> None:
    """Stop with one line naming the item and column of the first text, or column name, ``check`` refuses."""
    for item, row in zip(items, rows, strict=True):
        for col, value in row.items():
            name = f"column name {cells.show(cells._visible(col))}"  # a respondent attribute's name, any text
            for what, text in ((name, col), (f'"{col}"', value)):
                if isinstance(text, str):
                    try:
                        check(text)
                    except CellError as exc:
                        raise ModelError(
                            [Problem(f"cannot export {item} as {fmt}", f"its {what} {exc.message}", exc.fix)]
                        ) from None


def _rows(rows: list[dict[str, Any]], cols: list[str], cell: Any) -> Iterator[list[Any]]:
    for r in rows:
        yield [cell(r.get(c)) if r.get(c) is not None else None for c in cols]


def write_interview_text(model: Model, out: IO[str], fmt: str) -> InterviewTables:
    """Write the model's interview data as ``csv`` or ``jsonl`` text to an open stream (a file, stdout)."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"interview tables as text are csv or jsonl, not {fmt!r}")
    tables = interview_tables(model)
    cols = tables.columns(tables.exchange_rows, ("respondent", "goal", "actor", "dimension", "gets", "gives"))
    if fmt == "csv":
        w = cells.SheetWriter(out, lineterminator="\n")
        w.writerow(cols)
        w.writerows(_rows(tables.exchange_rows, cols, _csv_cell))
    else:
        for r in tables.exchange_rows:
            out.write(json.dumps({c: r[c] for c in cols if c in r}, ensure_ascii=False) + "\n")
    return tables


def write_interview_tables(model: Model, path: str | Path, fmt: str) -> InterviewTables:
    """Write the model's interview data to ``path`` as ``csv``, ``jsonl`` or ``xlsx``, atomically."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")
    if fmt != "xlsx":
        with atomic_write(path, newline="") as fh:
            return write_interview_text(model, fh, fmt)
    from valuenet.formats.xlsx import write_workbook, xlsx_text

    tables = interview_tables(model, repeat_respondents=False)
    for items, rows in (
        ([f"actor {a['actor']}" for a in tables.actor_rows], tables.actor_rows),
        ([f"respondent {r['respondent']}" for r in tables.respondent_rows], tables.respondent_rows),
        (tables.exchange_items, tables.exchange_rows),
    ):
        _check_cells(items, rows, xlsx_text, "XLSX")
    resp_cols = tables.columns(tables.respondent_rows, ("respondent",))
    flow_cols = tables.columns(tables.exchange_rows, ("respondent", "goal", "actor", "dimension", "gets", "gives"))
    actor_cols = tables.columns(tables.actor_rows, ("actor", "actor_name", "actor_kind"))
    sheets = [
        ("actors", actor_cols, _rows(tables.actor_rows, actor_cols, lambda v: v)),
        ("respondents", resp_cols, _rows(tables.respondent_rows, resp_cols, lambda v: v)),
        ("flows", flow_cols, _rows(tables.exchange_rows, flow_cols, lambda v: v)),
    ]
    try:
        write_workbook(path, sheets)
    except CellError as exc:  # every cell was checked above; should one slip through, it is still one line
        raise ModelError([Problem("cannot export as XLSX", exc.message, exc.fix)]) from None
    return tables


__all__ = [
    "TABLE_FORMATS",
    "InterviewTables",
    "interview_tables",
    "respondent_row",
    "write_interview_tables",
    "write_interview_text",
]
