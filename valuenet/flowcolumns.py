"""Flows as columns: what a store hands the analysis engine, without a pydantic object per flow.

A :class:`FlowSource` (each store, or :class:`ModelFlows` for a model in memory)
returns one goal's flows in some scenarios as :class:`FlowColumns`: integer codes
for the string columns, each with its vocabulary, and float arrays for the
numbers. Each row keeps ``key``, the flow's place in its source (the index into
``Model.flows``, the SQLite row id, the Neo4j write order), so that the few flows
a report quotes can be fetched whole afterwards with ``read_flows_by_key``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from valuenet.models import Flow, Model

#: The columns a store hands over, in this order, one tuple per flow.
COLUMNS = (
    "key",
    "scenario",
    "respondent",
    "source",
    "target",
    "dimension",
    "magnitude",
    "money",
    "occurrences",
    "touchpoint",
    "stage",
    "responsible",
    "quoted",
)
#: Coded (string) columns; ``None`` is coded -1.
CODED = ("scenario", "respondent", "source", "target", "dimension", "touchpoint", "stage", "responsible")
NONE = -1
#: What every read needs; the other columns are read only when asked for (a column not read is all None).
ALWAYS = ("key", "respondent", "source", "target", "dimension", "magnitude")
_FLOATS = ("magnitude", "money", "occurrences")


def fields_in_order(fields: Collection[str] | None) -> tuple[str, ...]:
    """The columns to read, in :data:`COLUMNS` order: :data:`ALWAYS` plus ``fields`` (``None``: every column)."""
    if fields is None:
        return COLUMNS
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise ValueError(f"unknown flow columns: {', '.join(sorted(unknown))}")
    return tuple(c for c in COLUMNS if c in ALWAYS or c in fields)


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array (sorting: several times faster than ``np.unique`` here).

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    s = np.sort(values, kind="stable")
    out: np.ndarray = s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s
    return out


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of short-lived tuples pass through.

    Reading flows makes no reference cycles, but the collector would scan the growing
    heap again and again; pausing it makes a large read markedly faster.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


#: Fetches whole flows by key: what the few quoted or drawn flows are looked up with.
Fetch = Callable[[Sequence[int]], Mapping[int, Flow]]


class FlowSource(Protocol):
    """Where the engine reads flows: a store, or a model in memory (:class:`ModelFlows`)."""

    def read_flow_columns(
        self, model_id: str, goal: str, scenarios: Sequence[str], fields: Collection[str] | None = None
    ) -> FlowColumns:
        """The flows of one goal in the given scenarios, as columns (``fields``: see :func:`fields_in_order`)."""
        ...

    def read_flows_by_key(self, model_id: str, keys: Sequence[int]) -> list[Flow]:
        """Whole flows by their ``key`` column, in the order of ``keys``."""
        ...


@dataclass
class Vocab:
    """String values and their integer codes, in first-seen order."""

    codes: dict[str | None, int] = field(default_factory=lambda: {None: NONE})

    def code(self, values: Sequence[str | None]) -> np.ndarray:
        """The codes of ``values``, new values coded in first-seen order (None is -1)."""
        codes = self.codes
        for v in dict.fromkeys(values):
            if v not in codes:
                codes[v] = len(codes) - 1
        return np.fromiter(map(codes.__getitem__, values), dtype=np.int64, count=len(values))

    @property
    def values(self) -> list[str]:
        return [v for v in self.codes if v is not None]


class FlowColumns:
    """Flows as columns: integer codes for the string columns (with their vocabularies), floats for numbers.

    Build one chunk by chunk with :meth:`add` (bounded memory: each chunk becomes
    arrays before the next is read), then call :meth:`finish`.
    """

    def __init__(self, fields: Collection[str] | None = None) -> None:
        self.columns = fields_in_order(fields)
        self.vocab: dict[str, Vocab] = {c: Vocab() for c in CODED}
        self._parts: dict[str, list[np.ndarray]] = {c: [] for c in self.columns}
        self.arrays: dict[str, np.ndarray] = {}

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        """Append a chunk of rows, each a tuple of :attr:`columns` in that order."""
        if not rows:
            return
        cols = list(zip(*rows, strict=True))
        for name, values in zip(self.columns, cols, strict=True):
            if name in self.vocab:
                arr = self.vocab[name].code(values)
            elif name == "key":
                arr = np.fromiter(values, dtype=np.int64, count=len(values))
            elif name == "quoted":
                arr = np.fromiter(map(bool, values), dtype=bool, count=len(values))
            else:
                arr = np.array(values, dtype=float)  # None becomes NaN
            self._parts[name].append(arr)

    def finish(self) -> FlowColumns:
        """Join the chunks; a column that was not read is all None (NaN, -1, False; occurrences 1)."""
        for name, parts in self._parts.items():
            dtype = float if name in _FLOATS else bool if name == "quoted" else np.int64
            self.arrays[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
        n = len(self.arrays["key"])
        for name in COLUMNS:
            if name not in self.arrays:
                fill: Any = np.nan if name in _FLOATS else False if name == "quoted" else NONE
                dtype = float if name in _FLOATS else bool if name == "quoted" else np.int64
                self.arrays[name] = np.full(n, fill, dtype=dtype)
        occ = self.arrays["occurrences"]
        occ[np.isnan(occ)] = 1.0
        self._parts = {c: [] for c in self.columns}
        return self

    def __len__(self) -> int:
        return len(self.arrays.get("key", ()))

    @classmethod
    def from_flows(cls, flows: Iterable[tuple[int, Flow]], chunk: int = 50_000) -> FlowColumns:
        """Columns of ``(key, flow)`` pairs."""
        out = cls()
        rows: list[tuple[Any, ...]] = []
        for key, f in flows:
            rows.append(
                (
                    key,
                    f.scenario,
                    f.respondent,
                    f.source,
                    f.target,
                    f.dimension,
                    f.magnitude,
                    f.money,
                    f.occurrences,
                    f.touchpoint,
                    f.stage,
                    f.responsible,
                    f.quote is not None,
                )
            )
            if len(rows) >= chunk:
                out.add(rows)
                rows = []
        out.add(rows)
        return out.finish()

    def recode(self, name: str, values: Sequence[str]) -> np.ndarray:
        """Column ``name`` coded against ``values`` (their positions; -1 for None or a value not among them)."""
        pos = {v: i for i, v in enumerate(values)}
        table = np.array([pos.get(v, NONE) for v in self.vocab[name].values] + [NONE], dtype=np.int64)
        coded: np.ndarray = table[self.arrays[name]]  # -1 indexes the trailing NONE
        return coded


def fetcher(source: FlowSource, model_id: str) -> Fetch:
    """A :data:`Fetch` over ``source``: whole flows by key, each distinct key asked for once."""

    def fetch(keys: Sequence[int]) -> dict[int, Flow]:
        wanted = list(dict.fromkeys(int(k) for k in keys))
        return dict(zip(wanted, source.read_flows_by_key(model_id, wanted), strict=True)) if wanted else {}

    return fetch


class ModelFlows:
    """A model in memory as a :class:`FlowSource`: ``key`` is the index into ``model.flows``."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def read_flow_columns(
        self, model_id: str, goal: str, scenarios: Sequence[str], fields: Collection[str] | None = None
    ) -> FlowColumns:
        wanted = set(scenarios)
        return FlowColumns.from_flows(
            (i, f) for i, f in enumerate(self.model.flows) if f.goal == goal and f.scenario in wanted
        )

    def read_flows_by_key(self, model_id: str, keys: Sequence[int]) -> list[Flow]:
        return [self.model.flows[int(k)] for k in keys]


class CachedFlows:
    """A :class:`FlowSource` that reads each goal and scenario set once, every column, and hands it out again.

    For a caller that reads the same flows several times (the report: its analysis and
    its network view), one read instead of several.
    """

    def __init__(self, source: FlowSource) -> None:
        self.source = source
        self._read: dict[tuple[str, str, tuple[str, ...]], FlowColumns] = {}

    def read_flow_columns(
        self, model_id: str, goal: str, scenarios: Sequence[str], fields: Collection[str] | None = None
    ) -> FlowColumns:
        key = (model_id, goal, tuple(scenarios))
        if key not in self._read:
            self._read[key] = self.source.read_flow_columns(model_id, goal, scenarios)
        return self._read[key]

    def read_flows_by_key(self, model_id: str, keys: Sequence[int]) -> list[Flow]:
        return self.source.read_flows_by_key(model_id, keys)
