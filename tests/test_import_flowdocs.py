"""Flow documents built by the importer are byte for byte what pydantic writes for the same flows."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from valuenet.importers.flowdocs import exchange_docs
from valuenet.models import DEFAULT_SCENARIO, Exchange, Flow

_ids = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf")), min_size=1, max_size=12).filter(
    lambda s: s == s.strip() and bool(s)
)
_texts = st.none() | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
_floats = st.floats(allow_nan=False, allow_infinity=False)
_magnitudes = st.none() | st.sampled_from([0.0, 1.0, 2.5, -0.0, 5.0]) | _floats
_exchanges = st.builds(
    Exchange,
    id=_ids,
    goal=_ids,
    scenario=st.sampled_from([DEFAULT_SCENARIO, "future-a"]) | _ids,
    actor=_ids,
    dimension=_ids,
    gets=_magnitudes,
    gives=_magnitudes,
    gets_money=_magnitudes,
    gives_money=_magnitudes,
    occurrences=st.sampled_from([1.0, 0.0, 12.0]) | st.floats(0, 1e30),
    tangible=st.none() | st.booleans(),
    touchpoint=_texts,
    stage=_texts,
    quote=_texts,
    respondent=st.none() | _ids,
    responsible=st.none() | _ids,
    note=_texts,
)


def pydantic_flows(ex: Exchange, customer: str) -> list[Flow]:
    """The flows of an exchange, built and validated by pydantic (what the store would serialise)."""
    common: dict[str, Any] = {
        "goal": ex.goal,
        "scenario": ex.scenario,
        "dimension": ex.dimension,
        "occurrences": ex.occurrences,
        "tangible": ex.tangible,
        "touchpoint": ex.touchpoint,
        "stage": ex.stage,
        "quote": ex.quote,
        "respondent": ex.respondent,
        "responsible": ex.responsible,
        "exchange": ex.id,
        "note": ex.note,
    }
    out = []
    if ex.gets is not None or ex.gets_money is not None:
        out.append(
            Flow(id=f"{ex.id}:gets", source=ex.actor, target=customer, magnitude=ex.gets, money=ex.gets_money, **common)
        )
    if ex.gives is not None or ex.gives_money is not None:
        out.append(
            Flow(
                id=f"{ex.id}:gives",
                source=customer,
                target=ex.actor,
                magnitude=ex.gives,
                money=ex.gives_money,
                **common,
            )
        )
    return out


@settings(max_examples=400, deadline=None)
@given(ex=_exchanges, customer=_ids)
def test_documents_equal_pydantic_json(ex: Exchange, customer: str) -> None:
    docs = exchange_docs(ex, customer)
    flows = pydantic_flows(ex, customer)
    assert [d.doc for d in docs] == [f.model_dump_json(exclude_defaults=True) for f in flows]
    assert [(d.id, d.goal, d.respondent) for d in docs] == [(f.id, f.goal, f.respondent) for f in flows]
    assert [d.to_flow() for d in docs] == flows


def test_an_exchange_with_both_sides_gives_two_documents_in_order() -> None:
    ex = Exchange(
        "x-1",
        "g",
        "future",
        "clinic",
        "economic",
        None,
        2.0,
        10.0,
        1e-7,
        3.0,
        False,
        None,
        None,
        'Tab\there, \u00e9 and "quotes"',
        "r1",
        "insurer",
        None,
    )
    gets, gives = exchange_docs(ex, "patient")
    assert gets.doc == (
        '{"id":"x-1:gets","goal":"g","scenario":"future","source":"clinic","target":"patient",'
        '"dimension":"economic","money":10.0,"occurrences":3.0,"tangible":false,'
        '"quote":"Tab\\there, \u00e9 and \\"quotes\\"","respondent":"r1","responsible":"insurer",'
        '"exchange":"x-1"}'
    )
    assert gets.doc.count('"magnitude"') == 0 and gives.doc.count('"magnitude":2.0,"money":1e-7,') == 1
