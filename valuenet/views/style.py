"""How views encode meaning: colours and shapes of actor kinds, colours of dimensions, impacts and changes.

One table serves the network drawing, its legend and the report's charts, so a
colour means the same thing everywhere. Colours were picked to stay apart for
the common forms of colour blindness, and every colour comes with a second cue
(shape, dash or label) so nothing depends on colour alone.
"""

from __future__ import annotations

from typing import Any

#: Actor kind -> (fill colour, vis-network shape). Kinds a model adds get the fallback.
KIND_STYLE: dict[str, tuple[str, str]] = {
    "customer": ("#ffbf3f", "star"),
    "focal_firm": ("#d1495b", "diamond"),
    "provider": ("#5b8fd1", "dot"),
    "partner": ("#63b08a", "square"),
    "competitor": ("#9a7fc4", "triangleDown"),
    "peer": ("#ef9a62", "dot"),
    "community": ("#4fb3bf", "hexagon"),
    "institution": ("#8d99ae", "square"),
    "employee": ("#e08dac", "triangle"),
}
FALLBACK_KIND = ("#b8b8b8", "dot")

#: Dimension -> edge colour; dimensions a model adds take colours from EXTRA_COLOURS in order.
DIMENSION_COLOURS: dict[str, str] = {
    "functional": "#2f6db5",
    "economic": "#c98a00",
    "experiential": "#8b3fa8",
    "symbolic": "#178f7a",
}
EXTRA_COLOURS = ("#6b4f2a", "#c2185b", "#546e7a", "#7cb342", "#00838f")

IMPACT_COLOURS: dict[str, str] = {"adds": "#1a9850", "destroys": "#d73027", "neutral": "#9aa3ad"}
#: Change for the customer in a comparison, in the legend's order: blue better, orange worse (apart for every
#: common colour blindness), dark grey for changes between other actors, light grey for none. The second
#: cue is the label, and flows gone on the second side are dashed.
CHANGE_COLOURS: dict[str, str] = {
    "better": "#2166ac",
    "worse": "#e66101",
    "other": "#5f6b7a",
    "same": "#c3c9d0",
}
LABELS: dict[str, str] = {
    "adds": "adds value",
    "destroys": "destroys value",
    "neutral": "neutral / between actors",
    "better": "better for the customer",
    "worse": "worse for the customer",
    "other": "changed between other actors",
    "same": "unchanged",
    "new": "new: only the second side has it",
    "gone": "gone: only the first side has it",
}

#: Outline of the focal firm, drawn thicker than any other node's.
FOCAL_BORDER = "#1b1f24"
NODE_BORDER = "#3d4450"


def kind_style(kind: str) -> tuple[str, str]:
    """(fill colour, shape) of an actor kind."""
    return KIND_STYLE.get(kind, FALLBACK_KIND)


def dimension_colours(dimensions: list[str]) -> dict[str, str]:
    """A colour for each dimension: the standard four have fixed ones, others take the extras in turn."""
    out: dict[str, str] = {}
    extra = 0
    for d in dimensions:
        if d in DIMENSION_COLOURS:
            out[d] = DIMENSION_COLOURS[d]
        else:
            out[d] = EXTRA_COLOURS[extra % len(EXTRA_COLOURS)]
            extra += 1
    return out


def palette(dimensions: list[str], kinds: list[str]) -> dict[str, Any]:
    """Everything the page's script needs to colour, filter and explain a view."""
    return {
        "kinds": {k: {"colour": kind_style(k)[0], "shape": kind_style(k)[1]} for k in kinds},
        "dimension": dimension_colours(dimensions),
        "impact": IMPACT_COLOURS,
        "change": CHANGE_COLOURS,
        "labels": LABELS,
    }


def edge_width(value: float | None, scale_max: float) -> float:
    """Line width for a perceived magnitude: 1 px for nothing, 9 px for the top of the scale.

    >>> edge_width(0, 5), edge_width(5, 5), edge_width(None, 5)
    (1.0, 9.0, 1.5)
    """
    if value is None:
        return 1.5
    share = min(max(value, 0.0), scale_max) / scale_max if scale_max > 0 else 0.0
    return round(1.0 + 8.0 * share, 2)
