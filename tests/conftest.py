"""Shared fixtures: small models, and the stores the contract suite runs against.

The Neo4j store runs against a real server: the one named by ``NEO4J_URI``
(with ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``), else the project's own server on
bolt://127.0.0.1:7687 that ``tools/neo4j start`` or ``.ci/run`` starts. Without a
server those tests skip, except under ``CI=true``, where a missing server fails.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from valuenet.models import Actor, Flow, Goal, Model, Respondent, Scenario, exchange_flows
from valuenet.store.base import Store
from valuenet.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"
DEV_PASSWORD = "valuenet-dev-password"


def tiny_model(model_id: str = "tiny") -> Model:
    """A small but complete model: a clinic, an insurer, a peer, two respondents, two scenarios."""
    actors = [
        Actor(id="patient", name="Patient", kind="customer"),
        Actor(id="clinic", name="Clinic", kind="focal_firm", segment_size=1, fixed_expenses=1000.0),
        Actor(id="insurer", name="Insurer", kind="institution"),
        Actor(id="family", name="Family", kind="peer"),
    ]
    goals = [
        Goal(
            id="healthy",
            title="Become healthy",
            customer="patient",
            scenarios=[Scenario(id="current"), Scenario(id="future", based_on="current")],
        )
    ]
    respondents = [
        Respondent(
            id="r1",
            segment="young",
            weights={"functional": 0.5, "experiential": 0.3, "economic": 0.2},
            thresholds={"experiential": 2},
            nps=9,
        ),
        Respondent(
            id="r2",
            segment="old",
            weights={"functional": 0.2, "experiential": 0.6, "economic": 0.2},
            thresholds={"experiential": 1, "economic": 3},
            nps=4,
            churned=True,
        ),
    ]
    flows: list[Flow] = []
    for r, care, wait in (("r1", 4, 1), ("r2", 3, 3)):
        flows += exchange_flows(
            f"{r}-care",
            goal="healthy",
            customer="patient",
            actor="clinic",
            dimension="functional",
            gets=care,
            gives=0,
            respondent=r,
            touchpoint="treatment",
            quote="The knee works again.",
        )
        flows += exchange_flows(
            f"{r}-wait",
            goal="healthy",
            customer="patient",
            actor="clinic",
            dimension="experiential",
            gets=None,
            gives=wait,
            respondent=r,
            touchpoint="waiting-room",
            quote="An hour in the waiting room.",
        )
        flows += exchange_flows(
            f"{r}-claim",
            goal="healthy",
            customer="patient",
            actor="insurer",
            dimension="experiential",
            gets=1,
            gives=2,
            respondent=r,
            touchpoint="claim",
            responsible="clinic",
        )
        flows += exchange_flows(
            f"{r}-fam",
            goal="healthy",
            customer="patient",
            actor="family",
            dimension="symbolic",
            gets=3,
            gives=1,
            respondent=r,
        )
        flows += exchange_flows(
            f"{r}-fut",
            goal="healthy",
            scenario="future",
            customer="patient",
            actor="clinic",
            dimension="experiential",
            gets=1,
            gives=1,
            respondent=r,
            touchpoint="online-booking",
        )
    flows.append(
        Flow(
            id="claims",
            goal="healthy",
            source="clinic",
            target="insurer",
            dimension="economic",
            money=65.0,
            occurrences=8,
            tangible=True,
        )
    )
    return Model(
        id=model_id,
        title="Tiny clinic",
        currency="EUR",
        actors=actors,
        goals=goals,
        respondents=respondents,
        flows=flows,
    )


@pytest.fixture
def model() -> Model:
    return tiny_model()


def _neo4j_target() -> tuple[str, str, str]:
    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    user = os.environ.get("NEO4J_USERNAME", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD", DEV_PASSWORD)
    return uri, user, password


def _port_open(uri: str) -> bool:
    hostport = uri.split("://", 1)[-1].split("/", 1)[0]
    host, _, port = hostport.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 7687)), timeout=2):
            return True
    except OSError:
        return False


def require_neo4j() -> tuple[str, str, str]:
    """The Neo4j to test against; skip (or fail under CI=true) when none answers."""
    uri, user, password = _neo4j_target()
    if not _port_open(uri):
        reason = (
            f"no Neo4j server answers at {uri}; start one with 'tools/neo4j start' "
            "or set NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD"
        )
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return uri, user, password


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """Each contract test runs once on the embedded store and once on a real Neo4j."""
    if request.param == "sqlite":
        with SQLiteStore(tmp_path / "contract.db") as s:
            yield s
        return
    uri, user, password = require_neo4j()
    monkeypatch.setenv("NEO4J_USERNAME", user)
    from valuenet.store.neo4j import Neo4jStore

    s = Neo4jStore(uri, password=password)
    before = {info.id for info in s.list_models()}
    try:
        yield s
    finally:  # remove only what this test wrote: the server may hold someone's data
        for info in s.list_models():
            if info.id not in before:
                s.delete_model(info.id)
        s.close()


@pytest.fixture
def model_id() -> str:
    """A model id no other test uses, so tests can share one Neo4j server."""
    return f"test-{uuid.uuid4().hex[:10]}"
