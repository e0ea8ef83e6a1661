"""The embedded store's tables (schema 2) answer an analyst's plain SQL, and hold every model exactly.

The store keeps interview exchanges as rows of ``exchanges`` and every other flow
as a row of ``flows``; these tests query the file the way sqlite3, sqlite-utils or
Datasette would, and check that whatever is written (flows as objects, exchange
rows, sides that disagree, repeated ids, replaced data) reads back as written, in
the order written, with exact counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import rows_of, tiny_model
from valuenet.flowcolumns import ModelFlows
from valuenet.models import Exchange, Flow
from valuenet.store.base import Batch, ExchangeRow, WriteSummary, exchange_row, row_flows
from valuenet.store.sqlite import SQLiteStore
from valuenet.store.sqlite_schema import INDEXES


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


def sql(path: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """What an analyst's plain SQL returns from the store file (a separate, read-only connection)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(query, params).fetchall()
    finally:
        db.close()


# -- what an analyst asks ----------------------------------------------------------------------


def test_mean_gets_and_gives_per_actor_is_one_select_over_exchanges(path: Path) -> None:
    model = tiny_model()
    with SQLiteStore(path) as store:
        store.write_model(model)
    got = sql(
        path,
        "SELECT actor, avg(gets), avg(gives), count(*) FROM exchanges WHERE model = 'tiny' AND scenario = 'current' "
        "GROUP BY actor ORDER BY actor",
    )
    want = []
    for actor in ("clinic", "family", "insurer"):
        gets = [f.magnitude for f in model.flows if f.source == actor and f.scenario == "current" and f.exchange]
        gives = [f.magnitude for f in model.flows if f.target == actor and f.scenario == "current" and f.exchange]
        exchanges = {f.exchange for f in model.flows if actor in (f.source, f.target) and f.scenario == "current"}
        want.append((actor, sum(gets) / len(gets), sum(gives) / len(gives), len(exchanges - {None})))
    assert got == want


def test_structural_flows_are_rows_of_flows_and_respondents_have_columns(path: Path) -> None:
    with SQLiteStore(path) as store:
        store.write_model(tiny_model())
    assert sql(path, "SELECT id, source, target, money, occurrences, tangible, respondent FROM flows") == [
        ("claims", "clinic", "insurer", 65.0, 8.0, 1, None)
    ]
    assert sql(path, "SELECT id, segment, nps, churned FROM respondents ORDER BY id") == [
        ("r1", "young", 9, None),
        ("r2", "old", 4, 1),
    ]
    weights = sql(path, "SELECT json_extract(doc, '$.weights.experiential') FROM respondents ORDER BY id")
    assert weights == [(0.3,), (0.6,)]
    assert sql(path, "SELECT id, name, kind, segment_size FROM actors WHERE kind = 'focal_firm'") == [
        ("clinic", "Clinic", "focal_firm", 1)
    ]
    assert sql(path, "SELECT id, title, customer FROM goals") == [("healthy", "Become healthy", "patient")]
    assert sql(path, "SELECT id, title FROM models") == [("tiny", "Tiny clinic")]
    assert sql(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]


def test_where_the_firm_destroys_value_per_touchpoint_joins_respondents(path: Path) -> None:
    with SQLiteStore(path) as store:
        store.write_model(tiny_model())
    got = sql(
        path,
        "SELECT e.touchpoint, r.segment, sum(coalesce(e.gets, 0) - coalesce(e.gives, 0)) AS net "
        "FROM exchanges e JOIN respondents r ON r.model = e.model AND r.id = e.respondent "
        "WHERE e.actor = 'clinic' AND e.scenario = 'current' GROUP BY 1, 2 HAVING net < 0 ORDER BY 1, 2",
    )
    assert got == [("waiting-room", "old", -3.0), ("waiting-room", "young", -1.0)]


# -- how flows are kept ------------------------------------------------------------------------


def test_flows_written_as_objects_pair_up_into_exchange_rows(path: Path) -> None:
    model = tiny_model()
    with SQLiteStore(path) as store:
        store.write_model(model)
        assert store.read_model("tiny") == model
    exchanges = {f.exchange for f in model.flows} - {None}
    assert sql(path, "SELECT count(*) FROM exchanges") == [(len(exchanges),)]
    assert sql(path, "SELECT id, gets, gives, quote FROM exchanges WHERE id = 'r1-care'") == [
        ("r1-care", 4.0, 0.0, "The knee works again.")
    ]
    assert sql(path, "SELECT gets, gives FROM exchanges WHERE id = 'r2-wait'") == [(None, 3.0)]


def test_sides_that_disagree_stay_in_flows_and_read_back_exactly(path: Path) -> None:
    model = tiny_model()
    model.flows[1] = model.flows[1].model_copy(update={"quote": "Only the gives side says this."})  # r1-care:gives
    with SQLiteStore(path) as store:
        store.write_model(model)
        assert store.read_model("tiny") == model
    assert sql(path, "SELECT id, quote FROM flows WHERE exchange = 'r1-care'") == [
        ("r1-care:gives", "Only the gives side says this.")
    ]
    assert sql(path, "SELECT gets, gives FROM exchanges WHERE id = 'r1-care'") == [(4.0, None)]


def test_a_side_that_comes_to_disagree_moves_aside_and_back_keeping_its_place(path: Path) -> None:
    model = tiny_model()
    with SQLiteStore(path) as store:
        store.write_model(model)
        gets, gives = model.flows[0], model.flows[1]  # r1-care
        for changed in (gets, gives):
            other = changed.model_copy(update={"quote": "Changed."})
            summary = store.write(model, [Batch(flows=[other])])
            assert summary.as_dict()["flows"] == {"added": 0, "updated": 1, "unchanged": 0, "removed": 0}
            model.flows[model.flows.index(changed)] = other
            assert store.read_model("tiny") == model
        # both sides agree again: one row, nothing in flows
    assert sql(path, "SELECT count(*) FROM flows WHERE exchange = 'r1-care'") == [(0,)]
    assert sql(path, "SELECT quote, gets, gives FROM exchanges WHERE id = 'r1-care'") == [("Changed.", 4.0, 0.0)]


def test_a_flow_and_an_exchange_row_with_its_id_are_one_item(path: Path) -> None:
    model = tiny_model()
    with SQLiteStore(path) as store:
        lone = [f for f in model.flows if f.exchange is None]
        everyone = Batch(actors=model.actors, goals=model.goals, respondents=model.respondents, flows=lone)
        store.write(model, [everyone, Batch(exchanges=rows_of(model))])
        assert not store.write_model(model).changed
        fixed = model.model_copy(deep=True)
        fixed.flows[0].magnitude = 1.0
        summary = store.write_model(fixed)
        assert summary.as_dict()["flows"] == {"added": 0, "updated": 1, "unchanged": 18, "removed": 0}
        again = store.write(fixed, [Batch(exchanges=rows_of(fixed))])
        assert again.as_dict()["flows"] == {"added": 0, "updated": 0, "unchanged": 18, "removed": 0}


def test_keys_find_each_flow_again_and_order_is_first_written(path: Path) -> None:
    model = tiny_model()
    with SQLiteStore(path) as store:
        store.write_model(model)
        cols = store.read_flow_columns("tiny", "healthy", ["current", "future"])
        keys = sorted(cols.arrays["key"].tolist())
        assert [f.id for f in store.read_flows_by_key("tiny", keys)] == [f.id for f in model.flows]
        assert len(set(keys)) == len(keys) == len(model.flows)
        gets, gives = sql(path, "SELECT seq * 4 + 1, seq * 4 + 2 FROM exchanges WHERE id = 'r1-care'")[0]
        assert [f.id for f in store.read_flows_by_key("tiny", [gives, gets])] == ["r1-care:gives", "r1-care:gets"]
        only_current = store.read_flow_columns("tiny", "healthy", ["current"])
        assert len(only_current) == len([f for f in model.flows if f.scenario == "current"])


def test_a_first_import_builds_every_index_after_loading(path: Path) -> None:
    model = tiny_model()
    with SQLiteStore(path) as store:
        store.write(model, [Batch(actors=model.actors, goals=model.goals), Batch(exchanges=rows_of(model))])
    names = {n for (n,) in sql(path, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {n for table in INDEXES.values() for n in table} <= names
    plan = " ".join(
        str(r[-1]) for r in sql(path, "EXPLAIN QUERY PLAN SELECT * FROM exchanges WHERE model = 'tiny' AND goal = 'g'")
    )
    assert "exchanges_by_goal" in plan


def test_an_exchange_repeated_in_a_bulk_load_keeps_the_last_in_the_first_place(path: Path) -> None:
    model = tiny_model()
    rows = rows_of(model)
    late = Exchange._make(rows[0][:-1])._replace(gives=None, gets=1.5, quote="later")
    half = exchange_row(late, rows[0][-1])
    with SQLiteStore(path) as store:
        summary = store.write(model, [Batch(actors=model.actors, goals=model.goals), Batch(exchanges=[*rows, half])])
        back = store.read_model("tiny")
    assert summary.as_dict()["flows"] == {"added": 18, "updated": 1, "unchanged": 0, "removed": 0}
    # r1-care:gets takes the later values in its first place; r1-care:gives keeps its own, beside it
    want = [f for f in model.flows if f.exchange is not None]
    want[0] = row_flows(half)[0]
    assert [f for f in back.flows if f.exchange is not None] == want
    assert sql(path, "SELECT count(*) FROM exchanges WHERE id = 'r1-care'") == [(1,)]


def test_a_v1_store_is_refused_before_anything_touches_it(tmp_path: Path) -> None:
    from valuenet.errors import SchemaVersionError

    copy = tmp_path / "old.db"
    copy.write_bytes((Path(__file__).parent / "data" / "stores" / "v1.db").read_bytes())
    with pytest.raises(SchemaVersionError) as refused:
        SQLiteStore(copy)
    assert str(refused.value) == (
        f"{copy} was written by valuenet 0.1 (store schema version 1); this valuenet uses 2. "
        f"Upgrade it with: valuenet upgrade --store {copy}"
    )
    assert copy.read_bytes() == (Path(__file__).parent / "data" / "stores" / "v1.db").read_bytes()


# -- any model reads back as written -----------------------------------------------------------

_X = ("a", "b", "c")


@st.composite
def flows(draw: st.DrawFn) -> Flow:
    """A flow from a small pool of ids, so that writes collide: sides of a few exchanges, and lone flows."""
    x = draw(st.sampled_from(_X))
    side = draw(st.sampled_from(["gets", "gives"]))
    actor = draw(st.sampled_from(["clinic", "insurer"]))
    source, target = (actor, "patient") if side == "gets" else ("patient", actor)
    if draw(st.integers(0, 9)) == 0:
        source, target = target, source
    flow_id = draw(st.sampled_from([f"{x}:{side}", f"{x}:{side}", "lone", "claims:gets"]))
    return Flow(
        id=flow_id,
        goal="healthy",
        scenario=draw(st.sampled_from(["current", "future"])),
        source=source,
        target=target,
        dimension="experiential",
        magnitude=draw(st.sampled_from([None, 1.0, 2.0, 2.0])),
        money=draw(st.sampled_from([None, None, 5.0])),
        occurrences=draw(st.sampled_from([1.0, 1.0, 2.0])),
        tangible=draw(st.sampled_from([None, True, False])),
        quote=draw(st.sampled_from([None, "q", "q", "r\u00e9 \u2603 'x' \"y\""])),
        respondent=draw(st.sampled_from(["r1", "r1", "r2", None])),
        exchange=draw(st.sampled_from([x, x, x, None, "zz"])),
    )


@st.composite
def exchange_rows(draw: st.DrawFn) -> ExchangeRow:
    ex = Exchange(
        id=draw(st.sampled_from(_X)),
        goal="healthy",
        scenario=draw(st.sampled_from(["current", "future"])),
        actor=draw(st.sampled_from(["clinic", "insurer"])),
        dimension="experiential",
        gets=draw(st.sampled_from([None, 1.0, 3.0])),
        gives=draw(st.sampled_from([None, 0.0, 2.0])),
        gives_money=draw(st.sampled_from([None, None, 7.5])),
        quote=draw(st.sampled_from([None, "q", "q"])),
        respondent=draw(st.sampled_from(["r1", "r2"])),
    )
    return exchange_row(ex, "patient")


_items = st.lists(flows() | exchange_rows(), min_size=0, max_size=6)
_write = st.tuples(st.lists(_items, min_size=1, max_size=3), st.sampled_from(["upsert", "upsert", "replace", "r1"]))


def _apply(stored: dict[str, Flow], batches: list[list[Any]], mode: str) -> dict[str, int]:
    """What a write does, flow by flow, to a store that keeps flows by id in first-written order."""
    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    written: set[str] = set()
    for batch in batches:
        flows_first = [i for i in batch if isinstance(i, Flow)] + [
            f for i in batch if not isinstance(i, Flow) for f in row_flows(i)
        ]
        for f in flows_first:
            old = stored.get(f.id)
            counts["added" if old is None else "unchanged" if old == f else "updated"] += 1
            stored[f.id] = f
            written.add(f.id)
    for fid in list(stored):
        if fid not in written and (mode == "replace" or (mode == "r1" and stored[fid].respondent == "r1")):
            del stored[fid]
            counts["removed"] += 1
    return counts


def _batches(items: list[Any]) -> Iterator[Batch]:
    yield Batch(
        flows=[i for i in items if isinstance(i, Flow)], exchanges=[i for i in items if not isinstance(i, Flow)]
    )


@settings(max_examples=150, deadline=None)
@given(writes=st.lists(_write, min_size=1, max_size=4), first=st.booleans())
def test_any_sequence_of_writes_reads_back_as_written(writes: list[Any], first: bool) -> None:
    base = tiny_model("h").model_copy(update={"flows": []})
    stored: dict[str, Flow] = {}
    with SQLiteStore(":memory:") as store:
        if first:  # the exchange table holds another model's rows: no bulk load
            store.write_model(tiny_model("other"))
        for batches, mode in writes:
            want = _apply(stored, batches, mode)
            summary: WriteSummary = store.write(
                base,
                (b for items in batches for b in _batches(items)),
                replace=mode == "replace",
                replace_respondents=["r1"] if mode == "r1" else (),
            )
            assert summary.as_dict()["flows"] == want
            model = store.read_model("h")
            assert model.flows == list(stored.values())
            cols = store.read_flow_columns("h", "healthy", ["current", "future"])
            keys = cols.arrays["key"].tolist()
            assert sorted(store.read_flows_by_key("h", keys), key=lambda f: f.id) == sorted(
                stored.values(), key=lambda f: f.id
            )
            assert len(ModelFlows(model).read_flow_columns("h", "healthy", ["current", "future"])) == len(cols)
        assert store.list_models()[0].flows == len(stored)


def test_the_queries_of_docs_store_md_run_on_the_health_example(path: Path) -> None:
    import re

    from valuenet.formats.modelfile import read_model_file
    from valuenet.resources import example_model

    doc = (Path(__file__).resolve().parents[1] / "docs" / "store.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", doc, flags=re.S)
    assert len(queries) == 4
    model = read_model_file(example_model("health"))
    with SQLiteStore(path) as store:
        store.write_model(model)
    results = [sql(path, q) for q in queries]
    assert all(results), "every query answers something on the health example"
    every_flow = results[3]
    assert [r[1] for r in every_flow] == [f.id for f in model.flows]
    tables = {t for (t,) in sql(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in tables:
        assert f"### `{table}`" in doc, f"docs/store.md does not document the table {table}"
        for (column,) in sql(path, f"SELECT name FROM pragma_table_info('{table}')"):
            assert f"`{column}`" in doc, f"docs/store.md does not document {table}.{column}"
