"""A static grid of images: the first look at the data (pairs: ``siamlab.viz.pairs.pair_grid``)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from siamlab.validate import positive_int


def image_grid(images: np.ndarray, titles: Sequence[str] | None = None, ncols: int = 10,
               title: str = "", size: float = 1.1) -> Figure:
    """A grid of (N, H, W) grayscale images with optional per-image titles."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"expected (N, H, W) images, got shape {images.shape}")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"expected {len(images)} titles, one per image, got {len(titles)}")
    if len(images) == 0:
        raise ValueError(f"need at least one image, got shape {images.shape}")
    ncols = positive_int("ncols", ncols)
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    aspect = images.shape[1] / images.shape[2]
    height = size * aspect * nrows + (0.45 if title else 0.1) + (0.25 * nrows if titles is not None else 0)
    figure = Figure(figsize=(size * ncols, height), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < len(images):
            ax.imshow(images[k], cmap="gray", vmin=0, vmax=255 if images.dtype == np.uint8 else None)
            if titles is not None:
                ax.set_title(titles[k], fontsize=8)
    if title:
        figure.suptitle(title)
    return figure

