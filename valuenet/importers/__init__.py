"""Importers: the only modules that read user files.

:func:`import_files` is the one call behind ``valuenet import``: it reads every
file first (so a bad file means nothing is written), then writes each model to
the store in one transaction per model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from valuenet.errors import ModelError, ModelFileError, Problem
from valuenet.importers.modelfile import read_model_file
from valuenet.models import Model
from valuenet.store.base import Progress, Store, WriteSummary

MODEL_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class ImportResult:
    """What an import did: the models written and a summary per file."""

    files: dict[str, WriteSummary] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)

    @property
    def summary(self) -> WriteSummary:
        total = WriteSummary()
        for s in self.files.values():
            total.merge(s)
        return total


def read_models(paths: Sequence[str | Path]) -> list[tuple[Path, Model]]:
    """Read and check every model file; raise one :class:`ModelFileError` listing every file's problems."""
    problems: list[Problem] = []
    out = []
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() not in MODEL_SUFFIXES:
            problems.append(Problem(str(path), f"'{path.suffix}' is not a model file type.",
                                    "Use a .yaml, .yml or .json model file."))
            continue
        try:
            out.append((path, read_model_file(path)))
        except ModelError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ModelFileError(problems)
    return out


def import_files(store: Store, paths: Sequence[str | Path], *, replace: bool = False,
                 progress: Progress | None = None) -> ImportResult:
    """Validate every file, then upsert each model; ``replace`` makes the stored model exactly the file."""
    result = ImportResult()
    for path, model in read_models(paths):
        result.files[str(path)] = store.write_model(model, replace=replace, progress=progress)
        result.models.append(model.id)
    return result
