"""The commands as Python calls: one function per command, with the command's options as keywords.

Each is the library call behind its command, for a notebook or a script::

    valuenet import FILES --model ID     valuenet.import_files(FILES, store, model=ID)
    valuenet analyze --segment S         valuenet.analyze(store, segment=S)        -> GoalAnalysis
    valuenet view --segment S -o F       valuenet.view(store, segment=S)           -> View (.write(F))
    valuenet report -o DIR               valuenet.report(store, DIR)               -> the index.html path
    valuenet list respondents            valuenet.list_items(store, "respondents") -> Listing
    valuenet export --format F -o FILE   valuenet.export(store, FILE, format=F)    -> ExportSummary

Where a command takes ``--store``, the call takes a store: a URL or path
(``"valuenet.db"``, ``"bolt://host:7687"``; ``None`` means ``$VALUENET_STORE`` or
``./valuenet.db``), or a store already open (:func:`valuenet.open_store`), which is
left open. The calls that only read also take a :class:`~valuenet.models.Model`
in memory. ``model`` is always a model's *id* in the store (``--model``), needed
when the store holds several. Neo4j credentials come from the environment
(``NEO4J_USERNAME``, ``NEO4J_PASSWORD``), as for the commands.

Results turn into pandas DataFrames with ``to_pandas()`` (``pip install
"valuenet[pandas]"``); a view shows inline in Jupyter.

>>> import valuenet
>>> model = valuenet.read_model_file(EXAMPLES / "health" / "model.yaml")
>>> valuenet.list_items(model, "goals")[0]["id"]
'become-healthy'
>>> result = valuenet.analyze(model, segment="retirees", sections="net")
>>> result.scope, result.respondents, result.net is not None, result.destruction is None
('segment', 6, True, True)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from valuenet.errors import NotFoundError, OutputError
from valuenet.models import DEFAULT_SCENARIO, Model
from valuenet.store import Store, open_store
from valuenet.store.base import read_structure
from valuenet.summary import Listing

if TYPE_CHECKING:
    from valuenet.analysis.report import GoalAnalysis
    from valuenet.exports import ExportSummary
    from valuenet.flowcolumns import FlowSource
    from valuenet.importers import ImportProgress, ImportResult
    from valuenet.views import View

#: A store: its URL or path, or a store already open.
StoreRef = str | os.PathLike[str] | Store
#: Where a reading call finds its model: a store, or a model in memory.
Source = StoreRef | Model
#: The bundled examples, for the doctests of a source checkout.
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@contextmanager
def _opened(store: StoreRef | None, *, create: bool = False, database: str | None = None) -> Iterator[Store]:
    """The store named (opened here and closed after) or the open store given (left open)."""
    if store is None or isinstance(store, (str, os.PathLike)):
        with open_store(None if store is None else os.fspath(store), create=create, database=database) as opened:
            yield opened
    elif isinstance(store, Store):
        yield store
    else:
        raise TypeError(f"expected a store URL, a path or an open store, not {type(store).__name__}")


def _check_id(model: Model, model_id: str | None) -> Model:
    if model_id is not None and model_id != model.id:
        raise NotFoundError(f"the model given is {model.id!r}, not {model_id!r}; pass model=None or a store.")
    return model


@contextmanager
def _structure(
    source: Source | None, model_id: str | None, database: str | None
) -> Iterator[tuple[Model, FlowSource | None]]:
    """The model without its flows and where to read them (as the commands do), all from one committed state."""
    if isinstance(source, Model):
        yield _check_id(source, model_id), None
        return
    with _opened(source, database=database) as store, store.snapshot():
        yield read_structure(store, model_id), store


def _whole(source: Source | None, model_id: str | None, database: str | None) -> Model:
    """The whole model, flows and all."""
    if isinstance(source, Model):
        return _check_id(source, model_id)
    with _opened(source, database=database) as store, store.snapshot():
        return store.read_model(model_id)


def import_files(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    store: StoreRef | None = None,
    *,
    model: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
    replace: bool = False,
    skip_invalid: bool = False,
    rejects: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    aliases: str | os.PathLike[str] | None = None,
    database: str | None = None,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """``valuenet import``: import model files and interview tables into ``store`` (created when missing).

    ``paths`` is one path or several; the keywords are the command's options
    (``model`` is ``--model ID``, ``format`` is ``--format``). Every row is checked
    first; an invalid row means nothing is written unless ``skip_invalid``.
    Returns the :class:`~valuenet.importers.ImportResult` (its ``summary`` counts
    what was added, changed and kept; ``interviews`` reports the tables' rows).
    """
    from valuenet.importers import import_files as _import

    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    with _opened(store, create=True, database=database) as opened:
        return _import(
            opened,
            [Path(p) for p in items],
            model_id=model,
            fmt=format,
            encoding=encoding,
            replace=replace,
            skip_invalid=skip_invalid,
            rejects=None if rejects is None else Path(rejects),
            dry_run=dry_run,
            aliases=None if aliases is None else Path(aliases),
            progress=progress,
        )


def analyze(
    source: Source | None = None,
    goal: str | None = None,
    *,
    model: str | None = None,
    segment: str | None = None,
    respondent: str | None = None,
    scenario: str = DEFAULT_SCENARIO,
    compare: str | None = None,
    sections: str | Sequence[str] | None = None,
    database: str | None = None,
) -> GoalAnalysis:
    """``valuenet analyze``: where the focal firm adds and destroys value in ``goal`` (default: the only one).

    For everyone, one ``segment`` or one ``respondent``; ``compare`` names a second
    scenario. ``sections`` is one section name or several (default: all of
    :data:`~valuenet.analysis.report.SECTIONS`). A store's flows are read as columns,
    as the command reads them. The result's ``to_dict()`` is the command's JSON and
    ``to_pandas()`` its tables as DataFrames.
    """
    from valuenet.analysis.report import SECTIONS, analyze_goal

    chosen = SECTIONS if sections is None else ((sections,) if isinstance(sections, str) else tuple(sections))
    with _structure(source, model, database) as (structure, flows):
        return analyze_goal(
            structure,
            goal,
            scenario=scenario,
            respondent=respondent,
            segment=segment,
            compare=compare,
            sections=chosen,
            source=flows,
        )


def view(
    source: Source | None = None,
    goal: str | None = None,
    *,
    model: str | None = None,
    segment: str | None = None,
    respondent: str | None = None,
    firm: bool = False,
    scenario: str = DEFAULT_SCENARIO,
    compare: str | None = None,
    color_by: str | None = None,
    against: str | None = None,
    path: str | os.PathLike[str] | None = None,
    database: str | None = None,
) -> View:
    """``valuenet view``: a network view, which shows inline in Jupyter; ``path`` also writes it there.

    The keywords are the command's options (``color_by`` is ``dimension``, ``impact``
    or ``change``; ``against`` is a second segment, compared with ``segment``). The
    view's ``write(path)`` writes the self-contained HTML file later; ``to_html()``
    gives its text.
    """
    from valuenet.views import View, ViewSpec, build_view

    spec = ViewSpec(
        goal=goal,
        scenario=scenario,
        respondent=respondent,
        segment=segment,
        firm=firm,
        compare=compare,
        color_by=color_by,
        against=against,
    )
    with _structure(source, model, database) as (structure, flows):
        built = View.of(build_view(structure, spec, flows))
    if path is not None:
        built.write(Path(path))
    return built


def report(
    source: Source | None,
    path: str | os.PathLike[str],
    *,
    model: str | None = None,
    goal: str | None = None,
    scenario: str = DEFAULT_SCENARIO,
    compare: str | None = None,
    database: str | None = None,
) -> Path:
    """``valuenet report -o DIR``: write the HTML report for a goal into the folder ``path``; return index.html's path.

    ``compare`` defaults to the goal's other scenario, when it has one.
    """
    from valuenet.views.report import ReportSpec, write_report

    with _structure(source, model, database) as (structure, flows):
        return write_report(structure, ReportSpec(goal=goal, scenario=scenario, compare=compare), Path(path), flows)


def list_items(source: Source | None, what: str, *, model: str | None = None, database: str | None = None) -> Listing:
    """``valuenet list WHAT``: rows of a store's ``models``, or a model's ``goals``, ``respondents`` or ``actors``.

    The :class:`~valuenet.summary.Listing` is a list of dicts with ``to_pandas()``.
    """
    from valuenet.summary import LISTABLE
    from valuenet.summary import list_items as _list

    if what == "models":
        if isinstance(source, Model):
            m = source
            counts = {"actors": len(m.actors), "goals": len(m.goals), "respondents": len(m.respondents)}
            return Listing("models", [{"id": m.id, "title": m.title, **counts, "flows": len(m.flows)}])
        with _opened(source, database=database) as store:
            return Listing("models", [vars(info) for info in store.list_models()])
    if what not in LISTABLE:
        raise ValueError(f"cannot list {what!r}; choose one of models, {', '.join(LISTABLE)}.")
    return _list(_whole(source, model, database), what)


def export(
    source: Source | None,
    path: str | os.PathLike[str] | IO[str],
    format: str | None = None,
    *,
    model: str | None = None,
    goal: str | None = None,
    scenario: str = DEFAULT_SCENARIO,
    segment: str | None = None,
    per_flow: bool = False,
    database: str | None = None,
) -> ExportSummary:
    """``valuenet export -o FILE``: write a model as ``format`` (:data:`valuenet.exports.FORMATS`) to ``path``.

    ``json``/``yaml`` are the whole model file and ``csv``/``jsonl``/``xlsx`` its
    interviews in the long layout, which import back exactly; ``graphml``/``gexf``
    a goal's network for Gephi, ``cypher`` a script that recreates the model in
    Neo4j, ``parquet`` a goal's flows (``goal``, ``scenario``, ``segment`` and
    ``per_flow`` choose what a graph or Parquet table holds). ``format`` defaults
    to the one the file's suffix names; ``path`` may also be an open text stream.
    Returns the :class:`~valuenet.exports.ExportSummary` (its ``path``, counts and notes).
    """
    from valuenet.exports import FORMATS, export_model, export_store, format_of

    fmt = format
    if fmt is None:
        fmt = None if hasattr(path, "write") else format_of(path)
        if fmt is None:
            named = "a stream" if hasattr(path, "write") else repr(os.fspath(path))
            raise OutputError(f"cannot tell the export format of {named}; pass format= one of {', '.join(FORMATS)}.")
    if isinstance(source, Model):
        return export_model(
            _check_id(source, model), path, fmt, goal=goal, scenario=scenario, segment=segment, per_flow=per_flow
        )
    with _opened(source, database=database) as store:  # a goal's graph or table reads the store as columns
        return export_store(
            store, path, fmt, model=model, goal=goal, scenario=scenario, segment=segment, per_flow=per_flow
        )


def dataframes(source: Source | None, *, model: str | None = None, database: str | None = None) -> dict[str, Any]:
    """A model as pandas DataFrames by table: ``actors``, ``goals``, ``scenarios``, ``respondents``, ``flows``.

    Respondents get a column per weight, threshold and attribute (``weight.functional``...).
    Needs ``pip install "valuenet[pandas]"``.
    """
    from valuenet.frames import model_frames, require_pandas

    require_pandas()  # before the store is read
    return model_frames(_whole(source, model, database))


__all__ = ["analyze", "dataframes", "export", "import_files", "list_items", "report", "view"]
