"""Benchmark what users run: ``valuenet analyze`` and ``valuenet report`` as whole processes on a store.

For each size it writes a synthetic study with ``valuenet synth`` (about 10.5 interview
rows per respondent) and imports it into a fresh embedded (SQLite) store with
``valuenet import`` (preparation, timed but not the subject). Then, interleaved and
repeated, each of these runs as its own process and is timed with its peak RSS (from
``wait4``):

- ``floor``: Python's csv module reading the same interview rows (``for row in
  csv.reader(f): pass`` in a fresh interpreter): the least any analysis of them costs;
- ``analyze all``: ``valuenet analyze --store DB --format json`` (every section, to /dev/null);
- ``analyze net``: ``valuenet analyze --store DB --section net --format json``;
- ``report``: ``valuenet report --store DB -o DIR`` (network view included).

It prints medians, the ratio of each to the floor, time per respondent, and the ratio
of ``analyze net`` to ``analyze all``. With ``--cypher`` and a Neo4j server in
``NEO4J_URI`` (``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``), it also times the cypher/
files on a 2,000-respondent study through ``benchmarks/cypher_bench.py``.

    python benchmarks/analysis_bench.py --sizes 10000 100000 1000000 --repeat 3
    python benchmarks/analysis_bench.py --sizes 10000 --repeat 1 --keep /tmp/vn-bench

Figures and the machine they came from go in benchmarks/analysis.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The installed ``valuenet`` command beside this interpreter (what a user runs), else the same entry point.
SCRIPT = Path(sys.executable).with_name("valuenet")
VALUENET = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-c", "from valuenet.cli import main; main()"]
FLOOR = """import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f):
        pass
"""


def run(args: list[str], quiet: bool = True) -> dict[str, float]:
    """Run one process to completion: wall seconds and peak RSS in MB (from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL if quiet else None, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return {"seconds": elapsed, "peak_mb": usage.ru_maxrss / 1024}


def prepare(size: int, folder: Path) -> tuple[Path, Path, dict[str, float]]:
    data, db = folder / f"s{size}", folder / f"s{size}.db"
    if not (data / "interviews.csv").exists():
        run([*VALUENET, "synth", "--respondents", str(size), "-o", str(data)])
    imported: dict[str, float] = {}
    if not db.exists():
        imported = run(
            [
                *VALUENET,
                "import",
                str(data / "model.yaml"),
                str(data / "interviews.csv"),
                "--model",
                "synth",
                "--store",
                str(db),
            ]
        )
    return data / "interviews.csv", db, imported


def bench(size: int, folder: Path, repeat: int) -> dict[str, object]:
    csv_path, db, imported = prepare(size, folder)
    with open(csv_path, encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    commands = {
        "floor": [sys.executable, "-c", FLOOR, str(csv_path)],
        "analyze all": [*VALUENET, "analyze", "--store", str(db), "--format", "json"],
        "analyze net": [*VALUENET, "analyze", "--store", str(db), "--section", "net", "--format", "json"],
        "report": [*VALUENET, "report", "--store", str(db), "-o", str(folder / f"report-{size}")],
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(repeat):  # interleaved, so a slow minute of the machine hits every command alike
        for name, args in commands.items():
            runs[name].append(run(args))
    out: dict[str, object] = {"respondents": size, "rows": rows, "import": imported}
    for name, found in runs.items():
        out[name] = {
            "seconds": statistics.median(r["seconds"] for r in found),
            "peak_mb": max(r["peak_mb"] for r in found),
            "all_seconds": [round(r["seconds"], 2) for r in found],
        }
    return out


def show(results: list[dict[str, object]]) -> None:
    head = (
        f"{'respondents':>11} {'rows':>10} {'command':<12} {'median s':>9} {'x floor':>8} {'µs/resp':>8} {'peak MB':>8}"
    )
    print(head)
    for r in results:
        floor = r["floor"]["seconds"]  # type: ignore[index]
        for name in ("floor", "analyze all", "analyze net", "report"):
            x = r[name]  # type: ignore[index]
            print(
                f"{r['respondents']:>11,} {r['rows']:>10,} {name:<12} {x['seconds']:>9.2f} "  # type: ignore[index]
                f"{x['seconds'] / floor:>8.1f} {1e6 * x['seconds'] / r['respondents']:>8.0f} "  # type: ignore[index,operator]
                f"{x['peak_mb']:>8.0f}"  # type: ignore[index]
            )
        ratio = r["analyze all"]["seconds"] / r["analyze net"]["seconds"]  # type: ignore[index]
        print(
            f"{'':>11} analyze all / analyze net = {ratio:.1f}x; runs: "
            + "; ".join(f"{n} {r[n]['all_seconds']}" for n in ("floor", "analyze all", "analyze net", "report"))
        )  # type: ignore[index]
    if len(results) > 1:
        a, b = results[0], results[1]
        per = [r["analyze all"]["seconds"] / r["respondents"] for r in (a, b)]  # type: ignore[index,operator]
        print(f"time per respondent, {a['respondents']:,} -> {b['respondents']:,}: {per[1] / per[0]:.2f}x")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--repeat", type=int, default=3, help="runs of each command per size (1 for sizes >= 1M)")
    p.add_argument("--keep", type=Path, help="folder to keep the studies and stores in (re-used when present)")
    p.add_argument("--cypher", action="store_true", help="also time the cypher/ files (needs NEO4J_URI)")
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = p.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="vn-analysis-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    results = []
    try:
        for size in args.sizes:
            results.append(bench(size, folder, 1 if size >= 1_000_000 else args.repeat))
            show(results[-1:])
        print()
        show(results)
        if args.cypher:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            import cypher_bench

            for row in cypher_bench.run(os.environ["NEO4J_URI"], 2000):
                print(row)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
