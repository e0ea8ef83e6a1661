"""Interview tables import the same way into every store (the embedded SQLite one and a real Neo4j)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tiny_model
from valuenet.errors import ModelFileError
from valuenet.importers import import_files
from valuenet.store.base import Store

ROWS = (
    "respondent,goal,actor,dimension,gets,gives,touchpoint,segment\n"
    "r1,healthy,clinic,functional,4,0,treatment,young\n"
    "r1,healthy,Clinic,experiential,,1,waiting-room,young\n"
    "r2,Become healthy,insurer,experiential,1,2,claim,old\n"
)


def test_import_is_idempotent_and_all_or_nothing_on_every_store(store: Store, model_id: str, tmp_path: Path) -> None:
    store.write_model(tiny_model(model_id).model_copy(update={"respondents": [], "flows": []}))
    path = tmp_path / "i.csv"
    path.write_text(ROWS, encoding="utf-8")
    first = import_files(store, [path], model_id=model_id).summary
    assert (first.counts["flows"].added, first.counts["respondents"].added) == (5, 2)
    again = import_files(store, [path], model_id=model_id).summary
    assert again.total("added") == 0 and again.total("updated") == 0
    before = store.read_model(model_id)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ROWS.replace("r2,Become healthy,insurer,experiential,1,2", "r2,healthy,insurer,experiential,1,9")
        + "r3,healthy,family,symbolic,3,1,home,old\n",
        encoding="utf-8",
    )
    with pytest.raises(ModelFileError):
        import_files(store, [bad], model_id=model_id)
    assert store.read_model(model_id) == before  # the valid r3 row was not written either


def test_replace_on_every_store(store: Store, model_id: str, tmp_path: Path) -> None:
    store.write_model(tiny_model(model_id).model_copy(update={"respondents": [], "flows": []}))
    path = tmp_path / "i.csv"
    path.write_text(ROWS, encoding="utf-8")
    import_files(store, [path], model_id=model_id)
    path.write_text("respondent,goal,actor,dimension,gets,gives\nr1,healthy,family,symbolic,3,1\n", encoding="utf-8")
    result = import_files(store, [path], model_id=model_id, replace=True)
    assert result.summary.counts["flows"].removed == 3
    assert sorted(f.source for f in store.read_model(model_id).flows if f.respondent == "r1") == ["family", "patient"]
