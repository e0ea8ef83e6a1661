"""End-to-end check of the real Neo4j server the tests run against (the session fixture ``neo4j_server``).

When it is the project's own server (``valuenet neo4j start``, as ``tools/test`` runs it), its version and
edition are pinned: Neo4j Community 5.26, and its process holds no password (not in its environment, not in
its arguments); the password reaches it only as a hash in ``data/dbms/auth.ini``, readable by the user only.
"""

from __future__ import annotations

import shutil
import stat
import uuid
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.conftest import IN_CI, Neo4jServer, _free_port


def _driver(target: Neo4jServer, password: str | None = None) -> Any:
    import neo4j

    auth = (target.username, target.password if password is None else password)
    return neo4j.GraphDatabase.driver(target.uri, auth=auth)


@pytest.mark.neo4j
def test_create_and_read_a_node_on_neo4j_5_26(neo4j_server: Neo4jServer) -> None:
    marker = f"valuenet-test-{uuid.uuid4()}"
    with _driver(neo4j_server) as driver:
        driver.verify_connectivity()
        try:
            driver.execute_query("CREATE (:ValuenetProbe {marker: $m, value: 42})", m=marker)
            records = driver.execute_query("MATCH (n:ValuenetProbe {marker: $m}) RETURN n.value AS v", m=marker).records
            assert [r["v"] for r in records] == [42]

            rows = driver.execute_query("CALL dbms.components() YIELD name, versions, edition RETURN *").records
            kernel = [r for r in rows if r["name"] == "Neo4j Kernel"]
            assert kernel, rows
            version = kernel[0]["versions"][0]
            if neo4j_server.own:
                assert version.startswith("5.26."), version
                assert kernel[0]["edition"] == "community"
            else:
                assert int(version.split(".")[0]) >= 5, version
        finally:
            driver.execute_query("MATCH (n:ValuenetProbe {marker: $m}) DELETE n", m=marker)


@pytest.mark.neo4j
def test_a_wrong_password_is_refused(neo4j_server: Neo4jServer) -> None:
    from neo4j.exceptions import AuthError

    with _driver(neo4j_server, password="not-the-password") as driver, pytest.raises(AuthError):
        driver.verify_connectivity()


# -- the password reaches the server through Neo4j's own file of initial credentials, and nowhere else --------

# Written by Neo4j 5.26's own `neo4j-admin dbms set-initial-password valuenet-dev-password`.
NEO4J_ADMIN_LINE = (
    "neo4j:SHA-256,1d22708b854f0ff591b09c3e80351e5c5fb39bfae90cecff4cf4a6e0a37a71ba,"
    "630c7275c54870904865d286f6412aa90921e2b4320b537b6c9d2c7cc4cac6bc,1024:\n"
)
HOSTILE_PASSWORD = "Pa/ss@wo:rd%40-" + uuid.uuid4().hex[:8]


def test_the_auth_line_is_the_one_neo4j_admin_writes() -> None:
    from valuenet import neo4jserver

    salt = bytes.fromhex(NEO4J_ADMIN_LINE.split(",")[2])
    assert neo4jserver._auth_line("neo4j", "valuenet-dev-password", salt) == NEO4J_ADMIN_LINE
    assert neo4jserver._auth_line("neo4j", "valuenet-dev-passwore", salt) != NEO4J_ADMIN_LINE


def _assert_no_secret(path: Path, password: str) -> None:
    text = path.read_bytes()
    assert password.encode() not in text, f"the password is in {path}"


def test_the_initial_password_file_is_the_users_only_and_holds_a_hash(tmp_path: Path) -> None:
    from valuenet import neo4jserver

    auth = neo4jserver._set_initial_password(tmp_path, HOSTILE_PASSWORD)
    assert auth == tmp_path / "data" / "dbms" / "auth.ini"
    assert stat.S_IMODE(auth.stat().st_mode) == 0o600
    assert stat.S_IMODE(auth.parent.stat().st_mode) & 0o077 == 0
    _assert_no_secret(auth, HOSTILE_PASSWORD)
    assert auth.read_text().startswith("neo4j:SHA-256,")


def test_the_server_environment_holds_no_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from valuenet import neo4jserver

    monkeypatch.setenv("NEO4J_PASSWORD", HOSTILE_PASSWORD)
    monkeypatch.setenv("NEO4J_AUTH", f"neo4j/{HOSTILE_PASSWORD}")
    monkeypatch.setenv("VALUENET_API_TOKEN", HOSTILE_PASSWORD)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    env = neo4jserver._child_env(tmp_path)
    assert HOSTILE_PASSWORD not in " ".join(env.values())
    assert {"NEO4J_PASSWORD", "NEO4J_AUTH", "VALUENET_API_TOKEN"}.isdisjoint(env)
    assert env["NEO4J_HOME"] == str(tmp_path) and env["LC_ALL"] == "C.UTF-8"


def _check_process(pid: int, home: Path, password: str) -> None:
    environ = Path(f"/proc/{pid}/environ").read_bytes()
    names = {entry.split(b"=", 1)[0] for entry in environ.split(b"\0") if entry}
    assert b"NEO4J_PASSWORD" not in names
    _assert_no_secret(Path(f"/proc/{pid}/environ"), password)
    _assert_no_secret(Path(f"/proc/{pid}/cmdline"), password)
    auth = home / "data" / "dbms" / "auth.ini"
    assert stat.S_IMODE(auth.stat().st_mode) == 0o600
    _assert_no_secret(auth, password)


@pytest.mark.neo4j
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_the_test_server_process_holds_no_password(neo4j_server: Neo4jServer) -> None:
    from valuenet import neo4jserver

    info = neo4jserver.status()
    if not neo4j_server.own or info is None or info.uri != neo4j_server.uri:
        pytest.skip("the test server is not the project's own under this home")
    _check_process(info.pid, info.home, neo4j_server.password)


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_password_from_the_environment_reaches_only_the_auth_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second server of our own, started with a password full of URL characters in $NEO4J_PASSWORD."""
    from valuenet import neo4jserver

    if shutil.which("java") is None:
        pytest.skip("needs Java")
    home = tmp_path / "neo4j"
    home.mkdir()
    running = neo4jserver.status()
    if running is not None and any((running.home / "lib").glob("*.jar")):
        (home / "lib").symlink_to(running.home / "lib")  # the same jars: no Maven run
    elif shutil.which("mvn") is None:
        pytest.skip("needs Maven, or a running project server whose jars to share")
    monkeypatch.setenv("NEO4J_PASSWORD", HOSTILE_PASSWORD)
    monkeypatch.setenv("VALUENET_TEST_SECRET", HOSTILE_PASSWORD)
    try:
        info = neo4jserver.start(home, _free_port(), _free_port(), heap="256m", pagecache="32m", timeout=180)
        assert info.password == HOSTILE_PASSWORD and not info.generated
        assert not (home / "password").exists()  # a password from the environment is never written down
        _check_process(info.pid, home, HOSTILE_PASSWORD)
        _assert_no_secret(home / "conf" / "neo4j.conf", HOSTILE_PASSWORD)
        target = Neo4jServer(info.uri, info.username, HOSTILE_PASSWORD, own=True)
        with _driver(target) as driver:
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
        from neo4j.exceptions import AuthError

        with _driver(target, password="valuenet-dev-password") as driver, pytest.raises(AuthError):
            driver.verify_connectivity()
        # Started again with another $NEO4J_PASSWORD: the error names its source, not a value, and keeps the data.
        neo4jserver.stop(home)
        other = "another-password-" + uuid.uuid4().hex[:8]
        monkeypatch.setenv("NEO4J_PASSWORD", other)
        from valuenet.errors import Neo4jServerError

        with pytest.raises(Neo4jServerError) as err:
            neo4jserver.start(home, _free_port(), _free_port(), heap="256m", pagecache="32m", timeout=180)
        text = str(err.value)
        assert text.startswith(f"Neo4j under {home.resolve()} rejected $NEO4J_PASSWORD: export the password")
        assert other not in text and HOSTILE_PASSWORD not in text
        assert (home / "data" / "databases" / "system").is_dir()  # nothing wiped
    finally:
        neo4jserver.stop(home)


# -- without $NEO4J_PASSWORD, a fresh data folder gets a generated password, the only one 'start' prints --------


def test_a_generated_password_is_kept_for_the_user_only_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from valuenet import neo4jserver

    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    assert neo4jserver._known_password(tmp_path, None) == (neo4jserver.DEFAULT_PASSWORD, False)  # older data
    first, second = neo4jserver._new_password(tmp_path), neo4jserver._new_password(tmp_path)
    assert first != second and len(second) >= 20
    kept = tmp_path / "password"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert neo4jserver._known_password(tmp_path, None) == (second, True)
    assert [p.name for p in tmp_path.iterdir()] == ["password"]  # no temporary file left behind
    monkeypatch.setenv("NEO4J_PASSWORD", HOSTILE_PASSWORD)  # exported for another server: the kept one wins
    assert neo4jserver._known_password(tmp_path, None) == (second, True)
    assert neo4jserver._known_password(tmp_path, "from-the-caller") == ("from-the-caller", False)
    kept.unlink()  # data set up with $NEO4J_PASSWORD keeps no file
    assert neo4jserver._known_password(tmp_path, None) == (HOSTILE_PASSWORD, False)


@pytest.mark.parametrize(
    ("kept", "env", "argument", "tried"),
    [
        (True, True, None, "the generated password kept in {home}/password"),
        (False, True, None, "$NEO4J_PASSWORD"),
        (False, False, None, "valuenet's old default password"),
        (True, True, HOSTILE_PASSWORD, "the password given to start()"),
    ],
)
def test_a_rejected_password_is_named_by_its_source_and_the_fix_keeps_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bool, env: bool, argument: str | None, tried: str
) -> None:
    from valuenet import neo4jserver

    if kept:
        neo4jserver._new_password(tmp_path)
    if env:
        monkeypatch.setenv("NEO4J_PASSWORD", HOSTILE_PASSWORD)
    else:
        monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    text = neo4jserver._rejected(tmp_path, argument)
    assert f"rejected {tried.format(home=tmp_path)}" in text and "\n" not in text
    assert HOSTILE_PASSWORD not in text
    if kept:
        assert (tmp_path / "password").read_text().strip() not in text
    fix, wipe = text.split("; only if that password is lost, ")
    assert "--fresh" not in fix and "--fresh" in wipe


def _fake_start(monkeypatch: pytest.MonkeyPatch, home: Path, password: str, generated: bool) -> None:
    from valuenet import neo4jserver

    def start(*args: Any, **kwargs: Any) -> neo4jserver.ServerInfo:
        return neo4jserver.ServerInfo("bolt://127.0.0.1:7699", "neo4j", password, 4242, home, 7474, generated)

    monkeypatch.setattr(neo4jserver, "start", start)


def test_start_prints_a_generated_password_shell_quoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from click.testing import CliRunner

    from valuenet.cli import cli

    odd = 'it\'s $HOME `x` "y"'  # shlex.quote keeps what a shell would expand
    _fake_start(monkeypatch, tmp_path, odd, generated=True)
    result = CliRunner().invoke(cli, ["neo4j", "start"], env={"NEO4J_PASSWORD": None})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["export NEO4J_URI=bolt://127.0.0.1:7699", "export NEO4J_USERNAME=neo4j"]
    assert len(lines) == 3 and lines[2].startswith("export NEO4J_PASSWORD=")
    assert odd not in result.stderr
    shell = subprocess.run(
        ["bash", "-c", f'{result.stdout}\nprintf %s "$NEO4J_PASSWORD"'], capture_output=True, text=True, check=True
    )
    assert shell.stdout == odd


def test_start_never_prints_a_password_it_did_not_generate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from valuenet.cli import cli

    _fake_start(monkeypatch, tmp_path, HOSTILE_PASSWORD, generated=False)
    result = CliRunner().invoke(cli, ["neo4j", "start"], env={"NEO4J_PASSWORD": HOSTILE_PASSWORD})
    assert result.exit_code == 0, result.output
    assert result.stdout == "export NEO4J_URI=bolt://127.0.0.1:7699\nexport NEO4J_USERNAME=neo4j\n"
    assert HOSTILE_PASSWORD not in result.output and "NEO4J_PASSWORD" not in result.output


@pytest.mark.neo4j
@pytest.mark.slow
def test_a_fresh_server_without_a_password_gets_one_that_start_prints_and_neo4j_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server of our own with no $NEO4J_PASSWORD: eval of 'start' is all a newcomer needs."""
    import subprocess

    from click.testing import CliRunner

    from valuenet import neo4jserver
    from valuenet.cli import cli

    if shutil.which("java") is None:
        pytest.skip("needs Java")
    home = tmp_path / "neo4j"
    home.mkdir()
    running = neo4jserver.status()
    if running is not None and any((running.home / "lib").glob("*.jar")):
        (home / "lib").symlink_to(running.home / "lib")  # the same jars: no Maven run
    elif shutil.which("mvn") is None:
        pytest.skip("needs Maven, or a running project server whose jars to share")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    args = ["neo4j", "start", "--home", str(home), "--bolt-port", str(_free_port())]
    args += ["--http-port", str(_free_port()), "--timeout", "180"]
    monkeypatch.setenv("VALUENET_NEO4J_HOME", str(home))
    try:
        result = CliRunner().invoke(cli, args, env={"NEO4J_PASSWORD": None})
        assert result.exit_code == 0, result.output
        shell = subprocess.run(
            ["bash", "-c", f'{result.stdout}\nprintf "%s\\n" "$NEO4J_URI" "$NEO4J_PASSWORD"'],
            capture_output=True,
            text=True,
            check=True,
        )
        uri, password = shell.stdout.splitlines()
        assert password == (home / "password").read_text().strip() and len(password) >= 20
        assert password not in result.stderr
        with _driver(Neo4jServer(uri, "neo4j", password, own=True)) as driver:
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
        info = neo4jserver.status(home)
        assert info is not None and info.password == password and info.generated
        _check_process(info.pid, home, password)
        # Once more, running: the same lines; with a password in the environment, that one and no export of it.
        again = CliRunner().invoke(cli, args, env={"NEO4J_PASSWORD": None})
        assert again.exit_code == 0, again.output
        assert again.stdout == result.stdout
        # A $NEO4J_PASSWORD exported for another server does not override the password kept for this data.
        mine = CliRunner().invoke(cli, args, env={"NEO4J_PASSWORD": HOSTILE_PASSWORD})
        assert mine.exit_code == 0, mine.output
        assert mine.stdout == result.stdout and HOSTILE_PASSWORD not in mine.output
        neo4jserver.stop(home)
        restarted = CliRunner().invoke(cli, args, env={"NEO4J_PASSWORD": HOSTILE_PASSWORD})
        assert restarted.exit_code == 0, restarted.output
        assert restarted.stdout == result.stdout and HOSTILE_PASSWORD not in restarted.output
    finally:
        neo4jserver.stop(home)


# -- Neo4j Browser ---------------------------------------------------------------------------------------------


def test_the_server_pom_lists_neo4j_browser() -> None:
    from valuenet import neo4jserver

    pom = neo4jserver.POM.read_text()
    assert "<groupId>org.neo4j.client</groupId>" in pom and "<artifactId>neo4j-browser</artifactId>" in pom


def _not_here(reason: str) -> NoReturn:
    """Skip, except under ``CI=true``: there the server is the project's own (tools/test starts it), so fail."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: tools/test starts the project's own server, so this is a failure)")
    pytest.skip(reason)


@pytest.mark.neo4j
def test_the_local_server_serves_neo4j_browser(neo4j_server: Neo4jServer) -> None:
    import urllib.request

    from valuenet import neo4jserver

    info = neo4jserver.status()
    if not neo4j_server.own or info is None or info.uri != neo4j_server.uri:
        _not_here("the test server was not started by the project (valuenet neo4j start) under this home")
    url = neo4jserver.browser_url(info)
    if url is None:
        _not_here(f"the server under {info.home} runs jars without Neo4j Browser; stop and start it to get them")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/html"
        page = response.read().decode("utf-8")
    assert "<title>Neo4j Browser</title>" in page, page[:300]


def test_under_ci_a_browser_test_that_cannot_run_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.test_neo4jserver as me

    monkeypatch.setattr(me, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _not_here("no Browser")
    monkeypatch.setattr(me, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception):
        _not_here("no Browser")


def _fake_server(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    from valuenet import neo4jserver

    info = neo4jserver.ServerInfo("bolt://127.0.0.1:7699", "neo4j", "x" * 20, 4242, home, 7475, True)
    monkeypatch.setattr(neo4jserver, "start", lambda *a, **k: info)
    monkeypatch.setattr(neo4jserver, "status", lambda *a, **k: info)


@pytest.mark.parametrize("jars", [[], ["neo4j-5.26.0.jar"], ["neo4j-5.26.0.jar", "neo4j-browser-5.24.0.jar"]])
def test_start_and_status_name_the_browser_only_when_its_jar_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jars: list[str]
) -> None:
    from click.testing import CliRunner

    from valuenet.cli import cli

    (tmp_path / "lib").mkdir()
    for jar in jars:
        (tmp_path / "lib" / jar).write_bytes(b"")
    _fake_server(monkeypatch, tmp_path)
    status = CliRunner().invoke(cli, ["neo4j", "status"], env={"NEO4J_PASSWORD": None})
    start = CliRunner().invoke(cli, ["neo4j", "start"], env={"NEO4J_PASSWORD": None})
    assert status.exit_code == 0 and start.exit_code == 0, status.output + start.output
    url = "Neo4j Browser at http://127.0.0.1:7475/browser/"
    has = any(j.startswith("neo4j-browser-") for j in jars)
    assert (url in status.stdout) is has and (url in start.stderr) is has
    assert "Browser" not in start.stdout  # stdout stays the export lines


def test_cypher_shell_without_maven_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from valuenet import neo4jserver

    monkeypatch.setenv("PATH", str(tmp_path))  # no mvn, and no jars resolved under this home
    from valuenet.errors import Neo4jServerError

    with pytest.raises(Neo4jServerError) as err:
        neo4jserver.cypher_shell(tmp_path)
    assert str(err.value) == "Maven ('mvn') is not on PATH; it is needed to resolve cypher-shell"


def test_cypher_shell_runs_the_shell_from_its_own_jars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jars already resolved from the same cypher-shell.xml are used as they are: no Maven run."""
    import hashlib

    from valuenet import neo4jserver

    lib = tmp_path / "cypher-shell" / "lib"
    lib.mkdir(parents=True)
    (lib / "cypher-shell-5.26.30.jar").write_bytes(b"")
    (lib / ".pom.sha256").write_text(hashlib.sha256(neo4jserver.CYPHER_SHELL_POM.read_bytes()).hexdigest() + "\n")
    monkeypatch.setattr(neo4jserver, "_java", lambda: "/opt/java/bin/java")
    monkeypatch.setenv("PATH", str(tmp_path))  # Maven would not be found
    cmd = neo4jserver.cypher_shell(tmp_path)
    assert cmd == ["/opt/java/bin/java", "-cp", f"{lib.resolve()}/*", "org.neo4j.shell.Main"]
    assert "cypher-shell" in neo4jserver.CYPHER_SHELL_POM.read_text()
