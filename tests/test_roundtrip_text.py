"""Text comes back exactly through every export format, and no CSV or XLSX cell valuenet writes runs as a formula.

For each format a model holding one text in a quote, a note, an actor's name, the
goal's title and a respondent's attribute, name and situation is exported, then
imported into a fresh store (which must give the text back byte for byte) and into
the store it came from (which must change nothing).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import tiny_model
from valuenet.cli import cli
from valuenet.errors import ModelError
from valuenet.formats import cells
from valuenet.formats.cells import from_sheet, sheet_cell
from valuenet.formats.export import write_interview_tables
from valuenet.formats.modelfile import model_to_json, model_to_yaml, write_model_file
from valuenet.formats.rejects import RejectsWriter
from valuenet.formats.source import SourceTable
from valuenet.formats.template import write_template
from valuenet.formats.xlsx import XLSX_MAX_CELL, from_xlsx, xlsx_text
from valuenet.importers import import_files
from valuenet.models import Actor, Flow, Model, exchange_flows
from valuenet.store.sqlite import SQLiteStore

FORMATS = ("json", "yaml", "csv", "jsonl", "xlsx")
#: Texts that broke a round trip or a spreadsheet once, or easily could.
EXAMPLES = (
    "not in XML \uffff nor \ufffe",
    "0034",
    "34",
    " 7 ",
    "-5",
    "1.50",
    "\u0663\u0664",
    "  leading and trailing  ",
    "\t=1",
    "line one\r\nline two\rthree\n",
    "'",
    "''=x",
    "a;=1+1",
    "a, -2",
    '=HYPERLINK("http://x"; "y")',
    "@SUM(A1)",
    "+31 20 123",
    "-",
    "a; 'quoted'",
    "emoji \U0001f600 and \U00010348, Zoë",
    "_x000D_ literally",
    "NEL\x85here",
    "x" * 20_000 + " " + "y" * 20_000,
)
_CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
#: Any text valuenet takes in: every character but the C0 controls other than tab, LF and CR, which
#: text may not hold (XML, and so XLSX, cannot hold them either; tests/test_hostile_corpus.py checks the refusal).
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=_CONTROLS), min_size=1),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1),
).filter(lambda s: not s.isspace())


def model_with(t: str, attribute: Any) -> Model:
    """The tiny model with ``t`` in a quote, a note, an actor name, the goal title and respondent r1's fields."""
    m = tiny_model()
    # the actor comes last, so that whatever its name is, it cannot take over another actor's id or name
    m.actors.append(Actor(id="zz-shop", name=t, kind="provider"))
    m.goals[0].title = t
    r1 = m.respondents[0]
    r1.attributes["said"] = attribute
    r1.name = t
    r1.situation = t
    flows = exchange_flows(
        "x-said",
        goal="healthy",
        customer="patient",
        actor="zz-shop",
        dimension="symbolic",
        gets=3,
        gives=1,
        respondent="r1",
        touchpoint="desk",
        quote=t,
    )
    for f in flows:
        f.note = t
    m.flows.extend(flows)
    return m


def write(model: Model, path: Path, fmt: str) -> list[Flow]:
    """Export ``model`` to ``path``; the flows the file holds."""
    if fmt in ("json", "yaml"):
        path.write_text(model_to_json(model) if fmt == "json" else model_to_yaml(model), encoding="utf-8")
        return list(model.flows)
    skipped = write_interview_tables(model, path, fmt).skipped
    return [f for f in model.flows if f not in skipped]


def by_id(items: list[Any]) -> dict[str, dict[str, Any]]:
    return {i.id: i.model_dump() for i in items}


def xlsx_refuses(t: str) -> bool:
    try:
        xlsx_text(t)
    except cells.CellError:
        return True
    return False


def check_round_trip(t: str, fmt: str) -> None:
    table = fmt not in ("json", "yaml")
    attribute = t  # text that a table would read as a number is written as literal text, so it stays text
    model = model_with(t, attribute)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{fmt}"
        if fmt == "xlsx" and (xlsx_refuses(t) or xlsx_refuses(attribute)):
            with pytest.raises(ModelError) as caught:
                write(model, path, fmt)
            message = str(caught.value)
            assert "\n" not in message and message.startswith("cannot export ") and '"' in message
            assert not path.exists()
            return
        held = write(model, path, fmt)

        fresh = SQLiteStore(":memory:")
        if table:  # tables go into a store that holds the model's actors and goals
            fresh.write_model(model.model_copy(update={"respondents": [], "flows": []}))
        import_files(fresh, [path])
        got = fresh.read_model()
        assert got.actor("zz-shop").name == t
        assert got.goals[0].title == t
        r1 = got.respondent("r1")
        assert (r1.attributes["said"], r1.name, r1.situation) == (attribute, t, t)
        flows = {f.id: f for f in got.flows}
        assert (flows["x-said:gets"].quote, flows["x-said:gives"].note) == (t, t)
        assert by_id(got.flows) == by_id(held)
        assert by_id(got.respondents) == by_id(model.respondents)

        same = SQLiteStore(":memory:")
        same.write_model(model)
        before = same.read_model()
        summary = import_files(same, [path]).summary
        assert not summary.changed, summary.as_dict()
        after = same.read_model()
        assert by_id(after.flows) == by_id(before.flows)
        assert by_id(after.respondents) == by_id(before.respondents)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t=TEXT)
def test_any_text_comes_back_exactly_and_reimporting_changes_nothing(fmt: str, t: str) -> None:
    check_round_trip(t, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("t", EXAMPLES, ids=range(len(EXAMPLES)))
def test_texts_that_break_round_trips_come_back_exactly(fmt: str, t: str) -> None:
    check_round_trip(t, fmt)


# -- the spreadsheet escape ----------------------------------------------------------------------


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet might run ``cell``, or a piece of it split off at a separator, tab or line break.

    Written apart from the escape's own patterns: a cell starting with a tab or CR, or any piece
    that starts (after spaces) with ``= + - @``, except a cell that is a plain negative number.
    """
    if cell[:1] in ("\t", "\r"):
        return True
    for i, piece in enumerate(re.split("[;,\t\r\n]", cell)):
        start = piece.lstrip(" ")
        if start[:1] in ("=", "+", "-", "@"):
            if i == 0 and start == cell:
                try:
                    float(cell)  # a negative number is a number
                    continue
                except ValueError:
                    pass
            return True
    return False


@settings(max_examples=2000, deadline=None)
@given(t=st.text(st.sampled_from("=+-@\t\r' ;,aé\U0001f600\n\"")) | st.text())
@example(t="a; ;=1")
@example(t=" =1+1")
@example(t="desk\t=1+1")
@example(t="fine\n=HYPERLINK(1)")
@example(t="a\r\n-2")
@example(t=",,'")
@example(t="';'''")
def test_the_escape_is_undone_exactly_and_leaves_nothing_to_run(t: str) -> None:
    cell = sheet_cell(t)
    assert from_sheet(cell) == t
    assert from_xlsx(cell.replace("\r", "_x000D_")) == t or "_x000D_" in t
    assert not runs_as_formula(cell)
    assert cell == t or cell.startswith("'")


def test_a_typed_leading_apostrophe_marks_literal_text_and_is_dropped() -> None:
    assert from_sheet("'yes") == "yes"
    assert from_sheet("'a;'=1") == "a;=1"
    assert from_sheet("a;'=1") == "a;'=1"  # only a cell that starts with ' was escaped
    assert sheet_cell(4) == 4 and sheet_cell(None) is None and sheet_cell("plain, text") == "plain, text"


def test_text_is_kept_exactly_ids_and_labels_lose_the_white_space_around_them() -> None:
    assert cells.text("  as said\r\n") == "  as said\r\n"
    assert cells.text(" \t\r\n ") is None and cells.text("") is None
    assert cells.ident("  r1 ") == "r1"
    assert cells.label(" waiting room ") == "waiting room"


# -- every CSV and XLSX valuenet writes -----------------------------------------------------------

RISKY = ["=1+1", "a;=1+1", "a, -2", "@x", "+1 555", "\tx", "'=x", "b,'c", "x;  +y"]


def risky_model() -> Model:
    m = model_with("=HYPERLINK(1)", "a;=1")
    for i, t in enumerate(RISKY):
        m.actors.append(Actor(id=f"risky-{i}", name=t, kind="peer"))
        m.flows += exchange_flows(
            f"risky-{i}",
            goal="healthy",
            customer="patient",
            actor=f"risky-{i}",
            dimension="functional",
            gets=2,
            gives=1,
            respondent="r2",
            touchpoint=t,
            quote=t,
        )
    m.respondents[1].segment = "-seg"
    return m


def csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def assert_safe_csv(text: str) -> None:
    found = csv_cells(text)
    assert found
    assert not [c for c in found if runs_as_formula(c)]
    # a spreadsheet that splits at ';' even inside quotes sees the raw line in pieces
    pieces = [p.lstrip(" ") for p in re.split("[;,\t\r\n]", text)]
    assert not [p for p in pieces if p[:1] in ("=", "+", "-", "@") and not _is_number(p)]


def _is_number(piece: str) -> bool:
    try:
        float(piece)
    except ValueError:
        return False
    return True


def assert_safe_xlsx(path: Path) -> None:
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any("<f>" in z.read(n).decode() or "<f " in z.read(n).decode() for n in sheets)
    wb = load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    seen += 1
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                    assert not runs_as_formula(c.value), (ws.title, c.coordinate, c.value)
    assert seen


def test_no_cell_of_an_export_runs_as_a_formula(tmp_path: Path) -> None:
    model = risky_model()
    write_interview_tables(model, tmp_path / "x.csv", "csv")
    text = (tmp_path / "x.csv").read_text(encoding="utf-8")
    assert "'=1+1" in text and "'a;'=1+1" in text
    assert_safe_csv(text)
    write_interview_tables(model, tmp_path / "x.xlsx", "xlsx")
    assert_safe_xlsx(tmp_path / "x.xlsx")


def test_no_cell_of_an_analyze_or_list_csv_table_runs_as_a_formula(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    write_model_file(risky_model(), tmp_path / "m.yaml")
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(tmp_path / "m.yaml"), "--store", db]).exit_code == 0
    result = runner.invoke(cli, ["list", "actors", "--format", "csv", "--store", db])
    assert result.exit_code == 0, result.output
    assert "'a;'=1+1" in result.stdout
    assert_safe_csv(result.stdout)
    result = runner.invoke(cli, ["analyze", "--format", "csv", "-o", str(tmp_path / "tables"), "--store", db])
    assert result.exit_code == 0, result.output
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "tables").glob("*.csv"))]
    assert len(texts) > 1 and any(",'-seg," in t for t in texts)
    for text in texts:
        if text:  # a table with no rows is an empty file
            assert_safe_csv(text)
    result = runner.invoke(cli, ["analyze", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"), "--store", db])
    assert result.exit_code == 0, result.output
    assert_safe_xlsx(tmp_path / "a.xlsx")


def test_no_cell_of_a_rejects_file_runs_as_a_formula_and_it_imports_back(tmp_path: Path) -> None:
    table = SourceTable("=in.csv", "flows", ["actor", "quote", "gets"], lambda: iter(()))
    writer = RejectsWriter(tmp_path / "r.csv", [table])
    for n, t in enumerate(RISKY, 2):
        writer.add(table, n, {"actor": t, "quote": t, "gets": "-1"}, f"{t} is wrong")
    writer.commit()
    text = (tmp_path / "r.csv").read_text(encoding="utf-8")
    assert_safe_csv(text)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [from_sheet(r["quote"]) for r in rows] == RISKY


def test_no_cell_of_a_template_runs_as_a_formula(tmp_path: Path) -> None:
    write_template(tmp_path / "t.csv", "csv")
    assert_safe_csv((tmp_path / "t.csv").read_text(encoding="utf-8"))
    write_template(tmp_path / "t.xlsx", "xlsx")
    assert_safe_xlsx(tmp_path / "t.xlsx")


def test_a_bare_carriage_return_does_not_split_a_csv_row(tmp_path: Path) -> None:
    model = model_with("one\rtwo", "x")
    write_interview_tables(model, tmp_path / "x.csv", "csv")
    with (tmp_path / "x.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len({len(r) for r in rows}) == 1
    assert "one\rtwo" in [c for r in rows for c in r]


# -- what a format cannot hold -----------------------------------------------------------------


def test_an_xlsx_export_refuses_a_text_longer_than_a_cell_by_item_and_field(tmp_path: Path) -> None:
    model = model_with("ok", "x")
    for f in model.flows[-2:]:  # the exchange x-said
        f.quote = "q" * (XLSX_MAX_CELL + 1)
    db = str(tmp_path / "s.db")
    write_model_file(model, tmp_path / "m.yaml")
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(tmp_path / "m.yaml"), "--store", db]).exit_code == 0
    out = tmp_path / "x.xlsx"
    result = runner.invoke(cli, ["export", "--format", "xlsx", "-o", str(out), "--store", db])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "exchange x-said" in lines[0] and '"quote"' in lines[0] and "32,767" in lines[0]
    assert not out.exists()
    # the text formats hold it
    assert (
        runner.invoke(cli, ["export", "--format", "csv", "-o", str(tmp_path / "x.csv"), "--store", db]).exit_code == 0
    )
    with (tmp_path / "x.csv").open(encoding="utf-8", newline="") as fh:
        assert "q" * (XLSX_MAX_CELL + 1) in [c for r in csv.reader(fh) for c in r]


def test_an_xlsx_export_refuses_one_character_too_many_once_escaped(tmp_path: Path) -> None:
    model = model_with("ok", "x")
    model.respondents[0].situation = "=" + "s" * (XLSX_MAX_CELL - 1)  # 32,767 characters, 32,768 with its '
    with pytest.raises(ModelError, match=r'respondent r1 .*"situation" holds 32,767 characters \(32,768'):
        write_interview_tables(model, tmp_path / "x.xlsx", "xlsx")
    model.respondents[0].situation = "s" * XLSX_MAX_CELL
    write_interview_tables(model, tmp_path / "x.xlsx", "xlsx")


def test_xlsx_refuses_the_characters_xml_cannot_hold_rather_than_write_a_damaged_workbook() -> None:
    for t in ("a\uffff", "a\ufffe", "a\x07"):
        assert xlsx_refuses(t), repr(t)
    assert not xlsx_refuses("tab\tand\nbreaks \U0001f600")
