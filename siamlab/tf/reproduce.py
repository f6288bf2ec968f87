"""``python -m siamlab reproduce tf-seed|tf-fixed``: run seed 1 (broken) or the fix, print the
epoch log, return the measured numbers (the CLI prints them as the last line, JSON).
"""
from __future__ import annotations

import numpy as np

from siamlab import config, metrics, seed_everything
from siamlab.data.mnist import load_mnist
from siamlab.data.pairs import BalancedPairs

SEED_IMAGES = config.pick(40, 120)  # 40 images -> 1,560 ordered pairs (the seed's loop is eager, slow)
SEED_EPOCHS = config.pick(5, 10)
SEED_BATCH = 32


def seed_data(n_images: int = SEED_IMAGES, seed: int = 0):
    """(x, y, source): every ordered pair of ``n_images`` MNIST 0/1 training images, shuffled."""
    train = load_mnist("train", digits=[0, 1])
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(train.labels), size=min(n_images, len(train.labels)), replace=False)
    from siamlab.tf.seed import make_every_pair

    x, y = make_every_pair(train.images[pick], train.labels[pick])
    order = rng.permutation(len(y))
    return x[order], y[order], train.source


def seed_distances(model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """The seed model's pair distances for x (P, 2, H, W, 1), in chunks."""
    out = [np.linalg.norm(model(x[i:i + batch_size, 0]).numpy() - model(x[i:i + batch_size, 1]).numpy(), axis=1)
           for i in range(0, len(x), batch_size)]
    return np.concatenate(out)


def run_seed(epochs: int = SEED_EPOCHS, n_images: int = SEED_IMAGES, history=None) -> dict:
    """Seed 1 as written, on shuffled every-pair MNIST 0/1 data; returns the measured numbers."""
    seed_everything(0)
    import tensorflow as tf

    from siamlab.tf import seed

    x, y, source = seed_data(n_images)
    model, optimizer = seed.Encoder(), tf.keras.optimizers.Adam(learning_rate=1e-3)
    losses: list[float] = []

    def on_epoch(epoch, loss, acc, val_acc):
        losses.append(loss)
        if history is not None:
            history.log(epoch=epoch, loss=loss, accuracy=acc)

    seed.fit(model, optimizer, x, y, x, y, epochs, SEED_BATCH, on_epoch=on_epoch)
    d = seed_distances(model, x)
    return {
        "variant": "seed", "source": source, "pairs": int(len(y)), "epochs": epochs,
        "final_loss": losses[-1], "baseline": metrics.constant_baseline(y),
        "distance_mean": float(d.mean()), "distance_std": float(d.std()),
        "accuracy": metrics.pair_accuracy(d, y, 0.5, same_if="below"),
        "seed_accuracy": metrics.pair_accuracy(d, y, 0.5, same_if="above"),
        "auc": metrics.roc_analysis(d, y).auc,
    }


def run_fixed(epochs: int = config.pick(5, 10), history=None) -> dict:
    """The fixed pipeline on MNIST 0/1: train split for training, test split for threshold
    (first half of the pairs, "validation") and accuracy (second half, never seen)."""
    seed_everything(0)
    from siamlab.tf.models import Encoder
    from siamlab.tf.train import pair_distances, train

    tr, te = load_mnist("train", digits=[0, 1]), load_mnist("test", digits=[0, 1])
    model = Encoder()
    history = train(model, tr.images, tr.labels, history, epochs=epochs, steps_per_epoch=40, batch_size=64,
                    eval_pairs=BalancedPairs(tr.labels, seed=1).sample(1000))
    pairs = BalancedPairs(te.labels, seed=2).sample(4000)
    d = pair_distances(model, te.images, pairs)
    n_validation = 2000
    accuracy, threshold = metrics.held_out_accuracy(d, pairs.same, n_validation)
    test = slice(n_validation, None)  # the pairs held_out_accuracy measured on
    return {
        "variant": "fixed", "source": tr.source, "epochs": epochs,
        "final_loss": history.last("data_loss"), "baseline": metrics.constant_baseline(pairs.same),
        "distance_mean": float(d.mean()), "distance_std": float(d.std()), "threshold": threshold,
        "accuracy": accuracy,
        "seed_accuracy": metrics.pair_accuracy(d[test], pairs.same[test], 0.5, same_if="above"),
        "auc": metrics.roc_analysis(d[test], pairs.same[test]).auc,
    }


def run(variant: str) -> dict:
    """Dispatch for the CLI: "seed" or "fixed"."""
    if variant == "seed":
        return run_seed()
    if variant == "fixed":
        return run_fixed()
    raise ValueError(f"variant must be 'seed' or 'fixed', got {variant!r}")


def every_pair_curve(model, step, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int = SEED_BATCH,
                     history=None, penalty: bool = False) -> list[float]:
    """Train on every-pair data (x (P, 2, H, W, 1), y (P,)) with ``np.array_split`` batches, as
    the seed did; ``step(x_batch, y_batch) -> loss``. Logs per epoch: loss, accuracy (small
    distance = same, at 0.5), seed_accuracy (the seed's: distance > 0.5 = same), and with
    ``penalty`` the L2 penalty sum(model.losses). Returns the epoch losses."""
    losses = []
    n_batches = max(1, len(y) // batch_size)
    for epoch in range(epochs):
        total = 0.0
        for indices in np.array_split(np.arange(len(y)), n_batches):
            total += float(step(x[indices], y[indices]))
        losses.append(total / n_batches)
        if history is not None:
            d = seed_distances(model, x)
            record = {"loss": losses[-1], "accuracy": metrics.pair_accuracy(d, y, 0.5, same_if="below"),
                      "seed_accuracy": metrics.pair_accuracy(d, y, 0.5, same_if="above")}
            if penalty:
                record["l2_penalty"] = float(sum(float(v) for v in model.losses))
            history.log(epoch=epoch, **record)
    return losses


def seed_step(model, learning_rate: float = 1e-3, compiled: bool = True):
    """The asker's ``train_step`` (broken loss), compiled with ``tf.function`` to save time:
    the same math, about 10x faster than eager."""
    import tensorflow as tf

    from siamlab.tf import seed

    step = seed.make_train_step(model, tf.keras.optimizers.Adam(learning_rate=learning_rate))
    return tf.function(step) if compiled else step


def fixed_loss_step(model, learning_rate: float = 1e-3, eps: float = 1e-9, regularization: bool = False):
    """The same loop with the vectorised loss (``siamlab.tf.train.make_step``), in the seed's
    ``step(x_batch, y_batch)`` shape; returns the contrastive part of the loss."""
    import tensorflow as tf

    from siamlab.tf.train import make_step

    step = make_step(model, tf.keras.optimizers.Adam(learning_rate), eps=eps, regularization=regularization)
    return lambda xb, yb: step(tf.constant(xb[:, 0]), tf.constant(xb[:, 1]), tf.constant(yb))[1]
