"""Numpy images and ``PairBatch`` indices -> TensorFlow tensors (N, H, W, 1) in [0, 1], and the
pair check that catches a broken batch before it reaches a network (as ``siamlab.torch``)."""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from siamlab.data.pairs import PairBatch
from siamlab.training import check_images


def device() -> str:
    """The device TensorFlow places ops on: "/GPU:0" when a GPU is visible, else "/CPU:0"."""
    return "/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0"


def images_tensor(images: np.ndarray) -> tf.Tensor:
    """(N, H, W) uint8 -> float32 (N, H, W, 1) in [0, 1] (channels last, as Keras expects)."""
    images = check_images(images)
    return tf.convert_to_tensor(images[..., None].astype(np.float32) / 255.0)


def batch_tensors(images: np.ndarray, batch: PairBatch):
    """(left, right, same) for one batch: two (B, H, W, 1) float tensors and (B,) float labels."""
    if not len(batch.left) == len(batch.right) == len(batch.same):
        raise ValueError(f"a PairBatch needs left, right and same of one length, got "
                         f"{len(batch.left)}, {len(batch.right)}, {len(batch.same)}")
    return (images_tensor(images[batch.left]), images_tensor(images[batch.right]),
            tf.convert_to_tensor(np.asarray(batch.same, np.float32)))


def identical_pair_share(left: tf.Tensor, right: tf.Tensor) -> float:
    """Share of pairs whose two images are exactly equal (1.0 = the PyTorch asker's index bug)."""
    equal = tf.reduce_all(tf.reshape(tf.equal(left, right), (tf.shape(left)[0], -1)), axis=1)
    return float(tf.reduce_mean(tf.cast(equal, tf.float32)))


def check_pairs(left: tf.Tensor, right: tf.Tensor, same: tf.Tensor, max_identical: float = 0.1) -> None:
    """Look at a batch before training on it: equal shapes, float images, finite pixels, labels
    0/1 with both present, and at most ``max_identical`` of the pairs showing one image twice."""
    if left.shape != right.shape or left.shape.rank != 4 or same.shape != (left.shape[0],):
        raise ValueError(f"expected left and right (B, H, W, C) and same (B,), got {tuple(left.shape)}, "
                         f"{tuple(right.shape)}, {tuple(same.shape)}")
    if not left.dtype.is_floating or not bool(tf.reduce_all(tf.math.is_finite(left))
                                               & tf.reduce_all(tf.math.is_finite(right))):
        raise ValueError(f"expected finite float images, got dtype {left.dtype.name} or NaN/inf pixels")
    values = set(np.unique(np.asarray(same)).tolist())
    if values != {0.0, 1.0}:
        raise ValueError(f"expected labels 0 and 1, both present, got values {sorted(values)}")
    share = identical_pair_share(left, right)
    if share > max_identical:
        raise ValueError(f"{share:.0%} of the pairs show the same image in both branches "
                         f"(expected at most {max_identical:.0%}): check the pairing indices")
