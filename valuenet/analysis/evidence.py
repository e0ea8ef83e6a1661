"""Quotes as evidence: ranked by the size of what they stand for, identical ones folded with a count.

A quote is evidence for a finding (value destroyed at a touchpoint, a give-up past
a threshold) only as strongly as its speaker's own numbers back it: "Price is okay
for what it is." from someone who gives up almost nothing is no evidence of value
destruction, whatever the order the interviews were coded in. :func:`rank_quotes`
takes each quote with its speaker and the size of what it evidences for them (their
weighted loss, or how far past their threshold they went), folds quotes that say
the same words (case, spacing and closing punctuation aside) into one with the
number of respondents who said it, and ranks them largest first. Quotes whose size
is below ``floor`` times the largest are left out: they would argue the opposite.
The report and the views both use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from valuenet.analysis.base import Result

#: Quotes evidencing less than this share of the largest size are left out.
FLOOR = 0.25
#: Respondents per finding whose quotes are weighed (those it concerns most); the analysis and the views
#: read at most this many quotes per item or edge, so a study of any size reads a bounded number of texts.
QUOTE_POOL = 1000
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Evidence(Result):
    """A quote, how many respondents said it, and the largest size it evidences (loss or excess)."""

    text: str
    respondents: int
    size: float


def same_words(text: str) -> str:
    """The form under which two quotes count as the same.

    >>> same_words("  Too  long a wait! ") == same_words("too long a wait")
    True
    """
    return _SPACE.sub(" ", text).strip().rstrip(".!?…").strip().casefold()


def rank_quotes(
    said: Iterable[tuple[str | None, str | None, float]], limit: int | None = None, floor: float = FLOOR
) -> tuple[Evidence, ...]:
    """Quotes ``(text, respondent, size)`` folded and ranked: largest size first, then most respondents.

    A respondent counts once per quote; a quote with no respondent (a structural
    flow) counts as one. Empty quotes are skipped.

    >>> rank_quotes([("Fine.", "a", 0.1), ("Far too long!", "b", 2.0), ("far too long", "c", 1.5)])
    (Evidence(text='Far too long!', respondents=2, size=2.0),)
    """
    found: dict[str, tuple[str, set[str], float]] = {}
    for text, who, size in said:
        if not text or not text.strip():
            continue
        key = same_words(text)
        first, people, top = found.get(key, (text, set(), float("-inf")))
        people.add(who if who is not None else f"\0{len(people)}")
        found[key] = (first, people, max(top, float(size)))
    if not found:
        return ()
    largest = max(top for _, _, top in found.values())
    ranked = sorted(
        (Evidence(text, len(people), top) for text, people, top in found.values() if top >= floor * largest),
        key=lambda e: (-e.size, -e.respondents, e.text),
    )
    return tuple(ranked[:limit] if limit is not None else ranked)
