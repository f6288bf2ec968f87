"""Reference formulas in numpy: the losses both framework tracks implement and test against.

Convention: ``same = 1`` for a same-class pair (the seeds' own; Hadsell et al. 2006 use 0).
"""
from __future__ import annotations

import numpy as np


def _check(distance: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    distance = np.asarray(distance, dtype=np.float64)
    same = np.asarray(same, dtype=np.float64)
    if distance.ndim != 1 or distance.shape != same.shape:
        raise ValueError(f"distance and same must both be (B,), got {distance.shape} and {same.shape}")
    return distance, same


def euclidean_distance(a: np.ndarray, b: np.ndarray, eps: float = 0.0) -> np.ndarray:
    """Row-wise ||a - b||, as sqrt(sum of squares + eps); eps > 0 keeps the gradient finite at 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"expected two (B, D) arrays of equal shape, got {a.shape} and {b.shape}")
    return np.sqrt(((a - b) ** 2).sum(axis=1) + eps)


def contrastive_loss(distance: np.ndarray, same: np.ndarray, margin: float = 1.0) -> float:
    """mean( y d^2 + (1 - y) max(0, margin - d)^2 ): same pairs pulled in, different pushed out."""
    d, y = _check(distance, same)
    return float(np.mean(y * d**2 + (1 - y) * np.maximum(0.0, margin - d) ** 2))


def seed_contrastive_loss(distance: np.ndarray, same: np.ndarray) -> float:
    """What seed 1's ``tf.map_fn`` loss really computes: every distance meets EVERY label.

    term[i, j] = y_j d_i^2 + (1 - y_j) max(0, 1 - d_i)^2, and the loss is its mean over the
    (B, B) matrix = mean_i [ p d_i^2 + (1 - p) max(0, 1 - d_i)^2 ], p = share of same pairs
    in the batch. Each d_i is pulled to 1 - p whatever its own label.
    """
    d, y = _check(distance, same)
    terms = y[None, :] * d[:, None] ** 2 + (1 - y[None, :]) * np.maximum(0.0, 1 - d[:, None]) ** 2
    return float(terms.mean())
