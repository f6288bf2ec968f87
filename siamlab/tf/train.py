"""Training and evaluation of the TensorFlow track (the same names, arguments, defaults and
History keys as ``siamlab.torch.train``; see ``siamlab.training`` for the shared half).

Framework-only extra: ``compiled`` (wrap the step in ``tf.function``; False = eager, slow).
"""
from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from siamlab import training
from siamlab.data.pairs import BalancedPairs, PairBatch
from siamlab.history import History
from siamlab.tf.losses import contrastive_loss, euclidean_distance, logit_bce_loss
from siamlab.tf.models import SiameseNet
from siamlab.tf.tensors import batch_tensors, images_tensor


def make_optimizer(model, name: str = "adam", learning_rate: float = 1e-3) -> tf.keras.optimizers.Optimizer:
    """An optimizer for ``model``: "adam" -> Adam, "sgd" -> SGD with momentum 0.9 (Keras binds
    the variables on first use, so ``model`` is not read here)."""
    training.check_train_args(1, 1, None, name, learning_rate, 0.0)
    if name == "adam":
        return tf.keras.optimizers.Adam(learning_rate)
    return tf.keras.optimizers.SGD(learning_rate, momentum=0.9)


def random_shift(max_fraction: float, seed: int = 0):
    """Images -> the same images moved by up to ``max_fraction`` of their height and width,
    each on its own, filled with black (0.1 on 28x28: up to 2.8 pixels). For training only."""
    layer = tf.keras.layers.RandomTranslation(max_fraction, max_fraction, fill_mode="constant", seed=seed)
    return lambda images: layer(images, training=True)


def make_step(encoder, optimizer, distance=euclidean_distance, margin: float = 1.0,
              regularization: bool = True, augment=None, compiled: bool = True):
    """One contrastive training step ``step(left, right, same) -> (loss, data_loss, distances)``.

    The lesson's own lines, written out in notebook 02 ("The fixed training step"): one label
    per pair, the weight-decay penalties of ``encoder.losses`` added (``regularization``),
    ``distance`` replaceable (try the squared distance). ``augment`` transforms the images of
    each side independently before the forward pass.
    """

    def step(left, right, same):
        if augment is not None:
            left, right = augment(left), augment(right)
        with tf.GradientTape() as tape:
            d = distance(encoder(left, training=True), encoder(right, training=True))
            data_loss = contrastive_loss(d, same, margin)
            loss = data_loss + tf.add_n(encoder.losses) if regularization and encoder.losses else data_loss
        grads = tape.gradient(loss, encoder.trainable_variables)
        optimizer.apply_gradients(zip(grads, encoder.trainable_variables))
        return loss, data_loss, d

    return tf.function(step, reduce_retracing=True) if compiled else step


def make_logit_step(model, optimizer, regularization: bool = True, augment=None, compiled: bool = True):
    """One step of a pair model with a logit head: ``step(left, right, same) -> (loss,
    data_loss, logits)``, binary cross-entropy with logits."""

    def step(left, right, same):
        if augment is not None:
            left, right = augment(left), augment(right)
        with tf.GradientTape() as tape:
            logits = model(left, right, training=True)
            data_loss = logit_bce_loss(logits, same)
            loss = data_loss + tf.add_n(model.losses) if regularization and model.losses else data_loss
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, data_loss, logits

    return tf.function(step, reduce_retracing=True) if compiled else step


def _head(model) -> str:
    return getattr(model, "head", "distance")  # a bare Encoder is trained as a distance model


def _encoder_and_distance(model):
    """A SiameseNet's encoder and distance; any other model is an encoder with the Euclidean one."""
    if isinstance(model, SiameseNet):
        return model.encoder, model.distance
    return model, euclidean_distance


def _step_for(model, optimizer, margin, regularization, augment, compiled):
    if _head(model) == "logit":
        return make_logit_step(model, optimizer, regularization, augment, compiled)
    encoder, distance = _encoder_and_distance(model)
    return make_step(encoder, optimizer, distance, margin, regularization, augment, compiled)


def embed(model, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Embeddings (N, D) as numpy of (N, H, W) uint8 images, by an Encoder or a SiameseNet's encoder."""
    encoder = _encoder_and_distance(model)[0]
    return np.concatenate([encoder(images_tensor(images[i:i + batch_size]), training=False).numpy()
                           for i in range(0, len(images), batch_size)])


def pair_distances(model, images: np.ndarray, pairs: PairBatch, batch_size: int = 512) -> np.ndarray:
    """Distances (B,) as numpy of the pairs of ``images`` (each image embedded once)."""
    if _head(model) != "distance":
        raise ValueError(f"pair_distances needs an Encoder or a distance-head model, "
                         f"got head {_head(model)!r}")
    used = np.unique(np.concatenate([pairs.left, pairs.right]))
    z_used = embed(model, images[used], batch_size)
    z = np.zeros((len(images), z_used.shape[1]), np.float32)
    z[used] = z_used
    distance = _encoder_and_distance(model)[1]
    return distance(tf.constant(z[pairs.left]), tf.constant(z[pairs.right])).numpy().astype(np.float64)


def pair_outputs(model, images: np.ndarray, pairs: PairBatch, batch_size: int = 512) -> np.ndarray:
    """One number per pair as numpy: the distance (distance head or Encoder) or the logit."""
    if _head(model) == "distance":
        return pair_distances(model, images, pairs, batch_size)
    out = [model(*batch_tensors(images, pairs[i:i + batch_size])[:2], training=False).numpy()
           for i in range(0, len(pairs), batch_size)]
    return np.concatenate(out).astype(np.float64)


def evaluate(model, images: np.ndarray, pairs: PairBatch, margin: float = 1.0,
             batch_size: int = 512) -> float:
    """Pair accuracy: "same" when the distance is below margin/2, or when the logit is above 0."""
    predicted = training.decide_same(pair_outputs(model, images, pairs, batch_size), _head(model), margin)
    return float((predicted == np.asarray(pairs.same)).mean())


def train(model, images: np.ndarray, pairs: PairBatch | BalancedPairs, history: History | None = None, *,
          epochs: int = 5, steps_per_epoch: int | None = None, batch_size: int = 64,
          learning_rate: float = 1e-3, optimizer: str = "adam", shuffle: bool = True, margin: float = 1.0,
          regularization: bool = True, augment_shift: float = 0.0,
          held_out: tuple[np.ndarray, PairBatch] | None = None, snapshot_images: np.ndarray | None = None,
          snapshot_labels: np.ndarray | None = None, seed: int = 0, log=None,
          compiled: bool = True) -> History:
    """Train ``model`` (an Encoder, a SiameseNet or a TwoChannelNet) on ``pairs`` of ``images``.

    ``pairs`` is a fixed ``PairBatch`` (one pass per epoch, reshuffled when ``shuffle``) or a
    ``BalancedPairs`` sampler (``steps_per_epoch`` fresh batches per epoch). Logs one record per
    epoch (1-based; keys in ``siamlab.training``); ``held_out=(images, pairs)`` adds the held-out
    accuracy; ``snapshot_images`` keeps their embeddings per epoch, epoch 0 = before training.
    """
    images = training.check_images(images)
    training.check_pairs_for(images, pairs)
    training.check_train_args(epochs, batch_size, steps_per_epoch, optimizer, learning_rate, augment_shift)
    head = _head(model)
    history = history if history is not None else History(type(model).__name__)
    if history.baseline is None:
        history.baseline = training.constant_baseline(head, training.same_share(pairs), margin)
    augment = random_shift(augment_shift, seed) if augment_shift else None
    optimizer = make_optimizer(model, optimizer, learning_rate)
    step = _step_for(model, optimizer, margin, regularization, augment, compiled)
    rng = np.random.default_rng(seed)
    if snapshot_images is not None:
        history.snapshot(0, embeddings=embed(model, snapshot_images), labels=snapshot_labels)
    for epoch in range(1, epochs + 1):
        meter = training.EpochMeter()
        for batch in training.epoch_batches(pairs, batch_size, steps_per_epoch, shuffle, rng):
            loss, data_loss, out = step(*batch_tensors(images, batch))
            meter.add(loss, data_loss, training.decide_same(out.numpy(), head, margin), batch.same)
        record = meter.record()
        if held_out is not None:
            record["held_out_accuracy"] = evaluate(model, *held_out, margin=margin)
        history.log(epoch=epoch, **record)
        if snapshot_images is not None:
            history.snapshot(epoch, embeddings=embed(model, snapshot_images), labels=snapshot_labels)
        if log is not None:
            log(training.epoch_line(epoch, record))
    return history


def lr_range_test(model, images: np.ndarray, pairs: PairBatch | BalancedPairs, *, lr_min: float = 1e-7,
                  lr_max: float = 1.0, steps: int = 100, batch_size: int = 32, optimizer: str = "sgd",
                  margin: float = 1.0, seed: int = 0, compiled: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Smith's (2017) learning-rate range test: one step per rate, rates growing geometrically
    from ``lr_min`` to ``lr_max``; returns (rates, losses), NaN where the loss diverged."""
    images = training.check_images(images)
    opt = make_optimizer(model, optimizer, lr_min)
    step = _step_for(model, opt, margin, False, None, compiled)
    rng, lrs, losses = np.random.default_rng(seed), np.geomspace(lr_min, lr_max, steps), []
    for lr, batch in zip(lrs, training.random_batches(pairs, batch_size, steps, rng)):
        opt.learning_rate.assign(float(lr))
        value = float(step(*batch_tensors(images, batch))[1])
        losses.append(value if math.isfinite(value) else float("nan"))
    return lrs[:len(losses)], np.asarray(losses)

