"""The corpus of bad interview files: each gives its exact message and leaves the store unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import corpus_copy, tiny_store_file
from valuenet.cli import cli
from valuenet.errors import ModelFileError
from valuenet.importers import import_files
from valuenet.store.sqlite import SQLiteStore

BAD = Path(__file__).resolve().parent / "data" / "bad"

FIX_DIM = "Fix the cell, or declare a custom dimension in the model file."
RANGE = '"{v}" is out of range; magnitudes on the model scale must be 0 to 5. Fix the value.'

CASES = {
    "wrong_delimiter.csv": "wrong_delimiter.csv row 1: the header has one column "
    '("respondent|goal|actor|dimension|gets|gives"). It seems separated by "|". '
    "Save the file separated by commas, semicolons or tabs.",
    "missing_column.csv": "missing_column.csv: has no 'dimension' column (it has: respondent, goal, actor, gets, "
    "gives). Add the column, or rename a header to the layout's name (see 'valuenet template' "
    "and docs/interview-layout.md).",
    "unknown_dimension.csv": 'unknown_dimension.csv row 3, column "dimension": "fun" is not a dimension (functional, '
    f'economic, experiential, symbolic). Did you mean "functional"? {FIX_DIM}',
    "text_in_number.csv": 'text_in_number.csv row 2, column "gets": "four" is not a number. '
    "Type a number such as 4 or 2.5.",
    "out_of_scale.csv": 'out_of_scale.csv row 2, column "gets": ' + RANGE.format(v=7),
    "conflicting_respondent.csv": 'conflicting_respondent.csv row 3, column "segment": "old" conflicts with "young" '
    "given for respondent r1 at conflicting_respondent.csv row 2. "
    "Give each respondent one value: make the rows agree.",
    "conflicting_respondents_table.csv": 'conflicting_respondents_table.csv row 3, column "nps": 3 conflicts with 9 '
    "given for respondent r7 at conflicting_respondents_table.csv row 2. "
    "Give each respondent one value: make the rows agree.",
    "empty.csv": "empty.csv: is empty. Export the sheet again with its header row and data rows.",
    "header_only.csv": "header_only.csv: has a header but no data rows. Add rows below the header, or leave the "
    "file out.",
    "latin1.csv": "latin1.csv row 2: is not UTF-8 text (byte 0xe9); the file was probably saved as Windows-1252 or "
    "Latin-1. Save it as 'CSV UTF-8', or pass --encoding cp1252 (or --encoding latin-1).",
    "blank_lines.csv": 'blank_lines.csv row 6, column "gets": "x" is not a number. Type a number such as 4 or 2.5.',
    "formula_number.csv": 'formula_number.csv row 2, column "gets": "=1+2" is not a number. '
    "Type the number itself: formulas are not evaluated.",
    "unknown_actor.csv": 'unknown_actor.csv row 2, column "actor": "Clinik" is not an actor of model tiny. Did you '
    'mean "Clinic"? Fix the cell, add the actor (or an alias) to the model file or --aliases, '
    "or give its kind in an actor_kind column to create it.",
    "extra_cells.csv": "extra_cells.csv row 2: has 1 more cell(s) than the header; a text cell probably holds the "
    "separator. Put that cell in double quotes.",
    "same_exchange.csv": "same_exchange.csv row 3: gives the same exchange as same_exchange.csv row 2 with different "
    "values. Tell them apart by touchpoint, stage or scenario, give each an exchange_id, or "
    "remove one.",
    "bad_line.jsonl": "bad_line.jsonl row 2: is not valid JSON (Expecting value, column 1). Fix the line.",
    "wrong_sheets.xlsx": "wrong_sheets.xlsx: has sheets 'Sheet1', 'Data2'; expected one sheet of exchange rows, or "
    "sheets named 'flows' (or 'exchanges'), 'respondents' and 'actors'. Rename the sheets, or "
    "keep only one sheet. Unknown: 'Sheet1', 'Data2'.",
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tiny_store_file(tmp_path)


@pytest.fixture
def bad_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus copied to a working folder that is the current directory, so messages name bare files."""
    return corpus_copy(BAD, tmp_path, monkeypatch)


def test_every_bad_file_has_a_case() -> None:
    # documents/ and tables/ hold the corpora of tests/test_hostile_documents.py and tests/test_hostile_tables.py
    files = sorted(p.name for p in BAD.iterdir() if p.is_file())
    assert files == sorted([*CASES, "many_errors.csv"])
    assert sorted(p.name for p in BAD.iterdir() if p.is_dir()) == ["documents", "tables"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gives_its_message_and_leaves_the_store_unchanged(name: str, db: Path, bad_dir: Path) -> None:
    with SQLiteStore(db) as store:
        before = store.read_model()
        with pytest.raises(ModelFileError) as info:
            import_files(store, [name])
        assert str(info.value) == CASES[name]
        assert store.read_model() == before


@pytest.mark.parametrize("name", ["out_of_scale.csv", "wrong_sheets.xlsx", "empty.csv"])
def test_cli_reports_the_message_with_exit_1(name: str, db: Path, bad_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["import", name, "--store", str(db)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {CASES[name]}"


def test_problems_are_capped_with_a_count_of_the_rest(db: Path, bad_dir: Path) -> None:
    with SQLiteStore(db) as store, pytest.raises(ModelFileError) as info:
        import_files(store, ["many_errors.csv"])
    lines = str(info.value).splitlines()
    assert len(lines) == 51  # 50 shown, then the count of the rest
    assert lines[0] == 'many_errors.csv row 2, column "gets": ' + RANGE.format(v=9)
    assert lines[-1] == "... and 10 more problems not shown."


def test_a_ten_megabyte_cell_is_refused_by_name(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("big_cell.csv").write_text(
        f"respondent,goal,actor,dimension,gets,quote\nr1,healthy,clinic,functional,4,{'x' * 10_485_760}\n",
        encoding="utf-8",
    )
    with SQLiteStore(db) as store:
        before = store.read_model()
        with pytest.raises(ModelFileError) as info:
            import_files(store, ["big_cell.csv"])
        assert str(info.value) == (
            'big_cell.csv row 2, column "quote": the cell holds 10,485,760 characters; a cell '
            "holds at most 100,000. Shorten it, or keep the full text elsewhere and put a "
            "reference here."
        )
        assert store.read_model() == before


def test_latin1_file_reads_with_encoding(db: Path, bad_dir: Path) -> None:
    with SQLiteStore(db) as store:
        import_files(store, ["latin1.csv"], encoding="latin-1")
        quotes = {f.quote for f in store.read_model().flows if f.respondent == "r1" and f.touchpoint == "café"}
    assert quotes == {"Très bien"}


def test_an_unknown_encoding_is_named(db: Path, bad_dir: Path) -> None:
    with SQLiteStore(db) as store, pytest.raises(ModelFileError) as info:
        import_files(store, ["latin1.csv"], encoding="klingon")
    assert (
        str(info.value) == 'latin1.csv: "klingon" is not a text encoding. Use e.g. --encoding utf-8, cp1252 or latin-1.'
    )
