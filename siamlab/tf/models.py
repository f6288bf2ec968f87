"""Models of the TensorFlow track: the encoder, the pair models built on it (same names,
arguments and meanings as ``siamlab.torch.models``; images are channels-last here)."""
from __future__ import annotations

import tensorflow as tf
from tensorflow.keras import Model
from tensorflow.keras.layers import Conv2D, Dense, Flatten, GlobalMaxPooling2D, MaxPooling2D

from siamlab.tf.losses import euclidean_distance
from siamlab.training import HEADS
from siamlab.validate import one_of, positive_int


class Encoder(Model):
    """Image (B, H, W, in_channels) in [0, 1] -> embedding (B, embedding_dim).

    ``conv_blocks`` blocks of Conv 3x3 (``filters``, doubling per block, ReLU) + MaxPool 2x2,
    then Flatten (or a global max over positions with ``global_pool``) and a Dense layer.
    ``l2`` puts a weight-decay penalty on every kernel; it appears in ``model.losses`` and
    only counts when the training step adds it. ``Encoder(l2=0.01)`` is seed 1's encoder.
    """

    def __init__(self, embedding_dim: int = 50, image_shape: tuple[int, int] = (28, 28), in_channels: int = 1,
                 filters: int = 32, conv_blocks: int = 1, global_pool: bool = False, l2: float = 0.0):
        super().__init__(name="encoder")
        positive_int("conv_blocks", conv_blocks)
        self.embedding_dim, self.input_spec_shape = embedding_dim, (*image_shape, in_channels)
        reg = tf.keras.regularizers.l2(l2) if l2 else None
        self.blocks = [(Conv2D(filters * 2**k, 3, activation="relu", padding="same", kernel_regularizer=reg),
                        MaxPooling2D(2)) for k in range(conv_blocks)]
        self.collapse = GlobalMaxPooling2D() if global_pool else Flatten()
        self.dense = Dense(embedding_dim, kernel_regularizer=reg)

    def call(self, images, training=None):
        if tuple(images.shape[1:]) != self.input_spec_shape:
            raise ValueError(f"Encoder expected images (B, {', '.join(map(str, self.input_spec_shape))}), "
                             f"got {tuple(images.shape)}")
        x = images
        for conv, pool in self.blocks:
            x = pool(conv(x))
        return self.dense(self.collapse(x))


class SiameseNet(Model):
    """One shared ``encoder`` for both images of a pair. ``head="distance"``: the output is
    ``distance(e1, e2)`` (for the contrastive loss); ``head="logit"``: one logit from
    |e1 - e2| (for binary cross-entropy with logits)."""

    def __init__(self, encoder: Encoder, head: str = "distance", distance=euclidean_distance):
        super().__init__(name="siamese")
        self.encoder, self.head, self.distance = encoder, one_of("head", head, HEADS), distance
        self.classifier = Dense(1) if head == "logit" else None

    def call(self, left, right, training=None):
        a, b = self.encoder(left, training=training), self.encoder(right, training=training)
        if self.head == "distance":
            return self.distance(a, b)
        return tf.squeeze(self.classifier(tf.abs(a - b)), axis=1)


class TwoChannelNet(Model):
    """Both images stacked as two channels of one image -> ``encoder`` -> ReLU -> one logit
    (Zagoruyko & Komodakis 2015, and the PyTorch asker's working baseline)."""

    head = "logit"

    def __init__(self, encoder: Encoder):
        super().__init__(name="two_channel")
        if encoder.input_spec_shape[-1] != 2:
            raise ValueError("TwoChannelNet needs an Encoder with in_channels=2, "
                             f"got {encoder.input_spec_shape[-1]}")
        self.encoder, self.classifier = encoder, Dense(1)

    def call(self, left, right, training=None):
        stacked = tf.concat([left, right], axis=-1)
        return tf.squeeze(self.classifier(tf.nn.relu(self.encoder(stacked, training=training))), axis=1)
