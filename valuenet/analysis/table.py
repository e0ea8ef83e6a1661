"""The analysis engine's data: a goal's flows as numpy columns, read once from a model or a store.

Every measure valuenet reports per respondent and per segment is computed from a
:class:`FlowTable` (see :mod:`valuenet.analysis.measures`): one row per flow,
actors, dimensions, touchpoints and respondents as integer codes against the
model's own lists, magnitudes as floats. No pydantic object is built per flow on
this path: a store hands over :class:`~valuenet.flowcolumns.FlowColumns`, and a
model in memory is read through :class:`~valuenet.flowcolumns.ModelFlows`.

Scenario inheritance (``based_on``) is resolved here on the columns, by the rule
of :func:`valuenet.models.scenario_flows`: a scenario holds its base's flows,
less those its ``removes`` entries match and those its own flows change (the same
:func:`~valuenet.models.flow_key`), plus its own. A test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuenet.errors import AnalysisError
from valuenet.flowcolumns import NONE, FlowColumns, FlowSource, ModelFlows, distinct
from valuenet.models import Model, Removal, Respondent, scenario_chain

#: Optional columns that resolving ``based_on`` needs (a change is matched on touchpoint and stage too).
INHERIT_FIELDS = ("scenario", "touchpoint", "stage")
#: Below this many combinations, a flow's six key codes are joined into one integer (above, numbered exactly).
ONE_CODE_BELOW = 2**62
#: The one customer of a model without respondents: its structural network, analysed as is.
NETWORK = "(network)"


@dataclass
class FlowTable:
    """One goal and scenario, ready for the engine: coded rows plus the respondents' context.

    Rows with ``resp == -1`` are structural flows (no respondent); they are part
    of every respondent's network. A model without respondents is analysed as one
    customer, :data:`NETWORK`, whose network is the structural one (``pseudo``). ``mag`` is NaN where a flow carries no
    perceived magnitude (money only); ``tp``, ``stage`` and ``blame`` are -1 when unstated.
    """

    model: Model
    goal: str
    scenario: str
    actors: list[str]
    dimensions: list[str]
    touchpoints: list[str]
    stages: list[str]
    focal: int
    customer: int
    scale_max: float
    respondents: list[str]
    segments: list[str | None]
    cust: np.ndarray
    weights: np.ndarray
    thresholds: np.ndarray
    resp: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    dim: np.ndarray
    tp: np.ndarray
    blame: np.ndarray
    mag: np.ndarray
    money: np.ndarray
    occ: np.ndarray
    key: np.ndarray
    stage: np.ndarray
    quoted: np.ndarray
    pseudo: bool = False

    @property
    def n(self) -> int:
        return len(self.respondents)

    @classmethod
    def read(
        cls,
        model: Model,
        goal: str,
        scenario: str,
        source: FlowSource | None = None,
        fields: Collection[str] | None = None,
    ) -> FlowTable:
        """The table of ``goal`` in ``scenario`` (inheritance resolved), from ``source`` (default: the model).

        ``fields`` names the optional columns the caller needs (see
        :func:`valuenet.flowcolumns.fields_in_order`; ``None``: all); those that
        inheritance needs are added.
        """
        chain = scenario_chain(model.goal(goal), scenario)
        need = None if fields is None else {*fields, *(INHERIT_FIELDS if len(chain) > 1 else ())}
        cols = (source or ModelFlows(model)).read_flow_columns(model.id, goal, chain, need)
        return cls.from_columns(model, goal, scenario, cols)

    @classmethod
    def from_columns(cls, model: Model, goal: str, scenario: str, cols: FlowColumns) -> FlowTable:
        actors = [a.id for a in model.actors]
        dims = model.dimension_ids
        chain = scenario_chain(model.goal(goal), scenario)
        a = cols.arrays
        if len(a["key"]) and (np.diff(a["key"]) < 0).any():  # rows in key order, whatever order the store used
            order = np.argsort(a["key"], kind="stable")
            a = {name: arr[order] for name, arr in a.items()}
            cols.arrays = a
        src, dst = cols.recode("source", actors), cols.recode("target", actors)
        dim = cols.recode("dimension", dims)
        blame = cols.recode("responsible", actors)
        unknown = (src < 0) | (dst < 0) | (dim < 0) | ((blame < 0) & (a["responsible"] >= 0))
        if unknown.any():
            raise AnalysisError(
                f"goal {goal!r} has {int(unknown.sum())} flows naming an actor or dimension the model does not "
                "declare; check the model with 'valuenet validate'."
            )
        tp, tps = _first_seen(a["touchpoint"], cols.vocab["touchpoint"].values)
        stage, stages = _first_seen(a["stage"], cols.vocab["stage"].values)
        # a store leaves the scenario column out when every row is in the one scenario asked for
        scen = cols.recode("scenario", chain) if "scenario" in cols.columns else np.zeros(len(src), dtype=np.int64)
        keep = _inherit(model, goal, chain, cols, scen, src, dst, dim, tp, stage)
        people = {r.id: r for r in model.respondents}
        resp_vocab = cols.vocab["respondent"].values
        rcode = a["respondent"]
        # a respondent of any scenario in the chain: one whose every exchange a future removes is still compared
        with_flows = {resp_vocab[c] for c in distinct(rcode[(scen >= 0) & (rcode >= 0)]).tolist()}
        ids = [r.id for r in model.respondents if r.id in with_flows]
        missing = with_flows - set(ids)
        if missing:
            raise AnalysisError(
                f"goal {goal!r}: flows name respondents the model does not have ({', '.join(sorted(missing)[:5])})."
            )
        row_of = {rid: i for i, rid in enumerate(ids)}
        to_row = np.array([row_of.get(r, NONE) for r in resp_vocab] + [NONE], dtype=np.int64)
        resp = to_row[rcode]
        chosen = [people[i] for i in ids]
        pseudo = not ids
        if pseudo:  # a model without respondents: its structural network stands for one customer
            chosen = [Respondent(id=NETWORK)]
            ids = [NETWORK]
        a_ix = {x: i for i, x in enumerate(actors)}
        by_actor = {x: a_ix[model.customer_of(goal, Respondent(id="-", actor=x))] for x in {p.actor for p in chosen}}
        cust = np.array([by_actor[p.actor] for p in chosen], dtype=np.int64)
        w = normalised(np.array([[p.weights.get(d, 0.0) for d in dims] for p in chosen]).reshape(-1, len(dims)))
        thr = np.array([[p.thresholds.get(d, np.nan) for d in dims] for p in chosen]).reshape(-1, len(dims))
        if keep.all():  # nothing inherited or removed: no copies
            keep = slice(None)  # type: ignore[assignment]
        return cls(
            model,
            goal,
            scenario,
            actors,
            dims,
            tps,
            stages,
            a_ix[model.focal_firm().id],
            a_ix[model.customer_of(goal)],
            model.scale.max,
            ids,
            [p.segment for p in chosen],
            cust,
            w,
            thr,
            resp[keep],
            src[keep],
            dst[keep],
            dim[keep],
            tp[keep],
            blame[keep],
            a["magnitude"][keep],
            a["money"][keep],
            a["occurrences"][keep],
            a["key"][keep],
            stage[keep],
            a["quoted"][keep],
            pseudo,
        )

    def people(self, rows: Sequence[int] | np.ndarray | None = None) -> list[Any]:
        """The :class:`~valuenet.models.Respondent` objects of ``rows`` (default: everyone)."""
        by_id = {r.id: r for r in self.model.respondents}
        by_id.setdefault(NETWORK, Respondent(id=NETWORK))
        idx = range(self.n) if rows is None else [int(i) for i in rows]
        return [by_id[self.respondents[i]] for i in idx]


def _first_seen(codes: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Re-code so that names are numbered in the order they first occur in ``codes`` (-1 stays -1).

    The store's vocabulary follows the order it returned rows in; after the rows are
    sorted by key this makes the codes, and everything listed in their order, the same
    whatever that order was.
    """
    used, first = np.unique(codes[codes >= 0], return_index=True)
    ordered = used[np.argsort(first, kind="stable")]
    table = np.full(len(names) + 1, NONE, dtype=np.int64)
    table[ordered] = np.arange(len(ordered))
    out: np.ndarray = table[codes]  # -1 indexes the trailing NONE
    return out, [names[i] for i in ordered.tolist()]


def normalised(raw: np.ndarray) -> np.ndarray:
    """Weights per row that sum to 1 (negative ones count 0; a row of zeros becomes equal weights).

    The same rule as :func:`valuenet.analysis.base.normalise_weights`, for many respondents at once.

    >>> normalised(np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0]])).tolist()
    [[0.75, 0.25, 0.0], [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]]
    """
    w = np.maximum(raw, 0.0)
    total = w.sum(axis=1, keepdims=True)
    out: np.ndarray = np.where(total > 0, w / np.where(total > 0, total, 1.0), 1.0 / max(raw.shape[1], 1))
    return out


def _inherit(
    model: Model,
    goal: str,
    chain: list[str],
    cols: FlowColumns,
    scen: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    dim: np.ndarray,
    tp: np.ndarray,
    stage: np.ndarray,
) -> np.ndarray:
    """Which rows the last scenario of ``chain`` holds, applying each derived scenario's removals and changes."""
    keep: np.ndarray = scen == 0
    if len(chain) == 1:
        return keep
    scenarios = {s.id: s for s in model.goal(goal).scenarios}
    resp = cols.arrays["respondent"]
    n_a = max(int(src.max(initial=0)), int(dst.max(initial=0))) + 2
    n_d = int(dim.max(initial=0)) + 2
    n_t = int(tp.max(initial=0)) + 2
    n_s = int(stage.max(initial=0)) + 2
    n_r = int(resp.max(initial=0)) + 2
    fits = n_r * n_a * n_a * n_d * n_t * n_s < ONE_CODE_BELOW
    if fits:
        same = (((((resp + 1) * n_a + src) * n_a + dst) * n_d + dim) * n_t + (tp + 1)) * n_s + (stage + 1)
    else:  # a very large study: number the distinct six-code rows exactly instead
        _, same = np.unique(np.stack([resp, src, dst, dim, tp, stage], axis=1), axis=0, return_inverse=True)
        same = same.ravel()
    for level in range(1, len(chain)):
        own = scen == level
        for removal in scenarios[chain[level]].removes:
            keep &= ~_matches(removal, cols, src, dst, dim, tp, stage)
        keep &= ~np.isin(same, same[own])
        keep |= own
    return keep


def _matches(
    removal: Removal,
    cols: FlowColumns,
    src: np.ndarray,
    dst: np.ndarray,
    dim: np.ndarray,
    tp: np.ndarray,
    stage: np.ndarray,
) -> np.ndarray:
    """Rows a scenario's removal entry matches: every field it states must match."""

    def code(column: str, value: str) -> int:
        return cols.vocab[column].codes.get(value, -2)

    hit: np.ndarray = np.ones(len(src), dtype=bool)
    if not removal.stated():  # an entry that states nothing removes nothing (and is a model error)
        return ~hit
    if removal.structural is not None:
        hit &= (cols.arrays["respondent"] == NONE) == removal.structural
    actor = removal.actor
    if actor is not None:
        a = cols.vocab["source"].codes.get(actor, -2), cols.vocab["target"].codes.get(actor, -2)
        hit &= (cols.arrays["source"] == a[0]) | (cols.arrays["target"] == a[1])
    for name, column in (
        ("source", "source"),
        ("target", "target"),
        ("dimension", "dimension"),
        ("touchpoint", "touchpoint"),
        ("stage", "stage"),
        ("respondent", "respondent"),
    ):
        value = getattr(removal, name)
        if value is not None:
            hit &= cols.arrays[column] == code(column, value)
    return hit
