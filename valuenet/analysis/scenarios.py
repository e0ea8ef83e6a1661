"""Scenarios compared: what changes between, say, the current network and a designed future one.

For each respondent present in both scenarios, the net value per actor and
dimension (and weighted) before and after, and the deal-breakers that appear or
go away. Per segment, every measure's change (after - before) is summarised like
the segment aggregates (n, mean, median, sd, bootstrap 95% interval).
A scenario's network holds only its own flows: a respondent who was not
re-interviewed for the future scenario is left out of the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from valuenet.analysis.base import Context, Result
from valuenet.analysis.destruction import deal_breakers
from valuenet.analysis.net import net_value
from valuenet.analysis.segments import SegmentSummary, aggregate

WEIGHTED = "weighted"


@dataclass(frozen=True)
class Change(Result):
    """The change in the net value one respondent gets from one actor in one dimension (or ``weighted``)."""

    respondent: str
    actor: str
    dimension: str
    before: float
    after: float
    change: float


@dataclass(frozen=True)
class BreakChange(Result):
    """A deal-breaker that appears (``new``) or goes away (``gone``) in the second scenario."""

    respondent: str
    actor: str
    dimension: str
    status: str


@dataclass(frozen=True)
class ScenarioComparison(Result):
    """Changes per respondent, actor and dimension, and per segment."""

    before: str
    after: str
    respondents: tuple[str, ...]
    changes: tuple[Change, ...]
    dealbreakers: tuple[BreakChange, ...]
    segments: Mapping[str, SegmentSummary]

    def rows(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.changes if c.dimension == WEIGHTED]

    def segment_rows(self) -> list[dict[str, Any]]:
        return [
            row
            for s in self.segments.values()
            for row in s.rows(("net.", "firm.", "destruction.total"))
            if row["measure"].endswith((".weighted", "firm.breach", "firm.destroys", "destruction.total"))
        ]


def compare_networks(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, context: Context | None = None, respondent: str = ""
) -> tuple[tuple[Change, ...], tuple[BreakChange, ...]]:
    """Net-value changes per actor and dimension, and deal-breakers gained or lost, between two graphs."""
    nb, na = net_value(before, context), net_value(after, context)
    changes = []
    for actor in sorted(set(nb.actors) | set(na.actors)):
        b, a = nb.actors.get(actor), na.actors.get(actor)
        dims = sorted(set(b.net if b else {}) | set(a.net if a else {}))
        pairs = [(d, b.net.get(d, 0.0) if b else 0.0, a.net.get(d, 0.0) if a else 0.0) for d in dims]
        pairs.append((WEIGHTED, b.weighted if b else 0.0, a.weighted if a else 0.0))
        changes += [Change(respondent, actor, d, x, y, y - x) for d, x, y in pairs if abs(y - x) > 1e-12]
    changes.sort(key=lambda c: (c.dimension != WEIGHTED, -abs(c.change), c.actor, c.dimension))
    old = {(x.actor, x.dimension) for x in deal_breakers(before, context)}
    new = {(x.actor, x.dimension) for x in deal_breakers(after, context)}
    breaks = [BreakChange(respondent, a, d, "new") for a, d in sorted(new - old)]
    breaks += [BreakChange(respondent, a, d, "gone") for a, d in sorted(old - new)]
    return tuple(changes), tuple(breaks)


def compare_measures(
    before: tuple[Sequence[str], np.ndarray], after: tuple[Sequence[str], np.ndarray], segments: Sequence[str | None]
) -> dict[str, SegmentSummary]:
    """Per segment, the summary of every measure's change; rows of both matrices are the same respondents."""
    keys = sorted(set(before[0]) | set(after[0]))

    def align(k: Sequence[str], x: np.ndarray) -> np.ndarray:
        pos = {name: j for j, name in enumerate(k)}
        out = np.zeros((x.shape[0], len(keys)))
        for j, name in enumerate(keys):
            if name in pos:
                out[:, j] = x[:, pos[name]]
        return out

    return aggregate(keys, align(*after) - align(*before), segments)
