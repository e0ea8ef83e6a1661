"""The report on edge cases found in review: scenarios over different people, no respondents, tiny segments,
no quotes, no to-be scenario, awkward names; each worked out by hand on the tiny model."""

from __future__ import annotations

from tests.conftest import tiny_model
from tests.test_report_story import staged
from valuenet.models import Model, Scenario
from valuenet.views.journey import build_journey, journey_svg
from valuenet.views.report import ReportSpec, build_report


def future_for_r2_alone() -> Model:
    """A future not based on today, holding r2's flows unchanged: the comparison is for r2 alone."""
    m = tiny_model()
    m.goals[0].scenarios[1] = Scenario(id="future", name="Future A")
    today = [f for f in m.flows if f.scenario != "future"]
    m.flows = today + [
        f.model_copy(update={"id": f.id + ":fut", "scenario": "future", "exchange": f"{f.exchange}-fut"})
        for f in today
        if f.respondent == "r2"
    ]
    return m


def test_touchpoints_are_compared_for_the_people_in_both_scenarios() -> None:
    data = build_report(future_for_r2_alone(), ReportSpec())
    assert data["scenario"]["respondents"] == 1
    # r2's flows are the same in both: nothing changes for the one respondent compared
    assert data["scenario"]["touchpoints"]["rows"] == []
    assert data["scenario"]["changes"]["rows"] == []
    # the journey section itself still covers everyone today
    assert data["journey"].respondents == 2


def test_journey_speaks_words_and_counts_with_plurals() -> None:
    j = build_journey(staged(), segment="old")
    assert j.scope == "the old segment (1 respondent), mean respondent · current"
    svg = journey_svg(j)
    assert ">waiting room<" in svg and ">waiting-room<" not in svg
    assert "treatment, waiting room: -1.80, 1 respondent with a flow here" in svg
    assert "respondents with a flow here" not in svg
    assert "2 respondents with a flow here" in journey_svg(build_journey(staged()))


def test_declared_stages_without_flows_show_as_no_data() -> None:
    m = staged()
    m.goals[0] = m.goals[0].model_copy(update={"stages": ["referral", "treatment", "billing"]})
    j = build_journey(m)
    assert j.stages[:3] == ("referral", "treatment", "billing")
    assert j.stage_net.get("referral") is None and j.touchpoints["referral"] == ()
    svg = journey_svg(j)
    assert ">referral<" in svg and "referral, functional: no data" in svg


def test_journey_cells_count_each_respondent_once_per_cell() -> None:
    m = staged()
    extra = [  # a second wait flow for r1 in the same cell: still one respondent there
        f.model_copy(update={"id": f.id + "2", "exchange": "r1-wait2"}) for f in m.flows if f.exchange == "r1-wait"
    ]
    m.flows += extra
    j = build_journey(m)
    assert j.by_touchpoint[("treatment", "waiting-room")].respondents == 2
    assert j.by_dimension[("treatment", "experiential")].net == -2.5  # r1 -2, r2 -3
