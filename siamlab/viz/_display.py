"""Figures to PNG and in-place notebook display, shared by live curves and explorers.

We render PNG bytes ourselves (Agg, no pyplot) so that a saved notebook holds a plain
``image/png`` output readable on GitHub, whatever matplotlib backend the kernel uses.
"""
from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


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


def show_figure(figure: Figure, dpi: float = 80) -> None:
    """Display a figure once as a static PNG output (the same on GitHub as in JupyterLab)."""
    if not isinstance(figure, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(figure).__name__}")
    FigureOutput(dpi).show(figure)
