"""The network of a scope (one respondent, a segment, everyone), built once for the network measures.

Dependency by maximum flow, structural holes and brokerage, value loops, economic
sheets and network metrics look at the shape of the network, so they run on one
graph per scope rather than per respondent:

- for one respondent, their own flows and the structural ones, whole (quotes, ids);
- for a segment or everyone, the *mean network*: the respondents' flows grouped by
  giver, receiver, dimension, touchpoint and responsible actor, each group's
  perceived magnitude the sum over the scope divided by its number of respondents
  (so per average respondent), and its money the mean amount per respondent
  (``money * occurrences`` summed, divided by the number of respondents, kept as
  one occurrence of that amount); structural flows keep their own values.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from valuenet.analysis.base import Context
from valuenet.analysis.table import FlowTable
from valuenet.flowcolumns import NONE, Fetch, distinct
from valuenet.graph import CUSTOMER, DIMENSIONS, FOCAL, GOAL, MODEL, RESPONDENT, SCALE_MAX, SCENARIO, build_graph
from valuenet.models import Flow


def scope_context(t: FlowTable, rows: np.ndarray) -> Context:
    """The context of a scope: one respondent's own; for several, mean weights and mean stated thresholds."""
    dims = t.dimensions
    weights = t.weights[rows].mean(axis=0) if len(rows) else np.full(len(dims), 1.0 / len(dims))
    thresholds: dict[str, float] = {}
    for j, d in enumerate(dims):
        stated = t.thresholds[rows, j] if len(rows) else np.zeros(0)
        stated = stated[~np.isnan(stated)]
        if len(stated):
            thresholds[d] = float(stated.mean())
    return Context({d: float(weights[j]) for j, d in enumerate(dims)}, thresholds)


def scope_graph(t: FlowTable, rows: np.ndarray, fetch: Fetch, *, whole: bool) -> nx.MultiDiGraph:
    """The scope's network; ``whole`` keeps each respondent flow as it is (one respondent's own network)."""
    member = np.zeros(t.n, dtype=bool)
    member[rows] = True
    structural = t.resp == NONE
    mine = np.zeros(len(t.resp), dtype=bool)
    mine[~structural] = member[t.resp[~structural]]
    flows = list(fetch(t.key[structural | mine].tolist() if whole else t.key[structural].tolist()).values())
    if not whole:
        flows += _mean_flows(t, mine, max(len(rows), 1))
    used = {t.focal, t.customer, *distinct(t.cust[rows]).tolist()} if len(rows) else {t.focal, t.customer}
    ids = {t.actors[a] for a in used} | {f.source for f in flows} | {f.target for f in flows}
    customer = t.actors[int(t.cust[rows[0]])] if len(rows) == 1 else t.actors[t.customer]
    return build_graph(
        [a for a in t.model.actors if a.id in ids],
        flows,
        **{
            MODEL: t.model.id,
            GOAL: t.goal,
            SCENARIO: t.scenario,
            RESPONDENT: t.respondents[int(rows[0])] if len(rows) == 1 and not t.pseudo else None,
            FOCAL: t.actors[t.focal],
            CUSTOMER: customer,
            DIMENSIONS: t.dimensions,
            SCALE_MAX: t.scale_max,
        },
    )


def one_customer(t: FlowTable, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Givers and receivers of the rows ``sel``, each respondent's own customer actor as the goal's customer.

    A respondent may play another customer actor than the goal's (a carer rather than
    the patient); in a network of many respondents they all stand in the one customer node.
    """
    src, dst = t.src[sel], t.dst[sel]
    resp = t.resp[sel]
    theirs = np.where(resp >= 0, t.cust[np.maximum(resp, 0)] if t.n else t.customer, NONE)
    return np.where(src == theirs, t.customer, src), np.where(dst == theirs, t.customer, dst)


def _mean_flows(t: FlowTable, sel: np.ndarray, n: int) -> list[Flow]:
    """The scope's respondent flows per average respondent, one per (giver, receiver, dimension, touchpoint, blame)."""
    n_a, n_d, n_t = len(t.actors), len(t.dimensions), len(t.touchpoints) + 1
    src, dst = one_customer(t, sel)
    code = (((src * n_a + dst) * n_d + t.dim[sel]) * n_t + t.tp[sel] + 1) * (n_a + 1) + t.blame[sel] + 1
    groups, inverse = np.unique(code, return_inverse=True)
    m = len(groups)
    mag, money, occ = t.mag[sel], t.money[sel], t.occ[sel]
    has_mag = np.bincount(inverse, weights=(~np.isnan(mag)).astype(float), minlength=m) > 0
    mag_sum = np.bincount(inverse, weights=np.nan_to_num(mag), minlength=m) / n
    has_money = np.bincount(inverse, weights=(~np.isnan(money)).astype(float), minlength=m) > 0
    money_sum = np.bincount(inverse, weights=np.nan_to_num(money) * occ, minlength=m) / n
    out = []
    for i, k in enumerate(groups.tolist()):
        rest, blame = divmod(k, n_a + 1)
        rest, tp = divmod(rest, n_t)
        rest, dim = divmod(rest, n_d)
        src, dst = divmod(rest, n_a)
        out.append(
            Flow(
                id=f"mean-{i}",
                goal=t.goal,
                scenario=t.scenario,
                source=t.actors[src],
                target=t.actors[dst],
                dimension=t.dimensions[dim],
                magnitude=float(mag_sum[i]) if has_mag[i] else None,
                money=float(money_sum[i]) if has_money[i] else None,
                touchpoint=None if tp == 0 else t.touchpoints[tp - 1],
                responsible=t.actors[blame - 1] if blame > 0 else None,
            )
        )
    return out
