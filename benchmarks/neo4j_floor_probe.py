"""What this Neo4j server can write at all: bare UNWIND statements, no valuenet involved.

Each line creates 100,000 small nodes (4 properties) in one transaction, adding one cost at a time:
a uniqueness constraint, MERGE instead of CREATE, a relationship to one node matched once, the same
node matched once per row. The last line creates 20,000 nodes with a flow's 15 properties and its
JSON document, the benchmark's flow rows, in transactions of 10,000. The ``Probe*`` labels are
removed afterwards, with their constraints.

    python benchmarks/neo4j_floor_probe.py
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import neo4j

N = 100_000
NODES = f"UNWIND range(1, {N}) AS i CREATE (:Probe {{model: 'p', id: toString(i), a: i, b: 'x'}})"
CASES: list[tuple[str, str, bool]] = [  # what, statement, with the uniqueness constraint
    ("CREATE, no constraint", NODES, False),
    ("CREATE, uniqueness constraint on (model, id)", NODES, True),
    (
        "MERGE on (model, id), then SET",
        f"UNWIND range(1, {N}) AS i MERGE (n:Probe {{model: 'p', id: toString(i)}}) SET n.a = i, n.b = 'x'",
        True,
    ),
    (
        "CREATE + a relationship to one node matched once",
        "MATCH (t:ProbeHub {id: 'hub'}) " + NODES.replace("CREATE (", "CREATE (t)-[:R]->("),
        True,
    ),
    (
        "CREATE + a relationship, the node matched once per row",
        NODES.replace("CREATE (", "MATCH (t:ProbeHub {id: 'hub'}) CREATE (t)-[:R]->("),
        True,
    ),
]


def clear(session: neo4j.Session) -> None:
    session.run("MATCH (n:Probe) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def timed(what: str, n: int, work: Callable[[], Any]) -> None:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"| {what} | {n:,} | {seconds:.2f} | {n / seconds:,.0f} |")


def main() -> None:
    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    auth = (os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ.get("NEO4J_PASSWORD", "valuenet-dev-password"))
    with (
        neo4j.GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF") as driver,
        driver.session() as session,
    ):
        session.run("DROP CONSTRAINT probe_key IF EXISTS").consume()
        clear(session)
        session.run("MERGE (:ProbeHub {id: 'hub'})").consume()
        print(f"server {driver.get_server_info().agent}, {os.cpu_count()} cores")
        print("| statement | nodes | seconds | nodes/s |")
        print("|---|---:|---:|---:|")
        for what, statement, constrained in CASES:
            if constrained:
                session.run(
                    "CREATE CONSTRAINT probe_key IF NOT EXISTS FOR (n:Probe) REQUIRE (n.model, n.id) IS UNIQUE"
                ).consume()
                session.run("CALL db.awaitIndexes(60)").consume()
            timed(what, N, lambda s=statement: session.run(s).consume())
            clear(session)
        rows = _flow_rows(20_000)
        create = "UNWIND $rows AS row CREATE (n:Probe) SET n = row"
        timed(
            "CREATE, a flow's 15 properties + JSON doc, transactions of 10,000",
            len(rows),
            lambda: [
                session.execute_write(lambda tx, c=rows[k : k + 10_000]: tx.run(create, rows=c).consume())
                for k in range(0, len(rows), 10_000)
            ],
        )
        clear(session)
        session.run("DROP CONSTRAINT probe_key IF EXISTS").consume()
        session.run("MATCH (n:ProbeHub) DETACH DELETE n").consume()


def _flow_rows(n: int) -> list[dict[str, Any]]:
    """The import benchmark's flow properties, with ``model`` set to the probe's."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from neo4j_import_bench import study  # the same synthetic rows

    from valuenet.store import neo4j_graph as G

    _, flows, _ = study(n // 20 + 1)
    rows = [G.item_row("flows", "p", f, i, G.doc(f))["props"] for i, f in enumerate(flows[:n])]
    for i, row in enumerate(rows):
        row["model"], row["id"] = "p", str(i)
    return rows


if __name__ == "__main__":
    main()
