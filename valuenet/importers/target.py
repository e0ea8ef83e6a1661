"""The model that interview rows are imported into: how names in cells find actors, goals, dimensions.

Actors are matched by id, name or alias, case- and white-space-insensitively; an
aliases mapping (the actors' ``aliases`` in the model file, or ``--aliases FILE``)
merges other spellings. A row that names an unknown actor creates it when the
row (or an actors table) gives its kind; a new name that is nearly an existing
one ("Dr. Patel" beside "Dr Patel") is reported as a warning with the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from valuenet.errors import Problem
from valuenet.formats.cells import CellError, fold, near_key, show, slug
from valuenet.models import (
    CUSTOMER_KIND,
    DEFAULT_SCENARIO,
    FOCAL_KIND,
    Actor,
    Goal,
    Model,
    Respondent,
    Scenario,
    exchange_customer,
)


def _suggest(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


class ImportTarget:
    """Lookups over the model rows go into, and the actors, goals and scenarios the rows add to it."""

    def __init__(
        self,
        model: Model,
        *,
        new: bool,
        aliases: Mapping[str, str] | None = None,
        respondents: Mapping[str, Respondent] | None = None,
    ) -> None:
        """``respondents``: the stored respondents by id, when they are not in ``model`` (a large study's
        stay in the store's rows, each built when an import asks for it)."""
        self.model_id = model.id
        self.new = new
        self.header = model.model_copy(update={"actors": [], "goals": [], "respondents": [], "flows": []})
        self.actors: dict[str, Actor] = {a.id: a for a in model.actors}
        self.goals: dict[str, Goal] = {g.id: g.model_copy(deep=True) for g in model.goals}
        self.respondents: Mapping[str, Respondent] = (
            {r.id: r for r in model.respondents} if respondents is None else respondents
        )
        self.lo, self.hi = model.scale.min, model.scale.max
        self.dims = {fold(d): d for d in model.dimension_ids}
        self.kinds = {fold(k): k for k in model.kind_ids}
        self._lookup: dict[str, str] = {}
        self._near: dict[str, str] = {}
        for a in model.actors:
            self._register(a)
        self._goal_lookup: dict[str, str] = {}
        for g in model.goals:
            self._goal_lookup[fold(g.id)] = g.id
            self._goal_lookup.setdefault(fold(g.title), g.id)
        self.new_actors: dict[str, Actor] = {}
        self.changed_goals: set[str] = set()
        self.warnings: list[Problem] = []
        self.alias_problems: list[Problem] = []
        for alias, ref in (aliases or {}).items():
            actor_id = self._lookup.get(fold(ref))
            if actor_id is None:
                self.alias_problems.append(
                    Problem(
                        "aliases",
                        f'"{alias}" maps to "{ref}", which is not an actor of model {self.model_id}.',
                        "Map each alias to an actor id or name.",
                    )
                )
            else:
                self._lookup[fold(alias)] = actor_id

    def _register(self, actor: Actor) -> None:
        for name in (actor.id, actor.name, *actor.aliases):
            self._lookup.setdefault(fold(name), actor.id)
        self._near.setdefault(near_key(actor.name), actor.id)
        self._near.setdefault(near_key(actor.id), actor.id)

    # -- actors --------------------------------------------------------------------------------
    def actor_id(self, cell: str) -> str | None:
        """The id of the actor a cell names, or ``None`` when no actor has that id, name or alias."""
        return self._lookup.get(fold(cell))

    def unknown_actor(self, cell: str) -> CellError:
        """The error for a cell naming no actor, with the closest name as a suggestion."""
        names = sorted({a.name for a in self.actors.values()} | set(self.actors))
        hint = _suggest(cell, names)
        return CellError(
            f"{show(cell)} is not an actor of model {self.model_id}.{hint}",
            "Fix the cell, add the actor (or an alias) to the model file or --aliases, "
            "or give its kind in an actor_kind column to create it.",
        )

    def add_actor(
        self,
        cell: str,
        kind: str,
        *,
        name: str | None,
        where: str,
        aliases: list[str] | None = None,
        description: str | None = None,
        perspective: str | None = None,
        actor_id: str | None = None,
    ) -> str:
        """Create an actor a row names, and warn when its name is nearly an existing actor's."""
        display = name or cell
        base = actor_id or slug(cell)
        new_id, n = base, 1
        while new_id in self.actors:
            n += 1
            new_id = f"{base}-{n}"
        actor = Actor(
            id=new_id, name=display, kind=kind, aliases=aliases or [], description=description, perspective=perspective
        )
        similar = self._near.get(near_key(display)) or self._near.get(near_key(cell))
        if similar is not None:
            other = self.actors[similar]
            self.warnings.append(
                Problem(
                    where,
                    f'{show(cell)} looks like the actor "{other.name}" ({other.id}); a new actor "{new_id}" is '
                    "created.",
                    f'If they are the same, add "{cell}" to the aliases of {other.id} (in the model file, or a row '
                    f'"{cell},{other.id}" in an --aliases file).',
                )
            )
        self.actors[new_id] = actor
        self.new_actors[new_id] = actor
        self._lookup[fold(cell)] = new_id
        self._register(actor)
        return new_id

    def kind(self, cell: str) -> str:
        kind = self.kinds.get(fold(cell))
        if kind is None:
            raise CellError(
                f"{show(cell)} is not an actor kind ({', '.join(self.kinds.values())}).",
                "Fix the kind, or declare it under actor_kinds in the model file.",
            )
        return kind

    def customer_of(self, goal_id: str, respondent: Respondent | None, given: str | None) -> str | None:
        """The customer actor of an exchange, by :func:`~valuenet.models.exchange_customer`'s rule.

        ``given`` is the customer the tables name for the respondent, ``respondent``
        the stored record. Rows that create a new model and name no customer get a
        customer actor of their own.
        """
        goal = self.goals.get(goal_id)
        customers = [a.id for a in self.actors.values() if a.kind == CUSTOMER_KIND]
        found = exchange_customer(
            respondent_actor=given or (respondent.actor if respondent is not None else None),
            goal_customer=goal.customer if goal is not None else None,
            customer_actors=customers,
        )
        if found is None and not customers and self.new:
            return self.add_actor("customer", CUSTOMER_KIND, name="Customer", where="")
        return found

    # -- goals, scenarios, dimensions ---------------------------------------------------------------
    def goal_id(self, cell: str | None) -> str:
        if cell is None:
            if len(self.goals) == 1:
                return next(iter(self.goals))
            have = ", ".join(self.goals) or "none yet"
            raise CellError(
                f"is empty and model {self.model_id} has several goals ({have}).", "Name the goal on every row."
            )
        found = self._goal_lookup.get(fold(cell))
        if found is not None:
            return found
        if self.new:
            gid = slug(cell)
            self.goals[gid] = Goal(id=gid, title=cell)
            self._goal_lookup[fold(cell)] = gid
            self._goal_lookup[fold(gid)] = gid
            self.changed_goals.add(gid)
            return gid
        raise CellError(
            f"{show(cell)} is not a goal of model {self.model_id} ({', '.join(self.goals)}).",
            "Fix the cell, or add the goal to the model file and import it first.",
        )

    def known_goal(self, cell: str | None) -> str | None:
        """The goal a cell names, without creating one: ``None`` when :meth:`goal_id` would create or refuse it."""
        if cell is None:
            return next(iter(self.goals)) if len(self.goals) == 1 else None
        return self._goal_lookup.get(fold(cell))

    def known_scenario(self, goal_id: str, cell: str | None) -> str | None:
        """The scenario a cell names in a goal, without creating one (``None`` when :meth:`scenario` would)."""
        if cell is None:
            return DEFAULT_SCENARIO
        for s in self.goals[goal_id].scenarios:
            if fold(s.id) == fold(cell):
                return s.id
        return None

    def scenario(self, goal_id: str, cell: str | None) -> str:
        if cell is None:
            return DEFAULT_SCENARIO
        goal = self.goals[goal_id]
        for s in goal.scenarios:
            if fold(s.id) == fold(cell):
                return s.id
        if self.new:
            goal.scenarios.append(Scenario(id=cell))
            self.changed_goals.add(goal_id)
            return cell
        raise CellError(
            f"goal {goal_id} has no scenario {show(cell)} ({', '.join(s.id for s in goal.scenarios)}).",
            "Fix the cell, or add the scenario to the goal in the model file.",
        )

    def dimension(self, cell: str) -> str:
        dim = self.dims.get(fold(cell))
        if dim is None:
            starts = [d for d in self.dims if len(fold(cell)) >= 3 and d.startswith(fold(cell))]
            hint = f' Did you mean "{starts[0]}"?' if len(starts) == 1 else _suggest(fold(cell), list(self.dims))
            raise CellError(
                f"{show(cell)} is not a dimension ({', '.join(self.dims.values())}).{hint}",
                "Fix the cell, or declare a custom dimension in the model file.",
            )
        return dim

    def final_problems(self, source: str = "") -> list[Problem]:
        """Problems with what the rows of ``source`` built as a whole: a new model needs exactly one focal firm."""
        if not self.new:
            return []
        firms = [a.id for a in self.actors.values() if a.kind == FOCAL_KIND]
        if len(firms) != 1:
            return [
                Problem(
                    f"{source}: model {self.model_id}" if source else f"model {self.model_id}",
                    f"the rows create a new model with {len(firms)} focal firms"
                    + (f" ({', '.join(firms)})" if firms else "")
                    + ".",
                    "Give exactly one actor the actor_kind focal_firm, or import the model file first.",
                )
            ]
        return []
