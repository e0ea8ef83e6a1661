"""The quotes a view shows for a flow: ranked by the size of what they evidence, identical ones folded.

:func:`valuenet.views.data.aggregate` hands each edge's quoted flows here, largest
magnitude first, with their texts read by :func:`quote_texts`. Two quotes are the same
when :func:`valuenet.analysis.evidence.same_words` says so, as in the report, whose
:func:`~valuenet.analysis.evidence.rank_quotes` ranks evidence by the size of a loss;
a view ranks by the magnitude on the flow and keeps who said each quote, and where.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from valuenet.analysis.evidence import QUOTE_POOL, same_words
from valuenet.flowcolumns import Fetch, FlowSource

#: Distinct quotes kept per edge; the side panel says how many more quoted flows there were.
MAX_QUOTES = 25
# QUOTE_POOL (the analysis' own) is also how many quoted flows are fetched per edge, largest magnitude first,
# from a source that cannot read texts as columns; counts are then exact for edges with at most this many
# quoted flows (past it, the rest count as "more").


class Said(NamedTuple):
    """One quoted flow: its text, respondent ("" for none), touchpoint, magnitude and who said it."""

    text: str
    respondent: str
    touchpoint: str
    magnitude: float | None
    speaker: str


#: Reads quote texts: given each edge's quoted flow keys (largest first), the texts by key it read.
QuoteTexts = Callable[[list[list[int]]], dict[int, str]]


def quote_texts(source: FlowSource, fetch: Fetch, model_id: str, goal: str, scenarios: Sequence[str]) -> QuoteTexts:
    """How a view reads its quotes: every text, or for each edge its first :data:`QUOTE_POOL`.

    A source that reads the goal's texts as columns (``read_flow_details``, as the
    SQLite store does) gives every text once the edges quote more than
    :data:`QUOTE_POOL` flows in all; otherwise whole flows are fetched by key, at most
    :data:`QUOTE_POOL` per edge.
    """
    reader = getattr(source, "read_flow_details", None)
    every: dict[int, str] = {}

    def read(ranked: list[list[int]]) -> dict[int, str]:
        if callable(reader) and sum(map(len, ranked)) > QUOTE_POOL:
            if not every:  # both sides of a comparison read the texts once
                cols = reader(model_id, goal, scenarios)
                every.update((int(k), str(q)) for k, q in zip(cols["key"], cols["quote"], strict=True) if q is not None)
            return every
        return {k: str(f.quote) for k, f in fetch([k for keys in ranked for k in keys[:QUOTE_POOL]]).items()}

    return read


def fold_quotes(said: Iterable[Said], quoted: int) -> tuple[list[dict[str, Any]], int]:
    """The quotes an edge shows, from its quoted flows ranked largest magnitude first, and how many more.

    Quotes in the same words (:func:`~valuenet.analysis.evidence.same_words`: case,
    spacing and closing punctuation aside) fold into one, with ``count``, the
    number of respondents who said it; the quote keeps the respondent and touchpoint of
    its largest flow. Quotes rank by the largest magnitude behind them, then by count,
    and the first :data:`MAX_QUOTES` are kept. ``quoted`` is how many quoted flows the
    edge has (``said`` may hold only some of them, see :func:`quote_texts`): the
    second number is how many of those are not behind a quote shown.

    >>> said = [Said("Too dear.", "a", "", 4, "a"), Said("Fine.", "b", "desk", 3, "b")]
    >>> fold_quotes([*said, Said("Too  dear.", "c", "", 2, "c")], 5)
    ([{'text': 'Too dear.', 'respondent': 'a', 'touchpoint': '', 'count': 2}, \
{'text': 'Fine.', 'respondent': 'b', 'touchpoint': 'desk', 'count': 1}], 2)
    """
    folded: dict[str, dict[str, Any]] = {}
    top: dict[str, float] = {}
    who: dict[str, set[str]] = defaultdict(set)
    behind: dict[str, int] = defaultdict(int)
    for q in said:
        text = same_words(q.text)
        if text not in folded:
            folded[text] = {"text": q.text.strip(), "respondent": q.respondent, "touchpoint": q.touchpoint}
            top[text] = -1.0 if q.magnitude is None else q.magnitude
        who[text].add(q.speaker)
        behind[text] += 1
    ranked = sorted(folded, key=lambda q: (-top[q], -len(who[q])))[:MAX_QUOTES]
    return [{**folded[q], "count": len(who[q])} for q in ranked], quoted - sum(behind[q] for q in ranked)
