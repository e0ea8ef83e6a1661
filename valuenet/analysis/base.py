"""What every analysis shares: the respondent's context, graph accessors and typed results.

The network sections (dependency, opportunities, loops, economic sheets, metrics)
take a scope's network graph first (:mod:`valuenet.analysis.scope`, or
:func:`valuenet.graph.goal_graph` for a model in memory); the per-respondent
measures come from the columnar engine (:mod:`valuenet.analysis.measures`). Every
result is a frozen dataclass keyed by actor with a ``to_dict()`` form made of
plain JSON types (``None`` where a number is undefined), and a ``to_pandas()``
DataFrame of its rows when pandas is installed.

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
from valuenet.graph import CUSTOMER, DIMENSION, DIMENSIONS, FOCAL, MAGNITUDE, SCALE_MAX, split_list

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

    def to_pandas(self) -> Any:
        """The result as a pandas DataFrame: its ``rows()`` when it has them, else one row of :meth:`to_dict`.

        Needs pandas (``pip install "valuenet[pandas]"``).
        """
        from valuenet.frames import frame

        rows = getattr(self, "rows", None)
        return frame(rows() if callable(rows) else [self.to_dict()])


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
    dims = split_list(g.graph.get(DIMENSIONS))
    if dims:
        return dims
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


def others(g: nx.MultiDiGraph) -> list[str]:
    """Every actor of the graph except the customer, sorted, the focal firm first."""
    customer, focal = customer_of(g), focal_of(g)
    return [focal, *sorted(str(n) for n in g.nodes if n not in (customer, focal))]


def unique(items: Iterable[str | None]) -> tuple[str, ...]:
    """Distinct non-empty strings in first-seen order."""
    return tuple(dict.fromkeys(i for i in items if i))
