"""What a comparison says: better or worse for the customer, between two scenarios or two segments.

:func:`valuenet.views.data.build_view` builds both sides of a comparison (two
scenarios, or two segments in one scenario) and marks each flow and actor with
these words, so a strategist reads what the change means for the customer, not
only whether a number grew.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuenet.analysis.scope import one_customer
from valuenet.analysis.table import FlowTable
from valuenet.errors import ViewError
from valuenet.flowcolumns import distinct
from valuenet.models import Model

#: How a flow or actor changes for the customer between the two sides of a comparison.
CHANGES = ("better", "worse", "other", "same")
#: A flow or actor only one side of a comparison has (``presence``).
PRESENCES = ("new", "gone")
_EPS = 1e-9


def change_for_customer(
    source: str,
    target: str,
    customer: str,
    before: float | None,
    after: float | None,
    money_before: float | None = None,
    money_after: float | None = None,
) -> str:
    """Whether a flow's change from ``before`` to ``after`` (None: no such flow) is better or worse for ``customer``.

    More of what the customer gets is ``better``, more of what they give up is
    ``worse`` (a new flow counts from 0, a gone one to 0). A flow between two other
    actors that changes is ``other``: it matters to the customer only through the
    flows they have with those actors, which are judged themselves. No change is ``same``.

    The perceived magnitudes decide; when they do not change, the money does
    (``money_before``, ``money_after``): more money the customer pays is worse, more
    they receive is better, and more or less money between two other actors is ``other``.

    >>> [change_for_customer(*ends, "c", 2, 3) for ends in (("f", "c"), ("c", "f"), ("f", "g"))]
    ['better', 'worse', 'other']
    >>> change_for_customer("c", "f", "c", 2, None), change_for_customer("f", "c", "c", None, 0)
    ('better', 'same')
    >>> change_for_customer("c", "f", "c", None, None, 50, 60), change_for_customer("f", "g", "c", 1, 1, 50, 60)
    ('worse', 'other')
    """
    b, a = before or 0.0, after or 0.0
    if abs(a - b) <= _EPS:
        if money_before is None and money_after is None:
            return "same"
        return change_for_customer(source, target, customer, money_before, money_after)
    if customer not in (source, target):
        return "other"
    return "better" if (a > b) == (target == customer) else "worse"


def net_change(before: float, after: float) -> str:
    """An actor's (or the customer's whole) net value from ``before`` to ``after``: better, worse or the same."""
    return "better" if after > before + _EPS else "worse" if after < before - _EPS else "same"


def check_against(segment: str | None, against: str | None, compare: str | None) -> None:
    """Refuse a segment-against-segment view that cannot be drawn: no first segment, a scenario too, or itself."""
    if against is None:
        return
    if segment is None:
        raise ViewError(f"a view against segment {against!r} needs a first segment; name it with segment.")
    if compare is not None:
        raise ViewError("a view compares two scenarios or two segments, not both; drop compare or against.")
    if against == segment:
        raise ViewError(f"segment {segment!r} against itself shows no change; name another segment.")


def scenario_label(model: Model, goal: str, scenario: str, *, described: bool = False) -> str:
    """A scenario's name (its id when it has none), with its description when ``described``."""
    s = next(s for s in model.goal(goal).scenarios if s.id == scenario)
    return (s.name or s.id) + (f": {s.description}" if described and s.description else "")


@dataclass
class TouchpointChange:
    """The customer's net value at one touchpoint on each side of a comparison, and what the change means.

    ``before`` and ``after`` are what the mean respondent gets there minus what they give
    up, every actor and dimension together, each dimension weighted by what it matters to
    that respondent (as the report's touchpoints, :mod:`valuenet.analysis.measures`).
    """

    touchpoint: str
    before: float
    after: float
    change: str


def touchpoint_nets(
    t: FlowTable, rows: np.ndarray, customer: str, people: int, *, merge: bool, firm: str | None = None
) -> dict[str, float]:
    """Per touchpoint, the weighted net value the mean of ``people`` respondents gets there.

    Each respondent's flow counts its magnitude times that respondent's weight for its
    dimension (weights sum to 1 per respondent, as in the analysis); a structural flow is
    part of every respondent's network, so it counts whole, times the mean weight of the
    respondents in ``rows``. ``rows`` is a mask of the table's rows; ``merge`` shows every
    respondent's customer actor as the goal's customer; ``firm`` keeps only that actor's
    flows and those it causes.
    """
    if customer not in t.actors:
        return {}
    src, dst = one_customer(t, rows) if merge else (t.src[rows], t.dst[rows])
    me = t.actors.index(customer)
    sign = np.where(dst == me, 1.0, np.where(src == me, -1.0, 0.0))
    mag, tp, resp, dim = t.mag[rows], t.tp[rows], t.resp[rows], t.dim[rows]
    ok = ~np.isnan(mag) & (tp >= 0) & (sign != 0)
    if firm is not None:
        f = t.actors.index(firm)
        ok &= (src == f) | (dst == f) | (t.blame[rows] == f)
    who = distinct(resp[resp >= 0])
    mean_w = t.weights[who].mean(axis=0) if len(who) else np.full(len(t.dimensions), 1.0 / max(len(t.dimensions), 1))
    r, d = resp[ok], dim[ok]
    weight = np.where(r >= 0, t.weights[np.maximum(r, 0), d] / max(people, 1), mean_w[d])
    share = sign[ok] * mag[ok] * weight
    sums = np.bincount(tp[ok], weights=share, minlength=len(t.touchpoints))
    seen = np.bincount(tp[ok], minlength=len(t.touchpoints)) > 0
    return {t.touchpoints[i]: float(sums[i]) for i in np.flatnonzero(seen).tolist()}


def touchpoint_changes(before: dict[str, float], after: dict[str, float]) -> list[TouchpointChange]:
    """Every touchpoint of either side (0 where a side has none), the largest change first.

    >>> [(c.touchpoint, c.change) for c in touchpoint_changes({"desk": -2.0, "web": 1.0}, {"web": 1.5})]
    [('desk', 'better'), ('web', 'better')]
    """
    out = [TouchpointChange(tp, before.get(tp, 0.0), after.get(tp, 0.0), "") for tp in dict.fromkeys([*before, *after])]
    for c in out:
        c.change = net_change(c.before, c.after)
    return sorted(out, key=lambda c: -abs(c.after - c.before))
