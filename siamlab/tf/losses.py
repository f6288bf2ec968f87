"""The contrastive loss, vectorised: one term per pair, one label per pair.

The seed's ``tf.map_fn`` loss paired each distance with the WHOLE label vector; here distance
and label are both (B,) and are multiplied element-wise (checked, so a broadcast cannot hide).
"""
from __future__ import annotations

import tensorflow as tf


def contrastive_loss(distance: tf.Tensor, same: tf.Tensor, margin: float = 1.0) -> tf.Tensor:
    """mean( y d^2 + (1 - y) max(0, margin - d)^2 ), y = 1 for a same-class pair."""
    distance = tf.convert_to_tensor(distance, tf.float32)
    same = tf.cast(tf.convert_to_tensor(same), tf.float32)
    if distance.shape.rank != 1 or same.shape.rank != 1 or distance.shape != same.shape:
        raise ValueError(f"contrastive_loss expected distance (B,) and same (B,) of equal length, "
                         f"got {tuple(distance.shape)} and {tuple(same.shape)}")
    terms = same * tf.square(distance) + (1.0 - same) * tf.square(tf.nn.relu(margin - distance))
    return tf.reduce_mean(terms)
