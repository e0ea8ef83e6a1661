"""The demo: import the bundled examples into a fresh store in a folder, and summarise them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valuenet.importers import import_files
from valuenet.resources import example_model
from valuenet.store.sqlite import SQLiteStore
from valuenet.summary import model_stats

EXAMPLES = ("health", "broadband")


@dataclass
class DemoResult:
    """What the demo made: the store, per-goal statistics, written files and suggested next commands."""

    folder: Path
    store: Path
    stats: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    next_steps: list[str] = field(default_factory=list)


def run_demo(folder: Path) -> DemoResult:
    """Make ``folder``, import the examples into a fresh ``folder/valuenet.db``, and summarise them."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "valuenet.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    result = DemoResult(folder=folder, store=db)
    with SQLiteStore(db) as store:
        import_files(store, [example_model(name) for name in EXAMPLES])
        for info in store.list_models():
            result.stats.extend(model_stats(store.read_model(info.id)))
    result.next_steps = [
        f"Demo store: {db}",
        f"Try: valuenet list respondents --model health --store {db}",
    ]
    return result
