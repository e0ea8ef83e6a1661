"""Numbers Neo4j cannot hold (integers beyond 64 bits, decimals that are not finite) are refused by name.

``valuenet cypher --param`` refuses them before connecting, with one line naming the parameter; the Neo4j
writer, the last line behind the checks at input, turns the driver's OverflowError into a StoreError that
names the item.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import Neo4jServer, require_neo4j, tiny_model
from valuenet.cli import cli
from valuenet.cypher_files import NEO4J_INT_MAX, NEO4J_INT_MIN, parse_param_option, run_cypher
from valuenet.errors import AnalysisError, StoreError
from valuenet.store.neo4j import Neo4jStore

RANGE = "Neo4j holds whole numbers from -9223372036854775808 to 9223372036854775807 and finite decimals"


@pytest.mark.parametrize(
    ("option", "where", "shown"),
    [
        ("v=99999999999999999999999", "v", "99999999999999999999999"),
        ("v=9223372036854775808", "v", "9223372036854775808"),
        ("v=-9223372036854775809", "v", "-9223372036854775809"),
        ("big=1e999", "big", "inf"),
        ("v=-1e400", "v", "-inf"),
        ("ids=[1, 2, 99999999999999999999]", "ids[2]", "99999999999999999999"),
        ("opts={a: {b: 1e400}}", "opts.a.b", "inf"),
        ('opts={"top": [0, -99999999999999999999]}', "opts.top[1]", "-99999999999999999999"),
    ],
)
def test_a_number_neo4j_cannot_hold_is_refused_naming_the_parameter(option: str, where: str, shown: str) -> None:
    with pytest.raises(AnalysisError) as err:
        parse_param_option(option)
    assert str(err.value) == (f"parameter {where}: {shown} is out of range ({RANGE}). Quote it to pass it as text.")


def test_an_integer_too_long_to_read_is_refused_by_name_too() -> None:
    with pytest.raises(AnalysisError) as err:
        parse_param_option("v=" + "9" * 5000)
    message = str(err.value)
    assert message.startswith("parameter v: 999999999999...999999 (5000 characters) is out of range (")
    assert "\n" not in message and len(message) < 300


@pytest.mark.parametrize(
    ("option", "value"),
    [
        (f"v={NEO4J_INT_MAX}", NEO4J_INT_MAX),
        (f"v={NEO4J_INT_MIN}", NEO4J_INT_MIN),
        ("v=1.7976931348623157e308", 1.7976931348623157e308),
        ('v="99999999999999999999999"', "99999999999999999999999"),
        ("v=[true, 2.5, {n: 9223372036854775807}]", [True, 2.5, {"n": NEO4J_INT_MAX}]),
    ],
)
def test_numbers_neo4j_holds_and_quoted_text_pass(option: str, value: Any) -> None:
    assert parse_param_option(option) == ("v", value)


class _Recorder:
    def __init__(self) -> None:
        self.queries: list[str] = []

    def query(self, text: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        self.queries.append(text)
        return ["v"], [{"v": 1}]


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, float("inf"), float("nan"), [1, {"x": 2**70}]])
def test_run_cypher_refuses_such_a_value_before_any_query(value: Any) -> None:
    runner = _Recorder()
    with pytest.raises(AnalysisError, match=r"^parameter v(\[1\]\.x)?: .* is out of range \("):
        run_cypher(runner, "RETURN $v AS v", {"v": value})
    assert runner.queries == []
    assert run_cypher(runner, "RETURN $v AS v", {"v": NEO4J_INT_MAX}).rows == [{"v": 1}]


def test_the_cypher_command_says_so_in_one_line_without_connecting() -> None:
    # Nothing listens on port 1: reaching the store would be another error.
    env = {"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": "x"}
    result = CliRunner().invoke(cli, ["cypher", "RETURN $v", "--param", "v=99999999999999999999999"], env=env)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: Invalid value for '--param': parameter v: 99999999999999999999999 is out of range "
        f"({RANGE}). Quote it to pass it as text."
    ]
    assert "OverflowError" not in result.output and "Traceback" not in result.output


# -- the writer ---------------------------------------------------------------------------------------------


@pytest.fixture
def neo(neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch, model_id: str) -> Iterator[Neo4jStore]:
    uri, _, _ = require_neo4j(neo4j_server, monkeypatch)
    with Neo4jStore(uri) as store:
        try:
            yield store
        finally:
            store.delete_model(model_id)


@pytest.mark.neo4j
def test_the_writer_names_the_actor_whose_number_neo4j_cannot_hold(neo: Neo4jStore, model_id: str) -> None:
    model = tiny_model(model_id)
    # model_copy skips validation: the value gets past any check at input, as a bug there would let it.
    clinic = model.actors[1].model_copy(update={"segment_size": 2**70})
    bad = model.model_copy(update={"actors": [model.actors[0], clinic, *model.actors[2:]]})
    with pytest.raises(StoreError) as err:
        neo.write_model(bad)
    message = str(err.value)
    assert f"actor 'clinic' of model {model_id!r} holds segment_size = {2**70}" in message
    assert "beyond the 64-bit integers Neo4j stores" in message
    assert not isinstance(err.value.__cause__, StoreError) and isinstance(err.value.__cause__, OverflowError)
    assert model_id not in {m.id for m in neo.list_models()}  # one transaction: nothing was written


@pytest.mark.neo4j
def test_the_writer_names_the_respondent_and_writes_nothing_of_that_transaction(neo: Neo4jStore, model_id: str) -> None:
    model = tiny_model(model_id)
    neo.write_model(model)
    r2 = model.respondents[1].model_copy(update={"attributes": {"household": -(10**30)}})
    changed = model.model_copy(update={"respondents": [model.respondents[0], r2], "title": "Changed"})
    with pytest.raises(StoreError, match=rf"respondent 'r2' of model '{model_id}' holds attributes\.household = -1"):
        neo.write_model(changed)
    assert neo.read_model(model_id) == model  # the header change was rolled back with the rest
