"""Time a whole `valuenet report` process on a store, beside the floor of reading the same rows, per size.

The networks are view_bench's (a customer, a focal firm and other actors, each exchanging value with the
customer in one or two dimensions, plus actor-to-actor flows, three respondents). Each is stored in an
embedded store first; then, in the same run:

- ``report s``: `valuenet report --store DB --model M -o DIR` as a whole process (the analysis, the report
  data and both pages, index.html and evidence.html);
- ``floor s``: a fresh Python reading the goal's flow rows from the same SQLite file and writing them out
  as JSON (view_bench's floor), the least any command reading that store must do.

    flock /tmp/vn-bench.lock python benchmarks/report_bench.py --sizes 300 2000 5000
    python benchmarks/report_bench.py --sizes 300 --profile   # in-process cProfile of write_report, 25 costliest

``--profile`` is a breakdown for whoever works on the report, not the product's figure.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from view_bench import FLOOR, VALUENET, synthetic_model, timed

from valuenet.store.sqlite import SQLiteStore
from valuenet.views.report import ReportSpec, write_report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 2000, 5000])
    ap.add_argument("--profile", action="store_true", help="print an in-process cProfile of each size")
    args = ap.parse_args()
    print(f"{'actors':>6} {'flows':>6} {'report s':>8} {'floor s':>7} {'MB':>5}")
    for n in args.sizes:
        model = synthetic_model(n)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            db = folder / "bench.db"
            with SQLiteStore(db) as store:
                store.write_model(model)
            out = folder / "report"
            took = timed([VALUENET, "report", "--store", str(db), "--model", model.id, "-o", str(out)])
            floor = timed([sys.executable, "-c", FLOOR, str(db), model.id, str(folder / "floor.json")])
            size = sum(f.stat().st_size for f in out.glob("*.html"))
            print(f"{n:>6} {len(model.flows):>6} {took:>8.2f} {floor:>7.2f} {size / 1e6:>5.1f}", flush=True)
            if args.profile:
                prof = cProfile.Profile()
                prof.runcall(write_report, model, ReportSpec(), folder / "profiled")
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
