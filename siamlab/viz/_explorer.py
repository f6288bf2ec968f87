"""The shared shape of an explorer: state + figure + text, optional ipywidgets controls.

Subclasses draw once in ``__init__`` and then only update artists. ``show()`` displays the
controls (a live view, an ``ipywidgets.Image`` of the figure) and one static PNG copy that a
saved notebook keeps (readable on GitHub, and all a headless run produces).
"""
from __future__ import annotations

import os
import sys

from matplotlib.figure import Figure

from siamlab.viz._display import FigureOutput, figure_png, in_ipython

PLAIN_REPR = "interactive view: run in JupyterLab (or Colab / VS Code) to use it"
_BOXES: dict = {}


def quiet_box(kind: str, children: list, **kwargs):
    """An ipywidgets ``VBox`` / ``HBox`` whose text/plain is one line, not the long ``children=`` repr."""
    import ipywidgets as widgets

    if kind not in _BOXES:
        base = getattr(widgets, kind)
        _BOXES[kind] = type(f"Siamlab{kind}", (base,), {"__repr__": lambda self: PLAIN_REPR})
    return _BOXES[kind](children, **kwargs)


def click_events():
    """ipyevents' ``Event`` where its JavaScript can load (JupyterLab, classic Notebook), else None.

    ipyevents is optional (the ``lab`` extra) and is not on npm, so Colab, Kaggle and VS Code cannot load
    its front end and would show an error; there the point box selects points. SIAMLAB_CLICK=0 turns
    clicks off, SIAMLAB_CLICK=1 forces them on.
    """
    wanted = os.environ.get("SIAMLAB_CLICK", "")
    hosted = ("google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ
              or "KAGGLE_KERNEL_RUN_TYPE" in os.environ or "VSCODE_PID" in os.environ)
    if wanted == "0" or (hosted and wanted != "1"):
        return None
    try:
        from ipyevents import Event
    except ImportError:
        return None
    return Event


class Explorer:
    """Base class: ``figure``, ``text``, ``controls()``, ``widget()``, ``show()``, ``png()``."""

    figure: Figure
    dpi: float = 80

    def __init__(self) -> None:
        self._image = None  # ipywidgets.Image showing the figure, once widget() was built
        self._label = None  # ipywidgets.HTML showing ``text``
        self._static = FigureOutput(self.dpi)
        self.refresh_count = 0

    @property
    def text(self) -> str:
        """One line describing the current state (shown above the figure)."""
        raise NotImplementedError

    def controls(self) -> list:
        """The ipywidgets that drive this explorer (sliders, buttons)."""
        raise NotImplementedError

    def png(self) -> bytes:
        """The current figure as PNG bytes."""
        return figure_png(self.figure, self.dpi)

    def _freeze_layout(self) -> None:
        """Lay the figure out once, then keep it: later redraws skip the layout solver."""
        figure_png(self.figure, self.dpi)
        self.figure.set_layout_engine("none")

    def _refresh(self) -> None:
        """Push the updated figure and text to whatever is showing them."""
        self.refresh_count += 1
        if self._image is not None:
            self._image.value = self.png()
            self._label.value = f"<b>{self.text}</b>"
        if self._static.handle is not None:
            self._static.show(self.figure)

    def widget(self):
        """An ipywidgets box: controls, the state text and the figure as a live image."""
        import ipywidgets as widgets

        if self._image is None:
            self._image = widgets.Image(value=self.png(), format="png")
            self._label = widgets.HTML(f"<b>{self.text}</b>")
            self._image.add_class("siamlab-figure")
            self._label.add_class("siamlab-text")
        box = quiet_box("VBox", [widgets.HBox(self.controls()), self._label, self._image])
        box.add_class(f"siamlab-{type(self).__name__.lower()}")
        return box

    def show(self) -> None:
        """Display the interactive widget and a static copy of the figure (kept when saved)."""
        if not in_ipython():
            return
        from IPython.display import Markdown, display

        display(self.widget())
        display(Markdown(f"*Static copy for saved notebooks:* {self.text}"))
        self._static.show(self.figure)


def show_side_by_side(*explorers: Explorer) -> None:
    """Display several explorers' widgets in one row, then a static copy of each figure."""
    if not explorers or not all(isinstance(e, Explorer) for e in explorers):
        raise TypeError(f"show_side_by_side expects explorers, got {[type(e).__name__ for e in explorers]}")
    if not in_ipython():
        return
    import ipywidgets as widgets
    from IPython.display import Markdown, display

    display(quiet_box("HBox", [e.widget() for e in explorers], layout=widgets.Layout(overflow="auto")))
    for explorer in explorers:
        display(Markdown(f"*Static copy for saved notebooks:* {explorer.text}"))
        explorer._static.show(explorer.figure)
