"""Neo4j credentials never travel in a URI and are never shown: a URI with user-info is refused, unrepeated.

A password may hold ``/``, ``?``, ``#``, ``:``, ``@`` or ``%``; each moves where a URL parser thinks the
user-info ends, so every shape below must be refused all the same, before any connection is tried.
"""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from valuenet.cli import cli
from valuenet.errors import StoreConnectionError
from valuenet.store import is_neo4j_url, open_store, shown_url
from valuenet.store.neo4j import Neo4jStore
from valuenet.store.urls import CREDENTIALS_MESSAGE, has_user_info

# (URI, the parts of it that must never appear in a message)
WITH_CREDENTIALS = [
    ("bolt://u:p/w@h:7687", ["p/w", "u:p", "@"]),
    ("bolt://user:pa/MySecret@db.example.com:7687", ["pa/MySecret", "MySecret", "user:"]),
    ("neo4j://u:p%40x@h", ["p%40x", "%40", "@"]),
    ("neo4j://user:pa%2FSecret%3A1@db.example.com", ["pa%2FSecret", "Secret"]),
    ("bolt://:secret@h", ["secret", ":secret"]),
    ("bolt://u@h", ["u@h", "@"]),
    ("bolt://secretuser@db.example.com:7687", ["secretuser"]),
    ("neo4j+s://user:pa:ss:word@db.example.com:7687/", ["pa:ss", "ss:word"]),
    ("bolt://user:pa?Secret=1@db.example.com", ["pa?Secret", "Secret"]),
    ("bolt://user:pa#Secret@db.example.com", ["pa#Secret", "Secret"]),
    ("bolt://user:a@b@db.example.com", ["a@b", "user:a"]),
    ("BOLT+SSC://user:UpperSecret@db.example.com", ["UpperSecret"]),
]
SHAPES = [pytest.param(uri, secrets, id=uri) for uri, secrets in WITH_CREDENTIALS]


@pytest.fixture(autouse=True)
def no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused URI never reaches the driver: opening a connection fails the test."""

    def driver(*args: object, **kwargs: object) -> None:
        raise AssertionError("a URI with credentials reached the Neo4j driver")

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", driver)
    monkeypatch.setenv("NEO4J_PASSWORD", "the-password-from-the-environment")


def _clean(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} shown in {text!r}"


@pytest.mark.parametrize(("uri", "secrets"), SHAPES)
def test_the_store_refuses_a_uri_with_user_info_without_repeating_it(uri: str, secrets: list[str]) -> None:
    with pytest.raises(StoreConnectionError) as err:
        Neo4jStore(uri, password="x")
    assert str(err.value) == CREDENTIALS_MESSAGE
    _clean(str(err.value), secrets)


@pytest.mark.parametrize(("uri", "secrets"), SHAPES)
def test_open_store_and_the_url_check_refuse_it_too(uri: str, secrets: list[str]) -> None:
    assert has_user_info(uri)
    for attempt in (lambda: open_store(uri), lambda: is_neo4j_url(uri)):
        with pytest.raises(StoreConnectionError) as err:
            attempt()
        assert str(err.value) == CREDENTIALS_MESSAGE


@pytest.mark.parametrize(("uri", "secrets"), SHAPES)
def test_a_shown_url_has_no_user_info(uri: str, secrets: list[str]) -> None:
    shown = shown_url(uri)
    _clean(shown, secrets)
    assert shown.lower().startswith(uri.split("://")[0].lower() + "://")
    assert "example.com" in shown or shown.endswith("://h") or shown.endswith("://h:7687")


@pytest.mark.parametrize(
    "uri",
    [
        "bolt://127.0.0.1:7687",
        "neo4j://db.example.com",
        "neo4j+s://x.databases.neo4j.io?policy=eu",
        "bolt://[::1]:7687",
    ],
)
def test_uris_without_user_info_pass_and_show_unchanged(uri: str) -> None:
    assert not has_user_info(uri)
    assert is_neo4j_url(uri)
    assert shown_url(uri) == uri


def test_sqlite_paths_are_not_urls_and_show_unchanged(tmp_path: Path) -> None:
    path = str(tmp_path / "my@store.db")
    assert not is_neo4j_url(path)
    assert shown_url(path) == path


def _cli_output(args: list[str], env: dict[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env=env, input="typed-at-a-prompt\n")
    return result.exit_code, result.output


@pytest.mark.parametrize(("uri", "secrets"), SHAPES)
@pytest.mark.parametrize(
    "command",
    [
        ["push", "--to", "{uri}"],
        ["pull", "--from", "{uri}"],
        ["cypher", "RETURN 1", "--store", "{uri}"],
        ["list", "actors", "--store", "{uri}"],
        ["export", "--store", "{uri}"],
    ],
    ids=["push", "pull", "cypher", "list", "export"],
)
def test_commands_refuse_it_in_one_line_that_shows_none_of_it(
    uri: str, secrets: list[str], command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # No password in the environment: a command that prompted for one would show the URI in the prompt.
    code, output = _cli_output([a.format(uri=uri) for a in command], env={"NEO4J_PASSWORD": None})
    assert code == 1, output
    assert output.strip() == f"Error: {CREDENTIALS_MESSAGE}"
    _clean(output, secrets)


@pytest.mark.parametrize(("uri", "secrets"), SHAPES)
def test_a_uri_with_credentials_in_the_environment_is_refused_too(
    uri: str, secrets: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    envs: list[dict[str, str | None]] = [{"NEO4J_URI": uri}, {"NEO4J_URI": None, "VALUENET_STORE": uri}]
    for env in envs:
        code, output = _cli_output(["cypher", "RETURN 1"], env=env)
        assert code == 1, output
        assert output.strip() == f"Error: {CREDENTIALS_MESSAGE}"
        _clean(output, secrets)


def test_a_uri_that_is_not_neo4j_is_refused_without_its_user_info() -> None:
    code, output = _cli_output(["cypher", "RETURN 1", "--store", "https://user:WebSecret@db.example.com/x"])
    assert code == 1, output
    assert output.strip() == f"Error: {CREDENTIALS_MESSAGE}"
    _clean(output, ["WebSecret", "user:"])


@pytest.mark.parametrize(
    "uri",
    [
        " bolt://neo4j:s3cret@localhost:7687",
        "http://neo4j:s3cret@localhost",
        "bolt:/neo4j:s3cret@h",
        "sqlite://neo4j:s3cret@h/x.db",
    ],
)
def test_a_store_url_of_any_scheme_with_user_info_is_refused_before_it_could_be_shown_as_a_path(
    uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["list", "models", "--store", uri], ["import", "m.yaml", "--store", uri]):
        code, output = _cli_output(command, env={"NEO4J_PASSWORD": None})
        assert code == 1, output
        assert output.strip() == f"Error: {CREDENTIALS_MESSAGE}"
        _clean(output, ["s3cret"])
    assert not list(tmp_path.iterdir())  # no SQLite file was made of it
