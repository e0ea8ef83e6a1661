"""A connection to a Neo4j server: the driver, the database, and driver errors turned into valuenet errors.

Both the store (:mod:`valuenet.store.neo4j`) and its writer
(:mod:`valuenet.store.neo4j_write`) talk to the server through one
:class:`Neo4jConnection`, so neither imports the other. Credentials come from
``NEO4J_USERNAME`` (default ``neo4j``) and the ``password`` argument or
``NEO4J_PASSWORD``; never from the URL (a URI with user-info is refused, see
:mod:`valuenet.store.urls`), and they are never shown in a message.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import exceptions as errors

from valuenet.errors import StoreConnectionError, StoreError
from valuenet.store.urls import refuse_credentials, shown

DEFAULT_USERNAME = "neo4j"
#: The oldest server whose Cypher has ``CALL (x) { ... }`` subqueries.
_MIN_SERVER = (5, 23)

# The driver logs connection trouble as warnings; valuenet reports it as one error instead.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reason(exc: BaseException) -> str:
    """A short reason for a connection failure, found along the chain of causes."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, TimeoutError):
            return "timed out"
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror.lower()
        seen = seen.__cause__ or seen.__context__
    return "no answer"


class Neo4jConnection:
    """A driver for one Neo4j database, checked on opening: reachable, credentials accepted, Neo4j 5.23 or newer."""

    def __init__(self, url: str, *, database: str | None = None, password: str | None = None) -> None:
        refuse_credentials(url)  # before anything can show the URI
        self.url = url
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.username = os.environ.get("NEO4J_USERNAME") or DEFAULT_USERNAME
        secret = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        if not secret:
            raise StoreConnectionError(f"no password for Neo4j at {shown(url)}. Set NEO4J_PASSWORD.")
        try:
            self.driver = neo4j.GraphDatabase.driver(
                url, auth=(self.username, secret), notifications_min_severity="OFF", user_agent="valuenet"
            )
        except (errors.ConfigurationError, ValueError) as exc:
            raise StoreConnectionError(
                f"{shown(url)} is not a Neo4j URI ({_one_line(str(exc))}). Use bolt://HOST:7687, neo4j://HOST "
                "or neo4j+s://HOST."
            ) from exc
        try:
            self._check_server()
        except BaseException:
            self.driver.close()
            raise

    def where(self) -> str:
        """``Neo4j at URL (database 'x')``, for messages."""
        return f"Neo4j at {shown(self.url)}" + (f" (database {self.database!r})" if self.database else "")

    @contextmanager
    def translated(self, doing: str) -> Iterator[None]:
        """Turn driver errors into valuenet errors with one-line messages (never with the password)."""
        try:
            yield
        except errors.AuthError as exc:
            raise StoreConnectionError(
                f"{self.where()} refused the credentials of user {self.username!r}. "
                "Check NEO4J_USERNAME and NEO4J_PASSWORD."
            ) from exc
        except (errors.ServiceUnavailable, errors.SessionExpired) as exc:
            raise StoreConnectionError(
                f"cannot reach {self.where()} ({_reason(exc)}). Check NEO4J_URI, or start the local server "
                "with 'valuenet neo4j start'."
            ) from exc
        except errors.Neo4jError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreConnectionError(
                    f"Neo4j at {shown(self.url)} has no database {self.database!r}. Choose an existing one with "
                    "--database or NEO4J_DATABASE, or create it on the server."
                ) from exc
            raise StoreError(f"{doing} {self.where()} failed: {_one_line(exc.message or str(exc))}") from exc
        except errors.DriverError as exc:
            raise StoreError(f"{doing} {self.where()} failed: {_one_line(str(exc))}") from exc

    def _check_server(self) -> None:
        with self.translated("connecting to"):
            try:
                info = self.driver.get_server_info()
            except ValueError as exc:  # the driver's word for an address it cannot resolve
                raise StoreConnectionError(
                    f"cannot reach Neo4j at {shown(self.url)} ({_one_line(str(exc))}). "
                    "Check the host and port in NEO4J_URI."
                ) from exc
            match = re.match(r"Neo4j/(\d+)\.(\d+)", info.agent or "")
            if match is None or (int(match.group(1)), int(match.group(2))) < _MIN_SERVER:
                raise StoreConnectionError(
                    f"{self.where()} runs {info.agent or 'an unknown server'}; valuenet needs Neo4j 5.23 or "
                    "newer. Upgrade the server, or start the local one with 'valuenet neo4j start'."
                )
            self.driver.execute_query("RETURN 1", database_=self.database)

    def session(self) -> neo4j.Session:
        """A session on the connection's database."""
        return self.driver.session(database=self.database)

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """The records of a read query, as dictionaries."""
        with self.translated("reading from"):
            records, _, _ = self.driver.execute_query(
                query, params, database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        return [r.data() for r in records]

    def close(self) -> None:
        self.driver.close()


__all__ = ["DEFAULT_USERNAME", "Neo4jConnection"]
