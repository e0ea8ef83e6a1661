"""Write ``tests/data/stores/v1.db``: a store as valuenet 0.1 (store schema 1) wrote it.

This must run on a valuenet 0.1 checkout, whose SQLite store writes schema 1; the
current code writes schema 2 and would make the wrong fixture. From the repository::

    git worktree add /tmp/vn-v1 <a 0.1 commit>
    cd /tmp/vn-v1 && PYTHONPATH=/tmp/vn-v1 python /path/to/repo/tests/data/stores/make_v1.py tests/data/stores/v1.db

It writes ``tests/conftest.py``'s ``tiny_model()``, the bundled examples
(``examples/*/model.yaml``) and one small model holding what the others lack:
respondent attributes of every type, unicode and quotes in text, a structural
flow with money, and the two sides of one exchange that disagree on their quote.
"""

from __future__ import annotations

import sys
from pathlib import Path

import valuenet
from valuenet.models import Actor, Flow, Goal, Model, Respondent, Scenario, exchange_flows
from valuenet.store import sqlite as store_module
from valuenet.store.sqlite import SQLiteStore

ROOT = Path.cwd()


def odd_model() -> Model:
    """Every kind of item with the text and numbers a store must keep exactly."""
    flows = exchange_flows(
        "o1",
        goal="g",
        customer="me",
        actor="café",
        dimension="experiential",
        gets=4.25,
        gives=0.0,
        respondent="ü1",
        touchpoint="la terrasse",
        stage="après",
        quote="She said \"fine\", then 'no' — 100% sure ☕\nsecond line",
        responsible="café",
    )
    flows[1] = flows[1].model_copy(update={"quote": "only the gives side says this"})
    flows += exchange_flows(
        "o2",
        goal="g",
        scenario="later",
        customer="me",
        actor="café",
        dimension="economic",
        gets=None,
        gives=2.0,
        respondent="ü1",
    )
    flows.append(
        Flow(
            id="rent",
            goal="g",
            source="café",
            target="landlord",
            dimension="economic",
            money=1200.5,
            occurrences=12,
            tangible=True,
            note="structural; no respondent",
        )
    )
    return Model(
        id="odd",
        title='Ünïcode & "quotes"',
        currency="EUR",
        actors=[
            Actor(id="me", name="Me", kind="customer", aliases=["moi", "ich"]),
            Actor(id="café", name='Café ☕ "Le Coin"', kind="focal_firm", segment_size=3, fixed_expenses=99.5),
            Actor(id="landlord", name="Landlord", kind="partner", description="owns the building"),
        ],
        goals=[
            Goal(
                id="g",
                title="Un café, s'il vous plaît",
                customer="me",
                scenarios=[Scenario(id="current"), Scenario(id="later", based_on="current", name="Später")],
            )
        ],
        respondents=[
            Respondent(
                id="ü1",
                name="Zoë",
                segment="régulier",
                attributes={"age": 41, "ratio": 0.5, "vip": True, "city": "Zürich", "code": "007"},
                weights={"experiential": 0.7, "economic": 0.3},
                thresholds={"economic": 2.5},
                comparisons=["the bakery"],
                nps=10,
                churned=False,
                persona=True,
            )
        ],
        flows=flows,
    )


def main(out: str) -> None:
    if getattr(store_module, "SCHEMA_VERSION", None) != 1:
        sys.exit(f"this valuenet ({valuenet.__file__}) does not write store schema 1: run on a 0.1 checkout.")
    sys.path.insert(0, str(ROOT))
    from tests.conftest import tiny_model

    path = Path(out)
    path.unlink(missing_ok=True)
    models = [tiny_model(), odd_model()]
    models += [valuenet.read_model_file(p) for p in sorted(ROOT.glob("examples/*/model.yaml"))]
    with SQLiteStore(path) as store:
        for model in models:
            model.check()
            store.write_model(model)
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store._db.execute("PRAGMA journal_mode=DELETE")
    print(f"wrote {path}: {', '.join(m.id for m in models)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/stores/v1.db")
