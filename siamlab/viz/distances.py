"""Distance explorer: same vs different histograms, a threshold, accuracy, confusion and ROC.

Everything a threshold move needs is precomputed (sorted distances per kind, histograms,
ROC): ``set_threshold`` is two ``searchsorted`` calls plus updates of existing artists.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from siamlab.metrics import roc_analysis
from siamlab.viz._explorer import Explorer
from siamlab.viz.colors import DIFFERENT_PAIRS, SAME_PAIRS


class DistanceExplorer(Explorer):
    """Explore the "same if distance < threshold" decision on pair distances."""

    def __init__(self, distances: np.ndarray, same: np.ndarray, threshold: float | None = None,
                 bins: int = 60, title: str = "", xlabel: str = "pair distance"):
        super().__init__()
        self.roc = roc_analysis(distances, same)  # validates shapes, labels, finiteness
        if not isinstance(bins, (int, np.integer)) or bins < 2:
            raise ValueError(f"bins must be an integer >= 2, got {bins!r}")
        d = np.asarray(distances, dtype=np.float64).reshape(-1)
        s = np.asarray(same).reshape(-1).astype(bool)
        self.distances, self.same = d, s.astype(np.int64)
        self.title, self.xlabel = title, xlabel
        self._same_sorted = np.sort(d[s])
        self._diff_sorted = np.sort(d[~s])
        self.n_same, self.n_diff = len(self._same_sorted), len(self._diff_sorted)
        best = self.roc.best_threshold
        lo, hi = min(float(d.min()), best), max(float(d.max()), best)  # keep the best threshold in view
        pad = 0.05 * (hi - lo) if hi > lo else max(0.5, abs(lo) * 0.1)
        self.range = (lo - pad, hi + pad)
        self.threshold = float(self.roc.best_threshold if threshold is None else threshold)
        self._build(bins)
        self.set_threshold(self.threshold)
        self._freeze_layout()

    # --- state ---------------------------------------------------------------------------------
    def counts(self, threshold: float) -> tuple[int, int]:
        """(same pairs called same, different pairs called same) at ``threshold`` (strict <)."""
        tp = int(np.searchsorted(self._same_sorted, threshold, side="left"))
        fp = int(np.searchsorted(self._diff_sorted, threshold, side="left"))
        return tp, fp

    def set_threshold(self, threshold: float) -> DistanceExplorer:
        """Move the threshold; updates accuracy, confusion, ROC point, figure and text."""
        threshold = float(threshold)
        if not np.isfinite(threshold):
            raise ValueError(f"threshold must be a finite number, got {threshold}")
        self.threshold = threshold
        tp, fp = self.counts(threshold)
        fn, tn = self.n_same - tp, self.n_diff - fp
        self.confusion = np.array([[tn, fp], [fn, tp]])  # rows true (diff, same), cols predicted
        self.accuracy = (tp + tn) / (self.n_same + self.n_diff)
        self.tpr = tp / self.n_same
        self.fpr = fp / self.n_diff
        self._update_artists()
        self._refresh()
        return self

    @property
    def text(self) -> str:
        return (f"threshold {self.threshold:.4f}: accuracy {self.accuracy:.4f} "
                f"(best {self.roc.best_accuracy:.4f} at {self.roc.best_threshold:.4f}; "
                f"AUC {self.roc.auc:.3f}, EER {self.roc.eer:.3f})")

    # --- drawing -------------------------------------------------------------------------------
    def _build(self, bins: int) -> None:
        fig = self.figure = Figure(figsize=(13, 3.8), layout="constrained")
        ax_hist, ax_roc, ax_cm = fig.subplots(1, 3, width_ratios=[1.6, 1, 0.8])
        edges = np.linspace(*self.range, bins + 1)
        for values, label, color in ((self._same_sorted, "same pairs", SAME_PAIRS),
                                     (self._diff_sorted, "different pairs", DIFFERENT_PAIRS)):
            ax_hist.hist(values, bins=edges, histtype="stepfilled", alpha=0.45, color=color,
                         label=f"{label} (n={len(values)})")
        self._line = ax_hist.axvline(self.threshold, color="k", lw=2, label="threshold")
        ax_hist.axvline(self.roc.best_threshold, color="C0", ls="--", lw=1.2,
                        label=f"best threshold {self.roc.best_threshold:.3f}")
        ax_hist.set_xlim(*self.range)
        ax_hist.set_xlabel(self.xlabel)
        ax_hist.set_ylabel("number of pairs")
        ax_hist.set_title("distances: same vs different")
        ax_hist.legend(fontsize="small")
        ax_roc.plot(self.roc.fpr, self.roc.tpr, color="C0", label=f"ROC (AUC {self.roc.auc:.3f})")
        ax_roc.plot([0, 1], [0, 1], ls=":", color="grey", label="chance")
        best_tp, best_fp = self.counts(self.roc.best_threshold)
        ax_roc.plot(best_fp / self.n_diff, best_tp / self.n_same, "o", mfc="none", mec="C0", ms=10,
                    label="best threshold")
        (self._point,) = ax_roc.plot([0], [0], "ko", label="current threshold")
        ax_roc.set_xlabel("false positive rate (different called same)")
        ax_roc.set_ylabel("true positive rate (same called same)")
        ax_roc.set_title(f"ROC, EER {self.roc.eer:.3f}")
        ax_roc.legend(fontsize="small", loc="lower right")
        self._cm = ax_cm.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=len(self.distances))
        self._cm_text = [[ax_cm.text(j, i, "", ha="center", va="center") for j in range(2)] for i in range(2)]
        ax_cm.set_xticks([0, 1], ["different", "same"])
        ax_cm.set_yticks([0, 1], ["different", "same"])
        ax_cm.set_xlabel("predicted")
        ax_cm.set_ylabel("true")
        self._cm_axes = ax_cm
        self._suptitle = fig.suptitle("")

    def _update_artists(self) -> None:
        self._line.set_xdata([self.threshold, self.threshold])
        self._point.set_data([self.fpr], [self.tpr])
        self._cm.set_data(self.confusion)
        for i in range(2):
            for j in range(2):
                value = self.confusion[i, j]
                self._cm_text[i][j].set_text(str(value))
                self._cm_text[i][j].set_color("white" if value > 0.6 * len(self.distances) else "black")
        self._cm_axes.set_title(f"confusion, accuracy {self.accuracy:.3f}")
        self._suptitle.set_text(f"{self.title + ': ' if self.title else ''}{self.text}")

    # --- widgets -------------------------------------------------------------------------------
    def controls(self) -> list:
        """A threshold slider and a "best threshold" button."""
        import ipywidgets as widgets

        lo, hi = self.range
        slider = widgets.FloatSlider(value=self.threshold, min=lo, max=hi, step=(hi - lo) / 400,
                                     description="threshold", readout_format=".4f", continuous_update=False,
                                     layout=widgets.Layout(width="480px"))
        slider.add_class("siamlab-threshold")
        slider.observe(self._control(lambda change: self.set_threshold(change["new"])), names="value")
        best = widgets.Button(description="best threshold")
        best.on_click(lambda _: setattr(slider, "value", min(max(self.roc.best_threshold, lo), hi)))
        self.slider = slider
        return [slider, best]
