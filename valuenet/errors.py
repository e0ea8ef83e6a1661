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
    │   ├── NotFoundError (LookupError)    a model, goal, respondent... is not in the store
    │   └── Neo4jServerError               the local Neo4j server cannot be built, started or stopped
    ├── OutputError (OSError)              a file valuenet writes cannot be written
    ├── AnalysisError (ValueError)         an analysis cannot run on the data given
    ├── ViewError                          a view or report cannot be rendered
    └── ExtraMissingError (ImportError)    an optional extra (pandas) is not installed

Each message says what went wrong, where, and how to fix it. A :class:`ModelError`
lists every problem found, but shows at most :data:`MAX_PROBLEMS` of them and
counts the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Problems one error shows; the rest are counted ("... and 12 more problems not shown.").
MAX_PROBLEMS = 50


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
    """A model breaks a rule of the domain.

    ``problems`` holds the first :data:`MAX_PROBLEMS` problems found; ``hidden``
    counts the others (those past the cap, plus any the caller counted but did not keep).
    """

    def __init__(self, problems: list[Problem] | str, *, hidden: int = 0) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: list[Problem] = problems[:MAX_PROBLEMS]
        self.hidden = hidden + max(0, len(problems) - MAX_PROBLEMS)
        lines = [str(p) for p in self.problems]
        if self.hidden:
            lines.append(f"... and {self.hidden} more problem{'s' if self.hidden != 1 else ''} not shown.")
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


class Neo4jServerError(StoreError):
    """The project's local Neo4j server cannot be built, started or stopped."""


class OutputError(ValuenetError, OSError):
    """A file or folder valuenet writes cannot be written; the message names the path."""


class AnalysisError(ValuenetError, ValueError):
    """An analysis cannot run on the data it was given."""


class ViewError(ValuenetError):
    """A view or report cannot be rendered."""


class ExtraMissingError(ValuenetError, ImportError):
    """An optional extra that a call needs is not installed; the message says how to install it."""
