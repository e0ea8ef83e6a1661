"""Interview tables that are not data (CSV, TSV, XLSX) are refused in one line naming the place, store unchanged.

The corpus in tests/data/bad/tables is written by ``hostile_tables()`` in tests/data/make_import_corpus.py.
Output paths in a missing folder (or under a file) are one line too, and create nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import corpus_copy, tiny_store_file
from valuenet.cli import cli
from valuenet.errors import ModelFileError
from valuenet.formats.aliases import read_aliases
from valuenet.store.sqlite import SQLiteStore

TABLES = Path(__file__).resolve().parent / "data" / "bad" / "tables"

RESAVE = "Open it in a spreadsheet and save it again as .xlsx."
NOT_XLSX = "Save it from your spreadsheet as .xlsx, or pass --format for another type."
YES_NO = "is a yes/no value, not a number. Type a number such as 4 or 2.5."
CLOSE = 'Add the closing quote ("), or remove the opening one.'

CASES = {
    "tab_open_quote.csv": 'tab_open_quote.csv row 2, column "quote": a quoted cell starts here and its closing quote '
    f"is missing, so the 2 lines after it would be read into this one cell. {CLOSE}",
    "tab_open_quote_header.csv": "tab_open_quote_header.csv row 1: a quoted cell starts here and its closing quote "
    f"is missing, so the 1 line after it would be read into this one cell. {CLOSE}",
    "tab_delimiter_change.csv": "tab_delimiter_change.csv row 4: has 2 cell(s) where the header has 8; the row seems "
    'separated by ";", the header by ",". Save the whole file again with one separator.',
    "tab_delimiter_change.tsv": "tab_delimiter_change.tsv row 3: has 1 cell(s) where the header has 6; the row seems "
    'separated by ",", the header by tabs. Save the whole file again with one separator.',
    "tab_true_magnitude.csv": f'tab_true_magnitude.csv row 2, column "gets": "true" {YES_NO}',
    "tab_true_cells.xlsx": "\n".join(
        f'tab_true_cells.xlsx sheet flows row 2, column "{col}": {value} {YES_NO}'
        for col, value in (("gets", "TRUE"), ("gives", "FALSE"), ("gets_money", "TRUE"), ("occurrences", "TRUE"))
    ),
    "tab_corrupt_sheet.xlsx": "tab_corrupt_sheet.xlsx: is damaged: the XML of its part xl/worksheets/sheet1.xml is "
    f"broken (unclosed token: line 2, column 211). {RESAVE}",
    "tab_corrupt_rows.xlsx": "tab_corrupt_rows.xlsx sheet flows: is damaged: its XML is broken (unclosed token: "
    f"line 2, column 1008). {RESAVE}",
    "tab_truncated.xlsx": "tab_truncated.xlsx: is damaged: its zip archive is truncated or corrupt (File is not a zip "
    f"file). {RESAVE}",
    "tab_no_shared_strings.xlsx": "tab_no_shared_strings.xlsx: is damaged: the part xl/sharedStrings.xml is missing. "
    + RESAVE,
    "tab_not_a_workbook.xlsx": "tab_not_a_workbook.xlsx: is a zip archive but not an XLSX workbook (it has no "
    f"[Content_Types].xml). {NOT_XLSX}",
    "tab_csv_named.xlsx": f"tab_csv_named.xlsx: is not an XLSX workbook (it is not a zip archive). {NOT_XLSX}",
}

HEAD = "respondent,goal,actor,dimension,gets,gives,touchpoint,quote\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tiny_store_file(tmp_path)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus copied to the current directory, so messages name bare files."""
    return corpus_copy(TABLES, tmp_path, monkeypatch)


def _import(db: Path, *args: str) -> tuple[int, str]:
    """Run ``valuenet import`` and give its exit code and stderr, checking the store did not change."""
    with SQLiteStore(db) as store:
        before = store.read_model()
    result = CliRunner().invoke(cli, ["import", *args, "--store", str(db)])
    with SQLiteStore(db) as store:
        assert store.read_model() == before
    assert result.stdout == ""
    return result.exit_code, result.stderr


def test_every_table_has_a_case() -> None:
    assert sorted(p.name for p in TABLES.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_table_that_is_not_data_is_one_message_exit_1_and_the_store_unchanged(
    name: str, db: Path, work: Path
) -> None:
    assert _import(db, name) == (1, f"Error: {CASES[name]}\n")


def test_an_unclosed_quote_on_the_last_line_says_it_runs_to_the_end(db: Path, work: Path) -> None:
    Path("last.csv").write_text(HEAD + 'r1,healthy,clinic,functional,4,1,"desk,\n', encoding="utf-8")
    assert _import(db, "last.csv") == (
        1,
        'Error: last.csv row 2, column "touchpoint": a quoted cell starts here and its closing quote is missing, so '
        f"the end of the file would be read into this one cell. {CLOSE}\n",
    )


def test_a_text_after_a_closing_quote_is_refused_on_its_row(db: Path, work: Path) -> None:
    Path("after.csv").write_text(HEAD + 'r1,healthy,clinic,functional,4,1,"desk" 2,\n', encoding="utf-8")
    assert _import(db, "after.csv") == (
        1,
        "Error: after.csv row 2: is not valid CSV (',' expected after '\"'). Check the quotes on that row.\n",
    )


def test_closed_quotes_over_lines_and_short_rows_still_import(db: Path, work: Path) -> None:
    Path("fine.csv").write_text(
        HEAD + 'n1,healthy,clinic,functional,4,1,desk,"Good,\nbut; slow"\nn2,healthy,clinic,economic,3,1\n',
        encoding="utf-8",
    )
    assert _import_ok(db, "fine.csv") == {("n1", "Good,\nbut; slow"), ("n2", None)}


def _import_ok(db: Path, *args: str) -> set[tuple[str | None, str | None]]:
    """Import, and give the (respondent, quote) of the flows of the new respondents n1, n2..."""
    result = CliRunner().invoke(cli, ["import", *args, "--store", str(db)])
    assert result.exit_code == 0, result.output
    with SQLiteStore(db) as store:
        return {(f.respondent, f.quote) for f in store.read_model().flows if (f.respondent or "").startswith("n")}


ENCODING_FIX = "Use e.g. --encoding utf-8, cp1252 or latin-1."
ROW = '{"respondent": "n1", "goal": "healthy", "actor": "clinic", "dimension": "functional", "gets": 4}'
ROWS = {".csv": HEAD + "n1,healthy,clinic,functional,4,1,desk,\n", ".jsonl": ROW + "\n", ".json": f"[{ROW}]\n"}


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json"])
@pytest.mark.parametrize("encoding", ["klingon", "rot13", "base64"])
def test_an_encoding_that_is_not_for_text_is_named(encoding: str, suffix: str, db: Path, work: Path) -> None:
    Path(f"f{suffix}").write_text(ROWS[suffix], encoding="utf-8")
    assert _import(db, "--encoding", encoding, f"f{suffix}") == (
        1,
        f'Error: f{suffix}: "{encoding}" is not a text encoding. {ENCODING_FIX}\n',
    )


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json"])
def test_utf16_without_its_byte_order_mark_is_named(suffix: str, db: Path, work: Path) -> None:
    Path(f"f{suffix}").write_text(ROWS[suffix], encoding="utf-8")
    assert _import(db, "--encoding", "utf-16", f"f{suffix}") == (
        1,
        f"Error: f{suffix}: cannot be decoded as utf-16 (UTF-16 stream does not start with BOM). Pass --encoding "
        "utf-16-le or --encoding utf-16-be, or save the file as UTF-8.\n",
    )


def test_utf16_with_its_byte_order_mark_imports(db: Path, work: Path) -> None:
    Path("f.csv").write_text(HEAD + "n1,healthy,clinic,functional,4,1,desk,caf\u00e9\n", encoding="utf-16")
    assert _import_ok(db, "--encoding", "utf-16", "f.csv") == {("n1", "caf\u00e9")}


def test_an_aliases_file_with_an_open_quote_names_its_row(work: Path) -> None:
    Path("aliases.csv").write_text('alias,actor\nDoc,clinic\n"Kasse,insurer\nMum,family\n', encoding="utf-8")
    with pytest.raises(ModelFileError) as info:
        read_aliases("aliases.csv")
    assert str(info.value) == (
        "aliases.csv row 3: a quoted cell starts on this row and its closing quote is missing. "
        "Check the quotes on that row."
    )


MISSING = "the folder {folder} does not exist. Create it first, or choose another path."


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["export", "-o", "missing/x.json"], "missing/x.json"),
        (["export", "--format", "xlsx", "-o", "missing/x.xlsx"], "missing/x.xlsx"),
        (["template", "-o", "missing/t.csv"], "missing/t.csv"),
        (["template", "--format", "xlsx", "-o", "missing/t.xlsx"], "missing/t.xlsx"),
        (["view", "-o", "missing/v.html"], "missing/v.html"),
        (["import", "tab_true_magnitude.csv", "--skip-invalid", "--rejects", "missing/r.csv"], "missing/r.csv"),
    ],
    ids=lambda a: " ".join(a[:2]) if isinstance(a, list) else None,
)
def test_an_output_file_in_a_missing_folder_is_one_line(args: list[str], target: str, db: Path, work: Path) -> None:
    with SQLiteStore(db) as store:
        before = store.read_model()
    result = CliRunner().invoke(cli, [*args, *([] if args[0] == "template" else ["--store", str(db)])])
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot write {target}: {MISSING.format(folder='missing')}\n",
    )
    assert not Path("missing").exists()
    with SQLiteStore(db) as store:
        assert store.read_model() == before


@pytest.mark.parametrize(
    "args",
    [["synth", "--respondents", "2", "-o", "missing/s.csv"], ["report", "-o", "missing/r"]],
    ids=["synth", "report"],
)
def test_an_output_folder_in_a_missing_folder_is_one_line(args: list[str], db: Path, work: Path) -> None:
    result = CliRunner().invoke(cli, [*args, *(["--store", str(db)] if args[0] == "report" else [])])
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot create the folder {args[-1]}: {MISSING.format(folder='missing')}\n",
    )
    assert not Path("missing").exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["export", "-o", "afile/x.json"], "cannot write afile/x.json"),
        (["template", "-o", "afile/t.csv"], "cannot write afile/t.csv"),
        (["synth", "--respondents", "2", "-o", "afile/s"], "cannot create the folder afile/s"),
    ],
    ids=["export", "template", "synth"],
)
def test_an_output_under_a_file_is_one_line(args: list[str], line: str, db: Path, work: Path) -> None:
    Path("afile").write_text("a file, not a folder\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [*args, *(["--store", str(db)] if args[0] == "export" else [])])
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {line}: afile is a file, not a folder. Choose another path.\n",
    )


INVISIBLE = "an invisible or control character, which no id may hold. Retype the id as plain visible text on one line."


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('"r\nx",healthy,clinic,functional,4,1,,', f'row 2, column "respondent": "r\\nx" holds U+000A, {INVISIBLE}'),
        (
            "r\u202e1,healthy,clinic,functional,4,1,,",
            f'row 2, column "respondent": "r\\u202e1" holds U+202E, {INVISIBLE}',
        ),
        (
            "r\u200b1,healthy,clinic,functional,4,1,,",
            f'row 2, column "respondent": "r\\u200b1" holds U+200B, {INVISIBLE}',
        ),
        (
            "r1,healthy,clinic,functional,4,1,,a\x00b",
            'row 2, column "quote": "a\\x00b" holds the control character U+0000 at position 2. '
            "Remove it: text may hold tabs and line breaks, but no other control characters.",
        ),
        (
            "r1,healthy,clinic,functional,4,1,desk\x1b[2J,",
            'row 2, column "touchpoint": "desk\\x1b[2J" holds the control character U+001B at position 5. '
            "Remove it: text may hold tabs and line breaks, but no other control characters.",
        ),
        (
            "r1,healthy,clinic,functional,0_4,1,,",
            'row 2, column "gets": "0_4" is not a number. Type a number such as 4 or 2.5.',
        ),
        (
            "r1,healthy,clinic,functional,\u0664,1,,",
            'row 2, column "gets": "\u0664" is not a number. Type a number such as 4 or 2.5.',
        ),
    ],
    ids=[
        "line-break-in-id",
        "direction-override",
        "zero-width-space",
        "nul-in-quote",
        "escape-in-label",
        "digit-groups",
        "arabic-digit",
    ],
)
def test_hidden_characters_and_loose_numbers_are_refused_by_cell(db: Path, work: Path, row: str, message: str) -> None:
    Path("cells.csv").write_text(HEAD + row + "\n", encoding="utf-8")
    assert _import(db, "cells.csv") == (1, f"Error: cells.csv {message}\n")


def test_occurrences_beyond_64_bits_are_refused_in_csv_as_in_json(db: Path, work: Path) -> None:
    Path("occ.csv").write_text(
        "respondent,goal,actor,dimension,gets,occurrences\nr1,healthy,clinic,functional,4," + "1" * 31 + "\n",
        encoding="utf-8",
    )
    code, err = _import(db, "occ.csv")
    assert code == 1
    assert err.startswith('Error: occ.csv row 2, column "occurrences": "1111111111111111111111111111111" is outside')


def test_a_short_row_whose_quote_holds_the_other_separator_is_no_change_of_separator(db: Path, work: Path) -> None:
    head = "respondent,goal,actor,dimension,gets,gives,touchpoint,quote,attr_a,attr_b,attr_c\n"
    Path("short.csv").write_text(
        head + 'n1,healthy,clinic,functional,4,1,desk,"a;b;c;d;e;f;g;h;i;j;k"\n', encoding="utf-8"
    )
    assert _import_ok(db, "short.csv") == {("n1", "a;b;c;d;e;f;g;h;i;j;k")}


def test_digits_of_other_scripts_are_no_number_with_a_decimal_comma_either() -> None:
    from valuenet.formats.cells import CellError, number

    for cell in ("\u0663,\u0665", "\uff14,\uff15"):
        with pytest.raises(CellError, match="is not a number"):
            number(cell)
