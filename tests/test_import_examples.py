"""The bundled examples' interview tables: CSV, XLSX and JSONL give the same store as the model file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from valuenet.cli import cli
from valuenet.formats.export import interview_tables
from valuenet.formats.modelfile import read_model_file
from valuenet.importers import import_files
from valuenet.models import Model
from valuenet.store.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NAMES = ["health", "broadband"]


def by_id(model: Model) -> dict[str, Any]:
    """The model's content, items keyed by id (the order items were first written in may differ)."""
    data = model.model_dump()
    for kind in ("actors", "goals", "respondents", "flows"):
        data[kind] = {x["id"]: x for x in data[kind]}
    return data


@pytest.fixture(scope="module", params=NAMES)
def example(request: pytest.FixtureRequest) -> tuple[str, Model]:
    return request.param, read_model_file(EXAMPLES / request.param / "model.yaml")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_tables_alone_rebuild_the_model_files_content(example: tuple[str, Model], fmt: str, tmp_path: Path) -> None:
    name, model = example
    reference = SQLiteStore(":memory:")
    reference.write_model(model)
    store = SQLiteStore(tmp_path / "s.db")
    # before fieldwork: actors, goals and structural flows only
    store.write_model(model.model_copy(update={"respondents": [], "flows": interview_tables(model).skipped}))
    result = import_files(store, [EXAMPLES / name / f"interviews.{fmt}"])
    assert result.summary.counts["respondents"].added == len(model.respondents)
    assert by_id(store.read_model()) == by_id(reference.read_model())


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_tables_after_the_model_file_change_nothing(example: tuple[str, Model], fmt: str, tmp_path: Path) -> None:
    name, model = example
    store = SQLiteStore(tmp_path / "s.db")
    store.write_model(model)
    summary = import_files(store, [EXAMPLES / name / f"interviews.{fmt}"]).summary
    assert summary.total("added") == 0 and summary.total("updated") == 0
    assert summary.counts["flows"].unchanged == len(model.flows) - len(interview_tables(model).skipped)


def test_the_cli_second_import_reports_nothing_added_or_updated(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    first = runner.invoke(
        cli,
        ["import", str(EXAMPLES / "health" / "model.yaml"), str(EXAMPLES / "health" / "interviews.csv"), "--store", db],
    )
    assert first.exit_code == 0, first.output
    again = runner.invoke(
        cli,
        ["import", str(EXAMPLES / "health" / "interviews.csv"), "--store", db, "--model", "health", "--summary", "csv"],
    )
    assert again.exit_code == 0, again.output
    rows = [line.split(",") for line in again.stdout.strip().splitlines()]
    assert rows[0] == ["items", "added", "updated", "unchanged", "removed", "rejected"]
    assert all(r[1] == "0" and r[2] == "0" and r[5] == "0" for r in rows[1:])


def test_the_committed_tables_are_what_the_generator_writes(tmp_path: Path) -> None:
    from valuenet.formats.export import write_interview_tables

    for name in NAMES:
        model = read_model_file(EXAMPLES / name / "model.yaml")
        for fmt in ("csv", "jsonl"):
            write_interview_tables(model, tmp_path / f"i.{fmt}", fmt)
            committed = (EXAMPLES / name / f"interviews.{fmt}").read_text(encoding="utf-8")
            assert (tmp_path / f"i.{fmt}").read_text(encoding="utf-8") == committed, (
                f"examples/{name}/interviews.{fmt} is stale: run python tools/make_example_tables.py"
            )
