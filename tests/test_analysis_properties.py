"""Properties of the analysis on generated networks, and the vectorised path agreeing with the graph path."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from valuenet.analysis.base import context_of
from valuenet.analysis.dependency import dependency
from valuenet.analysis.net import net_value
from valuenet.analysis.segments import measure_matrix, respondent_measures
from valuenet.analysis.table import FlowTable, table_measures
from valuenet.graph import goal_graph
from valuenet.models import Actor, Flow, Goal, Model, Respondent

DIMS = ("functional", "economic", "experiential", "symbolic")
ACTORS = ("c", "f", "a1", "a2", "a3", "x")
KINDS = {"c": "customer", "f": "focal_firm"}
TOUCHPOINTS = ("desk", "web", "claim", None)

edge = st.tuples(
    st.sampled_from(ACTORS),
    st.sampled_from(ACTORS),
    st.sampled_from(DIMS),
    st.integers(0, 5),
    st.sampled_from(TOUCHPOINTS),
    st.sampled_from((None, None, "f", "a1")),
    st.sampled_from(("r1", "r2", "r3", None)),
)
people = st.lists(
    st.tuples(
        st.dictionaries(st.sampled_from(DIMS), st.integers(1, 5), max_size=4),
        st.dictionaries(st.sampled_from(DIMS), st.integers(0, 5), max_size=4),
        st.sampled_from(("s1", "s2")),
    ),
    min_size=3,
    max_size=3,
)


def make(
    edges: list[tuple[str, str, str, int, str | None, str | None, str | None]],
    who: list[tuple[dict[str, int], dict[str, int], str]],
) -> Model:
    flows = [
        Flow(
            id=f"e{i}",
            goal="g",
            source=s,
            target=t,
            dimension=d,
            magnitude=float(m),
            touchpoint=tp,
            responsible=resp,
            respondent=r,
        )
        for i, (s, t, d, m, tp, resp, r) in enumerate(edges)
        if s != t
    ]
    return Model(
        id="p",
        actors=[Actor(id=a, name=a, kind=KINDS.get(a, "provider")) for a in ACTORS],
        goals=[Goal(id="g", title="G", customer="c")],
        respondents=[
            Respondent(
                id=f"r{i + 1}",
                weights={k: float(v) for k, v in w.items()},
                thresholds={k: float(v) for k, v in th.items()},
                segment=seg,
            )
            for i, (w, th, seg) in enumerate(who)
        ],
        flows=flows,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edge, max_size=25), people)
def test_vectorised_path_gives_the_graph_path_answers(edges: list, who: list) -> None:
    m = make(edges, who)
    t = FlowTable.from_model(m, "g")
    assume(t.respondents)
    keys_t, xt = table_measures(t)
    rows = [
        respondent_measures(goal_graph(m, "g", respondent=r), context_of(m, r), graph_measures=False)
        for r in t.respondents
    ]
    keys_g, xg = measure_matrix(rows)
    pos = {k: j for j, k in enumerate(keys_t)}
    assert set(keys_g) <= set(keys_t)
    for j, k in enumerate(keys_g):
        assert np.allclose(xg[:, j], xt[:, pos[k]], equal_nan=True, atol=1e-9), k
    for k in set(keys_t) - set(keys_g):  # actors absent from everyone's network: zero
        assert np.allclose(np.nan_to_num(xt[:, pos[k]]), 0.0), k


@settings(max_examples=80, deadline=None)
@given(st.lists(edge, max_size=20), people, st.sampled_from(ACTORS[1:]), st.sampled_from(DIMS), st.integers(1, 5))
def test_a_positive_flow_to_the_customer_never_lowers_that_actors_net_value(
    edges: list, who: list, actor: str, dim: str, size: int
) -> None:
    m = make(edges, who)
    before = net_value(goal_graph(m, "g", respondent="r1"), context_of(m, "r1"))
    m.flows.append(
        Flow(id="extra", goal="g", source=actor, target="c", dimension=dim, magnitude=float(size), respondent="r1")
    )
    after = net_value(goal_graph(m, "g", respondent="r1"), context_of(m, "r1"))
    old = before.actors[actor].weighted if actor in before.actors else 0.0
    assert after.actors[actor].weighted >= old - 1e-12
    assert after.actors[actor].net[dim] == (before.actors[actor].net[dim] if actor in before.actors else 0) + size


@settings(max_examples=80, deadline=None)
@given(st.lists(edge, max_size=20), people)
def test_removing_an_actor_cut_off_from_the_firm_never_changes_the_value_at_risk(edges: list, who: list) -> None:
    m = make(edges, who)
    g = goal_graph(m, "g", respondent="r1")
    full = dependency(g)
    for x in list(g.nodes):
        if x in ("c", "f"):
            continue
        und = g.to_undirected()
        und.remove_node("c")  # paths through the customer do not count as ties to the firm
        linked = x in und and "f" in und and __import__("networkx").has_path(und, x, "f")
        if linked:
            continue
        h = g.copy()
        h.remove_node(x)
        cut = dependency(h)
        for d in DIMS:
            assert cut.dimensions[d].at_risk == full.dimensions[d].at_risk


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edge, max_size=15), people)
def test_every_respondent_measure_is_json_and_finite_or_nan(edges: list, who: list) -> None:
    m = make(edges, who)
    out = respondent_measures(goal_graph(m, "g", respondent="r1"), context_of(m, "r1"))
    assert all(isinstance(v, float) for v in out.values())
    json.dumps(net_value(goal_graph(m, "g", respondent="r1")).to_dict(), allow_nan=False)
