"""Shared fixtures: small models, the stores the contract suite runs against, and the one Neo4j server.

Every test that needs Neo4j gets it from the session fixture :func:`neo4j_server`,
a real server: the one named by ``NEO4J_URI`` (with ``NEO4J_USERNAME`` /
``NEO4J_PASSWORD``; ``tools/test`` starts the project's own and sets them), else
the project's local server when one is running (``valuenet neo4j start``; its
password is ``NEO4J_PASSWORD`` or the one it generated and keeps in its home), else
one this session starts in a temporary folder on free ports and stops at the end
(that needs Java and Maven). When none can be had the tests skip, except under
``CI=true``, where a missing server is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from valuenet.errors import ValuenetError
from valuenet.models import Actor, Exchange, Flow, Goal, Model, Respondent, Scenario, exchange_flows
from valuenet.store.base import ExchangeRow, Store, exchange_row
from valuenet.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"


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


def tiny_store_file(tmp_path: Path) -> Path:
    """An SQLite store file in ``tmp_path`` holding :func:`tiny_model`, for the bad-file corpora."""
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.write_model(tiny_model())
    return path


def corpus_copy(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``corpus`` copied to a folder that becomes the current directory, so messages name bare files."""
    folder = tmp_path / "work"
    shutil.copytree(corpus, folder)
    monkeypatch.chdir(folder)
    return folder


@dataclass(frozen=True)
class Neo4jServer:
    """How the tests reach Neo4j; ``own`` when it is the project's server, whose version is pinned."""

    uri: str
    username: str
    password: str = field(repr=False)
    own: bool


def _unavailable(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing Neo4j is a failure, not a skip)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """The one Neo4j server of the test session: given, found running, or started here (see the module)."""
    from valuenet import neo4jserver

    given = os.environ.get("NEO4J_PASSWORD") or None
    running = neo4jserver.status()
    if uri := os.environ.get("NEO4J_URI"):
        own = running is not None and running.uri == uri
        # The project's server knows its own password (kept in its home when generated, else the given one).
        password = running.password if running is not None and own else given or neo4jserver.DEFAULT_PASSWORD
        yield Neo4jServer(uri, os.environ.get("NEO4J_USERNAME") or "neo4j", password, own)
        return
    if running is not None:
        yield Neo4jServer(running.uri, running.username, running.password, own=True)
        return
    if shutil.which("java") is None or shutil.which("mvn") is None:
        _unavailable("no Neo4j server: set NEO4J_URI, run 'valuenet neo4j start', or install Java 17 and Maven")
    home = tmp_path_factory.mktemp("neo4j")
    try:
        info = neo4jserver.start(home, _free_port(), _free_port(), password=given, timeout=180)
    except (ValuenetError, OSError) as exc:
        _unavailable(f"could not start the project's Neo4j server: {exc}")
    try:
        yield Neo4jServer(info.uri, info.username, info.password, own=True)
    finally:
        neo4jserver.stop(home)


def require_neo4j(server: Neo4jServer, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, str]:
    """Point the environment at the test server (user and password as valuenet reads them); its URI, user, password."""
    monkeypatch.setenv("NEO4J_USERNAME", server.username)
    monkeypatch.setenv("NEO4J_PASSWORD", server.password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return server.uri, server.username, server.password


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """Each contract test runs once on the embedded store and once on a real Neo4j."""
    if request.param == "sqlite":
        with SQLiteStore(tmp_path / "contract.db") as s:
            yield s
        return
    uri, _, password = require_neo4j(request.getfixturevalue("neo4j_server"), monkeypatch)
    from valuenet.store.neo4j import Neo4jStore

    neo = Neo4jStore(uri, password=password)
    before = {info.id for info in neo.list_models()}
    try:
        yield neo
    finally:  # remove only what this test wrote: the server may hold someone's data
        for info in neo.list_models():
            if info.id not in before:
                neo.delete_model(info.id)
        neo.close()


@pytest.fixture
def model_id() -> str:
    """A model id no other test uses, so tests can share one Neo4j server."""
    return f"test-{uuid.uuid4().hex[:10]}"


def rows_of(model: Model | list[Flow]) -> list[ExchangeRow]:
    """Exchange rows for the flows (of a model) that are sides of an exchange, as an interview table gives them."""
    out: dict[str, dict[str, Any]] = {}
    for f in model.flows if isinstance(model, Model) else model:
        if f.exchange is None:
            continue
        side = f.id.rsplit(":", 1)[1]
        actor, customer = (f.source, f.target) if side == "gets" else (f.target, f.source)
        row = out.setdefault(
            f.exchange,
            {
                "id": f.exchange,
                "goal": f.goal,
                "scenario": f.scenario,
                "actor": actor,
                "dimension": f.dimension,
                "occurrences": f.occurrences,
                "tangible": f.tangible,
                "touchpoint": f.touchpoint,
                "stage": f.stage,
                "quote": f.quote,
                "respondent": f.respondent,
                "responsible": f.responsible,
                "note": f.note,
                "customer": customer,
            },
        )
        row[side], row[f"{side}_money"] = f.magnitude, f.money
    return [
        exchange_row(Exchange(**{k: v for k, v in r.items() if k != "customer"}), r["customer"]) for r in out.values()
    ]
