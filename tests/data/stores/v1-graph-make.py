"""Make ``v1-graph.cypher``: a Neo4j graph as valuenet 0.1 (graph version 1) wrote it, as a replayable script.

Needs a valuenet 0.1 checkout (graph version 1: ``Flow`` nodes) and a Neo4j to write into; the models it
writes are named ``v1-tiny``, ``v1-health`` and ``v1-broadband`` so that they sit beside anything else::

    git worktree add /tmp/vn-v1 <a 0.1 commit>
    NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... \\
        PYTHONPATH=/tmp/vn-v1 python tests/data/stores/v1-graph-make.py > tests/data/stores/v1-graph.cypher

It writes ``tests.conftest.tiny_model()`` and the bundled examples with that checkout's ``Neo4jStore``,
then prints every node and relationship of those models, with all their properties, as Cypher: the v1
schema, the nodes (``UNWIND`` of literal maps), the relationships between them (found through a
temporary ``_dump`` key), and the removal of that key. Replaying the script (``valuenet cypher`` or
``cypher-shell -f``) into a database without those models recreates the v1 graph exactly.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

MODELS = {"v1-tiny": None, "v1-health": "health", "v1-broadband": "broadband"}
CHUNK = 200


def literal(value: Any) -> str:
    """A Cypher literal for a property value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        assert math.isfinite(value)
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{k}`: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def main() -> None:
    from tests.conftest import tiny_model
    from valuenet.formats.modelfile import read_model_file
    from valuenet.models import Model
    from valuenet.resources import example_model
    from valuenet.store import neo4j_graph
    from valuenet.store.neo4j import Neo4jStore

    assert neo4j_graph.SCHEMA_VERSION == 1, "run this with a valuenet 0.1 checkout on PYTHONPATH"
    with Neo4jStore(os.environ["NEO4J_URI"]) as store:
        for model_id, example in MODELS.items():
            store.delete_model(model_id)
            model = tiny_model(model_id) if example is None else read_model_file(example_model(example))
            store.write_model(Model.model_validate({**model.model_dump(), "id": model_id}))
        ids = list(MODELS)
        nodes = store.connection.read(
            "MATCH (n) WHERE n.model IN $ids OR (n:Model AND n.id IN $ids) "
            "RETURN elementId(n) AS key, labels(n) AS labels, properties(n) AS props ORDER BY key",
            ids=ids,
        )
        rels = store.connection.read(
            "MATCH (a)-[r]->(b) WHERE (a.model IN $ids OR (a:Model AND a.id IN $ids)) "
            "RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS type, properties(r) AS props "
            "ORDER BY a, b, type",
            ids=ids,
        )
    from valuenet.cypher_files import schema_statements

    keys = {n["key"]: i for i, n in enumerate(nodes)}
    out = sys.stdout
    out.write("// A Neo4j graph as valuenet 0.1 wrote it (graph version 1): models v1-tiny, v1-health, v1-broadband.\n")
    out.write("// Made by tests/data/stores/v1-graph-make.py; replay it into a database without those models.\n")
    for statement in schema_statements():
        out.write(statement.strip() + ";\n")
    out.write("CREATE INDEX v1_dump IF NOT EXISTS FOR (n:V1Dump) ON (n._dump);\nCALL db.awaitIndexes(300);\n")
    by_labels: dict[str, list[str]] = {}
    for n in nodes:
        label = ":".join(f"`{x}`" for x in sorted(n["labels"]))
        by_labels.setdefault(label, []).append(literal({"k": keys[n["key"]], "p": n["props"]}))
    for label, rows in by_labels.items():
        for start in range(0, len(rows), CHUNK):
            out.write(
                f"UNWIND [{', '.join(rows[start : start + CHUNK])}] AS row\n"
                f"CREATE (n:{label}:V1Dump) SET n = row.p, n._dump = row.k;\n"
            )
    by_type: dict[str, list[str]] = {}
    for r in rels:
        by_type.setdefault(r["type"], []).append(literal({"a": keys[r["a"]], "b": keys[r["b"]], "p": r["props"]}))
    for rtype, rows in by_type.items():
        for start in range(0, len(rows), CHUNK):
            out.write(
                f"UNWIND [{', '.join(rows[start : start + CHUNK])}] AS row\n"
                "MATCH (a:V1Dump {_dump: row.a}) MATCH (b:V1Dump {_dump: row.b})\n"
                f"CREATE (a)-[r:`{rtype}`]->(b) SET r = row.p;\n"
            )
    out.write("MATCH (n:V1Dump) REMOVE n._dump, n:V1Dump;\nDROP INDEX v1_dump IF EXISTS;\n")
    json.dump({"nodes": len(nodes), "relationships": len(rels)}, sys.stderr)
    sys.stderr.write("\n")


if __name__ == "__main__":
    main()
