"""The cypher/ library without a server: headers, defaults, statement splitting, typed and checked parameters."""

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
    bind_params,
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
    assert list(f.param_help) == list(f.params), "the Parameters block and the Defaults line disagree"
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", " ".join(f.statements)))
    assert used == set(f.params) == set(f.uses)
    assert len(f.statements) == 1
    # No :param line: cypher-shell and Browser would run it and overwrite the caller's value.
    assert not [line for line in text.splitlines() if line.lstrip().startswith(":")]
    defaults = [line for line in text.splitlines() if line.startswith("// Defaults: {")]
    assert len(defaults) == 1 and parse_literal(defaults[0].removeprefix("// Defaults: ")) == f.params


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


def test_a_defaults_line_in_the_header_gives_the_defaults() -> None:
    f = parse_cypher(
        "// Top respondents\n//\n// Parameters:\n//   model   the model\n//   top     how many\n"
        "// Defaults: {model: 'health', top: 5}\nMATCH (r:Respondent {model: $model}) RETURN r.id LIMIT $top\n",
        name="top",
    )
    assert f.params == {"model": "health", "top": 5}
    assert f.param_help == {"model": "the model", "top": "how many"}
    assert f.statements == ["MATCH (r:Respondent {model: $model}) RETURN r.id LIMIT $top"]
    assert f.uses == ["model", "top"]
    # After the header, a Defaults comment is the query's own business.
    assert parse_cypher("RETURN 1 AS one\n// Defaults: {x: 1}\n").params == {}


def test_a_broken_defaults_line_names_the_file_and_line() -> None:
    with pytest.raises(AnalysisError) as err:
        parse_cypher("// Q\n// Defaults: {model: 'health', top: }\nRETURN $top", name="q")
    assert str(err.value).startswith("q line 2: cannot read ")
    assert str(err.value).endswith(". Fix the Defaults line.")


@pytest.mark.parametrize(
    ("statement", "names"),
    [
        ("RETURN $a, $b, $a", ["a", "b"]),
        ("RETURN '$no', \"$nor\", `$neither`, $yes", ["yes"]),
        ("RETURN 'it\\'s $no' + $yes", ["yes"]),
        ("RETURN 1 // $no\n, $yes /* $no; $no */", ["yes"]),
        ("RETURN $`odd name`, $`a``b`", ["odd name", "a`b"]),
        ("MATCH (n {id: $ünï}) RETURN n", ["ünï"]),
        ("RETURN 1", []),
    ],
)
def test_the_parameters_a_query_uses(statement: str, names: list[str]) -> None:
    assert parse_cypher(statement).uses == names


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
        | st.dictionaries(st.text(st.characters(exclude_categories=["Cs"]), max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@given(_values)
def test_literal_round_trips(value: Any) -> None:
    assert parse_literal(literal(value)) == value


#: Every character a literal must escape or quote, and the ASCII controls one by one.
HOSTILE = [
    "with space",
    "back`quote",
    "``",
    "it's",
    'say "hi"',
    "back\\slash",
    "\\u0041",
    "line\nbreak",
    "\r\n",
    "sep\u2028ara\u2029tor",
    "\x7f\x85\x9f",
    "",
    *(f"c{chr(c)}c" for c in range(0x20)),
]
HOSTILE_MAP = {**{k: HOSTILE for k in HOSTILE}, "plain": {"a b": [1, -2.5, None, True, "x"]}}


def test_a_literal_of_hostile_keys_and_text_is_one_line_and_reads_back() -> None:
    text = literal(HOSTILE_MAP)
    assert parse_literal(text) == HOSTILE_MAP
    assert text.isprintable(), "a literal holds no raw control character or line break"
    assert "`back``quote`: " in text and "`with space`: " in text and "``````: " in text and "``: " in text
    assert "`line\\u000abreak`: " in text and "`back\\u005cslash`: " in text


@pytest.mark.parametrize("value", [float("inf"), float("nan"), {1, 2}, b"bytes"], ids=repr)
def test_what_has_no_literal_is_refused(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        literal(value)


def test_the_cypher_export_writes_literals_with_this_writer() -> None:
    from valuenet.store import neo4j_script

    assert neo4j_script.literal is literal


@pytest.mark.neo4j
def test_neo4j_reads_a_hostile_literal_back_exactly(neo4j_server: Any) -> None:
    import neo4j

    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.username, neo4j_server.password)) as d:
        records, _, _ = d.execute_query(f"RETURN {literal(HOSTILE_MAP)} AS v, {literal(HOSTILE)} AS w")
    assert records[0]["v"] == HOSTILE_MAP
    assert records[0]["w"] == HOSTILE


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
    assert resolve(str(own)).params == {"x": 1}  # an analyst's own :param lines are its defaults
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


def test_a_given_parameter_the_query_never_uses_is_one_warning_and_the_query_runs() -> None:
    runner, warnings = FakeRunner(), list[str]()
    run_cypher(runner, "segment-comparison", {"segmnt": "retirees", "model": "x"}, warn=warnings.append)
    assert warnings == [
        "segment-comparison.cypher does not use parameter segmnt (it uses: model, goal, scenario); check the spelling."
    ]
    assert len(runner.sent) == 1
    assert bind_params(resolve("segment-comparison"), {"model": "x"})[1] == []


def test_a_parameter_without_a_value_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    runner = FakeRunner()
    with pytest.raises(AnalysisError) as err:
        run_cypher(runner, "MATCH (r:Respondent {model: $model}) RETURN r LIMIT $top", {"top": 3})
    assert str(err.value) == "the query uses $model, not given and without a default. Give it with --param NAME=VALUE."
    own = tmp_path / "q1.cypher"
    own.write_text("// Mine\nMATCH (r:Respondent {model: $model, segment: $segment}) RETURN r;\n", encoding="utf-8")
    with pytest.raises(AnalysisError) as err:
        run_cypher(runner, str(own))
    assert str(err.value) == (
        "q1.cypher uses $model, $segment, not given and without a default. Give each with --param NAME=VALUE."
    )
    assert runner.sent == []


def test_an_own_file_without_defaults_takes_any_parameter_it_uses(tmp_path: Path) -> None:
    own = tmp_path / "q1.cypher"
    own.write_text("// Mine\nMATCH (r:Respondent {model: $model}) RETURN count(r) AS n;\n", encoding="utf-8")
    runner, warnings = FakeRunner(), list[str]()
    run_cypher(runner, str(own), {"model": "health"}, warn=warnings.append)
    assert runner.sent == [("MATCH (r:Respondent {model: $model}) RETURN count(r) AS n", {"model": "health"})]
    assert warnings == []


def test_the_cli_refuses_a_missing_parameter_before_connecting(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from valuenet.cli import cli

    # An address nothing listens on: the command must fail on the parameter, before it tries to connect.
    env = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "unused-password"}
    result = CliRunner().invoke(cli, ["cypher", "RETURN $top AS n", "--param", "tpo=3"], env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the query uses $top, not given and without a default. Give it with --param NAME=VALUE.\n"
    )


def test_the_last_statement_with_columns_gives_the_rows() -> None:
    runner = FakeRunner()
    result = run_cypher(runner, "CREATE (:Tmp); RETURN 1 AS n; MATCH (t:Tmp) DELETE t", {"any": 1})
    assert [t for t, _ in runner.sent] == ["CREATE (:Tmp)", "RETURN 1 AS n", "MATCH (t:Tmp) DELETE t"]
    assert (result.columns, result.rows) == (["n"], [{"n": 2}])
