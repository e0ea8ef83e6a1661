"""The command line: exit codes, exact messages for the main failures, data on stdout, re-imports change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import tiny_model
from valuenet.cli import cli
from valuenet.formats.modelfile import model_to_dict, write_model_file
from valuenet.store.sqlite import SQLiteStore


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    write_model_file(tiny_model(), path)
    return path


def bad_file(tmp_path: Path, change: str) -> Path:
    data = model_to_dict(tiny_model())
    if change == "dangling":
        data["flows"][0]["source"] = "clinc"
    elif change == "dimension":
        data["flows"][2]["dimension"] = "fun"
    elif change == "two-firms":
        data["actors"].append({"id": "rival", "name": "Rival", "kind": "focal_firm"})
    elif change == "scale":
        data["flows"][0]["magnitude"] = 9
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


EXPECTED = {
    "dangling": 'Error: bad.yaml flows[0] ("r1-care:gets").source: actor "clinc" is not defined. '
    "Add it under actors or fix the id.\n",
    "dimension": 'Error: bad.yaml flows[2] ("r1-wait:gives").dimension: "fun" is not a dimension '
    "(functional, economic, experiential, symbolic). "
    "Fix the name or declare a custom dimension under dimensions.\n",
    "two-firms": "Error: bad.yaml actors: a model needs exactly one actor of kind focal_firm; found 2 (clinic, rival). "
    "Mark the one firm whose view this is as kind: focal_firm and give the others another kind.\n",
    "scale": 'Error: bad.yaml flows[0] ("r1-care:gets").magnitude: 9 is outside the model scale 0 to 5. '
    "Fix the value or widen the scale.\n",
}


@pytest.mark.parametrize("command", ["validate", "import"])
@pytest.mark.parametrize("change", sorted(EXPECTED))
def test_bad_model_exits_1_with_message_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, command: str, change: str
) -> None:
    store = tmp_path / "s.db"
    args = [command, str(bad_file(tmp_path, change))]
    if command == "import":
        args += ["--store", str(store)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert result.stderr == EXPECTED[change]
    assert result.stdout == ""
    if store.exists():
        with SQLiteStore(store) as s:
            assert s.list_models() == []


def test_validate_good_file(runner: CliRunner, model_file: Path) -> None:
    result = runner.invoke(cli, ["validate", str(model_file)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{model_file}: OK (4 actors, 2 respondents, 19 flows).\n"


def test_import_twice_leaves_the_store_identical(runner: CliRunner, model_file: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    first = runner.invoke(cli, ["import", str(model_file), "--store", store, "--summary", "json"])
    assert first.exit_code == 0, first.output
    assert {r["items"]: r["added"] for r in json.loads(first.stdout)}["flows"] == 19
    dump1 = runner.invoke(cli, ["export", "--store", store]).stdout
    second = runner.invoke(cli, ["import", str(model_file), "--store", store, "--summary", "json"])
    rows = json.loads(second.stdout)
    assert all(r["added"] == r["updated"] == r["removed"] == 0 for r in rows), rows
    assert runner.invoke(cli, ["export", "--store", store]).stdout == dump1


def test_export_import_export_round_trips(runner: CliRunner, model_file: Path, tmp_path: Path) -> None:
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    assert runner.invoke(cli, ["import", str(model_file), "--store", a]).exit_code == 0
    out = tmp_path / "export.json"
    assert runner.invoke(cli, ["export", "--store", a, "-o", str(out)]).exit_code == 0
    assert runner.invoke(cli, ["import", str(out), "--store", b]).exit_code == 0
    again = runner.invoke(cli, ["export", "--store", b])
    assert again.stdout == out.read_text(encoding="utf-8")


def test_missing_store_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = runner.invoke(cli, ["list", "models", "--store", str(missing)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no store at {missing}. Run 'valuenet init' or 'valuenet import FILE' to create "
        "one, or point --store / VALUENET_STORE at an existing store.\n"
    )
    assert not missing.exists()


def test_store_from_environment(runner: CliRunner, model_file: Path, tmp_path: Path) -> None:
    store = tmp_path / "env.db"
    assert runner.invoke(cli, ["import", str(model_file)], env={"VALUENET_STORE": str(store)}).exit_code == 0
    assert store.exists()


def test_several_models_need_model_option(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    for mid in ("one", "two"):
        path = tmp_path / f"{mid}.yaml"
        write_model_file(tiny_model(mid), path)
        runner.invoke(cli, ["import", str(path), "--store", store])
    result = runner.invoke(cli, ["export", "--store", store])
    assert result.exit_code == 1
    assert result.stderr == f"Error: the store {store} holds several models (one, two). Choose one with --model.\n"
    assert runner.invoke(cli, ["export", "--store", store, "--model", "two"]).exit_code == 0


def test_list_formats(runner: CliRunner, model_file: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    runner.invoke(cli, ["import", str(model_file), "--store", store])
    as_json = json.loads(runner.invoke(cli, ["list", "respondents", "--store", store, "--format", "json"]).stdout)
    assert [(r["id"], r["segment"], r["nps"], r["flows"]) for r in as_json] == [
        ("r1", "young", 9, 9),
        ("r2", "old", 4, 9),
    ]
    as_csv = runner.invoke(cli, ["list", "actors", "--store", store, "--format", "csv"]).stdout.splitlines()
    assert as_csv[0] == "id,name,kind,segment_size,flows"
    assert as_csv[2] == "clinic,Clinic,focal_firm,1,11"
    table = runner.invoke(cli, ["stats", "--store", store]).stdout
    assert "healthy" in table and "future" in table


def test_csv_output_neutralises_formulas(runner: CliRunner, tmp_path: Path) -> None:
    model = tiny_model()
    model.actors[3].name = '=HYPERLINK("http://x")'
    path = tmp_path / "f.yaml"
    write_model_file(model, path)
    store = str(tmp_path / "s.db")
    runner.invoke(cli, ["import", str(path), "--store", store])
    rows = runner.invoke(cli, ["list", "actors", "--store", store, "--format", "csv"]).stdout.splitlines()
    assert rows[4].startswith("family,\"'=HYPERLINK(")


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["list", "unicorns"]).exit_code == 2


def test_traceback_shows_the_real_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--traceback", "list", "models", "--store", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "NotFoundError"


def test_init_creates_an_empty_store(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "new.db"
    result = runner.invoke(cli, ["init", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Store ready at {store} (0 models).\n"


def test_not_a_store(runner: CliRunner, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("hello")
    result = runner.invoke(cli, ["list", "models", "--store", str(junk)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {junk} is not a valuenet store")
