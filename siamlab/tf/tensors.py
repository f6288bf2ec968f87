"""Numpy images and ``PairBatch`` indices -> TensorFlow tensors (N, H, W, 1), scaled to [0, 1]."""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from siamlab.data.pairs import PairBatch


def images_tensor(images: np.ndarray) -> tf.Tensor:
    """(N, H, W) uint8 -> float32 (N, H, W, 1) in [0, 1] (channels last, as Keras expects)."""
    images = np.asarray(images)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"expected (N, H, W) uint8 images, got shape {images.shape} dtype {images.dtype}")
    return tf.convert_to_tensor(images[..., None].astype(np.float32) / 255.0)


def batch_tensors(images: np.ndarray, batch: PairBatch):
    """(left, right, same) for one batch: two (B, H, W, 1) float tensors and (B,) float labels."""
    return (images_tensor(images[batch.left]), images_tensor(images[batch.right]),
            tf.convert_to_tensor(batch.same.astype(np.float32)))
