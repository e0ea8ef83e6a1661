"""The report on edge cases found in review: scenarios over different people, no respondents, tiny segments,
no quotes, no to-be scenario, awkward names; each worked out by hand on the tiny model."""

from __future__ import annotations

from tests.conftest import tiny_model
from tests.test_report_story import staged
from valuenet.models import Model, Scenario
from valuenet.views.journey import build_journey, journey_svg
from valuenet.views.report import ReportSpec, build_report, render_report


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


def renamed(**names: str) -> Model:
    m = tiny_model()
    m.actors = [a.model_copy(update={"name": names.get(a.id, a.name)}) for a in m.actors]
    return m


def test_heatmap_matches_cells_by_actor_not_by_name() -> None:
    # both named "Care: the lot", so the clinic's row and the insurer's would be confused by their text
    data = build_report(renamed(clinic="Care: the lot", insurer="Care: the lot"), ReportSpec())
    assert data["heatmap_who"]["moved"] == [
        "Care: the lot (focal), experiential -2.00 → -3.00",
        "Care: the lot, experiential -1.00 → –",
    ]
    assert [c["moved"] for c in data["heatmap_who"]["cells"]].count(True) == 2


def test_a_very_long_name_is_shortened_on_its_label_with_the_full_name_as_its_tooltip() -> None:
    long = "Insurer " + "x" * 232
    data = build_report(renamed(insurer=long), ReportSpec())
    label, _, _ = next(r for r in data["heatmap"]["rows"] if r[1] == long)
    assert len(label) <= 48 and label.endswith("…") and long.startswith(label[:-1])
    assert data["heatmap"]["label_x"] < 48 * 7.4 + 16
    html = render_report(renamed(insurer=long), ReportSpec())
    assert f"<title>{long}</title>{label}</text>" in html
