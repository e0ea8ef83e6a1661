"""The import pipeline behind ``valuenet import``: check every file, then write them to a store.

:func:`import_files` is the one call. Model files (``.yaml``, ``.yml``, or
``.json`` holding a mapping) are read whole and checked
(:mod:`valuenet.formats.modelfile`); interview tables (``.csv``, ``.tsv``,
``.xlsx``, ``.jsonl``, or ``.json`` holding a list of rows) are read by
:mod:`valuenet.formats`, validated in a first streaming pass and written in a
second (:mod:`valuenet.importers.interviews`). Every file is checked before
anything is written, so a bad file means nothing is written.

Imports into one store take turns: an import holds the store's write lock
(:func:`valuenet.store.base.write_lock`) from before it reads the stored model to
validate against until its write commits. A second import waits, then validates
against what the first wrote, so neither loses the other's changes; on SQLite
every write of one import then lands in one transaction. A dry run takes no lock:
it reads one committed state (:meth:`Store.snapshot`) and never waits.
"""

from __future__ import annotations

import sys
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from valuenet.errors import NotFoundError
from valuenet.formats.aliases import read_aliases
from valuenet.formats.inputs import FORMATS, SUFFIX_OF, read_tables
from valuenet.formats.modelfile import is_model_file, read_model_files
from valuenet.formats.rejects import rejects_path
from valuenet.formats.stdin import STDIN_NAME, check_stdin, is_stdin, spooled
from valuenet.importers.interviews import ImportProgress, InterviewImport, InterviewImportResult, write_import
from valuenet.importers.target import ImportTarget
from valuenet.models import Model, Respondent
from valuenet.store.base import (
    Batch,
    Store,
    WriteSummary,
    batches_of,
    model_header,
    read_import_base,
    write_lock,
)


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do): a summary per model, and the tables' report."""

    files: dict[str, WriteSummary] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    interviews: InterviewImportResult | None = None  # when interview tables were imported
    dry_run: bool = False

    @property
    def summary(self) -> WriteSummary:
        total = WriteSummary()
        for s in self.files.values():
            total.merge(s)
        return total


def _stored_base(store: Store, model_id: str) -> tuple[Model, Mapping[str, Respondent]] | None:
    """The stored model without flows or respondents, and its respondents by id; ``None`` when not stored."""
    if model_id not in {m.id for m in store.list_models()}:
        return None
    return read_import_base(store, model_id)  # the store's light reads when it has them


def _merge(stored: Model | None, incoming: Model) -> Model:
    """The model as it will be after ``incoming`` is upserted onto ``stored`` (respondents aside)."""
    if stored is None:
        return incoming.model_copy(update={"respondents": []})
    out = model_header(incoming)
    for kind in ("actors", "goals"):
        items = {x.id: x for x in getattr(stored, kind)}
        items.update({x.id: x for x in getattr(incoming, kind)})
        setattr(out, kind, list(items.values()))
    return out


def import_files(
    store: Store,
    paths: Sequence[str | Path],
    *,
    model_id: str | None = None,
    fmt: str | None = None,
    encoding: str | None = None,
    replace: bool = False,
    skip_invalid: bool = False,
    rejects: str | Path | None = None,
    dry_run: bool = False,
    aliases: str | Path | None = None,
    progress: ImportProgress | None = None,
    stdin: IO[bytes] | None = None,
) -> ImportResult:
    """Validate every file, then write model files and interview tables into the store.

    A path ``-`` is an interview table on standard input (``stdin``, default
    ``sys.stdin``'s bytes), read as ``fmt`` (required then) and named ``<stdin>``
    in every message (:mod:`valuenet.formats.stdin`); with ``skip_invalid`` it needs ``rejects``.

    Model files are upserted whole (``replace`` makes the stored model exactly
    the file). Interview tables go into ``model_id`` (default: the model file
    imported with them, else the store's only model); ``replace`` then replaces
    the data of each respondent they name. ``skip_invalid`` writes the valid rows
    and the rejected ones to ``rejects`` (default ``<first table>.rejects.<its format>``, see
    :func:`~valuenet.formats.rejects.rejects_path`).
    ``dry_run`` validates and reports what would change, writing nothing.

    Another process writing to the store meanwhile is waited for (see the module docstring).
    """
    with ExitStack() as spools:
        inputs = _spool_stdin(spools, paths, fmt, stdin, skip_invalid=skip_invalid, rejects=rejects)
        return _import_files(
            store,
            inputs,
            model_id=model_id,
            fmt=fmt,
            encoding=encoding,
            replace=replace,
            skip_invalid=skip_invalid,
            rejects=rejects,
            dry_run=dry_run,
            aliases=aliases,
            progress=progress,
        )


@dataclass(frozen=True)
class _Input:
    """An input file to read, and the name messages give it (``<stdin>`` for standard input's spooled copy)."""

    path: str | Path
    name: str


def _spool_stdin(
    spools: ExitStack,
    paths: Sequence[str | Path],
    fmt: str | None,
    stdin: IO[bytes] | None,
    *,
    skip_invalid: bool,
    rejects: str | Path | None,
) -> list[_Input]:
    """The inputs, standard input (``-``) copied to a temporary file first: before the store's lock is taken."""
    if not check_stdin(paths, fmt, FORMATS, rejects_needed=skip_invalid and rejects is None):
        return [_Input(p, str(p)) for p in paths]
    assert fmt is not None  # check_stdin makes sure
    stream = stdin if stdin is not None else sys.stdin.buffer
    copy = spools.enter_context(spooled(stream, SUFFIX_OF[fmt]))
    return [_Input(copy, STDIN_NAME) if is_stdin(p) else _Input(p, str(p)) for p in paths]


def _import_files(
    store: Store,
    inputs: Sequence[_Input],
    *,
    model_id: str | None,
    fmt: str | None,
    encoding: str | None,
    replace: bool,
    skip_invalid: bool,
    rejects: str | Path | None,
    dry_run: bool,
    aliases: str | Path | None,
    progress: ImportProgress | None,
) -> ImportResult:
    model_inputs = [i for i in inputs if is_model_file(i.path, fmt)]
    table_inputs = [i for i in inputs if i not in model_inputs]
    table_paths = [i.name for i in table_inputs]
    # checked before waiting for the store
    names = [STDIN_NAME if i.name == STDIN_NAME else None for i in model_inputs]  # a file keeps its own name
    read = read_model_files([i.path for i in model_inputs], names)
    models = [
        (i.name if i.name == STDIN_NAME else str(path), model)
        for (path, model), i in zip(read, model_inputs, strict=True)
    ]
    alias_map = read_aliases(aliases) if aliases else {}
    # from the first read of the stored model to the last write: one state, which nobody else changes
    with store.snapshot() if dry_run else write_lock(store):
        result = ImportResult(dry_run=dry_run)
        store_progress = None if progress is None else (lambda n: progress("writing", n, None))
        imp = None
        target_id = model_id
        if table_paths:
            if target_id is None:
                ids = [m.id for _, m in models] or [m.id for m in store.list_models()]
                if len(set(ids)) != 1:
                    raise NotFoundError(
                        "interview tables need a model to go into; choose one with --model ID "
                        f"({'the store holds ' + ', '.join(ids) if ids else 'the store is empty'})."
                    )
                target_id = ids[0]
            from_file = [m for _, m in models if m.id == target_id]
            found = _stored_base(store, target_id)
            stored, people = found if found is not None else (None, {})
            base = _merge(stored, from_file[-1]) if from_file else stored
            if from_file:  # the file's respondents over the stored ones
                people = ChainMap({r.id: r for r in from_file[-1].respondents}, people)  # type: ignore[arg-type]
            target = ImportTarget(base or Model(id=target_id), new=base is None, aliases=alias_map, respondents=people)
            tables = [t for i in table_inputs for t in read_tables(i.path, fmt=fmt, encoding=encoding, name=i.name)]
            imp = InterviewImport(tables, target, replace=replace, skip_invalid=skip_invalid, progress=progress)
            result.interviews = imp.validate()
            if from_file:
                target.header = model_header(from_file[-1])
        if dry_run:
            for path, model in models:
                if model.id != target_id:
                    result.files[str(path)] = diff_write(store, model, batches_of(model), replace=replace)
            if imp is not None and target_id is not None:
                extra = [b for _, m in models if m.id == target_id for b in batches_of(m)]
                result.files[str(table_paths[0])] = diff_write(
                    store,
                    imp.target.header,
                    [*extra, *imp.batches()],
                    replace=replace and bool(extra),
                    replace_respondents=() if extra else imp.replaced_respondents(),
                )
                imp.close()
                result.models.append(target_id)
            result.models += [m.id for _, m in models if m.id != target_id]
            return result
        for path, model in models:
            if model.id != target_id:
                result.files[str(path)] = store.write_model(model, replace=replace, progress=store_progress)
                result.models.append(model.id)
        if imp is not None and target_id is not None:
            extra = [b for _, m in models if m.id == target_id for b in batches_of(m)]
            rejects_at = (rejects or rejects_path(table_paths[0])) if skip_invalid else None
            # a model file imported with its tables lands in the same write
            summary_holder = write_import(
                store, imp, rejects_path=rejects_at, extra=extra, replace=replace and bool(extra)
            )
            result.files[str(table_paths[0])] = summary_holder.summary
            result.models.append(target_id)
        return result


def diff_write(
    store: Store,
    header: Model,
    batches: Iterable[Batch],
    *,
    replace: bool = False,
    replace_respondents: Sequence[str] = (),
) -> WriteSummary:
    """What :meth:`Store.write` would report for these batches, computed without writing."""
    summary = WriteSummary()
    try:
        stored: Model | None = store.read_model(header.id)
    except NotFoundError:
        stored = None
    kinds = ("actors", "goals", "respondents", "flows")
    old = {
        k: {x.id: x.model_dump_json(exclude_defaults=True) for x in getattr(stored, k)} if stored else {} for k in kinds
    }
    c = summary.counts["models"]
    if stored is None:
        c.added = 1
    elif model_header(stored).model_dump_json(exclude_defaults=True) != model_header(header).model_dump_json(
        exclude_defaults=True
    ):
        c.updated = 1
    else:
        c.unchanged = 1
    written: dict[str, set[str]] = {k: set() for k in kinds}
    for batch in batches:
        for k in kinds:
            items: list[Any] = batch.all_flows() if k == "flows" else getattr(batch, k)
            for item in items:
                if item.id in written[k]:
                    continue
                written[k].add(item.id)
                prev = old[k].get(item.id)
                counts = summary.counts[k]
                text = item.model_dump_json(exclude_defaults=True)
                if prev is None:
                    counts.added += 1
                elif prev != text:
                    counts.updated += 1
                else:
                    counts.unchanged += 1
    if stored is not None and replace:
        for k in kinds:
            summary.counts[k].removed = len(set(old[k]) - written[k])
    elif stored is not None and replace_respondents:
        rs = set(replace_respondents)
        summary.counts["flows"].removed = sum(
            1 for f in stored.flows if f.respondent in rs and f.id not in written["flows"]
        )
    return summary


__all__ = ["ImportResult", "diff_write", "import_files"]
