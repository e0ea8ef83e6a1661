"""Synthetic interview data: realistic, deterministic, with planted effects that the rows really carry."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean

from valuenet.models import check_model
from valuenet.synth import synthesize


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    a = list(synthesize(50, seed=1).rows())
    assert a == list(synthesize(50, seed=1).rows())
    assert a != list(synthesize(50, seed=2).rows())


def test_the_model_is_realistic() -> None:
    s = synthesize(10, seed=0)
    assert check_model(s.model) == []
    kinds = [a.kind for a in s.model.actors]
    assert kinds.count("focal_firm") == 1 and kinds.count("customer") == 1
    assert 6 <= len(kinds) - 2 <= 10 and len(set(kinds)) >= 6
    rows = list(synthesize(300, seed=0).rows())
    assert {r["segment"] for r in rows} == {"working-parents", "retirees", "athletes"}
    assert 8 <= len(rows) / 300 <= 12  # about ten exchanges per interview
    assert all(0 <= r["gets"] <= 5 and 0 <= r["gives"] <= 5 for r in rows)


def test_planted_effects_are_in_the_rows_within_tolerance() -> None:
    s = synthesize(600, seed=11)
    cells: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for r in s.rows():
        cells[(r["segment"], r["actor"], r["touchpoint"], r["dimension"])].append(r["gets"] - r["gives"])
    for e in s.effects["effects"]:
        values = cells[(e["segment"], e["actor"], e["touchpoint"], e["dimension"])]
        assert len(values) == e["n"]  # every respondent of the segment reports the planted cell
        assert abs(mean(values) - e["expected_mean_net"]) <= e["tolerance"], e["id"]
    waiting = next(e for e in s.effects["effects"] if e["segment"] == "working-parents")
    assert (waiting["touchpoint"], waiting["dimension"], waiting["expected_mean_net"]) == (
        "waiting-room",
        "experiential",
        -2.5,
    )  # gets 0 or 1 (0.5), gives 2, 3 or 4 (3)


def test_nps_rises_with_the_net_value_from_the_firm() -> None:
    s = synthesize(400, seed=3)
    net: dict[str, float] = defaultdict(float)
    nps: dict[str, int] = {}
    for r in s.rows():
        nps[r["respondent"]] = r["nps"]
        if r["actor"] == "clinic":
            net[r["respondent"]] += r[f"weight_{r['dimension']}"] * (r["gets"] - r["gives"])
    ids = sorted(nps)
    x, y = [net[i] for i in ids], [nps[i] for i in ids]
    mx, my = mean(x), mean(y)
    cov = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    r = cov / (sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y)) ** 0.5
    assert r > 0.4
