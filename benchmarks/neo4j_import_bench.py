"""Importing interview exchanges into Neo4j (graph version 2), whole ``valuenet`` processes against the baselines.

On the same synthetic study (``valuenet synth``: about 10 exchange rows per respondent) and the same server:

1. ``valuenet import model.yaml interviews.csv --store bolt://...``: the whole process (reading and validating
   the table, writing ``Batch.exchanges`` rows as ``UNWIND $rows`` batches) into an empty model;
2. ``valuenet push``: the whole process, from an embedded store holding the study into an empty model;
3. one query per row: an analyst's upsert (``MATCH`` the actor and respondent, ``MERGE`` the ``EXCHANGE``,
   ``SET`` its properties), once per exchange in its own transaction (timed on a sample; the rate is per row);
4. ``LOAD CSV``: the server reads a CSV of the same exchanges and runs the same upsert,
   ``CALL { ... } IN TRANSACTIONS OF 10000 ROWS``;
5. the floor: the same exchanges' properties created as bare nodes (no relationship, no lookup, no index);
6. the bulk path: ``valuenet neo4j import`` (CSV files, server stopped, ``neo4j-admin database import full``,
   server started, constraints created) into the empty database of a second local server (``--bulk-home``).

Every transactional method starts from an empty model that already holds the same actors, goal and
respondents (not timed) and must end with the same number of exchanges. Runs are interleaved, the fastest
counts, and every run is printed.

    PYTHONPATH=. python benchmarks/neo4j_import_bench.py [--respondents 3000] [--per-row 1000] [--repeat 3]
        [--bulk-home /tmp/vn-bench-bulk --bulk-bolt-port 17689 --bulk-http-port 17476]

Needs a Neo4j on this machine (``valuenet neo4j start``) named by NEO4J_URI / NEO4J_PASSWORD; LOAD CSV
writes into that server's import folder. Take the shared lock: ``flock /tmp/vn-bench.lock python ...``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import neo4j

from valuenet.models import Model
from valuenet.store import neo4j_graph as G
from valuenet.store.neo4j import Neo4jStore
from valuenet.store.neo4j_bulk import place_flows
from valuenet.store.sqlite import SQLiteStore
from valuenet.synth import write_synthetic

MODEL = "synth"
PER_ROW = """
MATCH (a:Actor {model: $model, id: $actor}) USING INDEX SEEK a:Actor(model, id)
MATCH (o:Respondent {model: $model, id: $respondent}) USING INDEX SEEK o:Respondent(model, id)
MERGE (a)-[x:EXCHANGE {model: $model, id: $id}]->(o)
SET x = $props
"""
CSV_COLUMNS = [
    "id",
    "actor",
    "respondent",
    "customer",
    "goal",
    "scenario",
    "dimension",
    "gets",
    "gives",
    "touchpoint",
    "stage",
    "quote",
    "responsible",
    "ord",
]
LOAD_CSV = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (a:Actor {model: $model, id: row.actor})
  MATCH (o:Respondent {model: $model, id: row.respondent})
  MERGE (a)-[x:EXCHANGE {model: $model, id: row.id}]->(o)
  SET x.customer = row.customer, x.goal = row.goal, x.scenario = row.scenario, x.dimension = row.dimension,
      x.gets = toFloat(row.gets), x.gives = toFloat(row.gives), x.touchpoint = row.touchpoint, x.stage = row.stage,
      x.quote = row.quote, x.responsible = row.responsible, x.ord = toInteger(row.ord)
} IN TRANSACTIONS OF 10000 ROWS
"""
FLOOR = "UNWIND $rows AS row CREATE (n:BenchExchange) SET n = row"


def valuenet(*args: str) -> float:
    """Run a whole ``valuenet`` process; its wall-clock seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "valuenet", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def exchanges(store: Neo4jStore, model_id: str) -> int:
    q = "MATCH (:Actor {model: $m})-[x:EXCHANGE]->() RETURN count(x) AS n"
    return int(store.query(q, {"m": model_id})[1][0]["n"])


def prepare(store: Neo4jStore, model: Model, model_id: str) -> None:
    """An empty copy of the study (actors, goal, respondents, no flows) under ``model_id``."""
    store.delete_model(model_id)
    store.write_model(model.model_copy(update={"id": model_id, "flows": []}))


def rows_of(model: Model, model_id: str) -> list[dict[str, Any]]:
    """The study's exchanges as the per-row, LOAD CSV and floor methods send them."""
    elements, lone = place_flows((G.flow_tuple(f) for f in model.flows), 0)
    assert not lone
    out = []
    for xid, el in elements.items():
        props = G.exchange_props(model_id, xid, el)
        out.append({"id": xid, "actor": el.common[2], "respondent": el.common[9], "props": props})
    return out


def bench_per_row(store: Neo4jStore, driver: neo4j.Driver, model: Model, rows: list[dict[str, Any]]) -> float:
    prepare(store, model, "bench-row")
    start = time.perf_counter()
    with driver.session(database=store.database) as session:
        for r in rows:
            props = {**r["props"], "model": "bench-row"}
            session.execute_write(
                lambda tx, r=r, p=props: tx.run(
                    PER_ROW, model="bench-row", actor=r["actor"], respondent=r["respondent"], id=r["id"], props=p
                ).consume()
            )
    return time.perf_counter() - start


def bench_load_csv(store: Neo4jStore, driver: neo4j.Driver, model: Model, rows: list[dict[str, Any]]) -> float:
    prepare(store, model, "bench-csv")
    q = "SHOW SETTINGS YIELD name, value WHERE name = 'server.directories.import' RETURN value"
    folder = Path(store.query(q)[1][0]["value"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "valuenet-bench-exchanges.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            data = {**r["props"], "actor": r["actor"], "respondent": r["respondent"]}
            writer.writerow(["" if data.get(c) is None else data[c] for c in CSV_COLUMNS])
    try:
        start = time.perf_counter()
        with driver.session(database=store.database) as session:
            session.run(LOAD_CSV, url="file:///" + path.name, model="bench-csv").consume()  # type: ignore[arg-type]
        return time.perf_counter() - start
    finally:
        path.unlink()


def bench_floor(store: Neo4jStore, driver: neo4j.Driver, rows: list[dict[str, Any]]) -> float:
    """The server's floor: the exchanges' properties as bare nodes (no relationship, lookup or index)."""
    store.query("MATCH (n:BenchExchange) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS")
    props = [{**r["props"], "model": "bench-floor"} for r in rows]
    start = time.perf_counter()
    with driver.session(database=store.database) as session:
        for first in range(0, len(props), 10_000):
            chunk = props[first : first + 10_000]
            session.execute_write(
                lambda tx, c=chunk: [tx.run(FLOOR, rows=c[k : k + 5000]).consume() for k in range(0, len(c), 5000)]
            )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=3000, help="synthetic respondents (about 10 rows each)")
    parser.add_argument("--per-row", type=int, default=1000, help="exchanges sent one query at a time (a sample)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method; the fastest counts")
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    parser.add_argument("--bulk-home", help="home of a second local server for the bulk path (skipped without)")
    parser.add_argument("--bulk-bolt-port", type=int, default=17689)
    parser.add_argument("--bulk-http-port", type=int, default=17476)
    args = parser.parse_args()
    os.environ.setdefault("NEO4J_PASSWORD", "valuenet-dev-password")
    times: dict[str, list[float]] = {k: [] for k in ("import", "push", "row", "csv", "floor", "bulk")}
    with tempfile.TemporaryDirectory(prefix="vn-bench-") as tmp:
        write_synthetic(tmp, args.respondents, seed=1)
        files = [str(Path(tmp) / "model.yaml"), str(Path(tmp) / "interviews.csv")]
        db = str(Path(tmp) / "study.db")
        valuenet("import", *files, "--model", MODEL, "--store", db)
        with SQLiteStore(db) as sqlite:
            model = sqlite.read_model(MODEL)
        rows = rows_of(model, MODEL)
        n = len(rows)
        sample = rows[: args.per_row]
        store = Neo4jStore(args.uri)
        auth = (store.connection.username, os.environ["NEO4J_PASSWORD"])
        try:
            with neo4j.GraphDatabase.driver(args.uri, auth=auth, notifications_min_severity="OFF") as driver:
                store.ensure_schema()
                server = driver.get_server_info().agent
                for _ in range(args.repeat):  # interleaved: a busy moment on the machine hits every method alike
                    store.delete_model(MODEL)
                    times["import"].append(valuenet("import", *files, "--model", MODEL, "--store", args.uri))
                    assert exchanges(store, MODEL) == n
                    store.delete_model(MODEL)
                    times["push"].append(valuenet("push", "--store", db, "--to", args.uri, "--model", MODEL))
                    assert exchanges(store, MODEL) == n
                    times["row"].append(bench_per_row(store, driver, model, sample))
                    assert exchanges(store, "bench-row") == len(sample)
                    times["csv"].append(bench_load_csv(store, driver, model, rows))
                    assert exchanges(store, "bench-csv") == n
                    times["floor"].append(bench_floor(store, driver, rows))
                    if args.bulk_home:
                        times["bulk"].append(
                            valuenet(
                                "neo4j",
                                "import",
                                *files,
                                "--model",
                                MODEL,
                                "--home",
                                args.bulk_home,
                                "--bolt-port",
                                str(args.bulk_bolt_port),
                                "--http-port",
                                str(args.bulk_http_port),
                                "--fresh",
                            )
                        )
            for model_id in (MODEL, "bench-row", "bench-csv"):
                store.delete_model(model_id)
            store.query("MATCH (n:BenchExchange) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS")
        finally:
            store.close()
    best = {k: min(v) for k, v in times.items() if v}
    rate = {k: (len(sample) if k == "row" else n) / t for k, t in best.items()}
    print(
        f"server {server}, Python {platform.python_version()}, neo4j driver {neo4j.__version__}, {os.cpu_count()} cores"
    )
    print(f"{n} exchanges ({len(model.flows)} flows, {len(model.respondents)} respondents); per-row sample "
          f"{len(sample)}; best of {args.repeat} interleaved runs")  # fmt: skip
    print("| method | seconds | exchanges/s | valuenet import is faster by |")
    print("|---|---:|---:|---:|")
    names = {
        "import": "`valuenet import ... --store bolt://` (whole process)",
        "push": "`valuenet push` (whole process)",
        "row": "one query per row",
        "csv": "LOAD CSV (IN TRANSACTIONS)",
        "floor": "(floor: bare nodes, same properties)",
        "bulk": "`valuenet neo4j import` (bulk, whole process)",
    }
    for k, name in names.items():
        if k in best:
            seconds = f"{best[k]:.2f}" + (" (sample)" if k == "row" else "")
            print(f"| {name} | {seconds} | {rate[k]:,.0f} | {rate['import'] / rate[k]:.2f}x |")
    print("every run, in seconds:", "; ".join(f"{k} " + ", ".join(f"{t:.2f}" for t in v) for k, v in times.items()))


if __name__ == "__main__":
    main()
