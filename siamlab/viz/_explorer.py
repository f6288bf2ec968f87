"""The shared shape of an explorer: state + figure + text, optional ipywidgets controls.

Subclasses draw once in ``__init__`` and then only update artists. ``show()`` displays ONE output
(``siamlab.viz._display.WidgetOutput``): the live widget (controls, the state text, the figure as an
``ipywidgets.Image``) where a front end renders widgets, else a PNG of the figure (GitHub, nbviewer,
a saved notebook not yet run), else one line of text. Changes made by code (``set_threshold`` in a
later cell) also redraw that PNG while no front end shows the widget, so a headless run saves the
final state; moves of the widget's own controls only update the widget.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from matplotlib.figure import Figure

from siamlab.viz._display import WidgetOutput, combine_pngs, figure_png, in_ipython

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
        self._outputs: list[WidgetOutput] = []  # the notebook outputs showing this explorer
        self._control_depth = 0  # > 0 while one of the widget's own controls drives a change
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

    @contextmanager
    def _by_control(self):
        """Mark changes made by this explorer's own controls (they update the live widget only)."""
        self._control_depth += 1
        try:
            yield
        finally:
            self._control_depth -= 1

    def _control(self, action):
        """A widget callback that runs ``action(*args)`` as a change made by a control."""
        def callback(*args):
            with self._by_control():
                action(*args)
        return callback

    def _refresh(self) -> None:
        """Push the updated figure and text to whatever is showing them."""
        self.refresh_count += 1
        if self._image is not None:
            self._image.value = self.png()
            self._label.value = f"<b>{self.text}</b>"
        if not self._control_depth:
            for output in self._outputs:
                output.refresh()

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
        """Display the explorer as one output: the live widget, or where none can run, a PNG of the figure."""
        if not in_ipython():
            return
        output = WidgetOutput(self.widget(), self.png, PLAIN_REPR)
        self._outputs.append(output)
        output.show()


def show_side_by_side(*explorers: Explorer) -> None:
    """Display several explorers as one output: their widgets in one row, or one PNG of all figures
    (in a row when narrow enough, else one above the other)."""
    if not explorers or not all(isinstance(e, Explorer) for e in explorers):
        raise TypeError(f"show_side_by_side expects explorers, got {[type(e).__name__ for e in explorers]}")
    if not in_ipython():
        return
    import ipywidgets as widgets

    row = quiet_box("HBox", [e.widget() for e in explorers], layout=widgets.Layout(overflow="auto"))
    output = WidgetOutput(row, lambda: combine_pngs([e.png() for e in explorers]), PLAIN_REPR)
    for explorer in explorers:
        explorer._outputs.append(output)
    output.show()
