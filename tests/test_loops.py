"""Value loops and stakeholder importance: a network worked by hand, and properties on generated networks.

No published Stakeholder Value Network example with its flows, scores, loops and
importances all stated could be consulted, so the reference network below is
worked by hand in the method's style. Its scores are cells of the method's
scoring table (Sutherland 2009, Table 6: source importance times satisfaction /
regret, e.g. 0.98 x 0.98 = 0.96, 0.98 x 0.57 = 0.56), put on a 0-1 model scale
so that a magnitude is its own score.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuenet.analysis.loops import flow_scores, value_loops
from valuenet.errors import AnalysisError
from valuenet.graph import CUSTOMER, FOCAL, SCALE_MAX, build_graph, goal_graph
from valuenet.models import Actor, Flow, Goal, Model, Scale

# -- the hand-worked clinic network -----------------------------------------------------------

VALUE = [  # (id, giver, receiver, magnitude, money, occurrences): value delivered to the receiver
    ("treatment", "clinic", "patient", 0.96, None, 1.0),
    ("claims", "clinic", "insurer", 0.56, None, 1.0),
    ("guidance", "clinic", "family", 0.32, None, 1.0),
    ("coverage", "insurer", "patient", 0.44, None, 1.0),
    ("support", "family", "patient", 0.54, None, 1.0),
    ("referral", "family", "clinic", 0.19, None, 1.0),
    ("reimbursement", "insurer", "clinic", None, 40.0, 3.0),
    ("fee", "patient", "clinic", 0.7, 60.0, 1.0),  # 0.7 is the price as perceived: a give-up, never scored
    ("premium", "patient", "insurer", None, 30.0, 1.0),
]
GIVE_UPS = [  # what the patient gives up, with no money: never value delivered
    ("wait", "patient", "clinic", 0.8),
    ("stress", "patient", "family", 0.6),
    ("paperwork", "patient", "insurer", 0.4),
]


def clinic_model(
    value: list[tuple[str, str, str, float | None, float | None, float]] = VALUE,
    give_ups: list[tuple[str, str, str, float]] = GIVE_UPS,
) -> Model:
    flows = [
        Flow(id=i, goal="g", source=s, target=t, dimension="functional", magnitude=m, money=p, occurrences=n)
        for i, s, t, m, p, n in value
    ] + [Flow(id=i, goal="g", source=s, target=t, dimension="experiential", magnitude=m) for i, s, t, m in give_ups]
    return Model(
        id="clinic",
        scale=Scale(min=0, max=1),
        actors=[
            Actor(id="patient", name="Patient", kind="customer"),
            Actor(id="clinic", name="Clinic", kind="focal_firm"),
            Actor(id="insurer", name="Insurer", kind="institution"),
            Actor(id="family", name="Family", kind="peer"),
        ],
        goals=[Goal(id="g", title="Recover from an injury", customer="patient")],
        flows=flows,
    )


def test_flow_scores_by_hand() -> None:
    """Money scores over the largest scoring amount, 40 x 3 = 120; the patient's give-ups and perceived price do not.

    reimbursement 120 / 120 = 1.0; fee 60 / 120 = 0.5 (its perceived 0.7 ignored);
    premium 30 / 120 = 0.25; every other actor's flow scores its magnitude on the 0-1 scale.
    """
    scores = flow_scores(goal_graph(clinic_model(), "g"))
    assert scores == {
        ("clinic", "patient", "treatment"): 0.96,
        ("clinic", "insurer", "claims"): 0.56,
        ("clinic", "family", "guidance"): 0.32,
        ("insurer", "patient", "coverage"): 0.44,
        ("family", "patient", "support"): 0.54,
        ("family", "clinic", "referral"): 0.19,
        ("insurer", "clinic", "reimbursement"): 1.0,
        ("patient", "clinic", "fee"): 0.5,
        ("patient", "insurer", "premium"): 0.25,
    }


def test_loops_and_importance_by_hand() -> None:
    """Every loop through the clinic, and every importance, worked by hand.

    clinic -> patient -> clinic                     0.96 x 0.5               = 0.48
    clinic -> patient -> insurer -> clinic          0.96 x 0.25 x 1.0        = 0.24
    clinic -> insurer -> clinic                     0.56 x 1.0               = 0.56
    clinic -> insurer -> patient -> clinic          0.56 x 0.44 x 0.5        = 0.1232
    clinic -> family -> clinic                      0.32 x 0.19              = 0.0608
    clinic -> family -> patient -> clinic           0.32 x 0.54 x 0.5        = 0.0864
    clinic -> family -> patient -> insurer -> clinic 0.32 x 0.54 x 0.25 x 1.0 = 0.0432
    total 1.5936 over 7 loops. The patient gives the family nothing of value, so no
    loop runs patient -> family.

    patient: 0.48 + 0.24 + 0.1232 + 0.0864 + 0.0432 = 0.9728 -> 0.9728 / 1.5936
    insurer: 0.24 + 0.56 + 0.1232 + 0.0432          = 0.9664 -> 0.9664 / 1.5936
    family:  0.0608 + 0.0864 + 0.0432               = 0.1904 -> 0.1904 / 1.5936
    """
    lp = value_loops(goal_graph(clinic_model(), "g"))
    assert lp.focal == "clinic"
    assert lp.loop_count == 7
    assert lp.total_value == pytest.approx(1.5936)
    assert lp.importance == {
        "clinic": 1.0,
        "patient": pytest.approx(0.9728 / 1.5936),
        "insurer": pytest.approx(0.9664 / 1.5936),
        "family": pytest.approx(0.1904 / 1.5936),
    }
    assert [c.actors for c in lp.top] == [
        ("clinic", "insurer"),
        ("clinic", "patient"),
        ("clinic", "patient", "insurer"),
        ("clinic", "insurer", "patient"),
        ("clinic", "family", "patient"),
        ("clinic", "family"),
        ("clinic", "family", "patient", "insurer"),
    ]
    assert [c.value for c in lp.top] == pytest.approx([0.56, 0.48, 0.24, 0.1232, 0.0864, 0.0608, 0.0432])
    assert lp.top[1].best_flows == ("treatment", "fee")


def test_give_ups_never_change_loops_or_importance() -> None:
    """Dropping the patient's give-ups, or pushing them to the top of the scale, leaves every result as it was."""
    base = value_loops(goal_graph(clinic_model(), "g")).to_dict()
    none = value_loops(goal_graph(clinic_model(give_ups=[]), "g")).to_dict()
    worst = value_loops(goal_graph(clinic_model(give_ups=[(i, s, t, 1.0) for i, s, t, _ in GIVE_UPS]), "g")).to_dict()
    assert base == none == worst


def test_money_the_customer_pays_counts() -> None:
    """Without the fee the patient pays the clinic, the loops through it go and the patient matters less.

    Left: clinic -> patient -> insurer -> clinic 0.24, clinic -> insurer -> clinic 0.56,
    clinic -> family -> clinic 0.0608, clinic -> family -> patient -> insurer -> clinic 0.0432;
    total 0.904; patient 0.24 + 0.0432 = 0.2832 -> 0.2832 / 0.904.
    """
    lp = value_loops(goal_graph(clinic_model(value=[f for f in VALUE if f[0] != "fee"]), "g"))
    assert lp.loop_count == 4
    assert lp.total_value == pytest.approx(0.904)
    assert lp.importance["patient"] == pytest.approx(0.2832 / 0.904)
    assert lp.importance["family"] == pytest.approx(0.104 / 0.904)


def test_a_customer_who_only_gives_up_is_on_no_loop() -> None:
    """The firm serves the customer, who gives up time but pays nothing: no value comes back, so no loop."""
    m = clinic_model(value=[VALUE[0]], give_ups=[GIVE_UPS[0]])
    lp = value_loops(goal_graph(m, "g"))
    assert (lp.loop_count, lp.total_value, lp.top) == (0, 0.0, ())
    assert set(lp.importance.values()) == {0.0}


def test_a_graph_without_a_customer_is_refused() -> None:
    g = goal_graph(clinic_model(), "g")
    del g.graph[CUSTOMER]
    with pytest.raises(AnalysisError, match="names no customer"):
        value_loops(g)


# -- properties on generated networks ---------------------------------------------------------

ACTORS = ("c", "f", "a", "b", "p")
KINDS = {"c": "customer", "f": "focal_firm"}
SCALE_TOP = 5.0

flow_spec = st.tuples(
    st.sampled_from(ACTORS),
    st.sampled_from(ACTORS),
    st.one_of(st.none(), st.integers(0, 5)),
    st.one_of(st.none(), st.integers(1, 500)),
    st.sampled_from((0.0, 1.0, 2.0, 12.0)),
).filter(lambda t: t[0] != t[1] and (t[2] is not None or t[3] is not None))
networks = st.lists(flow_spec, max_size=14)
FlowSpec = tuple[str, str, int | None, int | None, float]


def graph(specs: list[FlowSpec], money_factor: float = 1.0, scale_factor: float = 1.0) -> nx.MultiDiGraph:
    flows = [
        Flow(
            id=f"e{i}",
            goal="g",
            source=s,
            target=t,
            dimension="economic",
            magnitude=None if m is None else m * scale_factor,
            money=None if p is None else p * money_factor,
            occurrences=n,
        )
        for i, (s, t, m, p, n) in enumerate(specs)
    ]
    actors = [Actor(id=a, name=a, kind=KINDS.get(a, "provider")) for a in ACTORS]
    return build_graph(actors, flows, **{FOCAL: "f", CUSTOMER: "c", SCALE_MAX: SCALE_TOP * scale_factor})


def brute_force(g: nx.MultiDiGraph) -> tuple[int, float, dict[str, float]]:
    """Loops of single flows enumerated one by one, scored by the documented rule: (count, total value, importance)."""
    customer, focal = g.graph[CUSTOMER], g.graph[FOCAL]

    def by_money(u: str, d: dict[str, float | None]) -> bool:
        return d["money"] is not None and (u == customer or d["magnitude"] is None)

    def amount(d: dict[str, float]) -> float:
        return abs(d["money"]) * d["occurrences"]

    money_top = max((amount(d) for u, _, d in g.edges(data=True) if by_money(u, d)), default=0.0)
    scored = []
    for u, v, d in g.edges(data=True):
        if by_money(u, d):
            s = amount(d) / money_top if money_top > 0 else 0.0
        elif u != customer and d["magnitude"] is not None:
            s = d["magnitude"] / g.graph[SCALE_MAX]
        else:
            s = 0.0
        if min(1.0, s) > 0:
            scored.append((u, v, min(1.0, s)))
    loops: list[tuple[tuple[str, ...], float]] = []

    def walk(path: tuple[str, ...], value: float) -> None:
        for u, v, s in scored:
            if u != path[-1]:
                continue
            if v == focal:
                loops.append((path, value * s))
            elif v not in path:
                walk((*path, v), value * s)

    walk((focal,), 1.0)
    total = math.fsum(v for _, v in loops)
    on = {a: math.fsum(v for p, v in loops if a in p) for a in g.nodes}
    return len(loops), total, {a: (v / total if total > 0 else 0.0) for a, v in on.items()}


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(networks, st.sampled_from(ACTORS[1:]), st.integers(0, 5))
def test_adding_a_customer_give_up_changes_nothing(specs: list[FlowSpec], target: str, magnitude: int) -> None:
    before = value_loops(graph(specs)).to_dict()
    assert value_loops(graph([*specs, ("c", target, magnitude, None, 1.0)])).to_dict() == before


@SETTINGS
@given(networks)
def test_enlarging_customer_give_ups_changes_nothing(specs: list[FlowSpec]) -> None:
    worse = [(s, t, 5 if s == "c" and p is None else m, p, n) for s, t, m, p, n in specs]
    assert value_loops(graph(worse)).to_dict() == value_loops(graph(specs)).to_dict()


@SETTINGS
@given(networks)
def test_importance_is_a_share_and_the_focal_actor_is_on_every_loop(specs: list[FlowSpec]) -> None:
    lp = value_loops(graph(specs))
    assert all(0.0 <= v <= 1.0 for v in lp.importance.values())
    if lp.loop_count:
        assert lp.importance["f"] == 1.0 and lp.total_value > 0
    else:
        assert set(lp.importance.values()) == {0.0}


@SETTINGS
@given(networks)
def test_cycles_of_actors_add_up_to_the_loops_of_single_flows(specs: list[FlowSpec]) -> None:
    """The hop-sum shortcut gives what enumerating every loop of single flows gives."""
    g = graph(specs)
    lp = value_loops(g, top=10_000)
    count, total, importance = brute_force(g)
    assert lp.loop_count == count
    assert lp.total_value == pytest.approx(total)
    assert sum(c.loops for c in lp.top) == count
    assert lp.importance == {a: pytest.approx(v) for a, v in importance.items()}


@SETTINGS
@given(networks, st.sampled_from((0.01, 0.5, 3.0, 1000.0)))
def test_the_currency_and_the_scale_do_not_matter(specs: list[FlowSpec], factor: float) -> None:
    """Money in cents or in thousands, a 0-5 or a 0-500 scale: the same loops and importances."""
    base = value_loops(graph(specs))
    for g in (graph(specs, money_factor=factor), graph(specs, scale_factor=factor)):
        other = value_loops(g)
        assert other.loop_count == base.loop_count
        assert other.importance == {a: pytest.approx(v) for a, v in base.importance.items()}


@SETTINGS
@given(networks, st.integers(1, 5), st.integers(1, 500))
def test_paying_a_firm_that_serves_you_puts_you_on_a_loop(specs: list[FlowSpec], served: int, paid: int) -> None:
    lp = value_loops(graph([*specs, ("f", "c", served, None, 1.0), ("c", "f", None, paid, 1.0)]))
    assert lp.loop_count > 0 and lp.importance["c"] > 0
