"""The TensorFlow asker's every-pair training at our size, with a pluggable step.

Notebooks 01, 02 and 05 run the asker's broken step and the fixed one through the same loop
over the same data, so the only difference between two curves is the step. Sizes follow the
mode (``SIAMLAB_FULL``) as it is when ``settings()`` is called, not when this is imported.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from siamlab import config, metrics
from siamlab.data.mnist import load_mnist, train_subset
from siamlab.tf import asker


@dataclass(frozen=True)
class Settings:
    """How much of the asker's setup we run: images (-> N(N-1) pairs), epochs, batch size."""

    images: int
    epochs: int
    batch_size: int = 32  # the asker's


def settings() -> Settings:
    """The sizes for the current mode: 40 images x 5 epochs by default (the asker's loop is
    eager and slow), 120 x 10 with ``SIAMLAB_FULL=1``."""
    return Settings(images=config.pick(40, 120), epochs=config.pick(5, 10))


def asker_data(n_images: int | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray, str]:
    """(x, y, source): every ordered pair of ``n_images`` MNIST 0/1 training images built by
    ``asker.make_pairs`` (x (P, 2, 28, 28, 1) in [0, 1], y (P,) 1 = same), shuffled.

    The images are drawn from the 0/1 images among the first ``TRAIN_SUBSET`` training images
    (``train_subset()``; the whole split with ``SIAMLAB_FULL=1``), so a full download gives the
    same pairs as the course's 1,762-image prefix."""
    train = load_mnist("train", digits=[0, 1], first=train_subset())
    n_images = settings().images if n_images is None else n_images
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(train.labels), size=min(n_images, len(train.labels)), replace=False)
    x, y = asker.make_pairs(train.images[pick], train.labels[pick])
    order = rng.permutation(len(y))
    return x[order], y[order], train.source


def stacked_distances(model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Euclidean distances (P,) of stacked pairs x (P, 2, H, W, 1) under an image encoder."""
    out = [np.linalg.norm(model(x[i:i + batch_size, 0]).numpy() - model(x[i:i + batch_size, 1]).numpy(),
                          axis=1) for i in range(0, len(x), batch_size)]
    return np.concatenate(out)


def asker_step(model, learning_rate: float = 1e-3, compiled: bool = True):
    """The asker's ``train_step`` (the broken loss) with Adam; ``tf.function`` only saves time."""
    step = asker.make_train_step(model, tf.keras.optimizers.Adam(learning_rate=learning_rate))
    return tf.function(step) if compiled else step


def on_stacked_pairs(step):
    """Adapt ``step(left, right, same) -> (loss, data_loss, d)`` to the asker's stacked
    ``step(x_batch, y_batch) -> data_loss``."""
    return lambda xb, yb: step(tf.constant(xb[:, 0]), tf.constant(xb[:, 1]), tf.constant(yb))[1]


def every_pair_curve(model, step, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int = 32,
                     history=None, penalty: bool = False) -> list[float]:
    """Train on stacked every-pair data in ``np.array_split`` batches, as the asker did, with
    ``step(x_batch, y_batch) -> loss``; returns the epoch losses. With ``history``, logs per
    epoch (1-based), measured on the training pairs after the epoch as the asker's
    ``test_step(x_train, y_train)`` did: ``loss``, ``asker_accuracy`` (distance > 0.5 = same),
    ``right_way_accuracy`` (distance < 0.5 = same) and, with ``penalty``, ``l2_penalty``."""
    losses = []
    n_batches = max(1, len(y) // batch_size)
    for epoch in range(1, epochs + 1):
        total = sum(float(step(x[k], y[k])) for k in np.array_split(np.arange(len(y)), n_batches))
        losses.append(total / n_batches)
        if history is not None:
            d = stacked_distances(model, x)
            record = {"loss": losses[-1], "asker_accuracy": metrics.pair_accuracy(d, y, 0.5, same_if="above"),
                      "right_way_accuracy": metrics.pair_accuracy(d, y, 0.5, same_if="below")}
            if penalty:
                record["l2_penalty"] = float(sum(float(v) for v in model.losses))
            history.log(epoch=epoch, **record)
    return losses
