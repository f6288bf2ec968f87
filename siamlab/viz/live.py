"""Loss and metric curves that redraw in place while a model trains.

One figure per ``LiveCurves``; each tracked ``History`` is one coloured run, its baseline a
dashed line (on the loss panel a run with weight decay is drawn without the penalty, as its
legend says, so that it compares with that line). In a live notebook the figure updates in
place (an IPython display handle, no widget needed); a saved or headless run (nbval) keeps
exactly one final static figure, the same one a live frontend shows at the end. Outside
IPython it draws nothing until ``figure``.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from siamlab.history import History
from siamlab.viz._display import FigureOutput


class LiveCurves:
    """Curves of ``keys`` (e.g. ``("loss", "accuracy")``) for one or more runs, updated live."""

    def __init__(self, keys: Sequence[str] = ("loss",), title: str = "", min_interval_s: float = 0.5,
                 width: float = 5.0, height: float = 3.4):
        if isinstance(keys, str):
            keys = (keys,)
        if not keys:
            raise ValueError("keys must name at least one metric, got none")
        self.keys = tuple(keys)
        self.title = title
        self.min_interval_s = min_interval_s
        self.runs: list[History] = []
        self.figure = Figure(figsize=(width * len(self.keys), height), layout="constrained")
        self.axes = self.figure.subplots(1, len(self.keys), squeeze=False)[0]
        if title:  # once above all panels: long step names do not fit over each axis
            self.figure.suptitle(title)
        self._output = FigureOutput()
        self._last_draw = 0.0
        self.draw_count = 0

    # --- runs --------------------------------------------------------------------------------
    def track(self, history: History) -> History:
        """Draw ``history`` in this figure and redraw whenever it logs."""
        if not isinstance(history, History):
            raise TypeError(f"track expects a siamlab.history.History, got {type(history).__name__}")
        self.runs.append(history)
        history.subscribe(self._on_log)
        return history

    def run(self, name: str, baseline: float | None = None) -> History:
        """A new tracked ``History`` (shortcut for ``track(History(name, baseline))``)."""
        return self.track(History(name, baseline=baseline))

    def _on_log(self, history: History) -> None:
        if time.monotonic() - self._last_draw >= self.min_interval_s:
            self.redraw()

    # --- drawing -------------------------------------------------------------------------------
    def render(self) -> Figure:
        """Draw every run into the figure (no display) and return it."""
        colors = [f"C{i % 10}" for i in range(len(self.runs))]
        for ax, key in zip(self.axes, self.keys):
            ax.clear()
            drawn: set[float] = set()  # one dashed line (and legend entry) per baseline value
            for history, color in zip(self.runs, colors):
                if key in history.keys():
                    epochs, values, label = _curve(history, key)
                    ax.plot(epochs, values, "o-" if len(epochs) < 30 else "-", ms=3, color=color,
                            label=label)
                baseline = history.baseline
                if key == "loss" and baseline is not None and round(baseline, 4) not in drawn:
                    drawn.add(round(baseline, 4))
                    ax.axhline(baseline, ls="--", lw=1, color="gray" if len(self.runs) > 1 else color,
                               label=f"constant predictor {baseline:.4f}")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
            ax.set_xlabel("epoch")
            ax.set_ylabel(key)
            ax.set_title(key)
            if ax.has_data():
                ax.legend(fontsize="small")
        return self.figure

    def redraw(self) -> None:
        """Render and show the figure, replacing the previous picture in place."""
        self.render()
        self._last_draw = time.monotonic()
        self.draw_count += 1
        self._output.show(self.figure)

    def finish(self) -> Figure:
        """Final redraw (never skipped by the throttle); returns the figure."""
        self.redraw()
        return self.figure

    def __enter__(self) -> LiveCurves:
        return self

    def __exit__(self, *exc) -> None:
        self.finish()


def _curve(history: History, key: str) -> tuple[np.ndarray, np.ndarray, str]:
    """(epochs, values, legend label) of one run. On the "loss" panel a run that logged a
    ``data_loss`` different from its ``loss`` (weight decay on) is drawn without the penalty:
    the constant-predictor line is a data-loss value, and the legend says so."""
    epochs, values = history.series(key)
    if key == "loss" and "data_loss" in history.keys():
        data_epochs, data_values = history.series("data_loss")
        if len(data_values) == len(values) and not np.allclose(data_values, values):
            return data_epochs, data_values, f"{history.name} (without the L2 term)"
    return epochs, values, history.name
