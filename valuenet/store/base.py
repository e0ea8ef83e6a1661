"""The store protocol that every valuenet store implements, and the types it speaks.

A store holds any number of models, each keyed by its id. Writes are upserts
keyed by stable ids: writing the same content twice changes nothing, and a
corrected item is updated in place. Each write reports what it did as a
:class:`WriteSummary`.

Two implementations exist: :class:`valuenet.store.sqlite.SQLiteStore` (the
embedded default) and :class:`valuenet.store.neo4j.Neo4jStore`. The contract
tests in ``tests/test_store_contract.py`` run the same behaviours against both.

Every store has :meth:`Store.snapshot`: reads made inside it see one committed
state (on SQLite, one read transaction; on Neo4j, a no-op).

Interview exchanges reach a store whole, as rows of :data:`EXCHANGE_COLUMNS`
(:attr:`Batch.exchanges`): an import never builds a :class:`~valuenet.models.Flow`
per row. Each row stands for the one or two flows :meth:`Exchange.sides
<valuenet.models.Exchange.sides>` gives (ids ``<id>:gets`` and ``<id>:gives``), and
counts as those flows in a :class:`WriteSummary`. A flow written as a ``Flow`` and
the same flow written as part of an exchange row are one item: the store keys
both by the flow's id, so a model file's ``exchanges`` and an interview table's
rows update each other.

A store may also offer two optional capabilities, which callers feature-detect
(use :func:`read_structure` and :func:`write_lock` rather than asking the store
directly):

- ``read_structure(model_id) -> Model``: the model without its flows, so that
  an import into a large model does not load every stored flow;
- ``read_respondents(model_id) -> Mapping[str, Respondent]``: the model's
  respondents by id, each built only when asked for, so that a re-import of a
  large study does not hold every respondent as an object (use
  :func:`read_import_base`);
- ``read_flow_details(model_id, goal, scenarios) -> Mapping[str, Sequence]``: the text fields of
  :data:`FLOW_DETAILS` that :class:`~valuenet.flowcolumns.FlowColumns` leaves out, for one goal's flows
  in ``scenarios``, as columns with their ``key`` (use :func:`read_flow_details`, which falls back to
  :meth:`Store.read_flows_by_key`), so that an export of a large study builds no object per flow;
- ``writing()``: a context manager holding the store's write lock across reads
  and writes, so that a read-validate-write sequence (an import) cannot lose
  another process's update; other writers wait for it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from valuenet.errors import NotFoundError, SchemaVersionError
from valuenet.flowcolumns import FlowColumns, FlowSource
from valuenet.models import Actor, Exchange, Flow, Goal, Model, Respondent

#: The kinds of item a store keeps, in the order they are written.
ITEM_KINDS: tuple[str, ...] = ("models", "actors", "goals", "respondents", "flows")

#: Called with the number of items written so far.
Progress = Callable[[int], None]


#: The columns of an exchange row (:attr:`Batch.exchanges`): the fields of
#: :class:`~valuenet.models.Exchange`, in its order, then the exchange's customer actor.
EXCHANGE_COLUMNS: tuple[str, ...] = (*Exchange._fields, "customer")

#: One interview exchange as a plain tuple in :data:`EXCHANGE_COLUMNS` order.
ExchangeRow = tuple[Any, ...]


def exchange_row(exchange: Exchange, customer: str) -> ExchangeRow:
    """The row of an exchange with its customer.

    >>> row = exchange_row(Exchange("x1", "g", "current", "clinic", "experiential", gets=4.0), "patient")
    >>> dict(zip(EXCHANGE_COLUMNS, row))["customer"]
    'patient'
    """
    return (*exchange, customer)


def row_exchange(row: ExchangeRow) -> tuple[Exchange, str]:
    """The exchange and customer an exchange row holds (the inverse of :func:`exchange_row`)."""
    return Exchange._make(row[:-1]), row[-1]


def row_flows(row: ExchangeRow) -> list[Flow]:
    """The flows an exchange row stands for, validated (what a store without its own exchange path writes)."""
    exchange, customer = row_exchange(row)
    return exchange.flows(customer)


@dataclass
class Batch:
    """A bounded group of items to write in one go (any list may be empty).

    ``exchanges`` are interview exchanges as rows of :data:`EXCHANGE_COLUMNS`, each
    standing for its one or two flows (see the module docstring).
    """

    actors: list[Actor] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    respondents: list[Respondent] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    exchanges: list[ExchangeRow] = field(default_factory=list)

    def all_flows(self) -> list[Flow]:
        """:attr:`flows` and the flows of :attr:`exchanges`, as objects (for stores and diffs that want flows)."""
        return [*self.flows, *(f for row in self.exchanges for f in row_flows(row))]

    def __len__(self) -> int:
        return len(self.actors) + len(self.goals) + len(self.respondents) + len(self.flows) + len(self.exchanges)


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class WriteSummary:
    """What a write did, per item kind (``models``, ``actors``, ``goals``, ``respondents``, ``flows``)."""

    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in ITEM_KINDS})

    def total(self, what: str) -> int:
        """Total of one column (``added``, ``updated``, ``unchanged`` or ``removed``) over all kinds."""
        return sum(getattr(c, what) for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return any(self.total(w) for w in ("added", "updated", "removed"))

    def merge(self, other: WriteSummary) -> None:
        for kind, c in other.counts.items():
            mine = self.counts.setdefault(kind, Counts())
            mine.added += c.added
            mine.updated += c.updated
            mine.unchanged += c.unchanged
            mine.removed += c.removed

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {k: vars(c).copy() for k, c in self.counts.items()}


@dataclass(frozen=True)
class ModelInfo:
    """A model in a store, with how many items of each kind it holds."""

    id: str
    title: str | None
    actors: int
    goals: int
    respondents: int
    flows: int


def model_header(model: Model) -> Model:
    """The model's own fields, without its actors, goals, respondents and flows."""
    return model.model_copy(update={"actors": [], "goals": [], "respondents": [], "flows": []})


def batches_of(model: Model, size: int = 5000) -> Iterator[Batch]:
    """Split a model into batches of at most ``size`` items, actors and goals first."""
    yield Batch(actors=list(model.actors), goals=list(model.goals))
    for start in range(0, len(model.respondents), size):
        yield Batch(respondents=model.respondents[start : start + size])
    for start in range(0, len(model.flows), size):
        yield Batch(flows=model.flows[start : start + size])


def read_structure(store: Store, model_id: str | None) -> Model:
    """The stored model without its flows: the store's own ``read_structure`` when it has one.

    Stores without it fall back to :meth:`Store.read_model`, which reads every flow first.
    """
    reader = getattr(store, "read_structure", None)
    model = reader(model_id) if callable(reader) else store.read_model(model_id)
    if not isinstance(model, Model):
        raise TypeError(f"read_structure of {type(store).__name__} must return a Model")
    return model.model_copy(update={"flows": []})


#: The fields of a flow that :func:`read_flow_details` reads (what a table of flows needs beyond its columns).
FLOW_DETAILS: tuple[str, ...] = ("id", "exchange", "tangible", "quote", "note")


def read_flow_details(
    source: FlowSource, model_id: str, goal: str, scenarios: Sequence[str], keys: Sequence[int] | np.ndarray
) -> dict[str, list[Any]]:
    """The :data:`FLOW_DETAILS` of the flows ``keys`` names (``read_flow_columns`` keys), as lists in ``keys`` order.

    The source's own ``read_flow_details`` when it has one (every flow of ``goal`` in ``scenarios``,
    read as columns), else :meth:`~valuenet.flowcolumns.FlowSource.read_flows_by_key`, which builds
    each flow whole.
    """
    wanted = np.asarray(keys, dtype=np.int64)
    reader = getattr(source, "read_flow_details", None)
    if not callable(reader):
        flows = source.read_flows_by_key(model_id, wanted.tolist())
        return {name: [getattr(f, name) for f in flows] for name in FLOW_DETAILS}
    cols = reader(model_id, goal, scenarios)
    have = np.asarray(cols["key"], dtype=np.int64)
    order = np.argsort(have, kind="stable")
    at = np.minimum(np.searchsorted(have, wanted, sorter=order), max(len(have) - 1, 0))
    pos = order[at] if len(have) else at
    bad = np.flatnonzero(have[pos] != wanted) if len(have) else np.arange(len(wanted))
    if len(bad):
        raise NotFoundError(f"the store has no flow with key {int(wanted[bad[0]])} in model {model_id!r}.")
    picks = pos.tolist()
    return {name: [values[i] for i in picks] for name, values in ((n, list(cols[n])) for n in FLOW_DETAILS)}


class LazyRespondents(Mapping[str, Respondent]):
    """Stored respondents by id, kept as the store's raw rows and each built when it is asked for.

    >>> people = LazyRespondents({"r1": '{"id": "r1", "nps": 9}'}, Respondent.model_validate_json)
    >>> people["r1"].nps, "r2" in people, len(people)
    (9, False, 1)
    """

    def __init__(self, rows: dict[str, Any], build: Callable[[Any], Respondent]) -> None:
        self._rows = rows
        self._build = build

    def __getitem__(self, respondent_id: str) -> Respondent:
        return self._build(self._rows[respondent_id])

    def __contains__(self, respondent_id: object) -> bool:
        return respondent_id in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def read_import_base(store: Store, model_id: str) -> tuple[Model, Mapping[str, Respondent]]:
    """What an import into a stored model needs: the model without flows or respondents, and its respondents by id.

    The store's ``read_respondents`` when it has one (respondents built on demand),
    else :func:`read_structure`'s respondents.
    """
    lazy = getattr(store, "read_respondents", None)
    if callable(lazy):
        structure = store.read_structure(model_id, respondents=False)  # type: ignore[attr-defined]
        people = lazy(model_id)
        if not isinstance(structure, Model) or not isinstance(people, Mapping):
            raise TypeError(f"read_structure and read_respondents of {type(store).__name__} return a Model, a Mapping")
        return structure, people
    model = read_structure(store, model_id)
    return model.model_copy(update={"respondents": []}), {r.id: r for r in model.respondents}


def write_lock(store: Store) -> AbstractContextManager[object]:
    """The store's ``writing()`` lock when it has one, else a context that does nothing.

    Inside it, what the process reads stays what it read until its own writes:
    no other process writes to the store meanwhile.
    """
    writing = getattr(store, "writing", None)
    if callable(writing):
        lock = writing()
        if isinstance(lock, AbstractContextManager):
            return lock
    return nullcontext()


@dataclass
class UpgradeReport:
    """What ``valuenet upgrade`` did to one store: the schema versions, and what it carried over.

    ``counts`` holds, per item kind, how many items the store held before and after
    (they must match: an upgrade loses nothing); ``backup`` is where the old data
    was kept, when the store keeps a copy.
    """

    url: str
    from_version: int
    to_version: int
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    backup: str | None = None

    @property
    def upgraded(self) -> bool:
        return self.from_version != self.to_version


#: The valuenet release that wrote each older store schema version, for the messages that name it.
SCHEMA_WRITTEN_BY: dict[int, str] = {1: "0.1"}


def check_schema_version(where: str, found: object, supported: int, *, store: str | None = None) -> None:
    """Refuse data written by another schema version (``found`` ``None``: not recorded, taken as current).

    Both stores call this, so the message and its fix are the same whatever the store:
    one line naming ``where`` (a file, or a graph), the valuenet and schema that wrote it,
    and the fix. An older schema is upgraded with ``valuenet upgrade --store STORE``
    (``store`` defaults to ``where``); a newer one needs a newer valuenet.

    >>> def message(found: int) -> None:
    ...     try:
    ...         check_schema_version("x.db", found, 2)
    ...     except SchemaVersionError as exc:
    ...         print(exc)
    >>> message(1)  # doctest: +NORMALIZE_WHITESPACE
    x.db was written by valuenet 0.1 (store schema version 1); this valuenet uses 2.
    Upgrade it with: valuenet upgrade --store x.db
    >>> message(3)  # doctest: +NORMALIZE_WHITESPACE
    x.db was written by a newer valuenet (store schema version 3); this valuenet uses 2.
    Upgrade valuenet to read it.
    """
    if found is None or int(str(found)) == supported:
        return
    version = int(str(found))
    if version > supported:
        by, fix = "a newer valuenet", "Upgrade valuenet to read it."
    else:
        release = SCHEMA_WRITTEN_BY.get(version)
        by = f"valuenet {release}" if release else "an older valuenet"
        fix = f"Upgrade it with: valuenet upgrade --store {store or where}"
    raise SchemaVersionError(
        f"{where} was written by {by} (store schema version {version}); this valuenet uses {supported}. {fix}"
    )


def choose_model_id(ids: list[str], model_id: str | None, url: str) -> str:
    """The id asked for, or the only model's id when none is given, checked against the store's ``ids``.

    Both stores call this, so the messages are the same whatever the store.
    """
    if model_id is None:
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise NotFoundError(f"the store {url} holds no model yet. Import one with 'valuenet import FILE'.")
        raise NotFoundError(f"the store {url} holds several models ({', '.join(ids)}). Choose one with --model.")
    if model_id not in ids:
        have = f" It holds: {', '.join(ids)}." if ids else " It is empty."
        raise NotFoundError(f"the store {url} has no model {model_id!r}.{have}")
    return model_id


@runtime_checkable
class Store(Protocol):
    """What every valuenet store does. Open one with :func:`valuenet.store.open_store`."""

    url: str

    def list_models(self) -> list[ModelInfo]:
        """Every model in the store, sorted by id."""
        ...

    def read_model(self, model_id: str | None = None) -> Model:
        """The whole model, items in the order they were first written.

        ``None`` means the only model in the store; raises
        :class:`~valuenet.errors.NotFoundError` when there is none or several.
        """
        ...

    def write(
        self,
        header: Model,
        batches: Iterable[Batch],
        *,
        replace: bool = False,
        replace_respondents: Iterable[str] = (),
        progress: Progress | None = None,
    ) -> WriteSummary:
        """Upsert a model's header and items, batch by batch.

        ``replace=True`` makes the stored model exactly what is written: items not
        written are removed. ``replace_respondents`` removes those respondents'
        flows first, so their data is replaced wholesale. Either the whole write
        lands or, for stores that commit per batch, it stops cleanly at a batch
        boundary that a re-run completes.
        """
        ...

    def write_model(self, model: Model, *, replace: bool = False, progress: Progress | None = None) -> WriteSummary:
        """Upsert a whole model (see :meth:`write`)."""
        ...

    def delete_model(self, model_id: str) -> bool:
        """Remove a model and everything in it; ``False`` when it was not there."""
        ...

    def read_flow_columns(
        self, model_id: str, goal: str, scenarios: Sequence[str], fields: Collection[str] | None = None
    ) -> FlowColumns:
        """One goal's flows in ``scenarios`` as columns for the analysis engine (no object per flow).

        Only ``fields`` (and :data:`valuenet.flowcolumns.ALWAYS`) need be read; ``None`` reads every column.
        Each row's ``key`` finds the whole flow again with :meth:`read_flows_by_key`.
        """
        ...

    def read_flows_by_key(self, model_id: str, keys: Sequence[int]) -> list[Flow]:
        """Whole flows by the ``key`` of :meth:`read_flow_columns`, in the order of ``keys``."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """A context in which every read sees the same committed state, whatever others write meanwhile."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...
