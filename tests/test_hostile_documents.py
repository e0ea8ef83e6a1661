"""Documents that are not data (JSON, JSON Lines, YAML) are refused by name, and the store stays as it was.

The small corpus is tests/data/bad/documents, written by ``hostile_documents`` in
tests/data/make_import_corpus.py; the very large documents (100,000 levels deep, an alias
bomb) are written here, to keep the repository small.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from tests.conftest import corpus_copy, tiny_store_file
from tests.data.make_import_corpus import BAD_DOCUMENTS, hostile_documents
from valuenet.cli import cli
from valuenet.errors import ModelFileError
from valuenet.formats.cells import CellError, integer, number, scalar
from valuenet.formats.strict import MAX_DEPTH, Refusal, alias_budget, load_json, load_yaml
from valuenet.models import Actor, Flow, Respondent, Scale
from valuenet.store.sqlite import SQLiteStore

INT_RANGE = "(-9,223,372,036,854,775,808 to 9,223,372,036,854,775,807)"
BIG = "1" + "0" * 30
DEEP = "the data is nested deeper than 64 levels. Flatten the data: a model file or a row needs only a few levels."
FINITE = "is not a finite number. Write a number such as 4 or 2.5, or leave the key out."
TOO_LARGE = (
    f"is outside the whole numbers a store holds {INT_RANGE}. "
    "Write a smaller number, or put it in quotes if it is text."
)
NOT_BOOL = "Input should be a number, not true or false (got True). Fix the value."

CASES = {
    # 1. a key given twice
    "doc_duplicate_key.yaml": 'doc_duplicate_key.yaml line 18, flows[0].magnitude: the key "magnitude" appears twice '
    "in one mapping (first at line 17). Keep one of the two.",
    "doc_duplicate_key.json": 'doc_duplicate_key.json line 32, flows[0].magnitude: the key "magnitude" appears twice '
    "in one object (first at line 31). Keep one of the two.",
    "doc_duplicate_key_rows.json": 'doc_duplicate_key_rows.json row 2, column "gives": the key "gives" appears twice '
    "in one object (first at line 3). Keep one of the two.",
    "doc_duplicate_key.jsonl": 'doc_duplicate_key.jsonl row 2, column "gets": the key "gets" appears twice in one '
    "object. Keep one of the two.",
    # 2. NaN and infinities, attributes included
    "doc_nan.yaml": f"doc_nan.yaml line 17, flows[0].magnitude: .nan {FINITE}",
    "doc_inf_attribute.yaml": f"doc_inf_attribute.yaml line 10, respondents[0].attributes.score: -.inf {FINITE}",
    "doc_nan.json": f"doc_nan.json line 31, flows[0].magnitude: NaN {FINITE}",
    "doc_infinity.json": f"doc_infinity.json line 32, flows[0].money: Infinity {FINITE}",
    "doc_nan_rows.json": f'doc_nan_rows.json row 2, column "gives": NaN {FINITE}',
    "doc_infinity.jsonl": f'doc_infinity.jsonl row 2, column "gives": -Infinity {FINITE}',
    "doc_nan_attribute.jsonl": f'doc_nan_attribute.jsonl row 1, column "attributes.age": NaN {FINITE}',
    "doc_float_overflow.jsonl": f'doc_float_overflow.jsonl row 1, column "gives_money": 1e400 {FINITE}',
    # 3. true where a number belongs
    "doc_true_magnitude.yaml": f"doc_true_magnitude.yaml flows[0].magnitude: {NOT_BOOL}",
    "doc_true_magnitude.json": f"doc_true_magnitude.json flows[0].magnitude: {NOT_BOOL}",
    "doc_true_gets.yaml": f"doc_true_gets.yaml exchanges[0].gets: {NOT_BOOL}",
    # 4. nesting deeper than 64 levels
    "doc_deep.yaml": f"doc_deep.yaml line 10, respondents[0].attributes.notes[0][0]...: {DEEP}",
    "doc_deep.json": f"doc_deep.json line 32, flows[0].money[0][0][0]...: {DEEP}",
    "doc_deep.jsonl": f'doc_deep.jsonl row 2, column "comparisons[0][0][0][0][0]...": {DEEP}',
    # 5. an alias standing for a value that holds it
    "doc_self_alias.yaml": "doc_self_alias.yaml line 10, respondents[0].comparisons[0]: the alias *c stands for a "
    "value that holds the alias itself. Write the value out instead of the alias.",
    # 6. whole numbers outside 64 bits
    "doc_huge_segment.yaml": f"doc_huge_segment.yaml line 5, actors[1].segment_size: {BIG} {TOO_LARGE}",
    "doc_huge_segment.json": f"doc_huge_segment.json line 14, actors[1].segment_size: {BIG} {TOO_LARGE}",
    "doc_huge_attribute.yaml": "doc_huge_attribute.yaml line 10, respondents[0].attributes.card: "
    f"12345678901234567890 {TOO_LARGE}",
    "doc_huge_attribute.jsonl": f'doc_huge_attribute.jsonl row 1, column "attr_card": {BIG} {TOO_LARGE}',
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tiny_store_file(tmp_path)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus copied to a folder that is the current directory, so messages name bare files."""
    return corpus_copy(BAD_DOCUMENTS, tmp_path, monkeypatch)


def refused(db: Path, name: str) -> str:
    """Import ``name`` through the CLI; assert exit 1 and an unchanged store; the message."""
    with SQLiteStore(db) as store:
        before = store.read_model()
    args = ["import", name, "--store", str(db)]
    if not name.endswith((".yaml", ".json")) or name.endswith("_rows.json"):
        args += ["--model", "tiny"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    with SQLiteStore(db) as store:
        assert store.read_model() == before
    return result.output.strip()


def test_every_document_in_the_corpus_has_a_case() -> None:
    assert sorted(p.name for p in BAD_DOCUMENTS.iterdir()) == sorted(CASES)


def test_the_corpus_is_what_the_script_writes(tmp_path: Path) -> None:
    hostile_documents(tmp_path)
    for name in CASES:
        assert (tmp_path / name).read_bytes() == (BAD_DOCUMENTS / name).read_bytes(), name


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_document_gives_its_message_and_writes_nothing(name: str, db: Path, work: Path) -> None:
    assert refused(db, name) == f"Error: {CASES[name]}"


# -- documents too large for the repository -------------------------------------------------------


def test_json_rows_100000_levels_deep_are_refused_without_recursing(db: Path, work: Path) -> None:
    Path("deep_rows.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert refused(db, "deep_rows.json") == f"Error: deep_rows.json row 1: {DEEP}"


def test_a_json_model_100000_levels_deep_is_refused_without_recursing(db: Path, work: Path) -> None:
    Path("deep_model.json").write_text('{"a":' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")
    assert refused(db, "deep_model.json") == f"Error: deep_model.json line 1, a.a.a.a.a.a...: {DEEP}"


def test_a_yaml_file_100000_levels_deep_is_refused_without_recursing(db: Path, work: Path) -> None:
    Path("deep.yaml").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert refused(db, "deep.yaml") == f"Error: deep.yaml line 1, [0][0][0][0][0][0]...: {DEEP}"


def test_a_json_line_100000_levels_deep_is_refused_without_recursing(db: Path, work: Path) -> None:
    Path("deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert refused(db, "deep.jsonl") == f"Error: deep.jsonl row 1: {DEEP}"


def _model_with_flows(lines: list[str]) -> str:
    head = (BAD_DOCUMENTS / "doc_nan.yaml").read_text(encoding="utf-8").split("flows:")[0]
    return head + "flows:\n" + "".join(lines)


def test_an_alias_bomb_of_repeated_quotes_is_refused(db: Path, work: Path) -> None:
    """150 KB that would expand to a 33 MB store: one 30,000-character quote, aliased in 1,099 flows."""
    flow = "  - {{id: f{i}, goal: healthy, source: clinic, target: patient, dimension: functional, magnitude: 1, "
    lines = [flow.format(i=0) + "quote: &q " + "x" * 30_000 + "}\n"]
    lines += [flow.format(i=i) + "quote: *q}\n" for i in range(1, 1_100)]
    text = _model_with_flows(lines)
    Path("bomb.yaml").write_text(text, encoding="utf-8")
    size = len(text)
    assert 100_000 < size < 200_000 and 1_099 * 30_000 > 30_000_000
    used = alias_budget(size) // 30_000 + 1  # the first alias past the budget
    assert refused(db, "bomb.yaml") == (
        f"Error: bomb.yaml line {used + 12}, flows[{used}].quote: the aliases repeat more than "
        f"{alias_budget(size):,} characters of data, the most a file of {size:,} characters may repeat. "
        "Write the repeated parts out, or use fewer aliases."
    )


def test_a_billion_laughs_bomb_is_refused_before_it_expands(db: Path, work: Path) -> None:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]\n" for i in range(1, 10)]
    Path("laughs.yaml").write_text("".join(lines), encoding="utf-8")
    assert refused(db, "laughs.yaml") == (
        "Error: laughs.yaml line 6, lol5[2]: the aliases repeat more than 1,000,000 characters of data, the most "
        f"a file of {len(''.join(lines)):,} characters may repeat. Write the repeated parts out, or use fewer aliases."
    )


# -- what must still load ----------------------------------------------------------------------------


def test_a_model_file_with_a_few_anchors_and_a_merge_still_imports(db: Path, work: Path) -> None:
    text = (BAD_DOCUMENTS / "doc_nan.yaml").read_text(encoding="utf-8").replace("magnitude: .nan", "magnitude: 4")
    text = text.replace(
        "  - id: r1\n    attributes: {age: 34}\n",
        "  - id: r1\n    weights: &w {functional: 0.5, economic: 0.5}\n"
        "    attributes: &a {age: 34, card: '12345678901234567890'}\n"
        "  - {id: r2, weights: *w, attributes: {<<: *a, age: 61}}\n"
        "  - {id: r3, weights: *w, attributes: {big: 9223372036854775807, small: -9223372036854775808}}\n",
    )
    Path("anchors.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "anchors.yaml", "--store", str(db)])
    assert result.exit_code == 0, result.output
    with SQLiteStore(db) as store:
        people = {r.id: r for r in store.read_model().respondents}
    assert people["r2"].weights == {"functional": 0.5, "economic": 0.5}
    assert people["r2"].attributes == {"age": 61, "card": "12345678901234567890"}
    assert people["r3"].attributes == {"big": 2**63 - 1, "small": -(2**63)}


def test_an_attribute_of_1e300_stays_a_float_and_the_store_reads_it_back(db: Path, work: Path) -> None:
    Path("far.jsonl").write_text(
        '{"respondent": "r9", "attr_x": 1e300, "attr_n": 12.0, "goal": "healthy", "actor": "clinic", '
        '"dimension": "functional", "gets": 4}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["import", "far.jsonl", "--store", str(db), "--model", "tiny"])
    assert result.exit_code == 0, result.output
    with SQLiteStore(db) as store:
        attributes = store.read_model().respondent("r9").attributes
    assert attributes == {"x": 1e300, "n": 12}
    assert isinstance(attributes["x"], float) and isinstance(attributes["n"], int)


# -- the loaders, the cells and the model, one by one -----------------------------------------------


@pytest.mark.parametrize("load", [load_json, load_yaml])
def test_64_levels_load_and_65_are_refused(load: object) -> None:
    assert callable(load)
    text = "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH
    assert load(text) is not None
    with pytest.raises(Refusal) as info:
        load("[" + text + "]")
    assert str(info.value) == f"line 1, [0][0][0][0][0][0]...: {DEEP}"


def test_an_alias_deepens_what_it_stands_for() -> None:
    inner = "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    assert load_yaml(f"a: &a {inner}\n")["a"] is not None
    with pytest.raises(Refusal) as info:
        load_yaml(f"a: &a {inner}\nb: [*a]\n")
    assert str(info.value) == f"line 2, b[0]: {DEEP}"


def test_whole_numbers_at_the_64_bit_edges() -> None:
    assert load_json("[9223372036854775807, -9223372036854775808, 1e308]") == [2**63 - 1, -(2**63), 1e308]
    for text in ("[9223372036854775808]", "[-9223372036854775809]", "[" + "9" * 5_000 + "]"):
        with pytest.raises(Refusal, match="is outside the whole numbers a store holds"):
            load_json(text)
    with pytest.raises(Refusal, match="is outside the whole numbers a store holds"):
        load_yaml("x: 0x8000000000000000\n")


def test_a_string_holding_brackets_or_nan_is_only_text() -> None:
    text = json.dumps({"quote": "[" * 200 + "NaN Infinity", "n": "99999999999999999999"})
    assert load_json(text) == json.loads(text)
    assert load_yaml("quote: '.nan'\nn: '1e400'\n") == {"quote": ".nan", "n": "1e400"}


def test_cells_refuse_numbers_no_store_holds() -> None:
    assert scalar(1e300) == 1e300 and isinstance(scalar(1e300), float)
    assert scalar(12.0) == 12 and isinstance(scalar(12.0), int)
    assert scalar(" 34 ") == 34
    with pytest.raises(CellError) as info:
        scalar(math.nan)
    assert (info.value.message, info.value.fix) == ('"nan" is not a finite number.', "Type a number such as 4 or 2.5.")
    with pytest.raises(CellError) as info:
        integer("1e300")
    assert info.value.message == f'"1e300" is outside the whole numbers a store holds {INT_RANGE}.'
    with pytest.raises(CellError) as info:
        number(10**30)
    assert info.value.message == f'"{BIG}" is outside the whole numbers a store holds {INT_RANGE}.'
    with pytest.raises(CellError) as info:
        scalar(10**5000)
    assert info.value.message == f"a number of 16,610 bits is outside the whole numbers a store holds {INT_RANGE}."
    assert integer(2**63 - 1) == 2**63 - 1
    assert integer("9223372036854775807") == 2**63 - 1  # exact, not through a float
    assert number("+0000000000000000000000000001") == 1.0


def test_a_csv_number_cell_outside_64_bits_is_refused_by_row_and_column(db: Path, work: Path) -> None:
    Path("weights.csv").write_text(
        f"respondent,goal,actor,dimension,gets,weight_functional\nr1,healthy,clinic,functional,4,{BIG}\n",
        encoding="utf-8",
    )
    assert refused(db, "weights.csv") == (
        f'Error: weights.csv row 2, column "weight_functional": "{BIG}" is outside the whole numbers a store holds '
        f"{INT_RANGE}. Write a smaller number."
    )


@pytest.mark.parametrize(
    ("build", "loc"),
    [
        (lambda: Flow(id="f", goal="g", source="a", target="b", dimension="d", magnitude=True), ("magnitude",)),
        (lambda: Flow(id="f", goal="g", source="a", target="b", dimension="d", money=False), ("money",)),
        (lambda: Flow(id="f", goal="g", source="a", target="b", dimension="d", occurrences=True), ("occurrences",)),
        (lambda: Respondent(id="r", nps=True), ("nps",)),
        (lambda: Respondent(id="r", weights={"functional": True}), ("weights", "functional")),
        (lambda: Respondent(id="r", thresholds={"economic": False}), ("thresholds", "economic")),
        (lambda: Actor(id="a", name="A", kind="peer", segment_size=True), ("segment_size",)),
        (lambda: Actor(id="a", name="A", kind="peer", fixed_expenses=True), ("fixed_expenses",)),
        (lambda: Scale(max=True), ("max",)),
    ],
)
def test_model_numbers_refuse_true_and_false(build: object, loc: tuple[str, ...]) -> None:
    assert callable(build)
    with pytest.raises(ValidationError) as info:
        build()
    [error] = info.value.errors()
    assert (error["loc"], error["msg"]) == (loc, "Input should be a number, not true or false")


def test_model_numbers_refuse_what_no_store_holds() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 9223372036854775807"):
        Actor(id="a", name="A", kind="peer", segment_size=10**30)
    with pytest.raises(ValidationError) as info:
        Respondent(id="r", attributes={"score": math.inf})
    assert info.value.errors()[0]["msg"] == 'the attribute "score" holds inf, not a finite number'
    with pytest.raises(ValidationError) as info:
        Respondent(id="r", attributes={"card": 2**63})
    assert info.value.errors()[0]["msg"] == (
        'the attribute "card" holds a whole number outside 64 bits (-9223372036854775808 to 9223372036854775807)'
    )
    with pytest.raises(ValidationError, match="finite number"):
        Respondent(id="r", weights={"functional": math.nan})
    assert Respondent(id="r", attributes={"ok": True, "n": 2**63 - 1, "x": 1e300}).attributes["ok"] is True


def test_a_list_key_holding_something_else_is_named_before_anything_reads_it() -> None:
    from valuenet.formats.modelfile import parse_model

    with pytest.raises(ModelFileError) as info:
        parse_model({"valuenet": 1, "id": "m", "actors": 7, "goals": {"a": 1}}, "m.yaml")
    assert str(info.value) == (
        "m.yaml actors: is a number, not a list. Write actors as a list of items, one '- ' line (YAML) or one [...] "
        "entry (JSON) each.\n"
        "m.yaml goals: is a mapping, not a list. Write goals as a list of items, one '- ' line (YAML) or one [...] "
        "entry (JSON) each."
    )


def test_a_long_value_is_cut_in_its_message_so_a_problem_stays_one_short_line() -> None:
    from valuenet.formats.modelfile import parse_model

    actors = [{"id": "f" * 100_000, "name": "F", "kind": "focal_firm"}]
    with pytest.raises(ModelFileError) as info:
        parse_model({"valuenet": 1, "id": "m", "actors": actors}, "m.yaml")
    message = str(info.value)
    assert message.startswith("m.yaml actors[0].id: String should have at most 200 characters (got 'fff")
    assert "... (100,002 characters))." in message and len(message) < 300


def test_ids_and_texts_in_a_model_file_hold_no_control_or_invisible_characters() -> None:
    from valuenet.formats.modelfile import parse_model

    actors = [
        {"id": "clinic\u202e", "name": "Clinic", "kind": "focal_firm"},
        {"id": "p", "name": "a\x07", "kind": "customer"},
    ]
    with pytest.raises(ModelFileError) as info:
        parse_model({"valuenet": 1, "id": "m", "actors": actors}, "m.yaml")
    assert "m.yaml actors[0].id: Value error, holds U+202E, an invisible or control character" in str(info.value)
    assert "m.yaml actors[1].name: Value error, holds the control character U+0007" in str(info.value)


@pytest.mark.parametrize(
    ("text", "load", "where"),
    [
        ('{"a": ["x", "lone \\ud800 half"]}', load_json, "line 1, a[1]"),
        ('{"lone \\udc00": 1}', load_json, "line 1"),
        ('a:\n  b: [1, "x \\ud800 y"]\n', load_yaml, "a.b[1]"),
    ],
    ids=["json-value", "json-key", "yaml"],
)
def test_half_a_surrogate_pair_is_refused_by_place(text: str, load: Any, where: str) -> None:
    with pytest.raises(Refusal) as info:
        load(text)
    assert str(info.value).startswith(where + ": ")
    assert "holds half of a surrogate pair" in str(info.value)


def test_a_whole_surrogate_pair_is_the_character_it_stands_for() -> None:
    assert load_json('{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}
