"""An HTML report on one goal, for strategists: self-contained files that open offline.

The numbers come from :func:`valuenet.analysis.report.analyze_goal`; this module
only lays them out, and :mod:`valuenet.views.story` puts them in words. The report
opens with an executive summary (sentences built from the figures, each linking
to its evidence), then the interactive network (the same view as ``valuenet
view``), a heatmap of net perceived value by actor and dimension (where the value
is exchanged, or who causes it), the evidence pack (a card per place the focal
firm destroys value, with the strongest quotes), deal-breakers, the journey,
dependency on the firm, opportunities, a segment comparison, loyalty and, when the
goal has a second scenario, what it changes for the customer and who stops being
pushed past a threshold. :func:`write_report` writes ``index.html`` and the
evidence pack alone as ``evidence.html``.

The heatmap and the journey are inline SVG drawn here from the analysis figures: a
few dozen rectangles need no plotting library, stay sharp at any zoom, print well,
and their labels are escaped like every other text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from valuenet.analysis.evidence import QUOTE_POOL
from valuenet.analysis.segments import ALL
from valuenet.files import make_folder, write_text
from valuenet.flowcolumns import CachedFlows, FlowSource, ModelFlows
from valuenet.models import DEFAULT_SCENARIO, Model
from valuenet.views.data import ViewSpec, build_view
from valuenet.views.journey import Journey, build_journey, figure, fill, journey_svg, short
from valuenet.views.render import _environment, asset, page_parts
from valuenet.views.story import column, count, listing, measure, summary, words

#: Rows shown per table; the report says how many more there are.
MAX_ROWS = 40
#: A score or change smaller than this reads as none (two decimals show 0.00).
NOTHING = 0.005
#: Heatmap row labels longer than this are shortened (the full name is the label's tooltip).
LABEL_CHARS = 48
_SEGMENT_MEASURES = (
    "firm.attributed",
    "firm.share",
    "firm.destroys",
    "destruction.total",
    "dependency.at_risk.weighted",
    "firm.breach",
)
#: Segment measures that are shares of respondents (shown as percentages).
_SHARES = ("firm.share", "firm.destroys", "firm.breach")
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


def heatmap(
    rows: Sequence[tuple[str, Mapping[str, float | None]]],
    dimensions: Sequence[str],
    top: float | None = None,
    keys: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Cells of the actor x dimension heatmap: position, fill, the figure and whether it needs light text.

    A dimension missing from an actor's values, or ``None``, is no data: a grey cell with a dash.
    ``top`` is the value drawn at full colour (default: the largest here). ``keys`` (default: the
    names) identify the rows: each cell's ``key`` is ``(row key, dimension)``, so two readings can be
    matched whatever the names say. A name longer than :data:`LABEL_CHARS` is shortened on its label
    (``rows`` holds the label and the full name, for its tooltip).

    >>> hm = heatmap([("Clinic", {"functional": 2.0, "economic": -1.0})], ["functional", "economic", "symbolic"])
    >>> [(c["text"], c["fill"]) for c in hm["cells"]]
    [('+2.00', '#1a9850'), ('-1.00', '#eb9893'), ('–', '#eeeeee')]
    """
    if top is None:
        top = max((abs(v) for _, values in rows for v in values.values() if v is not None), default=0.0)
    keys = [name for name, _ in rows] if keys is None else keys
    labels = [short(name, LABEL_CHARS) for name, _ in rows]
    longest = max((len(label) for label in labels), default=0)
    label_w, cell_w, cell_h, head = max(120, round(7.4 * longest) + 16), 104, 30, 34
    cells = []
    for i, (name, values) in enumerate(rows):
        for j, d in enumerate(dimensions):
            v = values.get(d)
            cells.append(
                {
                    "key": (keys[i], d),
                    "name": name,
                    "dimension": d,
                    "x": label_w + j * cell_w,
                    "y": head + i * cell_h,
                    "w": cell_w - 2,
                    "h": cell_h - 2,
                    "fill": fill(v, top),
                    "text": figure(v),
                    "title": f"{name}, {d}: " + ("no data" if v is None else figure(v)),
                    "light": v is not None and top > 0 and abs(v) / top > 0.6,
                }
            )
    return {
        "cells": cells,
        "rows": [(labels[i], name, head + i * cell_h) for i, (name, _) in enumerate(rows)],
        "columns": [(d, label_w + j * cell_w) for j, d in enumerate(dimensions)],
        "width": label_w + cell_w * len(dimensions),
        "height": head + cell_h * len(rows) + 4,
        "cell_w": cell_w,
        "cell_h": cell_h,
        "top": top,
        "label_x": label_w - 8,
    }


def _table(title: str, rows: list[dict[str, Any]], note: str = "", anchor: str = "", empty: str = "") -> dict[str, Any]:
    """A table as the template draws it: human column headings, at most :data:`MAX_ROWS` rows."""
    keys = list(rows[0].keys()) if rows else []
    return {
        "title": title,
        "id": anchor,
        "columns": [(k, column(k)) for k in keys],
        "rows": rows[:MAX_ROWS],
        "more": max(0, len(rows) - MAX_ROWS),
        "note": note,
        "empty": empty or "Nothing to show.",
    }


def _segment_pivot(segments: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """Key measures (rows) by segment (columns, everyone last): mean with its 95% interval and n."""
    rows = []
    seg_names = sorted(segments, key=lambda s: (s == ALL, s))
    by_measure: dict[str, dict[str, str]] = {}
    for seg in seg_names:
        for r in segments[seg].rows():
            if r["measure"] in _SEGMENT_MEASURES:
                fmt = "{:.0%}" if r["measure"] in _SHARES else "{:.2f}"
                interval = "" if r["ci_low"] is None else f" [{fmt.format(r['ci_low'])}, {fmt.format(r['ci_high'])}]"
                mean = "–" if r["mean"] is None else fmt.format(r["mean"])
                by_measure.setdefault(r["measure"], {})[seg] = f"{mean}{interval} n={r['n']}"
    for m in _SEGMENT_MEASURES:
        if m in by_measure:
            rows.append(
                {
                    "measure": measure(m, names),
                    **{("everyone" if s == ALL else words(s)): by_measure[m].get(s, "–") for s in seg_names},
                }
            )
    return _table(
        "Segments compared (mean [95% interval] n)",
        rows,
        anchor="segments",
        empty="No respondents, so no segments to compare.",
    )


def _stat(segments: Mapping[str, Any] | None, seg: str, name: str) -> Any:
    stat = (segments or {}).get(seg)
    return None if stat is None else stat.measures.get(name)


def _mean(segments: Mapping[str, Any] | None, seg: str, name: str) -> float | None:
    found = _stat(segments, seg, name)
    return None if found is None else float(found.mean)


def _net_rows(
    result: Any, names: Mapping[str, str], caused: Mapping[str, Mapping[str, float | None]], dims: list[str]
) -> Any:
    """The two heatmap readings: where value is exchanged and who causes it (no data as None in both).

    Rows and cells are matched by actor id, never by the names shown. With more than :data:`MAX_ROWS`
    actors, the rows are the :data:`MAX_ROWS` with the largest weighted net value either way and the focal
    firm, in rank order; ``more`` says how many are left out.
    """
    ranked = sorted(result.net.actors.values(), key=lambda a: (a.rank, a.actor))
    hidden = 0
    if len(ranked) > MAX_ROWS + 1:
        kept = {a.actor for a in sorted(ranked, key=lambda a: (-abs(a.weighted), a.rank, a.actor))[:MAX_ROWS]}
        kept.add(result.focal)
        hidden = len(ranked) - len(kept)
        ranked = [a for a in ranked if a.actor in kept]
    label = {a.actor: names.get(a.actor, a.actor) + (" (focal)" if a.actor == result.focal else "") for a in ranked}
    where = {
        a.actor: {d: (a.net[d] if a.gets.get(d, 0.0) or a.gives.get(d, 0.0) else None) for d in dims} for a in ranked
    }
    order = [a.actor for a in ranked] + sorted(set(caused) - set(label) - set(result.net.actors))[:MAX_ROWS]
    who = {actor: {d: caused.get(actor, {}).get(d) for d in dims} for actor in order}
    top = max((abs(v) for vs in [*where.values(), *who.values()] for v in vs.values() if v is not None), default=0.0)
    hm_where = heatmap([(label[a], where[a]) for a in where], dims, top, keys=list(where))
    hm_who = heatmap([(label.get(a, names.get(a, a)), who[a]) for a in order], dims, top, keys=order)
    was = {c["key"]: c["text"] for c in hm_where["cells"]}
    moved = []
    for c in hm_who["cells"]:
        before = was.get(c["key"], "–")
        c["moved"] = before != c["text"]
        if c["moved"]:
            moved.append(f"{c['name']}, {c['dimension']} {before} → {c['text']}")
    for c in hm_where["cells"]:
        c["moved"] = False
    hm_who["moved"] = moved
    more = ""
    if hidden:
        more = (
            f"{count(hidden, 'more actor')} not shown: the rows are the {MAX_ROWS} with the most net value "
            f"either way, and {names.get(result.focal, result.focal)}."
        )
    hm_where["more"] = hm_who["more"] = more
    return hm_where, hm_who


def _card(i: Any, rank: int, names: Mapping[str, str], firm: str, n: int, scale: float) -> dict[str, Any]:
    """One evidence card: a place the firm destroys value, its numbers and the strongest quotes."""
    tp = "an unnamed touchpoint" if i.touchpoint.startswith("(") else words(i.touchpoint)
    actor = names.get(i.actor, i.actor)
    return {
        "id": f"card-{rank}",
        "rank": rank,
        "touchpoint": tp,
        "actor": actor,
        "dimension": i.dimension,
        "kind": i.kind,
        "tag": "the firm's own touchpoint" if i.kind == "direct" else f"knock-on effect at {actor}",
        "cause": "" if i.kind == "direct" else f"Happens with {actor}, caused by {firm}.",
        "gets": i.gets,
        "gives": i.gives,
        "weighted": i.weighted,
        "respondents": i.respondents,
        "share": i.share if n else None,
        "scale": scale,
        "who": "Value is lost here in the network as modelled (no respondents)"
        if not n
        else f"All {count(n, 'respondent')} lose value here"
        if i.respondents == n
        else f"{i.respondents:,} of {count(n, 'respondent')} ({i.share:.0%}) lose value here",
        "at_least": i.respondents > QUOTE_POOL,
        "quotes": [
            {"text": e.text, "said": e.respondents, "size": e.size}
            for e in (i.evidence or tuple(_bare(q) for q in i.quotes))
        ],
    }


def _bare(text: str) -> Any:
    from valuenet.analysis.evidence import Evidence

    return Evidence(text, 1, 0.0)


def _dealbreakers(result: Any, names: Mapping[str, str]) -> dict[str, Any]:
    rows = [
        {
            "actor": names.get(b.actor, b.actor),
            "dimension": b.dimension,
            "touchpoint": words(b.touchpoint) if b.touchpoint else "overall",
            "respondents": b.respondents,
            "share": f"{b.share:.0%}",
            "given_up": b.given_up,
            "threshold": b.threshold,
            "excess": b.excess,
            "quotes": " ".join(f"“{q}”" for q in b.quotes),
        }
        for b in result.dealbreakers or ()
    ]
    if not any(r["quotes"] for r in rows):  # nobody was quoted: no empty column
        for r in rows:
            del r["quotes"]
    return _table(
        "Deal-breakers: give-ups past what respondents will tolerate at one touchpoint",
        rows,
        "Means over the respondents past their threshold; the actor is the one who causes the give-up.",
        "dealbreakers",
        "No respondent gives up more than they will tolerate at any touchpoint.",
    )


def _dependency(result: Any, names: Mapping[str, str]) -> dict[str, Any]:
    dep = result.dependency
    rows = [
        {
            "dimension": x.dimension,
            "total_gets": x.total_gets,
            "at_risk": x.at_risk,
            "share_at_risk": "–" if x.share is None else f"{x.share:.0%}",
            "substitutes": ", ".join(f"{names.get(s.actor, s.actor)} ({s.coverage:.0%})" for s in x.substitutes)
            or ("nobody" if x.at_risk >= NOTHING else "–"),
        }
        for x in (dep.dimensions.values() if dep is not None else ())
        if x.total_gets >= NOTHING
    ]
    firm = names.get(result.focal, result.focal)
    return _table(
        f"What customers would lose if {firm} left the network",
        rows,
        "Value received in each dimension, the part that comes from or through the firm, and who already gives "
        "some of it (their cover of the firm's part).",
        "dependency",
        "Customers receive no value from anyone in the network as modelled, so nothing would be lost.",
    )


def _opportunities(result: Any, names: Mapping[str, str]) -> dict[str, Any]:
    """Underserved dimensions and brokerage positions worth something; a line when there are none."""
    opp = result.opportunities
    rows: list[dict[str, Any]] = []
    if opp is not None:
        for d in opp.dimensions:
            if d.opportunity and d.score >= NOTHING:
                best = (
                    f"the best actor, {names.get(d.best_actor, d.best_actor)}, gives {d.best_net:+.2f}"
                    if d.best_actor
                    else "nobody gives any"
                )
                rows.append(
                    {
                        "item": f"{d.dimension} value",
                        "score": d.score,
                        "note": f"matters {d.weight:.0%} to customers; {best}, short of a good {opp.good:g} by "
                        f"{d.gap:.2f}",
                    }
                )
        for b in opp.brokerage:
            if not b.held and (b.constraint_drop or 0.0) >= NOTHING:
                a, c = names.get(b.a, b.a), names.get(b.b, b.b)
                rows.append(
                    {
                        "item": f"connect {a} and {c}",
                        "score": b.constraint_drop,
                        "note": "they do not deal with each other; sitting between them frees the firm's position",
                    }
                )
    return _table(
        "Where the firm could add value",
        rows,
        "Dimensions that matter and nobody serves well, and brokerage positions that would free the firm's place "
        "in the network (score: the gain).",
        "opportunities",
        "No opportunity stands out: every dimension that matters is served well by someone, and no brokerage "
        "position would improve the firm's place in the network.",
    )


def _loyalty(result: Any, names: Mapping[str, str]) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
    """The NPS table, a line about the drivers, and the conclusive drivers (if any)."""
    loy = result.loyalty
    if loy is None:
        none = "No respondent said how likely they are to recommend the firm, so there is no Net Promoter Score."
        return (
            _table("Net Promoter Score per segment", [], anchor="loyalty", empty=none),
            "No respondent gave a likelihood to recommend or said whether they churned, so no driver can be tested.",
            [],
        )
    nps = [
        {
            "segment": "everyone" if s.segment == ALL else words(s.segment),
            "n": s.n,
            "net_promoter_score": "–" if s.nps is None else f"{s.nps:+.0f}",
            "interval": "–" if s.ci_low is None else f"{s.ci_low:+.0f} to {s.ci_high:+.0f}",
            "promoters": s.promoters,
            "detractors": s.detractors,
        }
        for s in loy.nps
    ]
    table = _table(
        "Net Promoter Score per segment",
        nps,
        "Promoters (9–10) less detractors (0–6), in points; the interval is a bootstrap 95% interval.",
        "loyalty",
    )
    found = [d for d in loy.drivers if d.conclusive]
    rows = [
        {
            "item": measure(d.feature, names),
            "measure": "likelihood to recommend" if d.target == "nps" else "churn",
            "value": d.rho,
            "note": f"{d.effect:+.2f} {d.unit}" if d.effect is not None else d.note,
        }
        for d in found
    ]
    if found:
        line = f"{count(len(found), 'driver')} of {len(loy.drivers)} tested are conclusive (value: rank correlation)."
    elif loy.drivers:
        strongest = max(loy.drivers, key=lambda d: abs(d.rho or 0.0))
        n = max(d.n for d in loy.drivers)
        line = (
            f"None of the {len(loy.drivers)} possible loyalty drivers is conclusive with {count(n, 'respondent')}: "
            f"the strongest link, {_lower(measure(strongest.feature, names))} with "
            f"{'likelihood to recommend' if strongest.target == 'nps' else 'churn'} (rank correlation "
            f"{strongest.rho or 0.0:.2f}), needs more respondents to be confirmed."
        )
    else:
        line = "No respondent gave a likelihood to recommend or said whether they churned, so no driver can be tested."
    return table, line, rows


def _scenario(model: Model, result: Any, names: Mapping[str, str], journeys: tuple[Journey, Journey] | None) -> Any:
    """The compared scenario told as a story: what is better or worse for the customer, per actor and touchpoint."""
    c = result.scenarios
    if c is None:
        return None
    goal = model.goal(result.goal)
    after = next(s for s in goal.scenarios if s.id == c.after)
    before = next(s for s in goal.scenarios if s.id == c.before)

    def verdict(change: float) -> str:
        return "better" if change > 0 else "worse" if change < 0 else "the same"

    changes = [
        {
            "actor": names.get(x.actor, x.actor),
            "dimension": "all (weighted)" if x.dimension == "weighted" else x.dimension,
            "before": figure(x.before),
            "after": figure(x.after),
            "verdict": f"{verdict(x.change)} by {abs(x.change):.2f}",
            "better": f"{x.better:.0%}",
            "worse": f"{x.worse:.0%}",
        }
        for x in c.changes
        if abs(x.change) >= NOTHING
    ]
    moves: list[tuple[float, dict[str, Any]]] = []
    if journeys is not None:
        old, new = journeys
        for key in dict.fromkeys([*old.by_touchpoint, *new.by_touchpoint]):
            a, b = old.by_touchpoint.get(key), new.by_touchpoint.get(key)
            va, vb = (a.net if a else None), (b.net if b else None)
            delta = (vb or 0.0) - (va or 0.0)
            if abs(delta) >= NOTHING:
                moves.append(
                    (
                        delta,
                        {
                            "stage": words(key[0]),
                            "touchpoint": words(key[1]),
                            "before": figure(va),
                            "after": figure(vb),
                            "verdict": ("new, " if a is None else "gone, " if b is None else "")
                            + f"{verdict(delta)} by {abs(delta):.2f}",
                        },
                    )
                )
    moves.sort(key=lambda m: -abs(m[0]))  # the largest change first, better or worse
    tps = [row for _, row in moves]
    people = {p.id: p for p in model.respondents}
    firm = names.get(result.focal, result.focal)

    def breaches(found: tuple[tuple[str, str, str], ...]) -> str:
        by_actor: dict[str, list[str]] = {}
        for a, d, tp in found:
            by_actor.setdefault(names.get(a, a), []).append(f"{d} at the {words(tp)}" if tp else f"{d} overall")
        return "; ".join(f"{a}: {', '.join(ds)}" for a, ds in by_actor.items()) or "none"

    shifts = [
        {
            "respondent": (people[s.respondent].name or s.respondent) if s.respondent in people else s.respondent,
            "segment": words(s.segment) if s.segment else "–",
            "nps": "–" if s.nps is None else s.nps,
            "churned": "–" if s.churned is None else ("yes" if s.churned else "no"),
            "past_before": breaches(s.before),
            "past_after": breaches(s.after),
            "what_changes": _shift(s, result.focal, names),
        }
        for s in c.shifts
    ]
    shifts.sort(key=lambda r: (not r["what_changes"].startswith("stops"), r["respondent"]))
    return {
        "before": before,
        "after": after,
        "respondents": c.respondents,
        "group": comparison_group(c.respondents, result.respondents),
        "changes": _table(
            f"What {after.name or after.id} changes for the customer, per actor and dimension",
            changes,
            "Mean net value per respondent before and after; better or worse is for the customer.",
            "scenario-actors",
            "No actor gives the customer more or less value.",
        ),
        "touchpoints": _table(
            "… and per touchpoint (weighted)",
            tps,
            anchor="scenario-touchpoints",
            empty="No touchpoint changes.",
        ),
        "shifts": _table(
            f"Who stops or starts being pushed past a threshold under {after.name or after.id}",
            shifts,
            "A threshold is the most a respondent will give up in a dimension at one touchpoint; the columns "
            "name, per actor, the dimensions and touchpoints at which they go past one, before and after.",
            "return-on-change-table",
            f"Nobody's thresholds change: {firm} pushes the same respondents past them in both scenarios.",
        ),
        "roc": c.return_on_change(result.focal),
    }


def comparison_group(compared: int, respondents: int) -> str:
    """Who a scenario comparison is for, in words.

    >>> comparison_group(8, 20), comparison_group(1, 1), comparison_group(1, 0)
    ('for the 8 respondents in both', 'for the 1 respondent in both', 'for the network as modelled')
    """
    return f"for the {count(compared, 'respondent')} in both" if respondents else "for the network as modelled"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def newly_elsewhere(shifts: Sequence[Any], focal: str) -> dict[str, set[str]]:
    """Per actor other than the firm, the respondents newly past a threshold with it (at a touchpoint or overall)."""
    out: dict[str, set[str]] = {}
    for s in shifts:
        for a, _, _ in set(s.after) - set(s.before):
            if a != focal:
                out.setdefault(a, set()).add(s.respondent)
    return out


def _shift(s: Any, focal: str, names: Mapping[str, str]) -> str:
    """What changes for one respondent's thresholds, in words: with the firm first, then with other actors.

    Thresholds are counted per touchpoint and dimension, so a breach that moves to another touchpoint shows.
    """
    if s.stops(focal):
        said = "stops being pushed past a threshold by the firm"
    elif s.starts(focal):
        said = "starts being pushed past a threshold by the firm"
    else:
        was, now = (sum(1 for b in x if b[0] == focal) for x in (s.before, s.after))
        moved = {b for b in s.before if b[0] == focal} != {b for b in s.after if b[0] == focal}
        if now != was:
            said = f"pushed past {'fewer' if now < was else 'more'} thresholds by the firm ({was} to {now})"
        elif moved:
            said = "pushed past as many thresholds by the firm, at other touchpoints"
        else:
            said = ""
    others = sorted({names.get(a, a) for a, _, _ in set(s.after) - set(s.before) if a != focal}, key=str.casefold)
    gone = sorted({names.get(a, a) for a, _, _ in set(s.before) - set(s.after) if a != focal}, key=str.casefold)
    extra = []
    if others:
        extra.append(f"newly past one with {listing(others)}")
    if gone:
        extra.append(f"no longer past one with {listing(gone)}")
    return "; ".join([said, *extra] if said else extra) or "thresholds with other actors change"


def build_report(model: Model, spec: ReportSpec, source: FlowSource | None = None) -> dict[str, Any]:
    """Everything the report page shows, as template data (the analysis runs here, on ``source``'s flows)."""
    from valuenet.analysis.destruction import breach_loyalty, who_causes
    from valuenet.analysis.measures import cube
    from valuenet.analysis.report import analyze_goal
    from valuenet.analysis.table import FlowTable

    source = CachedFlows(source or ModelFlows(model))  # the analysis and the network view read the flows once
    goal = spec.goal or (model.goals[0].id if len(model.goals) == 1 else None)
    scenarios = [s.id for s in model.goal(goal).scenarios] if goal else []
    compare = spec.compare or next((s for s in scenarios if s != spec.scenario), None)
    result = analyze_goal(model, goal, scenario=spec.scenario, compare=compare, sections=REPORT_SECTIONS, source=source)
    assert result.net is not None and result.destruction is not None  # segments: None without respondents
    names = {a.id: a.name for a in model.actors}
    firm = names.get(result.focal, result.focal)
    view = build_view(model, ViewSpec(goal=result.goal, scenario=spec.scenario, color_by="impact"), source)
    c = cube(FlowTable.read(model, result.goal, spec.scenario, source, ("touchpoint", "responsible")))

    dims = [d for d in model.dimension_ids if any(d in a.net for a in result.net.actors.values())]
    where, who = _net_rows(result, names, who_causes(c), dims)
    n = result.respondents
    cards = [_card(i, k + 1, names, firm, n, model.scale.max) for k, i in enumerate(result.destruction.items)]
    journey = build_journey(model, result.goal, spec.scenario, source=source)
    journeys = None
    if compare:  # both over the people the comparison is for: those in both scenarios
        both = set(FlowTable.read(model, result.goal, spec.scenario, source).respondents)
        both &= set(FlowTable.read(model, result.goal, compare, source).respondents)
        journeys = (
            build_journey(model, result.goal, spec.scenario, source=source, respondents=both),
            build_journey(model, result.goal, compare, source=source, respondents=both),
        )
    goal_obj = model.goal(result.goal)
    scen = {s.id: s for s in goal_obj.scenarios}
    nps_table, drivers_line, drivers = _loyalty(result, names)
    scenario = _scenario(model, result, names, journeys)
    destroys = _mean(result.segments, ALL, "firm.destroys")
    losses = sorted(
        (
            (float(x.mean), s, int(x.n))
            for s in result.segments or {}
            if s != ALL
            if (x := _stat(result.segments, s, "destruction.total")) is not None
        ),
        reverse=True,
    )
    story = {
        "result": result,
        "names": names,
        "firm": firm,
        "scale_max": model.scale.max,
        "destroys": None if destroys is None else round(destroys * n),
        "nps": {s.segment: (s.nps, s.n) for s in result.loyalty.nps} if result.loyalty is not None else {},
        "loss_by_segment": losses,
        "breach": breach_loyalty(c) if n else None,
        "scenario": scen.get(compare) if compare else None,
        "roc": scenario["roc"] if scenario else None,
        "newly_elsewhere": newly_elsewhere(result.scenarios.shifts, result.focal) if result.scenarios else {},
        "journey": journey,
    }
    figures = [
        (f"Rank of {firm} by net value", f"{result.net.focal_rank} of {len(result.net.actors)}"),
        (
            "Its share of the value the customer gets",
            "–" if result.net.focal_share is None else f"{result.net.focal_share:.0%}",
        ),
        ("Value it destroys (weighted)", f"{result.destruction.total_weighted:.2f}"),
        ("Respondents", f"{n:,}"),
    ]
    sentences = summary(story)
    return {
        "model": model,
        "goal": goal_obj,
        "result": result,
        "firm": firm,
        "people": count(n, "respondent") if n else "no respondents",
        "user_text": _user_text(model),
        "scenario_now": scen[spec.scenario],
        "scenario_then": scen.get(compare) if compare else None,
        "summary": sentences,
        "roc_line": next((x.text for x in sentences if x.href == "#return-on-change"), ""),
        "figures": figures,
        "heatmap": where,
        "heatmap_who": who,
        "cards": cards,
        "dealbreakers": _dealbreakers(result, names),
        "journey": journey,
        "journey_svg": journey_svg(journey),
        "dependency": _dependency(result, names),
        "opportunities": _opportunities(result, names),
        "nps": nps_table,
        "drivers_line": drivers_line,
        "drivers": _table("Conclusive loyalty drivers", drivers, anchor="drivers") if drivers else None,
        "segments": _segment_pivot(result.segments or {}, names),
        "scenario": scenario,
        "compare": compare,
        "report_css": asset("report.css"),
        **page_parts(view),
    }


def cell(value: Any) -> str:
    """How a table cell reads: numbers to two decimals, lists joined, nothing as a dash.

    >>> cell(0.1234), cell(["a", "b"]), cell(None), cell(True), cell({"gp": 2.5}), cell(2000), cell(1234.5)
    ('0.12', 'a, b', '–', 'yes', 'gp 2.5', '2,000', '1,234.50')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in value.items())
    return str(value)


def isolate(text: str, parts: Iterable[str]) -> Any:
    """``text`` escaped, with each of ``parts`` in it (user text: names, quotes) isolated in ``<bdi>``.

    A right-to-left name in an English sentence then keeps its own direction and does not reorder the
    words around it. Matching runs on the raw text, whole words only, and every piece is escaped on its own.

    >>> str(isolate("Clinic & <b> beat ميناء, not threshold", ["ميناء", "<b>", "old"]))
    'Clinic &amp; <bdi>&lt;b&gt;</bdi> beat <bdi>ميناء</bdi>, not threshold'
    """
    from markupsafe import Markup, escape

    found = sorted({p for p in parts if p and p.strip() and p in text}, key=len, reverse=True)
    if not found:
        return escape(text)
    out, pos = [], 0
    for m in re.finditer(r"(?<!\w)(?:" + "|".join(map(re.escape, found)) + r")(?!\w)", text):
        out += [str(escape(text[pos : m.start()])), "<bdi>", str(escape(m.group())), "</bdi>"]
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def _user_text(model: Model) -> list[str]:
    """The user's words as the report shows them: actor, scenario and goal names, touchpoints, stages, segments."""
    goal_words = [
        x
        for g in model.goals
        for x in (g.title, *g.stages, *(s.name or s.id for s in g.scenarios), *(s.description for s in g.scenarios))
        if x
    ]
    places = {f.touchpoint for f in model.flows if f.touchpoint} | {f.stage for f in model.flows if f.stage}
    places |= {r.segment for r in model.respondents if r.segment}
    found = [*(a.name for a in model.actors), *goal_words, *(words(p) for p in places)]
    return found + [x[:1].upper() + x[1:] for x in found]  # as they open a sentence too


def _render(template: str, data: Mapping[str, Any]) -> str:
    env = _environment()
    env.filters["cell"] = cell
    env.filters["bidi"] = lambda text: isolate(str(text), data["user_text"])
    html: str = env.get_template(template).render(**data)
    return html


def render_report(model: Model, spec: ReportSpec, source: FlowSource | None = None) -> str:
    """The report page as HTML text (flows read from ``source``, by default the model's own)."""
    return _render("report.html.j2", build_report(model, spec, source))


def render_evidence(model: Model, spec: ReportSpec, source: FlowSource | None = None) -> str:
    """The evidence pack alone, as a printable HTML page: a card per place the firm destroys value."""
    return _render("evidence.html.j2", build_report(model, spec, source))


def write_report(model: Model, spec: ReportSpec, folder: str | Path, source: FlowSource | None = None) -> Path:
    """Write the report to ``folder/index.html`` and the evidence pack to ``folder/evidence.html``.

    Both are self-contained UTF-8 files; the folder is created when it does not exist.
    Returns the path of ``index.html``.
    """
    data = build_report(model, spec, source)
    out = make_folder(folder)
    write_text(out / "evidence.html", _render("evidence.html.j2", data))
    return write_text(out / "index.html", _render("report.html.j2", data))
