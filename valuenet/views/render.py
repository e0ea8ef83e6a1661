"""Render a view as one self-contained HTML file that opens from disk with no network at all.

pyvis builds the vis-network nodes, edges and options; valuenet then renders
them through its own Jinja2 template (autoescaped), with vis-network's script
and style, valuenet's script and style and the graph data all inlined. Nothing
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
from valuenet.views.style import (
    CHANGE_COLOURS,
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
    """The text of a bundled asset: ``vis-network.min.js``/``.css`` from pyvis, ``view.js``/``.css`` from valuenet."""
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


def vis_network(view: ViewData) -> Any:
    """A pyvis ``Network`` holding the view's actors and flows, placed by :func:`radial_layout`."""
    from pyvis.network import Network

    by_kind = {n.id: n.kind for n in view.nodes}
    kind_rank = {k: i for i, k in enumerate(view.kinds)}
    names = {n.id: n.name.casefold() for n in view.nodes}
    pos = radial_layout(
        [n.id for n in view.nodes],
        [(e.source, e.target) for e in view.edges],
        view.centre,
        order=lambda n: (kind_rank.get(by_kind[n], 99), names[n], n),
        label_width=8.0 * max((len(n.name) for n in view.nodes), default=0),
    )
    small = len(view.nodes) <= SMALL_VIEW
    large = len(view.nodes) > LARGE_VIEW
    net = Network(height="100%", width="100%", directed=True, heading=view.title, cdn_resources="in_line")
    # pyvis' add_edge checks both ends against get_nodes(), a list scanned per edge; its node map answers at once
    net.get_nodes = lambda: net.node_map
    for n in view.nodes:
        fill, shape = kind_style(n.kind)
        focal, centre = n.role == "focal", n.role == "customer"
        x, y = pos[n.id]
        extra: dict[str, Any] = {"opacity": 0.35} if n.change == "removed" else {}
        if focal or centre:
            extra["size"] = 40 if focal and small else 36 if small else 30
            extra["font"] = {"size": 24 if small else 18}
        if focal or n.change == "added":
            border = FOCAL_BORDER if focal else CHANGE_COLOURS["added"]
            extra["borderWidth"] = 5 if focal else 4
            extra["color"] = {
                "background": fill,
                "border": border,
                "highlight": {"background": fill, "border": "#000000"},
            }
        net.add_node(n.id, label=n.name, group=n.kind, shape=shape, x=x, y=y, **extra)
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
        if e.value is None or e.change == "removed" or e.value == 0:
            more["dashes"] = True
        net.add_edge(e.source, e.target, id=e.id, width=edge_width(e.value, view.scale_max), color=colour, **more)
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


def view_payload(view: ViewData) -> dict[str, Any]:
    """The page's data: pyvis' nodes, edges and options plus the numbers for the side panel and filters."""
    net = vis_network(view)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    for edge in edges:  # pyvis marks every edge of a directed network; the global edge options say it once
        edge.pop("arrows", None)
    large = len(view.nodes) > LARGE_VIEW
    if large:  # names are in the details; the page puts them on the drawing when they become readable
        for node in nodes:
            node.pop("label", None)
    details = {
        "nodes": {
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
                },
                ("gets", "gives"),
            )
            for n in view.nodes
        },
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
                },
                ("value",),
            )
            for e in view.edges
        },
    }
    meta = {
        k: getattr(view, k)
        for k in (
            "title",
            "subtitle",
            "kind",
            "model",
            "goal",
            "scenario",
            "compare",
            "centre",
            "customer",
            "focal",
            "color_by",
            "dimensions",
            "kinds",
            "scale_max",
            "currency",
            "respondents",
        )
    }
    meta["detail_scale"] = DETAIL_SCALE if large else None
    return {
        "meta": meta,
        "palette": palette(view.dimensions, view.kinds),
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "details": details,
    }


def render_view(view: ViewData) -> str:
    """The whole HTML page of a view, as text."""
    html: str = _environment().get_template("view.html.j2").render(**page_parts(view))
    return html


def page_parts(view: ViewData) -> dict[str, Any]:
    """What the templates need to place a network view in a page (also used by the report)."""
    return {
        "view": view,
        "csp": CSP,
        "data_json": script_json(view_payload(view)),
        "vis_js": asset("vis-network.min.js"),
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
