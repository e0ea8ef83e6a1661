"""The report's words: column and measure names a strategist reads, and the executive summary.

Every heading and column the report shows goes through :func:`column` or
:func:`measure` (no dotted measure ids, no underscores). :func:`summary` writes
the summary at the top of the report: plain sentences built from the analysis
figures, each linking to the section that holds its evidence. The sentences are
plain text; the template escapes them like every other text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from valuenet.analysis.segments import ALL

#: Column names (analysis row keys) in words.
COLUMNS = {
    "actor": "Actor",
    "after": "After",
    "after_per_member": "After, per member",
    "after_segment": "After, whole segment",
    "at_risk": "At risk if the firm left",
    "before": "Before",
    "before_per_member": "Before, per member",
    "before_segment": "Before, whole segment",
    "better": "Better off",
    "change": "Change",
    "change_per_member": "Change per member",
    "churned": "Churned",
    "ci_high": "95% interval, high",
    "ci_low": "95% interval, low",
    "detractors": "Detractors",
    "dimension": "Dimension",
    "excess": "Past the threshold by",
    "given_up": "Given up",
    "gives_saved": "Give-ups saved",
    "gone": "No longer past it",
    "item": "Item",
    "measure": "Measure",
    "n": "Respondents",
    "new": "Newly past a threshold",
    "note": "Note",
    "interval": "95% interval",
    "nps": "Likelihood to recommend",
    "net_promoter_score": "Net Promoter Score",
    "promoters": "Promoters",
    "respondent": "Respondent",
    "past_after": "Past a threshold after",
    "past_before": "Past a threshold before",
    "share_at_risk": "Share at risk",
    "what_changes": "What changes",
    "quotes": "What they said",
    "relayed": "Relayed by the firm",
    "relayed_from": "Relayed from",
    "respondents": "Respondents",
    "score": "Score",
    "segment": "Segment",
    "share": "Share of respondents",
    "stage": "Stage",
    "substitutes": "Who could stand in",
    "threshold": "Threshold",
    "total_gets": "Value received in all",
    "touchpoint": "Touchpoint",
    "value": "Value",
    "verdict": "For the customer",
    "worse": "Worse off",
}
#: Measures of :func:`valuenet.analysis.measures.respondent_matrix` in words (``net.*`` and ``touchpoint.*`` apart).
MEASURES = {
    "firm.attributed": "Net value the firm answers for (weighted)",
    "firm.share": "The firm's share of the value received",
    "firm.rank": "The firm's rank among the actors",
    "firm.destroys": "Share for whom the firm destroys value",
    "firm.breach": "Share pushed past a threshold by the firm",
    "firm.breach_touchpoint": "Share pushed past a threshold at one touchpoint",
    "destruction.total": "Value the firm destroys (weighted)",
    "destruction.direct": "Value the firm destroys itself (weighted)",
    "destruction.indirect": "Value the firm destroys through others (weighted)",
    "dependency.at_risk.weighted": "Value at risk without the firm (weighted)",
}
TARGETS = {"nps": "likelihood to recommend", "churn": "churn"}
#: Segments with fewer respondents than this are left out of the summary's comparisons of segments (a
#: segment of one says nothing about its members in general); the report's tables still show them, with n.
MIN_SEGMENT = 5


def words(text: str) -> str:
    """An id as words (hyphens and underscores as spaces), for touchpoints, stages and segments.

    >>> words("waiting-room"), words("young_athletes")
    ('waiting room', 'young athletes')
    """
    return text.replace("_", " ").replace("-", " ")


def column(key: str) -> str:
    """A column heading in words.

    >>> column("given_up"), column("net_functional")
    ('Given up', 'Net functional')
    """
    if key in COLUMNS:
        return COLUMNS[key]
    text = words(key).replace(".", " ")
    return text[:1].upper() + text[1:]


def measure(name: str, names: Mapping[str, str]) -> str:
    """A measure id in words, actor ids as their names.

    >>> measure("net.clinic.weighted", {"clinic": "Clinic"}), measure("net.clinic.economic", {})
    ('Net value from Clinic (weighted)', 'Net economic value from clinic')
    """
    if name in MEASURES:
        return MEASURES[name]
    parts = name.split(".")
    if parts[0] == "net" and len(parts) >= 3:
        actor, what = ".".join(parts[1:-1]), parts[-1]
        who = names.get(actor, actor)
        return f"Net value from {who} (weighted)" if what == "weighted" else f"Net {what} value from {who}"
    if parts[0] == "touchpoint" and len(parts) >= 3:
        return f"Destroys value at {words('.'.join(parts[1:-1]))}"
    return column(name)


def signed(value: float | None) -> str:
    """A net value with its sign; a dash for no data.

    >>> signed(0.372), signed(-3.0), signed(None)
    ('+0.37', '-3.00', '–')
    """
    return "–" if value is None else f"{value:+.2f}"


def ordinal(n: int) -> str:
    """An ordinal number in English.

    >>> [ordinal(i) for i in (1, 2, 3, 4, 11, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def count(n: int, thing: str, things: str | None = None) -> str:
    """A count with its noun, singular or plural, thousands separated.

    >>> count(1, "respondent"), count(3, "respondent"), count(2000, "respondent")
    ('1 respondent', '3 respondents', '2,000 respondents')
    """
    return f"{n:,} {thing if n == 1 else things or thing + 's'}"


def listing(items: Sequence[str]) -> str:
    """Items in an English list.

    >>> listing(["a"]), listing(["a", "b"]), listing(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


#: What each summary link says, by the section it goes to.
LINKS = {
    "#heatmap": "the heatmap",
    "#segments": "segments",
    "#card-1": "evidence",
    "#card-2": "evidence",
    "#dealbreakers": "deal-breakers",
    "#scenario": "the scenario",
    "#return-on-change": "who changes",
    "#journey": "the journey",
}


@dataclass(frozen=True)
class Sentence:
    """One sentence of the summary and the anchor (``#id``) of its evidence in the report."""

    text: str
    href: str

    @property
    def link(self) -> str:
        """The words of the link to the evidence."""
        return LINKS.get(self.href, "evidence")


def _place(item: Any, names: Mapping[str, str], focal: str) -> str:
    """Where a destruction item happens, in words: "the waiting room", "the claim with Health insurer"."""
    where = f"the {words(item.touchpoint)}" if not item.touchpoint.startswith("(") else "an unnamed touchpoint"
    return where if item.actor == focal else f"{where} with {names.get(item.actor, item.actor)}"


def summary(story: Mapping[str, Any]) -> list[Sentence]:
    """The executive summary, from the figures :func:`valuenet.views.report.build_report` gathers.

    ``story`` holds ``result`` (the goal analysis), ``names`` (actor names),
    ``firm`` (the firm's name), ``destroys`` (how many respondents it destroys
    value for), ``nps`` (NPS and n by segment), ``loss_by_segment`` ((mean loss,
    segment, n), largest first), ``breach`` (past a
    threshold, and the others: :class:`~valuenet.analysis.destruction.LoyaltyGroup`),
    ``scenario`` (the compared scenario object or ``None``), ``roc`` (its return on
    change) and ``journey``.
    """
    r = story["result"]
    names: Mapping[str, str] = story["names"]
    firm, n, focal = story["firm"], r.respondents, r.focal
    out: list[Sentence] = []
    nv = r.net
    if nv is not None and focal in nv.actors and not any(abs(a.weighted) >= 0.005 for a in nv.actors.values()):
        out.append(
            Sentence(
                f"No value is exchanged with the customer in the network as modelled, so there is nothing yet to "
                f"rank {firm} by: add flows with the customer, or interviews.",
                "#heatmap",
            )
        )
    elif nv is not None and focal in nv.actors:
        share = "" if nv.focal_share is None else f", and provides {nv.focal_share:.0%} of all the value they receive"
        who = f"Across {count(n, 'respondent')}, " if n else "In the network as modelled, "
        out.append(
            Sentence(
                f"{who}{firm} ranks {ordinal(nv.focal_rank)} of {len(nv.actors)} actors by the net value customers "
                f"get from it ({signed(nv.actors[focal].weighted)}, weighted by what matters to each){share}.",
                "#heatmap",
            )
        )
    destroys, nps = story.get("destroys"), story.get("nps") or {}
    if destroys is not None and n:
        text = (
            f"Counting the damage it causes elsewhere in the network, it destroys more value than it adds "
            f"for {destroys:,} of them ({destroys / n:.0%})"
        )
        overall = nps.get(ALL, (None, 0))[0]
        seg = sorted(
            ((v, k) for k, (v, m) in nps.items() if k != ALL and v is not None and m >= MIN_SEGMENT), reverse=True
        )
        if overall is not None:
            text += f"; the Net Promoter Score is {overall:+.0f}"
            if len(seg) >= 2:
                text += (
                    f", from {seg[0][0]:+.0f} among {words(seg[0][1])} to {seg[-1][0]:+.0f} among {words(seg[-1][1])}"
                )
        out.append(Sentence(text + ".", "#segments"))
    items = r.destruction.items if r.destruction is not None else ()
    if items:
        top = items[0]
        cause = ", and the firm causes it" if top.kind == "indirect" else ""
        everyone = f"all {n:,} respondents" if top.respondents == n else f"{top.respondents:,} of {n:,} respondents"
        out.append(
            Sentence(
                f"The largest loss is {top.dimension}, at {_place(top, names, focal)}{cause}: customers give up "
                f"{top.gives:.2f} there and get {top.gets:.2f} (on the 0–{story['scale_max']:g} scale), "
                f"a weighted loss of {top.weighted:.2f}"
                + (f" per respondent; {everyone} lose value there." if n else "."),
                "#card-1",
            )
        )
        nxt = [
            f"{_place(i, names, focal)} ({i.dimension}, a weighted loss of {i.weighted:.2f}"
            + (f", {count(i.respondents, 'respondent')})" if n else ")")
            for i in items[1:3]
        ]
        if nxt:
            out.append(Sentence(f"Next come {listing(nxt)}.", "#card-2"))
    worst = [(m, s) for m, s, k in story.get("loss_by_segment") or () if k >= MIN_SEGMENT]
    if len(worst) >= 2:
        (hi, hi_seg), (lo, lo_seg) = worst[0], worst[-1]
        out.append(
            Sentence(
                f"{words(hi_seg)[:1].upper() + words(hi_seg)[1:]} lose the most: {hi:.2f} per respondent (weighted) "
                f"against {lo:.2f} for {words(lo_seg)}.",
                "#segments",
            )
        )
    breakers = [b for b in (r.dealbreakers or ()) if b.actor == focal]
    past, rest = story.get("breach") or (None, None)
    if breakers and past is not None and rest is not None and past.respondents:
        spots = [
            f"the {words(b.touchpoint)} ({b.dimension}, {count(b.respondents, 'respondent')})"
            if b.touchpoint
            else f"overall ({b.dimension}, {count(b.respondents, 'respondent')})"
            for b in breakers[:2]
        ]
        text = (
            f"{count(past.respondents, 'respondent')} ({past.respondents / max(n, 1):.0%}) "
            f"{'is' if past.respondents == 1 else 'are'} pushed past what they "
            f"will tolerate by the firm at least once, most often at {listing(spots)}"
        )
        if past.nps is not None:
            text += (
                f"; {past.detractors:,} of them {'is a detractor' if past.detractors == 1 else 'are detractors'} and "
                f"{past.churned:,} {'has' if past.churned == 1 else 'have'} churned, against "
                f"{count(rest.detractors, 'detractor')} and {rest.churned:,} churned among the other "
                f"{rest.respondents:,}"
            )
        out.append(Sentence(text + ".", "#dealbreakers"))
    elif r.dealbreakers is not None and not breakers:
        out.append(Sentence(f"No respondent is pushed past what they will tolerate by {firm}.", "#dealbreakers"))
    out += _scenario_sentences(story)
    journey = story.get("journey")
    if journey is not None and len([v for v in journey.stage_net.values() if v is not None]) >= 2:
        ranked = sorted((v, s) for s, v in journey.stage_net.items() if v is not None)
        (lo, lo_s), (hi, hi_s) = ranked[0], ranked[-1]
        out.append(
            Sentence(
                f"Along the journey, {words(lo_s)} is the worst stage for the customer ({signed(lo)} weighted per "
                f"respondent, with every actor) and {words(hi_s)} the best ({signed(hi)}).",
                "#journey",
            )
        )
    return out


def _scenario_sentences(story: Mapping[str, Any]) -> list[Sentence]:
    r, names, firm, focal = story["result"], story["names"], story["firm"], story["result"].focal
    c, scen = r.scenarios, story.get("scenario")
    if c is None or scen is None:
        return [Sentence("No to-be scenario to compare with: add one to the goal's scenarios.", "#scenario")]
    title = (scen.name or scen.id)[:1].upper() + (scen.name or scen.id)[1:]
    about = f" ({scen.description.rstrip('.')})" if scen.description else ""
    weighted = {x.actor: x for x in c.changes if x.dimension == "weighted"}
    out = []
    f = weighted.get(focal)
    group = "of the respondents in both" if c.respondents < r.respondents else "of respondents"
    if f is not None and abs(f.change) < 0.005:
        out.append(
            Sentence(
                f"{title}{about} leaves {firm} the same for the customer: its weighted net value stays at "
                f"{signed(f.after)}, better for {f.better:.0%} {group} and worse for {f.worse:.0%}.",
                "#scenario",
            )
        )
    elif f is not None:
        verdict = "better" if f.change > 0 else "worse"
        others = [
            f"{names.get(x.actor, x.actor)} ({signed(x.before)} to {signed(x.after)})"
            for x in weighted.values()
            if x.actor != focal and abs(x.change) >= 0.05
        ][:2]
        also = f"; it also changes what they get from {listing(others)}" if others else ""
        out.append(
            Sentence(
                f"{title}{about} makes {firm} {verdict} for the customer: its weighted net value goes from "
                f"{signed(f.before)} to {signed(f.after)}, better for {f.better:.0%} {group} and worse for "
                f"{f'{f.worse:.0%}' if f.worse else 'none'}{also}.",
                "#scenario",
            )
        )
    else:
        out.append(Sentence(f"{title}{about} does not change what customers get from {firm}.", "#scenario"))
    roc = story.get("roc")
    if roc is not None and (roc.stop or roc.start):
        verb = "stops" if len(roc.stop) == 1 else "stop"
        text = f"Under {title}, {count(len(roc.stop), 'respondent')} {verb} being pushed past a threshold by the firm"
        if roc.stop and roc.stop_nps is not None:
            text += (
                f", {_of_them(roc.stop_detractors, len(roc.stop))} and {roc.stop_churned:,} churned "
                f"(mean likelihood to recommend {roc.stop_nps:.1f} of 10)"
            )
        starts = "starts" if len(roc.start) == 1 else "start"
        text += f"; {count(len(roc.start), 'respondent')} {starts}" if roc.start else "; nobody starts"
        if roc.start and roc.start_nps is not None:
            text += f" ({_of_them(roc.start_detractors, len(roc.start))}, {roc.start_churned:,} churned)"
        out.append(Sentence(text + others_line(story), "#return-on-change"))
    elif roc is not None:
        out.append(
            Sentence(
                f"Under {title}, nobody stops or starts being pushed past a threshold by {firm}" + others_line(story),
                "#return-on-change",
            )
        )
    return out


def _of_them(detractors: int, of: int) -> str:
    """How many of a group are detractors, in words.

    >>> _of_them(1, 1), _of_them(1, 3), _of_them(2, 3), _of_them(0, 2)
    ('a detractor', '1 of them a detractor', '2 of them detractors', 'none of them detractors')
    """
    if of == 1 and detractors == 1:
        return "a detractor"
    if not detractors:
        return "none of them detractors" if of > 1 else "not a detractor"
    return f"{detractors:,} of them {'a detractor' if detractors == 1 else 'detractors'}"


def others_line(story: Mapping[str, Any]) -> str:
    """The end of the return-on-change sentence: who newly goes past a threshold with another actor."""
    newly: dict[str, set[str]] = story.get("newly_elsewhere") or {}
    if not newly:
        return "."
    names: Mapping[str, str] = story["names"]
    people = len(set().union(*newly.values()))
    who = listing([names.get(a, a) for a in sorted(newly, key=lambda a: names.get(a, a))])
    return f"; {count(people, 'respondent')} newly {'goes' if people == 1 else 'go'} past one with {who}."
