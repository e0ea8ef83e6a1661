"""One call that answers every question about a goal: :func:`analyze_goal`.

The CLI (``valuenet analyze``), the HTML report, the demo and the Neo4j query
tests all call it, so every figure comes from the same engine:

1. the goal's flows are read once as columns (:class:`~valuenet.analysis.table.FlowTable`),
   from a store (``source``) or from the model in memory;
2. every per-respondent measure is computed at once in numpy
   (:mod:`valuenet.analysis.measures`); the ``net``, ``destruction``,
   ``dealbreakers``, ``segments``, ``loyalty`` and ``scenarios`` sections are built
   from them for the scope (one respondent, one segment, or everyone);
3. the network measures (``dependency``, ``opportunities``, ``loops``,
   ``economic``, ``metrics``) run once on the scope's network
   (:mod:`valuenet.analysis.scope`): a respondent's own, or the mean network of a
   segment or of everyone.

Only the ``sections`` asked for are computed; the others are ``None``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from valuenet.analysis.base import Context, Result
from valuenet.analysis.dependency import Dependency, dependency
from valuenet.analysis.destruction import DealBreaker, Destruction, deal_breakers, dealbreaker_rows, value_destruction
from valuenet.analysis.economic import Economic, economic_sheets
from valuenet.analysis.loops import Loops, value_loops
from valuenet.analysis.loyalty import Loyalty, loyalty
from valuenet.analysis.measures import Cube, cube, respondent_matrix
from valuenet.analysis.metrics import NetworkMetrics, network_metrics
from valuenet.analysis.net import NetValue, net_from_cube
from valuenet.analysis.opportunities import Opportunities, opportunities
from valuenet.analysis.scenarios import ScenarioComparison, compare
from valuenet.analysis.scope import scope_context, scope_graph
from valuenet.analysis.segments import SegmentSummary, aggregate
from valuenet.analysis.table import FlowTable
from valuenet.errors import AnalysisError
from valuenet.flowcolumns import Fetch, FlowSource, ModelFlows, fetcher
from valuenet.models import DEFAULT_SCENARIO, Model

SECTIONS = (
    "net",
    "destruction",
    "dealbreakers",
    "dependency",
    "opportunities",
    "loops",
    "economic",
    "metrics",
    "segments",
    "loyalty",
    "scenarios",
)
#: Sections that need the scope's network graph.
NETWORK_SECTIONS = ("dependency", "opportunities", "loops", "economic", "metrics")
RESPONDENT, SEGMENT, EVERYONE = "respondent", "segment", "all"
#: A titled table: (title, rows).
Table = tuple[str, list[dict[str, Any]]]
#: A named, titled table: (name, title, rows); the name is one of :data:`TABLES`.
NamedTable = tuple[str, str, list[dict[str, Any]]]
#: The tables :meth:`GoalAnalysis.named_tables` gives, by name, and the section each belongs to.
TABLES: dict[str, str] = {
    "net": "net",
    "destruction": "destruction",
    "destruction-touchpoints": "destruction",
    "dealbreakers": "dealbreakers",
    "dependency": "dependency",
    "opportunities": "opportunities",
    "loops": "loops",
    "loops-strongest": "loops",
    "economic": "economic",
    "economic-lines": "economic",
    "economic-periods": "economic",
    "economic-occurrences": "economic",
    "economic-issues": "economic",
    "metrics": "metrics",
    "segments": "segments",
    "loyalty": "loyalty",
    "loyalty-drivers": "loyalty",
    "scenarios": "scenarios",
    "scenarios-segments": "scenarios",
    "scenarios-dealbreakers": "scenarios",
    "scenarios-economic": "scenarios",
}


@dataclass(frozen=True)
class GoalAnalysis(Result):
    """Everything the analysis says about one goal and scenario, for a respondent, a segment or everyone.

    ``respondents`` is how many respondents the scope holds; a section not asked for is ``None``.
    """

    model: str
    goal: str
    scenario: str
    compare: str | None
    focal: str
    customer: str
    scope: str
    respondent: str | None
    segment: str | None
    respondents: int
    context: Context
    net: NetValue | None = None
    destruction: Destruction | None = None
    dealbreakers: tuple[DealBreaker, ...] | None = None
    dependency: Dependency | None = None
    opportunities: Opportunities | None = None
    loops: Loops | None = None
    economic: Economic | None = None
    metrics: NetworkMetrics | None = None
    segments: Mapping[str, SegmentSummary] | None = None
    loyalty: Loyalty | None = None
    scenarios: ScenarioComparison | None = None

    def to_dict(self, sections: Sequence[str] = SECTIONS) -> dict[str, Any]:
        """The JSON document of ``docs/analysis.md``, with only the ``sections`` asked for."""
        data = super().to_dict()
        return {k: v for k, v in data.items() if k not in SECTIONS or (k in sections and v is not None)}

    def to_pandas(self, table: str | None = None) -> Any:
        """The computed tables as pandas DataFrames (needs ``pip install "valuenet[pandas]"``).

        Without ``table``: a dict of DataFrames by table name (:data:`TABLES`: ``net``,
        ``destruction``, ``destruction-touchpoints``...), one for each table of the
        sections computed. With a name: that table's DataFrame. The rows are those of
        :meth:`named_tables` with every segment measure (as ``--format csv``), and each
        frame keeps its title in ``attrs["title"]``.
        """
        from valuenet.frames import frame, require_pandas

        require_pandas()
        if table is not None and table not in TABLES:
            raise AnalysisError(f"there is no table {table!r}; tables: {', '.join(TABLES)}.")
        sections = SECTIONS if table is None else (TABLES[table],)
        found = {name: frame(rows, title=title) for name, title, rows in self.named_tables(sections, full=True)}
        if table is None:
            return found
        if table not in found:
            section = TABLES[table]
            need = " and compare=SCENARIO" if section == "scenarios" else ""
            raise AnalysisError(
                f"table {table!r} is in section {section!r}, which this analysis did not compute; "
                f"analyze with sections=[{section!r}]{need}."
            )
        return found[table]

    def tables(self, sections: Sequence[str] = SECTIONS, *, full: bool = False) -> list[Table]:
        """Titled tables of rows for the ``sections`` asked for; ``full`` adds every segment measure."""
        return [(title, rows) for _, title, rows in self.named_tables(sections, full=full)]

    def named_tables(self, sections: Sequence[str] = SECTIONS, *, full: bool = False) -> list[NamedTable]:
        """:meth:`tables`, each with its name from :data:`TABLES` (for a sheet or a file)."""
        out: list[NamedTable] = []
        who = self.respondent or (f"segment {self.segment}" if self.segment else "all respondents")
        for s in sections:
            if s == "net" and self.net is not None:
                out.append(("net", f"Net perceived value per actor ({who}, {self.scenario})", self.net.rows()))
            elif s == "destruction" and self.destruction is not None:
                out.append(
                    ("destruction", f"Where {self.focal} destroys value, largest first", self.destruction.rows())
                )
                out.append(
                    (
                        "destruction-touchpoints",
                        f"Touchpoints of {self.focal} (weighted net)",
                        [t.to_dict() for t in self.destruction.touchpoints],
                    )
                )
            elif s == "dealbreakers" and self.dealbreakers is not None:
                out.append(
                    (
                        "dealbreakers",
                        "Deal-breakers: give-ups past the respondent's threshold at one touchpoint",
                        dealbreaker_rows(self.dealbreakers, self.focal),
                    )
                )
            elif s == "dependency" and self.dependency is not None:
                out.append(("dependency", f"Dependency on {self.focal} and substitutes", self.dependency.rows()))
            elif s == "opportunities" and self.opportunities is not None:
                out.append(("opportunities", "Opportunities", self.opportunities.rows()))
            elif s == "loops" and self.loops is not None:
                out.append(("loops", "Stakeholder importance (value loops)", self.loops.rows()))
                out.append(("loops-strongest", "Strongest value loops", self.loops.loop_rows()))
            elif s == "economic" and self.economic is not None:
                out.append(
                    (
                        "economic",
                        f"Economic net value flow per actor ({self.economic.currency or 'money'})",
                        self.economic.rows(),
                    )
                )
                out.append(("economic-lines", "Economic sheet lines", self.economic.line_rows()))
                out.append(
                    (
                        "economic-periods",
                        f"Net cash flow per period ({self.economic.periods} periods)",
                        self.economic.period_rows(),
                    )
                )
                out.append(("economic-occurrences", "Occurrences from needs", self.economic.occurrence_rows()))
                out.append(("economic-issues", "Economic issues", [i.to_dict() for i in self.economic.issues]))
            elif s == "metrics" and self.metrics is not None:
                out.append(("metrics", "Network metrics", self.metrics.rows()))
            elif s == "segments" and self.segments is not None:
                out.append(("segments", "Segments", self._segment_rows(full)))
            elif s == "loyalty" and self.loyalty is not None:
                out.append(("loyalty", "NPS per segment", self.loyalty.rows()))
                out.append(("loyalty-drivers", "Loyalty drivers", self.loyalty.driver_rows()))
            elif s == "scenarios" and self.scenarios is not None:
                c = self.scenarios
                title = f"{c.before} -> {c.after}"
                out.append(("scenarios", f"Scenario change per actor ({title}, {c.respondents} respondents)", c.rows()))
                out.append(("scenarios-segments", f"Scenario change per segment ({title})", c.segment_rows()))
                out.append(
                    (
                        "scenarios-dealbreakers",
                        f"Deal-breakers gained or lost ({title})",
                        [b.to_dict() for b in c.dealbreakers],
                    )
                )
                out.append(
                    (
                        "scenarios-economic",
                        f"Economic sheets before and after ({title})",
                        [e.to_dict() for e in c.economic],
                    )
                )
        return out

    def _segment_rows(self, full: bool) -> list[dict[str, Any]]:
        key = (
            f"net.{self.focal}.weighted",
            "firm.attributed",
            "firm.rank",
            "firm.share",
            "destruction.total",
            "dependency.at_risk.weighted",
            "firm.destroys",
            "firm.breach",
            "firm.breach_touchpoint",
        )
        rows = []
        for s in (self.segments or {}).values():
            rows += [
                r
                for r in s.rows()
                if full
                or r["measure"] in key
                or (r["measure"].startswith("touchpoint.") and r["measure"].endswith(".destroys"))
            ]
        return rows


def pick_goal(model: Model, goal: str | None) -> str:
    """The goal asked for (checked), else the model's only goal; several goals and none asked for is an error."""
    if goal is not None:
        model.goal(goal)
        return goal
    if len(model.goals) != 1:
        raise AnalysisError(
            f"model {model.id!r} has {len(model.goals)} goals "
            f"({', '.join(g.id for g in model.goals) or 'none'}); name one with --goal."
        )
    return model.goals[0].id


def check_scenarios(model: Model, goal: str, *names: str | None) -> None:
    """Refuse a scenario the goal does not have (``None`` names are skipped)."""
    scenarios = [s.id for s in model.goal(goal).scenarios]
    for name in names:
        if name is not None and name not in scenarios:
            raise AnalysisError(f"goal {goal!r} has no scenario {name!r}; scenarios: {', '.join(scenarios)}.")


def _scope_rows(t: FlowTable, respondent: str | None, segment: str | None) -> tuple[str, np.ndarray]:
    if respondent is not None:
        t.model.respondent(respondent)
        if respondent not in t.respondents:
            raise AnalysisError(f"respondent {respondent!r} has no flows in goal {t.goal!r}, scenario {t.scenario!r}.")
        return RESPONDENT, np.array([t.respondents.index(respondent)], dtype=np.int64)
    if segment is not None:
        rows = np.array([i for i, s in enumerate(t.segments) if s == segment], dtype=np.int64)
        if not len(rows):
            known = sorted({s for s in t.segments if s})
            raise AnalysisError(
                f"goal {t.goal!r}, scenario {t.scenario!r} has no respondents in segment {segment!r}; "
                f"segments: {', '.join(known) or 'none'}."
            )
        return SEGMENT, rows
    return EVERYONE, np.arange(t.n, dtype=np.int64)


def analyze_goal(
    model: Model,
    goal: str | None = None,
    *,
    scenario: str = DEFAULT_SCENARIO,
    respondent: str | None = None,
    segment: str | None = None,
    compare: str | None = None,
    sections: Sequence[str] = SECTIONS,
    source: FlowSource | None = None,
) -> GoalAnalysis:
    """Analyse a goal's network in a scenario for one respondent, one segment, or everyone (the default).

    ``compare`` names a second scenario to compare with (for example ``future-a``).
    ``source`` is where the flows are read (a store); by default, ``model.flows``.
    """
    goal_id = pick_goal(model, goal)
    check_scenarios(model, goal_id, scenario, compare)
    if respondent is not None and segment is not None:
        raise AnalysisError("name a respondent or a segment, not both.")
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise AnalysisError(f"unknown section(s) {', '.join(unknown)}; sections: {', '.join(SECTIONS)}.")
    src = source if source is not None else ModelFlows(model)
    fetch = fetcher(src, model.id)

    want = set(sections)
    if compare is None:
        want.discard("scenarios")
    fields = fields_for(want)
    t = FlowTable.read(model, goal_id, scenario, src, fields)
    scope, rows = _scope_rows(t, respondent, segment)
    c = cube(t)
    one = scope == RESPONDENT or t.pseudo
    ctx = scope_context(t, rows)
    out: dict[str, Any] = {}
    nv = net_from_cube(c, rows) if want & {"net", "opportunities"} else None
    if "net" in want:
        out["net"] = nv
    if "destruction" in want:
        out["destruction"] = value_destruction(c, fetch, rows)
    if "dealbreakers" in want:
        out["dealbreakers"] = deal_breakers(c, fetch, rows)
    g = scope_graph(t, rows, fetch, whole=one) if want & {*NETWORK_SECTIONS, "scenarios"} else None
    if g is not None:
        if "dependency" in want:
            out["dependency"] = dependency(g, ctx)
        if "opportunities" in want and nv is not None:
            out["opportunities"] = opportunities(g, nv, t.scale_max / 2)
        if "loops" in want:
            out["loops"] = value_loops(g)
        if "economic" in want:
            out["economic"] = economic_sheets(g, model.currency, model.economics)
        if "metrics" in want:
            out["metrics"] = network_metrics(g)
    measured = respondent_matrix(c) if want & {"segments", "loyalty", "scenarios"} else None
    if want & {"segments", "loyalty"} and measured is not None and not t.pseudo:
        keys, x = measured
        if "segments" in want:
            out["segments"] = aggregate(keys, x, t.segments)
        if "loyalty" in want:
            people = t.people(rows)
            out["loyalty"] = loyalty(
                keys,
                x[rows],
                [p.nps for p in people],
                [p.churned for p in people],
                [p.segment for p in people],
                t.actors[t.focal],
                t.actors[t.customer],
            )
    if compare is not None and "scenarios" in want and g is not None:
        out["scenarios"] = _compare(model, t, c, rows, g, compare, src, fetch, one, fields, measured)
    return GoalAnalysis(
        model.id,
        goal_id,
        scenario,
        compare,
        t.actors[t.focal],
        t.actors[t.customer],
        scope,
        respondent,
        segment,
        0 if t.pseudo else len(rows),
        ctx,
        **out,
    )


def fields_for(sections: Collection[str]) -> set[str]:
    """The optional flow columns the ``sections`` need (the rest of a stored flow is never read for them)."""
    fields: set[str] = set()
    asked = set(sections)
    if asked & {"destruction", "dealbreakers", "segments", "loyalty", "scenarios", *NETWORK_SECTIONS}:
        fields |= {"touchpoint", "responsible"}
    if asked & {"scenarios", *NETWORK_SECTIONS}:
        fields |= {"money", "occurrences"}
    return fields


def _compare(
    model: Model,
    t: FlowTable,
    c: Cube,
    rows: np.ndarray,
    g: nx.MultiDiGraph,
    other: str,
    src: FlowSource,
    fetch: Fetch,
    one: bool,
    fields: set[str],
    measured: tuple[list[str], np.ndarray] | None,
) -> ScenarioComparison:
    after_t = FlowTable.read(model, t.goal, other, src, fields)
    ids = [t.respondents[i] for i in rows.tolist()]
    chosen = set(ids)
    after_rows = np.array([i for i, r in enumerate(after_t.respondents) if r in chosen], dtype=np.int64)
    after_g = scope_graph(after_t, after_rows, fetch, whole=one)
    sheets = (
        economic_sheets(g, model.currency, model.economics),
        economic_sheets(after_g, model.currency, model.economics),
    )
    return compare(c, cube(after_t), ids, sheets, measured)
