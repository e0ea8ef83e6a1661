"""Property: rows -> file (CSV, JSONL, XLSX) -> import -> export gives the rows back."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import tiny_model
from valuenet.formats.export import write_interview_tables
from valuenet.formats.xlsx import write_workbook
from valuenet.importers import import_files
from valuenet.models import STANDARD_DIMENSIONS
from valuenet.store.sqlite import SQLiteStore

COLS = ["respondent", "goal", "actor", "dimension", "gets", "gives", "touchpoint", "quote", "segment", "nps"]
text = st.text(st.characters(whitelist_categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=12).filter(
    lambda s: s == s.strip()
)
half = st.integers(0, 10).map(lambda x: x / 2)


@st.composite
def interview_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    people = draw(
        st.dictionaries(
            st.sampled_from(["r1", "r2", "r3", "r4"]),
            st.tuples(st.none() | text, st.none() | st.integers(0, 10)),
            min_size=1,
        )
    )
    rows, keys = [], set()
    for _ in range(draw(st.integers(1, 8))):
        rid = draw(st.sampled_from(sorted(people)))
        row = {
            "respondent": rid,
            "goal": "healthy",
            "actor": draw(st.sampled_from(["clinic", "insurer", "family"])),
            "dimension": draw(st.sampled_from(STANDARD_DIMENSIONS)),
            "gets": draw(st.none() | half),
            "gives": draw(st.none() | half),
            "touchpoint": draw(st.none() | text),
            "quote": draw(st.none() | text),
            "segment": people[rid][0],
            "nps": people[rid][1],
        }
        if row["gets"] is None and row["gives"] is None:
            row["gets"] = 1.0
        key = (rid, row["actor"], row["dimension"], row["touchpoint"])
        if key not in keys:
            keys.add(key)
            rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def write_rows(rows: list[dict[str, Any]], path: Path, fmt: str) -> None:
    cells = [[r.get(c) for c in COLS] for r in rows]
    if fmt == "xlsx":
        write_workbook(path, [("flows", COLS, cells)])
    elif fmt == "csv":
        from valuenet.formats.cells import sheet_cell

        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLS)
            w.writerows([[sheet_cell(v) if v is not None else "" for v in row] for row in cells])
    else:
        import json

        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def read_back(path: Path) -> list[dict[str, Any]]:
    """Exported CSV rows, with numbers as numbers and the ' that protects formula-like text removed."""
    from valuenet.formats import cells

    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            got: dict[str, Any] = {}
            for c in COLS:
                v = row.get(c) or None
                if v is None:
                    continue
                got[c] = cells.number(v) if c in ("gets", "gives") else int(v) if c == "nps" else cells.from_sheet(v)
            out.append(got)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=interview_rows(), fmt=st.sampled_from(["csv", "jsonl", "xlsx"]))
def test_rows_file_import_export_gives_the_rows_back(rows: list[dict[str, Any]], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = folder / f"in.{fmt}"
        write_rows(rows, src, fmt)
        store = SQLiteStore(":memory:")
        store.write_model(tiny_model().model_copy(update={"respondents": [], "flows": []}))
        import_files(store, [src])
        write_interview_tables(store.read_model(), folder / "out.csv", "csv")
        expected = [{k: float(v) if k in ("gets", "gives") else v for k, v in r.items()} for r in rows]
        assert read_back(folder / "out.csv") == expected
