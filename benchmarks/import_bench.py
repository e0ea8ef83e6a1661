"""Benchmark ``valuenet import`` of synthetic interview rows into the embedded (SQLite) store, beside its floors.

For each size it writes synthetic data with ``valuenet synth`` (about 10.5 rows per
respondent), then, in the same run and each as its own process:

- **valuenet**: ``valuenet import DIR/model.yaml DIR/interviews.csv --model synth``
  into a fresh store: wall time, peak resident memory (from ``wait4``) and RSS
  samples every 0.25 s, to show whether memory stays flat;
- **raw sink**: the very rows valuenet wrote (every table of the store, read back
  by the sink process before its clock starts),
  written by plain ``executemany`` into a fresh store of the same schema, in one
  transaction, twice: into the schema as it stands (its indexes kept up row by
  row), and as a bulk load with the indexes dropped during the load and built
  after it (the fastest way SQLite takes it, and what valuenet itself does);
- **read floor**: ``pyarrow.csv.read_csv`` of the interview file, all columns as
  text: what reading the same rows costs at the least.

``--reimport`` also times a second import of the same file (it must report
nothing added or updated).

    python benchmarks/import_bench.py                      # 10k, 100k and 1M rows
    python benchmarks/import_bench.py --sizes 10000 --reimport

Figures and the machine they came from go in benchmarks/import.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from valuenet.synth import write_synthetic  # noqa: E402

ROWS_PER_RESPONDENT = 10.5


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_import(args: list[str]) -> dict[str, object]:
    """Run one import process; its wall time, peak RSS (MB, from wait4), RSS samples (MB) and summary."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "valuenet", "import", *args, "--summary", "json"],
            stdout=out,
            stderr=err,
            env=env,
            text=True,
        )
        samples = []
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            samples.append(_rss_kb(proc.pid) // 1024)
            time.sleep(0.25)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({proc.returncode}):\n{stderr}")
    return {"seconds": elapsed, "peak_mb": usage.ru_maxrss // 1024, "samples_mb": samples, "summary": stdout}


_SINK = r"""
import sqlite3, sys, time
source, db = sys.argv[1], sys.argv[2]
src = sqlite3.connect(source)
names = [r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != 'meta'")]
tables = {n: src.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
src.close()
con = sqlite3.connect(db, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=NORMAL")
con.execute("PRAGMA cache_size=-32768")
bulk = sys.argv[3] == "bulk"
start = time.perf_counter()
con.execute("BEGIN IMMEDIATE")
indexes = [r for r in con.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")]
indexes = indexes if bulk else []
for name, _ in indexes:
    con.execute(f'DROP INDEX "{name}"')
for table, rows in tables.items():
    if rows:
        marks = ",".join("?" * len(rows[0]))
        con.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
for _, sql in indexes:
    con.execute(sql)
con.execute("COMMIT")
print(time.perf_counter() - start)
"""

_READ = r"""
import sys, time
import pyarrow as pa, pyarrow.csv as pacsv
start = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as fh:
    names = fh.readline().rstrip("\n").split(",")
text = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
table = pacsv.read_csv(sys.argv[1], convert_options=text)
print(time.perf_counter() - start, table.num_rows)
"""


def _python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return done.stdout


def floors(db: Path, csv_path: Path, folder: Path) -> dict[str, float]:
    """Seconds of the raw sinks (the rows valuenet wrote, by plain executemany) and of the read floor.

    Each runs as its own process, so this one stays small: a child's peak memory, as ``wait4`` reports it,
    counts the pages it shares with its parent when it starts.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = {}
    for how in ("plain", "bulk"):
        sink_db = folder / f"sink-{how}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sink_db}{suffix}").unlink(missing_ok=True)
        make = "import sys; from valuenet.store.sqlite import SQLiteStore; SQLiteStore(sys.argv[1]).close()"
        subprocess.run([sys.executable, "-c", make, str(sink_db)], check=True, env=env)  # an empty store
        out[f"{how}_s"] = float(_python(_SINK, str(db), str(sink_db), how))
    read = float(_python(_READ, str(csv_path)).split()[0])
    return {**out, "read_s": read}


def bench(size: int, folder: Path, reimport: bool) -> list[dict[str, object]]:
    data = folder / f"synth-{size}"
    respondents = max(1, round(size / ROWS_PER_RESPONDENT))
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(  # its own process, so this one stays small (see floors)
        [sys.executable, "-m", "valuenet", "synth", "--respondents", str(respondents), "--seed", "1", "-o", str(data)],
        check=True,
        env=env,
        capture_output=True,
    )
    gen = time.perf_counter() - t0
    with (data / "interviews.csv").open("rb") as fh:
        rows = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b"")) - 1
    db = folder / f"store-{size}.db"
    db.unlink(missing_ok=True)
    out = []
    first = run_import([str(data / "model.yaml"), str(data / "interviews.csv"), "--model", "synth", "--store", str(db)])
    out.append(
        {
            "run": "first import",
            "rows": rows,
            "generate_s": round(gen, 1),
            **first,
            **floors(db, data / "interviews.csv", folder),
        }
    )
    if reimport:
        again = run_import([str(data / "interviews.csv"), "--model", "synth", "--store", str(db)])
        counts = {r["items"]: r for r in json.loads(str(again["summary"]))}
        changed = sum(int(c["added"]) + int(c["updated"]) for c in counts.values())
        out.append({"run": f"second import ({changed} changed)", "rows": rows, "generate_s": 0, **again})
    return out


def breakdown(size: int, folder: Path) -> None:
    """Where the time goes, each stage alone in one process: reading, validating, building exchange rows, the
    store's write. A diagnosis for developers; the figures that count are the whole processes above."""
    from valuenet.formats.chunks import table_chunks
    from valuenet.formats.inputs import read_tables
    from valuenet.formats.modelfile import read_model_file
    from valuenet.importers.interviews import InterviewImport
    from valuenet.importers.target import ImportTarget
    from valuenet.store.sqlite import SQLiteStore

    data = folder / f"synth-{size}"
    write_synthetic(data, max(1, round(size / ROWS_PER_RESPONDENT)), seed=1)
    model = read_model_file(data / "model.yaml")
    tables = read_tables(data / "interviews.csv")
    t0 = time.perf_counter()
    rows = sum(len(c) for t in tables for c in table_chunks(t))
    t1 = time.perf_counter()
    imp = InterviewImport(tables, ImportTarget(model, new=False))
    imp.validate()
    t2 = time.perf_counter()
    batches = list(imp.batches())  # what the SQLite store is given: exchange rows
    t3 = time.perf_counter()
    db = folder / "breakdown.db"
    db.unlink(missing_ok=True)
    with SQLiteStore(db) as store:
        store.write_model(model)
        t4 = time.perf_counter()
        store.write(model, iter(batches))
        t5 = time.perf_counter()
    flows = sum(len(b.exchanges) for b in batches)
    print(
        f"| {rows:,} rows ({flows:,} exchanges) | read {rows / (t1 - t0):,.0f} | validate {rows / (t2 - t1):,.0f} | "
        f"build exchange rows {rows / (t3 - t2):,.0f} | store write {rows / (t5 - t4):,.0f} | rows/s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--reimport", action="store_true", help="also time a second import of the same file")
    parser.add_argument("--keep", type=Path, help="keep the data and stores in this folder")
    parser.add_argument("--breakdown", type=int, metavar="ROWS", help="only time each stage in one process")
    args = parser.parse_args()
    if args.breakdown:
        with tempfile.TemporaryDirectory(prefix="valuenet-bench-") as tmp:
            breakdown(args.breakdown, args.keep or Path(tmp))
        return
    with tempfile.TemporaryDirectory(prefix="valuenet-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
        print(
            "| run | rows | seconds | rows/s | sink, plain (rows/s) | valuenet / plain | sink, bulk (rows/s) "
            "| valuenet / bulk | read floor (rows/s) | peak RSS (MB) | RSS while running (MB, every 0.25 s, sampled) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for size in args.sizes:
            for r in bench(size, folder, args.reimport):
                samples = list(r["samples_mb"])  # type: ignore[call-overload]
                step = max(1, len(samples) // 8)
                shown = ", ".join(str(s) for s in samples[::step][:9])
                secs = float(r["seconds"])  # type: ignore[arg-type]
                rows = int(r["rows"])  # type: ignore[call-overload]
                cells = []
                for key in ("plain_s", "bulk_s"):
                    sink = float(r.get(key, 0) or 0)  # type: ignore[arg-type]
                    cells += [f"{rows / sink:,.0f}", f"{sink / secs:.0%}"] if sink else ["", ""]
                read = float(r.get("read_s", 0) or 0)  # type: ignore[arg-type]
                cells.append(f"{rows / read:,.0f}" if read else "")
                print(
                    f"| {r['run']} | {rows:,} | {secs:.1f} | {rows / secs:,.0f} | {' | '.join(cells)} "
                    f"| {r['peak_mb']} | {shown} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
