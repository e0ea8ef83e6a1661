"""The analysis engine's own guarantees: its columns say what the model says, whatever the store or the order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, tiny_model
from valuenet.analysis.report import SECTIONS, analyze_goal
from valuenet.analysis.table import FlowTable
from valuenet.flowcolumns import COLUMNS, FlowColumns, ModelFlows
from valuenet.formats.modelfile import read_model_file
from valuenet.models import Actor, Flow, Goal, Model, Removal, Respondent, Scenario, scenario_flows
from valuenet.views.data import ViewSpec, build_view

ACTORS = ("c", "f", "a1", "a2")
DIMS = ("functional", "economic", "experiential", "symbolic")
SCENARIOS = ("current", "a", "b")

removal = st.builds(
    Removal,
    actor=st.none() | st.sampled_from((*ACTORS, "zz")),
    source=st.none() | st.sampled_from(ACTORS),
    target=st.none() | st.sampled_from(ACTORS),
    dimension=st.none() | st.sampled_from(DIMS),
    touchpoint=st.none() | st.sampled_from(("desk", "web", "zz")),
    stage=st.none() | st.just("s1"),
    respondent=st.none() | st.sampled_from(("r1", "r2")),
    structural=st.none() | st.booleans(),
)
flow = st.tuples(
    st.sampled_from(SCENARIOS),
    st.sampled_from([(s, t) for s in ACTORS for t in ACTORS if s != t]),
    st.sampled_from(DIMS),
    st.integers(0, 4),
    st.sampled_from(("desk", "web", None)),
    st.sampled_from(("s1", None)),
    st.sampled_from(("r1", "r2", None)),
)


def chained(flows: list[tuple[object, ...]], removes_a: list[Removal], removes_b: list[Removal]) -> Model:
    """current <- a <- b, each derived scenario with its removals."""
    return Model(
        id="m",
        actors=[Actor(id=a, name=a, kind={"c": "customer", "f": "focal_firm"}.get(a, "provider")) for a in ACTORS],
        goals=[
            Goal(
                id="g",
                title="G",
                customer="c",
                scenarios=[
                    Scenario(id="current"),
                    Scenario(id="a", based_on="current", removes=removes_a),
                    Scenario(id="b", based_on="a", removes=removes_b),
                ],
            )
        ],
        respondents=[Respondent(id="r1"), Respondent(id="r2")],
        flows=[
            Flow(
                id=f"e{i}",
                goal="g",
                scenario=sc,
                source=ends[0],
                target=ends[1],
                dimension=d,
                magnitude=float(m),
                touchpoint=tp,
                stage=stage,
                respondent=r,
            )
            for i, (sc, ends, d, m, tp, stage, r) in enumerate(flows)  # type: ignore[misc]
        ],
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(flow, max_size=25), st.lists(removal, max_size=2), st.lists(removal, max_size=2))
def test_the_columns_hold_exactly_the_flows_scenario_inheritance_gives(
    flows: list[tuple[object, ...]], removes_a: list[Removal], removes_b: list[Removal]
) -> None:
    m = chained(flows, removes_a, removes_b)
    for scenario in SCENARIOS:
        want = sorted(int(f.id[1:]) for f in scenario_flows(m, "g", scenario))
        assert sorted(FlowTable.read(m, "g", scenario).key.tolist()) == want, scenario


def test_a_study_too_large_for_one_code_per_key_resolves_inheritance_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    m = read_model_file(REPO / "examples/health/model.yaml")
    want = sorted(f.id for f in scenario_flows(m, "become-healthy", "future-a"))
    monkeypatch.setattr("valuenet.analysis.table.ONE_CODE_BELOW", 1)
    got = FlowTable.read(m, "become-healthy", "future-a").key.tolist()
    assert sorted(m.flows[k].id for k in got) == want


def test_the_order_rows_arrive_in_changes_no_answer() -> None:
    m = read_model_file(REPO / "examples/health/model.yaml")

    class Reversed(ModelFlows):
        def read_flow_columns(self, model_id, goal, scenarios, fields=None):  # type: ignore[no-untyped-def]
            wanted = set(scenarios)
            chosen = [(i, f) for i, f in enumerate(self.model.flows) if f.goal == goal and f.scenario in wanted]
            return FlowColumns.from_flows(reversed(chosen))

    plain = analyze_goal(m, compare="future-a").to_dict(SECTIONS)
    assert analyze_goal(m, compare="future-a", source=Reversed(m)).to_dict(SECTIONS) == plain
    assert build_view(m, ViewSpec(), Reversed(m)) == build_view(m, ViewSpec())


def test_a_respondent_whose_every_exchange_a_future_removes_is_still_compared() -> None:
    m = Model(
        id="m",
        actors=[
            Actor(id="c", name="C", kind="customer"),
            Actor(id="f", name="F", kind="focal_firm"),
            Actor(id="o", name="O", kind="provider"),
        ],
        goals=[
            Goal(
                id="g",
                title="G",
                customer="c",
                scenarios=[
                    Scenario(id="current"),
                    Scenario(id="nofirm", based_on="current", removes=[Removal(actor="f")]),
                ],
            )
        ],
        respondents=[Respondent(id="r1"), Respondent(id="r2")],
        flows=[
            Flow(id="1", goal="g", source="f", target="c", dimension="functional", magnitude=4, respondent="r1"),
            Flow(id="2", goal="g", source="f", target="c", dimension="functional", magnitude=2, respondent="r2"),
            Flow(id="3", goal="g", source="o", target="c", dimension="functional", magnitude=1, respondent="r2"),
        ],
    )
    c = analyze_goal(m, "g", compare="nofirm", sections=["scenarios"]).scenarios
    assert c is not None and c.respondents == 2
    firm = next(x for x in c.changes if (x.actor, x.dimension) == ("f", "functional"))
    # r1 loses 4, r2 loses 2: the mean respondent loses 3, and both are worse off
    assert (firm.before, firm.after, firm.change, firm.worse) == (3.0, 0.0, -3.0, 1.0)


def carers() -> Model:
    """Two respondents play the carer, one the patient: the goal's customer."""
    return Model(
        id="m",
        actors=[
            Actor(id="patient", name="P", kind="customer"),
            Actor(id="carer", name="C", kind="customer"),
            Actor(id="f", name="F", kind="focal_firm"),
            Actor(id="o", name="O", kind="provider"),
        ],
        goals=[Goal(id="g", title="G", customer="patient")],
        respondents=[
            Respondent(id="r1", actor="carer", segment="carers"),
            Respondent(id="r2", actor="carer", segment="carers"),
            Respondent(id="r3", segment="patients"),
        ],
        flows=[
            Flow(id="1", goal="g", source="f", target="carer", dimension="functional", magnitude=4, respondent="r1"),
            Flow(id="2", goal="g", source="o", target="carer", dimension="functional", magnitude=2, respondent="r2"),
            Flow(id="3", goal="g", source="f", target="carer", dimension="functional", magnitude=2, respondent="r2"),
            Flow(id="4", goal="g", source="f", target="patient", dimension="functional", magnitude=3, respondent="r3"),
        ],
    )


def test_respondents_who_play_another_customer_actor_stand_in_the_segments_customer() -> None:
    a = analyze_goal(carers(), "g", segment="carers", sections=["net", "dependency"])
    assert a.net is not None and a.dependency is not None
    # what the carers get from the firm, 4 and 2, is 3 for the mean carer, in the net value and at risk alike
    assert a.net.actors["f"].gets["functional"] == 3.0
    assert a.dependency.dimensions["functional"].at_risk == pytest.approx(3.0)
    view = build_view(carers(), ViewSpec(segment="carers"))
    node = {n.id: n for n in view.nodes}
    assert node[view.customer].gets["functional"] == pytest.approx(3.0 + 1.0)  # 6 from the firm, 2 from o, over 2


def test_a_view_node_counts_magnitudes_per_respondent_in_view_when_some_state_money_only() -> None:
    m = Model(
        id="m",
        actors=[Actor(id="c", name="C", kind="customer"), Actor(id="f", name="F", kind="focal_firm")],
        goals=[Goal(id="g", title="G", customer="c")],
        respondents=[Respondent(id="r1"), Respondent(id="r2")],
        flows=[
            Flow(id="1", goal="g", source="f", target="c", dimension="economic", magnitude=4, respondent="r1"),
            Flow(id="2", goal="g", source="f", target="c", dimension="economic", money=10, respondent="r2"),
        ],
    )
    view = build_view(m, ViewSpec())
    (edge,) = view.edges
    assert (edge.value, edge.n) == (4.0, 2)  # the mean of those who stated a magnitude; both have flows here
    gets = {n.id: n.gets for n in view.nodes}
    analysis = analyze_goal(m, "g", sections=["net"]).net
    assert analysis is not None
    assert gets["f"]["economic"] == analysis.actors["f"].gets["economic"] == 2.0


def test_only_the_columns_a_section_needs_are_read() -> None:
    asked: list[tuple[str, ...]] = []

    class Counting(ModelFlows):
        def read_flow_columns(self, model_id, goal, scenarios, fields=None):  # type: ignore[no-untyped-def]
            asked.append(FlowColumns(fields).columns)
            return super().read_flow_columns(model_id, goal, scenarios, fields)

    m = tiny_model()
    analyze_goal(m, sections=["net"], source=Counting(m))
    analyze_goal(m, sections=["destruction"], source=Counting(m))
    analyze_goal(m, sections=["economic"], source=Counting(m))
    net, destruction, economic = (set(a) for a in asked)
    assert net == {"key", "respondent", "source", "target", "dimension", "magnitude"}
    assert destruction == net | {"touchpoint", "responsible"}
    assert economic == destruction | {"money", "occurrences"}
    assert set(COLUMNS) - economic == {"scenario", "stage", "quoted"}


def test_a_column_not_read_is_all_none() -> None:
    cols = FlowColumns(["touchpoint"])
    cols.add([(7, None, "a", "b", "functional", 2.0, "desk")])
    cols.finish()
    assert cols.arrays["money"].tolist() == [pytest.approx(np.nan, nan_ok=True)]
    assert cols.arrays["occurrences"].tolist() == [1.0] and cols.arrays["stage"].tolist() == [-1]
    assert cols.vocab["touchpoint"].values == ["desk"]
