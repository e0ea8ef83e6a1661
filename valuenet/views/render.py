"""Render a view as one self-contained HTML file that opens from disk with no network at all.

Up to :data:`WEBGL_VIEW` actors, pyvis builds the vis-network nodes, edges and
options; larger views go to sigma.js on WebGL (the bundle in ``static/``, built
by ``tools/vendor/build.sh``) as columns (:func:`map_columns`, :func:`compact_details`),
with vis-network carried inert for browsers without WebGL. valuenet renders
either through its own Jinja2 template (autoescaped), with the renderer's script,
valuenet's script and style and the graph data all inlined. Nothing
is fetched: a Content-Security-Policy in the page forbids it. The graph data is
a JSON block whose ``<``, ``>``, ``&``, U+2028 and U+2029 are escaped, so no
name or quote can end the block; the page's script shows user text only through
``textContent``, never as HTML.

pyvis' own ``write_html`` is not used: it loads scripts and Bootstrap from CDNs,
writes a ``lib/`` folder into the current directory and does not escape.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from valuenet.errors import ViewError
from valuenet.files import write_text
from valuenet.views.data import ViewData
from valuenet.views.layout import SMALL_VIEW, radial_layout
from valuenet.views.metrics import node_metrics
from valuenet.views.style import (
    FOCAL_BORDER,
    NODE_BORDER,
    dimension_colours,
    edge_width,
    kind_style,
    palette,
)

#: The vis-network build that pyvis ships inside its package.
VIS_FOLDER = ("lib", "vis-9.1.2")
#: Views with more actors than this get arrowheads and names once zoomed in to DETAIL_SCALE or closer.
#: Further out neither can be read (vis-network skips labels under 5 px anyway), yet measuring 2,000
#: names and placing arrowheads on curved lines is over a third of the time to draw a large view.
LARGE_VIEW = 400
DETAIL_SCALE = 0.4
#: Views with more actors than this are drawn with WebGL (sigma) instead of vis-network's 2-D canvas.
#: vis-network's first draw grows by about 0.25 s per 1,000 actors and every pan or zoom redraws every
#: curved flow on the CPU, so past about 1,500 actors (some 5,000 flows) it is both slow to open and
#: sluggish to move; sigma draws 20,000 actors in well under a second. Below that, vis-network's curved
#: flows with arrowheads read better and the extra 170 kB of sigma is not worth inlining.
WEBGL_VIEW = 1500
#: Outline of an actor only the second side of a comparison has (``presence`` new); one only the first side
#: has (gone) is faded with a dashed outline, and so are gone flows.
NEW_BORDER = "#0f766e"
GONE_OPACITY = 0.4
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:"
#: Height in CSS pixels of a view shown inline in a notebook.
INLINE_HEIGHT = 640
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: nothing in it can close the element.

    >>> script_json({"name": "</script><b>&"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text)


@cache
def asset(name: str) -> str:
    """The text of a bundled asset: ``vis-network.min.js``/``.css`` from pyvis; ``view.js``/``.css`` and
    ``sigma-bundle.min.js`` (built by ``tools/vendor/build.sh``) from valuenet."""
    try:
        if name.startswith("vis-network"):
            folder = resources.files("pyvis").joinpath(*VIS_FOLDER)
        else:
            folder = resources.files("valuenet.views").joinpath("static")
        text = folder.joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise ViewError(f"the bundled file {name!r} is missing ({exc}); reinstall valuenet and pyvis 0.3.2.") from exc
    if "</script" in text.lower() or "</style" in text.lower():
        raise ViewError(f"the bundled file {name!r} cannot be inlined safely: it contains a closing tag.")
    return text


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("valuenet.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def renderer(view: ViewData) -> str:
    """``"webgl"`` (sigma) for views of more than :data:`WEBGL_VIEW` actors, else ``"vis"`` (vis-network)."""
    return "webgl" if len(view.nodes) > WEBGL_VIEW else "vis"


def positions(view: ViewData) -> dict[str, tuple[float, float]]:
    """Every actor's (x, y) from :func:`radial_layout`, the first ring ordered by kind and name."""
    by_kind = {n.id: n.kind for n in view.nodes}
    kind_rank = {k: i for i, k in enumerate(view.kinds)}
    names = {n.id: n.name.casefold() for n in view.nodes}
    return radial_layout(
        [n.id for n in view.nodes],
        [(e.source, e.target) for e in view.edges],
        view.centre,
        order=lambda n: (kind_rank.get(by_kind[n], 99), names[n], n),
        label_width=8.0 * max((len(n.name) for n in view.nodes), default=0),
    )


def vis_network(view: ViewData, pos: dict[str, tuple[float, float]] | None = None) -> Any:
    """A pyvis ``Network`` holding the view's actors and flows, placed by :func:`radial_layout`."""
    from pyvis.network import Network

    pos = pos or positions(view)
    small = len(view.nodes) <= SMALL_VIEW
    large = len(view.nodes) > LARGE_VIEW
    net = Network(height="100%", width="100%", directed=True, heading=view.title, cdn_resources="in_line")
    # pyvis' add_edge checks both ends against get_nodes(), a list scanned per edge; its node map answers at once
    net.get_nodes = lambda: net.node_map
    for n in view.nodes:
        fill, shape = kind_style(n.kind)
        focal, centre = n.role == "focal", n.role == "customer"
        x, y = pos[n.id]
        gone = n.presence == "gone"
        extra: dict[str, Any] = {"opacity": GONE_OPACITY, "shapeProperties": {"borderDashes": [4, 3]}} if gone else {}
        if focal or centre:
            extra["size"] = 40 if focal and small else 36 if small else 30
            extra["font"] = {"size": 24 if small else 18}
        if focal or n.presence == "new":
            border = FOCAL_BORDER if focal else NEW_BORDER
            extra["borderWidth"] = 5 if focal else 4
            extra["color"] = {
                "background": fill,
                "border": border,
                "highlight": {"background": fill, "border": "#000000"},
            }
        colour = extra.pop("color", None)
        net.add_node(n.id, label=n.name, group=n.kind, shape=shape, x=x, y=y, **extra)
        if colour:  # pyvis drops the colour of a node in a group; it overrides the group's here
            net.node_map[n.id]["color"] = colour
    colours = palette(view.dimensions, view.kinds)
    dims = dimension_colours(view.dimensions)
    parallel: Counter[tuple[str, str]] = Counter()
    for e in view.edges:
        i = parallel[(e.source, e.target)]
        parallel[(e.source, e.target)] += 1
        colour = (
            dims[e.dimension]
            if view.color_by == "dimension"
            else colours[view.color_by][e.change if view.color_by == "change" else e.impact]
        )
        more: dict[str, Any] = {}
        if i:  # parallel flows bend further out; reciprocal ones bend the other way (clockwise per direction)
            more["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(0.1 + 0.09 * i, 2)}
        if e.value is None or e.value == 0 or e.presence == "gone":
            more["dashes"] = True
        shade = {"color": colour, "opacity": GONE_OPACITY} if e.presence == "gone" else colour
        width = edge_width(e.before if e.presence == "gone" else e.value, view.scale_max)
        net.add_edge(e.source, e.target, id=e.id, width=width, color=shade, **more)
    groups = {}
    for kind in view.kinds:
        fill, shape = kind_style(kind)
        groups[kind] = {
            "shape": shape,
            "color": {
                "background": fill,
                "border": NODE_BORDER,
                "highlight": {"background": fill, "border": "#000000"},
                "hover": {"background": fill, "border": "#000000"},
            },
        }
    net.options = {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "groups": groups,
        "interaction": {
            "hover": True,
            "tooltipDelay": 100,
            "hideEdgesOnDrag": not small,
            "hideEdgesOnZoom": not small,
            "multiselect": False,
            "navigationButtons": False,
        },
        "nodes": {
            "physics": False,
            "size": 26 if small else 12,
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "shapeProperties": {"interpolation": False},
            "font": {
                "size": 19 if small else 14,
                "color": "#111827",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
                "face": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
            },
        },
        "edges": {
            "selectionWidth": 2,
            "hoverWidth": 1.5,
            "color": {"opacity": 0.9},
            "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.1},
            "arrows": {"to": {"enabled": not large, "scaleFactor": 0.7 if small else 0.45}},
        },
    }
    return net


def _fmt(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _compact(item: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Drop empty fields (the page reads a missing field as empty) to keep big views small."""
    return {k: v for k, v in item.items() if k in keep or v not in (None, [], {}, 0, False, "")}


def _meta(view: ViewData) -> dict[str, Any]:
    keys = ("title", "subtitle", "kind", "model", "goal", "scenario", "compare", "centre", "customer", "focal",
            "color_by", "dimensions", "kinds", "scale_max", "currency", "respondents")  # fmt: skip
    meta = {k: getattr(view, k) for k in keys}
    if view.compare is not None:  # the two sides in words, and the customer's net at each touchpoint on each
        meta.update(against=view.against, scenario_name=view.scenario_name, compare_name=view.compare_name)
        meta["touchpoints"] = [
            {"touchpoint": t.touchpoint, "before": _fmt(t.before), "after": _fmt(t.after), "change": t.change}
            for t in view.touchpoints
        ]
    meta["renderer"] = renderer(view)
    meta["detail_scale"] = DETAIL_SCALE if len(view.nodes) > LARGE_VIEW else None
    return meta


def map_columns(view: ViewData, pos: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """Per actor, in the order of ``view.nodes``: the metrics the map controls use and the radial layout
    (the page works out the grouped layouts itself, when asked: they would double the positions' size)."""
    ids = [n.id for n in view.nodes]
    metrics = node_metrics(ids, [(e.source, e.target) for e in view.edges])
    return {
        "ids": ids,
        **metrics,
        "net": [round(n.net, 3) for n in view.nodes],
        "x": [pos[i][0] for i in ids],
        "y": [pos[i][1] for i in ids],
    }


def _node_details(view: ViewData) -> dict[str, Any]:
    diff = view.compare is not None
    return {
        n.id: _compact(
            {
                "name": n.name,
                "kind": n.kind,
                "role": n.role,
                "description": n.description,
                "gets": {d: _fmt(v) for d, v in n.gets.items()},
                "gives": {d: _fmt(v) for d, v in n.gives.items()},
                "n": n.n,
                "change": n.change,
                "before": _fmt(n.before),
                "presence": n.presence,
            },
            ("gets", "gives", "before") if diff else ("gets", "gives"),
        )
        for n in view.nodes
    }


def _edge_extra(e: Any) -> dict[str, Any]:
    return _compact(
        {
            "touchpoints": e.touchpoints,
            "stages": e.stages,
            "responsible": e.responsible,
            "quotes": e.quotes,
            "more_quotes": e.more_quotes,
        }
    )


def compact_details(view: ViewData) -> dict[str, Any]:
    """The side panel's numbers for a large view as columns (one list per field) instead of one object per item.

    At 20,000 actors and 64,000 flows this is a third of the size of the object form and parses
    several times faster; view.js turns it back into the objects the panel reads. Kinds, dimensions,
    impacts and the ends of a flow are positions in ``view.kinds``, ``view.dimensions``, (adds,
    destroys, neutral) and ``view.nodes``; an actor's gets and gives are flat [dimension, value, ...]
    lists; flow ids are left out when they are ``e0``, ``e1``, ... in order. Roles, lists, quotes and
    descriptions, rare in large views, are sparse maps from position to value. What the first frame
    does not need (everything but names, kinds and the flows' ends, dimension, impact, change and
    width) is under ``"more"``, which :func:`page_parts` writes as a second block.
    """
    index = {n.id: i for i, n in enumerate(view.nodes)}
    dims = {d: i for i, d in enumerate(view.dimensions)}
    impacts = {v: i for i, v in enumerate(("adds", "destroys", "neutral"))}
    kinds = {k: i for i, k in enumerate(view.kinds)}
    nodes = {
        "name": [n.name for n in view.nodes],
        "kind": [kinds[n.kind] for n in view.nodes],
    }
    more_nodes = {
        "role": {i: n.role for i, n in enumerate(view.nodes) if n.role},
        "n": [n.n for n in view.nodes],
        "change": {i: n.change for i, n in enumerate(view.nodes) if n.change},
        "presence": {i: n.presence for i, n in enumerate(view.nodes) if n.presence},
        "description": {i: n.description for i, n in enumerate(view.nodes) if n.description},
        "gets": [[x for d, v in n.gets.items() for x in (dims[d], _fmt(v))] for n in view.nodes],
        "gives": [[x for d, v in n.gives.items() for x in (dims[d], _fmt(v))] for n in view.nodes],
    }
    es = view.edges
    edges = {
        "id": None if all(e.id == f"e{i}" for i, e in enumerate(es)) else [e.id for e in es],
        "from": [index[e.source] for e in es],
        "to": [index[e.target] for e in es],
        "dimension": [dims[e.dimension] for e in es],
        "impact": [impacts[e.impact] for e in es],
        "change": {i: e.change for i, e in enumerate(es) if e.change},
        "presence": {i: e.presence for i, e in enumerate(es) if e.presence},
        "width": [edge_width(e.before if e.presence == "gone" else e.value, view.scale_max) for e in es],
    }
    more_edges = {
        "value": [_fmt(e.value) for e in es],
        "n": [e.n for e in es],
        "flows": [e.flows for e in es],
        "before": {i: _fmt(e.before) for i, e in enumerate(es) if e.before is not None},
        "money": {i: _fmt(e.money) for i, e in enumerate(es) if e.money is not None},
        "structural": [i for i, e in enumerate(es) if e.structural],
        "extra": {i: x for i, e in enumerate(es) if (x := _edge_extra(e))},
    }
    if view.compare is not None:  # both sides' numbers, for the panel
        more_nodes["before"] = [_fmt(n.before) for n in view.nodes]
        more_edges["compared"] = [
            [_fmt(e.before_per_respondent), _fmt(e.per_respondent), e.before_n or 0, _fmt(e.before_money)] for e in es
        ]
    return {"nodes": nodes, "edges": edges, "more": {"nodes": more_nodes, "edges": more_edges}}


def view_payload(view: ViewData) -> dict[str, Any]:
    """The page's data: the numbers for the side panel, filters and map controls, and what the renderer draws.

    vis-network views carry pyvis' nodes, edges and options. WebGL views carry no pyvis data at all:
    the page draws from the columns (:func:`compact_details`), which also feed vis-network if the
    browser has no WebGL.
    """
    pos = positions(view)
    payload: dict[str, Any] = {
        "meta": _meta(view),
        "palette": palette(view.dimensions, view.kinds),
        "map": map_columns(view, pos),
    }
    if renderer(view) == "webgl":
        payload["columns"] = compact_details(view)
        return payload
    net = vis_network(view, pos)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    for edge in edges:  # pyvis marks every edge of a directed network; the global edge options say it once
        edge.pop("arrows", None)
    if len(view.nodes) > LARGE_VIEW:  # names are in the details; the page puts them on the drawing when readable
        for node in nodes:
            node.pop("label", None)
    diff = view.compare is not None
    details = {
        "nodes": _node_details(view),
        "edges": {
            e.id: _compact(
                {
                    "from": e.source,
                    "to": e.target,
                    "dimension": e.dimension,
                    "value": _fmt(e.value),
                    "before": _fmt(e.before),
                    "n": e.n,
                    "money": _fmt(e.money),
                    "structural": e.structural,
                    "impact": e.impact,
                    "change": e.change,
                    "touchpoints": e.touchpoints,
                    "stages": e.stages,
                    "responsible": e.responsible,
                    "quotes": e.quotes,
                    "more_quotes": e.more_quotes,
                    "flows": e.flows,
                    "presence": e.presence,
                    "before_n": e.before_n,
                    "per_respondent": _fmt(e.per_respondent) if diff else None,
                    "before_per_respondent": _fmt(e.before_per_respondent),
                    "before_money": _fmt(e.before_money),
                },
                ("value", "before", "before_n", "per_respondent", "before_per_respondent") if diff else ("value",),
            )
            for e in view.edges
        },
    }
    payload.update(nodes=nodes, edges=edges, options=json.loads(options), details=details)
    return payload


def render_view(view: ViewData) -> str:
    """The whole HTML page of a view, as text (a WebGL view's second data block after its scripts)."""
    html: str = _environment().get_template("view.html.j2").render(**page_parts(view), more_at_end=True)
    return html


def page_parts(view: ViewData) -> dict[str, Any]:
    """What the templates need to place a network view in a page (also used by the report).

    A WebGL view inlines sigma as a script and vis-network as inert text (``type="text/plain"``), which
    the browser neither compiles nor runs unless the page falls back to it for want of WebGL.
    """
    webgl = renderer(view) == "webgl"
    payload = view_payload(view)
    more = payload["columns"].pop("more") if webgl else None
    return {
        "view": view,
        "csp": CSP,
        "data_json": script_json(payload),
        "more_json": script_json(more) if more else "",
        "vis_js": "" if webgl else asset("vis-network.min.js"),
        "vis_inert": asset("vis-network.min.js") if webgl else "",
        "sigma_js": asset("sigma-bundle.min.js") if webgl else "",
        "vis_css": asset("vis-network.css"),
        "view_js": asset("view.js"),
        "view_css": asset("view.css"),
        "output_js": asset("output.js"),
        "output_css": asset("output.css"),
    }


def inline_frame(page: str, title: str, height: int = INLINE_HEIGHT) -> str:
    """A whole page shown inside another (a Jupyter cell): an ``<iframe>`` whose ``srcdoc`` holds it.

    The page is escaped as an attribute value (``&``, ``<``, ``>``, both quotes), so
    nothing in it can end the attribute or the frame; user text inside it was
    already escaped by the page's own template. ``sandbox="allow-scripts"`` lets
    the page's scripts run in an opaque origin of their own: they cannot read or
    change the notebook, its cookies or storage, open windows or submit forms, and
    the page's Content-Security-Policy still forbids every fetch. (PNG export, a
    download, is therefore off inline; the written file keeps it.)

    >>> inline_frame('<p title="a">x & y</p>', "T").split(" sandbox=")[0]
    '<iframe srcdoc="&lt;p title=&quot;a&quot;&gt;x &amp; y&lt;/p&gt;"'
    """
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'title="{html.escape(title, quote=True)}" referrerpolicy="no-referrer" '
        f'style="width: 100%; height: {int(height)}px; border: 0"></iframe>'
    )


def write_view(view: ViewData, path: str | Path) -> Path:
    """Write the view to ``path`` as one self-contained UTF-8 HTML file (atomically) and return the path."""
    return write_text(path, render_view(view))
