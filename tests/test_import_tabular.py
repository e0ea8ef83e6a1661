"""Importing interview tables: formats, idempotence, updates, --replace, --skip-invalid, --dry-run, actors."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import tiny_model
from valuenet.errors import ModelFileError, NotFoundError
from valuenet.importers import InterviewImportResult, import_files
from valuenet.models import Model
from valuenet.store.base import EXCHANGE_COLUMNS, row_flows
from valuenet.store.sqlite import SQLiteStore

DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good"
HEAD = ["respondent", "goal", "actor", "dimension", "gets", "gives", "touchpoint", "segment", "nps"]


def structure(model_id: str = "tiny") -> Model:
    """The tiny model without respondents and flows: what a study holds before fieldwork."""
    return tiny_model(model_id).model_copy(update={"respondents": [], "flows": []})


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "store.db")
    s.write_model(structure())
    return s


def write_csv(path: Path, rows: list[list[Any]], header: list[str] = HEAD, delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


ROWS = [
    ["r1", "healthy", "clinic", "functional", 4, 0, "treatment", "young", 9],
    ["r1", "healthy", "Clinic", "experiential", "", 1, "waiting-room", "young", 9],
    ["r2", "Become healthy", " insurer ", "Experiential", 1, 2, "claim", "old", 4],
]


def tab(result: Any) -> InterviewImportResult:
    assert isinstance(result.interviews, InterviewImportResult)
    return result.interviews


def test_rows_become_flow_pairs_with_stable_ids(store: SQLiteStore, tmp_path: Path) -> None:
    import_files(store, [write_csv(tmp_path / "i.csv", ROWS)])
    model = store.read_model()
    got = sorted((f.source, f.target, f.dimension, f.magnitude, f.respondent, f.touchpoint) for f in model.flows)
    assert got == [
        ("clinic", "patient", "functional", 4.0, "r1", "treatment"),
        ("insurer", "patient", "experiential", 1.0, "r2", "claim"),
        ("patient", "clinic", "experiential", 1.0, "r1", "waiting-room"),  # no gets: one flow only
        ("patient", "clinic", "functional", 0.0, "r1", "treatment"),
        ("patient", "insurer", "experiential", 2.0, "r2", "claim"),
    ]
    assert all(f.id == f"{f.exchange}:{'gets' if f.target == 'patient' else 'gives'}" for f in model.flows)
    assert {(r.id, r.segment, r.nps) for r in model.respondents} == {("r1", "young", 9), ("r2", "old", 4)}


def test_a_second_import_adds_and_updates_nothing(store: SQLiteStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", ROWS)
    first = import_files(store, [path]).summary
    assert (first.counts["flows"].added, first.counts["respondents"].added) == (5, 2)
    again = import_files(store, [path]).summary
    assert again.total("added") == 0 and again.total("updated") == 0
    assert again.counts["flows"].unchanged == 5


def test_a_corrected_file_updates_in_place(store: SQLiteStore, tmp_path: Path) -> None:
    import_files(store, [write_csv(tmp_path / "i.csv", ROWS)])
    fixed = [list(r) for r in ROWS]
    fixed[0][4] = 5  # r1 gets 5, not 4, from the clinic's treatment
    fixed[2][8] = 6  # r2's NPS was 6
    summary = import_files(store, [write_csv(tmp_path / "i.csv", fixed)]).summary
    assert summary.as_dict()["flows"] == {"added": 0, "updated": 1, "unchanged": 4, "removed": 0}
    assert summary.as_dict()["respondents"] == {"added": 0, "updated": 1, "unchanged": 1, "removed": 0}
    model = store.read_model()
    assert len(model.flows) == 5
    assert model.respondent("r2").nps == 6


def test_replace_replaces_a_respondents_data_wholesale(store: SQLiteStore, tmp_path: Path) -> None:
    import_files(store, [write_csv(tmp_path / "i.csv", ROWS)])
    only = [["r1", "healthy", "family", "symbolic", 3, 1, "", "", ""]]
    result = import_files(store, [write_csv(tmp_path / "r1.csv", only)], replace=True)
    assert result.summary.counts["flows"].removed == 3  # r1's three old flows
    model = store.read_model()
    assert sorted((f.respondent, f.source, f.target) for f in model.flows) == [
        ("r1", "family", "patient"),
        ("r1", "patient", "family"),
        ("r2", "insurer", "patient"),
        ("r2", "patient", "insurer"),
    ]
    assert model.respondent("r1").segment is None  # the respondent record is replaced too
    assert model.respondent("r2").segment == "old"


def test_without_replace_respondent_fields_not_given_are_kept(store: SQLiteStore, tmp_path: Path) -> None:
    import_files(store, [write_csv(tmp_path / "i.csv", ROWS)])
    import_files(
        store, [write_csv(tmp_path / "more.csv", [["r1", "healthy", "family", "symbolic", 3, 1, ""]], header=HEAD[:7])]
    )
    model = store.read_model()
    assert model.respondent("r1").segment == "young"
    assert len(model.flows) == 7


def test_skip_invalid_writes_valid_rows_and_a_rejects_file_that_reimports(store: SQLiteStore, tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][3] = "fun"
    rows.append(["r3", "healthy", "clinic", "economic", 9, 1, "billing", "old", 5])
    path = write_csv(tmp_path / "i.csv", rows)
    result = tab(import_files(store, [path], skip_invalid=True))
    assert (result.rows, result.imported, result.total_rejected) == (4, 2, 2)
    assert result.rejects_file == str(tmp_path / "i.rejects.csv")
    with open(result.rejects_file, encoding="utf-8", newline="") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["source_row"], r["dimension"], r["gets"]) for r in rejects] == [("3", "fun", ""), ("5", "economic", "9")]
    assert rejects[1]["error"] == (
        f'{path} row 5, column "gets": "9" is out of range; magnitudes on the model '
        "scale must be 0 to 5. Fix the value."
    )
    assert len(store.read_model().flows) == 4
    # the user fixes the two cells and imports the rejects file as it is
    rejects[0]["dimension"], rejects[1]["gets"] = "experiential", "2"
    with open(result.rejects_file, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rejects[0]))
        w.writeheader()
        w.writerows(rejects)
    again = tab(import_files(store, [result.rejects_file]))
    assert again.total_rejected == 0
    whole = SQLiteStore(tmp_path / "whole.db")
    whole.write_model(structure())
    rows[1][3], rows[3][4] = "experiential", 2
    import_files(whole, [write_csv(tmp_path / "fixed.csv", rows)])
    assert sorted(f.id for f in store.read_model().flows) == sorted(f.id for f in whole.read_model().flows)


def test_rejects_path_can_be_chosen(store: SQLiteStore, tmp_path: Path) -> None:
    rows = [*ROWS, ["r3", "healthy", "nobody", "economic", 1, 1, "", "", ""]]
    result = tab(
        import_files(store, [write_csv(tmp_path / "i.csv", rows)], skip_invalid=True, rejects=tmp_path / "bad.csv")
    )
    assert result.rejects_file == str(tmp_path / "bad.csv")
    assert not (tmp_path / "i.rejects.csv").exists()


def test_dry_run_reports_and_writes_nothing(store: SQLiteStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", ROWS)
    before = store.read_model()
    dry = import_files(store, [path], dry_run=True)
    assert dry.dry_run and store.read_model() == before
    real = import_files(store, [path])
    assert dry.summary.as_dict() == real.summary.as_dict()
    assert import_files(store, [path], dry_run=True).summary.as_dict()["flows"]["unchanged"] == 5


def test_identical_repeated_rows_count_once(store: SQLiteStore, tmp_path: Path) -> None:
    result = tab(import_files(store, [write_csv(tmp_path / "i.csv", [ROWS[0], ROWS[0], ROWS[2]])]))
    assert (result.rows, result.imported, result.repeated) == (3, 2, 1)
    assert len(store.read_model().flows) == 4


def test_actor_aliases_from_the_model_and_from_a_file(tmp_path: Path) -> None:
    model = structure()
    model.actors[2].aliases = ["Mutual Health"]
    s = SQLiteStore(tmp_path / "a.db")
    s.write_model(model)
    (tmp_path / "aliases.csv").write_text("alias,actor\nthe physio,clinic\nMum,Family\n", encoding="utf-8")
    rows = [
        ["r1", "healthy", "MUTUAL  health", "economic", 3, 1],
        ["r1", "healthy", "The Physio", "functional", 4, 1],
        ["r1", "healthy", "mum", "symbolic", 3, 0],
    ]
    import_files(s, [write_csv(tmp_path / "i.csv", rows, HEAD[:6])], aliases=tmp_path / "aliases.csv")
    assert sorted({f.source for f in s.read_model().flows} - {"patient"}) == ["clinic", "family", "insurer"]


def test_an_alias_to_no_actor_is_reported(store: SQLiteStore, tmp_path: Path) -> None:
    (tmp_path / "aliases.csv").write_text("alias,actor\nDoc,Dr Nobody\n", encoding="utf-8")
    with pytest.raises(ModelFileError) as info:
        import_files(store, [write_csv(tmp_path / "i.csv", ROWS)], aliases=tmp_path / "aliases.csv")
    assert str(info.value) == (
        'aliases: "Doc" maps to "Dr Nobody", which is not an actor of model tiny. '
        "Map each alias to an actor id or name."
    )


def test_new_actors_need_a_kind_and_near_duplicates_are_warned(store: SQLiteStore, tmp_path: Path) -> None:
    model = structure()
    model.actors.append(model.actors[3].model_copy(update={"id": "dr-patel", "name": "Dr Patel", "kind": "provider"}))
    store.write_model(model)
    rows = [
        ["r1", "healthy", "Dr. Patel", "functional", 4, 1, "provider"],
        ["r1", "healthy", "Physio Plus", "functional", 3, 1, "competitor"],
        ["r2", "healthy", "physio plus", "economic", 2, 3, ""],
    ]
    result = tab(import_files(store, [write_csv(tmp_path / "i.csv", rows, [*HEAD[:6], "actor_kind"])]))
    assert [str(w) for w in result.warnings] == [
        f'{tmp_path / "i.csv"} row 2, column "actor": "Dr. Patel" looks like the actor "Dr Patel" (dr-patel); a new '
        'actor "dr-patel-2" is created. If they are the same, add "Dr. Patel" to the aliases of dr-patel (in the '
        'model file, or a row "Dr. Patel,dr-patel" in an --aliases file).'
    ]
    actors = {a.id: (a.name, a.kind) for a in store.read_model().actors}
    assert actors["dr-patel-2"] == ("Dr. Patel", "provider")
    assert actors["physio-plus"] == ("Physio Plus", "competitor")
    assert result.summary.counts["actors"].added == 2


def test_an_actor_created_on_a_later_row_is_found_for_earlier_rows(store: SQLiteStore, tmp_path: Path) -> None:
    rows = [["r1", "healthy", "Gym", "functional", 3, 1, ""], ["r2", "healthy", "gym", "symbolic", 2, 0, "partner"]]
    import_files(store, [write_csv(tmp_path / "i.csv", rows, [*HEAD[:6], "actor_kind"])])
    assert {f.source for f in store.read_model().flows if f.target == "patient"} == {"gym"}


def test_a_new_model_from_rows_alone(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "new.db")
    rows = [
        ["p1", "Get fit", "FitWell", "functional", 4, 2, "focal_firm"],
        ["p1", "Get fit", "Park run", "symbolic", 3, 0, "community"],
    ]
    path = write_csv(tmp_path / "i.csv", rows, [*HEAD[:6], "actor_kind"])
    with pytest.raises(NotFoundError):
        import_files(s, [path])
    import_files(s, [path], model_id="fitness")
    model = s.read_model("fitness")
    assert {(a.id, a.kind) for a in model.actors} == {
        ("customer", "customer"),
        ("fitwell", "focal_firm"),
        ("park-run", "community"),
    }
    assert [(g.id, g.title) for g in model.goals] == [("get-fit", "Get fit")]
    assert model.check() is None


def test_a_new_model_needs_a_focal_firm(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "new.db")
    path = write_csv(
        tmp_path / "i.csv", [["p1", "Get fit", "FitWell", "functional", 4, 2, "provider"]], [*HEAD[:6], "actor_kind"]
    )
    with pytest.raises(ModelFileError) as info:
        import_files(s, [path], model_id="fitness")
    assert str(info.value) == (
        f"{path}: model fitness: the rows create a new model with 0 focal firms. Give exactly one actor "
        "the actor_kind focal_firm, or import the model file first."
    )
    assert s.list_models() == []


def test_respondents_table_and_flows_table_in_one_import(store: SQLiteStore, tmp_path: Path) -> None:
    resp = write_csv(
        tmp_path / "respondents.csv",
        [["r1", "young", 9, 0.6, 2], ["r2", "old", 3, 0.2, 1]],
        ["id", "Segment", "NPS", "Weight Functional", "experiential threshold"],
    )
    flows = write_csv(tmp_path / "flows.csv", [r[:7] for r in ROWS], HEAD[:7])
    import_files(store, [flows, resp])
    r1 = store.read_model().respondent("r1")
    assert (r1.segment, r1.nps, r1.weights, r1.thresholds) == ("young", 9, {"functional": 0.6}, {"experiential": 2})


def test_xlsx_with_a_sheet_per_table(store: SQLiteStore, tmp_path: Path) -> None:
    from valuenet.formats.xlsx import write_workbook

    path = tmp_path / "i.xlsx"
    write_workbook(
        path,
        [
            ("README", ["about"], [["ignored"]]),
            ("Respondents", ["respondent", "segment"], [["r1", "young"]]),
            ("Flows", HEAD[:7], [r[:7] for r in ROWS[:2]]),
        ],
    )
    import_files(store, [path])
    model = store.read_model()
    assert model.respondent("r1").segment == "young" and len(model.flows) == 3


def test_json_array_and_jsonl_give_the_same_store(tmp_path: Path) -> None:
    objs = [dict(zip(HEAD, r, strict=True)) for r in ROWS]
    objs[0]["weights"] = {"functional": 0.5}
    (tmp_path / "i.json").write_text(json.dumps(objs), encoding="utf-8")
    (tmp_path / "i.jsonl").write_text("".join(json.dumps(o) + "\n" for o in objs), encoding="utf-8")
    got = []
    for name in ("i.json", "i.jsonl"):
        s = SQLiteStore(tmp_path / f"{name}.db")
        s.write_model(structure())
        import_files(s, [tmp_path / name])
        got.append(s.read_model())
    assert got[0] == got[1]
    assert got[0].respondent("r1").weights == {"functional": 0.5}


def test_format_overrides_the_extension(store: SQLiteStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.txt", ROWS, delimiter="\t")
    import_files(store, [path], fmt="tsv")
    assert len(store.read_model().flows) == 5


def test_unknown_columns_are_warned_with_their_name(store: SQLiteStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", [[*r[:6], "x", "y"] for r in ROWS], [*HEAD[:6], "segmnet", "Home Town"])
    result = tab(import_files(store, [path]))
    assert [str(w) for w in result.warnings] == [
        f'{path}: column "Home Town" is not part of the layout and is ignored. Rename it to a layout column (see '
        "docs/interview-layout.md), write attr_home_town to keep it as a respondent attribute, or remove it.",
        f'{path}: column "segmnet" is not part of the layout and is ignored. Did you mean "segment"? Rename it, '
        "or remove it.",
    ]


def golden(name: str, model: Model) -> list[dict[str, Any]]:
    return [f.model_dump(exclude_defaults=True) for f in sorted(model.flows, key=lambda f: f.id)]


@pytest.mark.parametrize(
    "name,encoding",
    [("bom_semicolon.csv", None), ("tabs.tsv", None), ("formula_text.csv", None), ("latin1.csv", "cp1252")],
)
def test_good_files_match_their_golden_flows(name: str, encoding: str | None, store: SQLiteStore) -> None:
    import_files(store, [GOOD / name], encoding=encoding)
    got = golden(name, store.read_model())
    expected_path = GOOD / (name + ".expected.json")
    if os.environ.get("VALUENET_UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


def test_semicolon_bom_and_tab_files_give_the_same_flows(tmp_path: Path) -> None:
    got = []
    for name in ("bom_semicolon.csv", "tabs.tsv"):
        s = SQLiteStore(tmp_path / f"{name}.db")
        s.write_model(structure())
        import_files(s, [GOOD / name])
        got.append(s.read_model().flows)
    assert got[0] == got[1]
    assert {f.magnitude for f in got[0] if f.touchpoint == "treatment"} == {4.0, 0.5}  # "0,5" read as 0.5


def test_built_flows_equal_validated_flows(tmp_path: Path) -> None:
    from valuenet.formats.inputs import read_tables
    from valuenet.importers.interviews import InterviewImport
    from valuenet.importers.target import ImportTarget
    from valuenet.models import Flow

    model = tiny_model()
    header = [
        "respondent",
        "goal",
        "scenario",
        "actor",
        "dimension",
        "gets",
        "gives",
        "gives_money",
        "occurrences",
        "tangible",
        "responsible",
        "touchpoint",
        "quote",
        "note",
    ]
    rows = [
        ["r1", "healthy", "", "clinic", "functional", 4, 0, "", "", "", "", "treatment", "Works.", ""],
        ["r1", "healthy", "future", "Clinic", "experiential", "", 1, "", "", "", "", "app", "", "=1+1"],
        ["r2", "healthy", "", "insurer", "economic", 3, 1, 65, 8, "yes", "clinic", "claim", "-", ""],
        ["r3", "healthy", "", "family", "symbolic", "", "", 12.5, "", "no", "", "", "", ""],
        ["", "healthy", "", "family", "symbolic", 2, 1, "", 0.5, "", "", "", "", "n"],
    ]
    path = write_csv(tmp_path / "i.csv", rows, header)
    imp = InterviewImport(read_tables(path), ImportTarget(model, new=False))
    imp.validate()
    exchanges = [r for b in imp.batches() for r in b.exchanges]
    imp.close()
    flows = [f for r in exchanges for f in row_flows(r)]
    assert len(exchanges) == 5
    assert len(flows) == 8  # 2 + 1 (gives only) + 2 + 1 (money only) + 2
    assert all(dict(zip(EXCHANGE_COLUMNS, r, strict=True))["customer"] == "patient" for r in exchanges)
    assert set(Flow.model_fields) == {
        "id",
        "goal",
        "scenario",
        "source",
        "target",
        "dimension",
        "magnitude",
        "money",
        "occurrences",
        "tangible",
        "touchpoint",
        "stage",
        "quote",
        "respondent",
        "responsible",
        "exchange",
        "note",
    }  # the fields the importer sets


def test_an_exchange_id_too_long_for_its_flows_is_refused(store: SQLiteStore, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "i.csv", [["x" * 195, "r1", "healthy", "clinic", "functional", 4, 1]], ["exchange_id", *HEAD[:6]]
    )
    with pytest.raises(ModelFileError) as info:
        import_files(store, [path])
    assert str(info.value).endswith("is too long for an exchange id (195 characters; at most 194). Use a shorter id.")


def test_a_customer_given_on_a_later_row_is_checked_against_earlier_rows(store: SQLiteStore, tmp_path: Path) -> None:
    rows = [
        ["r1", "healthy", "insurer", "economic", 1, 2, ""],
        ["r1", "healthy", "clinic", "functional", 4, 1, ""],
        ["r1", "healthy", "family", "symbolic", 3, 0, "Insurer"],
    ]
    path = write_csv(tmp_path / "i.csv", rows, [*HEAD[:6], "customer"])
    with pytest.raises(ModelFileError) as info:
        import_files(store, [path])
    assert str(info.value) == (
        f'{path} row 2: actor "insurer" is the customer of this exchange. Fix the actor or the customer column.'
    )
