"""The economic layer of a model: an e3value-style business model beside the perceived network.

A model's ``economics`` says what e3value (Gordijn and Akkermans 2001, 2003; the
e3value user guide, chapters 6 and 7) says about a network, kept apart from what
customers perceive (``magnitude``) so the two are never confused:

- **transfers**: per flow, the value object it carries, what it is worth to each
  side (``valuation``: giver and receiver value a non-money object separately),
  the variable expenses each side has each time it happens (``expenses``), and the
  value activity each side performs it for (``activity``). A flow's ``money`` is a
  money amount, worth the same to both sides.
- **needs**: a customer need that occurs so many times per member of an actor per
  period, and the dependency path it starts: exchanges (groups of flows that
  happen together), AND forks (``all``), OR forks with shares (``one_of``),
  cardinalities, and boundary elements (``end``). How often each exchange
  happens is derived from it; flows no need reaches keep their own ``occurrences``.
- **activities** (value activities an actor performs) and **partnerships**
  (composite actors: actors that offer something jointly).
- **actors**: what an actor invests up front and its own discount rate; ``periods``
  and ``rate`` for the discounted net value.

The sheets themselves are computed by :mod:`valuenet.analysis.economic`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Protocol

from pydantic import Field, model_validator

from valuenet.errors import Problem
from valuenet.models.fields import Base, Id, Number, Text, Whole

#: An amount in the model currency that cannot be negative.
Amount = Annotated[Number, Field(ge=0)]
#: A discount rate per period, as a fraction (0.08 is 8%).
Rate = Annotated[Number, Field(ge=0, le=10)]


class Sides(Base):
    """An amount per occurrence for each side of a transfer: the ``giver`` (source) and the ``receiver`` (target)."""

    giver: Amount | None = None
    receiver: Amount | None = None


class Ends(Base):
    """An id for each side of a transfer: the ``giver`` (source) and the ``receiver`` (target)."""

    giver: Id | None = None
    receiver: Id | None = None


class ValueObject(Base):
    """A thing of economic value that flows carry (e3value's value object); ``money: true`` for money."""

    id: Id
    name: Text | None = None
    description: str | None = None
    money: bool = False


class ActorTerms(Base):
    """What an actor invests before the first period, and its own discount rate (default: the model's)."""

    id: Id
    investment: Amount | None = None
    rate: Rate | None = None


class Activity(Base):
    """A value activity an actor performs to make a profit: it gets a sheet of its own."""

    id: Id
    name: Text | None = None
    actor: Id
    fixed_expenses: Amount | None = None
    investment: Amount | None = None
    rate: Rate | None = None


class Partnership(Base):
    """A composite actor: actors offering something jointly. Its sheet leaves out transfers among its members."""

    id: Id
    name: Text | None = None
    members: list[Id]
    fixed_expenses: Amount | None = None
    investment: Amount | None = None
    rate: Rate | None = None


class Transfer(Base):
    """The economics of one flow: its value object, valuation and variable expenses per side, activities."""

    flow: Id
    object: Id | None = None
    valuation: Sides | None = None
    expenses: Sides | None = None
    activity: Ends | None = None


class Step(Base):
    """One element of a dependency path; exactly one of ``exchange``, ``all``, ``one_of`` and ``end``.

    - ``exchange``: the flows whose ``exchange`` is this id (or the one flow with this id)
      happen ``cardinality`` times each time the path gets here; ``then`` goes on from there
      (e3value: the counterpart's value interface, on along its dependency path).
    - ``all``: an AND fork; every branch happens each time.
    - ``one_of``: an OR fork; each time, one branch happens, branch ``i`` a share
      ``share_i / sum of shares`` of the times (so 60 and 40, or 0.6 and 0.4, are the same).
    - ``end``: a boundary element: the path ends here; how often it is reached is reported.

    ``id`` names a step (an OR branch's share can then be swept); ``share`` belongs to a
    branch of ``one_of``.
    """

    id: Id | None = None
    share: Annotated[Number, Field(gt=0)] | None = None
    exchange: Id | None = None
    cardinality: Annotated[Number, Field(gt=0)] = 1.0
    then: Step | None = None
    all: list[Step] | None = None
    one_of: list[Step] | None = None
    end: Text | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [k for k in ("exchange", "all", "one_of", "end") if getattr(self, k) is not None]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none of them"
            raise ValueError(f"a path step has exactly one of exchange, all, one_of and end; this one has {found}")
        if self.then is not None and self.exchange is None:
            raise ValueError("then follows an exchange; put the steps after a fork inside its branches")
        for key in ("all", "one_of"):
            branches = getattr(self, key)
            if branches is not None and not branches:
                raise ValueError(f"{key} needs at least one branch")
        return self

    def steps(self) -> Iterator[Step]:
        """This step and every step under it, depth first."""
        yield self
        for child in (self.then, *(self.all or ()), *(self.one_of or ())):
            if child is not None:
                yield from child.steps()


class Need(Base):
    """A customer need: it occurs ``occurrences`` times per member of ``actor`` per period and starts ``path``.

    Without ``scenario`` the need holds in every scenario of its goal; a need with a
    ``scenario`` replaces the need of the same id there.
    """

    id: Id
    name: Text | None = None
    goal: Id
    scenario: Id | None = None
    actor: Id
    occurrences: Amount
    path: Step


class Economics(Base):
    """A model's e3value-style business model (see the module docstring)."""

    periods: Annotated[Whole, Field(ge=1, le=1000)] = 1
    rate: Rate = 0.0
    actors: list[ActorTerms] = Field(default_factory=list)
    objects: list[ValueObject] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    partnerships: list[Partnership] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)

    def transfer_of(self) -> dict[str, Transfer]:
        """The transfers by flow id."""
        return {t.flow: t for t in self.transfers}

    def needs_in(self, goal: str, scenario: str) -> list[Need]:
        """The needs that hold in ``scenario`` of ``goal``: a scenario's own need replaces the general one."""
        general = {n.id: n for n in self.needs if n.goal == goal and n.scenario is None}
        own = {n.id: n for n in self.needs if n.goal == goal and n.scenario == scenario}
        return [own.get(k, n) for k, n in general.items()] + [n for k, n in own.items() if k not in general]


class _Item(Protocol):
    @property
    def id(self) -> str: ...


class _Flow(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def goal(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def exchange(self) -> str | None: ...


class _Goal(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def scenarios(self) -> Sequence[_Item]: ...


class _Model(Protocol):
    """What the checks read of a :class:`valuenet.models.Model`."""

    @property
    def economics(self) -> Economics | None: ...
    @property
    def actors(self) -> Sequence[_Item]: ...
    @property
    def goals(self) -> Sequence[_Goal]: ...
    @property
    def flows(self) -> Sequence[_Flow]: ...


def _dupes(problems: list[Problem], where: str, collection: str, ids: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(
                Problem(
                    f'{where}economics.{collection}[{i}] ("{item_id}")'.strip(),
                    f"duplicate id; economics.{collection}[{seen[item_id]}] has the same id.",
                    "Give each item its own id.",
                )
            )
        else:
            seen.setdefault(item_id, i)


def check_economics(model: _Model, source: str = "") -> list[Problem]:
    """Every problem in ``model.economics``: references to actors, flows, objects, goals and exchanges.

    What the numbers say (an object valued differently by its two sides where it must
    not be, an actor that loses money) is the analysis' business, not an error here.
    """
    eco = model.economics
    if eco is None:
        return []
    where = (source + " ") if source else ""
    problems: list[Problem] = []

    def add(loc: str, message: str, fix: str) -> None:
        problems.append(Problem(f"{where}economics.{loc}", message, fix))

    actors = {a.id for a in model.actors}
    flows = {f.id: f for f in model.flows}
    goals = {g.id: g for g in model.goals}
    objects = {o.id for o in eco.objects}
    activities = {a.id: a for a in eco.activities}
    no_actor = "Add it under actors or fix the id."
    _dupes(problems, where, "objects", [o.id for o in eco.objects])
    _dupes(problems, where, "activities", [a.id for a in eco.activities])
    _dupes(problems, where, "partnerships", [p.id for p in eco.partnerships])
    _dupes(problems, where, "actors", [a.id for a in eco.actors])
    _dupes(problems, where, "needs", [f"{n.id}@{n.scenario or ''}" for n in eco.needs])
    for i, terms in enumerate(eco.actors):
        if terms.id not in actors:
            add(f'actors[{i}] ("{terms.id}")', f'actor "{terms.id}" is not defined.', no_actor)
    for i, a in enumerate(eco.activities):
        if a.actor not in actors:
            add(f'activities[{i}] ("{a.id}").actor', f'actor "{a.actor}" is not defined.', no_actor)
    for i, p in enumerate(eco.partnerships):
        loc = f'partnerships[{i}] ("{p.id}")'
        if p.id in actors:
            add(loc, f'"{p.id}" is also an actor\'s id.', "Give the partnership an id of its own.")
        for m in p.members:
            if m not in actors:
                add(loc + ".members", f'actor "{m}" is not defined.', no_actor)
        if len(set(p.members)) < 2 or len(set(p.members)) != len(p.members):
            add(
                loc + ".members",
                f"lists {len(p.members)} members ({', '.join(p.members) or 'none'}); a partnership has "
                "at least two, each once.",
                "List each member actor once.",
            )
    seen_flows: dict[str, int] = {}
    for i, t in enumerate(eco.transfers):
        loc = f'transfers[{i}] ("{t.flow}")'
        if t.flow in seen_flows:
            add(loc, f"describes the same flow as transfers[{seen_flows[t.flow]}].", "Merge the two entries.")
        seen_flows.setdefault(t.flow, i)
        if t.object is not None and t.object not in objects:
            add(loc + ".object", f'value object "{t.object}" is not defined.', "Add it under economics.objects.")
        flow = flows.get(t.flow)
        if flow is None:
            add(loc + ".flow", f'flow "{t.flow}" is not defined.', "Fix the flow id, or give the flow an explicit id.")
            continue
        for side, actor in (("giver", flow.source), ("receiver", flow.target)):
            act_id = getattr(t.activity, side) if t.activity is not None else None
            if act_id is None:
                continue
            act = activities.get(act_id)
            if act is None:
                add(f"{loc}.activity.{side}", f'value activity "{act_id}" is not defined.', "Add it under activities.")
            elif act.actor != actor:
                add(
                    f"{loc}.activity.{side}",
                    f'value activity "{act_id}" is performed by "{act.actor}", but the {side} of flow '
                    f'"{t.flow}" is "{actor}".',
                    "Name an activity of that actor, or fix the activity's actor.",
                )
    for i, n in enumerate(eco.needs):
        loc = f'needs[{i}] ("{n.id}")'
        if n.actor not in actors:
            add(loc + ".actor", f'actor "{n.actor}" is not defined.', no_actor)
        goal = goals.get(n.goal)
        if goal is None:
            add(loc + ".goal", f'goal "{n.goal}" is not defined.', "Add it under goals or fix the id.")
            continue
        if n.scenario is not None and n.scenario not in {s.id for s in goal.scenarios}:
            add(loc + ".scenario", f'goal "{n.goal}" has no scenario "{n.scenario}".', "Fix the scenario id.")
        known = exchange_ids(model, n.goal)
        for step in n.path.steps():
            if step.exchange is not None and step.exchange not in known:
                add(
                    loc + ".path",
                    f'exchange "{step.exchange}" has no flows in goal "{n.goal}".',
                    "Name the exchange id its flows share, or a flow id.",
                )
            for branch in step.one_of or ():
                if branch.share is None:
                    add(loc + ".path", "a branch of one_of has no share.", "Give every branch of an OR fork a share.")
            for branch in step.all or ():
                if branch.share is not None:
                    add(
                        loc + ".path",
                        "a branch of all has a share; every branch of an AND fork happens each time.",
                        "Drop the share, or make the fork one_of.",
                    )
    return problems


def exchange_ids(model: _Model, goal: str) -> set[str]:
    """What a path's ``exchange`` may name in ``goal``: the flows' exchange ids and flow ids."""
    out: set[str] = set()
    for f in model.flows:
        if f.goal == goal:
            out.add(f.id)
            if f.exchange is not None:
                out.add(f.exchange)
    return out


def discount(net: float, periods: int, rate: float, investment: float) -> tuple[float, float]:
    """The naive and the discounted net value of ``net`` per period over ``periods``, less ``investment``.

    The investment is made before period 1 (period 0) and not discounted; period ``t``'s
    net is divided by ``(1 + rate) ** t``.

    >>> [round(v, 2) for v in discount(100.0, 3, 0.1, 200.0)]
    [100.0, 48.69]
    """
    naive = net * periods - investment
    discounted = sum(net / (1.0 + rate) ** t for t in range(1, periods + 1)) - investment
    return naive, discounted


__all__ = [
    "Activity",
    "ActorTerms",
    "Economics",
    "Ends",
    "Need",
    "Partnership",
    "Sides",
    "Step",
    "Transfer",
    "ValueObject",
    "check_economics",
    "discount",
    "exchange_ids",
]
