"""``valuenet import -``: interview tables on standard input, named ``<stdin>``, with the file path's semantics."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from valuenet.cli import cli
from valuenet.errors import ModelFileError
from valuenet.formats.modelfile import read_model_file
from valuenet.importers import import_files
from valuenet.store.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HEALTH = EXAMPLES / "health"
CSV_TEXT = (HEALTH / "interviews.csv").read_text(encoding="utf-8")
HEADER, *ROWS = CSV_TEXT.splitlines()


def _store(tmp_path: Path, name: str = "s.db") -> str:
    """A store holding the health model without respondents or flows, for the interview tables to fill."""
    db = str(tmp_path / name)
    model = read_model_file(HEALTH / "model.yaml")
    with SQLiteStore(db) as s:
        s.write_model(model.model_copy(update={"flows": [], "respondents": []}))
    return db


def _flows(db: str) -> list[str]:
    with SQLiteStore(db) as s:
        return sorted(f.model_dump_json() for f in s.read_model("health").flows)


def _import_stdin(data: bytes | str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["import", "-", *args], input=data)
    return result.exit_code, result.stdout, result.stderr


def test_stdin_imports_exactly_what_the_file_imports(tmp_path: Path) -> None:
    from_file, from_stdin = _store(tmp_path, "a.db"), _store(tmp_path, "b.db")
    args = ["--model", "health", "--store"]
    assert CliRunner().invoke(cli, ["import", str(HEALTH / "interviews.csv"), *args, from_file]).exit_code == 0
    code, out, err = _import_stdin(CSV_TEXT, "--format", "csv", *args, from_stdin)
    assert code == 0, err
    assert f"Read {len(ROWS)} rows: {len(ROWS)} valid, 0 rejected." in err
    assert _flows(from_stdin) == _flows(from_file)
    assert len(_flows(from_stdin)) >= len(ROWS)
    code, out, _ = _import_stdin(CSV_TEXT, "--format", "csv", *args, from_stdin, "--summary", "csv")
    flows = next(r for r in csv.DictReader(io.StringIO(out)) if r["items"] == "flows")
    assert (flows["added"], flows["updated"]) == ("0", "0")  # importing it again changes nothing


@pytest.mark.parametrize("fmt", ["xlsx", "jsonl"])
def test_stdin_reads_binary_and_line_formats(tmp_path: Path, fmt: str) -> None:
    db = _store(tmp_path)
    before = len(_flows(db))
    data = (HEALTH / f"interviews.{fmt}").read_bytes()
    code, _, err = _import_stdin(data, "--format", fmt, "--model", "health", "--store", db)
    assert code == 0, err
    assert len(_flows(db)) > before


def test_a_real_pipe_imports_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    db = _store(tmp_path)
    spool = tmp_path / "tmp"
    spool.mkdir()
    env = {**os.environ, "TMPDIR": str(spool)}
    with (HEALTH / "interviews.csv").open("rb") as fh:
        done = subprocess.run(
            [sys.executable, "-m", "valuenet", "import", "-", "--format", "csv", "--model", "health", "--store", db],
            stdin=fh,
            capture_output=True,
            env=env,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode()
    assert f"Read {len(ROWS)} rows".encode() in done.stderr
    assert list(spool.iterdir()) == []
    cat = subprocess.Popen(["cat", str(HEALTH / "interviews.csv")], stdout=subprocess.PIPE)
    again = subprocess.run(
        [sys.executable, "-m", "valuenet", "import", "-", "--format", "csv", "--model", "health", "--store", db],
        stdin=cat.stdout,
        capture_output=True,
        env=env,
        check=False,
    )
    assert cat.stdout is not None
    cat.stdout.close()
    assert cat.wait() == 0
    assert again.returncode == 0, again.stderr.decode()
    assert b"Imported health into" in again.stderr


def test_without_format_it_says_to_pass_one_and_touches_no_store(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, _, err = _import_stdin(CSV_TEXT, "--model", "health", "--store", str(db))
    assert code == 2
    assert (
        "Error: <stdin>: has no file name to tell its format. Pass --format (csv|tsv|xlsx|json|jsonl), "
        "e.g. valuenet import - --format csv --model ID." in err
    )
    assert not db.exists()


def test_stdin_named_twice_is_refused(tmp_path: Path) -> None:
    code, _, err = _import_stdin(CSV_TEXT, "-", "--format", "csv", "--store", str(tmp_path / "x.db"))
    assert code == 2
    assert "Error: <stdin>: is named more than once (-). Name standard input (-) once." in err


def test_a_bad_row_is_named_after_stdin_and_nothing_is_written(tmp_path: Path) -> None:
    db = _store(tmp_path)
    before = _flows(db)
    bad = ROWS[1].replace(",symbolic,", ",fun,", 1)
    assert bad != ROWS[1]
    data = "\n".join([HEADER, ROWS[0], bad, *ROWS[2:5]]) + "\n"
    code, _, err = _import_stdin(data, "--format", "csv", "--model", "health", "--store", db)
    assert code == 1
    assert 'Error: <stdin> row 3, column "dimension": "fun" is not a dimension' in err
    assert "valuenet-stdin" not in err and "stdin.csv" not in err  # the temporary copy is never named
    assert _flows(db) == before


def test_dry_run_reads_stdin_and_writes_nothing(tmp_path: Path) -> None:
    db = _store(tmp_path)
    before = _flows(db)
    code, out, err = _import_stdin(CSV_TEXT, "--format", "csv", "--model", "health", "--store", db, "--dry-run")
    assert code == 0, err
    assert "dry run: nothing written" in err
    flows = next(line for line in out.splitlines() if line.startswith("flows"))
    assert int(flows.split()[1]) > 0  # would add flows
    assert _flows(db) == before


def test_skip_invalid_needs_a_rejects_file_and_then_names_stdin_in_it(tmp_path: Path) -> None:
    db = _store(tmp_path)
    bad = ROWS[1].replace(",symbolic,", ",fun,", 1)
    data = "\n".join([HEADER, ROWS[0], bad, ROWS[2]]) + "\n"
    code, _, err = _import_stdin(data, "--format", "csv", "--model", "health", "--store", db, "--skip-invalid")
    assert code == 2
    assert "<stdin>: has no folder to write the rejected rows beside. Pass --rejects FILE with --skip-invalid" in err
    rejects = tmp_path / "rejects.csv"
    args = ["--format", "csv", "--model", "health", "--store", db, "--skip-invalid", "--rejects", str(rejects)]
    code, _, err = _import_stdin(data, *args)
    assert code == 0, err
    assert f"Read 3 rows: 2 valid, 1 rejected. Rejected rows are in {rejects}" in err
    with rejects.open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["dimension"] == "fun"
    assert "<stdin>" in row.values()


def test_the_library_reads_a_given_stream(tmp_path: Path) -> None:
    db = _store(tmp_path)
    before = len(_flows(db))
    with SQLiteStore(db) as store:
        with pytest.raises(ModelFileError, match="has no file name to tell its format"):
            import_files(store, ["-"], model_id="health", stdin=io.BytesIO(CSV_TEXT.encode()))
        result = import_files(store, ["-"], model_id="health", fmt="csv", stdin=io.BytesIO(CSV_TEXT.encode()))
    assert list(result.files) == ["<stdin>"]
    assert result.interviews is not None and result.interviews.rows == len(ROWS)
    assert len(_flows(db)) > before


def test_a_json_model_file_on_stdin_imports_as_its_file_does(tmp_path: Path) -> None:
    model = read_model_file(HEALTH / "model.yaml")
    exported = CliRunner().invoke(cli, ["export", "--store", _full_store(tmp_path), "--model", "health"])
    assert exported.exit_code == 0, exported.output
    db = str(tmp_path / "copy.db")
    code, _, err = _import_stdin(exported.stdout, "--format", "json", "--store", db)
    assert code == 0, err
    with SQLiteStore(db) as s:
        assert s.read_model("health") == model
    assert "Imported health into" in err
    code, _, err = _import_stdin(
        '{"valuenet": 1, "id": "x", "actors": [{"id": "a"}]}', "--format", "json", "--store", db
    )
    assert code == 1
    assert err.startswith("Error: <stdin> actors[0].name: Field required.")


def _full_store(tmp_path: Path) -> str:
    db = str(tmp_path / "full.db")
    with SQLiteStore(db) as s:
        s.write_model(read_model_file(HEALTH / "model.yaml"))
    return db
