"""View data and HTML rendering, without a browser: numbers worked out by hand, offline and escaped output."""

from __future__ import annotations

import json
import math
import os
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import tiny_model
from valuenet.cli import cli
from valuenet.errors import ModelError, ViewError
from valuenet.models import Actor, Model, Removal
from valuenet.store.sqlite import SQLiteStore
from valuenet.views import ViewSpec, build_view, render_view, write_view
from valuenet.views.layout import radial_layout
from valuenet.views.render import script_json, view_payload

GOLDEN = Path(__file__).parent / "data" / "views"
XSS = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script>\u2028&amp;"


def edges_of(spec: ViewSpec, model: Model | None = None) -> dict[tuple[str, str, str], tuple[float | None, int, str]]:
    view = build_view(model or tiny_model(), spec)
    return {(e.source, e.target, e.dimension): (e.value, e.n, e.impact) for e in view.edges}


def test_respondent_view_holds_that_respondent_and_structural_flows() -> None:
    edges = edges_of(ViewSpec(respondent="r1"))
    # r1: care gets 4 gives 0 (functional), waits 1 (experiential), claim gets 1 gives 2, family gets 3 gives 1
    assert edges[("clinic", "patient", "functional")] == (4.0, 1, "adds")
    assert edges[("patient", "clinic", "experiential")] == (1.0, 1, "destroys")
    assert edges[("insurer", "patient", "experiential")] == (1.0, 1, "destroys")  # gets 1, gives 2: net -1
    assert edges[("patient", "family", "symbolic")] == (1.0, 1, "adds")  # gets 3, gives 1: net +2
    assert edges[("clinic", "insurer", "economic")] == (None, 0, "neutral")  # structural, money only
    assert len(edges) == 8


def test_aggregated_view_takes_the_mean_per_respondent() -> None:
    edges = edges_of(ViewSpec())
    assert edges[("clinic", "patient", "functional")] == (3.5, 2, "adds")  # (4 + 3) / 2
    assert edges[("patient", "clinic", "experiential")] == (2.0, 2, "destroys")  # (1 + 3) / 2
    old = edges_of(ViewSpec(segment="old"))
    assert old[("patient", "clinic", "experiential")] == (3.0, 1, "destroys")


def test_node_numbers_are_what_the_customer_gets_and_gives_up() -> None:
    view = build_view(tiny_model(), ViewSpec())
    nodes = {n.id: n for n in view.nodes}
    assert nodes["clinic"].gets == {"functional": 3.5}
    assert nodes["clinic"].gives == {"experiential": 2.0, "functional": 0.0}
    assert nodes["clinic"].net == 1.5
    assert nodes["patient"].gets == {"functional": 3.5, "symbolic": 3.0, "experiential": 1.0}
    assert nodes["patient"].n == 2
    assert nodes["patient"].role == "customer" and nodes["clinic"].role == "focal"
    assert view.centre == "patient"


def test_actor_totals_are_the_mean_respondents_while_edges_keep_the_reporters_mean() -> None:
    m = tiny_model()
    m.flows = [f for f in m.flows if not f.id.startswith("r2-fam")]  # only r1 speaks of the family
    view = build_view(m, ViewSpec())
    family = next(e for e in view.edges if e.source == "family")
    assert (family.value, family.n) == (3.0, 1)
    nodes = {n.id: n for n in view.nodes}
    assert nodes["family"].gets == {"symbolic": 1.5}  # 3 from one of two respondents
    assert nodes["clinic"].gets == {"functional": 3.5}  # both reported it: (4 + 3) / 2
    assert view.respondents == 2


def test_money_flows_are_per_period() -> None:
    view = build_view(tiny_model(), ViewSpec())
    claims = next(e for e in view.edges if e.source == "clinic" and e.target == "insurer")
    assert claims.money == 520.0 and claims.structural  # 65 EUR x 8


def test_firm_view_keeps_the_firms_flows_and_those_it_causes() -> None:
    view = build_view(tiny_model(), ViewSpec(firm=True))
    assert view.centre == "clinic" and view.kind == "firm"
    pairs = {(e.source, e.target) for e in view.edges}
    assert ("patient", "insurer") in pairs  # the claim pain the clinic is responsible for
    assert not any("family" in p for p in pairs)
    assert {n.id for n in view.nodes} == {"patient", "clinic", "insurer"}


def test_scenario_diff_marks_what_changes_for_the_customer() -> None:
    model = tiny_model()
    # "future" inherits current; in this design the waiting room, the insurer and the family leave it
    model.goals[0].scenarios[1].removes = [
        Removal(touchpoint="waiting-room"),
        Removal(actor="insurer"),
        Removal(actor="family"),
    ]
    view = build_view(model, ViewSpec(compare="future"))
    changes = {(e.source, e.target, e.dimension): (e.change, e.presence, e.before, e.value) for e in view.edges}
    assert changes[("clinic", "patient", "experiential")] == ("better", "new", None, 1.0)  # the booking gives 1
    assert changes[("patient", "clinic", "experiential")] == ("better", None, 2.0, 1.0)  # waits (1+3)/2 -> booking 1
    assert changes[("patient", "family", "symbolic")] == ("better", "gone", 1.0, None)  # a give-up that is gone
    assert changes[("family", "patient", "symbolic")] == ("worse", "gone", 3.0, None)  # what they got is gone
    assert changes[("clinic", "insurer", "economic")] == ("other", "gone", None, None)
    nodes = {n.id: (n.change, n.presence, n.before, n.net) for n in view.nodes}
    # patient: 3.5 + 1 + 3 - (2 + 0 + 2 + 1) = 2.5 before; 3.5 + 1 - (1 + 0) = 3.5 after
    assert nodes == {
        "patient": ("better", None, 2.5, 3.5),
        "clinic": ("better", None, 1.5, 3.5),
        "insurer": ("better", "gone", -1.0, 0.0),
        "family": ("worse", "gone", 2.0, 0.0),
    }
    assert view.color_by == "change"
    # without the removals, everything current holds is still there and the booking adds to it
    kept = {
        (e.source, e.target, e.dimension): e.change for e in build_view(tiny_model(), ViewSpec(compare="future")).edges
    }
    assert kept[("patient", "clinic", "experiential")] == "worse"  # waits 2 + booking 1
    assert kept[("patient", "family", "symbolic")] == "same"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (ViewSpec(segment="middle"), "model 'tiny' has no respondent in segment 'middle'; segments: old, young."),
        (
            ViewSpec(scenario="future-b"),
            "goal 'healthy' of model 'tiny' has no scenario 'future-b'; it has: current, future.",
        ),
        (ViewSpec(color_by="change"), "cannot colour flows by 'change'; choose dimension, impact."),
        (
            ViewSpec(respondent="r1", segment="old"),
            "a view shows one respondent or one segment, not both; drop one of them.",
        ),
    ],
)
def test_views_that_do_not_fit_the_model_say_why(spec: ViewSpec, message: str) -> None:
    with pytest.raises(ViewError) as info:
        build_view(tiny_model(), spec)
    assert str(info.value) == message


def test_unknown_goal_or_respondent_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="has no respondent 'r9'"):
        build_view(tiny_model(), ViewSpec(respondent="r9"))
    with pytest.raises(ModelError, match="has no goal 'rich'"):
        build_view(tiny_model(), ViewSpec(goal="rich"))


def test_view_data_matches_the_golden_file() -> None:
    data = json.loads(json.dumps(build_view(tiny_model(), ViewSpec(respondent="r2")).as_dict()))
    path = GOLDEN / "tiny-r2.json"
    if os.environ.get("VALUENET_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert data == json.loads(path.read_text(encoding="utf-8"))


# -- layout -------------------------------------------------------------------------------------


def test_radial_layout_puts_the_centre_in_the_middle_and_rings_by_distance() -> None:
    nodes = ["c"] + [f"a{i}" for i in range(300)] + ["far", "alone"]
    edges = [("c", f"a{i}") for i in range(300)] + [("a7", "far")]
    pos = radial_layout(nodes, edges, "c")
    assert pos["c"] == (0.0, 0.0)
    radius = {n: math.hypot(*p) for n, p in pos.items()}
    assert max(radius[f"a{i}"] for i in range(300)) < radius["far"] < radius["alone"]
    assert len(set(pos.values())) == len(nodes)  # nobody on top of anybody


# -- rendering ----------------------------------------------------------------------------------


def hostile_model() -> Model:
    m = tiny_model()
    m.actors[3] = Actor(id="family", name=XSS, kind="peer")
    m.goals[0].title = BREAKOUT
    for f in m.flows:
        f.quote = BREAKOUT
    return m


def test_page_is_self_contained_and_fetches_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_view(build_view(tiny_model(), ViewSpec(respondent="r1")), "view.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]  # no lib/ folder, no leftovers
    html = path.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert csp and unescape(csp.group(1)).startswith("default-src 'none'; script-src 'unsafe-inline';")
    assert not re.search(r"<(script|img|iframe)[^>]*\bsrc=|<link\b|@import", html, re.I)
    assert "jsdelivr" not in html and "bootstrap.min" not in html and "cloudflare" not in html
    assert "vis.Network" in html  # vis-network and the page script are inlined


def test_user_text_cannot_become_markup() -> None:
    view = build_view(hostile_model(), ViewSpec())
    html = render_view(view)
    assert XSS not in html and "</script><script>alert" not in html
    assert "<h1>&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;\u2028&amp;amp;</h1>" in html
    start = html.index('<script type="application/json" id="valuenet-data">')
    block = html[html.index(">", start) + 1 : html.index("</script>", start)]
    assert json.loads(block) == json.loads(json.dumps(view_payload(view)))  # the data block ends where it should


@pytest.mark.parametrize("text", [XSS, BREAKOUT, "a\u2029b", "<!--", "]]>", "ünïcode ✓"])
def test_script_json_round_trips(text: str) -> None:
    encoded = script_json({"t": text})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert "\u2028" not in encoded and "\u2029" not in encoded
    assert json.loads(encoded) == {"t": text}


def test_payload_carries_pyvis_nodes_with_positions() -> None:
    payload = view_payload(build_view(tiny_model(), ViewSpec(respondent="r1")))
    assert {n["id"] for n in payload["nodes"]} == {"patient", "clinic", "insurer", "family"}
    assert all("x" in n and "y" in n and "title" not in n for n in payload["nodes"])
    assert payload["options"]["physics"] == {"enabled": False}
    # every flow bends clockwise relative to its direction, so the two directions of a pair bend apart,
    # and parallel flows in one direction (clinic gets: experiential and functional) bend further out
    assert payload["options"]["edges"]["smooth"] == {"enabled": True, "type": "curvedCW", "roundness": 0.1}
    gives = [
        e.get("smooth", {}).get("roundness", 0.1)
        for e in payload["edges"]
        if (e["from"], e["to"]) == ("patient", "clinic")
    ]
    assert gives == [0.1, 0.19]


# -- command line -------------------------------------------------------------------------------


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "v.db"
    with SQLiteStore(path) as store:
        store.write_model(tiny_model())
    return path


def test_view_command_writes_the_file(tmp_path: Path, store_path: Path) -> None:
    out = tmp_path / "out" / "r1.html"
    result = CliRunner().invoke(cli, ["view", "--respondent", "r1", "-o", str(out), "--store", str(store_path)])
    missing = f"the folder {out.parent} does not exist. Create it first, or choose another path."
    assert (result.exit_code, result.stderr) == (1, f"Error: cannot write {out}: {missing}\n")
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["view", "--respondent", "r1", "-o", str(out), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote {out}." in result.stderr
    assert "Respondent r1" in out.read_text(encoding="utf-8")


def test_view_command_reports_a_bad_segment(tmp_path: Path, store_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["view", "--segment", "middle", "-o", str(tmp_path / "x.html"), "--store", str(store_path)]
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: model 'tiny' has no respondent in segment 'middle'; segments: old, young.\n"
    assert not (tmp_path / "x.html").exists()


def test_view_command_refuses_respondent_and_segment(tmp_path: Path, store_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["view", "--segment", "old", "--respondent", "r1", "-o", str(tmp_path / "x.html"), "--store", str(store_path)],
    )
    assert result.exit_code == 2
    assert "use --respondent or --segment, not both." in result.stderr
