"""Benchmark ``valuenet import`` of synthetic interview rows into the embedded (SQLite) store.

For each size it writes synthetic data with ``valuenet synth`` (about 10.5 rows per
respondent), then runs ``valuenet import DIR/model.yaml DIR/interviews.csv --model
synth`` in a fresh store as a separate process, and reports rows per second and
the process's peak resident memory (from ``wait4``), with RSS samples taken while it
runs to show whether memory stays flat. ``--reimport`` also times a second import
of the same file (it must report nothing added or updated).

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


def bench(size: int, folder: Path, reimport: bool) -> list[dict[str, object]]:
    data = folder / f"synth-{size}"
    respondents = max(1, round(size / ROWS_PER_RESPONDENT))
    t0 = time.perf_counter()
    sidecar = write_synthetic(data, respondents, seed=1)
    gen = time.perf_counter() - t0
    rows = int(sidecar["rows"])
    db = folder / f"store-{size}.db"
    db.unlink(missing_ok=True)
    out = []
    first = run_import([str(data / "model.yaml"), str(data / "interviews.csv"), "--model", "synth", "--store", str(db)])
    out.append({"run": "first import", "rows": rows, "generate_s": round(gen, 1), **first})
    if reimport:
        again = run_import([str(data / "interviews.csv"), "--model", "synth", "--store", str(db)])
        counts = {r["items"]: r for r in json.loads(str(again["summary"]))}
        changed = sum(int(c["added"]) + int(c["updated"]) for c in counts.values())
        out.append({"run": f"second import ({changed} changed)", "rows": rows, "generate_s": 0, **again})
    return out


def breakdown(size: int, folder: Path) -> None:
    """Where the time goes, in one process: reading, validating, building flow documents, the store's write."""
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
    rows = sum(1 for t in tables for _ in t.rows())
    t1 = time.perf_counter()
    imp = InterviewImport(tables, ImportTarget(model, new=False))
    imp.validate()
    t2 = time.perf_counter()
    batches = list(imp.batches())  # what the SQLite store is given: flows as JSON documents
    t3 = time.perf_counter()
    db = folder / "breakdown.db"
    db.unlink(missing_ok=True)
    with SQLiteStore(db) as store:
        store.write_model(model)
        t4 = time.perf_counter()
        store.write(model, iter(batches))
        t5 = time.perf_counter()
    flows = sum(len(b.flow_docs) for b in batches)
    print(
        f"| {rows:,} rows ({flows:,} flows) | read {rows / (t1 - t0):,.0f} | validate {rows / (t2 - t1):,.0f} | "
        f"build flow documents {rows / (t3 - t2):,.0f} | store write {rows / (t5 - t4):,.0f} "
        f"({flows / (t5 - t4):,.0f} flows/s) | rows/s |"
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
        print("| run | rows | seconds | rows/s | peak RSS (MB) | RSS while running (MB, every 0.25 s, sampled) |")
        print("|---|---:|---:|---:|---:|---|")
        for size in args.sizes:
            for r in bench(size, folder, args.reimport):
                samples = list(r["samples_mb"])  # type: ignore[call-overload]
                step = max(1, len(samples) // 8)
                shown = ", ".join(str(s) for s in samples[::step][:9])
                secs = float(r["seconds"])  # type: ignore[arg-type]
                rows = int(r["rows"])  # type: ignore[call-overload]
                print(
                    f"| {r['run']} | {rows:,} | {secs:.1f} | {rows / secs:,.0f} | {r['peak_mb']} | {shown} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
