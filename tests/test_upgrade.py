"""``valuenet upgrade`` on a store valuenet 0.1 wrote (schema 1): refused until upgraded, then exactly the same.

The store is ``tests/data/stores/v1.db``, made by ``tests/data/stores/make_v1.py`` on a
0.1 checkout: ``tiny_model()``, the bundled examples, and a model with unicode,
quotes, attributes of every type and two sides of one exchange that disagree. Every
test works on a copy; the commands run as real ``python -m valuenet`` processes.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from valuenet.errors import SchemaVersionError, StoreError
from valuenet.models import Actor, Flow, Goal, Model, Respondent
from valuenet.store.sqlite import SQLiteStore
from valuenet.store.upgrade import backup_path, temporary_path, upgrade_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "stores" / "v1.db"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
KINDS = {"actors": Actor, "goals": Goal, "respondents": Respondent}


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    copy = tmp_path / "old store.db"  # a space in the name, as users' folders have
    copy.write_bytes(FIXTURE.read_bytes())
    return copy


def v1_models(path: Path) -> dict[str, Model]:
    """What valuenet 0.1 read from its store: each document, in row order (as its ``SQLiteStore._read`` did)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for model_id, doc in db.execute("SELECT id, doc FROM models ORDER BY id"):
            data = json.loads(doc)
            for kind, cls in {**KINDS, "flows": Flow}.items():
                rows = db.execute(f"SELECT doc FROM {kind} WHERE model=? ORDER BY rowid", (model_id,))
                data[kind] = [cls.model_validate_json(d) for (d,) in rows]
            out[model_id] = Model.model_validate(data)
        return out
    finally:
        db.close()


def valuenet(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "valuenet", *args], env=ENV, capture_output=True, text=True, timeout=300
    )


def test_the_fixture_holds_every_kind_of_item() -> None:
    models = v1_models(FIXTURE)
    assert set(models) == {"tiny", "odd", "health", "broadband"}
    flows = [f for m in models.values() for f in m.flows]
    assert any(f.respondent is None for f in flows) and any(f.exchange for f in flows)
    assert any(f.scenario != "current" for f in flows)
    assert any(r.attributes and r.thresholds and r.weights for m in models.values() for r in m.respondents)
    assert any('"' in (f.quote or "") and "☕" in (f.quote or "") for f in flows)


def test_a_v1_store_is_refused_in_one_line_naming_the_fix(v1: Path) -> None:
    with pytest.raises(SchemaVersionError) as refused:
        SQLiteStore(v1)
    assert str(refused.value) == (
        f"{v1} was written by valuenet 0.1 (store schema version 1); this valuenet uses 2. "
        f"Upgrade it with: valuenet upgrade --store {v1}"
    )
    done = valuenet("list", "models", "--store", str(v1))
    assert done.returncode == 1
    assert done.stderr == f"Error: {refused.value}\n"
    assert v1.read_bytes() == FIXTURE.read_bytes()


def test_upgrade_carries_every_model_over_exactly_and_keeps_a_backup(v1: Path) -> None:
    want = v1_models(v1)
    done = valuenet("upgrade", "--store", str(v1))
    assert done.returncode == 0, done.stderr
    backup = backup_path(v1)
    assert done.stderr == f"Upgraded {v1} from version 1 to 2. The version 1 store is kept at {backup}.\n"
    flows = sum(len(m.flows) for m in want.values())
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["items", "before", "after"]
    assert [line.split() for line in lines[2:]] == [
        ["models", "4", "4"],
        ["actors", *[str(sum(len(m.actors) for m in want.values()))] * 2],
        ["goals", *[str(sum(len(m.goals) for m in want.values()))] * 2],
        ["respondents", *[str(sum(len(m.respondents) for m in want.values()))] * 2],
        ["flows", str(flows), str(flows)],
    ]
    assert backup.read_bytes() == FIXTURE.read_bytes()
    assert not temporary_path(v1).exists()
    with SQLiteStore(v1) as store:
        assert {m.id for m in store.list_models()} == set(want)
        for model_id, model in want.items():
            assert store.read_model(model_id) == model
    # the exchanges are rows an analyst can query; the two sides that disagree stayed apart
    db = sqlite3.connect(v1)
    assert db.execute("SELECT gets, gives FROM exchanges WHERE model='tiny' AND id='r1-care'").fetchone() == (4.0, 0.0)
    assert db.execute("SELECT id FROM flows WHERE model='odd' ORDER BY seq").fetchall() == [("o1:gives",), ("rent",)]
    db.close()


def test_a_second_upgrade_does_nothing(v1: Path) -> None:
    assert valuenet("upgrade", "--store", str(v1)).returncode == 0
    upgraded = v1.read_bytes()
    again = valuenet("upgrade", "--store", str(v1), "--format", "json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {
        "store": str(v1),
        "from_version": 2,
        "to_version": 2,
        "upgraded": False,
        "counts": {},
        "backup": None,
    }
    assert again.stderr == f"{v1} is already at version 2; nothing to do.\n"
    assert v1.read_bytes() == upgraded
    report = upgrade_store(f"sqlite://{v1}")
    assert (report.from_version, report.to_version, report.upgraded) == (2, 2, False)


def _grow(path: Path, flows: int) -> None:
    """Add ``flows`` flows to model ``tiny`` the way valuenet 0.1 stored them (one JSON document each)."""
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO flows (model, id, goal, respondent, doc) VALUES ('tiny', ?, 'healthy', 'r1', ?)",
            (
                (
                    f"extra-{i}",
                    Flow(
                        id=f"extra-{i}",
                        goal="healthy",
                        source="clinic",
                        target="patient",
                        dimension="functional",
                        magnitude=float(i % 5),
                        respondent="r1",
                    ).model_dump_json(exclude_defaults=True),
                )
                for i in range(flows)
            ),
        )
    db.close()


@pytest.mark.slow
def test_an_upgrade_killed_mid_way_leaves_the_v1_store_as_it_was(v1: Path) -> None:
    _grow(v1, 150_000)
    before = v1.read_bytes()
    want = v1_models(v1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "valuenet", "upgrade", "--store", str(v1)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    temp = temporary_path(v1)
    try:
        deadline = time.monotonic() + 120
        while not (temp.exists() and temp.stat().st_size > 200_000) and proc.poll() is None:
            assert time.monotonic() < deadline, "the upgrade never started writing"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL, "the upgrade finished before it could be killed: grow the store"
    assert v1.read_bytes() == before
    assert not backup_path(v1).exists() or backup_path(v1).samefile(v1)
    assert v1_models(v1) == want
    with pytest.raises(SchemaVersionError):
        SQLiteStore(v1)
    done = valuenet("upgrade", "--store", str(v1))  # a re-run clears what was left and completes
    assert done.returncode == 0, done.stderr
    assert not temp.exists()
    with SQLiteStore(v1) as store:
        assert store.read_model("tiny") == want["tiny"]


def test_an_upgrade_that_fails_leaves_the_v1_store_as_it_was(v1: Path) -> None:
    db = sqlite3.connect(v1)
    with db:  # a document valuenet 0.1 would never have written, late in the store
        db.execute(
            "INSERT INTO flows (model, id, goal, respondent, doc) VALUES ('tiny', 'bad', 'healthy', NULL, "
            """'{"id": "bad", "goal": "healthy", "source": "clinic", "dimension": "functional"}')"""
        )
    db.close()
    before = v1.read_bytes()
    done = valuenet("upgrade", "--store", str(v1))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "'bad' of model 'tiny'" in done.stderr, done.stderr
    assert "target" in done.stderr and "left as it was" in done.stderr
    assert v1.read_bytes() == before
    assert not temporary_path(v1).exists() and not backup_path(v1).exists()
    with pytest.raises(StoreError):
        SQLiteStore(v1)


def test_a_file_that_is_not_a_store_is_named(tmp_path: Path) -> None:
    missing = valuenet("upgrade", "--store", str(tmp_path / "none.db"))
    assert (missing.returncode, missing.stderr) == (
        1,
        f"Error: no store at {tmp_path / 'none.db'}. Point --store at the store file to upgrade.\n",
    )
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some text that is long enough to be read\n" * 20)
    refused = valuenet("upgrade", "--store", str(text))
    assert refused.returncode == 1 and f"{text} is not a valuenet store" in refused.stderr
