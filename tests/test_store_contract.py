"""The store contract: the same behaviours, run against every store implementation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import rows_of, tiny_model
from valuenet.errors import NotFoundError
from valuenet.models import Flow, Model
from valuenet.store.base import Batch, Store, read_structure


def test_write_then_read_gives_the_same_model(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    store.write_model(model)
    assert store.read_model(model_id) == model


def test_new_model_is_listed_with_its_counts(store: Store, model_id: str) -> None:
    store.write_model(tiny_model(model_id))
    info = {m.id: m for m in store.list_models()}[model_id]
    assert (info.title, info.actors, info.goals, info.respondents, info.flows) == ("Tiny clinic", 4, 1, 2, 19)


def test_first_write_adds_everything(store: Store, model_id: str) -> None:
    summary = store.write_model(tiny_model(model_id))
    assert summary.as_dict()["flows"] == {"added": 19, "updated": 0, "unchanged": 0, "removed": 0}
    assert summary.as_dict()["actors"]["added"] == 4
    assert summary.counts["models"].added == 1


def test_writing_the_same_model_twice_changes_nothing(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    store.write_model(model)
    again = store.write_model(model)
    assert not again.changed
    assert again.total("unchanged") == 1 + 4 + 1 + 2 + 19
    assert store.read_model(model_id) == model


def test_a_corrected_item_is_updated_in_place(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    store.write_model(model)
    fixed = model.model_copy(deep=True)
    fixed.flows[0].magnitude = 5.0
    fixed.respondents[1].nps = 7
    summary = store.write_model(fixed)
    assert summary.counts["flows"].updated == 1
    assert summary.counts["respondents"].updated == 1
    assert summary.counts["flows"].added == 0
    assert store.read_model(model_id) == fixed


def test_upsert_keeps_items_the_write_does_not_mention(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    store.write_model(model)
    smaller = model.model_copy(update={"flows": model.flows[:3]})
    summary = store.write_model(smaller)
    assert summary.counts["flows"].removed == 0
    assert len(store.read_model(model_id).flows) == len(model.flows)


def test_replace_makes_the_store_exactly_the_model(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    store.write_model(model)
    smaller = model.model_copy(update={"flows": model.flows[:3]})
    summary = store.write_model(smaller, replace=True)
    assert summary.counts["flows"].removed == len(model.flows) - 3
    assert store.read_model(model_id) == smaller


def test_replace_respondents_drops_their_old_flows_only(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    store.write_model(model)
    kept = [f for f in model.flows if f.respondent == "r1" and f.dimension == "functional"]
    summary = store.write(model, [Batch(flows=kept)], replace_respondents=["r1"])
    after = store.read_model(model_id)
    r1 = [f.id for f in after.flows if f.respondent == "r1"]
    assert r1 == [f.id for f in kept]
    assert len([f for f in after.flows if f.respondent == "r2"]) == 9
    assert summary.counts["flows"].removed == 9 - len(kept)
    assert summary.counts["flows"].unchanged == len(kept)


def test_a_failing_write_leaves_the_store_as_it_was(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    store.write_model(model)

    def batches() -> Iterator[Batch]:
        yield Batch(flows=[model.flows[0].model_copy(update={"magnitude": 1.5})])
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        store.write(model, batches())
    assert store.read_model(model_id) == model


def test_delete_model(store: Store, model_id: str) -> None:
    store.write_model(tiny_model(model_id))
    assert store.delete_model(model_id) is True
    assert model_id not in {m.id for m in store.list_models()}
    assert store.delete_model(model_id) is False


def test_reading_a_missing_model_names_it(store: Store, model_id: str) -> None:
    with pytest.raises(NotFoundError, match=f"has no model '{model_id}'"):
        store.read_model(model_id)


def test_progress_reports_items_written(store: Store, model_id: str) -> None:
    seen: list[int] = []
    store.write_model(tiny_model(model_id), progress=seen.append)
    assert seen and seen[-1] == 4 + 1 + 2 + 19
    assert seen == sorted(seen)


def test_order_of_items_survives_the_round_trip(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    model.flows.reverse()
    model.actors.reverse()
    store.write_model(model)
    back = store.read_model(model_id)
    assert [f.id for f in back.flows] == [f.id for f in model.flows]
    assert [a.id for a in back.actors] == [a.id for a in model.actors]


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quote=_text, touchpoint=st.none() | _text, magnitude=st.floats(0, 5), money=st.none() | st.floats(-1e6, 1e6))
def test_any_flow_text_round_trips(
    store: Store, model_id: str, quote: str, touchpoint: str | None, magnitude: float, money: float | None
) -> None:
    model = tiny_model(model_id)
    extra = Flow(
        id="odd",
        goal="healthy",
        source="clinic",
        target="patient",
        dimension="symbolic",
        magnitude=magnitude,
        money=money,
        quote=quote,
        touchpoint=touchpoint,
        respondent="r1",
    )
    model = Model.model_validate({**model.model_dump(), "flows": [*model.model_dump()["flows"], extra.model_dump()]})
    store.write_model(model, replace=True)
    assert store.read_model(model_id) == model


def test_read_structure_gives_the_model_without_its_flows(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    store.write_model(model)
    assert read_structure(store, model_id) == model.model_copy(update={"flows": []})


def test_an_id_repeated_in_one_write_of_a_new_model_keeps_the_last(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    first = model.flows[0]
    again = first.model_copy(update={"magnitude": 1.5})
    summary = store.write(
        model,
        [Batch(actors=model.actors, goals=model.goals), Batch(flows=[first, again]), Batch(flows=model.flows[1:])],
    )
    assert summary.counts["flows"].added == len(model.flows)
    stored = store.read_model(model_id).flows
    assert [f.id for f in stored] == [f.id for f in model.flows]
    assert stored[0] == again


def test_exchanges_written_as_rows_read_back_as_their_flows(store: Store, model_id: str) -> None:
    model = tiny_model(model_id)
    paired = [f for f in model.flows if f.exchange is not None]
    lone = [f for f in model.flows if f.exchange is None]
    assert paired and lone
    summary = store.write(
        model,
        [
            Batch(actors=model.actors, goals=model.goals, respondents=model.respondents),
            Batch(flows=lone, exchanges=rows_of(paired)),
        ],
    )
    assert summary.counts["flows"].added == len(model.flows)
    assert sorted(store.read_model(model_id).flows, key=lambda f: f.id) == sorted(model.flows, key=lambda f: f.id)
    # the same flows written as objects, and then as rows again: one item each, unchanged
    assert not store.write(model, [Batch(flows=paired)]).changed
    again = store.write(model, [Batch(exchanges=rows_of(paired))])
    assert again.counts["flows"].unchanged == len(paired)
    assert not again.changed
    fixed = [f.model_copy(update={"quote": "Changed"}) for f in paired if f.exchange == paired[0].exchange]
    r1 = fixed[0].respondent
    others = sum(1 for f in model.flows if f.respondent == r1) - len(fixed)
    after = store.write(model, [Batch(exchanges=rows_of(fixed))], replace_respondents=[r1 or ""])
    assert (after.counts["flows"].updated, after.counts["flows"].removed) == (len(fixed), others)
    assert sorted(f.id for f in store.read_model(model_id).flows if f.respondent == r1) == sorted(f.id for f in fixed)


def test_flows_read_as_columns_are_the_models_flows(store: Store, model_id: str) -> None:
    """What the analysis engine reads: every flow of a goal, field for field, and each found again by its key."""
    from valuenet.flowcolumns import FlowColumns, ModelFlows

    m = tiny_model(model_id)
    m.flows.append(m.flows[0].model_copy(update={"id": "other-goal", "goal": "elsewhere"}))
    m.goals.append(m.goals[0].model_copy(update={"id": "elsewhere", "title": "Elsewhere"}))
    store.write_model(m)
    scenarios = ["current", "future"]
    got, want = (
        store.read_flow_columns(m.id, "healthy", scenarios),
        ModelFlows(m).read_flow_columns(m.id, "healthy", scenarios),
    )

    def rows(cols: FlowColumns) -> list[tuple[object, ...]]:
        names = {c: cols.vocab[c].values for c in cols.vocab}
        a = cols.arrays
        out = []
        for i in range(len(cols)):
            coded = tuple(names[c][a[c][i]] if a[c][i] >= 0 else None for c in sorted(names))
            numbers = tuple(
                None if x != x else float(x) for x in (a[n][i] for n in ("magnitude", "money", "occurrences"))
            )
            out.append((*coded, *numbers, bool(a["quoted"][i])))
        return sorted(out, key=repr)

    assert len(got) == len(want) == len([f for f in m.flows if f.goal == "healthy"])
    assert rows(got) == rows(want)
    keys = got.arrays["key"].tolist()
    assert sorted(f.id for f in store.read_flows_by_key(m.id, keys)) == sorted(
        f.id for f in m.flows if f.goal == "healthy"
    )
    with pytest.raises(NotFoundError):
        store.read_flows_by_key(m.id, [max(keys) + 10_000])
    # asked for no optional column, a store reads only the ones every analysis needs
    few = store.read_flow_columns(m.id, "healthy", scenarios, set())
    assert set(few.columns) == {"key", "respondent", "source", "target", "dimension", "magnitude"}
    assert few.arrays["touchpoint"].tolist() == [-1] * len(few)


def test_analysis_from_the_store_equals_the_analysis_of_the_model(store: Store, model_id: str) -> None:
    from valuenet.analysis.report import SECTIONS, analyze_goal

    m = tiny_model(model_id)
    store.write_model(m)
    structure = read_structure(store, m.id)
    for kw in ({}, {"respondent": "r2"}, {"segment": "young"}):
        assert analyze_goal(structure, compare="future", source=store, **kw).to_dict(SECTIONS) == analyze_goal(
            m, compare="future", **kw
        ).to_dict(SECTIONS), kw


def test_the_economic_layer_round_trips_and_an_edit_is_an_update(store: Store, model_id: str) -> None:
    from valuenet.models.economics import Economics, Need, Partnership, Sides, Step, Transfer

    model = tiny_model(model_id)
    first, second = model.actors[0].id, model.actors[1].id
    flow = model.flows[0]
    model.economics = Economics(
        periods=3,
        rate=0.08,
        partnerships=[Partnership(id="pact", name="Pact <&>", members=[first, second])],
        transfers=[Transfer(flow=flow.id, valuation=Sides(giver=1.5, receiver=9), expenses=Sides(giver=0.25))],
        needs=[
            Need(
                id="n",
                goal=flow.goal,
                actor=first,
                occurrences=12,
                path=Step(one_of=[Step(id="a", share=2, exchange=flow.id), Step(id="b", share=1, end="stop")]),
            )
        ],
    )
    store.write_model(model)
    assert store.read_model(model_id) == model
    assert read_structure(store, model_id).economics == model.economics
    edited = model.model_copy(deep=True)
    assert edited.economics is not None
    edited.economics.needs[0].occurrences = 13
    summary = store.write_model(edited)
    assert summary.counts["models"].updated == 1
    assert store.read_model(model_id).economics == edited.economics
