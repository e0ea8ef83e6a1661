"""The one place that converts models to and from networkx graphs.

A goal's network (for one scenario, optionally one respondent) is a
:class:`networkx.MultiDiGraph`: nodes are actor ids, edges run from the giver to
the receiver of value, keyed by flow id. Attribute names are the constants
below; analysis and views use them, never re-spelled strings.

A respondent's network holds the flows that respondent reported plus the
structural flows (those with no respondent), such as clinic -> insurer claims.
A scenario ``based_on`` another also holds the flows it inherits
(:func:`valuenet.models.scenario_flows`).

>>> from valuenet.models import Actor, Goal, Model, exchange_flows
>>> m = Model(id="m", actors=[Actor(id="c", name="C", kind="customer"), Actor(id="f", name="F", kind="focal_firm")],
...           goals=[Goal(id="g", title="G")],
...           flows=exchange_flows("x", goal="g", customer="c", actor="f", dimension="economic", gets=1, gives=3))
>>> g = goal_graph(m, "g")
>>> sorted(g.edges(keys=True))
[('c', 'f', 'x:gives'), ('f', 'c', 'x:gets')]
>>> g.graph[FOCAL], g.graph[CUSTOMER]
('f', 'c')

In a goal graph every attribute is a string, number or boolean, so ``nx.write_graphml(g, path)``
and ``nx.write_gexf(g, path)`` write it: an attribute with no value
(``None``) is left out rather than stored as ``None`` (read it with ``.get``), and a
list (an actor's aliases, the graph's dimensions) is one string of its items, one
per line (:data:`LIST_SEPARATOR`; ids hold no line breaks, see :func:`split_list`).
Text is kept exactly: a quote that holds a control character XML 1.0 cannot hold
makes the GraphML unreadable, which :mod:`valuenet.exports` cleans on export.

>>> g.graph[DIMENSIONS].split(LIST_SEPARATOR)[:2], RESPONDENT in g.graph
(['functional', 'economic'], False)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx

from valuenet.models import DEFAULT_SCENARIO, Actor, Flow, Model, scenario_flows

# Node attributes
NAME = "name"
KIND = "kind"
SEGMENT_SIZE = "segment_size"
FIXED_EXPENSES = "fixed_expenses"
# Edge attributes (the flow's own fields keep their names)
DIMENSION = "dimension"
MAGNITUDE = "magnitude"
MONEY = "money"
OCCURRENCES = "occurrences"
TOUCHPOINT = "touchpoint"
STAGE = "stage"
QUOTE = "quote"
RESPONDENT = "respondent"
RESPONSIBLE = "responsible"
FLOW_ID = "id"
# Graph attributes
MODEL = "model"
GOAL = "goal"
SCENARIO = "scenario"
FOCAL = "focal"
CUSTOMER = "customer"
DIMENSIONS = "dimensions"
SCALE_MAX = "scale_max"

#: What joins the items of a list attribute into one string (ids hold no line breaks).
LIST_SEPARATOR = "\n"


def split_list(value: object) -> list[str]:
    r"""The items of a list attribute: a string joined by :data:`LIST_SEPARATOR`, or a list or tuple as it is.

    >>> split_list("functional\neconomic"), split_list(["a"]), split_list(None), split_list("")
    (['functional', 'economic'], ['a'], [], [])
    """
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return value.split(LIST_SEPARATOR)
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def plain_attributes(data: Mapping[str, Any]) -> dict[str, Any]:
    r"""Attributes GraphML and GEXF can hold: ``None`` left out, a list joined into one string.

    >>> plain_attributes({"a": None, "b": ["x", "y"], "c": 1.5, "d": []})
    {'b': 'x\ny', 'c': 1.5}
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, (list, tuple)):
            if not value:
                continue
            value = LIST_SEPARATOR.join(str(v) for v in value)
        if value is not None:
            out[key] = value
    return out


def flows_of(
    model: Model,
    goal: str,
    scenario: str = DEFAULT_SCENARIO,
    respondent: str | None = None,
    *,
    structural: bool = True,
) -> list[Flow]:
    """The flows of one goal and scenario; with ``respondent``, only theirs (plus structural ones).

    A scenario ``based_on`` another holds what it inherits, resolved by
    :func:`valuenet.models.scenario_flows`.
    """
    return [
        f
        for f in scenario_flows(model, goal, scenario)
        if respondent is None or f.respondent == respondent or (structural and f.respondent is None)
    ]


def build_graph(actors: Iterable[Actor], flows: Iterable[Flow], **graph_attrs: Any) -> nx.MultiDiGraph:
    """A graph of the given actors and flows; every actor is a node, even one with no flow.

    Every field of an actor or flow is an attribute, ``None`` included (:func:`goal_graph`'s are plain).
    """
    return _graph(actors, flows, graph_attrs, dict)


def _graph(
    actors: Iterable[Actor],
    flows: Iterable[Flow],
    graph_attrs: Mapping[str, Any],
    keep: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(**keep(graph_attrs))
    for a in actors:
        g.add_node(a.id, **keep(a.model_dump(exclude={"id"})))
    for f in flows:
        g.add_edge(f.source, f.target, key=f.id, **keep(f.model_dump()))
    return g


def goal_graph(
    model: Model,
    goal: str,
    scenario: str = DEFAULT_SCENARIO,
    respondent: str | None = None,
) -> nx.MultiDiGraph:
    """The network of ``goal`` in ``scenario``, for one respondent or for everyone.

    Only actors that take part in a flow of the goal are nodes, plus the focal
    firm and the customer. Graph attributes name the model, goal, scenario, the
    respondent (when there is one), focal firm, customer, dimensions (one string,
    see :func:`split_list`) and scale maximum. Attributes are plain
    (:func:`plain_attributes`), so ``nx.write_graphml`` and ``nx.write_gexf`` take the graph.
    """
    flows = flows_of(model, goal, scenario, respondent)
    focal = model.focal_firm().id
    customer = model.customer_of(goal)
    if respondent is not None:
        customer = model.respondent(respondent).actor or customer
    used = {focal, customer} | {f.source for f in flows} | {f.target for f in flows}
    actors = [a for a in model.actors if a.id in used]
    return _graph(
        actors,
        flows,
        {
            MODEL: model.id,
            GOAL: goal,
            SCENARIO: scenario,
            RESPONDENT: respondent,
            FOCAL: focal,
            CUSTOMER: customer,
            DIMENSIONS: model.dimension_ids,
            SCALE_MAX: model.scale.max,
        },
        plain_attributes,
    )
