"""The report on edge cases found in review: scenarios over different people, no respondents, tiny segments,
no quotes, no to-be scenario, awkward names; each worked out by hand on the tiny model."""

from __future__ import annotations

from tests.conftest import tiny_model
from tests.test_report_story import sentence, staged
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


def test_nps_column_is_named_for_what_it_holds() -> None:
    html = render_report(tiny_model(), ReportSpec())
    table = html[html.index('id="loyalty"') :]
    table = table[: table.index("</table>")]
    assert "<th>Net Promoter Score</th>" in table and "Likelihood to recommend" not in table


def many_people(sizes: dict[str, int], model: Model | None = None) -> Model:
    """The tiny model with r1's flows copied to new respondents of the named segments (NPS 10)."""
    m = model or tiny_model()
    r1 = next(r for r in m.respondents if r.id == "r1")
    for seg, k in sizes.items():
        for i in range(k):
            rid = f"{seg}{i}"
            m.respondents.append(r1.model_copy(update={"id": rid, "segment": seg, "nps": 10}))
            m.flows += [
                f.model_copy(update={"id": f"{rid}:{f.id}", "respondent": rid, "exchange": f"{rid}-{f.exchange}"})
                for f in m.flows
                if f.respondent == "r1"
            ]
    return m


def test_summary_compares_only_segments_of_at_least_five() -> None:
    # young: r1 + 5 copies (NPS +100); old: r2 alone (NPS -100, a segment of 1); mid: 5 copies
    data = build_report(many_people({"young": 5, "mid": 5}), ReportSpec())
    text = sentence(data, "#segments")
    assert "among old" not in text and "-100" not in text.split("Net Promoter Score is")[1]
    assert not any(s.text.startswith("Old lose the most") for s in data["summary"])
    # with old at five too, it is named again
    m = many_people({"young": 5, "mid": 5})
    r2 = next(r for r in m.respondents if r.id == "r2")
    for i in range(4):
        m.respondents.append(r2.model_copy(update={"id": f"o{i}"}))
        m.flows += [
            f.model_copy(update={"id": f"o{i}:{f.id}", "respondent": f"o{i}", "exchange": f"o{i}-{f.exchange}"})
            for f in m.flows
            if f.respondent == "r2"
        ]
    data = build_report(m, ReportSpec())
    assert "to -100 among old" in sentence(data, "#segments")
    assert any(s.text.startswith("Old lose the most") for s in data["summary"])


def test_thousands_are_separated_in_the_header_and_tables() -> None:
    data = build_report(many_people({"young": 1200}), ReportSpec())
    assert ("Respondents", "1,202") in data["figures"]
    html = render_report(many_people({"young": 1200}), ReportSpec())
    assert "1,202 respondents · weighted by what matters to each of them" in html
    assert "<td><bdi>1,201</bdi></td>" in html  # the young segment's n in the NPS table
    assert "all 1,202 respondents, mean respondent" in data["journey"].scope


def no_respondents() -> Model:
    m = tiny_model()
    m.respondents = []
    m.flows = [f.model_copy(update={"respondent": None}) for f in m.flows]
    return m


def test_a_model_without_respondents_says_one_line_per_empty_section() -> None:
    m = no_respondents()
    data = build_report(m, ReportSpec())
    html = render_report(m, ReportSpec())
    assert "0 respondents" not in html and "weighted by what matters to each of them" not in html
    assert "no respondents: the network as modelled" in html
    assert "for the network as modelled" in html and "respondents in both" not in html
    assert "(1)" not in data["journey"].scope and "respondent with a flow" not in html
    assert "No respondent gave a likelihood to recommend" in data["drivers_line"]
    assert data["nps"]["empty"].startswith("No respondent said") and data["segments"]["empty"].startswith("No resp")
    assert all(r["substitutes"] != "nobody" or r["at_risk"] >= 0.005 for r in data["dependency"]["rows"])
    assert "the best actor, nobody" not in html


def test_a_network_with_no_value_exchanged_says_so_instead_of_ranking() -> None:
    m = no_respondents()
    m.flows = []
    data = build_report(m, ReportSpec())
    assert sentence(data, "#heatmap").startswith("No value is exchanged with the customer")
    assert data["dependency"]["rows"] == [] and data["dependency"]["empty"].startswith("Customers receive no value")
    html = render_report(m, ReportSpec())
    assert "evidence pack</a> holds the cards" not in html


def test_a_goal_with_one_scenario_says_there_is_nothing_to_compare() -> None:
    m = tiny_model()
    m.goals[0].scenarios = m.goals[0].scenarios[:1]
    m.flows = [f for f in m.flows if f.scenario != "future"]
    data = build_report(m, ReportSpec())
    assert sentence(data, "#scenario") == "No to-be scenario to compare with: add one to the goal's scenarios."
    assert 'id="scenario"' in render_report(m, ReportSpec())


def test_a_scenario_that_changes_nothing_for_the_firm_reads_the_same() -> None:
    m = future_for_r2_alone()
    # r2's care goes from 3 to 3.001 in the future: a change too small to read (0.2 * 0.001 weighted)
    m.flows = [
        f.model_copy(update={"magnitude": 3.001}) if f.id.endswith(":fut") and "care:gets" in f.id else f
        for f in m.flows
    ]
    data = build_report(m, ReportSpec())
    text = sentence(data, "#scenario")
    assert "worse" not in text.split(":")[0] and "leaves Clinic the same for the customer" in text
    assert "of the respondents in both" in text


def test_return_on_change_is_said_once_and_names_new_breaches_with_others() -> None:
    from tests.test_report_story import future_fixes_the_wait
    from valuenet.models import exchange_flows

    m = future_fixes_the_wait()
    m.flows += exchange_flows(  # in the future, r2 gives up 2 to the family at dinner (threshold 1)
        "r2-fam-fut", goal="healthy", scenario="future", customer="patient", actor="family",
        dimension="experiential", gets=None, gives=2, respondent="r2", touchpoint="dinner",
    )  # fmt: skip
    data = build_report(m, ReportSpec())
    text = sentence(data, "#return-on-change")
    assert text.endswith("nobody starts; 1 respondent newly goes past one with Family.")
    row = data["scenario"]["shifts"]["rows"][0]
    assert row["what_changes"] == "stops being pushed past a threshold by the firm; newly past one with Family"
    assert row["past_after"] == "Family: experiential at the dinner"
    html = render_report(m, ReportSpec())
    assert html.count("1 respondent stops being pushed past a threshold by the firm") == 2  # summary and section
    assert "of 10)" in html.split('id="return-on-change"')[1][:1200]


def test_a_breach_that_moves_to_another_touchpoint_shows() -> None:
    from tests.test_report_story import future_fixes_the_wait
    from valuenet.models import exchange_flows

    m = future_fixes_the_wait()
    m.flows += exchange_flows(  # the wait is fixed, but r2 now gives up 3 at the clinic's phone line
        "r2-phone-fut", goal="healthy", scenario="future", customer="patient", actor="clinic",
        dimension="experiential", gets=None, gives=3, respondent="r2", touchpoint="phone",
    )  # fmt: skip
    data = build_report(m, ReportSpec())
    row = data["scenario"]["shifts"]["rows"][0]
    assert row["past_after"] == "Clinic: experiential at the phone"
    assert "experiential at the waiting room" in row["past_before"]
    assert row["what_changes"].startswith("pushed past fewer thresholds by the firm (2 to 1)")


def test_without_quotes_the_deal_breakers_have_no_quotes_column() -> None:
    m = tiny_model()
    m.flows = [f.model_copy(update={"quote": None}) for f in m.flows]
    table = build_report(m, ReportSpec())["dealbreakers"]
    assert table["rows"] and "What they said" not in [label for _, label in table["columns"]]
    assert "What they said" in [
        label for _, label in build_report(tiny_model(), ReportSpec())["dealbreakers"]["columns"]
    ]


def test_destruction_flows_are_the_ones_behind_the_quotes_shown() -> None:
    from valuenet.models import exchange_flows

    m = tiny_model()
    m.flows = [f.model_copy(update={"quote": None}) if f.exchange == "r1-wait" else f for f in m.flows]
    m.flows += exchange_flows(  # r1's unquoted wait comes first in pool order; r2 loses more and is quoted
        "r1-wait2", goal="healthy", customer="patient", actor="clinic", dimension="experiential",
        gets=None, gives=0.1, respondent="r1", touchpoint="waiting-room",
    )  # fmt: skip
    item = next(i for i in build_report(m, ReportSpec())["result"].destruction.items if i.touchpoint == "waiting-room")
    flows = {f.id: f for f in m.flows}
    assert item.quotes == ("An hour in the waiting room.",)
    assert [flows[k].quote for k in item.flows] == list(item.quotes)


def test_user_text_is_isolated_for_right_to_left_names() -> None:
    rtl = "عيادة الركبة"
    html = render_report(renamed(clinic=rtl), ReportSpec())
    summary = html[html.index('id="summary"') : html.index('id="network"')]
    assert f"<bdi>{rtl}</bdi> ranks" in summary
    assert f"<td><bdi>{rtl}</bdi></td>" in html
    assert "<blockquote>“<bdi>An hour in the waiting room.</bdi>”" in html
    hostile = render_report(renamed(clinic="<b>x</b>"), ReportSpec())
    assert "<b>x</b>" not in hostile and "<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>" in hostile


def test_a_right_to_left_scenario_description_is_isolated_in_the_summary() -> None:
    m = tiny_model()
    m.goals[0].scenarios[1] = m.goals[0].scenarios[1].model_copy(update={"name": "Future A", "description": "مرحبا"})
    html = render_report(m, ReportSpec())
    assert "<bdi>Future A</bdi> (<bdi>مرحبا</bdi>)" in html


def test_one_detractor_among_the_others_is_singular() -> None:
    m = tiny_model()
    m.respondents = [r.model_copy(update={"nps": 5}) if r.id == "r1" else r for r in m.respondents]
    text = sentence(build_report(m, ReportSpec()), "#dealbreakers")
    assert "against 1 detractor and 0 churned among the other 1" in text
