"""Several valuenet processes on one embedded store at once: writers take turns, readers see one state.

Every test here runs real processes against one SQLite file, because what is
tested is what happens between processes: an import that waits for another
instead of overwriting what it wrote, an export that never mixes two committed
states, and a new store that several processes create at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from valuenet.errors import StoreError
from valuenet.importers import import_files
from valuenet.models import Model
from valuenet.store.sqlite import BUSY_TIMEOUT_ENV, SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
HEALTH = ROOT / "examples" / "health" / "model.yaml"
MODEL = "health"
RESPONDENTS = 2000


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VALUENET_STORE", BUSY_TIMEOUT_ENV)}
    env.update(extra)
    return env


def _valuenet(args: Sequence[str], cwd: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "valuenet", *args],
        cwd=cwd,
        env=_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str], timeout: float = 90) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def _python(code: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _respondents_csv(path: Path, column: str, value: str, n: int = RESPONDENTS) -> Path:
    path.write_text(f"respondent,{column}\n" + "".join(f"c{i:05d},{value}\n" for i in range(n)), encoding="utf-8")
    return path


def _store_with_health(tmp_path: Path, respondents: int = 0) -> Path:
    db = tmp_path / "shared.db"
    with SQLiteStore(db) as store:
        import_files(store, [HEALTH])
        if respondents:
            extra = _respondents_csv(tmp_path / "base.csv", "segment", "base", respondents)
            import_files(store, [extra], model_id=MODEL)
    return db


def _read(db: Path) -> Model:
    with SQLiteStore(db) as store:
        return store.read_model(MODEL)


def _wait_for_line(proc: subprocess.Popen[str], line: str) -> None:
    assert proc.stdout is not None
    got = proc.stdout.readline().strip()
    assert got == line, f"expected {line!r}, got {got!r}; stderr: {proc.stderr.read() if proc.stderr else ''}"


#: Holds the store's write lock for 20 s, as a long import would (the test kills it sooner).
_HOLDER = """
    import sys, time
    from valuenet.store.sqlite import SQLiteStore
    with SQLiteStore(sys.argv[1]) as store, store.writing():
        print("locked", flush=True)
        time.sleep(20)
"""


def test_two_imports_at_once_both_land(tmp_path: Path) -> None:
    db = _store_with_health(tmp_path)
    seg = _respondents_csv(tmp_path / "segments.csv", "segment", "night-shift")
    nps = _respondents_csv(tmp_path / "scores.csv", "nps", "7")
    # a third process holds the write lock while both start, so their work surely overlaps
    holder = _python(_HOLDER, str(db), cwd=tmp_path)
    _wait_for_line(holder, "locked")
    procs = [
        _valuenet(["import", str(seg), "--model", MODEL, "--store", str(db)], tmp_path),
        _valuenet(["import", str(nps), "--model", MODEL, "--store", str(db)], tmp_path),
    ]
    for p in procs:
        assert p.stderr is not None
        assert p.stderr.readline().startswith("Waiting for another valuenet process")
    holder.kill()
    _finish(holder)
    results = [_finish(p) for p in procs]
    for code, _out, err in results:
        assert code == 0, err
    new = [r for r in _read(db).respondents if r.id.startswith("c")]
    assert len(new) == RESPONDENTS
    assert sum(r.segment == "night-shift" for r in new) == RESPONDENTS
    assert sum(r.nps == 7 for r in new) == RESPONDENTS


def test_an_import_waits_for_a_writer_or_gives_up_after_the_timeout(tmp_path: Path) -> None:
    db = _store_with_health(tmp_path)
    seg = _respondents_csv(tmp_path / "segments.csv", "segment", "night-shift")
    nps = _respondents_csv(tmp_path / "scores.csv", "nps", "7")
    holder = _python(_HOLDER, str(db), cwd=tmp_path)
    _wait_for_line(holder, "locked")
    impatient = _valuenet(
        ["import", str(nps), "--model", MODEL, "--store", str(db)], tmp_path, **{BUSY_TIMEOUT_ENV: "1"}
    )
    patient = _valuenet(["import", str(seg), "--model", MODEL, "--store", str(db)], tmp_path)
    dry = _valuenet(["import", str(nps), "--model", MODEL, "--dry-run", "--store", str(db)], tmp_path)
    code, out, err = _finish(dry)  # a dry run only reads: it never waits for a writer
    assert code == 0, err
    assert "Waiting" not in err
    assert ["respondents", "2000", "0", "0", "0"] in [line.split()[:5] for line in out.splitlines()]
    code, _out, err = _finish(impatient)
    assert code == 1
    assert f"the store {db} is busy: another valuenet process is writing to it" in err
    assert "Nothing was written" in err
    assert "Waiting for another valuenet process" in err
    assert patient.stderr is not None
    waiting = patient.stderr.readline()  # blocks until the second import says it waits
    assert waiting.startswith(f"Waiting for another valuenet process to finish writing to {db}")
    assert patient.poll() is None
    holder.kill()  # a writer killed mid-way leaves the store as it was and lets the waiting one in
    holder.communicate()
    code, _out, err = _finish(patient)
    assert code == 0, err
    new = [r for r in _read(db).respondents if r.id.startswith("c")]
    assert len(new) == RESPONDENTS
    assert all(r.segment == "night-shift" for r in new)
    assert not any(r.nps is not None for r in new)  # the import that gave up wrote nothing


#: Imports, again and again, a new actor and flows to it, until the file named by argv[2] exists.
_WRITER = """
    import pathlib, sys
    from valuenet.importers import import_files
    from valuenet.store.sqlite import SQLiteStore
    db, stop, folder = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    i = 0
    with SQLiteStore(db) as store:
        while not stop.exists() and i < 500:
            rows = "".join(f"h0{r},newcomer {i},provider,functional,1,0.5\\n" for r in range(1, 6))
            path = folder / f"new-{i}.csv"
            path.write_text("respondent,actor,actor_kind,dimension,gets,gives\\n" + rows, encoding="utf-8")
            import_files(store, [path], model_id="health")
            i += 1
            if i == 1:
                print("started", flush=True)
    print(i, flush=True)
"""


def test_writes_inside_one_lock_land_together_or_not_at_all(tmp_path: Path) -> None:
    db = _store_with_health(tmp_path)
    with SQLiteStore(db) as store:
        before = store.read_model(MODEL)
        extra = Model(id="second")
        with pytest.raises(RuntimeError), store.writing():
            store.write_model(extra)
            store.delete_model(MODEL)
            raise RuntimeError("stopped half-way")
        assert [m.id for m in store.list_models()] == [MODEL]
        assert store.read_model(MODEL) == before
        with store.snapshot(), pytest.raises(StoreError, match="inside a read snapshot"), store.writing():
            pass


def test_exports_during_imports_each_read_one_state(tmp_path: Path) -> None:
    db = _store_with_health(tmp_path, respondents=2000)  # a long read between actors and flows
    stop = tmp_path / "stop"
    writer = _python(_WRITER, str(db), str(stop), str(tmp_path), cwd=tmp_path)
    _wait_for_line(writer, "started")
    actor_counts = set()
    try:
        for _ in range(10):
            code, out, err = _finish(_valuenet(["export", "--format", "json", "--store", str(db)], tmp_path))
            assert code == 0, err
            data = json.loads(out)
            actors = {a["id"] for a in data["actors"]}
            orphans = [f["id"] for f in data["flows"] if not {f["source"], f["target"]} <= actors]
            assert not orphans, f"flows name actors missing from the export: {orphans[:3]}"
            actor_counts.add(len(actors))
    finally:
        stop.touch()
        code, out, err = _finish(writer)
    assert code == 0, err
    assert int(out.split()[-1]) > 10
    assert len(actor_counts) > 1, "no import committed while the exports ran"


#: At the wall-clock time argv[2], opens (creating) the stores argv[1]-0.db ... argv[1]-39.db in turn and
#: lists their models: six of these started together create each new store at the same moment.
_OPENER = """
    import sys, time
    from valuenet.store import open_store
    time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
    for i in range(40):
        with open_store(f"{sys.argv[1]}-{i}.db") as store:
            print(len(store.list_models()), flush=True)
"""


def test_six_processes_create_new_stores_at_once(tmp_path: Path) -> None:
    start = time.time() + 1.5  # every process has imported valuenet by then
    procs = [_python(_OPENER, str(tmp_path / "new"), str(start), cwd=tmp_path) for _ in range(6)]
    results = [_finish(p) for p in procs]
    for code, out, err in results:
        assert code == 0, err
        assert out.split() == ["0"] * 40
    for i in range(40):
        with SQLiteStore(tmp_path / f"new-{i}.db", create=False) as store:
            assert store.list_models() == []


@pytest.mark.parametrize("value", ["inf", "1e10", "nan", "-1", "soon"])
def test_a_busy_timeout_no_wait_can_hold_is_refused_by_name(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from valuenet.errors import StoreError
    from valuenet.store.sqlite import BUSY_TIMEOUT_ENV, busy_timeout_from_env

    monkeypatch.setenv(BUSY_TIMEOUT_ENV, value)
    with pytest.raises(StoreError) as info:
        busy_timeout_from_env()
    assert str(info.value) == f"{BUSY_TIMEOUT_ENV} must be a number of seconds from 0 to 2,147,483, not {value!r}."


def test_a_full_disk_is_reported_as_such_and_nothing_is_written(tmp_path: Path) -> None:
    from tests.conftest import tiny_model
    from valuenet.errors import StoreError
    from valuenet.store.sqlite import SQLiteStore

    path = tmp_path / "full.db"
    with SQLiteStore(path) as store:
        store.write_model(tiny_model())
        store._db.execute("PRAGMA max_page_count=8")
        big = tiny_model().model_copy(update={"id": "other"})
        big.flows = [f.model_copy(update={"quote": "x" * 4000}) for f in big.flows]
        with pytest.raises(StoreError) as info:
            store.write_model(big)
        assert "database or disk is full" in str(info.value)
        assert [m.id for m in store.list_models()] == [tiny_model().id]
