"""Plain counts and listings of a model, for ``valuenet stats`` and ``valuenet list``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from valuenet.models import Model

#: What :func:`list_items` lists from a model.
LISTABLE = ("goals", "respondents", "actors")


class Listing(list[dict[str, Any]]):
    """Rows of a listing, one dict per item: a plain list, with :meth:`to_pandas` for a DataFrame.

    ``what`` names what is listed (``respondents``...).

    >>> rows = Listing("actors", [{"id": "clinic", "flows": 3}])
    >>> rows == [{"id": "clinic", "flows": 3}], rows.what
    (True, 'actors')
    """

    def __init__(self, what: str, rows: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(rows)
        self.what = what

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame, one column per key (needs ``pip install "valuenet[pandas]"``)."""
        from valuenet.frames import frame

        return frame(self, title=self.what)


def model_stats(model: Model) -> list[dict[str, Any]]:
    """One row per goal and scenario: respondents, actors, flows, and flows per dimension."""
    rows = []
    for goal in model.goals:
        for scenario in goal.scenarios:
            flows = [f for f in model.flows if f.goal == goal.id and f.scenario == scenario.id]
            dims = Counter(f.dimension for f in flows)
            actors = {f.source for f in flows} | {f.target for f in flows}
            rows.append(
                {
                    "model": model.id,
                    "goal": goal.id,
                    "scenario": scenario.id,
                    "respondents": len({f.respondent for f in flows if f.respondent}),
                    "actors": len(actors),
                    "flows": len(flows),
                    **{d: dims.get(d, 0) for d in model.dimension_ids},
                }
            )
    return rows


def list_items(model: Model, what: str) -> Listing:
    """Rows describing the model's ``goals``, ``respondents`` or ``actors`` (a :class:`Listing`)."""
    return Listing(what, _rows(model, what))


def _rows(model: Model, what: str) -> list[dict[str, Any]]:
    if what == "goals":
        return [
            {
                "id": g.id,
                "title": g.title,
                "customer": model.customer_of(g.id) if _has_customer(model, g.id) else None,
                "scenarios": [s.id for s in g.scenarios],
                "flows": sum(1 for f in model.flows if f.goal == g.id),
            }
            for g in model.goals
        ]
    if what == "respondents":
        counts = Counter(f.respondent for f in model.flows)
        return [
            {
                "id": r.id,
                "name": r.name,
                "segment": r.segment,
                "persona": r.persona,
                "nps": r.nps,
                "churned": r.churned,
                "flows": counts.get(r.id, 0),
            }
            for r in model.respondents
        ]
    if what == "actors":
        degree: Counter[str] = Counter()
        for f in model.flows:
            degree[f.source] += 1
            degree[f.target] += 1
        return [
            {"id": a.id, "name": a.name, "kind": a.kind, "segment_size": a.segment_size, "flows": degree.get(a.id, 0)}
            for a in model.actors
        ]
    raise ValueError(f"cannot list {what!r}; choose one of {', '.join(LISTABLE)}.")


def _has_customer(model: Model, goal_id: str) -> bool:
    try:
        model.customer_of(goal_id)
    except ValueError:
        return False
    return True
