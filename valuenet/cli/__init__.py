"""The ``valuenet`` command: a thin view over the library.

Each command parses its options, makes one library call and renders the
result. Library errors become one-line messages here and only here; exit codes
are 0 on success, 1 on an error, 2 on a usage error. ``--traceback`` shows the
real stack instead.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from valuenet import __version__
from valuenet.errors import ValuenetError

#: Modules that add commands to the group, one module per command family.
COMMAND_MODULES = (
    "valuenet.cli.models",
    "valuenet.cli.export",
    "valuenet.cli.interviews",
    "valuenet.cli.analyze",
    "valuenet.cli.views",
    "valuenet.cli.neo4j",
    "valuenet.cli.demo",
    "valuenet.cli.upgrade",
)


class _Group(click.Group):
    """Turns library errors into messages, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValuenetError as exc:
            if ctx.meta.get("valuenet.traceback"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            if ctx.meta.get("valuenet.traceback"):
                raise
            click.echo("Interrupted.", err=True)
            ctx.exit(130)


def _traceback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta["valuenet.traceback"] = value


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="valuenet")
@click.option(
    "--traceback",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_traceback,
    help="Show the full Python traceback when a command fails.",
)
def cli() -> None:
    """Model customer value networks: where the firm adds value, where it destroys it.

    Stores default to ./valuenet.db (or $VALUENET_STORE); pass --store to a
    command to use another SQLite file or a Neo4j URI.
    """


for _name in COMMAND_MODULES:
    __import__(_name)


def main() -> None:
    """Console-script entry point; Ctrl-C outside a command's own handling also exits 130."""
    try:
        cli.main(prog_name="valuenet")
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
