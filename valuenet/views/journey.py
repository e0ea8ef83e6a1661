"""The customer's journey: net perceived value per journey stage, by dimension and by touchpoint.

>>> journey = build_journey(model, segment="working-parents")      # doctest: +SKIP
>>> write_journey(journey, "journey.html")                          # doctest: +SKIP

:func:`build_journey` reads a goal's flows in a scenario (a store's, through
``source``, or the model's) and adds up, for the respondents in scope (a segment,
or everyone), what the customer gets minus what they give up in each exchange
they take part in (with every actor, not only the firm), by the flow's ``stage``
and ``dimension`` and by its ``stage`` and ``touchpoint``. A structural flow that
touches the customer counts once for each respondent, as in the analysis
(:mod:`valuenet.analysis.measures`). Every figure is a mean over the respondents
in scope, a respondent without a flow in a cell counting 0; a cell nobody has a
flow in has no figure (``None``, drawn as "no data", never as 0). Per touchpoint
the figure is weighted by what matters to each respondent (their normalised
weights), as the analysis weighs value; per dimension it is on the model scale.
Flows with no stage are listed last, under :data:`NO_STAGE`. The goal's declared
stages are all shown, in their order, even one nobody has a flow in (no data). A
model without respondents is journeyed as its structural network: no respondent is
counted (``respondents`` is 0) and the figures are the network's own.

:func:`journey_svg` draws it as an inline SVG (stages left to right, a row per
dimension, then each stage's touchpoints under it); every text in it is escaped.
:func:`render_journey` is the whole page (offline, under the views' CSP) and
:func:`write_journey` writes it.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from valuenet.analysis.base import NO_TOUCHPOINT
from valuenet.analysis.report import check_scenarios, pick_goal
from valuenet.analysis.table import FlowTable
from valuenet.errors import AnalysisError
from valuenet.files import write_text
from valuenet.flowcolumns import NONE, FlowSource
from valuenet.models import DEFAULT_SCENARIO, Model
from valuenet.views.story import count, words

#: Where flows that state no stage are listed.
NO_STAGE = "(no stage)"
_CELL_W, _CELL_H, _LABEL_W, _HEAD = 150, 30, 150, 40
_FIELDS = ("touchpoint", "stage")


@dataclass(frozen=True)
class JourneyCell:
    """One stage and dimension (or touchpoint): mean net value, and how many respondents have a flow there."""

    net: float | None
    respondents: int


@dataclass(frozen=True)
class Journey:
    """Net value along the journey for a scope: ``by_dimension[(stage, dimension)]``, ``by_touchpoint[(stage, tp)]``.

    ``touchpoints`` lists each stage's touchpoints in the order the goal's flows first name them;
    ``stage_net`` is each stage's weighted net value (mean respondent).
    """

    title: str
    goal: str
    scenario: str
    scenario_name: str
    segment: str | None
    respondents: int
    scale_max: float
    stages: tuple[str, ...]
    dimensions: tuple[str, ...]
    touchpoints: Mapping[str, tuple[str, ...]]
    by_dimension: Mapping[tuple[str, str], JourneyCell]
    by_touchpoint: Mapping[tuple[str, str], JourneyCell]
    stage_net: Mapping[str, float | None]

    @property
    def scope(self) -> str:
        """Who the figures are for, in words.

        >>> Journey("", "g", "now", "Today", "working-parents", 2000, 5, (), (), {}, {}, {}, {}).scope
        'the working parents segment (2,000 respondents), mean respondent · Today'
        >>> Journey("", "g", "now", "Today", None, 0, 5, (), (), {}, {}, {}, {}).scope
        'the network as modelled (no respondents) · Today'
        """
        if not self.respondents:
            return f"the network as modelled (no respondents) · {self.scenario_name}"
        if self.segment:
            who = f"the {words(self.segment)} segment ({count(self.respondents, 'respondent')})"
        else:
            who = f"all {self.respondents:,} respondents" if self.respondents > 1 else "the one respondent"
        return f"{who}, mean respondent · {self.scenario_name}"


def _cells(keys: np.ndarray, r: np.ndarray, value: np.ndarray, n: int, counted: bool) -> dict[int, JourneyCell]:
    """Mean value per key over ``n`` respondents, and how many distinct respondents have a row there.

    The distinct (key, respondent) pairs are found in one pass, whatever the number of keys.
    ``counted`` is False for a model without respondents, whose stand-in customer is nobody.
    """
    if not len(keys):
        return {}
    codes, inverse = np.unique(keys, return_inverse=True)
    sums = np.bincount(inverse, weights=value, minlength=len(codes))
    span = int(r.max()) + 1
    pairs = np.unique(inverse.astype(np.int64) * span + r)
    people = np.bincount(pairs // span, minlength=len(codes)) if counted else np.zeros(len(codes), dtype=np.int64)
    return {int(code): JourneyCell(float(sums[i]) / n, int(people[i])) for i, code in enumerate(codes.tolist())}


def build_journey(
    model: Model,
    goal: str | None = None,
    scenario: str = DEFAULT_SCENARIO,
    segment: str | None = None,
    source: FlowSource | None = None,
    *,
    stages: Sequence[str] = (),
    respondents: Collection[str] | None = None,
) -> Journey:
    """The journey of ``goal`` in ``scenario`` for ``segment`` (default: everyone), flows read from ``source``.

    ``stages`` (default: the goal's own ``stages``) are shown first, in its order, with or without
    flows; the others follow in the order the goal's flows first name them. ``respondents``, when
    given, keeps only the respondents with those ids (the people two scenarios are compared for).
    """
    goal_id = pick_goal(model, goal)
    check_scenarios(model, goal_id, scenario)
    t = FlowTable.read(model, goal_id, scenario, source, _FIELDS)
    if segment is None:
        scope = np.arange(t.n, dtype=np.int64)
    else:
        scope = np.array([i for i, s in enumerate(t.segments) if s == segment], dtype=np.int64)
        if not len(scope):
            known = ", ".join(sorted({s for s in t.segments if s})) or "none"
            raise AnalysisError(f"goal {goal_id!r} has no respondents in segment {segment!r}; segments: {known}.")
    if respondents is not None and not t.pseudo:
        wanted = set(respondents)
        scope = scope[[t.respondents[i] in wanted for i in scope.tolist()]]
    n = len(scope)
    inside = np.zeros(t.n + 1, dtype=bool)  # index -1 (structural) stays False
    inside[scope] = True
    perceived = ~np.isnan(t.mag)
    own = np.flatnonzero(perceived & (t.resp >= 0) & inside[t.resp])
    parts, people = [own], [t.resp[own]]
    for c in np.unique(t.cust[scope]).tolist():  # structural flows touching the customer: once for each respondent
        rows = np.flatnonzero(perceived & (t.resp == NONE) & ((t.src == c) | (t.dst == c)))
        who = scope[t.cust[scope] == c]
        parts.append(np.tile(rows, len(who)))
        people.append(np.repeat(who, len(rows)))
    idx, r = np.concatenate(parts), np.concatenate(people).astype(np.int64)
    cust = t.cust[r]
    get = (t.dst[idx] == cust) & (t.src[idx] != cust)
    give = (t.src[idx] == cust) & (t.dst[idx] != cust)
    keep = get | give
    idx, r, signed = idx[keep], r[keep], np.where(get, 1.0, -1.0)[keep] * t.mag[idx][keep]
    weighted = signed * t.weights[r, t.dim[idx]]
    n_d, n_tp = len(t.dimensions), len(t.touchpoints) + 1
    stage = np.where(t.stage[idx] >= 0, t.stage[idx], len(t.stages))  # unstated last
    tp = t.tp[idx] + 1
    per = max(n, 1)
    counted = not t.pseudo
    dim_cells = _cells(stage * n_d + t.dim[idx], r, signed, per, counted)
    tp_cells = _cells(stage * n_tp + tp, r, weighted, per, counted)
    stage_cells = _cells(stage, r, weighted, per, counted)
    stage_names = [*t.stages, NO_STAGE]
    used = sorted({code // n_d for code in dim_cells})
    declared = list(dict.fromkeys(stages or model.goal(goal_id).stages))
    place = {name: i for i, name in enumerate(declared)}
    shown = dict.fromkeys([*declared, *(stage_names[s] for s in used)])
    order = tuple(sorted(shown, key=lambda x: (place.get(x, len(place)), x == NO_STAGE)))
    tp_names = [NO_TOUCHPOINT, *t.touchpoints]
    touchpoints: dict[str, list[str]] = {s: [] for s in order}
    by_touchpoint = {}
    for code in sorted(tp_cells):  # by stage, then touchpoints in the order the goal's flows name them
        s, p = divmod(code, n_tp)
        touchpoints[stage_names[s]].append(tp_names[p])
        by_touchpoint[(stage_names[s], tp_names[p])] = tp_cells[code]
    scen = next(x for x in model.goal(goal_id).scenarios if x.id == scenario)
    return Journey(
        model.goal(goal_id).title,
        goal_id,
        scenario,
        scen.name or scenario,
        segment,
        n if counted else 0,
        float(t.scale_max),
        order,
        tuple(t.dimensions),
        {s: tuple(v) for s, v in touchpoints.items()},
        {(stage_names[c // n_d], t.dimensions[c % n_d]): cell for c, cell in dim_cells.items()},
        by_touchpoint,
        {stage_names[c]: cell.net for c, cell in stage_cells.items()},
    )


def fill(value: float | None, top: float) -> str:
    """Red for value destroyed, green for value added, white for none, grey for no data; stronger the larger.

    >>> fill(2.0, 2.0), fill(-1.0, 2.0), fill(None, 2.0)
    ('#1a9850', '#eb9893', '#eeeeee')
    """
    if value is None:
        return "#eeeeee"
    share = 0.0 if top <= 0 else max(-1.0, min(1.0, value / top))
    ends = (26, 152, 80) if share > 0 else (215, 48, 39)
    r, g, b = (round(255 + (c - 255) * abs(share)) for c in ends)
    return f"#{r:02x}{g:02x}{b:02x}"


def figure(value: float | None) -> str:
    """A net value as the report shows it: signed, two decimals; a dash for no data.

    >>> figure(1.5), figure(-0.25), figure(None)
    ('+1.50', '-0.25', '–')
    """
    return "–" if value is None else f"{value:+.2f}"


def _text(x: float, y: float, text: str, cls: str, anchor: str = "middle") -> str:
    return f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" class="{cls}">{html.escape(text)}</text>'


def _cell(x: float, y: float, cell: JourneyCell | None, top: float, title: str) -> str:
    value = None if cell is None else cell.net
    light = value is not None and top > 0 and abs(value) / top > 0.6
    who = "no data" if cell is None else figure(value)
    if cell is not None and cell.respondents:
        who += f", {count(cell.respondents, 'respondent')} with a flow here"
    return (
        f'<g class="jn-cell"><title>{html.escape(f"{title}: {who}")}</title>'
        f'<rect x="{x:g}" y="{y:g}" width="{_CELL_W - 2}" height="{_CELL_H - 2}" rx="2" fill="{fill(value, top)}"/>'
        + _text(x + _CELL_W / 2, y + _CELL_H / 2 + 4, figure(value), "jn-fig" + (" jn-light" if light else ""))
        + "</g>"
    )


def short(text: str, size: int = 22) -> str:
    """``text`` cut to ``size`` characters, ending with … when cut.

    >>> short("waiting room", 8)
    'waiting…'
    """
    return text if len(text) <= size else text[: size - 1] + "…"


def journey_svg(journey: Journey) -> str:
    """The journey as an inline SVG (text escaped): a row per dimension, then the touchpoints under each stage."""
    stages, dims = journey.stages, journey.dimensions
    top_d = max((abs(c.net) for c in journey.by_dimension.values() if c.net is not None), default=0.0)
    top_t = max((abs(c.net) for c in journey.by_touchpoint.values() if c.net is not None), default=0.0)
    deepest = max((len(v) for v in journey.touchpoints.values()), default=0)
    width = _LABEL_W + _CELL_W * max(len(stages), 1)
    tp_top = _HEAD + _CELL_H * len(dims) + 36
    height = tp_top + _HEAD / 2 + (2 * _CELL_H - 8) * deepest + 8
    label = html.escape("Net value by journey stage: " + journey.scope)
    out = [
        f'<svg class="jn-chart" role="img" viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{label}">'
    ]
    for j, s in enumerate(stages):
        x = _LABEL_W + j * _CELL_W
        out.append(_text(x + _CELL_W / 2, 16, short(words(s)), "jn-stage"))
        out.append(_text(x + _CELL_W / 2, 32, "weighted " + figure(journey.stage_net.get(s)), "jn-sub"))
    for i, d in enumerate(dims):
        y = _HEAD + i * _CELL_H
        out.append(_text(_LABEL_W - 8, y + _CELL_H / 2 + 4, d, "jn-dim", "end"))
        for j, s in enumerate(stages):
            cell = journey.by_dimension.get((s, d))
            out.append(_cell(_LABEL_W + j * _CELL_W, y, cell, top_d, f"{words(s)}, {d}"))
    out.append(_text(8, tp_top + 4, "Touchpoints (weighted)", "jn-dim", "start"))
    for j, s in enumerate(stages):
        x = _LABEL_W + j * _CELL_W
        for k, tp in enumerate(journey.touchpoints.get(s, ())):
            y_tp = tp_top + _HEAD / 2 + k * (2 * _CELL_H - 8)
            out.append(_text(x + _CELL_W / 2, y_tp - 4, short(words(tp)), "jn-tp"))
            out.append(_cell(x, y_tp, journey.by_touchpoint.get((s, tp)), top_t, f"{words(s)}, {words(tp)}"))
    out.append("</svg>")
    return "".join(out)


def render_journey(journey: Journey) -> str:
    """The journey as a whole offline HTML page (the views' Content-Security-Policy; nothing is fetched)."""
    from valuenet.views.render import CSP, _environment, asset

    page: str = (
        _environment()
        .get_template("journey.html.j2")
        .render(journey=journey, csp=CSP, svg=journey_svg(journey), css=asset("view.css") + asset("report.css"))
    )
    return page


def write_journey(journey: Journey, path: str | Path) -> Path:
    """Write the journey page to ``path`` (one self-contained UTF-8 file, atomically) and return the path."""
    return write_text(path, render_journey(journey))
