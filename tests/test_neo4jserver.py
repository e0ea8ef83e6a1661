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
from typing import Any

import pytest

from tests.conftest import Neo4jServer, _free_port


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
        assert info.password == HOSTILE_PASSWORD
        _check_process(info.pid, home, HOSTILE_PASSWORD)
        _assert_no_secret(home / "conf" / "neo4j.conf", HOSTILE_PASSWORD)
        target = Neo4jServer(info.uri, info.username, HOSTILE_PASSWORD, own=True)
        with _driver(target) as driver:
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
        from neo4j.exceptions import AuthError

        with _driver(target, password="valuenet-dev-password") as driver, pytest.raises(AuthError):
            driver.verify_connectivity()
    finally:
        neo4jserver.stop(home)
