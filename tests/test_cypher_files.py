"""The cypher/ library without a server: headers, :param defaults, statement splitting, typed parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuenet.cypher_files import (
    CypherFile,
    library,
    literal,
    parse_cypher,
    parse_literal,
    parse_param_option,
    parse_param_value,
    read_cypher_file,
    resolve,
    run_cypher,
    schema_statements,
    split_statements,
)
from valuenet.errors import AnalysisError, NotFoundError
from valuenet.resources import cypher_dir

LIBRARY = library()


def test_the_library_holds_the_questions_the_analysts_asked_for() -> None:
    assert [f.name for f in LIBRARY] == [
        "firm-net-value-by-dimension",
        "loop-importance",
        "respondents-past-threshold",
        "scenario-deltas",
        "segment-comparison",
        "substitutes-for-the-firm",
        "value-destroying-touchpoints",
    ]


@pytest.mark.parametrize("f", LIBRARY, ids=lambda f: f.name)
def test_each_file_opens_with_its_question_and_documents_every_parameter(f: CypherFile) -> None:
    assert f.path is not None
    text = f.path.read_text(encoding="utf-8")
    assert text.startswith("// ")
    assert f.title and f.description
    assert list(f.param_help) == list(f.params), "the Parameters block and the :param lines disagree"
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", " ".join(f.statements)))
    assert used == set(f.params)
    assert len(f.statements) == 1
    assert ":param" not in f.statements[0]
    # Every :param line ends with a semicolon, so Browser's multi-statement editor splits it off.
    assert all(line.rstrip().endswith(";") for line in text.splitlines() if line.startswith(":param"))


@pytest.mark.parametrize("f", LIBRARY, ids=lambda f: f.name)
def test_each_file_builds_no_query_text_from_data(f: CypherFile) -> None:
    # Labels and relationship types are literals; values are parameters: no string concatenation into Cypher.
    assert "apoc." not in f.statements[0]
    assert not re.search(r"\+\s*\$|\$\w+\s*\+\s*'", f.statements[0])


def test_every_library_file_defaults_to_the_bundled_health_example() -> None:
    assert {f.params["model"] for f in LIBRARY} == {"health"}


def test_schema_statements_are_all_idempotent() -> None:
    statements = schema_statements()
    assert len(statements) == 13
    for s in statements:
        assert "IF NOT EXISTS" in s or s.startswith("CALL db.awaitIndexes")


def test_header_params_and_statements_are_read() -> None:
    f = parse_cypher(
        "// Who reported what?\n//\n// A longer story.\n//\n// Parameters:\n//   model   the model\n"
        "//   top     how many rows, at most;\n//           more text\n"
        ":param model => 'health';\n:param top => 5\n\nMATCH (r:Respondent {model: $model})\n"
        "RETURN r.id LIMIT $top;\n",
        name="who",
    )
    assert (f.title, f.description) == ("Who reported what?", "A longer story.")
    assert f.params == {"model": "health", "top": 5}
    assert f.param_help == {"model": "the model", "top": "how many rows, at most; more text"}
    assert f.statements == ["MATCH (r:Respondent {model: $model})\nRETURN r.id LIMIT $top"]


def test_semicolons_in_strings_comments_and_backquotes_do_not_split() -> None:
    text = (
        'RETURN \'a;b\' AS x; // one; two\nRETURN "c;\\"d" AS `y;z`;\n/* e; f */ RETURN 1 AS one;\n'
        "  :param ignored => 1;\n// only a comment;\n"
    )
    assert split_statements(text) == ["RETURN 'a;b' AS x", 'RETURN "c;\\"d" AS `y;z`', "/* e; f */ RETURN 1 AS one"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("'it\\'s'", "it's"),
        ('"tab\\there"', "tab\there"),
        ("'\\u00e9t\\u00e9'", "été"),
        ("-3", -3),
        ("2.5e1", 25.0),
        ("NULL", None),
        ("True", True),
        ("[]", []),
        ("{}", {}),
        ("[1, [2, 'x'], {a: null}]", [1, [2, "x"], {"a": None}]),
        ('{"quoted key": 1, `back tick`: 2}', {"quoted key": 1, "back tick": 2}),
    ],
)
def test_literals(text: str, value: Any) -> None:
    assert parse_literal(text) == value


@pytest.mark.parametrize("text", ["date('2024-01-01')", "[1, 2", "'open", "{a 1}", "1 2"])
def test_what_is_not_a_literal_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        parse_literal(text)


_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), inner, max_size=4)
    ),
    max_leaves=10,
)


@given(_values)
def test_literal_round_trips(value: Any) -> None:
    assert parse_literal(literal(value)) == value


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("segment=retirees", ("segment", "retirees")),
        ("top=3", ("top", 3)),
        ("x=-0.5", ("x", -0.5)),
        ("flag=false", ("flag", False)),
        ("goal=null", ("goal", None)),
        ('ids=["h01", "h02"]', ("ids", ["h01", "h02"])),
        ('segment="42"', ("segment", "42")),
        ("segment='42'", ("segment", "42")),
        ("q=a=b", ("q", "a=b")),
        ("name= young adults ", ("name", " young adults ")),
    ],
)
def test_param_options_are_typed(option: str, expected: tuple[str, Any]) -> None:
    assert parse_param_option(option) == expected


@pytest.mark.parametrize("option", ["segment", "=x", "2x=1", "a b=1"])
def test_a_param_option_without_a_name_is_refused(option: str) -> None:
    with pytest.raises(AnalysisError) as err:
        parse_param_option(option)
    assert str(err.value) == (f"--param {option!r} is not NAME=VALUE. Write it as, for example, --param segment=young.")


def test_a_broken_list_value_says_how_to_pass_text() -> None:
    with pytest.raises(AnalysisError, match=r"Quote it as a JSON string to pass it as text\.$"):
        parse_param_value("[1, 2")


def test_resolve_finds_library_names_paths_and_queries(tmp_path: Path) -> None:
    assert resolve("loop-importance").path == cypher_dir() / "loop-importance.cypher"
    assert resolve("loop-importance.cypher").name == "loop-importance"
    own = tmp_path / "mine.cypher"
    own.write_text(":param x => 1;\nRETURN $x AS x;\n", encoding="utf-8")
    assert resolve(str(own)).params == {"x": 1}
    query = resolve("MATCH (n) RETURN count(n)")
    assert (query.path, query.statements) == (None, ["MATCH (n) RETURN count(n)"])


def test_a_missing_file_lists_the_library() -> None:
    with pytest.raises(NotFoundError) as err:
        resolve("loop-importanse.cypher")
    names = ", ".join(f.name for f in LIBRARY)
    assert str(err.value) == (
        f"no Cypher file 'loop-importanse.cypher', in the current folder or in the library ({names})."
    )


class FakeRunner:
    """Records what would be sent to Neo4j."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def query(self, text: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        self.sent.append((text, dict(params or {})))
        return (["n"], [{"n": len(self.sent)}]) if text.startswith("RETURN") else ([], [])


def test_given_params_override_defaults_and_text_is_sent_unchanged() -> None:
    runner = FakeRunner()
    result = run_cypher(runner, "segment-comparison", {"scenario": "future-a"})
    text, params = runner.sent[0]
    assert params == {"model": "health", "goal": None, "scenario": "future-a"}
    assert text == read_cypher_file(cypher_dir() / "segment-comparison.cypher").statements[0]
    assert result.source.name == "segment-comparison"


def test_a_misspelt_parameter_is_refused_before_anything_runs() -> None:
    runner = FakeRunner()
    with pytest.raises(AnalysisError) as err:
        run_cypher(runner, "segment-comparison", {"segmnt": "retirees"})
    assert str(err.value) == "segment-comparison.cypher has no parameter segmnt (it takes: model, goal, scenario)."
    assert runner.sent == []


def test_the_last_statement_with_columns_gives_the_rows() -> None:
    runner = FakeRunner()
    result = run_cypher(runner, "CREATE (:Tmp); RETURN 1 AS n; MATCH (t:Tmp) DELETE t", {"any": 1})
    assert [t for t, _ in runner.sent] == ["CREATE (:Tmp)", "RETURN 1 AS n", "MATCH (t:Tmp) DELETE t"]
    assert (result.columns, result.rows) == (["n"], [{"n": 2}])
