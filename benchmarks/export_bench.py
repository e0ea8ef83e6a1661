"""Benchmark what users run: ``valuenet export`` and ``valuenet import`` as whole processes on a store.

For each size it writes a synthetic study with ``valuenet synth`` (about 10.5 interview
rows per respondent) and imports it into a fresh embedded (SQLite) store (preparation,
not the subject). Then, interleaved and repeated, each of these runs as its own process,
timed with its peak RSS (``/usr/bin/time -f %M``, the largest process of the command, so
the small parent does not count):

- ``floor csv``: Python's csv module reading the same interview rows in a fresh interpreter;
- ``floor cat``: ``cat interviews.csv > /dev/null``, the floor of a read from standard input;
- ``export FORMAT``: ``valuenet export --store DB --format FORMAT -o FILE`` for graphml, gexf,
  parquet, cypher and json;
- ``import file``: ``valuenet import interviews.csv --model synth`` into a fresh store that holds
  only the model (copied before each run, not timed);
- ``import stdin``: ``cat interviews.csv | valuenet import - --format csv --model synth`` likewise.

It prints medians, the ratio of each to its floor (``floor cat`` for ``import stdin``, else
``floor csv``) and peak RSS.

    python benchmarks/export_bench.py --sizes 10000 100000 --repeat 3 --keep /tmp/vn-export-bench

Figures and the machine they came from go in benchmarks/exports.md.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_bench import FLOOR, VALUENET

FORMATS = ("graphml", "gexf", "parquet", "cypher", "json")
TIME = "/usr/bin/time"


def run(command: list[str] | str) -> dict[str, float]:
    """Run one command (a list, or a shell line) to completion: wall seconds and peak RSS in MB."""
    args = command if isinstance(command, list) else ["sh", "-c", command]
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        proc = subprocess.run(
            [TIME, "-o", rss.name, "-f", "%M", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
        )
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{args} failed:\n{proc.stderr.decode()}")
        peak_kb = int(rss.read().strip().splitlines()[-1])
    return {"seconds": elapsed, "peak_mb": peak_kb / 1024}


def prepare(size: int, folder: Path) -> tuple[Path, Path, Path]:
    """The study's folder, a store holding it whole, and a store holding only its model."""
    data, db, empty = folder / f"s{size}", folder / f"s{size}.db", folder / f"s{size}-model.db"
    if not (data / "interviews.csv").exists():
        run([*VALUENET, "synth", "--respondents", str(size), "--seed", "1", "-o", str(data)])
    if not db.exists():
        run([*VALUENET, "import", str(data / "model.yaml"), str(data / "interviews.csv"), "--store", str(db)])
    if not empty.exists():
        run([*VALUENET, "import", str(data / "model.yaml"), "--store", str(empty)])
    return data, db, empty


def bench(size: int, folder: Path, repeat: int, formats: tuple[str, ...]) -> dict[str, object]:
    data, db, empty = prepare(size, folder)
    csv_path = data / "interviews.csv"
    with open(csv_path, encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    out_dir = folder / f"out-{size}"
    out_dir.mkdir(exist_ok=True)
    fresh = folder / f"fresh-{size}.db"
    commands: dict[str, list[str] | str] = {
        "floor csv": [sys.executable, "-c", FLOOR, str(csv_path)],
        "floor cat": f"cat {csv_path} > /dev/null",
    }
    for fmt in formats:
        commands[f"export {fmt}"] = [
            *VALUENET,
            "export",
            "--store",
            str(db),
            "--format",
            fmt,
            "-o",
            str(out_dir / f"x.{fmt}"),
        ]
    vn = " ".join(VALUENET)
    commands["import file"] = [*VALUENET, "import", str(csv_path), "--model", "synth", "--store", str(fresh)]
    commands["import stdin"] = f"cat {csv_path} | {vn} import - --format csv --model synth --store {fresh}"
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(repeat):  # interleaved, so a slow minute of the machine hits every command alike
        for name, command in commands.items():
            if name.startswith("import"):
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{fresh}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(empty, fresh)
            runs[name].append(run(command))
    result: dict[str, object] = {"respondents": size, "rows": rows}
    for name, found in runs.items():
        result[name] = {
            "seconds": statistics.median(r["seconds"] for r in found),
            "peak_mb": max(r["peak_mb"] for r in found),
            "all_seconds": [round(r["seconds"], 2) for r in found],
        }
    return result


def show(results: list[dict[str, object]]) -> None:
    print(f"{'respondents':>11} {'rows':>10} {'command':<15} {'median s':>9} {'x floor':>8} {'peak MB':>8}  runs")
    for r in results:
        for name, x in r.items():
            if not isinstance(x, dict):
                continue
            floor = r["floor cat" if name == "import stdin" else "floor csv"]["seconds"]  # type: ignore[index]
            print(
                f"{r['respondents']:>11,} {r['rows']:>10,} {name:<15} {x['seconds']:>9.2f} "
                f"{x['seconds'] / floor:>8.1f} {x['peak_mb']:>8.0f}  {x['all_seconds']}"
            )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--repeat", type=int, default=3, help="runs of each command per size")
    p.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    p.add_argument("--keep", type=Path, help="folder to keep the studies and stores in (re-used when present)")
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = p.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="vn-export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    results = []
    try:
        for size in args.sizes:
            results.append(bench(size, folder, args.repeat, tuple(args.formats)))
            show(results[-1:])
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
