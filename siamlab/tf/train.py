"""The fixed training loop: balanced pairs sampled on the fly, a compiled step, weight decay
included, and accuracy measured the right way round (small distance = same). Optional random
shifts of the training images (``augment_shift``) for small training sets.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from siamlab import metrics
from siamlab.data.pairs import BalancedPairs, PairBatch
from siamlab.history import History
from siamlab.tf.losses import contrastive_loss
from siamlab.tf.models import Encoder, euclidean_distance
from siamlab.tf.tensors import batch_tensors, images_tensor


def random_shift(max_fraction: float, seed: int = 0) -> tf.keras.layers.Layer:
    """A Keras layer moving each image by up to ``max_fraction`` of its height and width
    (0.1 on 28x28: up to 2.8 pixels), filling with black; active only with ``training=True``."""
    if not 0.0 < max_fraction < 0.5:
        raise ValueError(f"random_shift expected 0 < max_fraction < 0.5, got {max_fraction}")
    return tf.keras.layers.RandomTranslation(max_fraction, max_fraction, fill_mode="constant", seed=seed)


def make_step(model: Encoder, optimizer, margin: float = 1.0, eps: float = 1e-9,
              regularization: bool = True, compiled: bool = True, augment: tf.keras.layers.Layer | None = None):
    """One optimisation step ``step(left, right, same) -> (loss, data_loss)``.

    ``regularization=False`` is the seed's custom-loop behaviour: ``model.losses`` (the L2
    penalties of ``kernel_regularizer``) exist but nothing adds them, so they do nothing.
    ``augment`` (e.g. ``random_shift(0.1)``) is applied to both images of each pair independently.
    """

    def step(left, right, same):
        if augment is not None:
            left, right = augment(left, training=True), augment(right, training=True)
        with tf.GradientTape() as tape:
            distance = euclidean_distance(model(left, training=True), model(right, training=True), eps)
            data_loss = contrastive_loss(distance, same, margin)
            loss = data_loss + tf.add_n(model.losses) if (regularization and model.losses) else data_loss
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, data_loss

    return tf.function(step, reduce_retracing=True) if compiled else step


def embed(model: Encoder, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Embeddings (N, D) of uint8 images (N, H, W), in chunks."""
    return np.concatenate([model(images_tensor(images[i:i + batch_size])).numpy()
                           for i in range(0, len(images), batch_size)])


def pair_distances(model: Encoder, images: np.ndarray, batch: PairBatch) -> np.ndarray:
    """Distances (B,) of the pairs in ``batch`` (each image embedded once)."""
    z = embed(model, images)
    return np.linalg.norm(z[batch.left] - z[batch.right], axis=1)


def train(model: Encoder, images: np.ndarray, labels: np.ndarray, history: History | None = None, *,
          epochs: int = 5, steps_per_epoch: int = 50, batch_size: int = 64, learning_rate: float = 1e-3,
          margin: float = 1.0, eps: float = 1e-9, regularization: bool = True, compiled: bool = True,
          eval_pairs: PairBatch | None = None, seed: int = 0, snapshot_images: np.ndarray | None = None,
          snapshot_labels: np.ndarray | None = None, augment_shift: float = 0.0) -> History:
    """Train ``model`` on balanced pairs of ``images`` drawn on the fly; log one record per epoch.

    Each record holds ``loss`` (total, incl. weight decay when ``regularization``), ``data_loss``
    and, when ``eval_pairs`` is given, ``accuracy`` at the threshold margin/2 with
    "same if below". Optional embedding snapshots feed the embedding explorer.
    ``augment_shift > 0`` shifts every training image at random by up to that fraction.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or len(images) != len(labels):
        raise ValueError(f"train expected images (N, H, W) and labels (N,), got {images.shape} and {labels.shape}")
    history = history if history is not None else History("fixed")
    sampler = BalancedPairs(labels, same_fraction=0.5, seed=seed)
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    augment = random_shift(augment_shift, seed) if augment_shift else None
    step = make_step(model, optimizer, margin, eps, regularization, compiled, augment)
    for epoch in range(epochs):
        totals = np.zeros(2)
        for batch in sampler.batches(batch_size, steps_per_epoch):
            totals += [float(v) for v in step(*batch_tensors(images, batch))]
        record = {"loss": totals[0] / steps_per_epoch, "data_loss": totals[1] / steps_per_epoch}
        if eval_pairs is not None:
            d = pair_distances(model, images, eval_pairs)
            record["accuracy"] = metrics.pair_accuracy(d, eval_pairs.same, margin / 2, same_if="below")
        history.log(epoch=epoch + 1, **record)
        if snapshot_images is not None:
            history.snapshot(epoch + 1, embeddings=embed(model, snapshot_images), labels=snapshot_labels)
    return history
