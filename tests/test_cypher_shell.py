"""Every cypher/ file run by Neo4j's own cypher-shell 5.26 gives the rows ``valuenet cypher`` gives.

cypher-shell (:func:`valuenet.neo4jserver.cypher_shell`, resolved from Maven Central) runs each library file
with ``-f`` against the test server holding the bundled examples under ids of this module. The files set no
parameter themselves, so a caller's value always wins: with the file's ``// Defaults:`` map as a first ``-P``
and the caller's values in a later one (the recipe of docs/neo4j.md), cypher-shell answers as ``valuenet cypher
--param`` does, and with no ``-P`` at all it refuses to run, naming every parameter, instead of answering for
values nobody gave. Under ``CI=true`` a cypher-shell that cannot be had is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import IN_CI, Neo4jServer, require_neo4j
from valuenet.cli import cli
from valuenet.cypher_files import CypherFile, library, literal, parse_literal
from valuenet.errors import Neo4jServerError
from valuenet.formats.modelfile import read_model_file
from valuenet.resources import example_model
from valuenet.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j
LIBRARY = library()
EXAMPLES = ("health", "broadband")
RUN = uuid.uuid4().hex[:8]
#: A value per parameter that changes the answer on the health example (the first one a file takes is used).
CHANGES = {"segment": "retirees", "scenario": "future-a", "after": "future-a"}


@pytest.fixture(scope="module")
def shell() -> list[str]:
    from valuenet import neo4jserver

    try:
        return neo4jserver.cypher_shell()
    except Neo4jServerError as exc:
        reason = f"cypher-shell could not be resolved: {exc}"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: a missing cypher-shell is a failure, not a skip)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server(neo4j_server: Neo4jServer) -> Iterator[tuple[Neo4jServer, dict[str, str]]]:
    """The test server holding each bundled example under an id of this module (removed afterwards)."""
    ids = {name: f"test-shell-{name}-{RUN}" for name in EXAMPLES}
    with pytest.MonkeyPatch.context() as mp:
        uri, _, password = require_neo4j(neo4j_server, mp)
        with Neo4jStore(uri, password=password) as store:
            for name, model_id in ids.items():
                store.write_model(read_model_file(example_model(name)).model_copy(update={"id": model_id}))
            try:
                yield neo4j_server, ids
            finally:
                for model_id in ids.values():
                    store.delete_model(model_id)


def run_shell(
    shell: list[str], target: Neo4jServer, f: CypherFile, *maps: dict[str, Any] | str
) -> subprocess.CompletedProcess[str]:
    """``cypher-shell [-P MAP]... -f FILE`` (a map given as values or as Cypher text), the password in its
    environment as cypher-shell reads it."""
    assert f.path is not None
    args = [*shell, "-a", target.uri, "-u", target.username, "--format", "plain", "--non-interactive"]
    for values in maps:
        args += ["-P", values if isinstance(values, str) else literal(values)]
    env = {**os.environ, "NEO4J_PASSWORD": target.password}
    return subprocess.run([*args, "-f", str(f.path)], env=env, capture_output=True, text=True, timeout=120)


def shell_rows(out: str) -> list[dict[str, Any]]:
    """cypher-shell's plain output (a header, then one line of Cypher literals per row) as rows."""
    lines = out.splitlines()
    if not lines:  # no row: cypher-shell prints no header either
        return []
    columns = lines[0].split(", ")
    rows = []
    for line in lines[1:]:
        values = parse_literal(f"[{line}]")
        assert len(values) == len(columns), line
        rows.append(dict(zip(columns, values, strict=True)))
    return rows


def params_map(f: CypherFile, values: dict[str, Any]) -> str:
    """What ``valuenet cypher FILE --param NAME=VALUE ... --params-map`` prints, with no Neo4j to reach."""
    args = ["cypher", f.name, "--params-map"]
    for name, value in values.items():
        args += ["--param", f"{name}={json.dumps(value)}"]
    result = CliRunner().invoke(cli, args, env={"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": None})
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr
    assert result.stdout.endswith("\n") and "\n" not in result.stdout[:-1]
    return result.stdout.strip()


def valuenet_rows(target: Neo4jServer, f: CypherFile, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of ``valuenet cypher FILE --param NAME=VALUE ... --format json``."""
    args = ["cypher", f.name, "--store", target.uri, "--format", "json"]
    for name, value in values.items():
        args += ["--param", f"{name}={json.dumps(value)}"]
    env = {"NEO4J_USERNAME": target.username, "NEO4J_PASSWORD": target.password}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


@pytest.mark.parametrize("f", LIBRARY, ids=lambda f: f.name)
@pytest.mark.parametrize("example", EXAMPLES)
def test_with_the_defaults_map_cypher_shell_answers_as_valuenet(
    shell: list[str], server: tuple[Neo4jServer, dict[str, str]], f: CypherFile, example: str
) -> None:
    target, ids = server
    mine = {"model": ids[example]}
    done = run_shell(shell, target, f, f.params, mine)  # the file's defaults, then the caller's values
    assert done.returncode == 0, done.stderr
    got = shell_rows(done.stdout)
    assert got == valuenet_rows(target, f, mine)
    if example == "health":
        assert got, f"{f.name} returned no rows"


@pytest.mark.parametrize("f", LIBRARY, ids=lambda f: f.name)
def test_the_callers_values_win_in_cypher_shell(
    shell: list[str], server: tuple[Neo4jServer, dict[str, str]], f: CypherFile
) -> None:
    target, ids = server
    name = next(n for n in CHANGES if n in f.params)
    mine = {"model": ids["health"], name: CHANGES[name]}
    plain = shell_rows(run_shell(shell, target, f, f.params, {"model": ids["health"]}).stdout)
    done = run_shell(shell, target, f, f.params, mine)
    assert done.returncode == 0, done.stderr
    got = shell_rows(done.stdout)
    assert got != plain, f"{name}={CHANGES[name]!r} should change the answer of {f.name}"
    assert got == valuenet_rows(target, f, mine)


@pytest.mark.parametrize("f", LIBRARY, ids=lambda f: f.name)
def test_with_no_parameter_cypher_shell_refuses_and_names_them_all(
    shell: list[str], server: tuple[Neo4jServer, dict[str, str]], f: CypherFile
) -> None:
    """The file sets nothing itself, so no answer comes for values nobody gave."""
    target, _ = server
    done = run_shell(shell, target, f)
    assert done.returncode != 0
    assert done.stdout == ""
    expected = [line for line in done.stderr.splitlines() if line.startswith("Expected parameter(s): ")]
    assert len(expected) == 1, done.stderr
    assert set(expected[0].removeprefix("Expected parameter(s): ").split(", ")) == set(f.params)


@pytest.mark.parametrize("f", LIBRARY, ids=lambda f: f.name)
def test_the_printed_params_map_gives_cypher_shell_the_answer_of_valuenet(
    shell: list[str], server: tuple[Neo4jServer, dict[str, str]], f: CypherFile
) -> None:
    """The recipe of docs/neo4j.md: cypher-shell -P "$(valuenet cypher FILE --param ... --params-map)" -f FILE."""
    target, ids = server
    name = next(n for n in CHANGES if n in f.params)
    mine = {"model": ids["health"], name: CHANGES[name]}
    printed = params_map(f, mine)
    assert parse_literal(printed) == {**f.params, **mine}
    assert list(parse_literal(printed)) == list(f.params)  # every parameter, in the file's order
    done = run_shell(shell, target, f, printed)
    assert done.returncode == 0, done.stderr
    got = shell_rows(done.stdout)
    assert got == valuenet_rows(target, f, mine)
    assert got != shell_rows(run_shell(shell, target, f, params_map(f, {"model": ids["health"]})).stdout)


def test_hand_written_maps_in_the_wrong_order_give_the_default_answer(
    shell: list[str], server: tuple[Neo4jServer, dict[str, str]]
) -> None:
    """Why the recipe prints one map: a later -P overwrites an earlier one, silently."""
    target, ids = server
    f = next(f for f in LIBRARY if f.name == "respondents-past-threshold")
    mine = {"model": ids["health"], "segment": "retirees"}
    defaults = {**f.params, "model": ids["health"]}  # the Defaults map, the model filled in
    plain = shell_rows(run_shell(shell, target, f, defaults).stdout)
    reversed_ = run_shell(shell, target, f, mine, defaults)
    assert reversed_.returncode == 0, reversed_.stderr
    assert shell_rows(reversed_.stdout) == plain  # segment: null won, and nothing said so
    assert shell_rows(run_shell(shell, target, f, defaults, mine).stdout) == valuenet_rows(target, f, mine) != plain
