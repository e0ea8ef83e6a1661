"""The value-network domain model (pydantic v2).

A :class:`Model` holds everything about one customer-value study: the actors, the
customer goals (each its own network, in one or more scenarios), the interviewed
respondents and the value flows between actors.

A :class:`Flow` is directed from the actor who gives value to the actor who
receives it. Interview language maps onto a pair of flows that share an
``exchange`` id: "from the clinic she gets 4 and gives up 2 in experiential value"
is the flow clinic -> customer (4, experiential) and the flow customer -> clinic
(2, experiential). :func:`exchange_flows` builds that pair.

Perceived magnitudes (``magnitude``, on the model's :class:`Scale`) and money
(``money`` per occurrence, times ``occurrences``, in the model's ``currency``) are
separate fields, so e3value-style valuations are never confused with perceptions.

Models are plain data: building one never checks cross references. Call
:func:`check_model` (or :meth:`Model.check`) to get every problem at once.

>>> m = Model(id="demo", actors=[Actor(id="me", name="Me", kind="customer"),
...     Actor(id="shop", name="Shop", kind="focal_firm")], goals=[Goal(id="g", title="Eat well")],
...     flows=exchange_flows("x1", goal="g", customer="me", actor="shop",
...                          dimension="functional", gets=4, gives=1))
>>> [(f.source, f.target, f.magnitude) for f in m.flows]
[('shop', 'me', 4.0), ('me', 'shop', 1.0)]
>>> m.check()
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Annotated, Any, NamedTuple

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from valuenet.errors import ModelError, Problem
from valuenet.models.economics import Economics, check_economics
from valuenet.models.fields import (
    CONTROL_IN_TEXT as CONTROL_IN_TEXT,
)
from valuenet.models.fields import (
    HIDDEN_IN_ID as HIDDEN_IN_ID,
)
from valuenet.models.fields import (
    INT_MAX as INT_MAX,
)
from valuenet.models.fields import (
    INT_MIN as INT_MIN,
)
from valuenet.models.fields import (
    NOT_A_NUMBER as NOT_A_NUMBER,
)
from valuenet.models.fields import Base as _Base
from valuenet.models.fields import (
    Id as Id,
)
from valuenet.models.fields import (
    Number as Number,
)
from valuenet.models.fields import (
    Text as Text,
)
from valuenet.models.fields import (
    Whole as Whole,
)

#: The four dimensions of customer value every model has.
STANDARD_DIMENSIONS: tuple[str, ...] = ("functional", "economic", "experiential", "symbolic")

#: Actor kinds every model has; a model may declare more in ``actor_kinds``.
STANDARD_KINDS: tuple[str, ...] = (
    "customer",
    "focal_firm",
    "provider",
    "partner",
    "competitor",
    "peer",
    "community",
    "institution",
    "employee",
)

FOCAL_KIND = "focal_firm"
CUSTOMER_KIND = "customer"
DEFAULT_SCENARIO = "current"


class Scale(_Base):
    """The scale on which perceived magnitudes are stated, e.g. 0 (nothing) to 5 (a great deal)."""

    min: Number = 0.0
    max: Number = 5.0
    label: str | None = None


class DimensionDef(_Base):
    """A value dimension a model adds to the four standard ones."""

    id: Id
    description: str | None = None


class KindDef(_Base):
    """An actor kind a model adds to the standard ones."""

    id: Id
    description: str | None = None


class Actor(_Base):
    """A party in a customer's network: the customer, the focal firm, a provider, a peer...

    ``segment_size`` says how many members the actor stands for (e3value's market
    segment); ``fixed_expenses`` are its fixed costs per period in the model currency.
    """

    id: Id
    name: Text
    kind: Id
    description: str | None = None
    perspective: str | None = None
    segment_size: Annotated[Whole, Field(ge=1)] | None = None
    fixed_expenses: Annotated[Number, Field(ge=0)] | None = None
    aliases: list[str] = Field(default_factory=list)


class Removal(_Base):
    """One entry of a scenario's ``removes``: which inherited flows the scenario takes out of its network.

    A flow matches when every field the entry states matches (fields left out
    match anything): ``actor`` is the flow's source or target (the actor leaves
    the network); ``source``, ``target``, ``dimension``, ``touchpoint``, ``stage``
    and ``respondent`` are the flow's own fields; ``structural`` true matches only
    structural flows (no respondent), false only respondents' flows. An entry
    that states nothing matches nothing (:func:`check_model` reports it).

    >>> r = Removal(actor="insurer", dimension="economic")
    >>> r.matches("insurer", "patient", "economic", "claim", "billing", "r1")
    True
    >>> r.matches("patient", "insurer", "functional", None, None, None)
    False
    """

    actor: Id | None = None
    source: Id | None = None
    target: Id | None = None
    dimension: Id | None = None
    touchpoint: str | None = None
    stage: str | None = None
    respondent: str | None = None
    structural: bool | None = None

    def stated(self) -> list[str]:
        """The names of the fields this entry states, in declaration order.

        >>> Removal(source="gp", structural=True).stated()
        ['source', 'structural']
        """
        return [name for name in type(self).model_fields if getattr(self, name) is not None]

    def matches(
        self,
        source: str,
        target: str,
        dimension: str,
        touchpoint: str | None,
        stage: str | None,
        respondent: str | None,
    ) -> bool:
        """Whether a flow with these fields is one this entry removes (every stated field matches).

        >>> Removal(touchpoint="reimbursement", structural=True).matches(
        ...     "insurer", "patient", "economic", "reimbursement", "billing", None)
        True
        >>> Removal(touchpoint="reimbursement", structural=True).matches(
        ...     "insurer", "patient", "economic", "reimbursement", "billing", "h01")
        False
        >>> Removal().matches("a", "b", "economic", None, None, None)
        False
        """
        stated = False
        for want, have in (
            (self.source, source),
            (self.target, target),
            (self.dimension, dimension),
            (self.touchpoint, touchpoint),
            (self.stage, stage),
            (self.respondent, respondent),
        ):
            if want is not None:
                if want != have:
                    return False
                stated = True
        if self.actor is not None:
            if self.actor not in (source, target):
                return False
            stated = True
        if self.structural is not None:
            if self.structural != (respondent is None):
                return False
            stated = True
        return stated


class Scenario(_Base):
    """A named state of a goal's network, such as ``current`` or a designed ``future-a``.

    A scenario ``based_on`` another holds the base's flows (see
    :func:`scenario_flows`), less those its ``removes`` entries match and those
    its own flows change, plus its own flows.
    """

    id: Id
    name: str | None = None
    description: str | None = None
    based_on: str | None = None
    removes: list[Removal] = Field(default_factory=list)


def _default_scenarios() -> list[Scenario]:
    return [Scenario(id=DEFAULT_SCENARIO, name="Current state")]


class Goal(_Base):
    """What the customer is trying to accomplish; each goal has its own network."""

    id: Id
    title: Text
    description: str | None = None
    customer: str | None = None
    scenarios: list[Scenario] = Field(default_factory=_default_scenarios)
    #: The customer journey's stages in order (the journey view lists them so); stages that flows name
    #: and this list leaves out follow in the order the flows first name them.
    stages: list[Text] = Field(default_factory=list)

    @field_validator("stages")
    @classmethod
    def _distinct_stages(cls, stages: list[str]) -> list[str]:
        twice = sorted({s for s in stages if stages.count(s) > 1})
        if twice:
            raise ValueError(f"stage {twice[0]!r} is listed twice; list each stage once, in journey order")
        return stages


class Respondent(_Base):
    """An interviewed customer, or a persona standing for a segment, with their context.

    ``weights`` say how much each dimension matters (non-negative; analysis
    normalises them to sum to 1). ``thresholds`` are the most the respondent will
    give up in a dimension, on the model scale: past it the relationship breaks.
    ``actor`` is the customer actor the respondent plays (default: the goal's customer).
    """

    id: Id
    name: str | None = None
    persona: bool = False
    actor: str | None = None
    segment: str | None = None
    attributes: dict[str, str | int | float | bool] = Field(default_factory=dict)
    weights: dict[str, Number] = Field(default_factory=dict)
    thresholds: dict[str, Number] = Field(default_factory=dict)
    situation: str | None = None
    worldview: str | None = None
    comparisons: list[str] = Field(default_factory=list)
    nps: Annotated[Whole, Field(ge=0, le=10)] | None = None
    churned: bool | None = None
    interview: str | None = None

    @field_validator("attributes")
    @classmethod
    def _storable_attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        """Attribute numbers are finite, and whole ones fit in 64 bits, so every store can hold them."""
        for key, v in value.items():
            if isinstance(v, float) and not math.isfinite(v):
                raise PydanticCustomError("finite_number", f'the attribute "{key}" holds {v}, not a finite number')
            if isinstance(v, int) and not isinstance(v, bool) and not INT_MIN <= v <= INT_MAX:
                raise PydanticCustomError(
                    "int_outside_64_bits",
                    f'the attribute "{key}" holds a whole number outside 64 bits ({INT_MIN} to {INT_MAX})',
                )
        return value


class Flow(_Base):
    """Value given by ``source`` to ``target`` in one dimension, within a goal and scenario.

    ``magnitude`` is the perceived amount on the model scale; ``money`` is a
    valuation per occurrence in the model currency and ``occurrences`` how often it
    happens per period. ``respondent`` is whose perception this is (``None`` for a
    structural flow, such as clinic -> insurer claims). ``responsible`` names the
    actor whose conduct causes the flow when it is not the giver (indirect effects).
    """

    id: Id
    goal: Id
    scenario: Id = DEFAULT_SCENARIO
    source: Id
    target: Id
    dimension: Id
    magnitude: Number | None = None
    money: Number | None = None
    occurrences: Annotated[Number, Field(ge=0)] = 1.0
    tangible: bool | None = None
    touchpoint: str | None = None
    stage: str | None = None
    quote: str | None = None
    respondent: str | None = None
    responsible: str | None = None
    exchange: str | None = None
    note: str | None = None


class Model(_Base):
    """A whole value-network study: actors, goals, respondents and flows."""

    id: Id
    title: str | None = None
    description: str | None = None
    currency: str | None = None
    scale: Scale = Field(default_factory=Scale)
    dimensions: list[DimensionDef] = Field(default_factory=list)
    actor_kinds: list[KindDef] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    respondents: list[Respondent] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    #: The e3value-style business model (valuations per side, needs and dependency paths...), if any.
    economics: Economics | None = None

    # -- derived views -------------------------------------------------------------------
    @property
    def dimension_ids(self) -> list[str]:
        """The standard dimensions followed by the ones this model declares."""
        return list(STANDARD_DIMENSIONS) + [d.id for d in self.dimensions if d.id not in STANDARD_DIMENSIONS]

    @property
    def kind_ids(self) -> list[str]:
        """The standard actor kinds followed by the ones this model declares."""
        return list(STANDARD_KINDS) + [k.id for k in self.actor_kinds if k.id not in STANDARD_KINDS]

    def focal_firm(self) -> Actor:
        """The model's one focal firm (raises :class:`ModelError` when there is not exactly one)."""
        firms = [a for a in self.actors if a.kind == FOCAL_KIND]
        if len(firms) != 1:
            raise ModelError(f"model {self.id!r} has {len(firms)} focal firms; it needs exactly one.")
        return firms[0]

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise ModelError(f"model {self.id!r} has no actor {actor_id!r}.")

    def goal(self, goal_id: str) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise ModelError(f"model {self.id!r} has no goal {goal_id!r}; goals: {', '.join(g.id for g in self.goals)}.")

    def respondent(self, respondent_id: str) -> Respondent:
        for r in self.respondents:
            if r.id == respondent_id:
                return r
        raise ModelError(f"model {self.id!r} has no respondent {respondent_id!r}.")

    def customer_of(self, goal_id: str, respondent: Respondent | None = None) -> str:
        """The customer actor of an exchange in a goal, by :func:`exchange_customer`'s rule.

        Without ``respondent``: the goal's ``customer``, else the model's one customer actor.
        """
        customers = [a.id for a in self.actors if a.kind == CUSTOMER_KIND]
        found = exchange_customer(
            respondent_actor=respondent.actor if respondent is not None else None,
            goal_customer=self.goal(goal_id).customer,
            customer_actors=customers,
        )
        if found is None:
            raise ModelError(
                f"goal {goal_id!r} does not name its customer and the model has {len(customers)} customer actors. "
                "Set 'customer:' on the goal."
            )
        return found

    def check(self, source: str = "") -> None:
        """Raise :class:`ModelError` listing every problem :func:`check_model` finds."""
        problems = check_model(self, source)
        if problems:
            raise ModelError(problems)


# -- helpers -------------------------------------------------------------------------------


def stable_id(*parts: object, prefix: str = "") -> str:
    """A short deterministic id from content, so a re-import finds the same row again.

    >>> stable_id("r1", "clinic", "experiential") == stable_id("r1", "clinic", "experiential")
    True
    """
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return prefix + hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def exchange_id(
    respondent: str | None,
    goal: str,
    scenario: str,
    actor: str,
    dimension: str,
    touchpoint: str | None,
    stage: str | None,
) -> str:
    """The id of an interview exchange that has none of its own: what makes re-imports idempotent.

    The same respondent, goal, scenario, actor, dimension, touchpoint and stage
    always give the same id, so importing a row again (from any file format, or
    from a model file's ``exchanges``) updates the exchange instead of adding one.

    >>> exchange_id("r1", "g", "current", "clinic", "experiential", "desk", None)
    'x-6b73104a02f3149f'
    """
    return stable_id(respondent, goal, scenario, actor, dimension, touchpoint, stage, prefix="x-")


def exchange_customer(
    *,
    given: str | None = None,
    respondent_actor: str | None = None,
    goal_customer: str | None = None,
    customer_actors: Sequence[str] = (),
) -> str | None:
    """Who the customer of an exchange is: the one rule every reader and writer of exchanges follows.

    In order: the customer the exchange names itself (a ``customer`` column or key),
    the customer actor its respondent plays, the goal's customer, else the model's
    only actor of kind ``customer``. ``None`` when none of these settles it.

    >>> exchange_customer(goal_customer="patient", customer_actors=["patient", "carer"])
    'patient'
    >>> exchange_customer(respondent_actor="carer", goal_customer="patient")
    'carer'
    >>> exchange_customer(customer_actors=["patient", "carer"]) is None
    True
    """
    if given:
        return given
    if respondent_actor:
        return respondent_actor
    if goal_customer:
        return goal_customer
    return customer_actors[0] if len(customer_actors) == 1 else None


#: The :class:`Flow` fields both flows of an exchange share: all but id, source, target, magnitude, money, exchange.
EXCHANGE_SHARED: tuple[str, ...] = (
    "goal",
    "scenario",
    "dimension",
    "occurrences",
    "tangible",
    "touchpoint",
    "stage",
    "quote",
    "respondent",
    "responsible",
    "note",
)


class FlowSide(NamedTuple):
    """One of the (up to) two flows an exchange stands for, before it becomes a :class:`Flow`."""

    id: str
    source: str
    target: str
    magnitude: float | None
    money: float | None


class Exchange(NamedTuple):
    """One coded interview statement: from ``actor`` the customer gets and gives up value in one dimension.

    ``gets``/``gives`` are perceived magnitudes on the model scale, ``gets_money``
    and ``gives_money`` money per occurrence. It stands for up to two flows
    (:meth:`sides`): ``<id>:gets`` from the actor to the customer and ``<id>:gives``
    from the customer to the actor, sharing every other field.
    """

    id: str
    goal: str
    scenario: str
    actor: str
    dimension: str
    gets: float | None = None
    gives: float | None = None
    gets_money: float | None = None
    gives_money: float | None = None
    occurrences: float = 1.0
    tangible: bool | None = None
    touchpoint: str | None = None
    stage: str | None = None
    quote: str | None = None
    respondent: str | None = None
    responsible: str | None = None
    note: str | None = None

    def sides(self, customer: str) -> list[FlowSide]:
        """The flows of this exchange with ``customer``; a side with neither a magnitude nor money makes none."""
        out = []
        if self.gets is not None or self.gets_money is not None:
            out.append(FlowSide(f"{self.id}:gets", self.actor, customer, self.gets, self.gets_money))
        if self.gives is not None or self.gives_money is not None:
            out.append(FlowSide(f"{self.id}:gives", customer, self.actor, self.gives, self.gives_money))
        return out

    def flows(self, customer: str) -> list[Flow]:
        """The exchange's flows with ``customer``, validated."""
        common: dict[str, Any] = {
            "goal": self.goal,
            "scenario": self.scenario,
            "dimension": self.dimension,
            "occurrences": self.occurrences,
            "tangible": self.tangible,
            "touchpoint": self.touchpoint,
            "stage": self.stage,
            "quote": self.quote,
            "respondent": self.respondent,
            "responsible": self.responsible,
            "exchange": self.id,
            "note": self.note,
        }
        return [
            Flow(id=s.id, source=s.source, target=s.target, magnitude=s.magnitude, money=s.money, **common)
            for s in self.sides(customer)
        ]


def exchange_flows(
    exchange: str,
    *,
    goal: str,
    customer: str,
    actor: str,
    dimension: str,
    gets: float | None,
    gives: float | None,
    scenario: str = DEFAULT_SCENARIO,
    respondent: str | None = None,
    touchpoint: str | None = None,
    stage: str | None = None,
    quote: str | None = None,
    responsible: str | None = None,
) -> list[Flow]:
    """The flows that one coded interview statement stands for (see :class:`Exchange`).

    ``gets`` becomes a flow actor -> customer with id ``<exchange>:gets``; ``gives``
    becomes customer -> actor with id ``<exchange>:gives``. A missing number makes no flow.
    """
    return Exchange(
        exchange,
        goal,
        scenario,
        actor,
        dimension,
        gets=gets,
        gives=gives,
        touchpoint=touchpoint,
        stage=stage,
        quote=quote,
        respondent=respondent,
        responsible=responsible,
    ).flows(customer)


class FlowKey(NamedTuple):
    """What identifies a flow within one goal across scenarios: a derived scenario's flow with the same key changes it.

    ``None`` counts as a value: a structural flow has ``respondent`` None, and a
    flow with no touchpoint only changes an inherited flow with no touchpoint.
    """

    respondent: str | None
    source: str
    target: str
    dimension: str
    touchpoint: str | None
    stage: str | None


def flow_key(flow: Flow) -> FlowKey:
    """The :class:`FlowKey` of ``flow``.

    >>> f = Flow(id="f1", goal="g", source="clinic", target="insurer", dimension="functional", magnitude=2)
    >>> flow_key(f)
    FlowKey(respondent=None, source='clinic', target='insurer', dimension='functional', touchpoint=None, stage=None)
    """
    return FlowKey(flow.respondent, flow.source, flow.target, flow.dimension, flow.touchpoint, flow.stage)


def _based_on_cycle(scenarios: dict[str, Scenario], start: str) -> list[str] | None:
    """The ids from ``start`` round its ``based_on`` cycle back to ``start``, or None when it is on no cycle."""
    path = [start]
    at = scenarios[start].based_on
    while at is not None and at in scenarios:
        if at == start:
            return [*path, start]
        if at in path:
            return None  # a cycle further up that ``start`` is not on
        path.append(at)
        at = scenarios[at].based_on
    return None


def scenario_chain(goal: Goal, scenario: str) -> list[str]:
    """The scenarios whose flows ``scenario`` is built from, base first, ending with ``scenario`` itself.

    A scenario the goal does not declare (or a ``based_on`` naming one) ends the
    chain there; a ``based_on`` cycle raises :class:`ModelError`.

    >>> g = Goal(id="g", title="G", scenarios=[Scenario(id="current"), Scenario(id="a", based_on="current"),
    ...          Scenario(id="b", based_on="a")])
    >>> scenario_chain(g, "b")
    ['current', 'a', 'b']
    >>> scenario_chain(g, "current")
    ['current']
    """
    scenarios = {s.id: s for s in goal.scenarios}
    chain = [scenario]
    at = scenarios[scenario].based_on if scenario in scenarios else None
    while at is not None:
        if at in chain:
            loop = " -> ".join([*chain, at])
            raise ModelError(
                f"goal {goal.id!r}: the based_on chain of scenario {scenario!r} goes round in a circle ({loop})."
            )
        chain.append(at)
        at = scenarios[at].based_on if at in scenarios else None
    return chain[::-1]


def scenario_flows(model: Model, goal: str, scenario: str) -> list[Flow]:
    """The flows ``scenario`` of ``goal`` holds, with what it inherits through ``based_on`` resolved.

    For each scenario down the :func:`scenario_chain`: the flows held so far,
    less those matched by one of its ``removes`` entries and those one of its own
    flows changes (same :func:`flow_key`), then its own flows. Inherited flows
    keep their ids and come back with ``scenario`` set to ``scenario``; they come
    first, in base order, then the scenario's own flows, in model order.

    >>> m = Model(id="m", goals=[Goal(id="g", title="G", scenarios=[Scenario(id="current"),
    ...     Scenario(id="next", based_on="current", removes=[Removal(actor="gp")])])], flows=[
    ...     Flow(id="a", goal="g", source="gp", target="me", dimension="functional", magnitude=3),
    ...     Flow(id="b", goal="g", source="shop", target="me", dimension="economic", magnitude=1),
    ...     Flow(id="c", goal="g", source="shop", target="me", dimension="experiential", magnitude=2),
    ...     Flow(id="c2", goal="g", scenario="next", source="shop", target="me", dimension="experiential",
    ...          magnitude=4)])
    >>> [(f.id, f.scenario, f.magnitude) for f in scenario_flows(m, "g", "next")]
    [('b', 'next', 1.0), ('c2', 'next', 4.0)]
    """
    goal_obj = model.goal(goal)
    chain = scenario_chain(goal_obj, scenario)
    own: dict[str, list[Flow]] = {s: [] for s in chain}
    for f in model.flows:
        if f.goal == goal and f.scenario in own:
            own[f.scenario].append(f)
    declared = {s.id: s for s in goal_obj.scenarios}
    held = own[chain[0]]
    for level in chain[1:]:
        removes = declared[level].removes if level in declared else []
        changed = {flow_key(f) for f in own[level]}
        held = [
            f
            for f in held
            if flow_key(f) not in changed
            and not any(
                r.matches(f.source, f.target, f.dimension, f.touchpoint, f.stage, f.respondent) for r in removes
            )
        ]
        held += own[level]
    return [f if f.scenario == scenario else f.model_copy(update={"scenario": scenario}) for f in held]


def _fmt(collection: str, index: int, item_id: str | None) -> str:
    return f"{collection}[{index}]" + (f' ("{item_id}")' if item_id else "")


def check_model(model: Model, source: str = "") -> list[Problem]:
    """Every domain problem in ``model``, each naming the item and how to fix it.

    Checks: exactly one focal firm; unique ids; actor kinds, dimensions, goals,
    scenarios and respondents that exist; ``based_on`` without cycles; scenario
    removals that state something and name actors, dimensions and respondents
    that exist; magnitudes inside the declared scale; weights and thresholds for
    declared dimensions, in range.
    """
    where = (source + " ") if source else ""
    problems: list[Problem] = []

    def add(loc: str, message: str, fix: str = "") -> None:
        problems.append(Problem(f"{where}{loc}".strip(), message, fix))

    if not (0 <= model.scale.min < model.scale.max) or not math.isfinite(model.scale.max):
        add(
            "scale",
            f"min {model.scale.min:g} and max {model.scale.max:g} do not make a scale.",
            "Use a minimum of 0 or more and a larger maximum, e.g. min: 0, max: 5.",
        )

    collections: dict[str, list[str]] = {
        "dimensions": [d.id for d in model.dimensions],
        "actor_kinds": [k.id for k in model.actor_kinds],
        "actors": [a.id for a in model.actors],
        "goals": [g.id for g in model.goals],
        "respondents": [r.id for r in model.respondents],
        "flows": [f.id for f in model.flows],
    }
    for collection, ids in collections.items():
        seen: dict[str, int] = {}
        for i, item_id in enumerate(ids):
            if item_id in seen:
                add(
                    _fmt(collection, i, item_id),
                    f"duplicate id; {collection}[{seen[item_id]}] has the same id.",
                    "Give each item its own id.",
                )
            else:
                seen[item_id] = i

    kinds = set(model.kind_ids)
    dims = set(model.dimension_ids)
    actors = {a.id for a in model.actors}
    respondents = {r.id for r in model.respondents}
    goals = {g.id: {s.id for s in g.scenarios} for g in model.goals}

    for i, a in enumerate(model.actors):
        if a.kind not in kinds:
            add(
                _fmt("actors", i, a.id) + ".kind",
                f'"{a.kind}" is not an actor kind ({", ".join(sorted(kinds))}).',
                "Fix the kind or declare it under actor_kinds.",
            )

    focal = [a.id for a in model.actors if a.kind == FOCAL_KIND]
    if len(focal) != 1:
        found = f"{len(focal)} ({', '.join(focal)})" if focal else "none"
        add(
            "actors",
            f"a model needs exactly one actor of kind focal_firm; found {found}.",
            "Mark the one firm whose view this is as kind: focal_firm and give the others another kind.",
        )

    def check_dims(loc: str, values: dict[str, float], what: str, lo: float, hi: float | None) -> None:
        for dim, value in values.items():
            if dim not in dims:
                add(
                    f"{loc}.{what}",
                    f'"{dim}" is not a dimension ({", ".join(model.dimension_ids)}).',
                    "Fix the name or declare a custom dimension under dimensions.",
                )
            elif not math.isfinite(value) or value < lo or (hi is not None and value > hi):
                rng = f"{lo:g} to {hi:g}" if hi is not None else f"{lo:g} or more"
                add(f"{loc}.{what}.{dim}", f"{value:g} is out of range; {what} must be {rng}.", "Fix the value.")

    for i, g in enumerate(model.goals):
        loc = _fmt("goals", i, g.id)
        if g.customer is not None and g.customer not in actors:
            add(loc + ".customer", f'actor "{g.customer}" is not defined.', "Add it under actors or fix the id.")
        seen_s: set[str] = set()
        declared = {x.id: x for x in g.scenarios}
        for j, s in enumerate(g.scenarios):
            if s.id in seen_s:
                add(loc + ".scenarios", f'scenario "{s.id}" appears twice.', "Give each scenario its own id.")
            seen_s.add(s.id)
            s_loc = f"{loc}.{_fmt('scenarios', j, s.id)}"
            if s.based_on is not None and s.based_on not in declared:
                add(
                    loc + ".scenarios",
                    f'scenario "{s.id}" is based on "{s.based_on}", which the goal does not have.',
                    "Fix based_on.",
                )
            elif s.based_on is not None and declared[s.id] is s:
                cycle = _based_on_cycle(declared, s.id)
                if cycle is not None:
                    shown = "itself" if len(cycle) == 2 else "itself through " + " -> ".join(cycle)
                    add(
                        s_loc + ".based_on",
                        f'scenario "{s.id}" is based on {shown}.',
                        "Base it on a scenario that does not lead back to it, or remove based_on.",
                    )
            if s.removes and s.based_on is None:
                add(
                    s_loc + ".removes",
                    f'scenario "{s.id}" removes flows but is not based on another scenario, so it inherits none.',
                    "Add based_on, or drop removes.",
                )
            for k, rm in enumerate(s.removes):
                r_loc = f"{s_loc}.removes[{k}]"
                if not rm.stated():
                    add(
                        r_loc,
                        "states nothing to remove.",
                        "Name the flows it removes by actor, source, target, dimension, touchpoint, stage, "
                        "respondent or structural.",
                    )
                for field in ("actor", "source", "target"):
                    ref = getattr(rm, field)
                    if ref is not None and ref not in actors:
                        add(f"{r_loc}.{field}", f'actor "{ref}" is not defined.', "Add it under actors or fix the id.")
                if rm.dimension is not None and rm.dimension not in dims:
                    add(
                        f"{r_loc}.dimension",
                        f'"{rm.dimension}" is not a dimension ({", ".join(model.dimension_ids)}).',
                        "Fix the name or declare a custom dimension under dimensions.",
                    )
                if rm.respondent is not None and rm.respondent not in respondents:
                    add(
                        f"{r_loc}.respondent",
                        f'respondent "{rm.respondent}" is not defined.',
                        "Add them under respondents or fix the id.",
                    )

    for i, r in enumerate(model.respondents):
        loc = _fmt("respondents", i, r.id)
        check_dims(loc, r.weights, "weights", 0, None)
        check_dims(loc, r.thresholds, "thresholds", 0, model.scale.max)
        if r.weights and not any(v > 0 for v in r.weights.values()):
            add(loc + ".weights", "all weights are 0.", "Give at least one dimension a weight above 0.")
        if r.actor is not None and r.actor not in actors:
            add(loc + ".actor", f'actor "{r.actor}" is not defined.', "Add it under actors or fix the id.")

    lo, hi = model.scale.min, model.scale.max
    valued = {t.flow for t in model.economics.transfers} if model.economics is not None else set()
    for i, f in enumerate(model.flows):
        loc = _fmt("flows", i, f.id)
        for field in ("source", "target", "responsible"):
            ref = getattr(f, field)
            if ref is not None and ref not in actors:
                add(f"{loc}.{field}", f'actor "{ref}" is not defined.', "Add it under actors or fix the id.")
        if f.source == f.target:
            add(loc, f'source and target are both "{f.source}".', "A flow goes from one actor to another.")
        if f.dimension not in dims:
            add(
                f"{loc}.dimension",
                f'"{f.dimension}" is not a dimension ({", ".join(model.dimension_ids)}).',
                "Fix the name or declare a custom dimension under dimensions.",
            )
        if f.goal not in goals:
            add(f"{loc}.goal", f'goal "{f.goal}" is not defined.', "Add it under goals or fix the id.")
        elif f.scenario not in goals[f.goal]:
            add(
                f"{loc}.scenario",
                f'goal "{f.goal}" has no scenario "{f.scenario}".',
                "Add it under the goal's scenarios or fix the id.",
            )
        if f.respondent is not None and f.respondent not in respondents:
            add(
                f"{loc}.respondent",
                f'respondent "{f.respondent}" is not defined.',
                "Add them under respondents or fix the id.",
            )
        if f.magnitude is None and f.money is None and f.id not in valued:
            add(
                loc,
                "has neither a magnitude nor a money amount.",
                "Give a perceived magnitude, a money amount, or both"
                + (", or a valuation under economics.transfers." if model.economics is not None else "."),
            )
        if f.magnitude is not None and not (lo <= f.magnitude <= hi):
            add(
                f"{loc}.magnitude",
                f"{f.magnitude:g} is outside the model scale {lo:g} to {hi:g}.",
                "Fix the value or widen the scale.",
            )
    problems += check_economics(model, source)
    return problems
