"""The analysts' Cypher library (``cypher/``) on a synthetic study, next to one scan of the model's flows.

A synthetic study of N respondents (``valuenet synth``, about 21 flows each) is imported into a fresh model,
as ``valuenet import`` does. Then each library file is run with its defaults by valuenet's own runner
(``valuenet.cypher_files.run_cypher``, what ``valuenet cypher`` runs, results fetched into Python), three
times after one warm-up run, and timed. Each file's runs alternate with runs of the floor, one scan of the
model's flows that reads a property of every flow::

    MATCH (f:Flow {model: $model}) RETURN count(f.magnitude) AS flows

and the table gives the median of each and their ratio. A second reference reads every flow property the
library uses (``count(f {.source, .target, ...})``), which is what any question over the flows has to read.

The study has one scenario, so ``scenario-deltas`` compares it with itself (``after = 'current'``): the
same flows are read and summed as for two scenarios of half the size.

    PYTHONPATH=. python benchmarks/cypher_bench.py [--respondents 2000 [4000 ...]] [--keep]

Needs a running Neo4j (``valuenet neo4j start``); NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD as for
valuenet. The model is removed afterwards unless ``--keep``. With several sizes, a last table shows how each
file's time grows with the respondents. Other scripts can call :func:`run`.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from valuenet.cypher_files import CypherFile, library, run_cypher
from valuenet.formats.modelfile import read_model_file, write_model_file
from valuenet.importers import import_files
from valuenet.store.neo4j import Neo4jStore
from valuenet.synth import write_synthetic

RUNS = 3
FLOOR = "MATCH (f:Flow {model: $model}) RETURN count(f.magnitude) AS flows"
READ_ALL = (
    "MATCH (f:Flow {model: $model}) RETURN count(f {.goal, .scenario, .source, .target, .dimension, .magnitude, "
    ".money, .occurrences, .respondent, .responsible, .touchpoint, .quote, .ord}) AS flows"
)
#: Parameters beyond the model that a file needs on a one-scenario study.
EXTRA: dict[str, dict[str, Any]] = {"scenario-deltas": {"after": "current"}}


def import_study(store: Neo4jStore, model_id: str, respondents: int, seed: int = 0) -> float:
    """Write a synthetic study and import it into ``model_id`` (removed first); the seconds the import took."""
    store.delete_model(model_id)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_synthetic(folder, respondents, seed)
        model = read_model_file(folder / "model.yaml").model_copy(update={"id": model_id})
        write_model_file(model, folder / "model.yaml")
        start = time.perf_counter()
        import_files(store, [folder / "model.yaml", folder / "interviews.csv"], model_id=model_id)
        return time.perf_counter() - start


def _seconds(work: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    rows = work()
    return time.perf_counter() - start, rows


def time_file(store: Neo4jStore, f: CypherFile | str, params: dict[str, Any], runs: int = RUNS) -> dict[str, Any]:
    """Median seconds of ``runs`` runs of a file (after one warm-up), each followed by a run of the floor."""

    def query() -> int:
        return len(run_cypher(store, f, params).rows)

    def floor() -> int:
        return len(run_cypher(store, FLOOR, {"model": params["model"]}).rows)

    query()
    floor()
    times, floors, rows = [], [], 0
    for _ in range(runs):
        seconds, rows = _seconds(query)
        times.append(seconds)
        floors.append(_seconds(floor)[0])
    t, fl = statistics.median(times), statistics.median(floors)
    return {"seconds": t, "floor": fl, "ratio": t / fl, "rows": rows}


def run(uri: str, respondents: int = 2000, *, keep: bool = False, seed: int = 0) -> list[dict[str, Any]]:
    """Time every library file on a fresh synthetic study of ``respondents``; one dict per file.

    Each dict has ``file``, ``seconds`` (median of three runs), ``floor`` (median of the scan runs next to
    them), ``ratio`` (seconds / floor), ``rows`` (rows returned), ``read_all`` (median seconds of the scan
    that reads every property the library uses) and ``flows``, ``respondents`` and ``import_seconds``.
    """
    model_id = f"cypher-bench-{respondents}"
    with Neo4jStore(uri) as store:
        imported = import_study(store, model_id, respondents, seed)
        try:
            flows = int(store.query(FLOOR, {"model": model_id})[1][0]["flows"])
            read_all = time_file(store, READ_ALL, {"model": model_id})
            out = []
            for f in library():
                got = time_file(store, f, {"model": model_id, **EXTRA.get(f.name, {})})
                out.append(
                    {
                        "file": f.name,
                        **got,
                        "read_all": read_all["seconds"],
                        "flows": flows,
                        "respondents": respondents,
                        "import_seconds": imported,
                    }
                )
            return out
        finally:
            if not keep:
                store.delete_model(model_id)


def table(results: list[dict[str, Any]]) -> str:
    """A Markdown table of :func:`run`'s results."""
    lines = [
        "| file | seconds | floor (s) | ratio | ratio to reading every property | rows |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| `{r['file']}` | {r['seconds']:.3f} | {r['floor']:.3f} | {r['ratio']:.1f} | "
            f"{r['seconds'] / r['read_all']:.1f} | {r['rows']:,} |"
        )
    return "\n".join(lines)


def growth(by_size: dict[int, list[dict[str, Any]]]) -> str:
    """A Markdown table of each file's seconds at every size, and what doubling the respondents costs."""
    sizes = sorted(by_size)
    head = " | ".join(f"{n:,}" for n in sizes)
    lines = [f"| file | {head} | time per respondent, largest / smallest |", "|---|" + "---:|" * (len(sizes) + 1)]
    for i, r in enumerate(by_size[sizes[0]]):
        times = [by_size[n][i]["seconds"] for n in sizes]
        per = (times[-1] / sizes[-1]) / (times[0] / sizes[0])
        lines.append(f"| `{r['file']}` | " + " | ".join(f"{s:.3f}" for s in times) + f" | {per:.2f} |")
    floors = [statistics.median(x["floor"] for x in by_size[n]) for n in sizes]
    lines.append(
        "| floor | "
        + " | ".join(f"{s:.3f}" for s in floors)
        + f" | {(floors[-1] / sizes[-1]) / (floors[0] / sizes[0]):.2f} |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, nargs="+", default=[2000], help="one or more study sizes")
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the imported models")
    args = parser.parse_args()
    by_size: dict[int, list[dict[str, Any]]] = {}
    for n in args.respondents:
        print(f"{platform.node()}: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before", flush=True)
        results = by_size[n] = run(args.uri, n, keep=args.keep, seed=args.seed)
        first = results[0]
        print(
            f"{n:,} respondents, {first['flows']:,} flows, imported in {first['import_seconds']:.1f} s;"
            f" reading every property the library uses: {first['read_all']:.3f} s"
        )
        print(table(results))
        print(f"load average {os.getloadavg()[0]:.2f} after", flush=True)
    if len(by_size) > 1:
        print(growth(by_size))


if __name__ == "__main__":
    main()
