"""How a model is laid out in Neo4j (graph version 2): the rows sent to the server and the Cypher that writes them.

The graph, as analysts see it (every node carries ``model`` and ``id``; the
pair is unique per label, see ``cypher/schema.cypher``)::

    (:Model)-[:HAS_ACTOR]->(:Actor)
    (:Model)-[:HAS_GOAL]->(:Goal)-[:HAS_SCENARIO]->(:Scenario)-[:REMOVES]->(:Removal)
    (:Model)-[:HAS_RESPONDENT]->(:Respondent)-[:CARES_ABOUT {weight, threshold}]->(:Dimension)
    (:Model)-[:HAS_DIMENSION]->(:Dimension)
    (:Actor)-[:EXCHANGE {gets, gives, quote, ...}]->(:Respondent)   one interview exchange
    (:Actor)-[:EXCHANGE {gets, gives, ...}]->(:Actor)               a structural exchange (no respondent)
    (:Actor)-[:FLOW {magnitude, money, ...}]->(:Actor)              a flow that is no exchange's side
    (:Actor)-[:VALUE {goal, scenario, dimension, sum, n, mean, money, flows}]->(:Actor)   the aggregate

An **exchange** is one coded interview statement ("from the clinic she gets 4 and
gives up 2 in experiential value"): one ``EXCHANGE`` relationship from the actor to
the respondent who said it (to the customer actor when it is structural), holding
both sides (``gets``/``getsMoney``: the flow ``<id>:gets`` actor -> customer;
``gives``/``givesMoney``: the flow ``<id>:gives`` customer -> actor) and, once, the
fields they share (quote, touchpoint, stage...). A flow written on its own joins
its exchange's relationship when it is one of its sides (its id is
``<exchange>:gets`` or ``:gives``, it has a magnitude or money, and it agrees with
the other side); any other flow is a ``FLOW`` relationship from its giver to its
receiver, with every field of the flow. ``VALUE`` sums, per goal, scenario and
dimension, every flow from one actor to another (each respondent's flows count
towards their customer actor): the one simple actor-to-actor graph for path
questions and Gephi, kept up to date by every write.

Every flow has a key, the position at which it was first written (``ord``; for
an exchange's gives side ``givesOrd``, or ``ord + 1`` when the relationship has
no ``givesOrd``). Actors and respondents are stored as plain properties and read
back from them (a respondent's weights, thresholds and attributes as
``weight_<dimension>``, ``threshold_<dimension>`` and ``attr_<key>``, named with
the exact dimension id or key); the model header and goals, whose nested
structure (scale, declared dimensions, scenarios and their removal entries) has
no flat form that reads back exactly, keep their JSON in ``doc``. A node with only
``model`` and ``id`` (no ``ord``) stands for an actor or respondent that flows
name but the model does not hold; valuenet removes it when nothing names it.

Labels and relationship types are literals in the statements below; every value is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from valuenet.models import STANDARD_DIMENSIONS, Actor, Flow, Goal, Model, Respondent

#: The version of this layout, kept on every ``Model`` node as ``schemaVersion``.
SCHEMA_VERSION = 2

#: Item kinds in the order they are written in a transaction (actors before the flows that use them).
KINDS: tuple[str, ...] = ("actors", "goals", "respondents", "flows")
ITEM_CLASSES: dict[str, type[BaseModel]] = {"actors": Actor, "goals": Goal, "respondents": Respondent, "flows": Flow}

#: The fields of a flow, in :class:`~valuenet.models.Flow` order: what a flow's tuple holds.
FLOW_FIELDS_ORDER: tuple[str, ...] = tuple(Flow.model_fields)
#: A flow as a plain tuple of :data:`FLOW_FIELDS_ORDER` (what writes compare, with no object per flow).
FlowTuple = tuple[Any, ...]

SIDES = ("gets", "gives")


def doc(item: BaseModel) -> str:
    """The exact JSON document kept on the nodes that keep one (the model header, goals)."""
    return item.model_dump_json(exclude_defaults=True)


def camel(prefix: str, key: str) -> str:
    """A camelCase property name for a user-chosen key (graph version 1's respondent properties).

    >>> camel("weight", "functional"), camel("attr", "age band"), camel("threshold", "time-pressure")
    ('weightFunctional', 'attrAgeBand', 'thresholdTimePressure')
    """
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", key) if p]
    return prefix + "".join(p[:1].upper() + p[1:] for p in parts)


def model_params(model: Model) -> dict[str, Any]:
    """Parameters of :data:`UPSERT_MODEL` for a model header."""
    declared = {d.id: d.description for d in model.dimensions}
    return {
        "id": model.id,
        "props": {
            "title": model.title,
            "description": model.description,
            "currency": model.currency,
            "scaleMin": model.scale.min,
            "scaleMax": model.scale.max,
            "scaleLabel": model.scale.label,
        },
        "dimensions": [
            {"model": model.id, "id": d, "ord": i, "standard": d in STANDARD_DIMENSIONS, "description": declared.get(d)}
            for i, d in enumerate(model.dimension_ids)
        ],
    }


# -- actors, goals, respondents ------------------------------------------------------------------------------
def _present(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def actor_props(model: str, a: Actor) -> dict[str, Any]:
    """An actor's node properties (absent values left out)."""
    return _present(
        {
            "model": model,
            "id": a.id,
            "name": a.name,
            "kind": a.kind,
            "description": a.description,
            "perspective": a.perspective,
            "segmentSize": a.segment_size,
            "fixedExpenses": a.fixed_expenses,
            "aliases": list(a.aliases) or None,
        }
    )


def actor_from(props: Mapping[str, Any]) -> Actor:
    """The actor a node's properties hold (the inverse of :func:`actor_props`)."""
    return Actor(
        id=props["id"],
        name=props["name"],
        kind=props["kind"],
        description=props.get("description"),
        perspective=props.get("perspective"),
        segment_size=props.get("segmentSize"),
        fixed_expenses=props.get("fixedExpenses"),
        aliases=list(props.get("aliases") or []),
    )


def goal_props(model: str, g: Goal) -> dict[str, Any]:
    return _present(
        {
            "model": model,
            "id": g.id,
            "title": g.title,
            "description": g.description,
            "customer": g.customer,
            "scenarios": [s.id for s in g.scenarios] or None,
            "doc": doc(g),
        }
    )


def scenario_rows(model: str, g: Goal) -> list[dict[str, Any]]:
    """Scenario node properties; ``removes`` is the JSON list of the scenario's removal entries (absent when none).

    >>> from valuenet.models import Removal, Scenario
    >>> g = Goal(id="g", title="G", scenarios=[Scenario(id="current"),
    ...          Scenario(id="next", based_on="current", removes=[Removal(actor="gp")])])
    >>> [row.get("removes") for row in scenario_rows("m", g)]
    [None, '[{"actor":"gp"}]']
    """
    import json

    return [
        _present(
            {
                "model": model,
                "goal": g.id,
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "basedOn": s.based_on,
                "removes": json.dumps([r.model_dump(exclude_none=True) for r in s.removes], separators=(",", ":"))
                if s.removes
                else None,
            }
        )
        for s in g.scenarios
    ]


def removal_rows(model: str, g: Goal) -> list[dict[str, Any]]:
    """``Removal`` node properties, one per entry of a scenario's ``removes``: where it is, and the fields it states.

    >>> from valuenet.models import Removal, Scenario
    >>> g = Goal(id="g", title="G", scenarios=[Scenario(id="current"), Scenario(id="next", based_on="current",
    ...          removes=[Removal(actor="gp"), Removal(respondent="r1", structural=False)])])
    >>> for row in removal_rows("m", g):
    ...     print(row)
    {'model': 'm', 'goal': 'g', 'scenario': 'next', 'index': 0, 'actor': 'gp'}
    {'model': 'm', 'goal': 'g', 'scenario': 'next', 'index': 1, 'respondent': 'r1', 'structural': False}
    """
    return [
        {"model": model, "goal": g.id, "scenario": s.id, "index": i, **r.model_dump(exclude_none=True)}
        for s in g.scenarios
        for i, r in enumerate(s.removes)
    ]


#: Prefixes of a respondent's per-key properties, followed by the exact dimension id or attribute key.
WEIGHT, THRESHOLD, ATTRIBUTE = "weight_", "threshold_", "attr_"


def respondent_props(model: str, r: Respondent) -> dict[str, Any]:
    """A respondent's node properties: its fields, and one property per weight, threshold and attribute.

    >>> from valuenet.models import Respondent
    >>> p = respondent_props("m", Respondent(id="r1", weights={"functional": 0.5}, attributes={"age band": "30s"}))
    >>> p["weight_functional"], p["attr_age band"], p["persona"]
    (0.5, '30s', False)
    """
    props: dict[str, Any] = _present(
        {
            "model": model,
            "id": r.id,
            "name": r.name,
            "persona": r.persona,
            "actor": r.actor,
            "segment": r.segment,
            "situation": r.situation,
            "worldview": r.worldview,
            "comparisons": list(r.comparisons) or None,
            "nps": r.nps,
            "churned": r.churned,
            "interview": r.interview,
        }
    )
    for key, value in r.attributes.items():
        props[ATTRIBUTE + key] = value
    for dim, w in r.weights.items():
        props[WEIGHT + dim] = w
    for dim, t in r.thresholds.items():
        props[THRESHOLD + dim] = t
    return props


def _ordered(found: dict[str, Any], order: Sequence[str]) -> dict[str, Any]:
    first = [k for k in order if k in found]
    return {k: found[k] for k in [*first, *sorted(k for k in found if k not in set(first))]}


def respondent_from(props: Mapping[str, Any], dimensions: Sequence[str] = ()) -> Respondent:
    """The respondent a node's properties hold (the inverse of :func:`respondent_props`).

    Weights and thresholds come back in the model's dimension order, attributes sorted by key (a
    node's properties have no order of their own).
    """
    weights = {k[len(WEIGHT) :]: v for k, v in props.items() if k.startswith(WEIGHT)}
    thresholds = {k[len(THRESHOLD) :]: v for k, v in props.items() if k.startswith(THRESHOLD)}
    attributes = {k[len(ATTRIBUTE) :]: v for k, v in props.items() if k.startswith(ATTRIBUTE)}
    return Respondent(
        id=props["id"],
        name=props.get("name"),
        persona=bool(props.get("persona", False)),
        actor=props.get("actor"),
        segment=props.get("segment"),
        attributes=_ordered(attributes, ()),
        weights=_ordered(weights, dimensions),
        thresholds=_ordered(thresholds, dimensions),
        situation=props.get("situation"),
        worldview=props.get("worldview"),
        comparisons=list(props.get("comparisons") or []),
        nps=props.get("nps"),
        churned=props.get("churned"),
        interview=props.get("interview"),
    )


def cares_rows(r: Respondent) -> list[dict[str, Any]]:
    dims = list(dict.fromkeys([*r.weights, *r.thresholds]))
    return [{"dimension": d, "weight": r.weights.get(d), "threshold": r.thresholds.get(d)} for d in dims]


def same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two property maps are equal, value types included (``True`` is not ``1``, ``2`` not ``2.0``)."""
    return a.keys() == b.keys() and all(type(v) is type(b[k]) and v == b[k] for k, v in a.items())


# -- flows: exchanges and lone flows -------------------------------------------------------------------------
def flow_tuple(f: Flow) -> FlowTuple:
    """A flow as a tuple of :data:`FLOW_FIELDS_ORDER`."""
    return tuple(getattr(f, name) for name in FLOW_FIELDS_ORDER)


_I = {name: i for i, name in enumerate(FLOW_FIELDS_ORDER)}
F_ID, F_GOAL, F_SCENARIO, F_SOURCE, F_TARGET, F_DIMENSION = (
    _I[n] for n in ("id", "goal", "scenario", "source", "target", "dimension")
)
F_MAGNITUDE, F_MONEY, F_OCCURRENCES, F_RESPONDENT, F_EXCHANGE = (
    _I[n] for n in ("magnitude", "money", "occurrences", "respondent", "exchange")
)


def _num(x: Any) -> float | None:
    return None if x is None else float(x)


def side_tuple(xid: str, side: str, common: Sequence[Any], magnitude: Any, money: Any) -> FlowTuple:
    """The flow of one side of an exchange, as a :data:`FlowTuple`.

    ``common`` holds what both sides share, in this order: goal, scenario, actor, dimension, occurrences,
    tangible, touchpoint, stage, quote, respondent, responsible, note, customer.
    """
    goal, scenario, actor, dimension, occ, tangible, touchpoint, stage, quote, respondent, responsible, note, cust = (
        common
    )
    source, target = (actor, cust) if side == "gets" else (cust, actor)
    return (
        f"{xid}:{side}",
        goal,
        scenario,
        source,
        target,
        dimension,
        _num(magnitude),
        _num(money),
        float(occ),
        tangible,
        touchpoint,
        stage,
        quote,
        respondent,
        responsible,
        xid,
        note,
    )


def fits(t: FlowTuple) -> tuple[str, str, tuple[Any, ...]] | None:
    """Where a flow goes in an exchange: its exchange id, side and shared fields; ``None`` when it is no side.

    >>> t = flow_tuple(Flow(id="x:gives", goal="g", source="me", target="shop", dimension="economic",
    ...                     magnitude=2, exchange="x"))
    >>> fits(t)[:2]
    ('x', 'gives')
    >>> fits(t[:1] + t[1:15] + (None,) + t[16:]) is None  # no exchange: a lone flow
    True
    """
    xid = t[F_EXCHANGE]
    if xid is None or (t[F_MAGNITUDE] is None and t[F_MONEY] is None):
        return None
    fid = t[F_ID]
    if fid == f"{xid}:gets":
        side, actor, customer = "gets", t[F_SOURCE], t[F_TARGET]
    elif fid == f"{xid}:gives":
        side, actor, customer = "gives", t[F_TARGET], t[F_SOURCE]
    else:
        return None
    goal, scenario, dim, occ, tangible, touchpoint, stage, quote, respondent, responsible, _x, note = (
        t[F_GOAL],
        t[F_SCENARIO],
        t[F_DIMENSION],
        t[F_OCCURRENCES],
        *t[F_OCCURRENCES + 1 :],
    )
    common = (goal, scenario, actor, dim, occ, tangible, touchpoint, stage, quote, respondent, responsible, note)
    return xid, side, (*common, customer)


class Element:
    """One stored exchange: its shared fields and, per side, the magnitude, money and key."""

    __slots__ = ("common", "key", "money", "size")

    def __init__(self, common: tuple[Any, ...]) -> None:
        self.common = common
        self.size: dict[str, Any] = {}  # side -> magnitude
        self.money: dict[str, Any] = {}
        self.key: dict[str, int] = {}

    def sides(self) -> list[str]:
        return [s for s in SIDES if s in self.key]

    def flow(self, xid: str, side: str) -> FlowTuple:
        return side_tuple(xid, side, self.common, self.size.get(side), self.money.get(side))


def exchange_props(model: str, xid: str, el: Element) -> dict[str, Any]:
    """The properties of an ``EXCHANGE`` relationship (absent values and ``occurrences`` 1 left out)."""
    goal, scenario, _actor, dimension, occ, tangible, touchpoint, stage, quote, _resp, responsible, note, cust = (
        el.common
    )
    props: dict[str, Any] = {"model": model, "id": xid, "goal": goal, "scenario": scenario, "dimension": dimension}
    props["customer"] = cust
    for side in SIDES:
        if side in el.key:
            if (m := el.size.get(side)) is not None:
                props[side] = float(m)
            if (money := el.money.get(side)) is not None:
                props[side + "Money"] = float(money)
    if float(occ) != 1.0:
        props["occurrences"] = float(occ)
    for name, value in (
        ("tangible", tangible),
        ("touchpoint", touchpoint),
        ("stage", stage),
        ("quote", quote),
        ("responsible", responsible),
        ("note", note),
    ):
        if value is not None:
            props[name] = value
    if "gets" in el.key:
        props["ord"] = el.key["gets"]
        if "gives" in el.key and el.key["gives"] != el.key["gets"] + 1:
            props["givesOrd"] = el.key["gives"]
    else:
        props["ord"] = el.key["gives"]
    return props


def element_from(actor: str, respondent: str | None, p: Mapping[str, Any]) -> Element:
    """A stored exchange from its relationship's properties and its two ends (the inverse of :func:`exchange_props`)."""
    el = Element(
        (
            p["goal"],
            p["scenario"],
            actor,
            p["dimension"],
            p.get("occurrences", 1.0),
            p.get("tangible"),
            p.get("touchpoint"),
            p.get("stage"),
            p.get("quote"),
            respondent,
            p.get("responsible"),
            p.get("note"),
            p["customer"],
        )
    )
    has_gets = p.get("gets") is not None or p.get("getsMoney") is not None
    if has_gets:
        el.key["gets"] = p["ord"]
        el.size["gets"], el.money["gets"] = p.get("gets"), p.get("getsMoney")
    if p.get("gives") is not None or p.get("givesMoney") is not None:
        gives_ord = p.get("givesOrd")
        el.key["gives"] = gives_ord if gives_ord is not None else p["ord"] + 1 if has_gets else p["ord"]
        el.size["gives"], el.money["gives"] = p.get("gives"), p.get("givesMoney")
    return el


#: A lone flow's relationship properties: every field of the flow but its giver and receiver (its two ends).
_LONE = {name: name for name in FLOW_FIELDS_ORDER if name not in ("source", "target")}


def lone_props(model: str, t: FlowTuple, key: int) -> dict[str, Any]:
    """The properties of a ``FLOW`` relationship (absent values and ``occurrences`` 1 left out)."""
    props: dict[str, Any] = {"model": model}
    for name, i in _I.items():
        if name in _LONE and (v := t[i]) is not None:
            props[name] = float(v) if name in ("magnitude", "money") else v
    if props.get("occurrences") == 1.0:
        del props["occurrences"]
    else:
        props["occurrences"] = float(props["occurrences"])
    props["ord"] = key
    return props


def lone_from(source: str, target: str, p: Mapping[str, Any]) -> FlowTuple:
    """A lone flow from its relationship (the inverse of :func:`lone_props`)."""
    return tuple(
        source
        if name == "source"
        else target
        if name == "target"
        else p.get(name, 1.0)
        if name == "occurrences"
        else p.get(name)
        for name in FLOW_FIELDS_ORDER
    )


def flow_from(t: FlowTuple) -> Flow:
    """A validated flow from a tuple."""
    return Flow.model_validate(dict(zip(FLOW_FIELDS_ORDER, t, strict=True)))


def value_key(t: FlowTuple) -> tuple[str, str, str, str, str]:
    """The ``VALUE`` relationship a flow counts towards: goal, scenario, giver, receiver, dimension."""
    return (t[F_GOAL], t[F_SCENARIO], t[F_SOURCE], t[F_TARGET], t[F_DIMENSION])


def add_value(deltas: dict[tuple[str, ...], list[float]], t: FlowTuple, sign: int) -> None:
    """Count a flow into (``sign`` 1) or out of (-1) the deltas of its ``VALUE``: sum, n, money, flows."""
    d = deltas.setdefault(value_key(t), [0.0, 0, 0.0, 0])
    m, money = t[F_MAGNITUDE], t[F_MONEY]
    if m is not None:
        d[0] += sign * float(m)
        d[1] += sign
    if money is not None:
        d[2] += sign * float(money) * float(t[F_OCCURRENCES])
    d[3] += sign


def value_rows(deltas: Mapping[tuple[str, ...], list[float]]) -> list[dict[str, Any]]:
    return [
        {"goal": k[0], "scenario": k[1], "source": k[2], "target": k[3], "dimension": k[4], "d": d}
        for k, d in deltas.items()
        if d[3] or d[1] or d[0] or d[2]
    ]


# -- Cypher ----------------------------------------------------------------------------------------
# $model is the model id everywhere.

UPSERT_MODEL = """
MERGE (m:Model {id: $id})
WITH m, m.doc AS before, m.schemaVersion AS version
SET m += $props, m.doc = $doc, m.schemaVersion = $schemaVersion, m.nextOrd = coalesce(m.nextOrd, 0)
WITH m, before, version
CALL (m) {
  UNWIND $dimensions AS d
  MERGE (x:Dimension {model: d.model, id: d.id})
  SET x += d
  MERGE (m)-[:HAS_DIMENSION]->(x)
}
RETURN before, version
"""

MODEL_VERSION = "MATCH (m:Model {id: $id}) RETURN m.schemaVersion AS version, m.doc AS doc"

RESERVE_ORD = """
MATCH (m:Model {id: $model}) USING INDEX SEEK m:Model(id)
SET m.nextOrd = m.nextOrd + $n
RETURN m.nextOrd - $n AS base, coalesce(m.loneFlows, false) AS lone
"""

MARK_LONE = "MATCH (m:Model {id: $model}) USING INDEX SEEK m:Model(id) SET m.loneFlows = true"

# Every statement that finds nodes by (model, id) seeks the index of that pair (the uniqueness constraint's
# index, see ``cypher/schema.cypher``): ``USING INDEX SEEK``. Unhinted, a statement planned while its label was
# empty keeps, from the plan cache, a plan that scans, and writes grow quadratic. ``KEY_INDEX`` names the
# indexes; the tests check that they exist and that plans seek them.
KEY_INDEX = {
    "Actor": "actor_key",
    "Goal": "goal_key",
    "Respondent": "respondent_key",
    "Dimension": "dimension_key",
    "EXCHANGE": "exchange_key",
    "FLOW": "lone_flow_key",
}
LABELS = {"actors": "Actor", "goals": "Goal", "respondents": "Respondent"}


def by_key(var: str, label: str) -> str:
    """The hint that makes ``(var:label {model: ..., id: ...})`` a seek of the (model, id) index.

    >>> by_key("n", "Actor")
    'USING INDEX SEEK n:Actor(model, id)'
    """
    assert label in KEY_INDEX, label
    return f"USING INDEX SEEK {var}:{label}(model, id)"


LOOKUP = {
    kind: f"UNWIND $ids AS id MATCH (n:{label} {{model: $model, id: id}}) {by_key('n', label)} "
    "WHERE n.ord IS NOT NULL RETURN n.id AS id, properties(n) AS props"
    for kind, label in LABELS.items()
}
LOOKUP["goals"] = (
    f"UNWIND $ids AS id MATCH (n:Goal {{model: $model, id: id}}) {by_key('n', 'Goal')} RETURN n.id AS id, n.doc AS doc"
)

#: Stored exchanges by id, with their ends.
LOOKUP_EXCHANGES = f"""
UNWIND $ids AS id
MATCH (a)-[x:EXCHANGE {{model: $model, id: id}}]->(o) {by_key("x", "EXCHANGE")}
RETURN x.id AS id, a.id AS actor, CASE WHEN o:Respondent THEN o.id END AS respondent, properties(x) AS props
"""
#: Stored lone flows by id, with their ends.
LOOKUP_LONE = f"""
UNWIND $ids AS id
MATCH (s)-[f:FLOW {{model: $model, id: id}}]->(t) {by_key("f", "FLOW")}
RETURN f.id AS id, s.id AS source, t.id AS target, properties(f) AS props
"""

# Before a goal or respondent changes, drop the nodes and relationships that the upsert derives from it.
DETACH = {
    "goals": "UNWIND $ids AS id MATCH (n:Goal {model: $model, id: id})-[:HAS_SCENARIO]->(s:Scenario) "
    f"{by_key('n', 'Goal')} OPTIONAL MATCH (s)-[:REMOVES]->(x:Removal) DETACH DELETE x, s",
    "respondents": "UNWIND $ids AS id MATCH (n:Respondent {model: $model, id: id})-[r:CARES_ABOUT]->() "
    f"{by_key('n', 'Respondent')} DELETE r",
}

UPSERT = {
    "actors": """
MATCH (m:Model {id: $model}) USING INDEX SEEK m:Model(id)
UNWIND $rows AS row
MERGE (n:Actor {model: $model, id: row.props.id})
WITH m, n, row, coalesce(n.ord, $base + row.i) AS ord
SET n = row.props, n.ord = ord
MERGE (m)-[:HAS_ACTOR]->(n)
""",
    "goals": """
MATCH (m:Model {id: $model}) USING INDEX SEEK m:Model(id)
UNWIND $rows AS row
MERGE (n:Goal {model: $model, id: row.props.id})
WITH m, n, row, coalesce(n.ord, $base + row.i) AS ord
SET n = row.props, n.ord = ord
MERGE (m)-[:HAS_GOAL]->(n)
WITH n, row
CALL (n, row) {
  UNWIND row.scenarios AS sc
  MERGE (s:Scenario {model: sc.model, goal: sc.goal, id: sc.id})
  SET s = sc
  MERGE (n)-[:HAS_SCENARIO]->(s)
  WITH s, row
  // A changed goal's scenarios and their removal entries were deleted (DETACH): the entries are created whole.
  UNWIND [x IN row.removals WHERE x.scenario = s.id] AS x
  CREATE (s)-[:REMOVES]->(r:Removal)
  SET r = x
}
""",
    "respondents": """
MATCH (m:Model {id: $model}) USING INDEX SEEK m:Model(id)
UNWIND $rows AS row
MERGE (n:Respondent {model: $model, id: row.props.id})
WITH m, n, row, coalesce(n.ord, $base + row.i) AS ord
SET n = row.props, n.ord = ord
MERGE (m)-[:HAS_RESPONDENT]->(n)
WITH n, row
CALL (n, row) {
  UNWIND row.cares AS c
  MATCH (d:Dimension {model: $model, id: c.dimension}) USING INDEX SEEK d:Dimension(model, id)
  MERGE (n)-[r:CARES_ABOUT]->(d)
  SET r.weight = c.weight, r.threshold = c.threshold
}
""",
}

# New exchanges and lone flows. The actors and respondents a statement's rows name are found (or, when the model
# does not hold them, made as nodes with only model and id) once per statement, not once per row: rows carry
# their positions in $actors and $respondents (``a`` the actor, ``c`` the customer, ``r`` the respondent; ``s``
# and ``t`` a lone flow's ends). Each relationship is created outright: no MERGE, no index seek per row.
_ENDS = """
CALL () {
  UNWIND $actors AS id MERGE (a:Actor {model: $model, id: id})
  RETURN collect(a) AS actors
}
CALL () {
  UNWIND $respondents AS id MERGE (r:Respondent {model: $model, id: id})
  RETURN collect(r) AS people
}
"""
CREATE_EXCHANGES = (
    _ENDS
    + """
UNWIND $rows AS row
WITH actors[row.a] AS a, CASE WHEN row.r IS NULL THEN actors[row.c] ELSE people[row.r] END AS o, row
CREATE (a)-[x:EXCHANGE]->(o)
SET x = row.p
"""
)
CREATE_LONE = (
    _ENDS
    + """
UNWIND $rows AS row
WITH actors[row.s] AS s, actors[row.t] AS t, row
CREATE (s)-[f:FLOW]->(t)
SET f = row.p
"""
)
#: Changed exchanges whose ends are unchanged: their properties replaced.
SET_EXCHANGES = f"""
UNWIND $rows AS row
MATCH ()-[x:EXCHANGE {{model: $model, id: row.p.id}}]->() {by_key("x", "EXCHANGE")}
SET x = row.p
"""
SET_LONE = f"""
UNWIND $rows AS row
MATCH ()-[f:FLOW {{model: $model, id: row.p.id}}]->() {by_key("f", "FLOW")}
SET f = row.p
"""
DELETE_EXCHANGES = f"""
UNWIND $ids AS id
MATCH ()-[x:EXCHANGE {{model: $model, id: id}}]->() {by_key("x", "EXCHANGE")}
DELETE x
"""
DELETE_LONE = f"""
UNWIND $ids AS id
MATCH ()-[f:FLOW {{model: $model, id: id}}]->() {by_key("f", "FLOW")}
DELETE f
"""

#: The aggregate of each pair of actors per goal, scenario and dimension, moved by what a transaction changed.
#: ``d`` is [sum of magnitudes, how many have one, money (per occurrence times occurrences), flows].
UPDATE_VALUES = """
UNWIND $rows AS row
MERGE (a:Actor {model: $model, id: row.source})
MERGE (b:Actor {model: $model, id: row.target})
MERGE (a)-[v:VALUE {goal: row.goal, scenario: row.scenario, dimension: row.dimension}]->(b)
ON CREATE SET v.model = $model, v.sum = 0.0, v.n = 0, v.money = 0.0, v.flows = 0
WITH v, row.d AS d
SET v.n = v.n + d[1], v.flows = v.flows + d[3]
SET v.sum = CASE WHEN v.n = 0 THEN 0.0 ELSE v.sum + d[0] END,
    v.money = CASE WHEN v.flows = 0 THEN 0.0 ELSE v.money + d[2] END
SET v.mean = CASE WHEN v.n > 0 THEN v.sum / v.n END
WITH v WHERE v.flows <= 0
DELETE v
"""

#: Actor and respondent nodes that only stood for names flows used, once nothing uses them.
DROP_STUBS = """
CALL () {
  MATCH (n:Actor {model: $model}) WHERE n.ord IS NULL AND NOT EXISTS { (n)--() } DELETE n
}
CALL () {
  MATCH (n:Respondent {model: $model}) WHERE n.ord IS NULL AND NOT EXISTS { (n)--() } DELETE n
}
"""

# Removing an actor or respondent that flows still name leaves a node with only model and id (see DROP_STUBS).
_STRIP = """
WITH n
OPTIONAL MATCH (n)-[r:HAS_ACTOR|HAS_RESPONDENT|CARES_ABOUT]-()
DELETE r
WITH DISTINCT n
SET n = {model: n.model, id: n.id}
WITH n WHERE NOT EXISTS { (n)--() }
DELETE n
"""
REMOVE = {
    "actors": f"UNWIND $ids AS id MATCH (n:Actor {{model: $model, id: id}}) {by_key('n', 'Actor')}" + _STRIP,
    "goals": f"UNWIND $ids AS id MATCH (n:Goal {{model: $model, id: id}}) {by_key('n', 'Goal')} "
    "OPTIONAL MATCH (n)-[:HAS_SCENARIO]->(s:Scenario) OPTIONAL MATCH (s)-[:REMOVES]->(x:Removal) "
    "DETACH DELETE x, s, n",
    "respondents": f"UNWIND $ids AS id MATCH (n:Respondent {{model: $model, id: id}}) {by_key('n', 'Respondent')}"
    + _STRIP,
}

IDS = {
    "actors": "MATCH (n:Actor {model: $model}) WHERE n.ord IS NOT NULL RETURN n.id AS id",
    "goals": "MATCH (n:Goal {model: $model}) RETURN n.id AS id",
    "respondents": "MATCH (n:Respondent {model: $model}) WHERE n.ord IS NOT NULL RETURN n.id AS id",
}

#: Every stored exchange of a model, with its ends (reached from the model's actors: every exchange starts at one).
READ_EXCHANGES = """
MATCH (a:Actor {model: $model})-[x:EXCHANGE]->(o)
RETURN a.id AS actor, CASE WHEN o:Respondent THEN o.id END AS respondent, properties(x) AS props
"""
READ_LONE = """
MATCH (s:Actor {model: $model})-[f:FLOW]->(t)
RETURN s.id AS source, t.id AS target, properties(f) AS props
"""
#: The exchanges and lone flows that respondents reported.
RESPONDENT_EXCHANGES = """
UNWIND $respondents AS rid
MATCH (:Respondent {model: $model, id: rid})<-[x:EXCHANGE]-(a)
RETURN a.id AS actor, rid AS respondent, properties(x) AS props
"""
RESPONDENT_LONE = """
MATCH (s:Actor {model: $model})-[f:FLOW]->(t) WHERE f.respondent IN $respondents
RETURN s.id AS source, t.id AS target, properties(f) AS props
"""

READ_ITEMS = {
    "actors": "MATCH (n:Actor {model: $model}) WHERE n.ord IS NOT NULL RETURN properties(n) AS props ORDER BY n.ord",
    "goals": "MATCH (n:Goal {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
    "respondents": "MATCH (n:Respondent {model: $model}) WHERE n.ord IS NOT NULL "
    "RETURN properties(n) AS props ORDER BY n.ord",
}

#: How each column of ``valuenet.flowcolumns.COLUMNS`` is read from an exchange (``x``) and a lone flow (``f``).
EXCHANGE_COLUMNS = {
    "scenario": "x.scenario",
    "respondent": "CASE WHEN o:Respondent THEN o.id END",
    "dimension": "x.dimension",
    "occurrences": "x.occurrences",
    "touchpoint": "x.touchpoint",
    "stage": "x.stage",
    "responsible": "x.responsible",
    "quoted": "x.quote IS NOT NULL",
}
LONE_COLUMNS = {
    "key": "f.ord",
    "scenario": "f.scenario",
    "respondent": "f.respondent",
    "source": "s.id",
    "target": "t.id",
    "dimension": "f.dimension",
    "magnitude": "f.magnitude",
    "money": "f.money",
    "occurrences": "f.occurrences",
    "touchpoint": "f.touchpoint",
    "stage": "f.stage",
    "responsible": "f.responsible",
    "quoted": "f.quote IS NOT NULL",
}
#: The columns every exchange row starts with, before those of :data:`EXCHANGE_COLUMNS` asked for.
EXCHANGE_HEAD = "a.id, x.customer, x.gets, x.gives, x.getsMoney, x.givesMoney, x.ord, x.givesOrd"


def read_exchange_columns(columns: Iterable[str]) -> str:
    """The query streaming one goal's exchanges: :data:`EXCHANGE_HEAD`, then ``columns`` (fixed text only)."""
    extra = "".join(f", {EXCHANGE_COLUMNS[c]}" for c in columns)
    return (
        "MATCH (a:Actor {model: $model})-[x:EXCHANGE]->(o) WHERE x.goal = $goal AND x.scenario IN $scenarios "
        f"RETURN {EXCHANGE_HEAD}{extra}"
    )


def read_lone_columns(columns: Iterable[str]) -> str:
    """The query streaming one goal's lone flows as the engine's ``columns``."""
    returned = ", ".join(LONE_COLUMNS[c] for c in columns)
    return (
        "MATCH (s:Actor {model: $model})-[f:FLOW]->(t) WHERE f.goal = $goal AND f.scenario IN $scenarios "
        f"RETURN {returned}"
    )


READ_EXCHANGES_BY_KEY = """
MATCH (a:Actor {model: $model})-[x:EXCHANGE]->(o)
WHERE x.ord IN $keys OR x.givesOrd IN $keys OR x.ord + 1 IN $keys
RETURN a.id AS actor, CASE WHEN o:Respondent THEN o.id END AS respondent, properties(x) AS props
"""
READ_LONE_BY_KEY = """
MATCH (s:Actor {model: $model})-[f:FLOW]->(t) WHERE f.ord IN $keys
RETURN s.id AS source, t.id AS target, properties(f) AS props
"""

LIST_MODELS = """
MATCH (m:Model)
RETURN m.id AS id, m.title AS title, m.schemaVersion AS version,
       COUNT { MATCH (n:Actor {model: m.id}) WHERE n.ord IS NOT NULL } AS actors,
       COUNT { MATCH (n:Goal {model: m.id}) } AS goals,
       COUNT { MATCH (n:Respondent {model: m.id}) WHERE n.ord IS NOT NULL } AS respondents,
       COUNT { MATCH (:Actor {model: m.id})-[x:EXCHANGE]->() WHERE x.gets IS NOT NULL OR x.getsMoney IS NOT NULL }
       + COUNT { MATCH (:Actor {model: m.id})-[x:EXCHANGE]->() WHERE x.gives IS NOT NULL OR x.givesMoney IS NOT NULL }
       + COUNT { MATCH (:Actor {model: m.id})-[:FLOW]->() } AS flows
ORDER BY id
"""

MODEL_IDS = "MATCH (m:Model) RETURN m.id AS id ORDER BY id"

# Deleting a model: its items a slice at a time, so no transaction grows without bound.
DELETE_SLICE = {
    "exchanges": "MATCH (:Actor {model: $model})-[x:EXCHANGE]->() WITH x LIMIT $limit DELETE x RETURN count(*) AS n",
    "lone": "MATCH (:Actor {model: $model})-[x:FLOW]->() WITH x LIMIT $limit DELETE x RETURN count(*) AS n",
    "values": "MATCH (:Actor {model: $model})-[x:VALUE]->() WITH x LIMIT $limit DELETE x RETURN count(*) AS n",
    "respondents": "MATCH (n:Respondent {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "removals": "MATCH (n:Removal {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "scenarios": "MATCH (n:Scenario {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "goals": "MATCH (n:Goal {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "actors": "MATCH (n:Actor {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "dimensions": "MATCH (n:Dimension {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
}
DELETE_MODEL = "MATCH (m:Model {id: $model}) DETACH DELETE m RETURN count(*) AS n"
