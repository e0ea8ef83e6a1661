"""valuenet: model customer value networks, find where a firm adds and destroys value.

The library is the product; the ``valuenet`` command is a thin view of it.

>>> import valuenet
>>> model = valuenet.read_model_file("examples/health/model.yaml")   # doctest: +SKIP
>>> with valuenet.open_store("valuenet.db") as store:                # doctest: +SKIP
...     store.write_model(model)

Importing ``valuenet`` stays light: neo4j, pyvis and click load only when used.
"""

from valuenet.errors import ModelError, ModelFileError, NotFoundError, StoreError, ValuenetError
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

__version__ = "0.1.0"

__all__ = [
    "STANDARD_DIMENSIONS",
    "STANDARD_KINDS",
    "Actor",
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
    "check_model",
    "exchange_flows",
    "open_store",
    "parse_model",
    "read_model_file",
    "write_model_file",
]
