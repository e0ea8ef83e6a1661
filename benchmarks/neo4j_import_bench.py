"""Importing exchanges into Neo4j three ways, on the same synthetic rows and the same server.

1. valuenet: ``Neo4jStore.write`` - ``UNWIND $rows`` batches in managed transactions (new flows are
   created with their relationships, their actors, goal and respondents looked up once per statement);
2. one query per row: the same upsert statement, sent once per flow in its own transaction;
3. ``LOAD CSV``: the server reads a CSV of the same flows from its import folder and writes the
   same nodes and relationships, ``CALL { ... } IN TRANSACTIONS``;
4. for reference, the server's floor: the same flow nodes created bare, without relationships.

An *exchange* is one coded interview row ("from ACTOR the customer gets N and gives up M in
DIMENSION"), which becomes two flows. Every method writes into its own empty model that already
holds the same actors, goal and respondents (not timed), and must end with the same flows.

    PYTHONPATH=. python benchmarks/neo4j_import_bench.py [--respondents 5000] [--per-row 1500]

Needs a Neo4j on the same machine (``valuenet neo4j start``); NEO4J_URI / NEO4J_USERNAME /
NEO4J_PASSWORD as for valuenet. For LOAD CSV the script writes into the server's import folder,
which it asks the server for (so the server must run locally).
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import os
import platform
import time
from pathlib import Path
from typing import Any

import neo4j

from valuenet.models import Flow, Model, Respondent, exchange_flows
from valuenet.store import neo4j_graph as G
from valuenet.store.base import Batch, model_header
from valuenet.store.neo4j import Neo4jStore
from valuenet.synth import GOAL, synthesize

CUSTOMER = "patient"
COLUMNS = [
    "id",
    "goal",
    "scenario",
    "source",
    "target",
    "dimension",
    "magnitude",
    "occurrences",
    "touchpoint",
    "stage",
    "quote",
    "respondent",
    "responsible",
    "exchange",
    "doc",
]

# What a careful analyst would write: the same upsert as valuenet, typed from CSV text, in batches.
LOAD_CSV = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (n:Flow {model: $model, id: row.id})
  SET n.goal = row.goal, n.scenario = row.scenario, n.source = row.source, n.target = row.target,
      n.dimension = row.dimension, n.magnitude = toFloat(row.magnitude), n.occurrences = toFloat(row.occurrences),
      n.touchpoint = row.touchpoint, n.stage = row.stage, n.quote = row.quote, n.respondent = row.respondent,
      n.responsible = row.responsible, n.exchange = row.exchange, n.doc = row.doc, n.ord = linenumber()
  WITH n
  CALL (n) { MATCH (a:Actor {model: $model, id: n.source}) MERGE (a)-[:GIVES]->(n) }
  CALL (n) { MATCH (a:Actor {model: $model, id: n.target}) MERGE (n)-[:TO]->(a) }
  CALL (n) { MATCH (g:Goal {model: $model, id: n.goal}) MERGE (n)-[:IN_GOAL]->(g) }
  CALL (n) { MATCH (r:Respondent {model: $model, id: n.respondent}) MERGE (r)-[:REPORTED]->(n) }
  CALL (n) { MATCH (a:Actor {model: $model, id: n.responsible}) MERGE (n)-[:RESPONSIBLE]->(a) }
} IN TRANSACTIONS OF 10000 ROWS
"""


def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


NODES_ONLY = "UNWIND $rows AS row CREATE (n:Flow) SET n = row.props"


def study(respondents: int) -> tuple[Model, list[Flow], int]:
    """The synthetic study as a model header with respondents, its flows, and the number of exchange rows."""
    s = synthesize(respondents, seed=1)
    people: dict[str, Respondent] = {}
    flows: list[Flow] = []
    exchanges = 0
    for i, row in enumerate(s.rows()):
        rid = row["respondent"]
        if rid not in people:
            people[rid] = Respondent(
                id=rid,
                segment=row["segment"],
                nps=row["nps"],
                churned=row["churned"] == "yes",
                weights={k[7:]: v for k, v in row.items() if k.startswith("weight_")},
                thresholds={k[10:]: v for k, v in row.items() if k.startswith("threshold_")},
                attributes={k[5:]: v for k, v in row.items() if k.startswith("attr_")},
            )
        flows += exchange_flows(
            f"x{i:07d}",
            goal=GOAL,
            customer=CUSTOMER,
            actor=row["actor"],
            dimension=row["dimension"],
            gets=row["gets"],
            gives=row["gives"],
            respondent=rid,
            touchpoint=row["touchpoint"],
            stage=row["stage"],
            quote=row["quote"],
            responsible=row.get("responsible"),
        )
        exchanges += 1
    model = s.model.model_copy(update={"respondents": list(people.values())})
    return model, flows, exchanges


def prepare(store: Neo4jStore, model: Model, model_id: str) -> Model:
    """An empty copy of the study (actors, goal, respondents, no flows) under ``model_id``."""
    store.delete_model(model_id)
    header = model.model_copy(update={"id": model_id, "flows": []})
    store.write_model(header)
    return header


def flow_count(store: Neo4jStore, model_id: str) -> int:
    return int(store.query("MATCH (f:Flow {model: $m}) RETURN count(f) AS n", {"m": model_id})[1][0]["n"])


def gives_count(store: Neo4jStore, model_id: str) -> int:
    q = "MATCH (:Actor)-[g:GIVES]->(f:Flow {model: $m}) RETURN count(g) AS n"
    return int(store.query(q, {"m": model_id})[1][0]["n"])


def bench_unwind(store: Neo4jStore, model: Model, flows: list[Flow]) -> float:
    header = prepare(store, model, "bench-unwind")
    batches = (Batch(flows=[f for f in flows[i : i + 5000]]) for i in range(0, len(flows), 5000))
    start = time.perf_counter()
    store.write(model_header(header), batches)
    return time.perf_counter() - start


def bench_per_row(store: Neo4jStore, driver: neo4j.Driver, model: Model, flows: list[Flow]) -> float:
    prepare(store, model, "bench-row")
    rows = [G.item_row("flows", "bench-row", f, 0, G.doc(f)) for f in flows]
    start = time.perf_counter()
    with driver.session(database=store.database) as session:
        for i, row in enumerate(rows):
            session.execute_write(
                lambda tx, r=row, i=i: tx.run(G.UPSERT["flows"], model="bench-row", base=i, rows=[r]).consume()
            )
    return time.perf_counter() - start


def bench_nodes_only(store: Neo4jStore, driver: neo4j.Driver, model: Model, flows: list[Flow]) -> float:
    """The server's floor on this machine: the same flow nodes, created bare (no relationships, no lookups)."""
    prepare(store, model, "bench-nodes")
    rows = [G.item_row("flows", "bench-nodes", f, i, G.doc(f)) for i, f in enumerate(flows)]
    start = time.perf_counter()
    with driver.session(database=store.database) as session:
        for first in range(0, len(rows), 10_000):
            chunk = rows[first : first + 10_000]
            session.execute_write(
                lambda tx, c=chunk: [tx.run(NODES_ONLY, rows=c[k : k + 5000]).consume() for k in range(0, len(c), 5000)]
            )
    return time.perf_counter() - start


def bench_send_only(driver: neo4j.Driver, flows: list[Flow], database: str | None) -> float:
    """Encoding and sending the rows, which the server only counts: the driver's share of the work."""
    rows = [G.item_row("flows", "bench-send", f, i, G.doc(f)) for i, f in enumerate(flows)]
    start = time.perf_counter()
    with driver.session(database=database) as session:
        for first in range(0, len(rows), 5000):
            session.run("UNWIND $rows AS row RETURN count(*) AS n", rows=rows[first : first + 5000]).consume()
    return time.perf_counter() - start


def import_folder(store: Neo4jStore) -> Path:
    q = "SHOW SETTINGS YIELD name, value WHERE name = 'server.directories.import' RETURN value"
    return Path(store.query(q)[1][0]["value"])


def bench_load_csv(store: Neo4jStore, driver: neo4j.Driver, model: Model, flows: list[Flow]) -> float:
    prepare(store, model, "bench-csv")
    folder = import_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "valuenet-bench-flows.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for f in flows:
            data: dict[str, Any] = {**f.model_dump(), "doc": G.doc(f)}
            writer.writerow(["" if data[c] is None else data[c] for c in COLUMNS])
    try:
        start = time.perf_counter()
        with driver.session(database=store.database) as session:
            session.run(LOAD_CSV, url="file:///" + path.name, model="bench-csv").consume()  # type: ignore[arg-type]
        return time.perf_counter() - start
    finally:
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=5000, help="synthetic respondents (about 10 rows each)")
    parser.add_argument("--per-row", type=int, default=1500, help="flows sent one query at a time (a sample)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method; the fastest counts")
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    args = parser.parse_args()
    os.environ.setdefault("NEO4J_PASSWORD", "valuenet-dev-password")

    model, flows, exchanges = study(args.respondents)
    per_exchange = len(flows) / exchanges
    sample = flows[: args.per_row]
    store = Neo4jStore(args.uri)
    auth = (store.username, os.environ["NEO4J_PASSWORD"])
    times: dict[str, list[float]] = {"unwind": [], "row": [], "csv": [], "nodes": [], "send": []}
    try:
        rust = _installed("neo4j-rust-ext")
        with neo4j.GraphDatabase.driver(args.uri, auth=auth, notifications_min_severity="OFF") as driver:
            store.ensure_schema()
            server = driver.get_server_info().agent
            for _ in range(args.repeat):  # interleaved, so a busy moment on the machine hits every method alike
                times["unwind"].append(bench_unwind(store, model, flows))
                assert flow_count(store, "bench-unwind") == len(flows) == gives_count(store, "bench-unwind")
                times["row"].append(bench_per_row(store, driver, model, sample))
                assert flow_count(store, "bench-row") == len(sample) == gives_count(store, "bench-row")
                times["csv"].append(bench_load_csv(store, driver, model, flows))
                assert flow_count(store, "bench-csv") == len(flows) == gives_count(store, "bench-csv")
                times["nodes"].append(bench_nodes_only(store, driver, model, flows))
                assert flow_count(store, "bench-nodes") == len(flows)
                times["send"].append(bench_send_only(driver, flows, store.database))
        for model_id in ("bench-unwind", "bench-row", "bench-csv", "bench-nodes"):
            store.delete_model(model_id)
    finally:
        store.close()
    t_unwind, t_row, t_csv, t_nodes, t_send = (min(times[k]) for k in ("unwind", "row", "csv", "nodes", "send"))

    def rate(seconds: float, n_flows: int) -> float:
        return n_flows / per_exchange / seconds

    r_unwind, r_row, r_csv = rate(t_unwind, len(flows)), rate(t_row, len(sample)), rate(t_csv, len(flows))
    print(
        f"server {server}, Python {platform.python_version()}, neo4j driver {neo4j.__version__}, "
        f"neo4j-rust-ext {'installed' if rust else 'not installed'}, {os.cpu_count()} cores"
    )
    print(
        f"{exchanges} exchanges ({len(flows)} flows, {len(model.respondents)} respondents); "
        f"per-row sample {len(sample)} flows; best of {args.repeat} interleaved runs"
    )
    print("| method | seconds | exchanges/s | valuenet is faster by |")
    print("|---|---:|---:|---:|")
    print(f"| valuenet (UNWIND batches) | {t_unwind:.2f} | {r_unwind:,.0f} | 1x |")
    print(f"| one query per row | {t_row:.2f} (sample) | {r_row:,.0f} | {r_unwind / r_row:.0f}x |")
    print(f"| LOAD CSV (IN TRANSACTIONS) | {t_csv:.2f} | {r_csv:,.0f} | {r_unwind / r_csv:.1f}x |")
    r_nodes = rate(t_nodes, len(flows))
    print(
        f"| (floor: bare flow nodes, no relationships) | {t_nodes:.2f} | {r_nodes:,.0f} | {r_unwind / r_nodes:.2f}x |"
    )
    print(f"| (driver only: encode and send the rows) | {t_send:.2f} | {rate(t_send, len(flows)):,.0f} | |")
    print("every run, in seconds:", "; ".join(f"{k} " + ", ".join(f"{t:.2f}" for t in v) for k, v in times.items()))


if __name__ == "__main__":
    main()
