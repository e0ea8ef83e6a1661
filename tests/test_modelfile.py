"""Model files: good files load, bad ones name the file, the item and the fix; file -> model -> file is the identity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import tiny_model
from valuenet.errors import ModelFileError
from valuenet.formats.modelfile import model_to_dict, parse_model, read_model_file, write_model_file
from valuenet.models import Actor, Flow, Goal, Model, Respondent, Scenario


def test_exchange_shorthand_becomes_two_flows_with_stable_ids() -> None:
    data = {
        "id": "m",
        "actors": [
            {"id": "me", "name": "Me", "kind": "customer"},
            {"id": "clinic", "name": "Clinic", "kind": "focal_firm"},
        ],
        "goals": [{"id": "g", "title": "Get well"}],
        "respondents": [{"id": "r1"}],
        "exchanges": [
            {
                "respondent": "r1",
                "goal": "g",
                "actor": "clinic",
                "dimension": "experiential",
                "gets": 4,
                "gives": 2,
                "quote": "Friendly, but slow.",
            }
        ],
    }
    first, second = parse_model(data).flows, parse_model(data).flows
    assert [(f.source, f.target, f.magnitude, f.quote) for f in first] == [
        ("clinic", "me", 4, "Friendly, but slow."),
        ("me", "clinic", 2, "Friendly, but slow."),
    ]
    assert [f.id for f in first] == [f.id for f in second]
    assert first[0].id.endswith(":gets") and first[0].exchange == first[1].exchange


def test_exchange_without_a_customer_is_reported() -> None:
    data = {
        "id": "m",
        "actors": [
            {"id": "a", "name": "A", "kind": "customer"},
            {"id": "b", "name": "B", "kind": "customer"},
            {"id": "f", "name": "F", "kind": "focal_firm"},
        ],
        "goals": [{"id": "g", "title": "G"}],
        "exchanges": [{"goal": "g", "actor": "f", "dimension": "economic", "gets": 1}],
    }
    with pytest.raises(ModelFileError) as info:
        parse_model(data, "m.yaml")
    assert str(info.value) == (
        "m.yaml exchanges[0]: does not say which customer actor it belongs to. "
        "Add customer: ACTOR_ID, or set customer on the goal."
    )


def test_type_errors_name_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("valuenet: 1\nid: m\nactors:\n  - {id: a, name: A, kind: customer, segment_size: lots}\n")
    with pytest.raises(ModelFileError) as info:
        read_model_file(path)
    assert str(info.value).startswith(
        "m.yaml actors[0].segment_size: Input should be a valid integer, "
        "unable to parse string as an integer (got 'lots'). Fix the value."
    )


def test_unknown_key_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"valuenet": 1, "id": "m", "actrs": []}))
    with pytest.raises(ModelFileError, match=r"m.json actrs: Extra inputs are not permitted.*Remove the key"):
        read_model_file(path)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("valuenet: 1\nid: [unclosed\n")
    with pytest.raises(ModelFileError, match=r"^m.yaml line 3, column 1: invalid YAML"):
        read_model_file(path)


def test_unsupported_version(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("valuenet: 2\nid: m\n")
    with pytest.raises(ModelFileError, match="format version 2 is not supported"):
        read_model_file(path)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_tiny_model_round_trips_through_files(tmp_path: Path, suffix: str) -> None:
    model = tiny_model()
    path = tmp_path / f"m{suffix}"
    write_model_file(model, path)
    assert read_model_file(path) == model


# -- property: model -> file -> model is the identity ---------------------------------------------------------------
_ids = st.text(st.characters(whitelist_categories=("Ll", "Nd")), min_size=1, max_size=8)
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).map(str.strip).filter(bool)
_dims = st.sampled_from(["functional", "economic", "experiential", "symbolic"])


@st.composite
def models(draw: st.DrawFn) -> Model:
    names = draw(st.lists(_ids, min_size=2, max_size=6, unique=True))
    kinds = [
        "customer",
        "focal_firm",
        *draw(
            st.lists(
                st.sampled_from(["provider", "peer", "institution"]), min_size=len(names) - 2, max_size=len(names) - 2
            )
        ),
    ]
    actors = [
        Actor(id=n, name=draw(_text), kind=k, segment_size=draw(st.none() | st.integers(1, 10**6)))
        for n, k in zip(names, kinds, strict=False)
    ]
    respondents = [
        Respondent(
            id=f"r{i}",
            segment=draw(st.none() | _text),
            weights=draw(st.dictionaries(_dims, st.floats(0.01, 10), max_size=4)),
            thresholds=draw(st.dictionaries(_dims, st.floats(0, 5), max_size=4)),
            nps=draw(st.none() | st.integers(0, 10)),
            churned=draw(st.none() | st.booleans()),
            comparisons=draw(st.lists(_text, max_size=2)),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    flows = []
    for i in range(draw(st.integers(0, 8))):
        src, dst = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        flows.append(
            Flow(
                id=f"f{i}",
                goal="g",
                scenario=draw(st.sampled_from(["current", "future"])),
                source=src,
                target=dst,
                dimension=draw(_dims),
                magnitude=draw(st.floats(0, 5)),
                money=draw(st.none() | st.floats(-1e6, 1e6)),
                quote=draw(st.none() | _text),
                respondent=draw(st.none() | st.sampled_from([r.id for r in respondents] or [None])),
            )
        )
    goal = Goal(id="g", title=draw(_text), scenarios=[Scenario(id="current"), Scenario(id="future")])
    return Model(
        id=draw(_ids), title=draw(st.none() | _text), actors=actors, goals=[goal], respondents=respondents, flows=flows
    )


@settings(max_examples=60, deadline=None)
@given(model=models())
def test_model_file_model_is_identity(model: Model) -> None:
    model.check()
    assert parse_model(json.loads(json.dumps(model_to_dict(model)))) == model
    import yaml

    assert parse_model(yaml.safe_load(yaml.safe_dump(model_to_dict(model), allow_unicode=True))) == model
