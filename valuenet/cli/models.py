"""Commands that manage models: init, validate, import, export, list, stats."""

from __future__ import annotations

import json
from pathlib import Path

import click

from valuenet.cli import cli
from valuenet.cli._common import (
    connect, database_option, echo_data, format_option, message, model_option, render_rows, store_option,
)
from valuenet.importers import import_files, read_models
from valuenet.importers.modelfile import model_to_json, model_to_yaml
from valuenet.store import WriteSummary, default_store_url, is_neo4j_url
from valuenet.summary import list_items, model_stats


def summary_rows(summary: WriteSummary) -> list[dict[str, object]]:
    return [{"items": kind, **vars(c)} for kind, c in summary.counts.items()]


@cli.command()
@store_option
@database_option
def init(store_url: str | None, database: str | None) -> None:
    """Create an empty store (a no-op when it exists)."""
    with connect(store_url, database, create=True) as store:
        message(f"Store ready at {store.url} ({len(store.list_models())} models).")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check model files and report every problem; writes nothing."""
    models = read_models(files)
    for path, model in models:
        message(f"{path}: OK ({len(model.actors)} actors, {len(model.respondents)} respondents, "
                f"{len(model.flows)} flows).")


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Make the stored model exactly the file: remove what it lacks.")
@store_option
@database_option
@format_option
def import_(files: tuple[str, ...], replace: bool, store_url: str | None, database: str | None, fmt: str) -> None:
    """Import model files into the store; importing the same file again changes nothing."""
    with connect(store_url, database, create=True) as store:
        result = import_files(store, files, replace=replace)
        echo_data(render_rows(summary_rows(result.summary), fmt))
        message(f"Imported {', '.join(result.models)} into {store.url}.")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE, not stdout.")
@model_option
@store_option
@database_option
def export(fmt: str, output: str | None, model_id: str | None, store_url: str | None, database: str | None) -> None:
    """Export a model as a model file that imports back exactly."""
    with connect(store_url, database) as store:
        model = store.read_model(model_id)
    text = model_to_json(model) if fmt == "json" else model_to_yaml(model)
    if output:
        tmp = Path(output + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
        message(f"Wrote {model.id} to {output}.")
    else:
        click.echo(text, nl=False)


@cli.command("list")
@click.argument("what", type=click.Choice(["models", "goals", "respondents", "actors"]))
@model_option
@store_option
@database_option
@format_option
def list_(what: str, model_id: str | None, store_url: str | None, database: str | None, fmt: str) -> None:
    """List the models, goals, respondents or actors in the store."""
    with connect(store_url, database) as store:
        if what == "models":
            rows = [vars(m) for m in store.list_models()]
        else:
            rows = list_items(store.read_model(model_id), what)
    echo_data(render_rows(rows, fmt))


@cli.command()
@model_option
@store_option
@database_option
@format_option
def stats(model_id: str | None, store_url: str | None, database: str | None, fmt: str) -> None:
    """Count respondents, actors and flows per goal and scenario, and flows per dimension."""
    with connect(store_url, database) as store:
        ids = [model_id] if model_id else [m.id for m in store.list_models()]
        rows = [row for mid in ids for row in model_stats(store.read_model(mid))]
    echo_data(render_rows(rows, fmt))


def describe_store(url: str | None) -> str:
    url = url or default_store_url()
    return f"Neo4j at {url}" if is_neo4j_url(url) else f"SQLite file {url}"


__all__ = ["summary_rows", "describe_store", "json"]
