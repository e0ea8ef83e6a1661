"""Commands for Neo4j: the local server (``neo4j start|stop|status|import``), ``push``, ``pull`` and ``cypher``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from valuenet.cli import cli
from valuenet.cli._common import (
    connect,
    database_option,
    echo_data,
    format_option,
    message,
    model_option,
    reading,
    render_rows,
    store_option,
)
from valuenet.cli.models import summary_rows
from valuenet.cypher_files import (
    QueryRunner,
    bind_params,
    describe,
    library,
    literal,
    parse_param_option,
    resolve,
    run_cypher,
    unused_warning,
)
from valuenet.errors import AnalysisError
from valuenet.store import STORE_ENV, is_neo4j_url, shown_url
from valuenet.store.transfer import copy_model

LOCAL_URI = "bolt://127.0.0.1:7687"
URI_ENV = "NEO4J_URI"
PASSWORD_ENV = "NEO4J_PASSWORD"


def _home(home: str | None) -> Path | None:
    return Path(home) if home else None


home_option = click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar="VALUENET_NEO4J_HOME",
    show_envvar=True,
    help="Server folder (default: ~/.cache/valuenet/neo4j).",
)


@cli.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server for development and tests.

    The server listens on 127.0.0.1 only; user neo4j. Its password is
    $NEO4J_PASSWORD when the data folder is first created; without it, valuenet
    makes a random one, keeps it in the server folder (readable by you only) and
    'start' prints it as an export line: eval "$(valuenet neo4j start)" sets
    NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD. A kept password is used for its
    data even when $NEO4J_PASSWORD is set (for Aura, say). A password from your
    environment is never printed. Neo4j Browser: http://127.0.0.1:HTTP-PORT/browser/
    ('start' and 'status' name it when the server's jars include it).
    """


@neo4j_group.command()
@home_option
@click.option("--bolt-port", type=int, default=7687, show_default=True, help="Bolt port.")
@click.option("--http-port", type=int, default=7474, show_default=True, help="HTTP port (Neo4j Browser).")
@click.option("--fresh", is_flag=True, help="Stop the server and wipe its data first.")
@click.option("--timeout", type=float, default=120, show_default=True, help="Seconds to wait for Bolt to answer.")
def start(home: str | None, bolt_port: int, http_port: int, fresh: bool, timeout: float) -> None:
    """Start the server (resolving Neo4j from Maven Central the first time) and wait until Bolt answers.

    Prints shell lines that point valuenet (and cypher-shell) at it: eval "$(valuenet neo4j start)".
    They set NEO4J_URI and NEO4J_USERNAME, and NEO4J_PASSWORD when the password is the one valuenet
    generated for the data folder; one from $NEO4J_PASSWORD is used and never printed.
    """
    import shlex

    from valuenet import neo4jserver

    info = neo4jserver.start(_home(home), bolt_port, http_port, timeout=timeout, fresh=fresh)
    url = neo4jserver.browser_url(info)  # only when its jars include the Browser
    browser = f", Neo4j Browser at {url}" if url else ""
    message(f"Neo4j is running at {info.uri} (pid {info.pid}, home {info.home}{browser}).")
    lines = [f"export {URI_ENV}={shlex.quote(info.uri)}", f"export NEO4J_USERNAME={shlex.quote(info.username)}"]
    if info.generated:  # only the password made here, never one the caller gave
        lines.append(f"export {PASSWORD_ENV}={shlex.quote(info.password)}")
    echo_data("\n".join(lines))


@neo4j_group.command()
@home_option
def stop(home: str | None) -> None:
    """Stop the server."""
    from valuenet import neo4jserver

    stopped = neo4jserver.stop(_home(home))
    message("Neo4j stopped." if stopped else "Neo4j was not running.")


@neo4j_group.command()
@home_option
@click.pass_context
def status(ctx: click.Context, home: str | None) -> None:
    """Say whether the server is running and where; exit 1 when it is not."""
    from valuenet import neo4jserver

    info = neo4jserver.status(_home(home))
    if info is None:
        message("Neo4j is not running. Start it with 'valuenet neo4j start'.")
        ctx.exit(1)
    url = neo4jserver.browser_url(info)  # only when its jars include the Browser
    browser = f", Neo4j Browser at {url}" if url else ""
    echo_data(f"{info.uri} (pid {info.pid}, home {info.home}{browser})")


@neo4j_group.command("import")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--from-store", "from_store", metavar="FILE", help="Take the model from this embedded store instead of files."
)
@model_option
@home_option
@click.option("--bolt-port", type=int, default=7687, show_default=True, help="Bolt port, if the server must start.")
@click.option("--http-port", type=int, default=7474, show_default=True, help="HTTP port, if the server must start.")
@click.option("--fresh", is_flag=True, help="Replace everything the local database holds, every model in it.")
def bulk_import(
    files: tuple[str, ...],
    from_store: str | None,
    model_id: str | None,
    home: str | None,
    bolt_port: int,
    http_port: int,
    fresh: bool,
) -> None:
    """Bulk-load one model into the EMPTY database of the local server (neo4j-admin import).

    For the first load of a large study: the model (from model files and interview tables, validated as
    'valuenet import' does, or from an embedded store with --from-store) is written as CSV files, the local
    server (valuenet neo4j start) is stopped, 'neo4j-admin database import full' builds the database from
    them, and the server is started again with valuenet's constraints and indexes. It applies only to the
    project's local server, and only when its database holds nothing (or with --fresh, which replaces all of
    it); the server is down during the import. Into a database that holds data, or any other Neo4j (Docker,
    Aura, a cluster), use the transactional path instead: 'valuenet push' or 'valuenet import FILE --store
    bolt://...', which upsert into whatever is there.
    """
    import tempfile
    import time

    from valuenet import neo4jserver
    from valuenet.store.neo4j import Neo4jStore
    from valuenet.store.neo4j_bulk import IMPORT_OPTIONS, write_import_files

    if bool(files) == bool(from_store):
        raise click.UsageError("give model files and interview tables, or --from-store FILE (one of the two).")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="valuenet-bulk-") as tmp:
        if from_store:
            with reading(from_store) as source:
                model = source.read_model(model_id)
        else:
            from valuenet.importers import import_files
            from valuenet.store.sqlite import SQLiteStore

            with SQLiteStore(str(Path(tmp) / "import.db"), create=True) as staging:
                import_files(staging, list(files), model_id=model_id)
                model = staging.read_model(model_id)
        where = _home(home)
        info = neo4jserver.status(where) or neo4jserver.start(where, bolt_port, http_port)
        with Neo4jStore(info.uri, password=info.password) as target:
            _, rows = target.query("MATCH (n) RETURN count(n) AS n")
        held = int(rows[0]["n"]) if rows else 0
        if held and not fresh:
            raise click.ClickException(
                f"the local Neo4j at {info.uri} holds data ({held} nodes): the bulk import only fills an empty "
                "database. Add the model with 'valuenet push' or 'valuenet import FILE --store "
                f"{info.uri}' (transactional), or replace everything in the database with --fresh."
            )
        message(f"Writing model {model.id} as CSV files...")
        written = write_import_files(model, Path(tmp) / "csv")
        message(f"Stopping Neo4j at {info.uri} for the import...")
        neo4jserver.stop(where)
        neo4jserver.admin_import(where, [*IMPORT_OPTIONS, *written.arguments()])
        info = neo4jserver.start(where, bolt_port, http_port)
        with Neo4jStore(info.uri, password=info.password) as target:
            target.ensure_schema()
    seconds = time.monotonic() - started
    message(
        f"Imported model {model.id} into {info.uri}: {written.node_count} nodes, {written.relationship_count} "
        f"relationships, {written.flows} flows ({written.exchanges} exchanges) in {seconds:.1f}s."
    )


def _neo4j_uri(uri: str | None, option: str) -> str:
    """The Neo4j URI given, else $NEO4J_URI, else $VALUENET_STORE when it is a Neo4j URI, else the local server.

    A URI with credentials is refused (by :func:`is_neo4j_url`) before anything shows it.
    """
    env_store = os.environ.get(STORE_ENV) or ""
    chosen = uri or os.environ.get(URI_ENV) or (env_store if is_neo4j_url(env_store) else "") or LOCAL_URI
    if not is_neo4j_url(chosen):
        raise click.BadParameter(
            f"{shown_url(chosen)!r} is not a Neo4j URI (bolt://, neo4j://, neo4j+s://...).", param_hint=option
        )
    return chosen


@cli.command()
@model_option
@click.option("--to", "to_uri", metavar="URI", help="Neo4j to copy to. Default: $NEO4J_URI, else " + LOCAL_URI + ".")
@store_option
@database_option
@format_option
def push(model_id: str | None, to_uri: str | None, store_url: str | None, database: str | None, fmt: str) -> None:
    """Copy a model from the embedded store (--store) to Neo4j, replacing the copy there.

    Copying again changes nothing. The password comes from $NEO4J_PASSWORD or a prompt.
    """
    target = _neo4j_uri(to_uri, "--to")
    with reading(store_url) as source, connect(target, database) as dest:
        result = copy_model(source, dest, model_id)
    echo_data(render_rows(summary_rows(result.summary), fmt))
    message(f"Pushed model {result.model_id} from {result.source} to {result.destination}.")


@cli.command()
@model_option
@click.option(
    "--from", "from_uri", metavar="URI", help="Neo4j to copy from. Default: $NEO4J_URI, else " + LOCAL_URI + "."
)
@store_option
@database_option
@format_option
def pull(model_id: str | None, from_uri: str | None, store_url: str | None, database: str | None, fmt: str) -> None:
    """Copy a model from Neo4j into the embedded store (--store), replacing the copy there."""
    origin = _neo4j_uri(from_uri, "--from")
    if store_url and is_neo4j_url(store_url):
        raise click.BadParameter("pull copies into the embedded store; give an SQLite file.", param_hint="--store")
    with connect(origin, database) as source, connect(store_url, create=True) as dest:
        result = copy_model(source, dest, model_id)
    echo_data(render_rows(summary_rows(result.summary), fmt))
    message(f"Pulled model {result.model_id} from {result.source} into {result.destination}.")


def _params(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, Any]:
    try:
        return dict(parse_param_option(v) for v in values)
    except AnalysisError as exc:
        raise click.BadParameter(str(exc)) from exc


@cli.command("cypher")
@click.argument("file_or_query", required=False)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_params,
    help="A query parameter; repeat for more. Typed: null, true/false, numbers, JSON lists and maps; "
    "anything else is text.",
)
@click.option("--list", "show_list", is_flag=True, help="List the library's questions and their parameters.")
@click.option(
    "--params-map",
    "params_map",
    is_flag=True,
    help="Print, instead of running it, the one map of every parameter (--param values over the file's "
    'defaults) for cypher-shell -P "$(...)" or Browser\'s :params; needs no Neo4j.',
)
@click.option(
    "--store",
    "store_url",
    metavar="URI",
    help="Neo4j to query. Default: $NEO4J_URI, else $VALUENET_STORE if it is Neo4j, else " + LOCAL_URI + ".",
)
@database_option
@format_option
def cypher(
    file_or_query: str | None,
    params: dict[str, Any],
    show_list: bool,
    params_map: bool,
    store_url: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Run a file of the cypher/ library (by name or path), a .cypher file, or a query.

    --param values always win; a file's defaults (its "// Defaults: {...}" line, or
    :param lines) fill the parameters not given. A parameter the query uses that has
    no value is an error, before anything is sent; a --param the query never uses
    (a misspelling?) gets a warning. Examples:
    valuenet cypher respondents-past-threshold --param segment=retirees;
    valuenet cypher "MATCH (f:Flow {model: $model}) RETURN count(f)" --param model=health.

    For cypher-shell, --params-map prints the complete map to give it, so no default can
    overwrite your value: cypher-shell -P "$(valuenet cypher respondents-past-threshold
    --param segment=retirees --params-map)" -f cypher/respondents-past-threshold.cypher.
    """
    if show_list:
        echo_data(render_rows(describe(library()), fmt))
        return
    if not file_or_query:
        raise click.UsageError("give a library file name, a .cypher file or a query (or --list).")
    source = resolve(file_or_query)
    values, unused = bind_params(source, params)  # before connecting: a missing value fails here, without a prompt
    if unused:
        message(f"Warning: {unused_warning(source, unused)}")
    if params_map:  # the file's defaults with the given values over them, as one Cypher map
        echo_data(literal(values))
        return
    with connect(_neo4j_uri(store_url, "--store"), database) as store:
        if not isinstance(store, QueryRunner):  # _neo4j_uri only lets Neo4j URIs through
            raise click.UsageError(f"{shown_url(store.url)} is not a Neo4j store; Cypher runs on Neo4j.")
        result = run_cypher(store, source, params)
    echo_data(render_rows(result.rows, fmt, columns=result.columns))
