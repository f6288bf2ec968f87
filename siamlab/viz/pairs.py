"""Pair viewer: a grid of image pairs with their label, distance and thresholded prediction."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from siamlab.metrics import predict_same
from siamlab.validate import positive_int
from siamlab.viz.images import as_2d_images


def pair_grid(left: np.ndarray, right: np.ndarray, same: np.ndarray, distances: np.ndarray | None = None,
              threshold: float | None = None, n: int = 12, cols: int = 4, order: str = "first",
              same_if: str = "below", title: str = "") -> Figure:
    """Show up to ``n`` pairs; ``order`` "first", "errors" (wrong ones first) or "closest"
    (smallest distance).

    Without ``distances`` (what goes INTO a net, before any model) only the labels are shown.
    """
    n, cols = positive_int("n", n), positive_int("cols", cols)
    left, right = as_2d_images(left, "left"), as_2d_images(right, "right")
    same = np.asarray(same).reshape(-1)
    if (distances is None) != (threshold is None):
        raise ValueError("give distances and threshold together, or neither")
    if distances is None:
        return _labelled_pairs(left, right, same, n, cols, title)
    distances = np.asarray(distances, dtype=np.float64).reshape(-1)
    count = len(left)
    for name, arr in (("right", right), ("same", same), ("distances", distances)):
        if len(arr) != count:
            raise ValueError(f"{name} must have one entry per pair: expected {count}, got {len(arr)}")
    if count == 0:
        raise ValueError("need at least one pair, got 0")
    if left.shape[1:] != right.shape[1:]:
        raise ValueError("left and right images must have the same size, "
                         f"got {left.shape[1:]} and {right.shape[1:]}")
    predicted = predict_same(distances, threshold, same_if)
    wrong = predicted != same
    if order == "first":
        chosen = np.arange(count)
    elif order == "errors":
        chosen = np.argsort(~wrong, kind="stable")
    elif order == "closest":
        chosen = np.argsort(distances, kind="stable")
    else:
        raise ValueError(f"order must be 'first', 'errors' or 'closest', got {order!r}")
    titles = {k: (f"{'same' if same[k] else 'different'} | d={distances[k]:.3g}\n"
                  f"predicted {'same' if predicted[k] else 'diff'}", "C3" if wrong[k] else "C2")
              for k in chosen[:n]}
    fig = _draw_pairs(left, right, titles, cols, row_height=2.0)
    fig.suptitle(f"{title + ': ' if title else ''}pairs at threshold {threshold:.3g} "
                 f"(green = right, red = wrong; {int(wrong.sum())} of {count} wrong)")
    return fig


def _labelled_pairs(left: np.ndarray, right: np.ndarray, same: np.ndarray, n: int, cols: int,
                    title: str) -> Figure:
    """The pairs with their labels only (no model yet)."""
    if len(right) != len(left) or len(same) != len(left) or len(left) == 0:
        raise ValueError(f"expected as many right images and labels as left images ({len(left)}), "
                         f"got {len(right)} and {len(same)}")
    titles = {k: (f"label {int(same[k])}: {'same' if same[k] else 'different'}", "k")
              for k in range(min(n, len(left)))}
    fig = _draw_pairs(left, right, titles, cols, row_height=1.8)
    fig.suptitle(title or "pairs and their labels (1 = same, 0 = different)")
    return fig


def _draw_pairs(left: np.ndarray, right: np.ndarray, titles: dict, cols: int, row_height: float) -> Figure:
    """One panel per chosen pair (left image, gap, right image), titled ``titles[k] = (text, color)``."""
    rows = int(np.ceil(len(titles) / cols))
    fig = Figure(figsize=(2.6 * cols, row_height * rows + 0.5), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).reshape(-1)
    gap = np.full((left.shape[1], 2), np.nan)
    for ax, (k, (text, color)) in zip(axes, titles.items()):
        ax.imshow(np.hstack([left[k], gap, right[k]]), cmap="gray_r")
        ax.set_title(text, fontsize="small", color=color)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[len(titles):]:
        ax.axis("off")
    return fig
