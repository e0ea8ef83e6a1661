"""Commands for Neo4j: the local server, push, pull and cypher."""

from __future__ import annotations
