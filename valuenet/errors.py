"""Exceptions raised by valuenet.

Every error valuenet raises on purpose derives from :class:`ValuenetError`, so
callers can catch one class. Foreign errors (sqlite3, neo4j, openpyxl, OS) are
translated where the dependency is touched, with ``raise ... from exc``.

The tree::

    ValuenetError
    ├── ModelError (ValueError)            a model breaks a rule of the domain
    │   └── ModelFileError                 a model or data file cannot be read or is invalid
    ├── StoreError                         the store failed to read or write
    │   ├── StoreConnectionError (ConnectionError)   cannot reach or log in to the store
    │   ├── SchemaVersionError             the store was written by another schema version
    │   └── NotFoundError (LookupError)    a model, goal, respondent... is not in the store
    ├── AnalysisError (ValueError)         an analysis cannot run on the data given
    └── ViewError                          a view or report cannot be rendered

Each message says what went wrong, where, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass


class ValuenetError(Exception):
    """Base class of every error valuenet raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found while checking input: where it is, what is wrong, how to fix it.

    ``where`` names the file and the place in it (``interviews.csv row 14, column "dimension"``
    or ``model.yaml flows[3].source``).
    """

    where: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} {self.fix}".rstrip() if self.fix else text


class ModelError(ValuenetError, ValueError):
    """A model breaks a rule of the domain. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem] | str, *, hidden: int = 0) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: list[Problem] = problems
        self.hidden = hidden
        lines = [str(p) for p in problems]
        if hidden:
            lines.append(f"... and {hidden} more problem{'s' if hidden != 1 else ''} not shown.")
        super().__init__("\n".join(lines))


class ModelFileError(ModelError):
    """A model or data file cannot be read, or its content is invalid."""


class StoreError(ValuenetError):
    """The store failed to read or write."""


class StoreConnectionError(StoreError, ConnectionError):
    """The store cannot be reached, or refused the credentials."""


class SchemaVersionError(StoreError):
    """The store was written by a schema version this valuenet cannot use."""


class NotFoundError(StoreError, LookupError):
    """A model, goal, respondent or actor asked for is not in the store."""


class AnalysisError(ValuenetError, ValueError):
    """An analysis cannot run on the data it was given."""


class ViewError(ValuenetError):
    """A view or report cannot be rendered."""
