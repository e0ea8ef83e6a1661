"""An HTML report on one goal, for strategists: one self-contained file that opens offline.

The numbers come from :func:`valuenet.analysis.report.analyze_goal`; this module
only lays them out. The report holds the interactive network (the same view as
``valuenet view``), a heatmap of net perceived value by actor and dimension,
where the focal firm destroys value (with what respondents said), deal-breakers,
dependency on the firm, opportunities, a segment comparison, loyalty drivers
and, when the goal has a second scenario, what changes between them.

The heatmap is an inline SVG drawn here from the analysis figures: a few dozen
rectangles need no plotting library, stay sharp at any zoom, print well, and
their labels go through the same autoescaping template as every other text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from valuenet.files import make_folder, write_text
from valuenet.flowcolumns import CachedFlows, FlowSource, ModelFlows
from valuenet.models import DEFAULT_SCENARIO, Model
from valuenet.views.data import ViewSpec, build_view
from valuenet.views.render import _environment, page_parts

#: Rows shown per table; the report says how many more there are.
MAX_ROWS = 40
_SEGMENT_MEASURES = (
    "firm.attributed",
    "firm.share",
    "firm.destroys",
    "destruction.total",
    "dependency.at_risk.weighted",
    "firm.breach",
)
#: What the report computes (its network view is drawn separately).
REPORT_SECTIONS = (
    "net",
    "destruction",
    "dealbreakers",
    "dependency",
    "opportunities",
    "segments",
    "loyalty",
    "scenarios",
)


@dataclass(frozen=True)
class ReportSpec:
    """Which goal and scenario to report on; ``compare`` defaults to the goal's other scenario, if it has one."""

    goal: str | None = None
    scenario: str = DEFAULT_SCENARIO
    compare: str | None = None


def _colour(value: float, top: float) -> str:
    """Red for value destroyed, green for value added, white for none; stronger the larger it is."""
    share = 0.0 if top <= 0 else max(-1.0, min(1.0, value / top))
    ends = (26, 152, 80) if share > 0 else (215, 48, 39)
    r, g, b = (round(255 + (c - 255) * abs(share)) for c in ends)
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(rows: Sequence[tuple[str, Mapping[str, float]]], dimensions: Sequence[str]) -> dict[str, Any]:
    """Cells of the actor x dimension heatmap: position, fill, the figure and whether it needs light text.

    >>> hm = heatmap([("Clinic", {"functional": 2.0, "economic": -1.0})], ["functional", "economic"])
    >>> [(c["text"], c["fill"]) for c in hm["cells"]]
    [('+2.00', '#1a9850'), ('-1.00', '#eb9893')]
    """
    top = max((abs(v) for _, values in rows for v in values.values()), default=0.0)
    longest = max((len(name) for name, _ in rows), default=0)
    label_w, cell_w, cell_h, head = max(120, min(460, round(7.4 * longest) + 16)), 104, 30, 34
    cells = []
    for i, (_name, values) in enumerate(rows):
        for j, d in enumerate(dimensions):
            v = values.get(d, 0.0)
            cells.append(
                {
                    "x": label_w + j * cell_w,
                    "y": head + i * cell_h,
                    "w": cell_w - 2,
                    "h": cell_h - 2,
                    "fill": _colour(v, top),
                    "text": f"{v:+.2f}",
                    "light": top > 0 and abs(v) / top > 0.6,
                }
            )
    return {
        "cells": cells,
        "rows": [(name, head + i * cell_h) for i, (name, _) in enumerate(rows)],
        "columns": [(d, label_w + j * cell_w) for j, d in enumerate(dimensions)],
        "width": label_w + cell_w * len(dimensions),
        "height": head + cell_h * len(rows) + 4,
        "cell_w": cell_w,
        "cell_h": cell_h,
        "top": top,
        "label_x": label_w - 8,
    }


def _table(title: str, rows: list[dict[str, Any]], note: str = "") -> dict[str, Any]:
    columns = list(rows[0].keys()) if rows else []
    return {
        "title": title,
        "columns": columns,
        "rows": rows[:MAX_ROWS],
        "more": max(0, len(rows) - MAX_ROWS),
        "note": note,
    }


def _segment_pivot(segments: Mapping[str, Any]) -> dict[str, Any]:
    """Key measures (rows) by segment (columns): mean with its 95% interval and n."""
    rows = []
    names = sorted(segments)
    by_measure: dict[str, dict[str, str]] = {}
    for seg in names:
        for r in segments[seg].rows():
            if r["measure"] in _SEGMENT_MEASURES:
                interval = "" if r["ci_low"] is None else f" [{r['ci_low']:.2f}, {r['ci_high']:.2f}]"
                mean = "–" if r["mean"] is None else f"{r['mean']:.2f}"
                by_measure.setdefault(r["measure"], {})[seg] = f"{mean}{interval} n={r['n']}"
    for measure in _SEGMENT_MEASURES:
        if measure in by_measure:
            rows.append({"measure": measure, **{s: by_measure[measure].get(s, "–") for s in names}})
    return _table("Segments compared (mean [95% interval] n)", rows)


def build_report(model: Model, spec: ReportSpec, source: FlowSource | None = None) -> dict[str, Any]:
    """Everything the report page shows, as template data (the analysis runs here, on ``source``'s flows)."""
    from valuenet.analysis.report import analyze_goal

    source = CachedFlows(source or ModelFlows(model))  # the analysis and the network view read the flows once
    goal = spec.goal or (model.goals[0].id if len(model.goals) == 1 else None)
    scenarios = [s.id for s in model.goal(goal).scenarios] if goal else []
    compare = spec.compare or next((s for s in scenarios if s != spec.scenario), None)
    result = analyze_goal(model, goal, scenario=spec.scenario, compare=compare, sections=REPORT_SECTIONS, source=source)
    assert result.net is not None and result.destruction is not None and result.segments is not None
    names = {a.id: a.name for a in model.actors}
    view = build_view(model, ViewSpec(goal=result.goal, scenario=spec.scenario, color_by="impact"), source)

    ranked = sorted(result.net.actors.values(), key=lambda a: (a.rank, a.actor))
    dims = [d for d in model.dimension_ids if any(d in a.net for a in ranked)]
    hm = heatmap(
        [(names.get(a.actor, a.actor) + (" (focal)" if a.actor == result.focal else ""), a.net) for a in ranked], dims
    )

    tables = dict(result.tables(("dealbreakers", "dependency", "opportunities", "loyalty")))
    titles = [t for t, _ in result.tables(("dealbreakers", "dependency", "opportunities", "loyalty"))]
    sections = [_table(t, [_named(r, names) for r in _concise(t, tables[t])]) for t in titles]
    scenario_tables = []
    if result.scenarios is not None:
        scenario_tables = [_table(t, [_named(r, names) for r in rows]) for t, rows in result.tables(("scenarios",))]
    destruction = [
        {
            "where": f"{names.get(i.actor, i.actor)} · {i.touchpoint}",
            "kind": i.kind,
            "responsible": names.get(i.responsible, i.responsible),
            "dimension": i.dimension,
            "gets": i.gets,
            "gives": i.gives,
            "weighted": i.weighted,
            "quotes": list(i.quotes[:4]),
            "respondents": i.respondents,
            "share": i.share,
        }
        for i in result.destruction.items
    ]
    figures = [
        (
            "Rank of " + names.get(result.focal, result.focal) + " by net value",
            f"{result.net.focal_rank} of {len(ranked)}",
        ),
        (
            "Its share of the value the customer gets",
            "–" if result.net.focal_share is None else f"{result.net.focal_share:.0%}",
        ),
        ("Value it destroys (weighted)", f"{result.destruction.total_weighted:.2f}"),
        ("Respondents", str(result.respondents)),
    ]
    return {
        "model": model,
        "goal": model.goal(result.goal),
        "result": result,
        "figures": figures,
        "heatmap": hm,
        "destruction": destruction,
        "sections": sections,
        "segments": _segment_pivot(result.segments),
        "scenario_tables": scenario_tables,
        "compare": compare,
        **page_parts(view),
    }


def _concise(title: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Deal-breakers as a strategist reads them: who breaks where, how many respondents, with the quotes."""
    if not title.startswith("Deal-breakers"):
        return rows
    keep = ("actor", "dimension", "touchpoint", "respondents", "share", "given_up", "threshold", "excess", "quotes")
    return [{k: r.get(k) for k in keep} for r in rows]


def _named(row: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """A table row with actor ids replaced by actor names, and quotes set in quotation marks."""
    out = {k: names.get(v, v) if k in ("actor", "responsible") and isinstance(v, str) else v for k, v in row.items()}
    if isinstance(out.get("quotes"), (list, tuple)):
        out["quotes"] = " ".join(f"“{q}”" for q in out["quotes"])
    return out


def cell(value: Any) -> str:
    """How a table cell reads: numbers to two decimals, lists joined, nothing as a dash.

    >>> cell(0.1234), cell(["a", "b"]), cell(None), cell(True), cell({"gp": 2.5})
    ('0.12', 'a, b', '–', 'yes', 'gp 2.5')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in value.items())
    return str(value)


def render_report(model: Model, spec: ReportSpec, source: FlowSource | None = None) -> str:
    """The report page as HTML text (flows read from ``source``, by default the model's own)."""
    env = _environment()
    env.filters["cell"] = cell
    html: str = env.get_template("report.html.j2").render(**build_report(model, spec, source))
    return html


def write_report(model: Model, spec: ReportSpec, folder: str | Path, source: FlowSource | None = None) -> Path:
    """Write the report to ``folder/index.html`` (one self-contained UTF-8 file) and return its path.

    The folder is created when it does not exist.
    """
    return write_text(make_folder(folder) / "index.html", render_report(model, spec, source))
