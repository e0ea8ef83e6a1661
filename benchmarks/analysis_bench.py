"""Benchmark: analyse 100,000 respondent networks, per respondent and per segment.

Run: python benchmarks/analysis_bench.py [--respondents 100000] [--seed 0] [--graph-sample 200]

Steps timed separately:
1. generate the synthetic interviews (valuenet.synth; data preparation, not analysis);
2. load them into a FlowTable (flat numpy columns);
3. per-respondent measures, vectorised (net value, rank and share, destruction, deal-breakers,
   value at risk, opportunities, touchpoint cells);
4. per-segment aggregates (n, mean, median, sd, bootstrap 95% CI with 1,000 resamples);
5. loyalty: NPS per segment and drivers (rank correlation, ridge models);
6. the network sections (net value, destruction, dependency, opportunities, loops, economic
   sheets, metrics) on each segment's mean network;
and, for comparison, the graph path per respondent on a sample (all measures, one graph each),
with the ratio of the two paths.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from valuenet.analysis.base import Context, normalise_weights
from valuenet.analysis.dependency import dependency
from valuenet.analysis.destruction import value_destruction
from valuenet.analysis.economic import economic_sheets
from valuenet.analysis.loops import value_loops
from valuenet.analysis.loyalty import default_features, loyalty
from valuenet.analysis.metrics import network_metrics
from valuenet.analysis.net import net_value
from valuenet.analysis.opportunities import opportunities
from valuenet.analysis.segments import aggregate, respondent_measures
from valuenet.analysis.table import FlowTable, mean_flows, table_measures
from valuenet.graph import CUSTOMER, DIMENSIONS, FOCAL, SCALE_MAX, build_graph
from valuenet.synth import FOCAL as SYNTH_FOCAL
from valuenet.synth import GOAL, synthesize

T = TypeVar("T")
DIMS = ["functional", "economic", "experiential", "symbolic"]


def timed(label: str, fn: Callable[[], T], figures: dict[str, float]) -> T:
    start = time.perf_counter()
    out = fn()
    figures[label] = time.perf_counter() - start
    print(f"{label:<44} {figures[label]:8.2f} s", flush=True)
    return out


def load(n: int, seed: int) -> tuple[FlowTable, list[int | None], list[bool | None], Any]:
    s = synthesize(n, seed=seed)
    actors = [a.id for a in s.model.actors]
    a_ix = {a: i for i, a in enumerate(actors)}
    d_ix = {d: i for i, d in enumerate(DIMS)}
    tps: dict[str, int] = {}
    r_ix: dict[str, int] = {}
    segments: list[str | None] = []
    nps: list[int | None] = []
    churned: list[bool | None] = []
    weights: list[list[float]] = []
    thresholds: list[list[float]] = []
    cols: list[tuple[int, int, int, int, int, int, float]] = []
    c = a_ix["patient"]
    for row in s.rows():
        rid = row["respondent"]
        r = r_ix.get(rid)
        if r is None:
            r = r_ix[rid] = len(r_ix)
            segments.append(row["segment"])
            nps.append(int(row["nps"]))
            churned.append(row["churned"] == "yes")
            w = normalise_weights({d: float(row.get(f"weight_{d}", 0.0)) for d in DIMS}, DIMS)
            weights.append([w[d] for d in DIMS])
            thresholds.append([float(row[f"threshold_{d}"]) if f"threshold_{d}" in row else np.nan for d in DIMS])
        a, d = a_ix[row["actor"]], d_ix[row["dimension"]]
        tp = tps.setdefault(row["touchpoint"], len(tps))
        blame = a_ix[row["responsible"]] if row.get("responsible") else -1
        cols.append((r, a, c, d, tp, blame, float(row["gets"])))
        cols.append((r, c, a, d, tp, blame, float(row["gives"])))
    arr = np.array(cols)
    present = np.zeros((len(r_ix), len(actors)), dtype=bool)
    present[arr[:, 0].astype(int), arr[:, 1].astype(int)] = True
    present[:, [c, a_ix[SYNTH_FOCAL]]] = True
    table = FlowTable(
        list(r_ix),
        segments,
        actors,
        DIMS,
        list(tps),
        a_ix[SYNTH_FOCAL],
        c,
        5.0,
        np.array(weights),
        np.array(thresholds),
        present,
        *(arr[:, i].astype(np.int64) for i in range(6)),
        arr[:, 6],
    )
    return table, nps, churned, s.model


def segment_network(table: FlowTable, model: Any, rows: np.ndarray) -> dict[str, Any]:
    g = build_graph(
        model.actors,
        mean_flows(table, rows, GOAL),
        **{FOCAL: SYNTH_FOCAL, CUSTOMER: "patient", DIMENSIONS: DIMS, SCALE_MAX: 5.0},
    )
    w = table.weights[rows].mean(axis=0)
    ctx = Context(dict(zip(DIMS, w.tolist(), strict=True)), {})
    return {
        "net": net_value(g, ctx),
        "destruction": value_destruction(g, ctx),
        "dependency": dependency(g, ctx),
        "opportunities": opportunities(g, ctx),
        "loops": value_loops(g),
        "economic": economic_sheets(g),
        "metrics": network_metrics(g),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--respondents", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--graph-sample", type=int, default=200)
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    print(f"respondents: {args.respondents:,}, seed {args.seed}")
    figures: dict[str, float] = {}
    table, nps, churned, model = timed(
        "1-2. generate interviews, load a FlowTable", lambda: load(args.respondents, args.seed), figures
    )
    print(f"   {len(table.resp):,} flows")
    keys, x = timed("3. per-respondent measures (vectorised)", lambda: table_measures(table), figures)
    print(f"   {x.shape[1]} measures per respondent")
    seg = timed("4. per-segment aggregates with bootstrap CI", lambda: aggregate(keys, x, table.segments), figures)
    feats = default_features(keys, SYNTH_FOCAL, "patient")
    loyal = timed("5. loyalty: NPS and drivers", lambda: loyalty(keys, x, nps, churned, table.segments, feats), figures)
    labels = np.array(table.segments, dtype=object)
    nets = timed(
        "6. network sections per segment (mean network)",
        lambda: {s: segment_network(table, model, np.flatnonzero(labels == s)) for s in sorted(set(labels))},
        figures,
    )
    analysis = sum(v for k, v in figures.items() if k[0] in "3456")
    print(f"{'analysis total (3-6)':<44} {analysis:8.2f} s")

    sample = min(args.graph_sample, len(table.respondents))
    flows = [mean_flows(table, np.array([i]), GOAL) for i in range(sample)]
    graphs = [
        build_graph(model.actors, f, **{FOCAL: SYNTH_FOCAL, CUSTOMER: "patient", DIMENSIONS: DIMS, SCALE_MAX: 5.0})
        for f in flows
    ]
    ctxs = [
        Context(
            dict(zip(DIMS, table.weights[i].tolist(), strict=True)),
            {d: float(v) for d, v in zip(DIMS, table.thresholds[i], strict=True) if np.isfinite(v)},
        )
        for i in range(sample)
    ]
    start = time.perf_counter()
    for g, ctx in zip(graphs, ctxs, strict=True):
        respondent_measures(g, ctx)
    per_graph = (time.perf_counter() - start) / sample
    start = time.perf_counter()
    for g, ctx in zip(graphs, ctxs, strict=True):
        respondent_measures(g, ctx, graph_measures=False)
    per_graph_perceived = (time.perf_counter() - start) / sample
    per_vector = figures["3. per-respondent measures (vectorised)"] / len(table.respondents)
    print(
        f"graph path, all measures: {per_graph * 1e3:.2f} ms per respondent "
        f"(~{per_graph * len(table.respondents) / 60:.0f} min for {len(table.respondents):,} on one core)"
    )
    print(
        f"graph path, perceived measures only: {per_graph_perceived * 1e3:.2f} ms per respondent; "
        f"vectorised: {per_vector * 1e6:.2f} us per respondent; ratio {per_graph_perceived / per_vector:,.0f}x"
    )
    s = seg["(all)"].measures
    print(
        f"check: share destroys {s['firm.destroys'].mean:.3f}, share breach {s['firm.breach'].mean:.3f}, "
        f"NPS {loyal.nps[-1].nps:.1f}, segments {sorted(nets)}"
    )


if __name__ == "__main__":
    main()
