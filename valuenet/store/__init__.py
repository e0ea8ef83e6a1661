"""Stores: where valuenet keeps models. Open one with :func:`open_store`.

A store URL is either a path to an SQLite file (the embedded default,
``./valuenet.db``; ``sqlite:///abs/path.db`` also works) or a Neo4j URI
(``neo4j://``, ``neo4j+s://``, ``neo4j+ssc://``, ``bolt://``, ``bolt+s://``,
``bolt+ssc://``). Neo4j credentials come from ``NEO4J_USERNAME`` and
``NEO4J_PASSWORD``, never from the URL or the command line: a Neo4j URI with
user-info is refused without being repeated, and :func:`shown_url` is the form
of a URL that messages print.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from valuenet.store.base import Batch, Counts, ModelInfo, Store, WriteSummary, batches_of
from valuenet.store.urls import refuse_credentials
from valuenet.store.urls import shown as shown_url

if TYPE_CHECKING:
    from valuenet.store.sqlite import SQLiteStore

DEFAULT_STORE = "valuenet.db"
STORE_ENV = "VALUENET_STORE"
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def default_store_url() -> str:
    """``$VALUENET_STORE`` when set, else ``valuenet.db`` in the current folder."""
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


def is_neo4j_url(url: str) -> bool:
    """True for a Neo4j URI. One that holds credentials is refused here, before anything can show it.

    Raises :class:`~valuenet.errors.StoreConnectionError` (a message that does not repeat the URI) for
    ``bolt://user:password@host`` and every other URI with user-info, whatever the password holds.
    """
    refuse_credentials(url)  # any URL-like store: one that is not Neo4j would be shown as a file path
    return url.lower().startswith(NEO4J_SCHEMES)


def open_store(
    url: str | None = None,
    *,
    create: bool = True,
    database: str | None = None,
    password: str | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Store:
    """Open the store at ``url`` (default: :func:`default_store_url`).

    ``create=False`` refuses to create a missing SQLite file. For Neo4j,
    ``database`` defaults to ``$NEO4J_DATABASE`` or the server's default, and
    ``password`` to ``$NEO4J_PASSWORD``. ``on_wait`` is told when a write to the
    SQLite store waits for another process's write (see :mod:`valuenet.store.sqlite`).
    """
    url = url or default_store_url()
    if is_neo4j_url(url):
        from valuenet.store.neo4j import Neo4jStore

        return Neo4jStore(url, database=database, password=password)
    if url.startswith("sqlite://"):
        url = url.removeprefix("sqlite://")
    from valuenet.store.sqlite import SQLiteStore

    return SQLiteStore(url, create=create, on_wait=on_wait)


__all__ = [
    "DEFAULT_STORE",
    "Batch",
    "Counts",
    "ModelInfo",
    "SQLiteStore",
    "Store",
    "WriteSummary",
    "batches_of",
    "default_store_url",
    "is_neo4j_url",
    "open_store",
    "shown_url",
]


def __getattr__(name: str) -> object:
    if name == "SQLiteStore":
        from valuenet.store.sqlite import SQLiteStore

        return SQLiteStore
    raise AttributeError(name)
