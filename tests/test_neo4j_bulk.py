"""The bulk path: a model as neo4j-admin's CSV files, and ``valuenet neo4j import`` into an empty local server."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import tiny_model
from valuenet import neo4jserver
from valuenet.cli import cli
from valuenet.formats.modelfile import write_model_file
from valuenet.store import neo4j_graph as graph
from valuenet.store.neo4j import Neo4jStore
from valuenet.store.neo4j_bulk import place_flows, write_import_files


def test_the_files_hold_the_graph_the_writer_makes(tmp_path: Path) -> None:
    model = tiny_model()
    files = write_import_files(model, tmp_path)
    assert set(files.nodes) == {"Model", "Dimension", "Actor", "Goal", "Scenario", "Respondent"}
    assert {"EXCHANGE", "FLOW", "VALUE", "HAS_ACTOR", "CARES_ABOUT"} <= set(files.relationships)
    assert (files.flows, files.exchanges) == (len(model.flows), 10)
    head = files.relationships["EXCHANGE"].read_text().splitlines()[0]
    assert head.startswith(":START_ID,:END_ID,model:string,id:string,goal:string")
    assert "gets:double" in head and "ord:long" in head
    elements, lone = place_flows((graph.flow_tuple(f) for f in model.flows), 0)
    assert sorted(lone) == ["claims"]
    assert elements["r1-care"].key == {"gets": 0, "gives": 1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.neo4j
@pytest.mark.skipif(not (shutil.which("java") and shutil.which("mvn")), reason="needs Java 17+ and Maven")
def test_bulk_import_fills_an_empty_local_server_and_refuses_one_with_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "neo4j"
    monkeypatch.setenv("NEO4J_PASSWORD", "bulk-test-password")
    bolt, http = _free_port(), _free_port()
    model = tiny_model("bulk")
    path = tmp_path / "tiny.yaml"
    write_model_file(model, path)
    args = ["neo4j", "import", str(path), "--home", str(home), "--bolt-port", str(bolt), "--http-port", str(http)]
    try:
        done = CliRunner().invoke(cli, args)
        assert done.exit_code == 0, done.output
        uri = f"bolt://127.0.0.1:{bolt}"
        with Neo4jStore(uri, password="bulk-test-password") as store:
            assert store.read_model("bulk") == model
            assert not store.write_model(model).changed  # what the writer would have made, value for value
            _, rows = store.query("MATCH (:Actor {model: 'bulk'})-[v:VALUE]->() RETURN sum(v.flows) AS n")
            assert rows == [{"n": len(model.flows)}]
            constraints = {r["name"] for r in store.query("SHOW CONSTRAINTS YIELD name")[1]}
            assert {"exchange_key", "actor_key", "lone_flow_key"} <= constraints
        refused = CliRunner().invoke(cli, args)
        assert refused.exit_code == 1
        assert "only fills an empty database" in refused.output and "valuenet push" in refused.output
        again = CliRunner().invoke(cli, [*args, "--fresh"])
        assert again.exit_code == 0, again.output
    finally:
        neo4jserver.stop(home)
