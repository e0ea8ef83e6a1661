"""valuenet: model customer value networks, find where a firm adds and destroys value.

The library is the product; the ``valuenet`` command is a thin view of it. Each
command has a twin here, with the command's options as keywords
(:mod:`valuenet.api`): :func:`import_files`, :func:`analyze`, :func:`view`,
:func:`report`, :func:`list_items`, :func:`export`, and :func:`dataframes` for a
model as pandas DataFrames.

>>> import valuenet
>>> valuenet.import_files(["examples/health/model.yaml"], "valuenet.db")       # doctest: +SKIP
>>> valuenet.analyze("valuenet.db", segment="retirees").to_pandas("net")         # doctest: +SKIP
>>> valuenet.view("valuenet.db", segment="retirees")    # shows inline in Jupyter  # doctest: +SKIP

Importing ``valuenet`` stays light: the twins and the submodules load when first
used (``valuenet.summary`` too), so neo4j, pyvis, click and pandas load only when used.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from valuenet.errors import ExtraMissingError, ModelError, ModelFileError, NotFoundError, StoreError, ValuenetError
from valuenet.formats.modelfile import parse_model, read_model_file, write_model_file
from valuenet.models import (
    STANDARD_DIMENSIONS,
    STANDARD_KINDS,
    Actor,
    Flow,
    Goal,
    Model,
    Respondent,
    Scale,
    Scenario,
    check_model,
    exchange_flows,
)
from valuenet.store import open_store

if TYPE_CHECKING:
    from valuenet.api import analyze, dataframes, export, import_files, list_items, report, view

__version__ = "0.1.0"

__all__ = [
    "STANDARD_DIMENSIONS",
    "STANDARD_KINDS",
    "Actor",
    "ExtraMissingError",
    "Flow",
    "Goal",
    "Model",
    "ModelError",
    "ModelFileError",
    "NotFoundError",
    "Respondent",
    "Scale",
    "Scenario",
    "StoreError",
    "ValuenetError",
    "analyze",
    "check_model",
    "dataframes",
    "exchange_flows",
    "export",
    "import_files",
    "list_items",
    "open_store",
    "parse_model",
    "read_model_file",
    "report",
    "view",
    "write_model_file",
]

#: The commands' twins, loaded from :mod:`valuenet.api` when first used (PEP 562).
_TWINS = ("analyze", "dataframes", "export", "import_files", "list_items", "report", "view")


def __getattr__(name: str) -> Any:
    """A twin of a command, or a submodule (``valuenet.summary``), imported on first use."""
    if name in _TWINS:
        from valuenet import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_TWINS})
