"""HTML views of value networks, and reports, that open from disk with no network at all.

>>> from valuenet.views import ViewSpec, build_view, write_view       # doctest: +SKIP
>>> write_view(build_view(model, ViewSpec(goal="healthy", respondent="r1")), "r1.html")  # doctest: +SKIP

:func:`build_view` works out what to show (:mod:`valuenet.views.data`);
:func:`write_view` draws it as one self-contained HTML file
(:mod:`valuenet.views.render`). A :class:`View` (what :func:`valuenet.view` gives) is
the same data that draws itself: ``write(path)``, ``to_html()``, and inline in a
Jupyter notebook. pyvis and Jinja2 load only when a page is rendered.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from valuenet.files import make_folder
from valuenet.flowcolumns import FlowSource
from valuenet.views.data import COLOR_MODES, ViewData, ViewEdge, ViewNode, ViewSpec, build_view

if TYPE_CHECKING:
    from valuenet.models import Model


def render_view(view: ViewData) -> str:
    """The HTML page of a view, as text (see :func:`valuenet.views.render.render_view`)."""
    from valuenet.views.render import render_view as _render

    return _render(view)


def write_view(view: ViewData, path: str | Path) -> Path:
    """Write a view as one self-contained UTF-8 HTML file (see :func:`valuenet.views.render.write_view`)."""
    from valuenet.views.render import write_view as _write

    return _write(view, path)


class View(ViewData):
    """A view that draws itself: the page as text, as a file, or inline in a Jupyter notebook.

    Inline, the page is the same self-contained offline page as the file, in a
    sandboxed frame (:func:`valuenet.views.render.inline_frame`): its scripts run
    but cannot reach the notebook, and nothing is fetched.
    """

    @classmethod
    def of(cls, data: ViewData) -> View:
        """The view of ``data`` (the same fields)."""
        return cls(**{f.name: getattr(data, f.name) for f in dataclasses.fields(data)})

    def to_html(self) -> str:
        """The whole HTML page, as text."""
        return render_view(self)

    def write(self, path: str | Path) -> Path:
        """Write the page as one self-contained UTF-8 HTML file (atomically) and return its path."""
        return write_view(self, path)

    def _repr_html_(self) -> str:
        from valuenet.views.render import inline_frame

        return inline_frame(self.to_html(), f"{self.title} · value network")

    def __repr__(self) -> str:
        return (
            f"<View {self.title!r}: {self.subtitle}; {len(self.nodes)} actors, {len(self.edges)} flows; "
            "write(path) writes it, a notebook shows it>"
        )


def write_model_view(model: Model, spec: ViewSpec, path: str | Path, source: FlowSource | None = None) -> Path:
    """Build the view ``spec`` asks for and write it to ``path``: the one call behind ``valuenet view``.

    ``source`` is where the flows are read (a store); by default the model's own flows.
    """
    return write_view(build_view(model, spec, source), path)


def write_example_outputs(model: Model, folder: str | Path) -> dict[str, Path]:
    """Write a model's network view and report into ``folder`` (created if missing); return their paths by name.

    The names are ``view`` and ``report``.

    The view aggregates every respondent of the model's first goal, coloured by
    whether flows add or destroy value; the report covers the same goal.
    """
    from valuenet.views.report import ReportSpec, write_report

    folder = make_folder(folder)
    goal = model.goals[0].id if model.goals else None
    view = write_model_view(model, ViewSpec(goal=goal, color_by="impact"), folder / f"{model.id}-network.html")
    report = write_report(model, ReportSpec(goal=goal), folder / f"{model.id}-report")
    return {"view": view, "report": report}


__all__ = [
    "COLOR_MODES",
    "View",
    "ViewData",
    "ViewEdge",
    "ViewNode",
    "ViewSpec",
    "build_view",
    "render_view",
    "write_example_outputs",
    "write_model_view",
    "write_view",
]
