"""End-to-end check of the real Neo4j server the tests run against (the session fixture ``neo4j_server``).

When it is the project's own server (``valuenet neo4j start``, as ``tools/test`` runs it), its version and
edition are pinned: Neo4j Community 5.26.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import Neo4jServer

pytestmark = pytest.mark.neo4j


def _driver(target: Neo4jServer, password: str | None = None) -> Any:
    import neo4j

    auth = (target.username, target.password if password is None else password)
    return neo4j.GraphDatabase.driver(target.uri, auth=auth)


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


def test_a_wrong_password_is_refused(neo4j_server: Neo4jServer) -> None:
    from neo4j.exceptions import AuthError

    with _driver(neo4j_server, password="not-the-password") as driver, pytest.raises(AuthError):
        driver.verify_connectivity()
