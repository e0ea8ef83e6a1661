"""Importers: the only modules that read user files.

:func:`import_files` is the one call behind ``valuenet import``. Model files
(``.yaml``, ``.yml``, or ``.json`` holding a mapping) are read whole and checked;
interview tables (``.csv``, ``.tsv``, ``.xlsx``, ``.jsonl``, or ``.json`` holding a
list of rows) are validated in a first streaming pass and written in a second
(:mod:`valuenet.importers.tabular`). Every file is checked before anything is
written, so a bad file means nothing is written.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from valuenet.errors import ModelError, ModelFileError, NotFoundError, Problem
from valuenet.importers.modelfile import read_model_file
from valuenet.models import Model
from valuenet.store.base import Batch, Store, WriteSummary, batches_of, model_header, read_structure

#: Progress callback: ``(phase, rows done, rows in all or None)``.
ImportProgress = Callable[[str, int, "int | None"], None]

MODEL_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do): a summary per model, and the tables' report."""

    files: dict[str, WriteSummary] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    tabular: object | None = None  # a TabularResult when interview tables were imported
    dry_run: bool = False

    @property
    def summary(self) -> WriteSummary:
        total = WriteSummary()
        for s in self.files.values():
            total.merge(s)
        return total


def is_model_file(path: str | Path, fmt: str | None = None) -> bool:
    """True for a YAML model file, or a JSON file whose top level is a mapping (not a list of rows)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return True
    if suffix != ".json" or fmt not in (None, "json"):
        return False
    try:
        with p.open("rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return True  # read_model_file reports the missing file
    return head[:1] != b"["


def read_models(paths: Sequence[str | Path]) -> list[tuple[Path, Model]]:
    """Read and check every model file; raise one :class:`ModelFileError` listing every file's problems."""
    problems: list[Problem] = []
    out = []
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() not in MODEL_SUFFIXES:
            problems.append(
                Problem(
                    str(path), f"'{path.suffix}' is not a model file type.", "Use a .yaml, .yml or .json model file."
                )
            )
            continue
        try:
            out.append((path, read_model_file(path)))
        except ModelError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ModelFileError(problems)
    return out


def read_aliases(path: str | Path) -> dict[str, str]:
    """An aliases file: a CSV with columns ``alias`` and ``actor`` (an actor id or name)."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise ModelFileError([Problem(str(p), f"cannot be read: {exc.strerror}.", "Check the path.")]) from exc
    except UnicodeDecodeError:
        raise ModelFileError([Problem(str(p), "is not UTF-8 text.", "Save it as UTF-8.")]) from None
    if rows and [c.strip().casefold() for c in rows[0][:2]] == ["alias", "actor"]:
        rows = rows[1:]
    out: dict[str, str] = {}
    for i, row in enumerate(rows, 2):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise ModelFileError(
                [Problem(f"{p} row {i}", "needs an alias and an actor.", "Write two columns: alias,actor.")]
            )
        out[cells[0]] = cells[1]
    return out


def _stored_structure(store: Store, model_id: str) -> Model | None:
    """The stored model without its flows, or ``None`` when the store does not hold it."""
    if model_id not in {m.id for m in store.list_models()}:
        return None
    return read_structure(store, model_id)  # the store's light read when it has one


def _merge(stored: Model | None, incoming: Model) -> Model:
    """The model as it will be after ``incoming`` is upserted onto ``stored``."""
    if stored is None:
        return incoming
    out = model_header(incoming)
    for kind in ("actors", "goals", "respondents"):
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
) -> ImportResult:
    """Validate every file, then write model files and interview tables into the store.

    Model files are upserted whole (``replace`` makes the stored model exactly
    the file). Interview tables go into ``model_id`` (default: the model file
    imported with them, else the store's only model); ``replace`` then replaces
    the data of each respondent they name. ``skip_invalid`` writes the valid rows
    and the rejected ones to ``rejects`` (default ``<first table>.rejects.csv``).
    ``dry_run`` validates and reports what would change, writing nothing.
    """
    from valuenet.importers.readers import read_tables
    from valuenet.importers.tabular import TabularImport, write_import
    from valuenet.importers.target import Target

    model_paths = [p for p in paths if is_model_file(p, fmt)]
    table_paths = [p for p in paths if p not in model_paths]
    models = read_models(model_paths)
    result = ImportResult(dry_run=dry_run)
    store_progress = None if progress is None else (lambda n: progress("writing", n, None))
    alias_map = read_aliases(aliases) if aliases else {}
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
        stored = _stored_structure(store, target_id)
        base = _merge(stored, from_file[-1]) if from_file else stored
        target = Target(base or Model(id=target_id), new=base is None, aliases=alias_map)
        tables = [t for p in table_paths for t in read_tables(p, fmt=fmt, encoding=encoding)]
        imp = TabularImport(tables, target, replace=replace, skip_invalid=skip_invalid, progress=progress)
        result.tabular = imp.validate()
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
        rejects_path = (rejects or Path(table_paths[0]).with_suffix(".rejects.csv")) if skip_invalid else None
        # a model file imported with its tables lands in the same write
        summary_holder = write_import(
            store, imp, rejects_path=rejects_path, extra=extra, replace=replace and bool(extra)
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
            for item in getattr(batch, k):
                if item.id in written[k]:
                    continue
                written[k].add(item.id)
                prev = old[k].get(item.id)
                counts = summary.counts[k]
                if prev is None:
                    counts.added += 1
                elif prev != item.model_dump_json(exclude_defaults=True):
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


__all__ = ["ImportResult", "diff_write", "import_files", "is_model_file", "read_aliases", "read_models"]
