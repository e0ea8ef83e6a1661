"""How a model is laid out in Neo4j: the rows sent to the server and the Cypher that writes them.

The graph, as analysts see it (every node carries ``model`` and ``id``; the
pair is unique per label, see ``cypher/schema.cypher``)::

    (:Model)-[:HAS_ACTOR]->(:Actor)
    (:Model)-[:HAS_GOAL]->(:Goal)-[:HAS_SCENARIO]->(:Scenario)-[:REMOVES]->(:Removal)
    (:Model)-[:HAS_RESPONDENT]->(:Respondent)-[:CARES_ABOUT {weight, threshold}]->(:Dimension)
    (:Model)-[:HAS_DIMENSION]->(:Dimension)
    (:Actor)-[:GIVES]->(:Flow)-[:TO]->(:Actor)
    (:Flow)-[:IN_GOAL]->(:Goal)
    (:Respondent)-[:REPORTED]->(:Flow)
    (:Flow)-[:RESPONSIBLE]->(:Actor)

Each entry of a scenario's ``removes`` is a ``Removal`` node with the fields it
states (and ``model``, ``goal``, ``scenario``, ``index``), so Cypher can resolve
``based_on`` without parsing JSON.

Labels and relationship types are literals in the statements below; every
value is a parameter. Each node also keeps ``doc``, the item's exact JSON, and
``ord``, the position at which it was first written, so a model reads back
exactly as it was written. Property names are camelCase; a respondent's
weights, thresholds and attributes become ``weight<Dimension>``,
``threshold<Dimension>`` and ``attr<Key>`` properties.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

from valuenet.models import STANDARD_DIMENSIONS, Actor, Flow, Goal, Model, Respondent

#: The version of this layout, kept on every ``Model`` node as ``schemaVersion``.
SCHEMA_VERSION = 1

#: Item kinds in the order they are written in a transaction (actors before the flows that use them).
KINDS: tuple[str, ...] = ("actors", "goals", "respondents", "flows")
ITEM_CLASSES: dict[str, type[BaseModel]] = {"actors": Actor, "goals": Goal, "respondents": Respondent, "flows": Flow}


def doc(item: BaseModel) -> str:
    """The exact JSON document kept on every node (the same one the SQLite store keeps)."""
    return item.model_dump_json(exclude_defaults=True)


def camel(prefix: str, key: str) -> str:
    """A camelCase property name for a user-chosen key.

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


def _actor(model: str, a: Actor) -> dict[str, Any]:
    return {
        "model": model,
        "id": a.id,
        "name": a.name,
        "kind": a.kind,
        "description": a.description,
        "perspective": a.perspective,
        "segmentSize": a.segment_size,
        "fixedExpenses": a.fixed_expenses,
        "aliases": a.aliases or None,
    }


def _goal(model: str, g: Goal) -> dict[str, Any]:
    return {
        "model": model,
        "id": g.id,
        "title": g.title,
        "description": g.description,
        "customer": g.customer,
        "scenarios": [s.id for s in g.scenarios] or None,
    }


def _scenarios(model: str, g: Goal) -> list[dict[str, Any]]:
    """Scenario node properties; ``removes`` is the JSON list of the scenario's removal entries (absent when none).

    >>> from valuenet.models import Removal, Scenario
    >>> g = Goal(id="g", title="G", scenarios=[Scenario(id="current"),
    ...          Scenario(id="next", based_on="current", removes=[Removal(actor="gp")])])
    >>> [row.get("removes") for row in _scenarios("m", g)]
    [None, '[{"actor":"gp"}]']
    """
    return [
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
        for s in g.scenarios
    ]


def _removals(model: str, g: Goal) -> list[dict[str, Any]]:
    """``Removal`` node properties, one per entry of a scenario's ``removes``: where it is, and the fields it states.

    ``index`` is the entry's position in its scenario's list; a field the entry leaves out is not set.

    >>> from valuenet.models import Removal, Scenario
    >>> g = Goal(id="g", title="G", scenarios=[Scenario(id="current"), Scenario(id="next", based_on="current",
    ...          removes=[Removal(actor="gp"), Removal(respondent="r1", structural=False)])])
    >>> for row in _removals("m", g):
    ...     print(row)
    {'model': 'm', 'goal': 'g', 'scenario': 'next', 'index': 0, 'actor': 'gp'}
    {'model': 'm', 'goal': 'g', 'scenario': 'next', 'index': 1, 'respondent': 'r1', 'structural': False}
    """
    return [
        {"model": model, "goal": g.id, "scenario": s.id, "index": i, **r.model_dump(exclude_none=True)}
        for s in g.scenarios
        for i, r in enumerate(s.removes)
    ]


def _respondent(model: str, r: Respondent) -> dict[str, Any]:
    props: dict[str, Any] = {
        "model": model,
        "id": r.id,
        "name": r.name,
        "persona": r.persona,
        "actor": r.actor,
        "segment": r.segment,
        "situation": r.situation,
        "worldview": r.worldview,
        "comparisons": r.comparisons or None,
        "nps": r.nps,
        "churned": r.churned,
        "interview": r.interview,
    }
    for key, value in r.attributes.items():
        props.setdefault(camel("attr", key), value)
    for dim, w in r.weights.items():
        props.setdefault(camel("weight", dim), w)
    for dim, t in r.thresholds.items():
        props.setdefault(camel("threshold", dim), t)
    return props


def _cares(r: Respondent) -> list[dict[str, Any]]:
    dims = list(dict.fromkeys([*r.weights, *r.thresholds]))
    return [{"dimension": d, "weight": r.weights.get(d), "threshold": r.thresholds.get(d)} for d in dims]


def _flow(model: str, f: Flow) -> dict[str, Any]:
    return {
        "model": model,
        "id": f.id,
        "goal": f.goal,
        "scenario": f.scenario,
        "source": f.source,
        "target": f.target,
        "dimension": f.dimension,
        "magnitude": f.magnitude,
        "money": f.money,
        "occurrences": f.occurrences,
        "moneyTotal": None if f.money is None else f.money * f.occurrences,
        "tangible": f.tangible,
        "touchpoint": f.touchpoint,
        "stage": f.stage,
        "quote": f.quote,
        "respondent": f.respondent,
        "responsible": f.responsible,
        "exchange": f.exchange,
        "note": f.note,
    }


def item_row(kind: str, model: str, item: Any, index: int, text: str) -> dict[str, Any]:
    """The row that :data:`UPSERT` writes for one item: its properties, its JSON and its position."""
    if kind == "actors":
        props = _actor(model, item)
    elif kind == "goals":
        props = _goal(model, item)
    elif kind == "respondents":
        props = _respondent(model, item)
    else:
        props = _flow(model, item)
    props["doc"] = text
    # Absent values are left out: ``SET n = props`` would not store them anyway, and they cost bytes on the wire.
    row: dict[str, Any] = {"i": index, "props": {k: v for k, v in props.items() if v is not None}}
    if kind == "goals":
        row["scenarios"] = _scenarios(model, item)
        row["removals"] = _removals(model, item)
    elif kind == "respondents":
        row["cares"] = _cares(item)
    return row


# -- Cypher ----------------------------------------------------------------------------------------
# $model is the model id everywhere. Rows carry "i" (position in the batch), "props" and per-kind extras.

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
RETURN m.nextOrd - $n AS base
"""

HAS_FLOWS = "RETURN EXISTS { MATCH (f:Flow {model: $model}) } AS has"

# Every statement that finds nodes by (model, id) seeks the index of that pair (the uniqueness constraint's
# index, see ``cypher/schema.cypher``): ``USING INDEX SEEK``. Unhinted, a statement planned while its label was
# empty (or while the index's statistics still said so) keeps, from the plan cache, a plan that reads the
# model's whole index once per id, and writes grow quadratic (10,000 flows against 40,000 stored took two
# minutes, a tenth of a second hinted). ``USING INDEX`` alone is not enough: it is met by a scan of the same
# index once per id. ``KEY_INDEX`` names the indexes; the tests check that they exist and that plans seek them.
KEY_INDEX = {
    "Actor": "actor_key",
    "Goal": "goal_key",
    "Respondent": "respondent_key",
    "Flow": "flow_key",
    "Dimension": "dimension_key",
}
LABELS = {"actors": "Actor", "goals": "Goal", "respondents": "Respondent", "flows": "Flow"}


def by_key(var: str, label: str) -> str:
    """The hint that makes ``(var:label {model: ..., id: ...})`` a seek of the (model, id) index.

    >>> by_key("n", "Flow")
    'USING INDEX SEEK n:Flow(model, id)'
    """
    assert label in KEY_INDEX, label
    return f"USING INDEX SEEK {var}:{label}(model, id)"


LOOKUP = {
    kind: f"UNWIND $ids AS id MATCH (n:{label} {{model: $model, id: id}}) {by_key('n', label)} "
    "RETURN n.id AS id, n.doc AS doc"
    for kind, label in LABELS.items()
}

# Before an item changes, drop the relationships that the upsert derives from it.
DETACH = {
    "goals": "UNWIND $ids AS id MATCH (n:Goal {model: $model, id: id})-[:HAS_SCENARIO]->(s:Scenario) "
    f"{by_key('n', 'Goal')} OPTIONAL MATCH (s)-[:REMOVES]->(x:Removal) DETACH DELETE x, s",
    "respondents": "UNWIND $ids AS id MATCH (n:Respondent {model: $model, id: id})-[r:CARES_ABOUT]->() "
    f"{by_key('n', 'Respondent')} DELETE r",
    "flows": "UNWIND $ids AS id MATCH (n:Flow {model: $model, id: id})-[r:GIVES|TO|IN_GOAL|REPORTED|RESPONSIBLE]-() "
    f"{by_key('n', 'Flow')} DELETE r",
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
    "flows": """
UNWIND $rows AS row
MERGE (n:Flow {model: $model, id: row.props.id})
WITH n, row, coalesce(n.ord, $base + row.i) AS ord
SET n = row.props, n.ord = ord
WITH n
CALL (n) { MATCH (a:Actor {model: $model, id: n.source}) USING INDEX SEEK a:Actor(model, id) MERGE (a)-[:GIVES]->(n) }
CALL (n) { MATCH (a:Actor {model: $model, id: n.target}) USING INDEX SEEK a:Actor(model, id) MERGE (n)-[:TO]->(a) }
CALL (n) { MATCH (g:Goal {model: $model, id: n.goal}) USING INDEX SEEK g:Goal(model, id) MERGE (n)-[:IN_GOAL]->(g) }
CALL (n) {
  MATCH (r:Respondent {model: $model, id: n.respondent}) USING INDEX SEEK r:Respondent(model, id)
  MERGE (r)-[:REPORTED]->(n)
}
CALL (n) {
  MATCH (a:Actor {model: $model, id: n.responsible}) USING INDEX SEEK a:Actor(model, id)
  MERGE (n)-[:RESPONSIBLE]->(a)
}
""",
}

# New flows (the write's lookup found none, under the lock on the model node). The actors, goals and
# respondents they name are looked up once per statement, not once per row: rows carry their positions in
# $actors, $goals and $respondents (see :func:`flow_refs`), ``[node]`` so that a missing one keeps its place
# as ``[null]``. A new node has no relationships yet, so each is created, not merged; one that names an item
# not written yet gets none (RELINK adds it when the item arrives). No MERGE, no per-row index seek.
CREATE_FLOWS = """
CALL () {
  UNWIND $actors AS id OPTIONAL MATCH (a:Actor {model: $model, id: id}) USING INDEX SEEK a:Actor(model, id)
  RETURN collect([a]) AS actors
}
CALL () {
  UNWIND $goals AS id OPTIONAL MATCH (g:Goal {model: $model, id: id}) USING INDEX SEEK g:Goal(model, id)
  RETURN collect([g]) AS goals
}
CALL () {
  UNWIND $respondents AS id
  OPTIONAL MATCH (r:Respondent {model: $model, id: id}) USING INDEX SEEK r:Respondent(model, id)
  RETURN collect([r]) AS people
}
UNWIND $rows AS row
CREATE (n:Flow)
SET n = row.props
WITH n, actors[row.s][0] AS s, actors[row.t][0] AS t, goals[row.g][0] AS g, people[row.r][0] AS r,
     actors[row.p][0] AS p
FOREACH (x IN CASE WHEN s IS NULL THEN [] ELSE [s] END | CREATE (x)-[:GIVES]->(n))
FOREACH (x IN CASE WHEN t IS NULL THEN [] ELSE [t] END | CREATE (n)-[:TO]->(x))
FOREACH (x IN CASE WHEN g IS NULL THEN [] ELSE [g] END | CREATE (n)-[:IN_GOAL]->(x))
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [r] END | CREATE (x)-[:REPORTED]->(n))
FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | CREATE (n)-[:RESPONSIBLE]->(x))
"""


def flow_refs(rows: list[dict[str, Any]], base: int) -> dict[str, list[str]]:
    """Prepare rows of new flows for :data:`CREATE_FLOWS`; its ``$actors``, ``$goals`` and ``$respondents``.

    Each row gets its ``ord`` (``base`` plus its position) among its properties and the positions
    ``s``, ``t``, ``g``, ``r``, ``p`` of its source, target, goal, respondent and responsible actor in
    the returned lists (absent when the flow names none).
    """
    lists: dict[str, dict[str, int]] = {"actors": {}, "goals": {}, "respondents": {}}
    for row in rows:
        props = row["props"]
        props["ord"] = base + row["i"]
        for key, field, kind in (
            ("s", "source", "actors"),
            ("t", "target", "actors"),
            ("g", "goal", "goals"),
            ("r", "respondent", "respondents"),
            ("p", "responsible", "actors"),
        ):
            ref = props.get(field)
            if ref is not None:
                seen = lists[kind]
                row[key] = seen.setdefault(ref, len(seen))
    return {kind: list(seen) for kind, seen in lists.items()}


# When an actor, goal or respondent arrives after flows that name it, connect those flows to it.
RELINK = {
    "actors": """
MATCH (f:Flow {model: $model}) WHERE f.source IN $ids OR f.target IN $ids OR f.responsible IN $ids
CALL (f) { MATCH (a:Actor {model: $model, id: f.source}) USING INDEX SEEK a:Actor(model, id) MERGE (a)-[:GIVES]->(f) }
CALL (f) { MATCH (a:Actor {model: $model, id: f.target}) USING INDEX SEEK a:Actor(model, id) MERGE (f)-[:TO]->(a) }
CALL (f) {
  MATCH (a:Actor {model: $model, id: f.responsible}) USING INDEX SEEK a:Actor(model, id)
  MERGE (f)-[:RESPONSIBLE]->(a)
}
""",
    "goals": """
MATCH (f:Flow {model: $model}) WHERE f.goal IN $ids
MATCH (g:Goal {model: $model, id: f.goal}) USING INDEX SEEK g:Goal(model, id)
MERGE (f)-[:IN_GOAL]->(g)
""",
    "respondents": """
MATCH (f:Flow {model: $model}) WHERE f.respondent IN $ids
MATCH (r:Respondent {model: $model, id: f.respondent}) USING INDEX SEEK r:Respondent(model, id)
MERGE (r)-[:REPORTED]->(f)
""",
}

REMOVE = {
    "actors": f"UNWIND $ids AS id MATCH (n:Actor {{model: $model, id: id}}) {by_key('n', 'Actor')} DETACH DELETE n",
    "goals": f"UNWIND $ids AS id MATCH (n:Goal {{model: $model, id: id}}) {by_key('n', 'Goal')} "
    "OPTIONAL MATCH (n)-[:HAS_SCENARIO]->(s:Scenario) OPTIONAL MATCH (s)-[:REMOVES]->(x:Removal) "
    "DETACH DELETE x, s, n",
    "respondents": "UNWIND $ids AS id MATCH (n:Respondent {model: $model, id: id}) "
    f"{by_key('n', 'Respondent')} DETACH DELETE n",
    "flows": f"UNWIND $ids AS id MATCH (n:Flow {{model: $model, id: id}}) {by_key('n', 'Flow')} DETACH DELETE n",
}

IDS = {
    "actors": "MATCH (n:Actor {model: $model}) RETURN n.id AS id",
    "goals": "MATCH (n:Goal {model: $model}) RETURN n.id AS id",
    "respondents": "MATCH (n:Respondent {model: $model}) RETURN n.id AS id",
    "flows": "MATCH (n:Flow {model: $model}) RETURN n.id AS id",
}

RESPONDENT_FLOW_IDS = "MATCH (n:Flow {model: $model}) WHERE n.respondent IN $respondents RETURN n.id AS id"

READ_DOCS = {
    "actors": "MATCH (n:Actor {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
    "goals": "MATCH (n:Goal {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
    "respondents": "MATCH (n:Respondent {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
    "flows": "MATCH (n:Flow {model: $model}) RETURN n.doc AS doc ORDER BY n.ord",
}

#: How each column of ``valuenet.flowcolumns.COLUMNS`` is read from a ``Flow`` node (fixed text, no user data).
FLOW_FIELDS = {
    "key": "n.ord",
    "scenario": "n.scenario",
    "respondent": "n.respondent",
    "source": "n.source",
    "target": "n.target",
    "dimension": "n.dimension",
    "magnitude": "n.magnitude",
    "money": "n.money",
    "occurrences": "n.occurrences",
    "touchpoint": "n.touchpoint",
    "stage": "n.stage",
    "responsible": "n.responsible",
    "quoted": "n.quote IS NOT NULL",
}


def read_flow_columns(columns: tuple[str, ...]) -> str:
    """The query streaming one goal's flows as the engine's ``columns`` (names from :data:`FLOW_FIELDS` only)."""
    returned = ", ".join(f"{FLOW_FIELDS[c]} AS {c}" for c in columns)
    return f"MATCH (n:Flow {{model: $model, goal: $goal}}) WHERE n.scenario IN $scenarios RETURN {returned}"


READ_FLOWS_BY_KEY = """
MATCH (n:Flow {model: $model}) WHERE n.ord IN $keys
RETURN n.ord AS key, n.doc AS doc
"""

LIST_MODELS = """
MATCH (m:Model)
RETURN m.id AS id, m.title AS title,
       COUNT { MATCH (n:Actor {model: m.id}) } AS actors,
       COUNT { MATCH (n:Goal {model: m.id}) } AS goals,
       COUNT { MATCH (n:Respondent {model: m.id}) } AS respondents,
       COUNT { MATCH (n:Flow {model: m.id}) } AS flows
ORDER BY id
"""

MODEL_IDS = "MATCH (m:Model) RETURN m.id AS id ORDER BY id"

# Deleting a model: its items a slice at a time, so no transaction grows without bound.
DELETE_SLICE = {
    "flows": "MATCH (n:Flow {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "respondents": "MATCH (n:Respondent {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "removals": "MATCH (n:Removal {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "scenarios": "MATCH (n:Scenario {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "goals": "MATCH (n:Goal {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "actors": "MATCH (n:Actor {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
    "dimensions": "MATCH (n:Dimension {model: $model}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
}
DELETE_MODEL = "MATCH (m:Model {id: $model}) DETACH DELETE m RETURN count(*) AS n"
