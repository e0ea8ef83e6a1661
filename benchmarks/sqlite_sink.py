"""How fast the embedded store takes interview exchange rows, next to a plain ``executemany`` of the same rows.

A breakdown of one stage, in one process, for whoever works on the store: the product's figures (a whole
``valuenet import`` process beside the raw sink in the same run) come from ``benchmarks/import_bench.py``.

Run from the repository root (take the shared lock on a shared machine)::

    flock /tmp/vn-bench.lock .venv/bin/python benchmarks/sqlite_sink.py --rows 1000000

Each measurement runs in the same process on the same tuples, into fresh files in
one temporary folder:

- ``store``: :meth:`SQLiteStore.write` of the rows (``Batch.exchanges``, 5,000 a
  batch) into a new store: the first import, whose exchange indexes are dropped
  and built again after the load.
- ``plain, no index``: one ``executemany`` of the same tuples into the same
  ``exchanges`` table with no index at all, in one transaction: the floor.
- ``plain, indexes kept``: the same into the table with its three indexes in place.
- ``store, indexes kept``: the store's write when the table already holds another
  model's rows (its indexes stay; plain inserts still).
- ``index build``: each index of ``exchanges`` built alone on the loaded table.
- ``re-import``: the same rows written again (all unchanged): the staged path.
- ``read``: ``read_flow_columns`` of the goal, every column (2 flows a row).
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from valuenet.models import Actor, Goal, Model
from valuenet.store.base import EXCHANGE_COLUMNS, Batch, ExchangeRow
from valuenet.store.sqlite import SQLiteStore
from valuenet.store.sqlite_schema import INDEXES, TABLES_SQL

ACTORS = [f"a{i}" for i in range(12)]
DIMENSIONS = ("functional", "economic", "experiential", "symbolic")
BATCH = 5000


def make_rows(n: int, seed: int = 1) -> list[ExchangeRow]:
    """``n`` exchange rows, ten per respondent, with random ids (as derived ids are), some quotes and money."""
    rnd = random.Random(seed)
    quotes = [None, None, None, "It was fine, mostly.", "Never again \u2014 the wait!"]
    rows = []
    for i in range(n):
        rows.append(
            (
                f"x-{rnd.getrandbits(64):016x}",
                "g",
                "current",
                ACTORS[i % len(ACTORS)],
                DIMENSIONS[i % 4],
                float(rnd.randint(0, 5)),
                float(rnd.randint(0, 5)) if i % 3 else None,
                None,
                25.0 if i % 7 == 0 else None,
                1.0,
                None,
                f"tp{i % 9}",
                None,
                quotes[i % 5],
                f"r{i // 10}",
                None,
                None,
                "customer",
            )
        )
    return rows


def header(model_id: str = "bench") -> Model:
    return Model(
        id=model_id,
        actors=[Actor(id="customer", name="Customer", kind="customer")]
        + [Actor(id=a, name=a, kind="focal_firm" if a == "a0" else "provider") for a in ACTORS],
        goals=[Goal(id="g", title="Goal", customer="customer")],
    )


def batches(rows: list[ExchangeRow]) -> Iterator[Batch]:
    for start in range(0, len(rows), BATCH):
        yield Batch(exchanges=rows[start : start + BATCH])


def timed(what: str, fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{what:<32} {seconds:8.2f} s  {n / seconds:>12,.0f} rows/s", flush=True)
    return seconds


def plain(path: Path, rows: list[ExchangeRow], indexes: bool) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-32768")
    db.executescript(TABLES_SQL)
    if indexes:
        for sql in INDEXES["exchanges"].values():
            db.execute(sql)
    marks = ", ".join("?" * len(EXCHANGE_COLUMNS))
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO exchanges (model, {', '.join(EXCHANGE_COLUMNS)}) VALUES ('bench', {marks})", rows)
    db.execute("COMMIT")
    db.close()


def index_builds(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA cache_size=-32768")
    for name, sql in INDEXES["exchanges"].items():
        db.execute(f"DROP INDEX IF EXISTS {name}")
        start = time.perf_counter()
        db.execute(sql)
        print(f"{'index build ' + name:<32} {time.perf_counter() - start:8.2f} s", flush=True)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.rows
    rows = make_rows(n)
    print(f"{n:,} exchange rows ({sum(1 for r in rows if r[6] is not None) + n:,} flows)")
    with tempfile.TemporaryDirectory(dir=".") as tmp:
        folder = Path(tmp)
        timed("plain, no index", lambda: plain(folder / "plain.db", rows, False), n)
        timed("plain, indexes kept", lambda: plain(folder / "plain-idx.db", rows, True), n)
        store_path = folder / "store.db"
        with SQLiteStore(store_path) as store:
            store.write(header(), [])
            timed("store", lambda: store.write(header(), batches(rows)), n)
            timed("re-import (unchanged)", lambda: store.write(header(), batches(rows)), n)
            for fields in (None, set()):
                name = "read, every column" if fields is None else "read, the columns always read"
                timed(name, lambda f=fields: store.read_flow_columns("bench", "g", ["current"], f), n)
        kept = folder / "kept.db"
        with SQLiteStore(kept) as store:
            store.write(header("other"), batches(make_rows(10, seed=2)))
            store.write(header(), [])
            timed("store, indexes kept", lambda: store.write(header(), batches(rows)), n)
        index_builds(store_path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
