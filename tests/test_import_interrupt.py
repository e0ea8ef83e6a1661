"""An interrupted import leaves the SQLite store as it was before the run; a re-run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from valuenet.importers import import_files, interviews
from valuenet.models import Model
from valuenet.store.sqlite import SQLiteStore
from valuenet.synth import write_synthetic

ROOT = Path(__file__).resolve().parents[1]

# A real `valuenet import` whose store announces, on stdout, that the first batch of flows is in its open
# transaction, and then waits there to be killed. The import is the product's own; only the wait is added.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from valuenet.store import sqlite_write

    real = sqlite_write.StoreWrite.put_rows

    def put_rows(self, rows):
        out = real(self, rows)
        os.write(1, b"writing\\n")
        time.sleep(120)
        return out

    sqlite_write.StoreWrite.put_rows = put_rows
    from valuenet.cli import main

    sys.argv = ["valuenet", *sys.argv[1:]]
    main()
    """
)


@pytest.fixture
def synth(tmp_path: Path) -> Path:
    write_synthetic(tmp_path / "syn", 1200, seed=4)
    return tmp_path / "syn"


def _content(path: Path) -> Model | None:
    with SQLiteStore(path) as s:
        return s.read_model("synth") if s.list_models() else None


def test_ctrl_c_in_the_middle_of_writing_rolls_back(
    synth: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.db"
    import_files(SQLiteStore(db), [synth / "model.yaml"])
    before = _content(db)
    real = interviews.InterviewImport._block_rows  # called for each checked chunk the writing pass turns into rows
    calls = {"n": 0}

    def interrupted(self: interviews.InterviewImport, item: tuple[Any, ...], rejects: Any) -> list[Any]:
        calls["n"] += 1
        if calls["n"] == 2:  # after the first batch was handed to the store
            raise KeyboardInterrupt
        return real(self, item, rejects)

    monkeypatch.setattr(interviews.InterviewImport, "_block_rows", interrupted)
    with SQLiteStore(db) as store, pytest.raises(KeyboardInterrupt):
        import_files(store, [synth / "interviews.csv"], model_id="synth")
    assert _content(db) == before
    assert calls["n"] == 2
    monkeypatch.setattr(interviews.InterviewImport, "_block_rows", real)
    with SQLiteStore(db) as store:
        summary = import_files(store, [synth / "interviews.csv"], model_id="synth").summary
    assert summary.counts["flows"].added > 14000


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_process_killed_while_writing_leaves_the_store_as_before(sig: int, synth: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    db, complete_db = tmp_path / "s.db", tmp_path / "complete.db"
    for store in (db, complete_db):
        subprocess.run(
            [sys.executable, "-m", "valuenet", "import", str(synth / "model.yaml"), "--store", str(store)],
            env=env,
            check=True,
            capture_output=True,
        )
    before = _content(db)
    table_args = ["import", str(synth / "interviews.csv"), "--model", "synth", "--store"]
    subprocess.run([sys.executable, "-m", "valuenet", *table_args, str(complete_db)], env=env, check=True)
    complete = _content(complete_db)
    assert complete is not None and before is not None and len(complete.flows) > len(before.flows)

    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *table_args, str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"writing\n", proc.stderr.read() if proc.stderr else ""
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL  # the kill landed while the flows were being written
    else:
        assert (proc.returncode, err.decode().strip()) == (130, "Interrupted.")
    assert _content(db) == before

    subprocess.run([sys.executable, "-m", "valuenet", *table_args, str(db)], env=env, check=True, capture_output=True)
    assert _content(db) == complete
