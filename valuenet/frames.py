"""pandas DataFrames from rows, listings and models: the optional ``pandas`` extra.

pandas is imported only when a DataFrame is asked for, so ``import valuenet``
stays light; without it, :func:`require_pandas` raises one line that says how to
install it (``pip install "valuenet[pandas]"``). Rows become columns in the order
their keys are first met; numbers stay numbers (a missing one is ``NaN`` in a
float column), lists stay Python lists in their cells, nothing is turned into text.

>>> df = frame([{"id": "a", "net": 1.5, "touchpoints": ["x", "y"]}, {"id": "b", "net": None, "extra": 2}])
>>> list(df.columns), df["net"].dtype.kind, df.loc[0, "touchpoints"]
(['id', 'net', 'touchpoints', 'extra'], 'f', ['x', 'y'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from valuenet.errors import ExtraMissingError
from valuenet.models import Model

INSTALL = 'pip install "valuenet[pandas]"'
#: The tables :func:`model_frames` gives, in order.
MODEL_TABLES = ("actors", "goals", "scenarios", "respondents", "flows")


def require_pandas() -> Any:
    """The pandas module, or :class:`~valuenet.errors.ExtraMissingError` saying how to install it."""
    try:
        import pandas
    except ImportError as exc:
        raise ExtraMissingError(f"DataFrames need pandas, which is not installed; install it with: {INSTALL}") from exc
    return pandas


def frame(rows: Iterable[Mapping[str, Any]], columns: Iterable[str] | None = None, title: str | None = None) -> Any:
    """A DataFrame with one row per mapping; ``columns`` fixes the columns when there may be no rows.

    ``title``, when given, is kept in ``df.attrs["title"]``.
    """
    pd = require_pandas()
    records = [dict(r) for r in rows]
    cols = list(columns) if columns is not None else list(dict.fromkeys(k for r in records for k in r))
    df = pd.DataFrame.from_records(records, columns=cols) if records else pd.DataFrame(columns=cols)
    if title is not None:
        df.attrs["title"] = title
    return df


def _flat(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{prefix}.{k}": v for k, v in values.items()}


def model_rows(model: Model) -> dict[str, list[dict[str, Any]]]:
    """The model's items as rows by table (:data:`MODEL_TABLES`); weights, thresholds and attributes get a
    column each (``weight.functional``, ``threshold.experiential``, ``attribute.age``).

    >>> from valuenet.models import Actor, Goal
    >>> m = Model(id="m", actors=[Actor(id="c", name="C", kind="customer")], goals=[Goal(id="g", title="G")])
    >>> model_rows(m)["scenarios"]
    [{'goal': 'g', 'id': 'current', 'name': 'Current state', 'description': None, 'based_on': None, 'removes': 0}]
    """
    goals, scenarios = [], []
    for g in model.goals:
        goals.append({**g.model_dump(exclude={"scenarios"}), "scenarios": [s.id for s in g.scenarios]})
        for s in g.scenarios:
            scenarios.append({"goal": g.id, **s.model_dump(exclude={"removes"}), "removes": len(s.removes)})
    respondents = []
    for r in model.respondents:
        row = r.model_dump(exclude={"weights", "thresholds", "attributes"})
        row |= _flat("weight", r.weights) | _flat("threshold", r.thresholds) | _flat("attribute", r.attributes)
        respondents.append(row)
    return {
        "actors": [a.model_dump() for a in model.actors],
        "goals": goals,
        "scenarios": scenarios,
        "respondents": respondents,
        "flows": [f.model_dump() for f in model.flows],
    }


def model_frames(model: Model) -> dict[str, Any]:
    """The model as DataFrames by table: ``actors``, ``goals``, ``scenarios``, ``respondents``, ``flows``.

    Each table has the model's fields as columns, also when it has no rows.
    """
    from valuenet.models import Actor, Flow, Goal, Respondent, Scenario

    empty = {
        "actors": list(Actor.model_fields),
        "goals": [*(k for k in Goal.model_fields if k != "scenarios"), "scenarios"],
        "scenarios": ["goal", *(k for k in Scenario.model_fields if k != "removes"), "removes"],
        "respondents": [k for k in Respondent.model_fields if k not in ("weights", "thresholds", "attributes")],
        "flows": list(Flow.model_fields),
    }
    return {
        name: frame(rows, None if rows else empty[name], title=f"{model.id} {name}")
        for name, rows in model_rows(model).items()
    }
