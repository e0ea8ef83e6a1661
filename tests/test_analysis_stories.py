"""The analysis tells the known stories: the bundled examples, the synthetic data's planted effects, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, tiny_model
from valuenet.analysis.measures import breach_groups, cube, respondent_matrix
from valuenet.analysis.report import GoalAnalysis, analyze_goal
from valuenet.analysis.segments import aggregate
from valuenet.analysis.table import FlowTable
from valuenet.cli import cli
from valuenet.formats.modelfile import read_model_file
from valuenet.models import Model, Respondent, exchange_flows
from valuenet.store.sqlite import SQLiteStore
from valuenet.synth import synthesize

DIMS = ("functional", "economic", "experiential", "symbolic")


EXAMPLES = {name: read_model_file(REPO / f"examples/{name}/model.yaml") for name in ("health", "broadband")}


@pytest.fixture(scope="module")
def health() -> GoalAnalysis:
    return analyze_goal(EXAMPLES["health"], compare="future-a")


@pytest.fixture(scope="module")
def broadband() -> GoalAnalysis:
    return analyze_goal(EXAMPLES["broadband"])


def breakers(a: GoalAnalysis, touchpoint: str, dimension: str) -> list[str]:
    """The respondents past their threshold at one of the firm's touchpoints in one dimension."""
    t = FlowTable.read(EXAMPLES[a.model], a.goal, a.scenario)
    b, _, breach = breach_groups(cube(t))
    hit = breach & (b.actor == t.focal) & (b.tp == t.touchpoints.index(touchpoint))
    hit &= b.dim == t.dimensions.index(dimension)
    found = sorted(t.respondents[r] for r in set(b.r[hit].tolist()))
    # the scope's deal-breakers count the same respondents
    listed = [
        x for x in a.dealbreakers or () if (x.actor, x.touchpoint, x.dimension) == (a.focal, touchpoint, dimension)
    ]
    assert [x.respondents for x in listed] == ([len(found)] if found else [])
    return found


def test_clinic_destroys_experiential_value_in_the_waiting_room_and_at_the_insurers_claim(health: GoalAnalysis) -> None:
    top = [(i.kind, i.actor, i.touchpoint, i.dimension) for i in health.destruction.items[:2]]
    assert sorted(top) == [
        ("direct", "clinic", "waiting-room", "experiential"),
        ("indirect", "insurer", "claim", "experiential"),
    ]
    assert all(i.quotes for i in health.destruction.items)
    assert health.destruction.indirect_weighted > 0
    assert breakers(health, "waiting-room", "experiential") == ["h03", "h05", "h06", "h08", "h09", "h10", "h12", "h13"]
    assert len(breakers(health, "claim", "experiential")) == 13
    treatment = next(t for t in health.destruction.touchpoints if t.touchpoint == "treatment-room")
    assert not treatment.destroys  # the outcome is where the clinic adds value


def test_health_segments_loyalty_and_future(health: GoalAnalysis) -> None:
    seg = health.segments
    assert set(seg) == {"young-athletes", "working-parents", "retirees", "(all)"}
    assert seg["working-parents"].share_destroys == 1.0
    assert (
        seg["young-athletes"].measures["net.clinic.weighted"].mean
        > seg["working-parents"].measures["net.clinic.weighted"].mean
    )
    nps = {s.segment: s for s in health.loyalty.nps}
    assert nps["(all)"].n == 20 and nps["working-parents"].nps is not None and nps["working-parents"].nps < 0
    indirect = next(d for d in health.loyalty.drivers if d.target == "nps" and d.feature == "destruction.indirect")
    assert indirect.rho is not None and indirect.rho < 0 and indirect.rho_high is not None and indirect.rho_high < 0
    assert health.scenarios is not None
    # future-a is based on current: the twelve respondents not re-interviewed are compared with their inherited
    # exchanges, so everyone is in the comparison
    assert health.scenarios.respondents == 20
    assert any(
        (b.actor, b.dimension) == ("fitness-app", "symbolic") and b.new >= 1 for b in health.scenarios.dealbreakers
    )
    assert health.scenarios.segments["(all)"].measures["destruction.total"].mean < 0


def test_health_dependency_loops_and_economics(health: GoalAnalysis) -> None:
    assert health.dependency.dimensions["functional"].at_risk > 0
    assert {s.actor for s in health.dependency.dimensions["functional"].substitutes} >= {"gp", "fitness-app"}
    assert health.loops.importance["clinic"] == 1.0 and health.loops.loop_count > 0
    assert health.economic.sheets["clinic"].fixed_expenses == 420000
    assert health.economic.sheets["patient"].segment_size == 3400


def test_broadband_story(broadband: GoalAnalysis) -> None:
    worst = {(i.touchpoint, i.dimension) for i in broadband.destruction.items[:4]}
    assert ("feedback-survey", "experiential") in worst
    assert breakers(broadband, "outage", "functional") == ["b01", "b03", "b04", "b05"]
    # the four families after the discount ends, and remote worker b03 (gives up 3 against a threshold of 2.5)
    assert breakers(broadband, "monthly-bill", "economic") == ["b03", "b07", "b08", "b10", "b11"]
    assert "b05" in breakers(broadband, "feedback-survey", "experiential")
    assert any(i.kind == "indirect" and i.actor == "installer" for i in broadband.destruction.items)


def synthetic_model(n: int, seed: int) -> tuple[Model, dict[str, Any]]:
    s = synthesize(n, seed=seed)
    people: dict[str, Respondent] = {}
    flows = []
    for k, row in enumerate(s.rows()):
        rid = row["respondent"]
        if rid not in people:
            people[rid] = Respondent(
                id=rid,
                segment=row["segment"],
                nps=row["nps"],
                churned=row["churned"] == "yes",
                weights={d: row[f"weight_{d}"] for d in DIMS if f"weight_{d}" in row},
                thresholds={d: float(row[f"threshold_{d}"]) for d in DIMS if f"threshold_{d}" in row},
            )
        flows += exchange_flows(
            f"x{k}",
            goal=row["goal"],
            customer="patient",
            actor=row["actor"],
            dimension=row["dimension"],
            gets=row["gets"],
            gives=row["gives"],
            respondent=rid,
            touchpoint=row["touchpoint"],
            quote=row["quote"],
            responsible=row.get("responsible"),
        )
    return s.model.model_copy(update={"respondents": list(people.values()), "flows": flows}), s.effects


def test_planted_effects_are_recovered_with_the_right_sign_and_size() -> None:
    model, effects = synthetic_model(600, seed=11)
    table = FlowTable.read(model, "recover-knee", "current")
    keys, x = respondent_matrix(cube(table))
    seg = aggregate(keys, x, table.segments)
    for e in effects["effects"]:
        stat = seg[e["segment"]].measures[f"touchpoint.{e['touchpoint']}.{e['dimension']}"]
        assert stat.n == e["n"]
        assert abs(stat.mean - e["expected_mean_net"]) <= e["tolerance"], e["id"]
        assert (stat.mean > 0) == (e["expected_mean_net"] > 0), e["id"]
    analysis = analyze_goal(
        model.model_copy(
            update={
                "respondents": model.respondents[:120],
                "flows": [f for f in model.flows if f.respondent in {r.id for r in model.respondents[:120]}],
            }
        )
    )
    driver = next(d for d in analysis.loyalty.drivers if d.target == "nps" and d.feature == "net.clinic.weighted")
    assert driver.rho is not None and driver.rho > 0.3 and driver.conclusive


@pytest.fixture
def store_path(tmp_path: Path) -> str:
    path = tmp_path / "a.db"
    with SQLiteStore(path) as s:
        s.write_model(tiny_model())
    return str(path)


def test_cli_json_is_one_document_with_every_section(store_path: str) -> None:
    result = CliRunner().invoke(
        cli, ["analyze", "--store", store_path, "--respondent", "r2", "--format", "json", "--compare", "future"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["scope"] == "respondent" and doc["goal"] == "healthy"
    assert doc["net"]["actors"]["clinic"]["weighted"] == pytest.approx(-1.2)  # 0.2 * 3 - 0.6 * 3
    # r2 tolerates 1 experiential: the waiting room (3) and the claim (2, caused by the clinic) each break it
    assert [(b["touchpoint"], b["given_up"]) for b in doc["dealbreakers"]] == [("waiting-room", 3.0), ("claim", 2.0)]
    assert {
        "destruction",
        "dependency",
        "opportunities",
        "loops",
        "economic",
        "metrics",
        "segments",
        "loyalty",
        "scenarios",
    } <= set(doc)


def test_cli_table_and_csv(store_path: str) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["analyze", "--store", store_path, "--respondent", "r2", "--section", "destruction"])
    assert table.exit_code == 0, table.output
    assert table.stdout.startswith("Where clinic destroys value, largest first:")
    assert "waiting-room" in table.stdout and "claim" in table.stdout
    csv_out = runner.invoke(cli, ["analyze", "--store", store_path, "--section", "net", "--format", "csv"])
    assert csv_out.exit_code == 0, csv_out.output
    assert csv_out.stdout.splitlines()[0].startswith("actor,focal,rank,weighted")


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--respondent", "r1", "--segment", "young"], 2, "use --respondent or --segment, not both."),
        (["--scenario", "later"], 1, "Error: goal 'healthy' has no scenario 'later'; scenarios: current, future.\n"),
        (
            ["--segment", "teen"],
            1,
            "Error: goal 'healthy', scenario 'current' has no respondents in segment 'teen'; segments: old, young.\n",
        ),
    ],
)
def test_cli_failures(store_path: str, args: list[str], code: int, text: str) -> None:
    result = CliRunner().invoke(cli, ["analyze", "--store", store_path, *args])
    assert result.exit_code == code
    assert text in result.stderr
