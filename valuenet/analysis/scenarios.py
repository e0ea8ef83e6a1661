"""Scenarios compared: what changes between, say, the current network and a designed future one.

A scenario ``based_on`` another holds its base's flows, less what it removes or
changes, plus what it adds (see :func:`valuenet.models.scenario_flows`), so a
to-be scenario lists only its changes and everyone else's value carries over.

For the respondents of the scope present in both scenarios (a model without
respondents compares its structural network): per actor and dimension (and
weighted), the mean net value before and after, the mean change and the shares of
respondents better and worse off; the deal-breakers that appear or go away; every
measure's change summarised per segment (n, mean, median, sd, 95% interval);
each actor's economic sheet (net value flow per member and for its whole
segment) before and after; and, per respondent, the thresholds they stop or start
breaching, with their likelihood to recommend and whether they churned
(:class:`BreachShift`; :meth:`ScenarioComparison.return_on_change` sums them up for
one actor: the return-on-change argument of a to-be design).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuenet.analysis.base import Result
from valuenet.analysis.destruction import DETRACTOR
from valuenet.analysis.economic import Economic
from valuenet.analysis.measures import TOLERANCE, Cube, breach_groups, respondent_matrix
from valuenet.analysis.segments import SegmentSummary, aggregate

WEIGHTED = "weighted"


@dataclass(frozen=True)
class Change(Result):
    """The change in the net value the scope's respondents get from one actor in one dimension (or ``weighted``)."""

    actor: str
    dimension: str
    before: float
    after: float
    change: float
    better: float
    worse: float


@dataclass(frozen=True)
class BreakChange(Result):
    """How many respondents gain (``new``) or lose (``gone``) a deal-breaker with an actor in a dimension."""

    actor: str
    dimension: str
    new: int
    gone: int


@dataclass(frozen=True)
class BreachShift(Result):
    """One respondent whose deal-breakers change.

    ``before`` and ``after`` are the breaches as ``(actor, dimension, touchpoint)`` (touchpoint ``""``:
    give-ups stated with no touchpoint), so a breach that moves from one touchpoint to another shows.
    """

    respondent: str
    segment: str | None
    nps: int | None
    churned: bool | None
    before: tuple[tuple[str, str, str], ...]
    after: tuple[tuple[str, str, str], ...]

    def stops(self, actor: str) -> bool:
        """Breached a threshold with ``actor`` before and no longer does."""
        return _with(self.before, actor) and not _with(self.after, actor)

    def starts(self, actor: str) -> bool:
        """Breaches a threshold with ``actor`` now and did not before."""
        return _with(self.after, actor) and not _with(self.before, actor)


def _with(breaches: Sequence[tuple[str, str, str]], actor: str) -> bool:
    return any(b[0] == actor for b in breaches)


@dataclass(frozen=True)
class ReturnOnChange(Result):
    """Respondents who stop and start breaching a threshold with one actor, and the loyalty they carry.

    ``*_detractors`` gave a likelihood to recommend of 0-6, ``*_churned`` have
    churned; ``*_nps`` is the mean score of those who gave one (``None``: nobody did).
    """

    actor: str
    respondents: int
    stop: tuple[str, ...]
    start: tuple[str, ...]
    stop_detractors: int
    stop_churned: int
    stop_nps: float | None
    start_detractors: int
    start_churned: int
    start_nps: float | None


def _mean(values: Sequence[int | None]) -> float | None:
    given = [v for v in values if v is not None]
    return sum(given) / len(given) if given else None


@dataclass(frozen=True)
class SheetChange(Result):
    """An actor's economic net value flow before and after (per member, and for its whole segment)."""

    actor: str
    before_per_member: float | None
    after_per_member: float | None
    change_per_member: float
    before_segment: float | None
    after_segment: float | None


@dataclass(frozen=True)
class ScenarioComparison(Result):
    """What changes between two scenarios for the respondents in both, per actor, segment and economic sheet."""

    before: str
    after: str
    respondents: int
    changes: tuple[Change, ...]
    dealbreakers: tuple[BreakChange, ...]
    economic: tuple[SheetChange, ...]
    segments: Mapping[str, SegmentSummary]
    shifts: tuple[BreachShift, ...] = ()

    def return_on_change(self, actor: str) -> ReturnOnChange:
        """Who stops and who starts breaching a threshold with ``actor``, with their NPS and churn."""
        stop = [s for s in self.shifts if s.stops(actor)]
        start = [s for s in self.shifts if s.starts(actor)]

        def detractors(group: list[BreachShift]) -> int:
            return sum(1 for s in group if s.nps is not None and s.nps <= DETRACTOR)

        return ReturnOnChange(
            actor,
            self.respondents,
            tuple(s.respondent for s in stop),
            tuple(s.respondent for s in start),
            detractors(stop),
            sum(1 for s in stop if s.churned),
            _mean([s.nps for s in stop]),
            detractors(start),
            sum(1 for s in start if s.churned),
            _mean([s.nps for s in start]),
        )

    def rows(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.changes if c.dimension == WEIGHTED]

    def segment_rows(self) -> list[dict[str, Any]]:
        return [
            row
            for s in self.segments.values()
            for row in s.rows(("net.", "firm.", "destruction.total"))
            if row["measure"].endswith((".weighted", "firm.breach", "firm.destroys", "destruction.total"))
        ]


def _aligned(c: Cube, k: Sequence[str], x: np.ndarray, ids: Sequence[str], keys: Sequence[str]) -> np.ndarray:
    pos = {r: i for i, r in enumerate(c.t.respondents)}
    rows = x[[pos[r] for r in ids]] if len(ids) else np.zeros((0, x.shape[1]))
    col = {name: j for j, name in enumerate(k)}
    out = np.zeros((len(ids), len(keys)))
    for j, name in enumerate(keys):
        if name in col:
            out[:, j] = rows[:, col[name]]
        elif name.startswith("touchpoint."):
            out[:, j] = np.nan
    return out


def _breaches(c: Cube, ids: Sequence[str]) -> set[tuple[str, str, str, str]]:
    """The breaches of the respondents ``ids``: (respondent, actor, dimension, touchpoint; "" for none stated)."""
    b, _, breach = breach_groups(c)
    chosen = set(ids)
    t = c.t
    columns = (b.r[breach], b.actor[breach], b.dim[breach], b.tp[breach])
    found = zip(*(x.tolist() for x in columns), strict=True)
    return {
        (t.respondents[r], t.actors[a], t.dimensions[d], t.touchpoints[tp] if tp >= 0 else "")
        for r, a, d, tp in found
        if t.respondents[r] in chosen
    }


def compare(
    before: Cube,
    after: Cube,
    ids: Sequence[str],
    sheets: tuple[Economic, Economic] | None = None,
    measured: tuple[list[str], np.ndarray] | None = None,
) -> ScenarioComparison:
    """Compare two scenarios' cubes for the respondents ``ids`` (those of the scope found in both).

    ``measured`` is ``respondent_matrix(before)`` when the caller has it already.
    """
    present = set(after.t.respondents)
    both = [r for r in ids if r in present]
    kb, mb = measured if measured is not None else respondent_matrix(before)
    ka, ma = respondent_matrix(after)
    keys = sorted(set(kb) | set(ka))
    xb, xa = _aligned(before, kb, mb, both, keys), _aligned(after, ka, ma, both, keys)
    delta = xa - xb
    n = max(len(both), 1)
    changes = []
    for j, name in enumerate(keys):
        if not name.startswith("net."):
            continue
        actor, dimension = name[4:].rsplit(".", 1)
        d = delta[:, j]
        if np.abs(d).max(initial=0.0) <= TOLERANCE:
            continue
        changes.append(
            Change(
                actor,
                dimension,
                float(xb[:, j].sum() / n),
                float(xa[:, j].sum() / n),
                float(d.sum() / n),
                float((d > TOLERANCE).sum() / n),
                float((d < -TOLERANCE).sum() / n),
            )
        )
    changes.sort(key=lambda c: (c.dimension != WEIGHTED, -abs(c.change), c.actor, c.dimension))
    old, new = _breaches(before, both), _breaches(after, both)
    old_ad, new_ad = {x[:3] for x in old}, {x[:3] for x in new}  # deal-breakers count per actor and dimension
    gained = Counter(x[1:] for x in new_ad - old_ad)
    lost = Counter(x[1:] for x in old_ad - new_ad)
    breaks = [BreakChange(a, d, gained[(a, d)], lost[(a, d)]) for a, d in sorted(set(gained) | set(lost))]
    segment = dict(zip(before.t.respondents, before.t.segments, strict=True))
    segs = [segment[r] for r in both]
    shifts = _shifts(before, both, old, new)
    return ScenarioComparison(
        before.t.scenario,
        after.t.scenario,
        len(both),
        tuple(changes),
        tuple(breaks),
        _sheet_changes(*sheets) if sheets is not None else (),
        aggregate(keys, delta, segs) if both else {},
        shifts,
    )


def _shifts(
    c: Cube, ids: Sequence[str], old: set[tuple[str, str, str, str]], new: set[tuple[str, str, str, str]]
) -> tuple[BreachShift, ...]:
    """The respondents ``ids`` whose breaches differ between ``old`` and ``new``, in respondent order."""
    people = {p.id: p for p in c.t.people()}
    held: dict[tuple[str, bool], list[tuple[str, str, str]]] = {}
    for is_new, found in ((False, old), (True, new)):
        for x, a, d, tp in found:
            held.setdefault((x, is_new), []).append((a, d, tp))
    out = []
    for r in ids:
        before, after = tuple(sorted(held.get((r, False), ()))), tuple(sorted(held.get((r, True), ())))
        if before != after:
            p = people[r]
            out.append(BreachShift(r, p.segment, p.nps, p.churned, before, after))
    return tuple(out)


def _sheet_changes(before: Economic, after: Economic) -> tuple[SheetChange, ...]:
    out = []
    for actor in sorted(set(before.sheets) | set(after.sheets)):
        b, a = before.sheets.get(actor), after.sheets.get(actor)
        if (b is None or not b.lines) and (a is None or not a.lines):
            continue
        bp = b.net_per_member if b is not None else None
        ap = a.net_per_member if a is not None else None
        out.append(
            SheetChange(
                actor,
                bp,
                ap,
                (ap or 0.0) - (bp or 0.0),
                b.net_segment if b is not None else None,
                a.net_segment if a is not None else None,
            )
        )
    return tuple(out)
