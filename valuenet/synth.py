"""Synthetic interview data with planted effects, for tests, benchmarks and checking the analysis.

:func:`synthesize` builds a realistic study - a physiotherapy clinic (the focal
firm) in its patients' network for the goal "recover from a knee injury", with a
GP, a hospital, an insurer, a pharmacy, a gym, family, a patient association and
an online forum - and streams coded interview rows in the long layout. Three
segments differ in what matters to them (weights), what they will give up
(thresholds), and in three *planted effects*: cells (segment x firm touchpoint x
dimension) whose net value (gets - gives) has a known mean. NPS rises with the
net value the respondent gets from the clinic, so loyalty drivers can be found.
The same seed always gives the same data.

>>> s = synthesize(30, seed=7)
>>> rows = list(s.rows())
>>> rows == list(synthesize(30, seed=7).rows())
True
>>> sorted(e["segment"] for e in s.effects["effects"])
['athletes', 'retirees', 'working-parents']
"""

from __future__ import annotations

import csv
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from valuenet.files import atomic_write, make_folder, write_text
from valuenet.formats.modelfile import write_model_file
from valuenet.models import Actor, Goal, Model, Scale

GOAL = "recover-knee"
FOCAL = "clinic"
SEGMENTS: dict[str, dict[str, Any]] = {
    "working-parents": {
        "share": 0.4,
        "weights": {"functional": 0.3, "economic": 0.2, "experiential": 0.4, "symbolic": 0.1},
        "age": (30, 50),
    },
    "retirees": {
        "share": 0.35,
        "weights": {"functional": 0.35, "economic": 0.35, "experiential": 0.2, "symbolic": 0.1},
        "age": (62, 85),
    },
    "athletes": {
        "share": 0.25,
        "weights": {"functional": 0.5, "economic": 0.1, "experiential": 0.15, "symbolic": 0.25},
        "age": (18, 40),
    },
}
ACTORS = [
    ("patient", "Patient", "customer"),
    (FOCAL, "Northside Physio Clinic", "focal_firm"),
    ("gp", "Dr Patel (GP)", "provider"),
    ("hospital", "City Hospital", "competitor"),
    ("insurer", "Mutual Health", "institution"),
    ("pharmacy", "Corner Pharmacy", "provider"),
    ("gym", "FitWell Gym", "partner"),
    ("family", "Family and friends", "peer"),
    ("association", "Knee Patients' Association", "community"),
    ("forum", "RecoverTogether forum", "community"),
]
# (actor, touchpoint, stage, dimension, gets choices, gives choices, quote, responsible)
CATALOGUE: list[tuple[str, str, str, str, tuple[int, ...], tuple[int, ...], str, str | None]] = [
    (FOCAL, "booking", "access", "experiential", (2, 3, 4), (1, 2), "Booking online took two minutes.", None),
    (FOCAL, "waiting-room", "treatment", "experiential", (1, 2), (1, 2), "The waiting room is calm enough.", None),
    (FOCAL, "treatment", "treatment", "functional", (3, 4, 5), (0, 1), "The exercises really work.", None),
    (FOCAL, "treatment", "treatment", "symbolic", (2, 3), (0, 1), "They treat me like an athlete.", None),
    (FOCAL, "billing", "payment", "economic", (1, 2), (2, 3), "Sixty-five euros a session adds up.", None),
    (FOCAL, "feedback-survey", "aftercare", "experiential", (0, 1), (1, 2), "Another survey after each visit.", None),
    (FOCAL, "follow-up-call", "aftercare", "functional", (2, 3), (0, 1), "They called to check on my knee.", None),
    ("gp", "referral", "access", "functional", (3, 4), (1, 2), "My GP sent me straight to physio.", None),
    ("gp", "referral", "access", "experiential", (1, 2), (1, 2, 3), "Three weeks for a GP slot.", None),
    ("hospital", "outpatients", "treatment", "functional", (2, 3, 4), (1, 2), "The hospital has scanners.", None),
    ("hospital", "outpatients", "treatment", "experiential", (0, 1), (2, 3, 4), "Hours in the corridor.", None),
    ("insurer", "claim", "payment", "economic", (3, 4), (0, 1), "Most of it is reimbursed.", None),
    ("insurer", "claim", "payment", "experiential", (0, 1), (2, 3), "The clinic's codes were wrong again.", FOCAL),
    ("pharmacy", "counter", "treatment", "functional", (2, 3), (1,), "The pharmacist explained the gel.", None),
    ("gym", "training", "aftercare", "functional", (2, 3, 4), (1, 2), "The gym has the right machines.", None),
    ("gym", "training", "aftercare", "symbolic", (2, 3), (0, 1), "I feel like myself again.", None),
    ("family", "home", "treatment", "experiential", (3, 4), (0, 1), "My partner drives me to sessions.", None),
    ("family", "home", "treatment", "symbolic", (2, 3, 4), (0,), "They keep my spirits up.", None),
    ("association", "meetings", "aftercare", "symbolic", (2, 3), (0, 1), "Others have been through it.", None),
    ("forum", "app", "aftercare", "experiential", (1, 2, 3), (0, 1), "People answer at midnight.", None),
    ("forum", "app", "aftercare", "functional", (1, 2), (0, 1), "Good tips, some nonsense.", None),
]
# Planted cells: segment -> (touchpoint, dimension, gets choices, gives choices, meaning)
PLANTED: dict[str, tuple[str, str, tuple[int, ...], tuple[int, ...], str]] = {
    "working-parents": (
        "waiting-room",
        "experiential",
        (0, 1),
        (2, 3, 4),
        "the clinic destroys experiential value in the waiting room for working parents",
    ),
    "retirees": ("billing", "economic", (0, 1), (2, 3, 4), "retirees find the clinic's bills hard to bear"),
    "athletes": ("treatment", "functional", (4, 5), (0, 1, 2), "athletes get strong functional value from treatment"),
}


def _mean(xs: tuple[int, ...]) -> float:
    return sum(xs) / len(xs)


def _var(xs: tuple[int, ...]) -> float:
    m = _mean(xs)
    return sum((x - m) ** 2 for x in xs) / len(xs)


@dataclass
class Synthetic:
    """A synthetic study: the model's actors and goal, the rows (streamed), and the planted effects."""

    model: Model
    respondents: int
    seed: int
    effects: dict[str, Any]

    def rows(self) -> Iterator[dict[str, Any]]:
        """Interview rows in the long layout, respondent columns repeated on each row."""
        rng = random.Random(self.seed)
        names = list(SEGMENTS)
        for i in range(self.respondents):
            yield from _respondent_rows(rng, f"s{i + 1:06d}", _segment_of(i, self.respondents, names))


def _segment_of(i: int, n: int, names: list[str]) -> str:
    """Segments in fixed shares, spread evenly over the respondent numbers."""
    x = (i + 0.5) / n
    acc = 0.0
    for name in names:
        acc += SEGMENTS[name]["share"]
        if x < acc:
            return name
    return names[-1]


def _respondent_rows(rng: random.Random, rid: str, segment: str) -> Iterator[dict[str, Any]]:
    seg = SEGMENTS[segment]
    raw = {d: w * rng.uniform(0.7, 1.3) for d, w in seg["weights"].items()}
    total = sum(raw.values())
    weights = {d: round(w / total, 3) for d, w in raw.items()}
    thresholds = {d: rng.choice((2, 3, 4)) for d in ("economic", "experiential")}
    planted = PLANTED[segment]
    count = rng.randint(6, 14)
    picks = rng.sample(range(len(CATALOGUE)), count)
    cells = []
    firm_net = 0.0
    for k in sorted(picks):
        actor, tp, stage, dim, gets_c, gives_c, quote, responsible = CATALOGUE[k]
        if actor == FOCAL and (tp, dim) == planted[:2]:
            continue
        cells.append((actor, tp, stage, dim, rng.choice(gets_c), rng.choice(gives_c), quote, responsible))
    p_actor, p_stage, p_quote = next((c[0], c[2], c[6]) for c in CATALOGUE if c[0] == FOCAL and c[1:4:2] == planted[:2])
    cells.append(
        (p_actor, planted[0], p_stage, planted[1], rng.choice(planted[2]), rng.choice(planted[3]), p_quote, None)
    )
    for actor, _, _, dim, gets, gives, _, _ in cells:
        if actor == FOCAL:
            firm_net += weights[dim] * (gets - gives)
    nps = max(0, min(10, round(5 + 1.5 * firm_net + rng.gauss(0, 1))))
    common = {
        "respondent": rid,
        "segment": segment,
        "nps": nps,
        "churned": "yes" if nps <= 3 and rng.random() < 0.6 else "no",
        **{f"weight_{d}": w for d, w in weights.items()},
        **{f"threshold_{d}": t for d, t in thresholds.items()},
        "attr_age": rng.randint(*seg["age"]),
        "attr_region": rng.choice(("north", "south", "east", "west")),
    }
    for actor, tp, stage, dim, gets, gives, quote, responsible in cells:
        row = {
            **common,
            "goal": GOAL,
            "actor": actor,
            "dimension": dim,
            "gets": gets,
            "gives": gives,
            "touchpoint": tp,
            "stage": stage,
            "quote": quote,
        }
        if responsible:
            row["responsible"] = responsible
        yield row


def synthesize(respondents: int, seed: int = 0) -> Synthetic:
    """A synthetic study of ``respondents`` interviews (about 10 rows each), deterministic for ``seed``."""
    if respondents < 1:
        raise ValueError("respondents must be at least 1")
    model = Model(
        id="synth",
        title="Recovering from a knee injury (synthetic)",
        currency="EUR",
        scale=Scale(min=0, max=5),
        actors=[Actor(id=i, name=n, kind=k) for i, n, k in ACTORS],
        goals=[Goal(id=GOAL, title="Recover from a knee injury", customer="patient")],
    )
    names = list(SEGMENTS)
    counts = {s: 0 for s in names}
    for i in range(respondents):
        counts[_segment_of(i, respondents, names)] += 1
    effects = []
    for segment, (tp, dim, gets_c, gives_c, meaning) in PLANTED.items():
        sd = math.sqrt(_var(gets_c) + _var(gives_c))
        n = counts[segment]
        effects.append(
            {
                "id": f"{segment}-{tp}-{dim}",
                "segment": segment,
                "actor": FOCAL,
                "goal": GOAL,
                "scenario": "current",
                "touchpoint": tp,
                "dimension": dim,
                "expected_mean_net": _mean(gets_c) - _mean(gives_c),
                "sd": round(sd, 3),
                "n": n,
                "tolerance": round(max(0.15, 4 * sd / math.sqrt(max(n, 1))), 3),
                "description": meaning,
            }
        )
    sidecar = {
        "seed": seed,
        "respondents": respondents,
        "model": model.id,
        "net_value": "gets - gives, per exchange row",
        "effects": effects,
        "loyalty": {
            "driver": "weighted net value the respondent gets from the clinic",
            "actor": FOCAL,
            "formula": "nps = clamp(round(5 + 1.5 * sum(weight[dim] * (gets - gives)) + N(0, 1)), 0, 10)",
            "direction": "positive",
        },
    }
    return Synthetic(model, respondents, seed, sidecar)


def write_synthetic(out_dir: str | Path, respondents: int, seed: int = 0, fmt: str = "csv") -> dict[str, Any]:
    """Write ``model.yaml``, ``interviews.csv`` (or ``.jsonl``) and ``effects.json`` into ``out_dir``.

    Returns the sidecar with the number of rows written and the files' paths.
    """
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"synthetic data is written as csv or jsonl, not {fmt!r}")
    s = synthesize(respondents, seed)
    out = make_folder(out_dir)
    write_model_file(s.model, out / "model.yaml")
    data = out / f"interviews.{fmt}"
    n = 0
    with atomic_write(data, newline="") as fh:
        if fmt == "csv":
            writer = csv.DictWriter(fh, fieldnames=_columns(), lineterminator="\n")
            writer.writeheader()
            for row in s.rows():
                writer.writerow(row)
                n += 1
        else:
            for row in s.rows():
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
    sidecar = {**s.effects, "rows": n, "files": {"model": str(out / "model.yaml"), "interviews": str(data)}}
    write_text(out / "effects.json", json.dumps(sidecar, indent=2) + "\n")
    return sidecar


def _columns() -> list[str]:
    dims = ("functional", "economic", "experiential", "symbolic")
    return [
        "respondent",
        "segment",
        "nps",
        "churned",
        *(f"weight_{d}" for d in dims),
        "threshold_economic",
        "threshold_experiential",
        "attr_age",
        "attr_region",
        "goal",
        "actor",
        "dimension",
        "gets",
        "gives",
        "touchpoint",
        "stage",
        "quote",
        "responsible",
    ]


__all__ = ["Synthetic", "synthesize", "write_synthetic"]
