"""Properties of the analysis engine on generated networks: what must hold whatever the data."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from valuenet.analysis.dependency import dependency
from valuenet.analysis.measures import cube, respondent_matrix
from valuenet.analysis.net import net_from_cube
from valuenet.analysis.report import SECTIONS, analyze_goal
from valuenet.analysis.table import FlowTable
from valuenet.graph import goal_graph
from valuenet.models import Actor, Flow, Goal, Model, Respondent
from valuenet.store.sqlite import SQLiteStore

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


def measures(m: Model) -> dict[str, np.ndarray]:
    """Every respondent's measures by name (rows in respondent order)."""
    keys, x = respondent_matrix(cube(FlowTable.read(m, "g", "current")))
    return {k: x[:, j] for j, k in enumerate(keys)}


def by_respondent(m: Model) -> dict[str, dict[str, float]]:
    """Every respondent's breach measures, by respondent id."""
    t = FlowTable.read(m, "g", "current")
    keys, x = respondent_matrix(cube(t))
    if t.pseudo:
        return {}
    return {
        r: {k: float(x[i, j]) for j, k in enumerate(keys) if k in BREACH_MEASURES} for i, r in enumerate(t.respondents)
    }


def respondent_net(m: Model, respondent: str) -> dict[str, tuple[float, dict[str, float]]]:
    t = FlowTable.read(m, "g", "current")
    nv = net_from_cube(cube(t), [t.respondents.index(respondent)])
    return {a: (v.weighted, dict(v.net)) for a, v in nv.actors.items()}


BREACH_MEASURES = ("dealbreakers.count", "firm.breaches", "firm.breach", "firm.breach_touchpoint")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edge, max_size=25), people, st.data())
def test_splitting_a_give_up_into_two_rows_at_its_touchpoint_never_changes_a_breach(
    edges: list, who: list, data: st.DataObject
) -> None:
    m = make(edges, who)
    gives = [f for f in m.flows if f.source == "c" and f.respondent is not None and (f.magnitude or 0) > 0]
    assume(gives)
    before = measures(m)
    f = data.draw(st.sampled_from(gives))
    part = data.draw(st.floats(0.0, 1.0)) * float(f.magnitude or 0)
    m.flows.remove(f)
    m.flows += [
        f.model_copy(update={"id": f.id + "a", "magnitude": part}),
        f.model_copy(update={"id": f.id + "b", "magnitude": float(f.magnitude or 0) - part}),
    ]
    after = measures(m)
    for k in BREACH_MEASURES:
        assert np.array_equal(before[k], after[k]), k


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(edge, max_size=25),
    people,
    st.sampled_from(ACTORS[1:]),
    st.sampled_from(DIMS),
    st.sampled_from(TOUCHPOINTS),
    st.sampled_from(("r1", "r2", "r3")),
)
def test_rows_that_give_up_nothing_never_change_a_breach(
    edges: list, who: list, actor: str, dim: str, tp: str | None, respondent: str
) -> None:
    m = make(edges, who)
    before = by_respondent(m)
    m.flows += [
        Flow(
            id="z1",
            goal="g",
            source="c",
            target=actor,
            dimension=dim,
            magnitude=0.0,
            touchpoint=tp,
            respondent=respondent,
        ),
        Flow(
            id="z2",
            goal="g",
            source=actor,
            target="c",
            dimension=dim,
            magnitude=0.0,
            touchpoint=tp,
            respondent=respondent,
        ),
    ]
    after = by_respondent(m)
    # (a respondent the zero rows bring in may breach through structural flows, which everyone shares)
    for r, found in before.items():
        for k in BREACH_MEASURES:
            assert after[r][k] == found[k], (r, k)


@settings(max_examples=80, deadline=None)
@given(st.lists(edge, max_size=20), people, st.sampled_from(ACTORS[1:]), st.sampled_from(DIMS), st.integers(1, 5))
def test_a_positive_flow_to_the_customer_never_lowers_that_actors_net_value(
    edges: list, who: list, actor: str, dim: str, size: int
) -> None:
    m = make(edges, who)
    m.flows.append(
        Flow(id="seed", goal="g", source="f", target="c", dimension="functional", magnitude=0.0, respondent="r1")
    )
    before = respondent_net(m, "r1")
    m.flows.append(
        Flow(id="extra", goal="g", source=actor, target="c", dimension=dim, magnitude=float(size), respondent="r1")
    )
    after = respondent_net(m, "r1")
    old_w, old_net = before.get(actor, (0.0, dict.fromkeys(DIMS, 0.0)))
    assert after[actor][0] >= old_w - 1e-12
    assert after[actor][1][dim] == old_net[dim] + size


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edge, max_size=20), people)
def test_the_firms_rank_is_among_the_actors_the_respondent_exchanged_with(edges: list, who: list) -> None:
    m = make(edges, who)
    got = measures(m)
    t = FlowTable.read(m, "g", "current")
    assume(t.n)
    for i, r in enumerate(t.respondents):
        dealt = {
            f.target if f.source == "c" else f.source
            for f in m.flows
            if f.respondent in (r, None) and "c" in (f.source, f.target) and f.source != f.target
        }
        assert 1 <= got["firm.rank"][i] <= len(dealt | {"f"})


@settings(max_examples=60, deadline=None)
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


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(edge, max_size=15), people)
def test_every_section_is_json_and_the_store_gives_the_models_answers(
    tmp_path_factory: pytest.TempPathFactory, edges: list, who: list
) -> None:
    m = make(edges, who)
    in_memory = analyze_goal(m, "g").to_dict(SECTIONS)
    json.dumps(in_memory, allow_nan=False)
    path = tmp_path_factory.mktemp("store") / "p.db"
    with SQLiteStore(path) as store:
        store.write_model(m)
        from_store = analyze_goal(m.model_copy(update={"flows": []}), "g", source=store).to_dict(SECTIONS)
    assert from_store == in_memory


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edge, max_size=25), people)
def test_a_segments_share_destroyed_at_a_touchpoint_counts_its_users_one_by_one(edges: list, who: list) -> None:
    m = make(edges, who)
    t = FlowTable.read(m, "g", "current")
    assume(not t.pseudo)
    segments = analyze_goal(m, "g", sections=["segments"]).segments
    assert segments is not None
    weights = dict(zip(t.respondents, t.weights.tolist(), strict=True))
    for name, summary in segments.items():
        members = [r for r, s in zip(t.respondents, t.segments, strict=True) if name in ("(all)", s)]
        for tp, share in summary.share_destroys_at.items():
            nets = []
            for r in members:  # the firm's exchanges with r at tp, own and structural
                mine = [
                    f
                    for f in m.flows
                    if f.respondent in (r, None)
                    and (f.touchpoint or "(unspecified)") == tp
                    and {f.source, f.target} == {"c", "f"}
                    and f.magnitude is not None
                ]
                if mine:
                    sign = {True: 1.0, False: -1.0}
                    nets.append(
                        sum(sign[f.target == "c"] * f.magnitude * weights[r][DIMS.index(f.dimension)] for f in mine)
                    )
            want = sum(1 for x in nets if x < -1e-9) / len(nets) if nets else None  # nobody in it used the touchpoint
            assert share == pytest.approx(want), (name, tp)
