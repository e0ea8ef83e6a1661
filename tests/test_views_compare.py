"""Comparison views without a browser: better or worse for the customer, segment against segment, quotes.

Every number is worked out by hand on the tiny model (tests/conftest.py): r1 is
"young", r2 "old"; the clinic treats (gets 4 / 3), keeps them waiting (gives 1 / 3),
its billing spoils the insurer claim (gets 1, gives 2) and the family gives 3 for 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import valuenet
from tests.conftest import tiny_model
from valuenet.analysis.measures import cube, touchpoint_measures
from valuenet.analysis.table import FlowTable
from valuenet.cli import cli
from valuenet.errors import ViewError
from valuenet.models import Flow, Model, Respondent, exchange_flows
from valuenet.store.sqlite import SQLiteStore
from valuenet.views import ViewSpec, build_view, data, quotes
from valuenet.views.style import CHANGE_COLOURS, LABELS, palette


def changes(spec: ViewSpec, model: Model | None = None) -> dict[tuple[str, str, str], tuple[str | None, ...]]:
    view = build_view(model or tiny_model(), spec)
    return {(e.source, e.target, e.dimension): (e.change, e.presence) for e in view.edges}


def with_booking(gets: float, gives: float) -> Model:
    """The tiny model whose future scenario replaces the waiting room with an online booking."""
    m = tiny_model()
    m.goals[0].scenarios[1].name = "Online booking"
    m.goals[0].scenarios[1].description = "Patients book a slot online."
    for f in m.flows:
        if f.scenario == "future" and f.dimension == "experiential":
            f.magnitude = gets if f.target == "patient" else gives
    return m


def test_what_the_customer_gets_growing_is_better_what_they_give_up_growing_is_worse() -> None:
    # future keeps every current flow; the booking adds gets 1 and gives 1 (experiential) with the clinic
    got = changes(ViewSpec(compare="future"))
    assert got[("clinic", "patient", "experiential")] == ("better", "new")  # 0 -> 1 that the patient gets
    assert got[("patient", "clinic", "experiential")] == ("worse", None)  # waits (1 + 3) / 2 = 2 -> 2 + 1 = 3
    assert got[("clinic", "patient", "functional")] == ("same", None)
    assert got[("clinic", "insurer", "economic")] == ("same", None)  # structural, in both
    # an easier booking: the patient gives up 0 at it and gets 2
    easy = changes(ViewSpec(compare="future"), with_booking(gets=2, gives=0))
    assert easy[("patient", "clinic", "experiential")] == ("same", None)  # waits 2 + 0
    assert easy[("clinic", "patient", "experiential")] == ("better", "new")


def test_a_flow_between_other_actors_is_neither_better_nor_worse() -> None:
    m = tiny_model()
    claims = next(f for f in m.flows if f.id == "claims")
    m.flows.append(claims.model_copy(update={"id": "claims-f", "scenario": "future", "magnitude": 2.0}))
    got = changes(ViewSpec(compare="future"), m)
    assert got[("clinic", "insurer", "economic")] == ("other", None)  # magnitude none -> 2, between others
    assert LABELS["other"] == "changed between other actors"


def test_actors_carry_their_net_for_the_customer_before_and_after() -> None:
    view = build_view(with_booking(gets=2, gives=0), ViewSpec(compare="future"))
    nodes = {n.id: (n.before, n.net, n.change) for n in view.nodes}
    assert nodes["clinic"] == (1.5, 3.5, "better")  # 3.5 - 2 before; 3.5 + 2 - 2 after
    assert nodes["patient"] == (2.5, 4.5, "better")  # 7.5 - 5 before; 9.5 - 5 after
    assert nodes["insurer"] == (-1.0, -1.0, "same")
    worse = build_view(with_booking(gets=0, gives=3), ViewSpec(compare="future"))
    assert {n.id: n.change for n in worse.nodes}["clinic"] == "worse"  # 3.5 - (2 + 3) = -1.5 after


def test_scenario_names_and_descriptions_title_the_comparison() -> None:
    view = build_view(with_booking(1, 1), ViewSpec(compare="future"))
    assert view.title == "Become healthy: current → Online booking"
    assert view.subtitle == (
        "All respondents: 2 respondents in both scenarios, mean values · "
        "from current to Online booking: Patients book a slot online."
    )
    plain = build_view(with_booking(1, 1), ViewSpec(scenario="future"))
    assert plain.title == "Become healthy"
    assert plain.subtitle.endswith(" · scenario Online booking: Patients book a slot online.")


def test_style_colours_every_change_and_labels_it_in_words() -> None:
    assert tuple(CHANGE_COLOURS) == data.CHANGES == ("better", "worse", "other", "same")
    assert all(" " in LABELS[c] or c == "same" for c in (*data.CHANGES, *data.PRESENCES))
    assert list(palette(["functional"], ["customer"])["change"]) == list(data.CHANGES)  # the legend's order
    assert CHANGE_COLOURS["better"] != CHANGE_COLOURS["worse"]


# -- segment against segment ------------------------------------------------------------------


def three_people() -> Model:
    """tiny, plus r3 in segment "old": treated well (gets 5), waits little (gives 1), no claim, no family."""
    m = tiny_model()
    m.respondents.append(Respondent(id="r3", segment="old"))
    for side, dim, gets, gives, tp in (
        ("care", "functional", 5, 0, "treatment"),
        ("wait", "experiential", None, 1, "x"),
    ):
        m.flows += exchange_flows(
            f"r3-{side}", goal="healthy", customer="patient", actor="clinic", dimension=dim, gets=gets, gives=gives,
            respondent="r3", touchpoint=tp,
        )  # fmt: skip
    return m


def test_segment_against_segment_compares_the_means_of_each_side() -> None:
    view = build_view(three_people(), ViewSpec(segment="young", against="old"))
    edges = {(e.source, e.target, e.dimension): (e.before, e.before_n, e.value, e.n, e.change) for e in view.edges}
    assert edges[("clinic", "patient", "functional")] == (4.0, 1, 4.0, 2, "same")  # young 4; old (3 + 5) / 2
    assert edges[("patient", "clinic", "experiential")] == (1.0, 1, 2.0, 2, "worse")  # young 1; old (3 + 1) / 2
    # only r2 of "old" claims: the same 1 among those who claim, but 0.5 for the mean "old" respondent
    assert edges[("insurer", "patient", "experiential")] == (1.0, 1, 1.0, 1, "worse")
    nodes = {n.id: (n.before, n.net, n.change) for n in view.nodes}
    assert nodes["clinic"] == (3.0, 2.0, "worse")  # 4 - 1; (8 - 4) / 2
    assert nodes["insurer"] == (-1.0, -0.5, "better")  # the mean respondent of "old": half of them claim
    assert (view.kind, view.scenario, view.compare, view.against) == ("segments", "young", "old", "old")
    assert view.title == "Become healthy: segment young → segment old"
    assert view.subtitle == "Segment young (n=1) against segment old (n=2), mean values · scenario current"
    assert view.respondents == 2 and view.color_by == "change"
    firm = build_view(three_people(), ViewSpec(segment="young", against="old", firm=True))
    assert (firm.kind, firm.centre) == ("segments", "clinic")
    assert {n.id for n in firm.nodes} == {"patient", "clinic", "insurer"}  # the claim it spoils, not the family


def test_segment_against_segment_from_python() -> None:
    view = valuenet.view(three_people(), segment="old", against="young")
    edge = next(e for e in view.edges if (e.source, e.target, e.dimension) == ("patient", "clinic", "experiential"))
    assert (edge.before, edge.value, edge.change) == (2.0, 1.0, "better")  # old waits 2, young 1
    assert "Segment old (n=2) against segment young (n=1)" in view.to_html()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (ViewSpec(against="old"), "a view against segment 'old' needs a first segment; name it with segment."),
        (
            ViewSpec(segment="young", against="old", compare="future"),
            "a view compares two scenarios or two segments, not both; drop compare or against.",
        ),
        (ViewSpec(segment="old", against="old"), "segment 'old' against itself shows no change; name another segment."),
        (
            ViewSpec(segment="young", against="middle"),
            "model 'tiny' has no respondent in segment 'middle'; segments: old, young.",
        ),
    ],
)
def test_segment_views_that_cannot_be_drawn_say_why(spec: ViewSpec, message: str) -> None:
    with pytest.raises(ViewError) as info:
        build_view(tiny_model(), spec)
    assert str(info.value) == message


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "v.db"
    with SQLiteStore(path) as store:
        store.write_model(three_people())
    return path


def run(store_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["view", *args, "--store", str(store_path)])
    return result.exit_code, result.stderr


def test_view_command_draws_segment_against_segment(tmp_path: Path, store_path: Path) -> None:
    out = tmp_path / "seg.html"
    code, err = run(store_path, "--segment", "young", "--against", "old", "-o", str(out))
    assert code == 0, err
    assert "Segment young (n=1) against segment old (n=2)" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--against", "old"], (2, "--against compares two segments: name the first with --segment.")),
        (
            ["--segment", "young", "--against", "old", "--compare", "future"],
            (2, "use --compare (scenario against scenario) or --against (segment against segment), not both."),
        ),
        (
            ["--segment", "young", "--against", "middle"],
            (1, "Error: model 'tiny' has no respondent in segment 'middle'; segments: old, young.\n"),
        ),
    ],
)
def test_view_command_refuses_segment_views_it_cannot_draw(
    tmp_path: Path, store_path: Path, args: list[str], expected: tuple[int, str]
) -> None:
    out = tmp_path / "x.html"
    code, err = run(store_path, *args, "-o", str(out))
    assert code == expected[0]
    assert expected[1] in err if code == 2 else err == expected[1]
    assert not out.exists()


# -- quotes -----------------------------------------------------------------------------------


def priced(said: list[tuple[str, float | None, str]]) -> Model:
    """tiny, plus one price flow per respondent (patient gives economic value to the clinic), each quoted."""
    m = tiny_model()
    m.respondents = [Respondent(id=r) for r, _, _ in said]
    m.flows = [f for f in m.flows if f.respondent is None]
    m.flows += [
        Flow(id=f"p-{r}", goal="healthy", source="patient", target="clinic", dimension="economic", magnitude=mag,
             respondent=r, touchpoint="desk", quote=q)
        for r, mag, q in said
    ]  # fmt: skip
    return m


SAID = [
    ("r1", 2.0, "Too dear."),
    ("r2", 5.0, "Far too expensive."),
    ("r3", 4.0, "Too dear."),
    ("r4", 1.0, "Fine."),
    ("r5", None, "Too  dear. "),
    ("r6", 1.0, "Okay."),
]


def price_edge(m: Model) -> data.ViewEdge:
    return next(e for e in build_view(m, ViewSpec()).edges if e.dimension == "economic" and e.source == "patient")


def test_quotes_rank_by_what_they_evidence_and_identical_ones_fold() -> None:
    edge = price_edge(priced(SAID))
    assert [(q["text"], q["count"], q["respondent"]) for q in edge.quotes] == [
        ("Far too expensive.", 1, "r2"),  # gives up 5
        ("Too dear.", 3, "r3"),  # r3 gives up 4, r1 2, r5 states no magnitude: one quote, said by 3
        ("Fine.", 1, "r4"),  # 1, before "Okay." (1, later in the table)
        ("Okay.", 1, "r6"),
    ]
    assert edge.more_quotes == 0


def test_max_quotes_counts_distinct_quotes_and_more_quotes_the_flows_left(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quotes, "MAX_QUOTES", 2)
    edge = price_edge(priced(SAID))
    assert [(q["text"], q["count"]) for q in edge.quotes] == [("Far too expensive.", 1), ("Too dear.", 3)]
    assert edge.more_quotes == 2  # "Fine." and "Okay."
    monkeypatch.setattr(quotes, "QUOTE_POOL", 3)  # read only the three largest: 5, 4, 2
    edge = price_edge(priced(SAID))
    assert [(q["text"], q["count"]) for q in edge.quotes] == [("Far too expensive.", 1), ("Too dear.", 2)]
    assert edge.more_quotes == 3  # six quoted flows, three behind the quotes shown


def test_a_respondent_saying_the_same_twice_counts_once() -> None:
    m = priced(SAID[:2])
    twice = next(f for f in m.flows if f.id == "p-r1").model_copy(update={"id": "p-r1b", "touchpoint": "phone"})
    m.flows.append(twice)
    edge = price_edge(m)
    assert [(q["text"], q["count"]) for q in edge.quotes] == [("Far too expensive.", 1), ("Too dear.", 1)]


def test_a_store_that_reads_texts_as_columns_counts_every_quote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quotes, "QUOTE_POOL", 3)  # fewer than the six quoted flows: SQLite reads every text
    m = priced(SAID)
    with SQLiteStore(tmp_path / "q.db") as store:
        store.write_model(m)
        view = build_view(m, ViewSpec(), store)
    edge = next(e for e in view.edges if e.dimension == "economic" and e.source == "patient")
    assert [(q["text"], q["count"]) for q in edge.quotes] == [
        ("Far too expensive.", 1),
        ("Too dear.", 3),
        ("Fine.", 1),
        ("Okay.", 1),
    ]
    assert edge.more_quotes == 0


def test_touchpoints_say_better_or_worse_for_the_mean_respondent_of_each_side_weighted() -> None:
    # weights: r1 (young) functional 0.5, experiential 0.3; r2 functional 0.2, experiential 0.6; r3 none: 0.25 each
    view = build_view(three_people(), ViewSpec(segment="young", against="old"))
    got = [(c.touchpoint, round(c.before, 9), round(c.after, 9), c.change) for c in view.touchpoints]
    assert got == [
        ("treatment", 2.0, 0.925, "worse"),  # 4 x 0.5; (3 x 0.2 + 5 x 0.25) / 2 (unweighted, 4 and 4: the same)
        ("waiting-room", -0.3, -0.9, "worse"),  # r1 waits 1 x 0.3; r2 waits 3 x 0.6, of two "old" respondents
        ("x", 0.0, -0.125, "worse"),  # r3 waits 1 x 0.25 at another touchpoint
        ("claim", -0.3, -0.3, "same"),  # (1 - 2) x 0.3 for r1; (1 - 2) x 0.6 / 2: only r2 of the two "old" claims
    ]
    assert build_view(three_people(), ViewSpec(segment="young")).touchpoints == []  # only in comparisons


def test_a_structural_flow_at_a_touchpoint_weighs_as_much_as_it_matters_to_each_side() -> None:
    m = three_people()
    m.flows.append(Flow(id="leaflet", goal="healthy", source="clinic", target="patient", dimension="functional",
                        magnitude=2.0, touchpoint="leaflet"))  # fmt: skip
    view = build_view(m, ViewSpec(segment="young", against="old"))
    leaflet = next(c for c in view.touchpoints if c.touchpoint == "leaflet")
    # everyone gets the leaflet's 2: r1 weighs functional 0.5; "old" 0.2 and 0.25, a mean of 0.225
    assert (round(leaflet.before, 9), round(leaflet.after, 9), leaflet.change) == (1.0, 0.45, "worse")


# -- what decides better or worse -------------------------------------------------------------


def family_for_r2_in_future() -> Model:
    """tiny, but r2 has no family today; in the future r2's family gives 1 for 1 while r1's still gives 3 for 1."""
    m = tiny_model()
    m.flows = [f for f in m.flows if not (f.respondent == "r2" and "family" in (f.source, f.target))]
    m.flows += exchange_flows(
        "r2-fam-fut", goal="healthy", scenario="future", customer="patient", actor="family", dimension="symbolic",
        gets=1, gives=1, respondent="r2",
    )  # fmt: skip
    return m


def test_better_or_worse_is_judged_for_the_mean_respondent_not_for_those_with_the_flow() -> None:
    view = build_view(family_for_r2_in_future(), ViewSpec(compare="future"))
    edges = {
        (e.source, e.target): (e.before, e.before_n, e.value, e.n, e.before_per_respondent, e.per_respondent, e.change)
        for e in view.edges
        if e.dimension == "symbolic"
    }
    # r1 gets 3 today (3.0 among 1, 1.5 per respondent); with r2's 1 the mean of those who get it falls to 2.0,
    # yet the mean respondent gets more: 4 / 2 = 2.0
    assert edges[("family", "patient")] == (3.0, 1, 2.0, 2, 1.5, 2.0, "better")
    # r1 gives 1 today (0.5 per respondent); both give 1 in the future: 1.0 among those, but 1.0 per respondent
    assert edges[("patient", "family")] == (1.0, 1, 1.0, 2, 0.5, 1.0, "worse")
    assert {n.id: n.change for n in view.nodes}["family"] == "same"  # 1.5 - 0.5 = 2 - 1


def with_money(price: tuple[float | None, float | None], refund: float = 20.0, claims: float = 75.0) -> Model:
    """tiny, with r1 paying the clinic (magnitude, EUR) today 3 and 50 EUR and r2 refunded 10 EUR; future changes them.

    ``price`` is r1's payment in the future (magnitude, EUR), ``refund`` r2's refund and ``claims``
    the clinic's fee per claim to the insurer (65 EUR x 8 today).
    """
    m = tiny_model()
    for scenario, (mag, eur), back, fee in (("current", (3.0, 50.0), 10.0, 65.0), ("future", price, refund, claims)):
        m.flows += [
            Flow(id=f"price-{scenario}", goal="healthy", scenario=scenario, source="patient", target="clinic",
                 dimension="economic", magnitude=mag, money=eur, respondent="r1"),
            Flow(id=f"refund-{scenario}", goal="healthy", scenario=scenario, source="clinic", target="patient",
                 dimension="economic", money=back, respondent="r2"),
        ]  # fmt: skip
        if scenario == "future":
            m.flows.append(
                Flow(id="claims-fut", goal="healthy", scenario="future", source="clinic", target="insurer",
                     dimension="economic", money=fee, occurrences=8, tangible=True)
            )  # fmt: skip
    return m


def test_a_change_in_money_alone_is_better_or_worse_for_the_customer_or_between_other_actors() -> None:
    view = build_view(with_money(price=(3.0, 60.0)), ViewSpec(compare="future"))
    edges = {(e.source, e.target, e.dimension): (e.before_money, e.money, e.change) for e in view.edges}
    assert edges[("patient", "clinic", "economic")] == (50.0, 60.0, "worse")  # perceived the same, pays more
    assert edges[("clinic", "patient", "economic")] == (10.0, 20.0, "better")  # refunded more
    assert edges[("clinic", "insurer", "economic")] == (520.0, 600.0, "other")  # 65 -> 75 EUR x 8, between others
    same = build_view(with_money(price=(3.0, 50.0), refund=10.0, claims=65.0), ViewSpec(compare="future"))
    assert {e.change for e in same.edges if e.dimension == "economic"} == {"same"}


def test_the_perceived_magnitude_decides_before_the_money() -> None:
    view = build_view(with_money(price=(2.0, 60.0)), ViewSpec(compare="future"))
    price = next(e for e in view.edges if (e.source, e.target, e.dimension) == ("patient", "clinic", "economic"))
    assert (price.before, price.value, price.before_money, price.money) == (3.0, 2.0, 50.0, 60.0)
    assert price.change == "better"  # r1 feels they give up less, though they pay 10 EUR more


def test_segment_ids_read_as_words_in_the_title_and_subtitle() -> None:
    m = three_people()
    for r in m.respondents:
        r.segment = {"young": "young_athletes", "old": "working-parents"}[r.segment or ""]
    view = build_view(m, ViewSpec(segment="working-parents", against="young_athletes"))
    assert view.title == "Become healthy: segment working parents → segment young athletes"
    assert view.subtitle == (
        "Segment working parents (n=2) against segment young athletes (n=1), mean values · scenario current"
    )
    assert (view.scenario, view.compare, view.against) == ("working parents", "young athletes", "young_athletes")
    one = build_view(m, ViewSpec(segment="working-parents"))
    assert one.subtitle.startswith("Segment working parents: 2 respondents, mean values")
    assert build_view(m, ViewSpec(respondent="r1")).subtitle.startswith("Respondent r1 (young athletes)")


def test_touchpoint_changes_weigh_as_the_analysis_does() -> None:
    m = three_people()
    t = FlowTable.read(m, "healthy", "current")
    measured = touchpoint_measures(cube(t))  # per respondent, weighted, the firm's own flows at each touchpoint
    view = build_view(m, ViewSpec(segment="young", against="old", firm=True))
    sides = {"young": [t.respondents.index("r1")], "old": [t.respondents.index(r) for r in ("r2", "r3")]}
    # the view also counts the claim the clinic spoils; the measure only the clinic's own flows
    own = [c for c in view.touchpoints if c.touchpoint != "claim"]
    assert {c.touchpoint for c in own} == {"treatment", "waiting-room", "x"}
    for c in own:
        col = measured[f"touchpoint.{c.touchpoint}.weighted"]
        mean = {side: float(np.nansum(col[rows])) / len(rows) for side, rows in sides.items()}
        assert (c.before, c.after) == pytest.approx((mean["young"], mean["old"])), c.touchpoint
