"""The demo: the bundled examples end to end, in a fresh store in a folder.

It imports the examples, analyses each goal (the focal firm's standing and
where it destroys value most), and writes each example's network view and
report, so a newcomer sees every part of valuenet in one command.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valuenet.analysis.report import analyze_goal
from valuenet.files import make_folder
from valuenet.importers import import_files
from valuenet.resources import example_model
from valuenet.store.sqlite import SQLiteStore
from valuenet.summary import model_stats
from valuenet.views import write_example_outputs

EXAMPLES = ("health", "broadband")


@dataclass
class DemoResult:
    """What the demo made: the store, statistics, analysis headlines, written files and next commands."""

    folder: Path
    store: Path
    stats: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    next_steps: list[str] = field(default_factory=list)


def _findings(model_id: str, goal: str, result: Any) -> dict[str, Any]:
    firm = result.net.actors[result.focal]
    worst = result.destruction.items[0] if result.destruction.items else None
    # respondents for whom a single touchpoint of the firm is past their threshold
    segments = result.segments or {}
    everyone = segments.get("(all)")
    stat = everyone.measures.get("firm.breach_touchpoint") if everyone is not None else None
    breaches = round(stat.mean * stat.n) if stat is not None and stat.n else 0
    return {
        "model": model_id,
        "goal": goal,
        "firm": result.focal,
        "rank": f"{firm.rank} of {len(result.net.actors)}",
        "weighted_net": round(firm.weighted, 3),
        "destroys_most": f"{worst.dimension} at {worst.touchpoint} ({worst.kind})" if worst else None,
        "past_threshold_at_a_touchpoint": f"{breaches} of {result.respondents}",
    }


def run_demo(folder: Path, program: str = "valuenet") -> DemoResult:
    """Make ``folder``, import the examples into a fresh ``folder/valuenet.db``, analyse them, write views, reports.

    ``program`` is how the closing "Next:" command starts, as the user's shell can run it
    (for example ``.venv/bin/valuenet`` when the command is not on the PATH).
    """
    make_folder(folder)
    db = folder / "valuenet.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    result = DemoResult(folder=folder, store=db)
    with SQLiteStore(db) as store:
        import_files(store, [example_model(name) for name in EXAMPLES])
        models = [store.read_model(info.id) for info in store.list_models()]
    for model in models:
        result.stats.extend(model_stats(model))
        for goal in model.goals:
            found = analyze_goal(model, goal.id, sections=("net", "destruction", "segments"))
            result.findings.append(_findings(model.id, goal.id, found))
        for kind, path in write_example_outputs(model, folder).items():
            result.files[f"{model.id} {kind}"] = path
    result.next_steps = [
        f"Demo store: {db}",
        *(f"{name}: {path}" for name, path in result.files.items()),
        f"Next: {program} analyze --model health --segment working-parents --store {shlex.quote(str(db))}",
    ]
    return result
