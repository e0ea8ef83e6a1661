"""Where the firm destroys value: losing exchanges, indirect damage and deal-breakers.

*Direct* items are the customer's exchanges with the firm, grouped by touchpoint
and dimension, where the customer gives up more than they get. *Indirect* items
are exchanges between the customer and another actor whose ``responsible`` actor
is the firm (a clinic's billing errors make the insurer's claim painful): the
customer's give-up there, less what they get, is laid at the firm's door. An
item's weighted loss is ``weight[d] * (gives - gets)`` with each respondent's own
weight; for a segment or everyone, an item is listed when it loses value for at
least one respondent, with the mean loss over the scope and how many lose.

A *deal-breaker* (Zeithaml, Berry and Parasuraman 1993, the zone of tolerance;
Keaveney 1995, switching after one critical incident): at one touchpoint, the
respondent's give-ups in a dimension attributed to an actor add up to more than
their threshold for that dimension. A give-up is attributed to the actor named
responsible for it, else to the actor it goes to. Give-ups stated with no
touchpoint are summed apart (level ``overall``) and never make a touchpoint-level
breach. Summing within one touchpoint means that splitting one statement into two
rows, or adding rows that give up nothing, never changes whether a respondent
breaches, and a respondent whose interview was coded in more touchpoints is not
more likely to breach for that reason alone (a sum over all touchpoints was). A
breach is flagged even when the actor's weighted net value is positive.

The quotes of an item or a deal-breaker are its evidence, ranked by
:func:`valuenet.analysis.evidence.rank_quotes`: among the ``QUOTE_POOL``
respondents who lose the most there (or go furthest past their threshold), the
strongest first, identical words folded with how many said them. ``quotes`` holds
the texts of the first ``EXAMPLES``, ``evidence`` the same with counts and sizes, and
an item's ``flows`` the flow behind each of those quotes (its largest speaker's).
``QUOTE_POOL`` is defined in :mod:`valuenet.analysis.evidence`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuenet.analysis.base import NO_TOUCHPOINT, Result, unique
from valuenet.analysis.evidence import QUOTE_POOL, Evidence, rank_quotes, same_words
from valuenet.analysis.measures import DIRECT, TOLERANCE, Cube, Groups, breach_groups, destruction_groups, losses
from valuenet.flowcolumns import Fetch
from valuenet.models import Flow

DIRECT_KIND, INDIRECT_KIND = "direct", "indirect"
TOUCHPOINT_LEVEL, OVERALL = "touchpoint", "overall"
#: The highest likelihood to recommend (0-10) of a detractor.
DETRACTOR = 6
#: Example quotes kept per item.
EXAMPLES = 3


@dataclass(frozen=True)
class DestructionItem(Result):
    """A touchpoint and dimension where the customer gives up more than they get (scope means)."""

    kind: str
    actor: str
    responsible: str
    touchpoint: str
    dimension: str
    gets: float
    gives: float
    net: float
    weighted: float
    respondents: int
    share: float
    quotes: tuple[str, ...]
    flows: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class TouchpointValue(Result):
    """The weighted net value of one touchpoint over all dimensions (scope mean); ``destroys`` when negative.

    ``respondents`` used it; ``share_destroys`` is the share of them for whom it destroyed value.
    """

    kind: str
    actor: str
    touchpoint: str
    weighted_gets: float
    weighted_gives: float
    weighted_net: float
    destroys: bool
    respondents: int
    share_destroys: float | None


@dataclass(frozen=True)
class Destruction(Result):
    """Everything the firm does that costs the customer more than it gives."""

    actor: str
    items: tuple[DestructionItem, ...]
    touchpoints: tuple[TouchpointValue, ...]
    direct_weighted: float
    indirect_weighted: float
    total_weighted: float

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": i.kind,
                "actor": i.actor,
                "responsible": i.responsible,
                "touchpoint": i.touchpoint,
                "dimension": i.dimension,
                "gets": i.gets,
                "gives": i.gives,
                "weighted": i.weighted,
                "respondents": i.respondents,
                "share": i.share,
                "for_example": i.quotes[0] if i.quotes else None,
            }
            for i in self.items
        ]


@dataclass(frozen=True)
class DealBreaker(Result):
    """Give-ups past the threshold, attributed to ``actor``, at one touchpoint or ``overall``.

    For one respondent ``respondents`` is 1; for a scope it counts those who breach, and the
    amounts are means over them.
    """

    level: str
    actor: str
    dimension: str
    touchpoint: str | None
    respondents: int
    share: float
    given_up: float
    threshold: float
    excess: float
    direct: float
    indirect: float
    weighted_net: float
    net_positive: float
    quotes: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()


def _scope(c: Cube, rows: Sequence[int] | np.ndarray | None) -> np.ndarray:
    member = np.zeros(c.t.n, dtype=bool)
    member[np.arange(c.t.n) if rows is None else np.asarray(rows, dtype=np.int64)] = True
    return member


def _merge(
    g: Groups, sel: np.ndarray, size: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[list[int]], list[list[float]]]:
    """Scope groups of the respondent groups ``sel``.

    Gives a representative row of each in ``g``, the inverse, and per scope group the
    flow keys of up to :data:`QUOTE_POOL` respondent groups, largest ``size`` first, with those sizes.
    """
    rows = np.flatnonzero(sel)
    code = ((g.kind[rows] * 100_003 + g.actor[rows]) * 100_003 + g.tp[rows] + 1) * 1_009 + g.dim[rows]
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    order = np.lexsort((-size[rows], inverse))  # by scope group, then largest first (stable: ties in row order)
    starts = np.searchsorted(inverse[order], np.arange(len(first)))
    keys, sizes = g.key[rows][order], size[rows][order]
    ends = np.append(starts[1:], len(order))[: len(starts)]
    cut = [(s, min(e, s + QUOTE_POOL)) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    return rows[first], inverse, [keys[s:e].tolist() for s, e in cut], [sizes[s:e].tolist() for s, e in cut]


def _evidence(keys: list[int], sizes: list[float], flows: Mapping[int, Flow]) -> tuple[Evidence, ...]:
    return rank_quotes((flows[k].quote, flows[k].respondent, z) for k, z in zip(keys, sizes, strict=True) if k in flows)


def _behind(evidence: Sequence[Evidence], found: Sequence[Flow]) -> tuple[str, ...]:
    """The flow behind each quote shown: the first of ``found`` (largest size first) that says its words."""
    first: dict[str, str] = {}
    for f in found:
        if f.quote:
            first.setdefault(same_words(f.quote), f.id)
    return unique(first[k] for e in evidence if (k := same_words(e.text)) in first)


def _tp_name(t: Any, tp: int) -> str:
    return NO_TOUCHPOINT if tp < 0 else str(t.touchpoints[tp])


def value_destruction(c: Cube, fetch: Fetch, rows: Sequence[int] | np.ndarray | None = None) -> Destruction:
    """The firm's losing exchanges, direct and indirect, over the respondents ``rows`` (largest mean loss first)."""
    t = c.t
    member = _scope(c, rows)
    n = max(int(member.sum()), 1)
    g = destruction_groups(c)
    loss = losses(c, g)
    sel = member[g.r] & (loss > 0)
    reps, inverse, examples, sizes = _merge(g, sel, loss)
    flows = fetch(sorted({k for ex in examples for k in ex}))
    m = len(reps)
    sums = [np.bincount(inverse, weights=v[sel], minlength=m) for v in (g.gets, g.gives, loss)]
    losing = np.bincount(inverse, minlength=m)
    items = []
    for i, j in enumerate(reps.tolist()):
        gets, gives = float(sums[0][i]) / n, float(sums[1][i]) / n
        found = [flows[k] for k in examples[i] if k in flows]
        evidence = _evidence(examples[i], sizes[i], flows)
        items.append(
            DestructionItem(
                DIRECT_KIND if g.kind[j] == DIRECT else INDIRECT_KIND,
                t.actors[g.actor[j]],
                t.actors[t.focal],
                _tp_name(t, int(g.tp[j])),
                t.dimensions[g.dim[j]],
                gets,
                gives,
                gets - gives,
                float(sums[2][i]) / n,
                int(losing[i]),
                float(losing[i]) / n,
                tuple(e.text for e in evidence[:EXAMPLES]),
                _behind(evidence[:EXAMPLES], found),
                evidence[:EXAMPLES],
            )
        )
    items.sort(key=lambda i: (-i.weighted, i.net, i.kind, i.actor, i.touchpoint, i.dimension))
    return Destruction(
        t.actors[t.focal],
        tuple(items),
        _touchpoints(c, g, member, n),
        float(loss[member[g.r] & (g.kind == DIRECT)].sum()) / n,
        float(loss[member[g.r] & (g.kind != DIRECT)].sum()) / n,
        float(loss[member[g.r]].sum()) / n,
    )


def _touchpoints(c: Cube, g: Groups, member: np.ndarray, n: int) -> tuple[TouchpointValue, ...]:
    """Per (kind, counterpart, touchpoint): the scope's mean weighted gets, gives and net, and for whom it destroys."""
    t = c.t
    sel = member[g.r]
    w = t.weights[g.r, g.dim] if len(g.r) else np.zeros(0)
    wg, wv = (w * g.gets)[sel], (w * g.gives)[sel]
    place = ((g.kind * 100_003 + g.actor) * 100_003 + g.tp + 1)[sel]
    # per respondent and touchpoint first (to count those it destroys value for), then per touchpoint
    per, inv = np.unique(place * max(t.n, 1) + g.r[sel], return_inverse=True)
    r_net = np.bincount(inv, weights=wg - wv, minlength=len(per))
    tps, tinv = np.unique(per // max(t.n, 1), return_inverse=True)
    m = len(tps)
    used = np.bincount(tinv, minlength=m)
    hurt = np.bincount(tinv, weights=(r_net < -TOLERANCE).astype(float), minlength=m)
    row_tp = tinv[inv]
    gets, gives = np.bincount(row_tp, weights=wg, minlength=m) / n, np.bincount(row_tp, weights=wv, minlength=m) / n
    out = []
    for i, code in enumerate(tps.tolist()):
        kind, rest = divmod(code, 100_003 * 100_003)
        actor, tp = divmod(rest, 100_003)
        out.append(
            TouchpointValue(
                DIRECT_KIND if kind == DIRECT else INDIRECT_KIND,
                t.actors[actor],
                _tp_name(t, tp - 1),
                float(gets[i]),
                float(gives[i]),
                float(gets[i] - gives[i]),
                bool(gets[i] - gives[i] < -TOLERANCE),
                int(used[i]),
                float(hurt[i]) / int(used[i]) if used[i] else None,
            )
        )
    out.sort(key=lambda x: (x.weighted_net, x.kind, x.actor, x.touchpoint))
    return tuple(out)


def deal_breakers(c: Cube, fetch: Fetch, rows: Sequence[int] | np.ndarray | None = None) -> tuple[DealBreaker, ...]:
    """Every (actor, dimension, touchpoint) past a threshold among the respondents ``rows``, most respondents first."""
    t = c.t
    member = _scope(c, rows)
    n = max(int(member.sum()), 1)
    b, threshold, breach = breach_groups(c)
    sel = member[b.r] & breach
    excess = b.gives - threshold
    reps, inverse, examples, sizes = _merge(b, sel, np.nan_to_num(excess))
    flows = fetch(sorted({k for ex in examples for k in ex}))
    m = len(reps)

    def mean(v: np.ndarray) -> np.ndarray:
        return np.bincount(inverse, weights=v[sel], minlength=m) / np.maximum(np.bincount(inverse, minlength=m), 1)

    given, thr, exc, direct = mean(b.gives), mean(threshold), mean(excess), mean(b.direct)
    wnet = c.wnet[b.r, b.actor] if len(b.r) else np.zeros(0)
    net, positive = mean(wnet), mean((wnet > 0).astype(float))
    count = np.bincount(inverse, minlength=m)
    found = []
    for i, j in enumerate(reps.tolist()):
        tp = int(b.tp[j])
        evidence = _evidence(examples[i], sizes[i], flows)
        found.append(
            DealBreaker(
                OVERALL if tp < 0 else TOUCHPOINT_LEVEL,
                t.actors[b.actor[j]],
                t.dimensions[b.dim[j]],
                None if tp < 0 else str(t.touchpoints[tp]),
                int(count[i]),
                float(count[i]) / n,
                float(given[i]),
                float(thr[i]),
                float(exc[i]),
                float(direct[i]),
                float(given[i] - direct[i]),
                float(net[i]),
                float(positive[i]),
                tuple(e.text for e in evidence[:EXAMPLES]),
                evidence[:EXAMPLES],
            )
        )
    weight = {d: float(t.weights[member].mean(axis=0)[j]) if member.any() else 0.0 for j, d in enumerate(t.dimensions)}
    found.sort(
        key=lambda x: (
            -x.respondents,
            -x.excess,
            -weight.get(x.dimension, 0.0),
            x.actor,
            x.dimension,
            x.touchpoint or "",
        )
    )
    return tuple(found)


def dealbreaker_rows(found: Sequence[DealBreaker], focal: str) -> list[dict[str, Any]]:
    return [
        {
            "level": b.level,
            "actor": b.actor,
            "focal": b.actor == focal,
            "dimension": b.dimension,
            "touchpoint": b.touchpoint,
            "respondents": b.respondents,
            "share": b.share,
            "given_up": b.given_up,
            "threshold": b.threshold,
            "excess": b.excess,
            "indirect": b.indirect,
            "weighted_net": b.weighted_net,
            "quotes": list(b.quotes),
        }
        for b in found
    ]


def who_causes(c: Cube, rows: Sequence[int] | np.ndarray | None = None) -> dict[str, dict[str, float | None]]:
    """Net perceived value per actor and dimension (scope mean) with each knock-on effect moved to its cause.

    The customer's exchanges with an actor that name another actor ``responsible``
    (the insurer's claim that the clinic's billing errors spoil) count for the
    responsible actor instead of the counterpart: the "who causes it" reading of
    the net value table, next to the "where it happens" one of
    :func:`valuenet.analysis.net.net_from_cube`. Only actors the customer
    exchanges with or that cause something are listed; a dimension in which no
    exchange is left with an actor once effects are moved (all of them laid at
    another's door) is ``None``, no data, rather than 0.
    """
    t = c.t
    member = _scope(c, rows)
    n = max(int(member.sum()), 1)
    n_a, n_d = len(t.actors), len(t.dimensions)
    net = (c.gets - c.gives)[member].sum(axis=0) / n if t.n else np.zeros((n_a, n_d))
    moved = (c.get | c.give) & (c.eblame >= 0) & (c.eblame != c.cp) & member[c.er]
    signed = np.where(c.get, c.emag, -c.emag)[moved]
    shift = np.zeros((n_a, n_d))
    np.add.at(shift, (c.cp[moved], c.edim[moved]), -signed / n)
    np.add.at(shift, (c.eblame[moved], c.edim[moved]), signed / n)
    listed = c.exchanged[member].any(axis=0) if t.n else np.zeros(n_a, dtype=bool)
    listed[np.unique(c.eblame[moved])] = True
    listed[t.focal] = True
    listed[t.customer] = False
    total = net + shift
    touched = (c.get | c.give) & member[c.er]
    owner = np.where(moved, c.eblame, c.cp)[touched]
    held = np.zeros((n_a, n_d), dtype=bool)
    held[owner, c.edim[touched]] = True
    return {
        t.actors[a]: {d: float(total[a, j]) if held[a, j] else None for j, d in enumerate(t.dimensions)}
        for a in np.flatnonzero(listed)
    }


@dataclass(frozen=True)
class LoyaltyGroup(Result):
    """How many respondents a group holds, how many are detractors (score 0-6) or churned, and their mean score."""

    respondents: int
    detractors: int
    churned: int
    nps: float | None


def loyalty_group(people: Sequence[Any]) -> LoyaltyGroup:
    """The :class:`LoyaltyGroup` of some :class:`~valuenet.models.Respondent` objects."""
    scores = [p.nps for p in people if p.nps is not None]
    return LoyaltyGroup(
        len(people),
        sum(1 for s in scores if s <= DETRACTOR),
        sum(1 for p in people if p.churned),
        sum(scores) / len(scores) if scores else None,
    )


def breach_loyalty(
    c: Cube, rows: Sequence[int] | np.ndarray | None = None, actor: str | None = None
) -> tuple[LoyaltyGroup, LoyaltyGroup]:
    """The respondents ``rows`` past a threshold with ``actor`` (default: the firm) at least once, and the others."""
    t = c.t
    member = _scope(c, rows)
    a = t.focal if actor is None else t.actors.index(actor)
    b, _, breach = breach_groups(c)
    past = np.zeros(t.n, dtype=bool)
    past[b.r[breach & (b.actor == a)]] = True
    people = t.people()
    return (
        loyalty_group([p for i, p in enumerate(people) if member[i] and past[i]]),
        loyalty_group([p for i, p in enumerate(people) if member[i] and not past[i]]),
    )
