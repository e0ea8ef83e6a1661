"""An interrupted import leaves the SQLite store as it was before the run; a re-run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from valuenet.importers import import_files, tabular
from valuenet.importers.synth import write_synthetic
from valuenet.models import Model
from valuenet.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]


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
    real = tabular.TabularImport._customer_of  # called for each exchange the writing pass turns into flows
    calls = {"n": 0}

    def interrupted(self: tabular.TabularImport, ex: tabular.Exchange) -> str:
        calls["n"] += 1
        if calls["n"] == 7000:  # after the first batches were handed to the store
            raise KeyboardInterrupt
        return real(self, ex)

    monkeypatch.setattr(tabular.TabularImport, "_customer_of", interrupted)
    with SQLiteStore(db) as store, pytest.raises(KeyboardInterrupt):
        import_files(store, [synth / "interviews.csv"], model_id="synth")
    assert _content(db) == before
    assert calls["n"] == 7000
    monkeypatch.setattr(tabular.TabularImport, "_customer_of", real)
    with SQLiteStore(db) as store:
        summary = import_files(store, [synth / "interviews.csv"], model_id="synth").summary
    assert summary.counts["flows"].added > 14000


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_import_process_leaves_the_store_before_or_complete(sig: int, synth: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    complete_db, db = tmp_path / "complete.db", tmp_path / "s.db"
    args = [sys.executable, "-m", "valuenet", "import", str(synth / "model.yaml"), "--store"]
    subprocess.run([*args, str(db)], env=env, check=True, capture_output=True)
    subprocess.run([*args, str(complete_db)], env=env, check=True, capture_output=True)
    before = _content(db)
    table_args = [
        sys.executable,
        "-m",
        "valuenet",
        "import",
        str(synth / "interviews.csv"),
        "--model",
        "synth",
        "--store",
    ]
    subprocess.run([*table_args, str(complete_db)], env=env, check=True, capture_output=True)
    complete = _content(complete_db)
    started = time.monotonic()
    proc = subprocess.Popen([*table_args, str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)  # the interpreter starts, the file is checked; the kill lands somewhere in the run
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    after = _content(db)
    assert after == before or after == complete, f"killed after {time.monotonic() - started:.1f}s: partial store"
    if sig == signal.SIGINT and proc.returncode != 0:
        assert proc.returncode == 130 and b"Interrupted." in err
    subprocess.run([*table_args, str(db)], env=env, check=True, capture_output=True)
    assert _content(db) == complete
