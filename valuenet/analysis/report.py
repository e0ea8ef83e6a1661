"""One call that answers every question about a goal: :func:`analyze_goal`.

The CLI (``valuenet analyze``), the HTML report and the Neo4j query tests all call
it. The scope is one respondent, one segment, or everyone. For a segment or
everyone, the network sections describe the *mean respondent*: every
respondent flow counts once per average respondent (see
:func:`valuenet.analysis.base.mean_network`), weights are averaged, and
deal-breakers are listed per respondent, since a threshold is personal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from valuenet.analysis.base import Context, Result, context_of, mean_context, mean_network, restrict
from valuenet.analysis.dependency import Dependency, dependency
from valuenet.analysis.destruction import DealBreaker, Destruction, deal_breakers, dealbreaker_rows, value_destruction
from valuenet.analysis.economic import Economic, economic_sheets
from valuenet.analysis.loops import Loops, value_loops
from valuenet.analysis.loyalty import Loyalty, default_features, loyalty
from valuenet.analysis.metrics import NetworkMetrics, network_metrics
from valuenet.analysis.net import NetValue, net_value
from valuenet.analysis.opportunities import Opportunities, opportunities
from valuenet.analysis.scenarios import (
    BreakChange,
    Change,
    ScenarioComparison,
    compare_measures,
    compare_networks,
)
from valuenet.analysis.segments import SegmentSummary, aggregate, measure_matrix, respondent_measures
from valuenet.errors import AnalysisError
from valuenet.graph import goal_graph
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
RESPONDENT, SEGMENT, EVERYONE = "respondent", "segment", "all"
#: A titled table: (title, rows).
Table = tuple[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class GoalAnalysis(Result):
    """Everything the analysis says about one goal and scenario, for a respondent, a segment or everyone."""

    model: str
    goal: str
    scenario: str
    compare: str | None
    focal: str
    customer: str
    scope: str
    respondent: str | None
    segment: str | None
    respondents: tuple[str, ...]
    context: Context
    net: NetValue
    destruction: Destruction
    dealbreakers: Mapping[str, tuple[DealBreaker, ...]]
    dependency: Dependency
    opportunities: Opportunities
    loops: Loops
    economic: Economic
    metrics: NetworkMetrics
    segments: Mapping[str, SegmentSummary]
    loyalty: Loyalty
    scenarios: ScenarioComparison | None

    def to_dict(self, sections: Sequence[str] = SECTIONS) -> dict[str, Any]:
        """The JSON document of ``docs/analysis.md``, with only the ``sections`` asked for."""
        data = super().to_dict()
        return {k: v for k, v in data.items() if k not in SECTIONS or k in sections}

    def tables(self, sections: Sequence[str] = SECTIONS, *, full: bool = False) -> list[Table]:
        """Titled tables of rows for the ``sections`` asked for; ``full`` adds every segment measure."""
        out: list[Table] = []
        who = self.respondent or (f"segment {self.segment}" if self.segment else "all respondents")
        for s in sections:
            if s == "net":
                out.append((f"Net perceived value per actor ({who}, {self.scenario})", self.net.rows()))
            elif s == "destruction":
                out.append((f"Where {self.focal} destroys value, largest first", self.destruction.rows()))
                out.append(
                    (f"Touchpoints of {self.focal} (weighted net)", [t.to_dict() for t in self.destruction.touchpoints])
                )
            elif s == "dealbreakers":
                out.append(
                    (
                        "Deal-breakers: give-ups past the respondent's threshold",
                        [
                            {"respondent": r, **row}
                            for r, found in self.dealbreakers.items()
                            for row in dealbreaker_rows(found, self.focal)
                        ],
                    )
                )
            elif s == "dependency":
                out.append((f"Dependency on {self.focal} and substitutes", self.dependency.rows()))
            elif s == "opportunities":
                out.append(("Opportunities", self.opportunities.rows()))
            elif s == "loops":
                out.append(("Stakeholder importance (value loops)", self.loops.rows()))
                out.append(("Strongest value loops", self.loops.loop_rows()))
            elif s == "economic":
                out.append(
                    (f"Economic net value flow per actor ({self.economic.currency or 'money'})", self.economic.rows())
                )
                out.append(("Economic issues", [i.to_dict() for i in self.economic.issues]))
            elif s == "metrics":
                out.append(("Network metrics", self.metrics.rows()))
            elif s == "segments":
                out.append(("Segments", self._segment_rows(full)))
            elif s == "loyalty":
                out.append(("NPS per segment", self.loyalty.rows()))
                out.append(("Loyalty drivers", self.loyalty.driver_rows()))
            elif s == "scenarios" and self.scenarios is not None:
                title = f"{self.scenarios.before} -> {self.scenarios.after}"
                out.append((f"Scenario change per respondent and actor ({title})", self.scenarios.rows()))
                out.append((f"Scenario change per segment ({title})", self.scenarios.segment_rows()))
                out.append(
                    (f"Deal-breakers gained or lost ({title})", [b.to_dict() for b in self.scenarios.dealbreakers])
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
        for s in self.segments.values():
            rows += [r for r in s.rows() if full or r["measure"] in key]
        return rows


def _pick_goal(model: Model, goal: str | None) -> str:
    if goal is not None:
        model.goal(goal)
        return goal
    if len(model.goals) != 1:
        raise AnalysisError(
            f"model {model.id!r} has {len(model.goals)} goals "
            f"({', '.join(g.id for g in model.goals) or 'none'}); name one with --goal."
        )
    return model.goals[0].id


def respondents_of(model: Model, goal: str, scenario: str, segment: str | None = None) -> list[str]:
    """Respondents with at least one flow in the goal and scenario (in model order), optionally of one segment."""
    has = {f.respondent for f in model.flows if f.goal == goal and f.scenario == scenario and f.respondent}
    return [r.id for r in model.respondents if r.id in has and (segment is None or r.segment == segment)]


def analyze_goal(
    model: Model,
    goal: str | None = None,
    *,
    scenario: str = DEFAULT_SCENARIO,
    respondent: str | None = None,
    segment: str | None = None,
    compare: str | None = None,
) -> GoalAnalysis:
    """Analyse a goal's network in a scenario for one respondent, one segment, or everyone (the default).

    ``compare`` names a second scenario to compare with (for example ``future-a``).
    """
    goal_id = _pick_goal(model, goal)
    scenarios = [s.id for s in model.goal(goal_id).scenarios]
    for name in (scenario, compare):
        if name is not None and name not in scenarios:
            raise AnalysisError(f"goal {goal_id!r} has no scenario {name!r}; scenarios: {', '.join(scenarios)}.")
    if respondent is not None and segment is not None:
        raise AnalysisError("name a respondent or a segment, not both.")
    everyone = respondents_of(model, goal_id, scenario)
    if respondent is not None:
        model.respondent(respondent)
        if respondent not in everyone:
            raise AnalysisError(f"respondent {respondent!r} has no flows in goal {goal_id!r}, scenario {scenario!r}.")
        scope, ids = RESPONDENT, [respondent]
    elif segment is not None:
        ids = respondents_of(model, goal_id, scenario, segment)
        if not ids:
            known = sorted({r.segment for r in model.respondents if r.segment and r.id in everyone})
            raise AnalysisError(
                f"goal {goal_id!r}, scenario {scenario!r} has no respondents in segment {segment!r}; "
                f"segments: {', '.join(known) or 'none'}."
            )
        scope = SEGMENT
    else:
        scope, ids = EVERYONE, everyone
    contexts = {r: context_of(model, r) for r in everyone}
    graphs = {r: goal_graph(model, goal_id, scenario, r) for r in everyone}

    if respondent is not None:
        g, ctx = graphs[respondent], contexts[respondent]
    else:
        g = mean_network(restrict(goal_graph(model, goal_id, scenario), ids), len(ids))
        ctx = mean_context([contexts[r] for r in ids], model.dimension_ids)

    rows = [respondent_measures(graphs[r], contexts[r]) for r in everyone]
    keys, x = measure_matrix(rows)
    segs = [model.respondent(r).segment for r in everyone]
    people = [model.respondent(r) for r in (ids if scope == SEGMENT else everyone)]
    idx = [everyone.index(p.id) for p in people]
    focal, customer = model.focal_firm().id, model.customer_of(goal_id)
    loyal = loyalty(
        keys,
        x[idx],
        [p.nps for p in people],
        [p.churned for p in people],
        [p.segment for p in people],
        default_features(keys, focal, customer),
    )

    comparison = None
    if compare is not None:
        both = [r for r in respondents_of(model, goal_id, compare) if r in ids]
        changes: list[Change] = []
        breaks: list[BreakChange] = []
        before_rows, after_rows = [], []
        for r in both:
            after_g = goal_graph(model, goal_id, compare, r)
            c, b = compare_networks(graphs[r], after_g, contexts[r], r)
            changes += c
            breaks += b
            before_rows.append(respondent_measures(graphs[r], contexts[r], graph_measures=False))
            after_rows.append(respondent_measures(after_g, contexts[r], graph_measures=False))
        per_segment = (
            compare_measures(
                measure_matrix(before_rows), measure_matrix(after_rows), [model.respondent(r).segment for r in both]
            )
            if both
            else {}
        )
        comparison = ScenarioComparison(scenario, compare, tuple(both), tuple(changes), tuple(breaks), per_segment)

    return GoalAnalysis(
        model.id,
        goal_id,
        scenario,
        compare,
        focal,
        customer,
        scope,
        respondent,
        segment,
        tuple(ids),
        ctx,
        net_value(g, ctx),
        value_destruction(g, ctx),
        {r: deal_breakers(graphs[r], contexts[r]) for r in ids},
        dependency(g, ctx),
        opportunities(g, ctx),
        value_loops(g),
        economic_sheets(g, model.currency),
        network_metrics(g),
        aggregate(keys, x, segs),
        loyal,
        comparison,
    )
