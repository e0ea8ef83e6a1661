"""Hostile input: every file in tests/data/hostile is imported by a real ``valuenet import`` process.

A hostile file must be refused the way the README promises: exit status 1, a short message on stderr that names
the file (one line per problem, no Python traceback), and a store exactly as it was. A benign variant of the
good table (BOM, CRLF, other separators, header spellings, XLSX, JSON) must import exactly like the plain file.
Commands that write a file into a missing folder must say so in one line.

The corpus is written by ``python tests/data/hostile/make_hostile.py``; its ``manifest.json`` holds each
file's class and extra arguments.
"""

from __future__ import annotations

import difflib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
MANIFEST: dict[str, dict[str, object]] = json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))
TIMEOUT = 60
MEMORY_LIMIT = 3 << 30  # address space per process: a bomb fails instead of taking the machine down
MAX_LINES = 5
MAX_LINE_CHARS = 500


def names(kind: str) -> list[str]:
    return sorted(n for n, entry in MANIFEST.items() if entry["kind"] == kind)


def args_of(name: str) -> list[str]:
    return [str(a) for a in MANIFEST[name]["args"]]  # type: ignore[attr-defined]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@dataclass
class Run:
    returncode: int | None
    stdout: str
    stderr: str


def valuenet(*args: str, cwd: Path) -> Run:
    """Run ``python -m valuenet ARGS`` as a separate process with a timeout and a memory limit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VALUENET_", "NEO4J_"))}
    env["OPENBLAS_NUM_THREADS"] = "1"
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "valuenet", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        err = exc.stderr or b""
        return Run(None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def dump(store: Path) -> str:
    """Every table of the SQLite store, schema and rows, as SQL text."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


@dataclass
class Seed:
    model_only: Path
    seeded: Path
    seeded_dump: str
    seeded_export: bytes


@pytest.fixture(scope="session")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    """A store holding the good model, and one holding the good model and the good rows."""
    root = tmp_path_factory.mktemp("hostile-seed")
    store = root / "seed.db"
    run = valuenet("import", str(HOSTILE / "good.yaml"), "--store", str(store), cwd=root)
    assert run.returncode == 0, run.stderr
    model_only = root / "model-only.db"
    shutil.copyfile(store, model_only)
    run = valuenet("import", str(HOSTILE / "good.csv"), *args_of("good.csv"), "--store", str(store), cwd=root)
    assert run.returncode == 0, run.stderr
    exported = valuenet("export", "--format", "json", "--store", str(store), cwd=root)
    assert exported.returncode == 0, exported.stderr
    assert '"respondent": "r2"' in exported.stdout
    return Seed(model_only, store, dump(store), exported.stdout.encode())


def short_report(run: Run) -> str:
    first = run.stderr.splitlines()[0] if run.stderr.strip() else "<no stderr>"
    return f"exit {run.returncode if run.returncode is not None else 'timeout'}; first stderr line: {first[:300]!r}"


def stderr_problems(run: Run, name: str, max_lines: int = MAX_LINES) -> list[str]:
    problems = []
    lines = run.stderr.splitlines()
    if "Traceback" in run.stderr:
        problems.append("stderr holds a Traceback")
    if not lines:
        problems.append("stderr is empty")
    elif name not in lines[0]:
        problems.append(f"the first stderr line does not name {name!r}")
    if len(lines) > max_lines:
        problems.append(f"stderr has {len(lines)} lines (at most {max_lines})")
    longest = max((len(line) for line in lines), default=0)
    if longest > MAX_LINE_CHARS:
        problems.append(f"a stderr line is {longest} characters long (at most {MAX_LINE_CHARS})")
    return problems


@pytest.mark.parametrize("name", names("hostile"))
def test_hostile_file_is_refused_and_the_store_is_unchanged(name: str, seed: Seed, tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    shutil.copyfile(seed.seeded, store)
    given = tmp_path / "in"
    given.mkdir()
    shutil.copyfile(HOSTILE / name, given / name)
    run = valuenet("import", str(given / name), *args_of(name), "--store", str(store), cwd=tmp_path)

    problems = []
    if run.returncode != 1:
        problems.append(f"exit status {run.returncode if run.returncode is not None else 'timeout'}, not 1")
    problems += stderr_problems(run, name)
    if (tmp_path / "PWNED").exists() or (given / "PWNED").exists():
        problems.append("the file ran a command (PWNED was created)")
    if dump(store) != seed.seeded_dump:
        problems.append("the store changed")
    leftovers = sorted(p.name for p in given.iterdir() if p.name != name)
    if leftovers:
        problems.append(f"files appeared beside the input: {leftovers}")
    assert not problems, f"{name} [{MANIFEST[name]['class']}]: {'; '.join(problems)}\n{short_report(run)}"


@pytest.mark.parametrize("name", names("benign"))
def test_benign_variant_imports_like_the_plain_file(name: str, seed: Seed, tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    shutil.copyfile(seed.model_only, store)
    run = valuenet("import", str(HOSTILE / name), *args_of(name), "--store", str(store), cwd=tmp_path)
    assert run.returncode == 0, f"{name}: {short_report(run)}"
    assert "Traceback" not in run.stderr
    got = dump(store).splitlines()
    want = seed.seeded_dump.splitlines()
    diff = list(difflib.unified_diff(want, got, "good.csv", name, lineterm="", n=0))[:12]
    assert not diff, f"{name} imported differently from good.csv:\n" + "\n".join(line[:300] for line in diff)


OUTPUTS = {
    "export-json-missing-folder": ("export", "--format", "json", "-o", "missing/x.json"),
    "export-csv-missing-folder": ("export", "--format", "csv", "-o", "missing/x.csv"),
    "export-xlsx-missing-folder": ("export", "--format", "xlsx", "-o", "missing/x.xlsx"),
    "export-parent-is-a-file": ("export", "-o", "afile/x.json"),
    "template-csv-missing-folder": ("template", "-o", "missing/t.csv"),
    "template-xlsx-missing-folder": ("template", "--format", "xlsx", "-o", "missing/t.xlsx"),
    "template-parent-is-a-file": ("template", "-o", "afile/t.csv"),
    "synth-missing-folder": ("synth", "--respondents", "2", "-o", "missing/s.csv"),
    "synth-parent-is-a-file": ("synth", "--respondents", "2", "-o", "afile/s"),
    "rejects-missing-folder": ("import", "IN", "--model", "hq", "--skip-invalid", "--rejects", "missing/r.csv"),
}


@pytest.mark.parametrize("case", sorted(OUTPUTS))
def test_output_path_that_cannot_be_written_is_one_line(case: str, seed: Seed, tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    shutil.copyfile(seed.seeded, store)
    (tmp_path / "afile").write_text("a file, not a folder\n", encoding="utf-8")
    bad = tmp_path / "out_of_scale.csv"
    shutil.copyfile(HOSTILE / "out_of_scale.csv", bad)
    args = [str(bad) if a == "IN" else a for a in OUTPUTS[case]]
    if args[0] in ("export", "import"):
        args += ["--store", str(store)]
    run = valuenet(*args, cwd=tmp_path)
    lines = run.stderr.splitlines()
    problems = []
    if run.returncode != 1:
        problems.append(f"exit status {run.returncode}, not 1")
    if "Traceback" in run.stderr:
        problems.append("stderr holds a Traceback")
    if len(lines) != 1:
        problems.append(f"stderr has {len(lines)} lines, not 1")
    if (tmp_path / "missing").exists():
        problems.append("the missing folder was created")
    if dump(store) != seed.seeded_dump:
        problems.append("the store changed")
    assert not problems, f"{case}: {'; '.join(problems)}\n{short_report(run)}"


def test_corpus_is_big_enough_and_small() -> None:
    hostile = names("hostile")
    assert len(hostile) >= 60
    assert len(names("benign")) >= 8
    assert len({MANIFEST[n]["class"] for n in hostile}) >= 10
    for name in MANIFEST:
        assert (HOSTILE / name).stat().st_size < 200 * 1024, name
