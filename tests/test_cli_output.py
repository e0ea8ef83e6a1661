"""What the commands that print data write: the number rule, readable lists, --excel, jsonl, -o, analyze's tables."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import Neo4jServer, require_neo4j, tiny_model
from valuenet.analysis.report import TABLES
from valuenet.cli import cli
from valuenet.cli._common import render_rows
from valuenet.formats.modelfile import read_model_file
from valuenet.formats.tables import csv_number, sheet_names, table_cell, write_xlsx_tables
from valuenet.formats.xlsx import from_xlsx
from valuenet.store.sqlite import SQLiteStore

HEALTH = Path(__file__).resolve().parents[1] / "examples" / "health"
BOM = b"\xef\xbb\xbf"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The health example, its clinic renamed with accents (what Excel garbles without a byte-order mark)."""
    path = tmp_path_factory.mktemp("output") / "s.db"
    model = read_model_file(HEALTH / "model.yaml")
    actors = [a.model_copy(update={"name": "Clínica Zoë"}) if a.id == "clinic" else a for a in model.actors]
    with SQLiteStore(path) as s:
        s.write_model(model.model_copy(update={"actors": actors}))
    return str(path)


# -- the number rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "table", "csv_text"),
    [
        (33600.0, "33600.00", "33600"),
        (1768095, "1768095", "1768095"),
        (1e-7, "0.0000001", "0.0000001"),
        (-0.0, "0.00", "0"),
        (0.5, "0.50", "0.5"),
        (-1234.567, "-1234.57", "-1234.567"),
        (0.1 + 0.2, "0.30", "0.3"),
        (0.9000000000000004, "0.90", "0.9"),
        (4.074999999999999, "4.07", "4.075"),
        (123456789.123456789, "123456789.12", "123456789.123"),
        (-2.5e-12, "-0.0000000000025", "-0.0000000000025"),
        (1e22, "10000000000000000000000.00", "10000000000000000000000"),
        (2**63 - 1, "9223372036854775807", "9223372036854775807"),
        (10**30, "1" + "0" * 30, "1" + "0" * 30),
        (math.nan, "", ""),
        (None, "", ""),
    ],
)
def test_numbers_are_fixed_in_tables_and_12_digits_in_csv_never_scientific(
    value: Any, table: str, csv_text: str
) -> None:
    shown = render_rows([{"x": value}], "table").split("\n")
    assert shown[2].strip() == table
    written = render_rows([{"x": value}], "csv").splitlines()
    assert next(csv.reader(written[1:])) == [csv_text]
    if isinstance(value, float) and math.isfinite(value):
        assert math.isclose(float(written[1]), value, rel_tol=5e-12)  # 12 significant digits kept
        assert len(written[1].strip("-0.").replace(".", "")) <= 12
    assert "e+" not in "".join(shown + written) and "e-" not in "".join(shown + written)


def test_json_and_jsonl_write_nan_as_null() -> None:
    rows = [{"x": math.nan, "y": [math.inf, 1.5]}]
    assert json.loads(render_rows(rows, "json")) == [{"x": None, "y": [None, 1.5]}]
    assert json.loads(render_rows(rows, "jsonl")) == {"x": None, "y": [None, 1.5]}


def test_numpy_numbers_are_the_python_numbers_they_hold(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    np = pytest.importorskip("numpy")
    rows = [{"p": np.float32(1e-7), "n": np.int64(5), "ok": np.bool_(True), "xs": [np.float64(0.1) + np.float64(0.2)]}]
    assert table_cell(np.float32(1e-7)) == "0.0000001"
    assert render_rows(rows, "table").splitlines()[2].split() == ["0.0000001", "5", "True", "0.30"]
    assert render_rows(rows, "csv").splitlines()[1] == "0.000000100000001169,5,True,0.3"
    expected = {"p": float(np.float32(1e-7)), "n": 5, "ok": True, "xs": [0.30000000000000004]}
    assert json.loads(render_rows(rows, "jsonl")) == expected
    assert json.loads(render_rows(rows, "json")) == [expected]
    path = tmp_path / "n.xlsx"
    write_xlsx_tables(path, [("t", "numbers", rows)], [("model", "m")])
    n, p, ok = (load_workbook(path)["t"].cell(2, col) for col in (2, 1, 3))
    assert (n.value, n.data_type, n.number_format) == (5, "n", "#,##0")
    assert p.data_type == "n" and math.isclose(p.value, 1e-7, rel_tol=1e-6)
    assert ok.value is True


def test_money_in_the_economic_table_is_in_fixed_notation(db: str) -> None:
    table = run("analyze", "--store", db, "--table", "economic")
    assert table.exit_code == 0, table.output
    clinic = next(line for line in table.stdout.splitlines() if line.startswith("clinic"))
    assert "1768095.00" in clinic.split()
    front = next(line for line in table.stdout.splitlines() if line.startswith("front-desk"))
    assert "33600.00" in front.split()
    assert "e+" not in table.stdout
    as_csv = run("analyze", "--store", db, "--table", "economic", "--format", "csv")
    rows = {r["actor"]: r for r in csv.DictReader(io.StringIO(as_csv.stdout))}
    assert rows["clinic"]["received_per_member"] == "1768095"
    assert rows["front-desk"]["received_per_member"] == "33600"
    assert "e+" not in as_csv.stdout


# -- lists and maps ------------------------------------------------------------------------------


def test_lists_and_maps_are_readable_text_in_csv_and_tables(db: str) -> None:
    goals = run("list", "goals", "--store", db, "--format", "csv")
    assert next(csv.DictReader(io.StringIO(goals.stdout)))["scenarios"] == "current; future-a"
    assert "current; future-a" in run("list", "goals", "--store", db).stdout
    dependency = run("analyze", "--store", db, "--table", "dependency", "--format", "csv")
    as_json = json.loads(run("analyze", "--store", db, "--section", "dependency", "--format", "json").stdout)
    relayed = [r["relayed_from"] for r in csv.DictReader(io.StringIO(dependency.stdout)) if r["relayed_from"]]
    assert relayed and all("[" not in r and "{" not in r for r in relayed)
    first = next(r for r in as_json["dependency"]["dimensions"].values() if r.get("relayed_from"))["relayed_from"]
    assert "; ".join(f"{k}={csv_number(v)}" for k, v in first.items()) in relayed


# -- --excel -------------------------------------------------------------------------------------


def test_excel_csv_on_stdout_has_the_bom_and_crlf_and_keeps_accents(db: str) -> None:
    result = run("list", "actors", "--store", db, "--format", "csv", "--excel")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith(BOM)
    lines = raw[len(BOM) :].split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert "Clínica Zoë" in raw.decode("utf-8")
    plain = run("list", "actors", "--store", db, "--format", "csv").stdout_bytes
    assert not plain.startswith(BOM) and b"\r\n" not in plain
    assert raw.decode("utf-8-sig").replace("\r\n", "\n") == plain.decode("utf-8")


def test_excel_csv_in_files_is_read_by_pandas_and_the_csv_module(db: str, tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    one = tmp_path / "actors.csv"
    assert run("list", "actors", "--store", db, "--format", "csv", "--excel", "-o", str(one)).exit_code == 0
    folder = tmp_path / "tables"
    assert run("analyze", "--store", db, "--format", "csv", "--excel", "-o", str(folder)).exit_code == 0
    for path in [one, *folder.glob("*.csv")]:
        data = path.read_bytes()
        assert data.startswith(BOM), path
        assert b"\n" not in data.replace(b"\r\n", b""), path
    frame = pandas.read_csv(one)
    assert frame.columns[0] == "id"  # no byte-order mark in the first name
    assert "Clínica Zoë" in set(frame["name"])
    net = pandas.read_csv(folder / "net.csv")
    expected = json.loads(run("analyze", "--store", db, "--section", "net", "--format", "json").stdout)
    assert set(net["actor"]) == set(expected["net"]["actors"])


@pytest.mark.parametrize("args", [["list", "actors"], ["stats", "--format", "json"], ["analyze", "--format", "xlsx"]])
def test_excel_with_another_format_is_a_usage_error(db: str, args: list[str], tmp_path: Path) -> None:
    result = run(*args, "--excel", "--store", db, "-o", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "--excel applies to --format csv, not --format" in result.stderr


# -- jsonl ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["list", "models"], ["list", "goals"], ["list", "respondents"], ["list", "actors"], ["stats"]]
)
def test_jsonl_is_one_object_per_line_as_the_json_array(db: str, args: list[str]) -> None:
    lines = run(*args, "--store", db, "--format", "jsonl")
    assert lines.exit_code == 0, lines.output
    assert not lines.stdout_bytes.startswith(BOM)
    array = json.loads(run(*args, "--store", db, "--format", "json").stdout)
    assert [json.loads(line) for line in lines.stdout.splitlines()] == array
    assert array


def test_import_summary_as_jsonl(tmp_path: Path) -> None:
    result = run("import", str(HEALTH / "model.yaml"), "--store", str(tmp_path / "s.db"), "--summary", "jsonl")
    assert result.exit_code == 0, result.output
    rows = {r["items"]: r for r in map(json.loads, result.stdout.splitlines())}
    model = read_model_file(HEALTH / "model.yaml")
    assert rows["actors"]["added"] == len(model.actors) and rows["models"]["added"] == 1


def test_analyze_jsonl_names_each_rows_table(db: str) -> None:
    lines = run("analyze", "--store", db, "--format", "jsonl", "--section", "net", "--section", "destruction")
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert {r["table"] for r in rows} == {"net", "destruction", "destruction-touchpoints"}
    doc = json.loads(run("analyze", "--store", db, "--section", "net", "--format", "json").stdout)
    assert {r["actor"] for r in rows if r["table"] == "net"} == set(doc["net"]["actors"])


# -- analyze as CSV ------------------------------------------------------------------------------


def test_analyze_csv_on_stdout_is_one_table_or_says_how_to_choose(db: str) -> None:
    many = run("analyze", "--store", db, "--format", "csv")
    assert many.exit_code == 2
    assert "--format csv prints one table, and this analysis gives 17 (net, destruction, " in many.stderr
    assert "Choose one with --table NAME, or write one CSV per table with -o FOLDER" in many.stderr
    assert many.stdout == ""
    two = run("analyze", "--store", db, "--format", "csv", "--section", "destruction")
    assert two.exit_code == 2 and "gives 2 (destruction, destruction-touchpoints)" in two.stderr
    one = run("analyze", "--store", db, "--format", "csv", "--table", "destruction-touchpoints")
    assert one.exit_code == 0, one.output
    header = one.stdout.splitlines()[0].split(",")
    assert "table" not in header and "touchpoint" in header


def test_analyze_csv_to_a_folder_writes_one_file_per_table(db: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    result = run("analyze", "--store", db, "--format", "csv", "-o", str(folder))
    assert result.exit_code == 0, result.output
    names = {p.stem for p in folder.iterdir()}
    assert names == {n for n in TABLES if not n.startswith("scenarios")}
    with (folder / "net.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    doc = json.loads(run("analyze", "--store", db, "--section", "net", "--format", "json").stdout)
    assert {r["actor"] for r in rows} == set(doc["net"]["actors"])
    assert rows[0].keys() == json.loads(
        run("analyze", "--store", db, "--table", "net", "--format", "jsonl").stdout.splitlines()[0]
    ).keys() - {"table"}
    file = run("analyze", "--store", db, "--format", "csv", "-o", str(tmp_path / "one.csv"))
    assert file.exit_code == 2 and "writes to one .csv file one table" in file.stderr
    assert not (tmp_path / "one.csv").exists()


def test_analyze_output_files_hold_what_stdout_shows(db: str, tmp_path: Path) -> None:
    for fmt, name in (("table", "a.txt"), ("json", "a.json"), ("jsonl", "a.jsonl")):
        shown = run("analyze", "--store", db, "--section", "net", "--format", fmt)
        written = run("analyze", "--store", db, "--section", "net", "--format", fmt, "-o", str(tmp_path / name))
        assert written.exit_code == 0, written.output
        assert written.stdout == ""
        assert (tmp_path / name).read_text(encoding="utf-8") == shown.stdout
    missing = run("analyze", "--store", db, "--format", "json", "-o", str(tmp_path / "nowhere" / "a.json"))
    assert missing.exit_code == 1
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in missing.stderr


# -- analyze as XLSX -----------------------------------------------------------------------------


def test_analyze_xlsx_needs_a_file(db: str) -> None:
    result = run("analyze", "--store", db, "--format", "xlsx")
    assert result.exit_code == 2
    assert "--format xlsx writes a workbook: give -o FILE.xlsx." in result.stderr


def test_analyze_xlsx_has_an_about_sheet_and_a_sheet_per_table(db: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "a.xlsx"
    result = run("analyze", "--store", db, "--format", "xlsx", "-o", str(path), "--segment", "young-athletes")
    assert result.exit_code == 0, result.output
    doc = json.loads(run("analyze", "--store", db, "--format", "json", "--segment", "young-athletes").stdout)
    wb = load_workbook(path)
    tables = [n for n in TABLES if not n.startswith("scenarios")]
    assert wb.sheetnames == ["About", *tables]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert about["model"] == "health" and about["goal"] == doc["goal"]
    assert about["segment"] == "young-athletes" and about["respondents (n)"] == doc["respondents"]
    assert about["net"].startswith("Net perceived value per actor (segment young-athletes")
    for name in tables:
        assert wb[name].freeze_panes == "A2", name
    economic = wb["economic"]
    header = [c.value for c in economic[1]]
    clinic = next(row for row in economic.iter_rows(min_row=2) if row[0].value == "clinic")
    money = clinic[header.index("received_per_member")]
    assert money.value == 1768095 and money.data_type == "n" and money.number_format == "#,##0.00"
    assert economic.column_dimensions["A"].width >= len("independent-physio")
    goals = wb["dealbreakers"]
    quotes = [c.value for c in goals[1]].index("quotes")
    cell = next(row[quotes].value for row in goals.iter_rows(min_row=2) if row[quotes].value)
    assert isinstance(cell, str) and not cell.startswith("[")


def _store_with_quote(
    tmp_path: Path, model_id: str, quote: str, attribute: str | None = None, exchange: str = "r1-wait"
) -> str:
    """A store holding the tiny model, the quote of ``exchange`` replaced by ``quote``.

    ``attribute`` names a respondent attribute r1 gets. r2's waiting-room quote (``r2-wait``) is the strongest
    evidence of the destruction table (r2 loses the most there) and of r2's deal-breaker there.
    """
    model = tiny_model(model_id)
    flows = [f.model_copy(update={"quote": quote}) if f.exchange == exchange else f for f in model.flows]
    people = [
        r.model_copy(update={"attributes": {attribute: 1}}) if attribute and r.id == "r1" else r
        for r in model.respondents
    ]
    path = tmp_path / f"{model_id}.db"
    with SQLiteStore(path) as s:
        s.write_model(model.model_copy(update={"flows": flows, "respondents": people}))
    return str(path)


def _destruction_examples(path: Path) -> list[str]:
    from openpyxl import load_workbook

    sheet = load_workbook(path)["destruction"]
    column = [c.value for c in sheet[1]].index("for_example")
    return [row[column].value for row in sheet.iter_rows(min_row=2) if row[column].value]


LONG_QUOTE = "An hour in the waiting room. " * 1380  # 40,020 characters


@pytest.mark.parametrize(
    ("quote", "written"),
    [
        (LONG_QUOTE, LONG_QUOTE[:32_766] + "…"),
        ("An hour \x07 in the waiting room.", "An hour \ufffd in the waiting room."),
        ("Ask for _x000D_ at the desk.", "Ask for \ufffdx000D_ at the desk."),
    ],
)
def test_analyze_xlsx_fits_text_xlsx_cannot_hold_and_says_so(tmp_path: Path, quote: str, written: str) -> None:
    """Results need not import back exactly: the workbook is written, the text made to fit, the change counted."""
    store = _store_with_quote(tmp_path, "fixa-xlsx-fit", quote, exchange="r2-wait")
    path = tmp_path / "a.xlsx"
    result = run("analyze", "--store", store, "--format", "xlsx", "-o", str(path))
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("Note:")]
    assert notes == [  # the destruction table's example and the deal-breaker's quotes
        "Note: 2 text cells changed to fit XLSX: text past 32,767 characters cut (ending with …), characters XLSX "
        "cannot hold written as U+FFFD. --format json, jsonl and csv hold the text whole."
    ]
    assert written in _destruction_examples(path) and len(written) <= 32_767
    lines = run("analyze", "--store", store, "--table", "destruction", "--format", "jsonl").stdout
    assert quote in [json.loads(line)["for_example"] for line in lines.splitlines()]  # jsonl holds it whole


def test_analyze_xlsx_of_text_xlsx_holds_changes_nothing_and_notes_nothing(tmp_path: Path) -> None:
    quote = "=An hour; -in the waiting room\r\n\t" + "x" * 32_700
    store = _store_with_quote(tmp_path, "fixa-xlsx-same", quote, exchange="r2-wait")
    path = tmp_path / "a.xlsx"
    result = run("analyze", "--store", store, "--format", "xlsx", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert "Note:" not in result.stderr
    assert quote in [from_xlsx(cell) for cell in _destruction_examples(path)]


@pytest.mark.parametrize(
    ("quote", "attribute", "said", "fix"),
    [
        (LONG_QUOTE, None, 'exchange r1-wait as XLSX: its "quote" holds 40,020 characters', "shorten the text."),
        (
            "An hour \x07 in the waiting room.",
            None,
            'exchange r1-wait as XLSX: its "quote" holds the control character U+0007',
            "remove the character.",
        ),
        (
            "fine",
            "k\x07",
            'respondent r1 as XLSX: its column name "attr_k\\x07" holds the control character U+0007',
            "remove the character.",
        ),
    ],
)
def test_export_xlsx_refuses_text_xlsx_cannot_hold_in_one_line(
    tmp_path: Path, quote: str, attribute: str | None, said: str, fix: str
) -> None:
    """Interview tables must import back exactly: text XLSX cannot hold is refused, naming the item and column."""
    store = _store_with_quote(tmp_path, "fixa-export", quote, attribute)
    path = tmp_path / "e.xlsx"
    result = run("export", "--store", store, "--format", "xlsx", "-o", str(path))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"Error: cannot export {said}")
    assert lines[0].endswith("Export as csv or jsonl, which hold it, or " + fix)
    assert not path.exists()


def test_sheet_names_are_ones_a_workbook_accepts() -> None:
    names = sheet_names(["About", "a[b]:c*d?e/f\\g", "y" * 40, "ABOUT", "y" * 40, "'quoted'"])
    assert names[1] == "a_b__c_d_e_f_g"
    assert names[2] == "y" * 31 and names[4] == "y" * 27 + " (2)"
    assert names[3] == "ABOUT (2)" and names[5] == "quoted"
    assert len({n.casefold() for n in names}) == len(names) and all(len(n) <= 31 for n in names)


# -- the same helpers in the Neo4j commands ------------------------------------------------------


@pytest.mark.neo4j
def test_cypher_and_push_print_jsonl_and_excel_csv(
    neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    uri = require_neo4j(neo4j_server, monkeypatch)[0]
    query = "RETURN 33600.0 AS money, 1768095 AS n, 1e-7 AS p, ['a', 'b'] AS xs"
    table = run("cypher", query, "--store", uri)
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[2].split() == ["33600.00", "1768095", "0.0000001", "a;", "b"]
    as_csv = run("cypher", query, "--store", uri, "--format", "csv", "--excel")
    assert as_csv.stdout_bytes == BOM + b"money,n,p,xs\r\n33600,1768095,0.0000001,a; b\r\n"
    lines = run("cypher", query, "--store", uri, "--format", "jsonl")
    assert json.loads(lines.stdout) == {"money": 33600.0, "n": 1768095, "p": 1e-7, "xs": ["a", "b"]}
    model_id = "h3-output-jsonl"
    local = tmp_path / "local.db"
    with SQLiteStore(local) as s:
        s.write_model(tiny_model(model_id))
    try:
        pushed = run("push", "--store", str(local), "--to", uri, "--format", "jsonl")
        assert pushed.exit_code == 0, pushed.output
        rows = [json.loads(line) for line in pushed.stdout.splitlines()]
        assert {r["items"]: r["added"] for r in rows}["models"] == 1
        back = tmp_path / "back.db"
        pulled = run("pull", "--from", uri, "--model", model_id, "--store", str(back), "--format", "jsonl")
        assert pulled.exit_code == 0, pulled.output
        assert [json.loads(line) for line in pulled.stdout.splitlines()] == [{**r, "unchanged": 0} for r in rows]
    finally:
        from valuenet.store.neo4j import Neo4jStore

        with Neo4jStore(uri) as neo:
            neo.delete_model(model_id)
