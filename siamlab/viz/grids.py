"""A static grid of images: the first look at the data (pairs: ``siamlab.viz.pairs.pair_grid``)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.figure import Figure


def image_grid(images: np.ndarray, titles: Sequence[str] | None = None, ncols: int = 10,
               title: str = "", size: float = 1.1) -> Figure:
    """A grid of (N, H, W) grayscale images with optional per-image titles."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"expected (N, H, W) images, got shape {images.shape}")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"expected {len(images)} titles, one per image, got {len(titles)}")
    if ncols < 1:
        raise ValueError(f"ncols must be >= 1, got {ncols}")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    aspect = images.shape[1] / images.shape[2]
    figure = Figure(figsize=(size * ncols, size * aspect * nrows + (0.45 if title else 0.1) + (0.25 * nrows if titles is not None else 0)),
                    layout="constrained")
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

