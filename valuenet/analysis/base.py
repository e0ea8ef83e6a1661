"""What every analysis shares: the respondent's context, graph accessors and typed results.

Analysis functions take a goal graph from :func:`valuenet.graph.goal_graph` first
and return frozen dataclasses keyed by actor. Every result has a ``to_dict()``
form made of plain JSON types (``None`` where a number is undefined).

The perceived measures use ``magnitude`` only: a flow that carries only
``money`` is economic-sheet data (see :mod:`valuenet.analysis.economic`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from valuenet.errors import AnalysisError
from valuenet.graph import CUSTOMER, DIMENSION, DIMENSIONS, FOCAL, MAGNITUDE, OCCURRENCES, RESPONDENT, SCALE_MAX
from valuenet.models import Model, Respondent

#: Shown for a flow whose touchpoint is not stated.
NO_TOUCHPOINT = "(unspecified)"


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [_plain(v) for v in items]
    return value


class Result:
    """Mixin for result dataclasses: ``to_dict()`` gives the documented JSON form."""

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON data (NaN and infinity become ``None``)."""
        if not dataclasses.is_dataclass(self) or isinstance(self, type):
            raise TypeError(f"{type(self).__name__} mixes in Result but is not a dataclass instance")
        out: dict[str, Any] = _plain(dataclasses.asdict(self))
        return out


@dataclass(frozen=True)
class Context(Result):
    """What matters to a respondent: normalised ``weights`` (sum 1) and ``thresholds`` per dimension."""

    weights: Mapping[str, float]
    thresholds: Mapping[str, float] = field(default_factory=dict)

    def weight(self, dimension: str) -> float:
        return self.weights.get(dimension, 0.0)


def normalise_weights(weights: Mapping[str, float], dimensions: Sequence[str]) -> dict[str, float]:
    """Weights over ``dimensions`` that sum to 1: a missing weight is 0; no weights at all means equal weights.

    >>> normalise_weights({"functional": 3, "economic": 1}, ["functional", "economic", "symbolic"])
    {'functional': 0.75, 'economic': 0.25, 'symbolic': 0.0}
    >>> normalise_weights({}, ["functional", "economic"])
    {'functional': 0.5, 'economic': 0.5}
    """
    raw = {d: max(0.0, float(weights.get(d, 0.0))) for d in dimensions}
    total = sum(raw.values())
    if total <= 0:
        return {d: 1.0 / len(dimensions) for d in dimensions} if dimensions else {}
    return {d: v / total for d, v in raw.items()}


def context_of(model: Model, respondent: Respondent | str | None) -> Context:
    """The context of one respondent (equal weights and no thresholds when ``None``)."""
    dims = model.dimension_ids
    if respondent is None:
        return Context(normalise_weights({}, dims), {})
    r = model.respondent(respondent) if isinstance(respondent, str) else respondent
    return Context(normalise_weights(r.weights, dims), dict(r.thresholds))


def mean_context(contexts: Sequence[Context], dimensions: Sequence[str]) -> Context:
    """The context of a segment's mean respondent: mean normalised weights, mean of stated thresholds."""
    if not contexts:
        return Context(normalise_weights({}, dimensions), {})
    weights = {d: sum(c.weight(d) for c in contexts) / len(contexts) for d in dimensions}
    thresholds: dict[str, float] = {}
    for d in dimensions:
        stated = [c.thresholds[d] for c in contexts if d in c.thresholds]
        if stated:
            thresholds[d] = sum(stated) / len(stated)
    return Context(weights, thresholds)


# -- graph accessors ------------------------------------------------------------------------


def focal_of(g: nx.MultiDiGraph) -> str:
    """The focal firm of a goal graph."""
    focal = g.graph.get(FOCAL)
    if not focal or focal not in g:
        raise AnalysisError("the graph names no focal firm; build it with valuenet.graph.goal_graph.")
    return str(focal)


def customer_of(g: nx.MultiDiGraph) -> str:
    """The customer actor of a goal graph."""
    customer = g.graph.get(CUSTOMER)
    if not customer or customer not in g:
        raise AnalysisError("the graph names no customer; build it with valuenet.graph.goal_graph.")
    return str(customer)


def dimensions_of(g: nx.MultiDiGraph) -> list[str]:
    """The graph's dimensions (the model's), else those its flows use, in first-seen order."""
    dims = g.graph.get(DIMENSIONS)
    if dims:
        return list(dims)
    seen: dict[str, None] = {}
    for _, _, d in g.edges(data=True):
        seen.setdefault(str(d[DIMENSION]), None)
    return list(seen)


def scale_max_of(g: nx.MultiDiGraph) -> float:
    return float(g.graph.get(SCALE_MAX) or 5.0)


def perceived(g: nx.MultiDiGraph) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Edges ``(giver, receiver, data)`` that carry a perceived magnitude."""
    for u, v, d in g.edges(data=True):
        if d.get(MAGNITUDE) is not None:
            yield u, v, d


def respondents_in(g: nx.MultiDiGraph) -> list[str]:
    """The respondents whose flows a graph carries, sorted."""
    return sorted({str(d[RESPONDENT]) for _, _, d in g.edges(data=True) if d.get(RESPONDENT) is not None})


def others(g: nx.MultiDiGraph) -> list[str]:
    """Every actor of the graph except the customer, sorted, the focal firm first."""
    customer, focal = customer_of(g), focal_of(g)
    return [focal, *sorted(str(n) for n in g.nodes if n not in (customer, focal))]


def ranks(values: Mapping[str, float]) -> dict[str, int]:
    """Competition ranks, largest first (1, 2, 2, 4).

    >>> ranks({"a": 3.0, "b": 5.0, "c": 3.0})
    {'a': 2, 'b': 1, 'c': 2}
    """
    return {k: 1 + sum(1 for x in values.values() if x > v) for k, v in values.items()}


def unique(items: Iterable[str | None]) -> tuple[str, ...]:
    """Distinct non-empty strings in first-seen order."""
    return tuple(dict.fromkeys(i for i in items if i))


def restrict(g: nx.MultiDiGraph, respondents: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of ``g`` with only the flows of ``respondents`` and the structural flows (no respondent)."""
    keep = set(respondents)
    h = g.copy()
    h.remove_edges_from(
        [
            (u, v, k)
            for u, v, k, d in g.edges(keys=True, data=True)
            if d.get(RESPONDENT) is not None and d[RESPONDENT] not in keep
        ]
    )
    return h


def mean_network(g: nx.MultiDiGraph, respondents: int | None = None) -> nx.MultiDiGraph:
    """The network of the average respondent: respondent flows' magnitude and occurrences divided by their number.

    ``respondents`` defaults to the number of respondents whose flows the graph
    carries. Structural flows (no respondent) keep their values. A respondent who
    reported no flow in an exchange counts as 0 in the mean.
    """
    n = respondents if respondents is not None else len(respondents_in(g))
    h = g.copy()
    if n <= 1:
        return h
    for _, _, d in h.edges(data=True):
        if d.get(RESPONDENT) is None:
            continue
        if d.get(MAGNITUDE) is not None:
            d[MAGNITUDE] = float(d[MAGNITUDE]) / n
        d[OCCURRENCES] = float(d.get(OCCURRENCES, 1.0)) / n
    return h
