"""Figures to PNG and in-place notebook display, shared by live curves and explorers.

We render PNG bytes ourselves (Agg, no pyplot) so that a saved notebook holds a plain
``image/png`` output readable on GitHub, whatever matplotlib backend the kernel uses.

A widget is shown as ONE output whose mime bundle holds three views of it (``WidgetOutput``);
each reader renders the best one it can, and only that one:

- ``application/vnd.jupyter.widget-view+json``: the live widget. JupyterLab ranks this renderer
  first, so a running notebook shows the widget alone (no second, static copy);
- ``image/png``: the figure, for readers without the live model: GitHub, nbviewer and
  ``nbconvert --to html`` (which skip widget views when the notebook saved no widget state), and
  JupyterLab itself for a notebook it does not trust (a fresh clone: widget views are "unsafe");
- ``text/plain``: one line (``interactive view: ...``), for terminals and for nbval, which
  compares text only (it skips widget views and, without ``--nbdime``, images).

A JupyterLab that trusts the notebook but has no kernel behind the widget (reopened after a save)
shows "Error displaying widget: model not found" there, as for any widget, until the cell runs.
"""
from __future__ import annotations

import base64
import io
from collections.abc import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def in_ipython() -> bool:
    """True inside an IPython kernel or shell (where ``display`` reaches an output)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def figure_png(figure: Figure, dpi: float = 80) -> bytes:
    """The figure as PNG bytes (Agg canvas; no pyplot state involved)."""
    if not isinstance(figure, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(figure).__name__}")
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class FigureOutput:
    """One notebook output showing a figure, replaced in place by ``update`` (no new outputs)."""

    def __init__(self, dpi: float = 80):
        self.dpi = dpi
        self.handle = None
        self.updates = 0

    def show(self, figure: Figure) -> None:
        """Display the figure the first time, replace that same output afterwards."""
        if not in_ipython():
            return
        from IPython.display import Image, display

        image = Image(data=figure_png(figure, self.dpi), format="png")
        if self.handle is None:
            self.handle = display(image, display_id=True)
        else:
            self.handle.update(image)
            self.updates += 1


def combine_pngs(pngs: list[bytes], max_width: int = 1200, gap: int = 12) -> bytes:
    """Several PNG pictures as one: in a row when it fits in ``max_width`` pixels, else in a column
    (a wide row would be scaled down until its text cannot be read on GitHub). White fills the rest."""
    import numpy as np
    from matplotlib import image as mpl_image

    if not pngs:
        raise ValueError("combine_pngs needs at least one picture, got none")
    pictures = [mpl_image.imread(io.BytesIO(png), format="png") for png in pngs]
    pictures = [p if p.shape[2] == 4 else np.dstack([p, np.ones(p.shape[:2], p.dtype)]) for p in pictures]
    in_row = sum(p.shape[1] for p in pictures) + gap * (len(pictures) - 1) <= max_width
    axis = 1 if in_row else 0  # pictures are stacked along this axis, padded along the other
    size = max(p.shape[1 - axis] for p in pictures)
    parts = []
    for i, picture in enumerate(pictures):
        pad = [(0, 0), (0, 0), (0, 0)]
        pad[1 - axis] = (0, size - picture.shape[1 - axis])
        if i:
            pad[axis] = (gap, 0)
        parts.append(np.pad(picture, pad, constant_values=1.0))
    buffer = io.BytesIO()
    mpl_image.imsave(buffer, np.concatenate(parts, axis=axis), format="png")
    return buffer.getvalue()


def widget_bundle(widget, png: bytes, text: str) -> dict:
    """The mime bundle of one output: live ``widget`` view, ``png`` picture of it, one line of ``text``."""
    return {WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": widget.model_id},
            "image/png": base64.b64encode(png).decode("ascii"),
            "text/plain": text}


class WidgetOutput:
    """One notebook output for an ipywidgets ``widget``: the live view, a PNG picture, one line of text.

    ``picture`` returns the PNG bytes. ``refresh`` replaces the output in place with a new picture,
    but only while no front end renders the widget (ipywidgets' ``_view_count`` stays 0: nbconvert,
    nbval, a headless kernel): a live front end shows the widget's own updates, and replacing its
    output would rebuild the widget view.
    """

    def __init__(self, widget, picture: Callable[[], bytes], text: str):
        self.widget, self.picture, self.text = widget, picture, text
        self.handle = None
        self.updates = 0
        widget._view_count = 0  # front ends count the views they render (None: not counted)

    def bundle(self) -> dict:
        return widget_bundle(self.widget, self.picture(), self.text)

    @property
    def live_views(self) -> int:
        """How many views of the widget front ends render now (as they report it)."""
        return int(getattr(self.widget, "_view_count", 0) or 0)

    def show(self) -> None:
        """Display the output once (inside IPython; elsewhere nothing happens)."""
        if not in_ipython():
            return
        from IPython.display import display

        self.handle = display(self.bundle(), raw=True, display_id=True)

    def refresh(self) -> None:
        """Replace the shown output's picture, where no front end shows the live widget."""
        if self.handle is None or self.live_views:
            return
        self.handle.update(self.bundle(), raw=True)
        self.updates += 1


def show_figure(figure: Figure, dpi: float = 80) -> None:
    """Display a figure once as a static PNG output (the same on GitHub as in JupyterLab)."""
    if not isinstance(figure, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(figure).__name__}")
    FigureOutput(dpi).show(figure)
