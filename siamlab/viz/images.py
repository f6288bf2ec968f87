"""Image helpers shared by the embedding explorer and the pair viewer."""
from __future__ import annotations

import numpy as np


def as_2d_images(images: np.ndarray, name: str = "images") -> np.ndarray:
    """(n, h, w) grey images from (n, h, w), (n, 1, h, w) or (n, h, w, 1)."""
    array = np.asarray(images)
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    elif array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 3:
        raise ValueError(f"{name} must be (n, h, w), (n, 1, h, w) or (n, h, w, 1), "
                         f"got shape {np.shape(images)}")
    return array
