"""Options and output helpers shared by the commands.

Data goes to stdout (or to the file ``-o`` names) as ``table``, ``json``, ``jsonl`` or
``csv``; messages go to stderr. The cells follow :mod:`valuenet.formats.tables`: numbers in fixed
notation (two decimals in a table, up to 12 significant digits in CSV), numpy scalars as the
Python numbers they hold, lists and maps as readable
``a; b`` and ``key=value`` text, and CSV text cells through
:func:`~valuenet.formats.cells.sheet_cell`, so no spreadsheet runs one as a formula.
``--excel`` (added by :func:`format_option`) makes CSV output start with the UTF-8
byte-order mark and end lines with CRLF, for Excel.
"""

from __future__ import annotations

import io
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from valuenet.files import atomic_write
from valuenet.formats.tables import BOM, plain, table_cell, write_csv
from valuenet.store import STORE_ENV, Store, default_store_url, is_neo4j_url, open_store

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "jsonl", "csv")
FORMAT_HELP = (
    "Output format: table (for reading), json (one JSON document), jsonl (one JSON object per line) "
    "or csv (numbers to 12 significant digits, never in scientific notation; lists as 'a; b')."
)
EXCEL_HELP = (
    "With --format csv: start the output with the UTF-8 byte-order mark and end lines with CRLF, "
    "so Excel reads accented names right."
)
_EXCEL = "valuenet.excel"
_FORMAT = "valuenet.format"


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


def _check_excel(ctx: click.Context) -> None:
    """Refuse ``--excel`` with a format other than CSV, once both options are known."""
    fmt, excel = ctx.meta.get(_FORMAT), ctx.meta.get(_EXCEL)
    if excel and fmt is not None and fmt != "csv":
        raise click.UsageError(f"--excel applies to --format csv, not --format {fmt}.", ctx)


def _remember_format(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.meta[_FORMAT] = value
    _check_excel(ctx)
    return value


def _remember_excel(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta[_EXCEL] = value
    _check_excel(ctx)
    return value


def excel_option(f: F) -> F:
    """``--excel``: the command's CSV output, on stdout or in files, is written for Excel (see :func:`excel`)."""
    return click.option("--excel", is_flag=True, expose_value=False, callback=_remember_excel, help=EXCEL_HELP)(f)


def choice_format_option(formats: Sequence[str], help_text: str = FORMAT_HELP) -> Callable[[F], F]:
    """``--format`` (as ``fmt``) among ``formats``, default ``table``, and ``--excel``."""

    def decorate(f: F) -> F:
        f = excel_option(f)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="table",
            show_default=True,
            callback=_remember_format,
            help=help_text,
        )(f)

    return decorate


def format_option(f: F) -> F:
    """``--format table|json|jsonl|csv`` (as ``fmt``) and ``--excel``."""
    return choice_format_option(FORMATS)(f)


def excel() -> bool:
    """Whether the running command was given ``--excel``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_EXCEL))


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


def json_safe(value: Any) -> Any:
    """A value JSON can hold: NaN and infinity (which ``json.dumps`` would write as invalid JSON) become null.

    A numpy scalar is the Python value it holds, so ``numpy.int64(5)`` is the number 5, not the text ``"5"``.
    """
    value = plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    return value


def json_line(row: Mapping[str, Any]) -> str:
    """One JSON Lines record: a JSON object on one line, UTF-8 text as it is."""
    return json.dumps(json_safe(row), ensure_ascii=False, default=str)


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, for_excel: bool | None = None) -> str:
    """Rows as CSV text (:func:`valuenet.formats.tables.write_csv`); for Excel when ``--excel`` was given."""
    buf = io.StringIO()
    write_csv(buf, columns, rows, excel=excel() if for_excel is None else for_excel)
    return buf.getvalue()


def render_rows(
    rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str] | None = None, title: str | None = None
) -> str:
    """Rows (mappings with the same keys) as a table, JSON array, JSON Lines or CSV text.

    CSV text for Excel (``--excel``) keeps its final CRLF; the others have no final line break
    (:func:`echo_data` adds one).
    """
    cols = list(columns) if columns is not None else (list(rows[0].keys()) if rows else [])
    if fmt == "json":
        return json.dumps(
            [json_safe({c: r.get(c) for c in cols}) for r in rows], ensure_ascii=False, indent=2, default=str
        )
    if fmt == "jsonl":
        return "\n".join(json_line({c: r.get(c) for c in cols}) for r in rows)
    if fmt == "csv":
        text = csv_text(rows, cols)
        return text if text.startswith(BOM) else text.rstrip("\n")
    table = [[table_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(t[i]) for t in table]) for i, c in enumerate(cols)]
    lines = [f"{title}:"] if title else []
    lines.append("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=False)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(t, widths, strict=False)).rstrip() for t in table]
    if not rows:
        lines.append("(none)")
    return "\n".join(lines)


def _whole(text: str) -> str:
    """Text as it goes out: CSV for Excel ends in its own CRLF, anything else gets a final line break."""
    if text.startswith(BOM) or not text:
        return text
    return text + "\n"


def echo_data(text: str) -> None:
    """Write data to stdout; CSV for Excel goes out as UTF-8 bytes, byte-order mark and CRLF kept as they are."""
    out = _whole(text)
    if out.startswith(BOM):
        sys.stdout.flush()
        sys.stdout.buffer.write(out.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    click.echo(out, nl=False)


def write_data(path: str | Path, text: str) -> Path:
    """Write data to the file ``-o`` names, whole or not at all, exactly as :func:`echo_data` would print it."""
    with atomic_write(path, newline="") as fh:
        fh.write(_whole(text))
    return Path(path)


def emit(text: str, output: str | None) -> None:
    """Data to ``output`` when it is given (saying so on stderr), else to stdout."""
    if output is None:
        echo_data(text)
        return
    message(f"Wrote {write_data(output, text)}.")


def output_option(
    help_text: str = "Write the output to PATH (whole or not at all) instead of stdout.",
) -> Callable[[F], F]:
    """``-o/--output PATH`` (as ``output``)."""

    def decorate(f: F) -> F:
        return click.option("-o", "--output", "output", type=click.Path(dir_okay=True), metavar="PATH", help=help_text)(
            f
        )

    return decorate


def message(text: str) -> None:
    click.echo(text, err=True)


def join(items: Iterable[str]) -> str:
    return ", ".join(items)
