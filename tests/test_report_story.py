"""The report as a story: summary sentences from the analysis, human headings, quotes ranked and folded,
evidence cards, the heatmap's "who causes it" reading, the scenario's return on change, and the journey,
worked out by hand on the tiny model."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import tiny_model
from valuenet.analysis.evidence import Evidence, rank_quotes
from valuenet.analysis.report import analyze_goal
from valuenet.models import Actor, Model, Respondent, Scenario, exchange_flows
from valuenet.views.journey import NO_STAGE, build_journey, journey_svg, render_journey, write_journey
from valuenet.views.report import ReportSpec, build_report, render_evidence, render_report, write_report

XSS = "<img src=x onerror=alert(1)>"


def sentence(data: dict, href: str) -> str:
    found = [s.text for s in data["summary"] if s.href == href]
    assert found, [s.href for s in data["summary"]]
    return found[0]


def with_wait(gives: float) -> Model:
    """The tiny model with r2's waiting-room give-up set to ``gives``."""
    m = tiny_model()
    m.flows = [f.model_copy(update={"magnitude": gives}) if f.id == "r2-wait:gives" else f for f in m.flows]
    return m


def test_summary_sentences_carry_the_analysis_figures_and_follow_the_data() -> None:
    data = build_report(tiny_model(), ReportSpec())
    top = data["result"].destruction.items[0]
    # by hand: the waiting room, r1 loses 0.3 * 1, r2 0.6 * 3: a mean of 1.05
    assert (top.touchpoint, top.weighted) == ("waiting-room", pytest.approx(1.05))
    text = sentence(data, "#card-1")
    assert "The largest loss is experiential, at the waiting room" in text
    assert "customers give up 2.00 there and get 0.00" in text and "weighted loss of 1.05" in text
    assert "all 2 respondents lose value there" in text
    standing = sentence(data, "#heatmap")
    nv = data["result"].net
    assert f"Clinic ranks {nv.focal_rank}" in standing and f"{nv.focal_share:.0%}" in standing
    # change the data: r2 gives up 4 in the waiting room, (0.3 + 0.6 * 4) / 2 = 1.35
    changed = sentence(build_report(with_wait(4), ReportSpec()), "#card-1")
    assert "customers give up 2.50 there" in changed and "weighted loss of 1.35" in changed
    assert changed != text


def test_deal_breaker_sentence_counts_who_is_past_a_threshold_with_their_loyalty() -> None:
    data = build_report(tiny_model(), ReportSpec())
    text = sentence(data, "#dealbreakers")
    # r2 (threshold 1) gives up 3 in the waiting room and 2 at the claim; r1 breaches nothing. r2: nps 4, churned.
    assert text.startswith("1 respondent (50%) is pushed past what they will tolerate by the firm at least once")
    assert "the waiting room (experiential, 1 respondent)" in text
    assert "1 of them is a detractor and 1 has churned, against 0 detractors and 0 churned among the other 1" in text


class Headings(HTMLParser):
    """Texts of the headings and table header cells of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.open: str | None = None
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("h1", "h2", "h3", "th", "dt"):
            self.open = tag
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.open:
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open:
            self.found[-1] += data


@pytest.mark.parametrize("which", ["tiny", "health"])
def test_headings_and_columns_are_words_not_ids(which: str) -> None:
    from tests.test_browser_views import example_model

    model = tiny_model() if which == "tiny" else example_model()
    parser = Headings()
    parser.feed(render_report(model, ReportSpec()))
    assert len(parser.found) > 20
    for text in parser.found:
        assert "_" not in text, text
        assert not re.search(r"[a-z]\.[a-z]", text), text  # no net.clinic.weighted


def test_sections_with_nothing_conclusive_say_so_in_one_line() -> None:
    from tests.test_browser_views import example_model

    data = build_report(example_model(), ReportSpec())
    assert data["drivers"] is None  # 20 respondents: no driver is conclusive
    assert data["drivers_line"].startswith("None of the 32 possible loyalty drivers is conclusive with 20 respondents")
    assert all(r["score"] >= 0.005 for r in data["opportunities"]["rows"])  # no broker at 0.00
    assert not any(str(r["item"]).startswith("connect") for r in data["opportunities"]["rows"])
    html = render_report(example_model(), ReportSpec())
    assert "net.clinic" not in html.split("<script")[0] and "+0.00</text>" in html  # zero where data says zero
    assert ">–</text>" in html  # a dash where there is no data


def test_rank_quotes_orders_by_size_and_folds_identical_words() -> None:
    said = [("Price is okay for what it is.", "a", 0.1)]
    said += [("Twelve weeks of waiting!", f"p{i}", 1.0 + i / 100) for i in range(12)]
    said += [("twelve weeks of  waiting", "p0", 0.5), ("An hour, every time.", "z", 2.0), (None, "q", 9.0)]
    ranked = rank_quotes(said)
    assert ranked == (
        Evidence("An hour, every time.", 1, 2.0),
        Evidence("Twelve weeks of waiting!", 12, pytest.approx(1.11)),
    )  # the weak quote (0.1 < a quarter of 2.0) is left out
    assert rank_quotes(said, limit=1, floor=0.0)[0].text == "An hour, every time."
    assert rank_quotes(said, floor=0.0)[-1].text == "Price is okay for what it is."


def test_destruction_quotes_rank_the_largest_loss_first_and_fold_duplicates() -> None:
    m = tiny_model()
    for i in range(5):  # five more respondents who all say the same and lose a lot; one who loses little
        m.respondents.append(Respondent(id=f"x{i}", weights={"experiential": 1}))
        m.flows += exchange_flows(
            f"x{i}-wait", goal="healthy", customer="patient", actor="clinic", dimension="experiential",
            gets=0, gives=4, respondent=f"x{i}", touchpoint="waiting-room", quote="Nobody tells you how long.",
        )  # fmt: skip
    m.respondents.append(Respondent(id="y", weights={"experiential": 1}))
    m.flows += exchange_flows(
        "y-wait", goal="healthy", customer="patient", actor="clinic", dimension="experiential",
        gets=0, gives=0.2, respondent="y", touchpoint="waiting-room", quote="Price is okay for what it is.",
    )  # fmt: skip
    item = next(
        i for i in analyze_goal(m, sections=["destruction"]).destruction.items if i.touchpoint == "waiting-room"
    )
    assert item.evidence[0] == Evidence("Nobody tells you how long.", 5, 4.0)
    assert "Price is okay for what it is." not in item.quotes
    cards = build_report(m, ReportSpec())["cards"]
    wait = next(c for c in cards if c["touchpoint"] == "waiting room")
    assert wait["quotes"][0] == {"text": "Nobody tells you how long.", "said": 5, "size": 4.0}
    assert "said by 5 respondents" in render_evidence(m, ReportSpec())


def test_evidence_pack_has_a_card_per_destruction_item(tmp_path: Path) -> None:
    m = tiny_model()
    data = build_report(m, ReportSpec())
    items = data["result"].destruction.items
    assert [c["id"] for c in data["cards"]] == [f"card-{k + 1}" for k in range(len(items))]
    claim = next(c for c in data["cards"] if c["touchpoint"] == "claim")
    # the insurer's claim, the clinic's doing: r1 and r2 each give up 2 and get 1 experiential
    assert (claim["kind"], claim["actor"], claim["gives"], claim["gets"]) == ("indirect", "Insurer", 2.0, 1.0)
    assert claim["cause"] == "Happens with Insurer, caused by Clinic."
    write_report(m, ReportSpec(), tmp_path / "out")
    page = (tmp_path / "out" / "evidence.html").read_text(encoding="utf-8")
    assert page.count('class="rp-card ') == len(items)
    assert render_report(m, ReportSpec()).count('class="rp-card ') == len(items)


def test_heatmap_who_causes_it_moves_the_claim_to_the_clinic() -> None:
    data = build_report(tiny_model(), ReportSpec())

    def value(hm: dict, actor: str, dimension: str) -> str:
        return next(c["text"] for c in hm["cells"] if c["title"].startswith(f"{actor}, {dimension}:"))

    # where it happens: the clinic's waiting room (-1, -3: -2.00), the insurer's claim (1 - 2 each: -1.00)
    assert value(data["heatmap"], "Clinic (focal)", "experiential") == "-2.00"
    assert value(data["heatmap"], "Insurer", "experiential") == "-1.00"
    # who causes it: the claim's -1 is the clinic's doing
    assert value(data["heatmap_who"], "Clinic (focal)", "experiential") == "-3.00"
    assert value(data["heatmap_who"], "Insurer", "experiential") == "–"  # nothing is left there: no data
    assert value(data["heatmap"], "Insurer", "functional") == "–"  # nobody exchanges it: no data
    assert data["heatmap_who"]["moved"] == [
        "Clinic (focal), experiential -2.00 → -3.00",
        "Insurer, experiential -1.00 → –",
    ]
    assert [c["moved"] for c in data["heatmap_who"]["cells"]].count(True) == 2


def future_fixes_the_wait() -> Model:
    """The tiny model whose future cuts r2's wait to 0.5 and the claim hassle to 1 (r2's threshold: 1)."""
    m = tiny_model()
    m.goals[0].scenarios[1] = Scenario(
        id="future", name="Future A", description="Online booking with live delays.", based_on="current"
    )
    for name, actor, tp, gets, gives, blame in (
        ("wait", "clinic", "waiting-room", None, 0.5, None),
        ("claim", "insurer", "claim", 1, 1, "clinic"),
    ):
        m.flows += exchange_flows(
            f"r2-{name}-fut", goal="healthy", scenario="future", customer="patient", actor=actor,
            dimension="experiential", gets=gets, gives=gives, respondent="r2", touchpoint=tp, responsible=blame,
        )  # fmt: skip
    return m


def test_scenario_is_told_with_its_name_and_the_return_on_change() -> None:
    data = build_report(future_fixes_the_wait(), ReportSpec())
    roc = data["scenario"]["roc"]
    # r2 (nps 4, churned) breached at the waiting room (3 > 1) and the claim (2 > 1); in the future neither
    assert (roc.stop, roc.start, roc.stop_detractors, roc.stop_churned, roc.stop_nps) == (("r2",), (), 1, 1, 4.0)
    text = sentence(data, "#return-on-change")
    assert text == (
        "Under Future A, 1 respondent stops being pushed past a threshold by the firm, a detractor and "
        "1 churned (mean likelihood to recommend 4.0 of 10); nobody starts."
    )
    story = sentence(data, "#scenario")
    assert story.startswith("Future A (Online booking with live delays) makes Clinic better for the customer")
    rows = data["scenario"]["changes"]["rows"]
    clinic = next(r for r in rows if r["actor"] == "Clinic" and r["dimension"] == "all (weighted)")
    assert clinic["verdict"].startswith("better by")
    shifts = data["scenario"]["shifts"]["rows"]
    assert [(r["respondent"], r["nps"], r["churned"], r["what_changes"]) for r in shifts] == [
        ("r2", 4, "yes", "stops being pushed past a threshold by the firm")
    ]
    html = render_report(future_fixes_the_wait(), ReportSpec())
    assert "Future A: what changes for the customer" in html and "Online booking with live delays." in html
    assert ">future<" not in html


def staged() -> Model:
    m = tiny_model()
    stage = {"care": "treatment", "wait": "treatment", "claim": "billing"}
    m.flows = [
        f.model_copy(update={"stage": stage.get(f.exchange.split("-")[1])}) if f.exchange else f for f in m.flows
    ]
    return m


def test_journey_numbers_by_hand() -> None:
    j = build_journey(staged())
    assert j.stages == ("treatment", "billing", NO_STAGE)
    net = {k: (c.net, c.respondents) for k, c in j.by_dimension.items()}
    assert net == {
        ("treatment", "functional"): (3.5, 2),  # care: 4 and 3
        ("treatment", "experiential"): (-2.0, 2),  # the wait: -1 and -3
        ("billing", "experiential"): (-1.0, 2),  # the claim: 1 - 2 for each
        (NO_STAGE, "symbolic"): (2.0, 2),  # family: 3 - 1 for each
    }
    tp = {k: c.net for k, c in j.by_touchpoint.items()}
    # weighted: care r1 .5 * 4, r2 .2 * 3 -> 1.3; wait -.3 * 1, -.6 * 3 -> -1.05; claim -.3, -.6 -> -.45
    assert tp[("treatment", "treatment")] == pytest.approx(1.3)
    assert tp[("treatment", "waiting-room")] == pytest.approx(-1.05)
    assert tp[("billing", "claim")] == pytest.approx(-0.45)
    assert j.touchpoints["treatment"] == ("treatment", "waiting-room")
    assert j.stage_net["treatment"] == pytest.approx(0.25)
    assert build_journey(staged(), stages=["billing"]).stages == ("billing", "treatment", NO_STAGE)
    old = build_journey(staged(), segment="old")  # r2 alone
    assert (old.respondents, old.by_dimension[("treatment", "functional")].net) == (1, 3.0)
    assert ("treatment", "economic") not in j.by_dimension  # no data, not 0
    svg = journey_svg(j)
    assert svg.count('class="jn-cell"') == len(j.stages) * len(j.dimensions) + len(j.by_touchpoint)
    assert "+3.50" in svg and "-1.05" in svg and ">–<" in svg


def test_hostile_text_is_escaped_in_summary_cards_and_journey(tmp_path: Path) -> None:
    m = staged()
    m.actors[1] = Actor(id="clinic", name=XSS, kind="focal_firm")
    m.actors[2] = Actor(id="insurer", name=XSS, kind="institution")
    m.goals[0].scenarios[1] = Scenario(id="future", name=XSS, description=XSS, based_on="current")
    m.flows = [f.model_copy(update={"quote": XSS, "touchpoint": f.touchpoint and XSS + f.touchpoint}) for f in m.flows]
    data = build_report(m, ReportSpec())
    assert any(XSS in s.text for s in data["summary"])  # plain text in the data, escaped in the page
    write_report(m, ReportSpec(), tmp_path / "out")
    for name in ("index.html", "evidence.html"):
        html = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    j = build_journey(m)
    svg = journey_svg(j)
    assert "<img" not in svg and "&lt;img" in svg
    page = write_journey(j, tmp_path / "journey.html").read_text(encoding="utf-8")
    assert XSS not in page and "Content-Security-Policy" in page and "<script" not in page
    assert render_journey(j) == page


def test_a_model_without_respondents_reports_its_network_without_counting_people() -> None:
    m = tiny_model()
    m.respondents = []
    m.flows = [f.model_copy(update={"respondent": None}) for f in m.flows]
    data = build_report(m, ReportSpec())
    text = " ".join(s.text for s in data["summary"])
    assert text.startswith("In the network as modelled, Clinic ranks")
    assert " of 0 " not in text and "respondent" not in sentence(data, "#card-1")
    assert "Content-Security-Policy" in render_report(m, ReportSpec())


def test_past_the_quote_pool_the_largest_losses_are_the_ones_weighed(monkeypatch: pytest.MonkeyPatch) -> None:
    import valuenet.analysis.destruction as destruction

    m = tiny_model()
    for i, gives in enumerate((0.5, 4.0, 0.7, 3.0)):
        m.respondents.append(Respondent(id=f"x{i}", weights={"experiential": 1}))
        m.flows += exchange_flows(
            f"x{i}-wait", goal="healthy", customer="patient", actor="clinic", dimension="experiential",
            gets=0, gives=gives, respondent=f"x{i}", touchpoint="waiting-room", quote=f"Said by x{i}.",
        )  # fmt: skip
    monkeypatch.setattr(destruction, "QUOTE_POOL", 2)
    item = next(
        i for i in analyze_goal(m, sections=["destruction"]).destruction.items if i.touchpoint == "waiting-room"
    )
    # the two largest losses among six: x1 (1 * 4) and x3 (1 * 3); r2's 0.6 * 3 = 1.8 and the rest are not weighed
    assert [(e.text, e.size) for e in item.evidence] == [("Said by x1.", 4.0), ("Said by x3.", 3.0)]
