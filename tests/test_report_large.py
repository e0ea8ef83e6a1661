"""Reports and analyses of large networks: the heatmap is capped and says how many more, names are still
isolated correctly among thousands, and the fast Burt measures and flows give networkx's own figures."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from valuenet.analysis.dependency import _pair_flow
from valuenet.analysis.opportunities import CANDIDATES, brokerage, structural_holes, tie_graph
from valuenet.graph import goal_graph
from valuenet.models import Actor, Flow, Goal, Model, Respondent, exchange_flows
from valuenet.views.report import MAX_ROWS, ReportSpec, build_report, isolate, render_report

DIMS = ("functional", "economic", "experiential", "symbolic")


def network(actors: int, seed: int = 3) -> Model:
    """A customer, a focal firm and ``actors - 2`` others exchanging with the customer, some with each other."""
    rnd = random.Random(seed)
    people = [Actor(id="customer", name="Customer", kind="customer"), Actor(id="firm", name="Firm", kind="focal_firm")]
    people += [Actor(id=f"a{i}", name=f"Actor {i}", kind="provider") for i in range(actors - 2)]
    respondents = [Respondent(id=f"r{i}") for i in range(3)]
    flows: list[Flow] = []
    for a in people[1:]:
        for dim in rnd.sample(DIMS, rnd.choice((1, 2))):
            flows += exchange_flows(
                f"{a.id}-{dim}",
                goal="g",
                customer="customer",
                actor=a.id,
                dimension=dim,
                gets=rnd.randint(0, 5),
                gives=rnd.randint(0, 5),
                respondent=rnd.choice(respondents).id,
            )
    for i in range(actors // 3):
        u, v = rnd.sample(people[1:], 2)
        flows.append(Flow(id=f"x{i}", goal="g", source=u.id, target=v.id, dimension=rnd.choice(DIMS), magnitude=2))
    return Model(id="big", actors=people, goals=[Goal(id="g", title="Big")], respondents=respondents, flows=flows)


def test_a_large_report_caps_the_heatmap_and_says_how_many_more() -> None:
    m = network(150)
    data = build_report(m, ReportSpec())
    net = data["result"].net.actors
    shown = [name for _, name, _ in data["heatmap"]["rows"]]
    assert "Firm (focal)" in shown and len(shown) <= MAX_ROWS + 1
    by_name = {m.actor(a).name + (" (focal)" if a == "firm" else ""): x for a, x in net.items()}
    hidden = [x for name, x in by_name.items() if name not in shown]
    assert len(hidden) == len(net) - len(shown) > 0
    # the rows kept are those with the most net value either way (the focal firm aside)
    kept = [abs(by_name[name].weighted) for name in shown if name != "Firm (focal)"]
    assert min(kept) >= max(abs(x.weighted) for x in hidden)
    # in rank order still
    assert [by_name[name].rank for name in shown] == sorted(by_name[name].rank for name in shown)
    assert data["heatmap"]["more"].startswith(f"{len(hidden):,} more actors not shown")
    html = render_report(m, ReportSpec())
    assert f"{len(hidden):,} more actors not shown" in html


def test_a_small_report_shows_every_actor_and_no_line() -> None:
    m = network(20)
    data = build_report(m, ReportSpec())
    assert len(data["heatmap"]["rows"]) == len(data["result"].net.actors)
    assert data["heatmap"]["more"] == ""
    assert "more actors not shown" not in render_report(m, ReportSpec())


def test_isolate_among_thousands_of_names_marks_only_whole_names() -> None:
    names = [f"Actor {i}" for i in range(3000)] + ["A+B (x)", "ميناء", "<b>"]
    text = "Actor 12 met Actor 1, not Actor 1200x; A+B (x) & ميناء and <b> too"
    assert str(isolate(text, names)) == (
        "<bdi>Actor 12</bdi> met <bdi>Actor 1</bdi>, not Actor 1200x; <bdi>A+B (x)</bdi> &amp; "
        "<bdi>ميناء</bdi> and <bdi>&lt;b&gt;</bdi> too"
    )
    assert str(isolate("nobody here", names)) == "nobody here"


def same(a: float | None, b: float | None) -> bool:
    return a == b or (a is not None and b is not None and math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("actors", [12, 45])
def test_structural_holes_and_brokerage_are_networkx_figures(actors: int) -> None:
    g = goal_graph(network(actors, seed=actors), "g")
    t = tie_graph(g)
    constraint, size = nx.constraint(t, weight="weight"), nx.effective_size(t, weight="weight")
    for n, h in structural_holes(g).items():
        assert same(h.constraint, constraint[n]) and same(h.effective_size, size[n]), n
    base = nx.constraint(t, ["firm"], weight="weight")["firm"]
    for b in brokerage(g):
        h = t.copy()
        for x in (b.a, b.b):
            if not (h.has_edge("firm", x) or h.has_edge(x, "firm")):
                h.add_edge("firm", x, weight=1)
        assert b.constraint_after == pytest.approx(nx.constraint(h, ["firm"], weight="weight")["firm"])
        assert b.constraint_drop == pytest.approx(base - b.constraint_after)


def test_brokerage_of_a_large_network_still_finds_pairs_among_its_best_candidates() -> None:
    g = goal_graph(network(CANDIDATES + 60), "g")
    found = brokerage(g, limit=5)
    assert found and all(x.constraint_drop is not None for x in found if not x.held)
    drops = [x.constraint_drop for x in found if not x.held]
    assert drops == sorted(drops, reverse=True)


def test_pair_flow_on_the_reached_part_is_the_whole_networks_flow() -> None:
    rnd = random.Random(5)
    cap = nx.DiGraph()
    for _ in range(120):
        u, v = rnd.sample(range(30), 2)
        cap.add_edge(str(u), str(v), capacity=float(rnd.randint(1, 4)))
    for s in map(str, range(1, 30)):
        whole = nx.maximum_flow_value(cap, s, "0", capacity="capacity") if nx.has_path(cap, s, "0") else 0.0
        assert _pair_flow(cap, s, "0") == pytest.approx(whole)
