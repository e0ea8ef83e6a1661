"""Time to write a report (`write_report`: analysis, report data and both pages) for synthetic networks.

The networks are view_bench's (a customer, a focal firm and other actors, each exchanging value with the
customer in one or two dimensions, plus actor-to-actor flows, three respondents).

    flock /tmp/vn-bench.lock python benchmarks/report_bench.py --sizes 300 1700 5000
    python benchmarks/report_bench.py --sizes 300 --profile       # cProfile, 25 costliest by cumulative time
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from view_bench import synthetic_model

from valuenet.views.report import ReportSpec, write_report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 1700, 5000])
    ap.add_argument("--profile", action="store_true", help="print a cProfile of each size")
    args = ap.parse_args()
    for n in args.sizes:
        model = synthetic_model(n)
        with tempfile.TemporaryDirectory() as folder:
            prof = cProfile.Profile() if args.profile else None
            start = time.perf_counter()
            if prof:
                prof.enable()
            index = write_report(model, ReportSpec(), folder)
            if prof:
                prof.disable()
            took = time.perf_counter() - start
            size = index.stat().st_size + (index.parent / "evidence.html").stat().st_size
        print(f"{n:>6,} actors, {len(model.flows):>6,} flows: {took:7.2f} s, pages {size / 1e6:.1f} MB", flush=True)
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
