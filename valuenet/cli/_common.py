"""Options and output helpers shared by the commands.

Data goes to stdout as ``table``, ``json`` or ``csv``; messages go to stderr.
CSV text cells go through :func:`~valuenet.formats.cells.sheet_cell`, so no spreadsheet runs one
as a formula.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from valuenet.formats.cells import SheetWriter
from valuenet.store import STORE_ENV, Store, default_store_url, is_neo4j_url, open_store

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "csv")


def store_option(f: F) -> F:
    return click.option(
        "--store",
        "store_url",
        metavar="URL",
        envvar=STORE_ENV,
        show_envvar=True,
        help="SQLite file or Neo4j URI (neo4j://, neo4j+s://, bolt://). Default: ./valuenet.db.",
    )(f)


def database_option(f: F) -> F:
    return click.option(
        "--database",
        metavar="NAME",
        envvar="NEO4J_DATABASE",
        show_envvar=True,
        help="Neo4j database (default: the server's default database).",
    )(f)


def model_option(f: F) -> F:
    return click.option("--model", "model_id", metavar="ID", help="Model to use when the store holds several.")(f)


def format_option(f: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
    )(f)


def connect(store_url: str | None, database: str | None = None, *, create: bool = False) -> Store:
    """Open a store for a command, asking for the Neo4j password when it is not in the environment.

    A write that waits for another process writing to the same store says so on stderr.
    """
    url = store_url or default_store_url()
    password = None
    if is_neo4j_url(url) and not os.environ.get("NEO4J_PASSWORD"):
        password = click.prompt(f"Neo4j password for {url}", hide_input=True, err=True)
    return open_store(url, create=create, database=database, password=password, on_wait=message)


@contextmanager
def reading(store_url: str | None, database: str | None = None) -> Iterator[Store]:
    """Open a store for a command that only reads: all its reads see one committed state."""
    with connect(store_url, database) as store, store.snapshot():
        yield store


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def render_rows(
    rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str] | None = None, title: str | None = None
) -> str:
    """Rows (mappings with the same keys) as a table, JSON array or CSV text."""
    cols = list(columns) if columns is not None else (list(rows[0].keys()) if rows else [])
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in cols} for r in rows], ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        writer = SheetWriter(buf, lineterminator="\n")
        writer.writerow(cols)
        for r in rows:
            writer.writerow(
                [
                    json.dumps(r.get(c), ensure_ascii=False) if isinstance(r.get(c), (list, dict)) else r.get(c)
                    for c in cols
                ]
            )
        return buf.getvalue().rstrip("\n")
    table = [[_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(t[i]) for t in table]) for i, c in enumerate(cols)]
    lines = [f"{title}:"] if title else []
    lines.append("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=False)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(t, widths, strict=False)).rstrip() for t in table]
    if not rows:
        lines.append("(none)")
    return "\n".join(lines)


def echo_data(text: str) -> None:
    click.echo(text)


def message(text: str) -> None:
    click.echo(text, err=True)


def join(items: Iterable[str]) -> str:
    return ", ".join(items)
