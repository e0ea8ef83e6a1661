"""The columnar import gives exactly what the row-by-row import gives: stores, counts, messages, rejects.

Each test imports the same files twice, once the usual way (chunks of columns,
checked vectorised, CSV parsed by pyarrow where it can be) and once with both
the chunked readers and the vectorised check switched off, and compares
everything a user sees. Chunks are made tiny so that respondents, errors and
multi-line cells fall across chunk boundaries.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import tiny_model
from valuenet.errors import ModelFileError
from valuenet.formats import chunks, delimited
from valuenet.formats.chunks import chunks_from_rows, table_chunks
from valuenet.formats.inputs import read_tables
from valuenet.importers import import_files, interviews
from valuenet.importers.columnar import ChunkChecker
from valuenet.models import Model
from valuenet.store.sqlite import SQLiteStore

HEAD = [
    "respondent",
    "segment",
    "nps",
    "weight_functional",
    "goal",
    "scenario",
    "actor",
    "dimension",
    "gets",
    "gives",
    "gets_money",
    "touchpoint",
    "quote",
    "responsible",
]


def _structure() -> Model:
    return tiny_model().model_copy(update={"respondents": [], "flows": []})


def _outcome(tmp: Path, files: list[Path], **options: Any) -> tuple[Any, ...]:
    """Everything a user sees of one import into a fresh store: counts, messages, the model, the rejects."""
    db = tmp / f"s{len(list(tmp.glob('s*.db')))}.db"
    with SQLiteStore(db) as store:
        store.write_model(_structure())
        try:
            result = import_files(store, files, **options)
        except ModelFileError as exc:
            return ("refused", str(exc), store.read_model())
        tab = result.interviews
        assert tab is not None
        rejects = None
        if tab.rejects_file:
            rejects = Path(tab.rejects_file).read_text(encoding="utf-8")
            Path(tab.rejects_file).unlink()
        return (
            result.summary.as_dict(),
            [str(p) for p in tab.problems],
            [str(w) for w in tab.warnings],
            (tab.rows, tab.imported, tab.repeated, tab.total_rejected),
            store.read_model(),
            rejects,
        )


def _both(tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch, *, size: int = 3, **options: Any) -> None:
    monkeypatch.setattr(chunks, "CHUNK_ROWS", size)
    columnar = _outcome(tmp_path, files, **options)
    with monkeypatch.context() as m:
        m.setattr(ChunkChecker, "check", lambda *a, **k: None)
        m.setattr(interviews, "table_chunks", lambda table: chunks_from_rows(table.rows()))
        rows = _outcome(tmp_path, files, **options)
    assert columnar == rows


def _csv(path: Path, rows: list[list[Any]], header: list[str] = HEAD) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


GOOD = [
    ["r1", "young", "9", "0.5", "healthy", "", "clinic", "functional", "4", "0", "", "treatment", "Works.", ""],
    ["r1", "young", "9", "0.5", "healthy", "", "insurer", "economic", "1", "2", "65", "claim", "Fine, I guess", ""],
    ["r2", "old", "4", "", "healthy", "future", "clinic", "experiential", "2", "3", "", "", "", "clinic"],
    ["r2", "old", "4", "", "healthy", "future", "family", "symbolic", "3", "", "", "home", 'She said "go"', ""],
    ["r3", "old", "", "0.2", "healthy", "", "clinic", "functional", "5", "1", "", "", "line one\nline two", ""],
    ["r1", "young", "9", "0.5", "healthy", "", "family", "experiential", "1", "1", "", "home", "", ""],
    ["r4", "young", "7", "", "healthy", "", "clinic", "economic", "", "", "120", "bill", "", ""],
]

#: Cells that each send a row (so its chunk) the row-by-row way, or get a message of their own.
ODD = {
    "respondent": ["", " r9 ", "r\u200b1"],
    "segment": ["", "other"],
    "nps": ["11", "x", "true"],
    "weight_functional": ["-1", "0,5"],
    "goal": ["nope", "Become healthy"],
    "scenario": ["later", "FUTURE"],
    "actor": ["Clinic", "nobody", " clinic"],
    "dimension": ["fun", "FUNCTIONAL"],
    "gets": ["9", "2,5", "yes", " 3 "],
    "gives": ["-1", "1e400"],
    "gets_money": ["1_000", "x"],
    "touchpoint": ["  ", "a\x01b"],
    "quote": ["  ", "a\x01b", "=1+1", "'quoted", "x\r\ny"],
    "responsible": ["nobody", "insurer"],
}


def test_a_clean_file_imports_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv(tmp_path / "i.csv", GOOD)
    (table,) = read_tables(path)
    assert table.open_chunks is not None  # pyarrow parses it: quotes open and close cleanly
    checked = []
    real = ChunkChecker.check

    def spy(self: ChunkChecker, *args: Any, **kwargs: Any) -> Any:
        block = real(self, *args, **kwargs)
        checked.append(block is not None)
        return block

    monkeypatch.setattr(ChunkChecker, "check", spy)
    _both(tmp_path, [path], monkeypatch)
    assert checked == [True, True, True]  # every chunk of 3 rows was checked as columns


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(
        st.tuples(st.integers(0, len(GOOD) - 1), st.sampled_from(sorted(ODD)), st.integers(0, 4)),
        max_size=4,
    ),
    order=st.permutations(range(len(GOOD))),
    skip=st.booleans(),
)
def test_odd_cells_anywhere_give_the_same_store_counts_and_messages(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    picks: list[tuple[int, str, int]],
    order: list[int],
    skip: bool,
) -> None:
    rows = [list(GOOD[i]) for i in order]
    for at, column, which in picks:
        choices = ODD[column]
        rows[at][HEAD.index(column)] = choices[which % len(choices)]
    tmp = tmp_path_factory.mktemp("odd")
    _both(tmp, [_csv(tmp / "i.csv", rows)], monkeypatch, skip_invalid=skip)


@pytest.mark.parametrize(
    "body",
    [
        b'r1,young,9,,healthy,,clinic,functional,4,0,,,"abc"def,\n',  # text after a closing quote: csv refuses it
        b'r1,young,9,,healthy,,clinic,functional,4,0,,,""x,\n',
        b'r1,young,9,,healthy,,clinic,functional,4,0,,,size 5",\n',
    ],
)
def test_quotes_pyarrow_would_read_differently_go_to_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes
) -> None:
    path = tmp_path / "i.csv"
    path.write_bytes((",".join(HEAD) + "\n").encode() + body)
    (table,) = read_tables(path)
    if b'"abc"' in body or b'""x' in body:
        assert table.open_chunks is None
    _both(tmp_path, [path], monkeypatch)


def test_rows_after_multi_line_cells_and_blank_lines_keep_their_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = ",".join(HEAD)
    text = (
        head + "\n"
        'r1,young,9,,healthy,,clinic,functional,4,0,,,"one\ntwo\r\nthree",\n'
        "\n"
        ",,,,,,,,,,,,,\n"
        "r2,old,4,,healthy,,clinic,fun,4,0,,,,\n"
        'r3,old,4,,healthy,,clinic,functional,4,0,,,"a\n\nb",\n'
        "r4,old,4,,healthy,,clinic,functional,99,0,,,,\n"
    )
    path = tmp_path / "i.csv"
    path.write_text(text, encoding="utf-8")
    (table,) = read_tables(path)
    assert table.open_chunks is not None
    numbered = [n for c in table_chunks(table) for n in c.numbers]
    assert numbered == [n for n, _ in table.rows()] == [2, 7, 8, 11]
    with pytest.raises(ModelFileError) as err:
        with SQLiteStore(tmp_path / "s.db") as store:
            store.write_model(_structure())
            import_files(store, [path])
    assert "i.csv row 7, column" in str(err.value) and "i.csv row 11, column" in str(err.value)
    _both(tmp_path, [path], monkeypatch)


def test_a_row_of_another_width_mid_file_is_read_by_the_csv_module_from_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [list(r) for r in GOOD] * 3
    path = _csv(tmp_path / "i.csv", rows)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[12] = lines[12] + ",extra"  # one cell too many, not blank: a message
    path.write_text("\n".join(lines), encoding="utf-8")
    _both(tmp_path, [path], monkeypatch)


def test_formula_escapes_written_by_valuenet_are_undone_in_chunks_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [list(r) for r in GOOD]
    rows[1][HEAD.index("quote")] = "'=1+1"
    path = _csv(tmp_path / "i.csv", rows)
    _both(tmp_path, [path], monkeypatch)
    with SQLiteStore(tmp_path / "x.db") as store:
        store.write_model(_structure())
        import_files(store, [path])
        assert "=1+1" in {f.quote for f in store.read_model().flows}


def test_jsonl_and_xlsx_tables_import_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    jsonl = tmp_path / "i.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        for r in GOOD:
            obj = {k: v for k, v in zip(HEAD, r, strict=True) if v != ""}
            for k in ("gets", "gives", "gets_money", "nps"):
                if k in obj:
                    obj[k] = int(obj[k])
            fh.write(json.dumps(obj) + "\n")
    _both(tmp_path, [jsonl], monkeypatch)
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in GOOD:
        ws.append([int(v) if v.isdigit() else (v or None) for v in r])
    xlsx = tmp_path / "i.xlsx"
    wb.save(xlsx)
    _both(tmp_path, [xlsx], monkeypatch)


@pytest.mark.parametrize("suffix", [".xlsx", ".jsonl", ".csv", ".tsv"])
def test_the_rejects_file_is_in_the_inputs_format_and_imports_again_once_fixed(tmp_path: Path, suffix: str) -> None:
    rows = [list(r) for r in GOOD]
    rows[2][HEAD.index("dimension")] = "fun"
    path = _csv(tmp_path / "i.csv", rows)
    rejects = tmp_path / f"bad{suffix}"
    with SQLiteStore(tmp_path / "s.db") as store:
        store.write_model(_structure())
        result = import_files(store, [path], skip_invalid=True, rejects=rejects)
        assert result.interviews is not None and result.interviews.total_rejected == 1
        (table,) = read_tables(rejects)  # a real file of its format, which the importer reads
        ((_, row),) = list(table.rows())
        assert row["dimension"] == "fun"
        if suffix == ".xlsx":
            assert rejects.read_bytes()[:2] == b"PK"
        elif suffix == ".jsonl":
            assert json.loads(rejects.read_text(encoding="utf-8").splitlines()[0])["dimension"] == "fun"
        # fix the cell where the rejects file holds it, and import the file again
        text_fixed = _fixed(rejects, suffix)
        again = import_files(store, [text_fixed])
        assert again.interviews is not None and again.interviews.imported == 1
        assert again.summary.counts["flows"].added == 2


def _fixed(path: Path, suffix: str) -> Path:
    out = path.with_name("fixed" + suffix)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        ws = wb.active
        col = [c.value for c in ws[1]].index("dimension") + 1
        ws.cell(row=2, column=col, value="functional")
        wb.save(out)
    else:
        text = path.read_text(encoding="utf-8")
        for old in (",fun,", "\tfun\t", '"fun"'):
            text = text.replace(old, old.replace("fun", "functional"))
        out.write_text(text, encoding="utf-8")
    return out


def test_the_default_rejects_file_is_named_after_the_input_in_its_format(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    bad = list(GOOD[0])
    bad[HEAD.index("dimension")] = "fun"
    for r in (GOOD[1], bad):
        ws.append([v or None for v in r])
    xlsx = tmp_path / "i.xlsx"
    wb.save(xlsx)
    with SQLiteStore(tmp_path / "s.db") as store:
        store.write_model(_structure())
        result = import_files(store, [xlsx], skip_invalid=True)
    assert result.interviews is not None
    assert result.interviews.rejects_file == str(tmp_path / "i.rejects.xlsx")
    assert (tmp_path / "i.rejects.xlsx").read_bytes()[:2] == b"PK"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='a,"\n\r', max_size=24))
def test_the_quote_check_passes_only_what_the_csv_module_reads(text: str) -> None:
    data = ("h,i\n" + text).encode()
    try:
        list(csv.reader(io.StringIO(data.decode(), newline=""), strict=True))
        reads = True
    except csv.Error:
        reads = False
    if delimited.clean_quotes(data, ","):
        assert reads


@pytest.mark.parametrize(
    "text",
    [
        '"cheap,"fast',  # a quote closing a cell early, right after a separator inside it
        '"yes,"no""',
        '"abc"def',
        '""x',
        '"he said "hi" ok"',
        '"a" ,b',
    ],
)
def test_quotes_the_csv_module_refuses_are_not_left_to_pyarrow(text: str) -> None:
    assert not delimited.clean_quotes(f"h\n{text}\n".encode(), ",")
    with pytest.raises(csv.Error):
        list(csv.reader([text], strict=True))


def test_one_respondent_written_two_ways_is_compared_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    head = ["respondent", "actor", "dimension", "gets", "nps"]
    path = _csv(
        tmp_path / "i.csv", [["r1 ", "clinic", "functional", "1", "10"], ["r1", "clinic", "economic", "1", "9"]], head
    )
    _both(tmp_path, [path], monkeypatch, size=10)
    with SQLiteStore(tmp_path / "c.db") as store:
        store.write_model(_structure())
        with pytest.raises(ModelFileError, match='column "nps": 9 conflicts with 10 given for respondent r1'):
            import_files(store, [path])


def test_a_row_blank_but_for_a_column_outside_the_layout_is_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "i.csv"
    path.write_text("respondent,actor,dimension,gets,junk\nr1,clinic,functional,4,\n,,,,x\nr2,clinic,functional,3,\n")
    _both(tmp_path, [path], monkeypatch, size=10)
    _both(tmp_path, [path], monkeypatch, size=10, skip_invalid=True)


@pytest.mark.parametrize("size", [1, 2, 10])
def test_a_respondents_cells_compare_with_their_types_at_any_chunk_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    head = ["respondent", "actor", "dimension", "gets", "attr_code"]
    rows = [
        ["r1", "clinic", d, "1", code]
        for d, code in zip(["economic", "functional", "experiential"], ["'0034", "0034", "0034"], strict=True)
    ]
    _both(tmp_path, [_csv(tmp_path / "i.csv", rows, head)], monkeypatch, size=size, skip_invalid=True)
    jsonl = tmp_path / "i.jsonl"
    lines = [
        {"respondent": "r1", "actor": "clinic", "dimension": d, "gets": 1, "nps": v}
        for d, v in (("economic", 1), ("functional", True))
    ]
    jsonl.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    _both(tmp_path, [jsonl], monkeypatch, size=size, skip_invalid=True)


def test_json_keys_first_met_in_a_chunk_reach_the_rejects_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jsonl = tmp_path / "i.jsonl"
    lines = [
        {"respondent": "r1", "actor": "clinic", "dimension": "functional", "gets": 4, "exchange_id": "e1"},
        {
            "respondent": "r1",
            "actor": "clinic",
            "dimension": "functional",
            "gets": 3,
            "exchange_id": "e1",
            "touchpoint": "desk",
            "note": "hello",
        },
    ]
    jsonl.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    _both(tmp_path, [jsonl], monkeypatch, size=2, skip_invalid=True)


def test_after_a_cell_over_two_lines_the_rest_streams_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 5)
    rows = [list(GOOD[0]) for _ in range(60)]
    rows[1][HEAD.index("quote")] = "two\nlines"
    (table,) = read_tables(_csv(tmp_path / "i.csv", [[f"r{i}", *r[1:]] for i, r in enumerate(rows)]))
    read = []
    real = table.open_rows

    def counted() -> Iterator[Any]:
        for item in real():
            read.append(item[0])
            yield item

    table.open_rows = counted
    delimited_chunks = table_chunks(table)
    first = next(delimited_chunks)
    assert len(first) <= 5 and len(read) <= 6  # not the whole rest of the file at once
    assert [n for c in [first, *delimited_chunks] for n in c.numbers] == [n for n, _ in real()]


def test_text_marked_to_stay_text_keeps_its_meaning_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    head = [*HEAD, "attr_code"]
    rows = [[*r, code] for r, code in zip(GOOD, ["'0034", "'0034", "0034", "0034", "'7", "'0034", "x"], strict=True)]
    path = _csv(tmp_path / "i.csv", rows, head)
    _both(tmp_path, [path], monkeypatch)
    jsonl = tmp_path / "i.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        for r in rows:
            obj = {k: v for k, v in zip(head, r, strict=True) if v != ""}
            obj["attr_code"] = obj["attr_code"].lstrip("'")  # JSON says what is text itself
            fh.write(json.dumps(obj) + "\n")
    _both(tmp_path, [jsonl], monkeypatch)
    with SQLiteStore(tmp_path / "t.db") as store:
        store.write_model(_structure())
        import_files(store, [path])
        codes = {r.id: r.attributes["code"] for r in store.read_model().respondents}
    assert codes == {"r1": "0034", "r2": 34, "r3": "7", "r4": "x"}


def test_repeated_rows_across_chunks_count_once_and_changed_repeats_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [list(r) for r in GOOD] + [list(GOOD[0]), list(GOOD[4])]
    rows[-1][HEAD.index("gets")] = "2"  # the same exchange as row 6, with other values
    path = _csv(tmp_path / "i.csv", rows)
    _both(tmp_path, [path], monkeypatch, skip_invalid=True)
    with SQLiteStore(tmp_path / "r.db") as store:
        store.write_model(_structure())
        with pytest.raises(ModelFileError) as err:
            import_files(store, [path])
    # row 6's quote runs over two lines, so the repeat of it is row 11
    assert f"{path} row 11: gives the same exchange as {path} row 6 with different values." in str(err.value)


@pytest.mark.parametrize(
    "text",
    [b'"x""y",2', b'"abc"def', b'""x', b'"cheap,"fast', b'"""x""",2', b'a,"b\nc",d', b'"open,', b'5",2', b'x""y,2'],
)
def test_the_quote_check_gives_the_same_answer_however_the_file_splits_into_blocks(text: bytes) -> None:
    data = b"h,i\n" + text + b"\n"
    whole = delimited.clean_quotes(data, ",")
    for at in range(1, len(data)):
        assert delimited._check_blocks([data[:at], data[at:]], ",") == whole, at
