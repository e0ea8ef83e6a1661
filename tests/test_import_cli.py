"""The import, export, template and synth commands, through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import tiny_model
from valuenet.cli import cli
from valuenet.cli.progress import ProgressLine, progress_bar
from valuenet.formats.template import template_columns
from valuenet.store.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as s:
        s.write_model(tiny_model())
    return str(path)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_template_csv_is_the_documented_header(tmp_path: Path) -> None:
    code, _, err = run("template", "--format", "csv", "-o", str(tmp_path / "t.csv"))
    assert code == 0, err
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [template_columns()]
    assert "respondent" in template_columns() and "weight_experiential" in template_columns()


def test_template_xlsx_has_a_readme_sheet_the_importer_skips(tmp_path: Path, db: str) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    assert run("template", "--format", "xlsx", "-o", str(path))[0] == 0
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["interviews", "README", "lists"]
    readme = [r[0] if r else None for r in wb["README"].iter_rows(values_only=True)]
    wb.close()
    assert readme[0].startswith("One row per exchange")  # the introduction comes first
    first = readme.index("column") + 1  # then the table of columns
    assert readme[first : first + len(template_columns())] == template_columns()
    code, _, err = run("import", str(path), "--store", db)
    assert (code, err.strip()) == (
        1,
        f"Error: {path} sheet interviews: has a header but no data rows. Add rows "
        "below the header, or leave the file out.",
    )


def _validations(path: Path) -> dict[str, tuple[list[str], bool]]:
    """Each column's drop-down in a template workbook: the values of its list, and whether it refuses others."""
    from openpyxl import load_workbook
    from openpyxl.utils import column_index_from_string

    wb = load_workbook(path)
    sheet, lists = wb["interviews"], wb["lists"]
    header = [c.value for c in sheet[1]]
    out = {}
    for rule in sheet.data_validations.dataValidation:
        target = str(rule.sqref).split(":")[0].rstrip("0123456789")
        ref = rule.formula1.removeprefix("=lists!").replace("$", "")
        first, last = ref.split(":")
        col = column_index_from_string(first.rstrip("0123456789"))
        rows = range(
            int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + 1
        )
        out[header[column_index_from_string(target) - 1]] = (
            [lists.cell(r, col).value for r in rows],
            rule.showErrorMessage,
        )
    assert sheet.freeze_panes == "A2" and lists.sheet_state == "hidden"
    return out


def test_template_xlsx_offers_drop_downs_and_freezes_its_header(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert run("template", "--format", "xlsx", "-o", str(path))[0] == 0
    lists = _validations(path)
    assert lists["dimension"] == (["functional", "economic", "experiential", "symbolic"], True)
    assert lists["churned"] == (["yes", "no"], True) and "focal_firm" in lists["actor_kind"][0]
    assert "actor" not in lists  # no model: nothing to offer


def test_template_for_a_model_knows_its_actors_and_imports_back(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db = str(tmp_path / "s.db")
    model = tiny_model()
    model.actors[1].name = '=HYPERLINK("http://x")'  # a name a spreadsheet would run
    with SQLiteStore(db) as s:
        s.write_model(model)
    path = tmp_path / "t.xlsx"
    code, _, err = run("template", "--format", "xlsx", "-o", str(path), "--model", model.id, "--store", db)
    assert code == 0, err
    assert f"for model {model.id}" in err
    lists = _validations(path)
    offered, strict = lists["actor"]
    assert strict is False  # a new actor may still be typed
    assert offered == [a.name if not a.name.startswith("=") else "'" + a.name for a in model.actors]
    assert lists["goal"] == ([g.id for g in model.goals], False)
    # a row filled in from the drop-downs imports: the escaped name reads back as the actor's name
    wb = load_workbook(path)
    sheet = wb["interviews"]
    header = [c.value for c in sheet[1]]
    row = {
        "respondent": "t99",
        "goal": lists["goal"][0][0],
        "actor": offered[1],
        "dimension": "functional",
        "gets": 3,
        "gives": 1,
    }
    for name, value in row.items():
        sheet.cell(row=2, column=header.index(name) + 1, value=value)
    wb.save(path)
    code, _, err = run("import", str(path), "--store", db, "--model", model.id)
    assert code == 0, err
    with SQLiteStore(db) as s:
        flows = [f for f in s.read_model(model.id).flows if f.respondent == "t99"]
    assert {f.source for f in flows} >= {model.actors[1].id}


def test_synth_writes_model_interviews_and_effects_that_import(tmp_path: Path) -> None:
    out = tmp_path / "syn"
    code, _, err = run("synth", "--respondents", "40", "--seed", "5", "-o", str(out))
    assert code == 0, err
    effects = json.loads((out / "effects.json").read_text(encoding="utf-8"))
    first = (out / "interviews.csv").read_bytes()
    assert run("synth", "--respondents", "40", "--seed", "5", "-o", str(out))[0] == 0
    assert (out / "interviews.csv").read_bytes() == first  # the same seed gives the same file
    db = str(tmp_path / "s.db")
    code, stdout, err = run(
        "import",
        str(out / "model.yaml"),
        str(out / "interviews.csv"),
        "--model",
        "synth",
        "--store",
        db,
        "--summary",
        "json",
    )
    assert code == 0, err
    counts = {r["items"]: r for r in json.loads(stdout)}
    assert counts["respondents"]["added"] == 40
    assert f"Read {effects['rows']:,} rows: {effects['rows']:,} valid, 0 rejected." in err


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_export_tables_import_back_into_the_same_store(fmt: str, tmp_path: Path, db: str) -> None:
    out = tmp_path / f"out.{fmt}"
    code, _, err = run("export", "--format", fmt, "-o", str(out), "--store", db)
    assert code == 0, err
    assert "Note: 1 flows are not customer exchanges" in err  # the clinic -> insurer claims flow
    fresh = tmp_path / "fresh.db"
    with SQLiteStore(fresh) as s:
        model = tiny_model()
        s.write_model(model.model_copy(update={"respondents": [], "flows": [model.flows[-1]]}))
    assert run("import", str(out), "--store", str(fresh))[0] == 0
    with SQLiteStore(fresh) as s, SQLiteStore(db) as original:
        assert sorted(s.read_model().flows, key=lambda f: f.id) == sorted(
            original.read_model().flows, key=lambda f: f.id
        )
        assert sorted(s.read_model().respondents, key=lambda r: r.id) == original.read_model().respondents


def test_export_csv_to_stdout_neutralises_formula_like_text(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    model = tiny_model()
    model.flows[0].quote = '=HYPERLINK("http://x")'
    model.flows[1].quote = '=HYPERLINK("http://x")'
    with SQLiteStore(path) as s:
        s.write_model(model)
    code, out, _ = run("export", "--format", "csv", "--store", str(path))
    assert code == 0
    quotes = {r["quote"] for r in csv.DictReader(io.StringIO(out))}
    assert '\'=HYPERLINK("http://x")' in quotes and '=HYPERLINK("http://x")' not in quotes


def test_dry_run_and_skip_invalid_messages(tmp_path: Path, db: str) -> None:
    path = tmp_path / "i.csv"
    path.write_text(
        "respondent,goal,actor,dimension,gets,gives\nr9,healthy,clinic,functional,4,1\n"
        "r9,healthy,clinic,economic,8,1\n",
        encoding="utf-8",
    )
    code, out, err = run("import", str(path), "--store", db, "--dry-run", "--skip-invalid", "--summary", "csv")
    assert code == 0, err
    assert out.splitlines()[-1] == "flows,2,0,0,0,1"
    assert err.splitlines()[-1] == f"Would import tiny into {db} (dry run: nothing written)."
    assert not (tmp_path / "i.rejects.csv").exists()
    code, out, err = run("import", str(path), "--store", db, "--skip-invalid")
    assert code == 0, err
    assert f"Read 2 rows: 1 valid, 1 rejected. Rejected rows are in {tmp_path / 'i.rejects.csv'}" in err
    assert err.startswith(f'Rejected: {path} row 3, column "gets": "8" is out of range')


def test_progress_is_silent_when_stderr_is_not_a_terminal(tmp_path: Path, db: str) -> None:
    with progress_bar("Importing", io.StringIO()) as progress:
        assert progress is None
    code, _, err = run(
        "import", str(EXAMPLES / "health" / "model.yaml"), str(EXAMPLES / "health" / "interviews.csv"), "--store", db
    )
    assert code == 0 and "\r" not in err


def test_progress_line_shows_rows_rate_and_eta() -> None:
    out = io.StringIO()
    line = ProgressLine("Importing", out)
    line("writing", 100, 1000)  # the first report of a phase starts its clock and draws nothing
    assert out.getvalue() == ""
    line.last = -1.0
    line("writing", 500, 1000)
    text = out.getvalue()
    assert text.startswith("\rImporting: writing 500/1,000 rows (50%)") and "rows/s" in text and "ETA" in text
    line.clear()
    assert out.getvalue().endswith("\r")


def test_model_files_still_import_validate_and_export(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    model_file = str(EXAMPLES / "broadband" / "model.yaml")
    assert run("validate", model_file)[0] == 0
    code, out, _ = run("import", model_file, "--store", db, "--summary", "json")
    assert code == 0 and {r["items"] for r in json.loads(out)} >= {"flows", "respondents"}
    assert run("export", "--format", "yaml", "--store", db)[0] == 0


def test_every_layout_column_is_documented() -> None:
    from valuenet.formats import columns as layout

    doc = (Path(__file__).resolve().parents[1] / "docs" / "interview-layout.md").read_text(encoding="utf-8")
    missing = [c.name for c in layout.COLUMNS if f"| `{c.name}` |" not in doc]
    missing += [a for c in layout.COLUMNS for a in c.aliases if f"`{a}`" not in doc]
    assert missing == []
