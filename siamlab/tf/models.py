"""The fixed encoder and a vectorised, NaN-safe Euclidean distance.

By default the same architecture as seed 1 (Conv 32 3x3 -> MaxPool 2x2 -> Dense 50); what
changed is around it: inputs are checked, the distance is computed for a whole batch at once,
and an ``eps`` keeps the gradient of sqrt finite when two embeddings coincide. ``conv_blocks=2``
adds a second Conv 64 -> MaxPool block, which ten digits from a small training set need.
"""
from __future__ import annotations

import tensorflow as tf
from tensorflow.keras import Model
from tensorflow.keras.layers import Conv2D, Dense, Flatten, MaxPooling2D


class Encoder(Model):
    """Image (B, H, W, 1) in [0, 1] -> embedding (B, embedding_dim); L2 weight decay optional.

    ``conv_blocks`` conv+pool blocks with 32, 64, ... filters; 1 is the seed's architecture.
    """

    def __init__(self, embedding_dim: int = 50, l2: float = 0.01, image_shape: tuple[int, int, int] = (28, 28, 1),
                 conv_blocks: int = 1):
        super().__init__(name="encoder")
        if not isinstance(conv_blocks, int) or not 1 <= conv_blocks <= 3:
            raise ValueError(f"conv_blocks must be 1, 2 or 3, got {conv_blocks!r}")
        regularizer = tf.keras.regularizers.l2(l2) if l2 else None
        self.image_shape = tuple(image_shape)
        self.cv = Conv2D(32, (3, 3), activation="relu", padding="same", kernel_regularizer=regularizer)
        self.pool = MaxPooling2D((2, 2))
        self.extra_blocks = [(Conv2D(32 * 2**k, (3, 3), activation="relu", padding="same", kernel_regularizer=regularizer),
                              MaxPooling2D((2, 2))) for k in range(1, conv_blocks)]
        self.flatten = Flatten()
        self.dense = Dense(embedding_dim, activation=None, kernel_regularizer=regularizer)

    def call(self, inputs, training=None):
        shape = tuple(inputs.shape[1:])
        if inputs.shape.rank != 4 or shape != self.image_shape:
            raise ValueError(f"Encoder expected images (B, {', '.join(map(str, self.image_shape))}), "
                             f"got shape {tuple(inputs.shape)}")
        x = self.pool(self.cv(inputs))
        for conv, pool in self.extra_blocks:
            x = pool(conv(x))
        return self.dense(self.flatten(x))


def euclidean_distance(a: tf.Tensor, b: tf.Tensor, eps: float = 1e-9) -> tf.Tensor:
    """Row-wise ||a - b|| for (B, D) embeddings -> (B,), as sqrt(sum of squares + eps).

    ``eps=0`` reproduces the seed's sqrt, whose gradient is NaN where a == b (d = 0).
    """
    if a.shape.rank != 2 or b.shape.rank != 2 or a.shape != b.shape:
        raise ValueError(f"euclidean_distance expected two (B, D) tensors of equal shape, got {tuple(a.shape)} and {tuple(b.shape)}")
    return tf.sqrt(tf.reduce_sum(tf.square(a - b), axis=1) + eps)
