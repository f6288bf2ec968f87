"""Distance and losses of the TensorFlow track, vectorised: one term per pair, one label per
pair (the seed's ``tf.map_fn`` loss paired each distance with the WHOLE label vector). Same
names and formulas as ``siamlab.torch.losses`` and the numpy references in ``siamlab.losses``."""
from __future__ import annotations

import tensorflow as tf


def _check(values: tf.Tensor, same: tf.Tensor, what: str) -> None:
    if values.shape.rank != 1 or values.shape != same.shape:
        raise ValueError(f"{what} and same must both be (B,), "
                         f"got {tuple(values.shape)} and {tuple(same.shape)}")


def euclidean_distance(a: tf.Tensor, b: tf.Tensor, eps: float = 1e-9) -> tf.Tensor:
    """Row-wise sqrt(sum (a - b)^2 + eps) for (B, D) embeddings -> (B,); eps > 0 keeps the
    gradient finite where a == b (``eps=0`` is the seed's sqrt: NaN gradient at d = 0)."""
    if a.shape.rank != 2 or a.shape != b.shape:
        raise ValueError(f"expected two (B, D) tensors of equal shape, "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")
    return tf.sqrt(tf.reduce_sum(tf.square(a - b), axis=1) + eps)


def contrastive_loss(distance: tf.Tensor, same: tf.Tensor, margin: float = 1.0) -> tf.Tensor:
    """mean( y d^2 + (1 - y) max(0, margin - d)^2 ), y = 1 for a same-class pair."""
    distance = tf.convert_to_tensor(distance, tf.float32)
    same = tf.cast(tf.convert_to_tensor(same), tf.float32)
    _check(distance, same, "distance")
    terms = same * tf.square(distance) + (1.0 - same) * tf.square(tf.nn.relu(margin - distance))
    return tf.reduce_mean(terms)


def logit_bce_loss(logits: tf.Tensor, same: tf.Tensor) -> tf.Tensor:
    """Binary cross-entropy on one raw logit per pair (sigmoid inside, numerically stable)."""
    logits = tf.convert_to_tensor(logits, tf.float32)
    same = tf.cast(tf.convert_to_tensor(same), tf.float32)
    _check(logits, same, "logits")
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=same, logits=logits))
