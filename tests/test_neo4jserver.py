"""End-to-end check of a real Neo4j server, as valuenet.neo4jserver runs it.

With ``NEO4J_URI`` set, the test uses that server (``NEO4J_USERNAME``/``NEO4J_PASSWORD``).  Otherwise it uses the
project's server already running under ``$VALUENET_NEO4J_HOME`` (or ``~/.cache/valuenet/neo4j``), or starts one
there and stops it afterwards: that needs Java 17+, Maven and Maven Central.  The ``neo4j`` driver is needed too
(``pip install neo4j``).  When no server can be had the test skips, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import pytest

from valuenet import neo4jserver

pytestmark = pytest.mark.neo4j

IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing Neo4j is a failure, not a skip)")
    pytest.skip(reason)


@dataclass(frozen=True)
class Target:
    uri: str
    username: str
    password: str = ""
    own: bool = True  # the project's own server, so its version is pinned


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    if uri := os.environ.get("NEO4J_URI"):
        password = os.environ.get("NEO4J_PASSWORD", neo4jserver.DEFAULT_PASSWORD)
        yield Target(uri, os.environ.get("NEO4J_USERNAME", "neo4j"), password, own=False)
        return
    info = neo4jserver.status()
    started_here = info is None
    if info is None:
        try:
            info = neo4jserver.start(timeout=180)
        except (neo4jserver.Neo4jServerError, OSError) as exc:
            _unavailable(f"could not start the project's Neo4j server: {exc}")
    try:
        yield Target(info.uri, info.username, info.password)
    finally:
        if started_here:
            neo4jserver.stop(info.home)


def _driver(target: Target, password: str | None = None) -> Any:
    try:
        import neo4j
    except ImportError:
        _unavailable("the neo4j driver is not installed (pip install neo4j)")
    auth = (target.username, target.password if password is None else password)
    return neo4j.GraphDatabase.driver(target.uri, auth=auth)


def test_create_and_read_a_node_on_neo4j_5_26(target: Target) -> None:
    marker = f"valuenet-test-{uuid.uuid4()}"
    with _driver(target) as driver:
        driver.verify_connectivity()
        try:
            driver.execute_query("CREATE (:ValuenetProbe {marker: $m, value: 42})", m=marker)
            records = driver.execute_query("MATCH (n:ValuenetProbe {marker: $m}) RETURN n.value AS v", m=marker).records
            assert [r["v"] for r in records] == [42]

            rows = driver.execute_query("CALL dbms.components() YIELD name, versions, edition RETURN *").records
            kernel = [r for r in rows if r["name"] == "Neo4j Kernel"]
            assert kernel, rows
            version = kernel[0]["versions"][0]
            if target.own:
                assert version.startswith("5.26."), version
                assert kernel[0]["edition"] == "community"
            else:
                assert int(version.split(".")[0]) >= 5, version
        finally:
            driver.execute_query("MATCH (n:ValuenetProbe {marker: $m}) DELETE n", m=marker)


def test_a_wrong_password_is_refused(target: Target) -> None:
    from neo4j.exceptions import AuthError

    with _driver(target, password="not-the-password") as driver, pytest.raises(AuthError):
        driver.verify_connectivity()
