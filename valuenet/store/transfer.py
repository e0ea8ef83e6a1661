"""Copying a model from one store to another: the library side of ``valuenet push`` and ``valuenet pull``.

>>> from valuenet.store.sqlite import SQLiteStore
>>> from valuenet.models import Actor, Goal, Model
>>> with SQLiteStore(":memory:") as a, SQLiteStore(":memory:") as b:
...     _ = a.write_model(Model(id="m", actors=[Actor(id="f", name="F", kind="focal_firm")],
...                             goals=[Goal(id="g", title="G")]))
...     result = copy_model(a, b)
...     (result.model_id, result.summary.counts["actors"].added, b.read_model("m") == a.read_model("m"))
('m', 1, True)
"""

from __future__ import annotations

from dataclasses import dataclass

from valuenet.store.base import Progress, Store, WriteSummary, batches_of

#: Items per batch sent to the destination.
BATCH_SIZE = 5000


@dataclass(frozen=True)
class CopyResult:
    """Which model was copied and what the write did in the destination store."""

    model_id: str
    source: str
    destination: str
    summary: WriteSummary


def copy_model(
    source: Store, destination: Store, model_id: str | None = None, *, progress: Progress | None = None
) -> CopyResult:
    """Make the model ``model_id`` (default: the source's only model) in ``destination`` exactly as in ``source``.

    The model is written in batches with ``replace=True``: items the destination
    holds and the source lacks are removed, and copying again changes nothing.
    """
    model = source.read_model(model_id)
    summary = destination.write(model, batches_of(model, BATCH_SIZE), replace=True, progress=progress)
    return CopyResult(model.id, source.url, destination.url, summary)


__all__ = ["CopyResult", "copy_model"]
