"""``python -m siamlab reproduce tf-seed|tf-fixed``: the TensorFlow asker's setup, then the fix;
prints the epoch log and returns the measured numbers (keys shared with the torch track)."""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from siamlab import config, metrics
from siamlab.data.mnist import load_mnist, train_subset
from siamlab.data.pairs import BalancedPairs
from siamlab.tf import asker, every_pair
from siamlab.tf.models import Encoder
from siamlab.tf.train import pair_distances, train

N_HELD_OUT, N_VALIDATION = 4000, 2000  # balanced test-split pairs; ROC threshold from the first 2,000
STEPS_PER_EPOCH, BATCH_SIZE = 40, 64  # run_fixed: fresh balanced batches per epoch


def _held_out(model, source: str) -> dict:
    """Numbers every reproduction reports, on balanced pairs of the test split."""
    test = load_mnist("test", digits=[0, 1])
    pairs = BalancedPairs(test.labels, seed=2).sample(N_HELD_OUT)
    d = pair_distances(model, test.images, pairs)
    accuracy, threshold = metrics.held_out_accuracy(d, pairs.same, N_VALIDATION)
    rest = slice(N_VALIDATION, None)
    return {"data": source, "held_out_accuracy": accuracy, "threshold": threshold,
            "asker_accuracy": metrics.pair_accuracy(d[rest], pairs.same[rest], 0.5, same_if="above"),
            "auc": metrics.roc_analysis(d[rest], pairs.same[rest]).auc,
            "distinct_outputs": int(len(set(d.round(6).tolist()))), "output_spread": float(np.ptp(d))}


def run_asker() -> dict:
    """The asker's model, loss and loop on shuffled every-pair MNIST 0/1 data."""
    size = every_pair.settings()
    x, y, source = every_pair.asker_data(size.images)
    model = asker.Encoder()
    losses: list[float] = []
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    asker.train_loop(model, optimizer, x, y, x, y, size.epochs, size.batch_size,
                     on_epoch=lambda epoch, loss, acc, val_acc: losses.append(loss))
    return {"epochs": size.epochs, "final_loss": losses[-1], "baseline": metrics.constant_baseline(y),
            **_held_out(model, source)}


def run_fixed() -> dict:
    """The fixed encoder and training step on balanced pairs of the train split (default mode: its
    first ``TRAIN_SUBSET`` images, see ``train_subset``)."""
    epochs = config.pick(5, 10)
    train_split = load_mnist("train", digits=[0, 1], first=train_subset())
    model = Encoder(l2=0.01)
    history = train(model, train_split.images, BalancedPairs(train_split.labels, seed=0), epochs=epochs,
                    steps_per_epoch=STEPS_PER_EPOCH, batch_size=BATCH_SIZE, log=print)
    return {"epochs": epochs, "final_loss": history.last("data_loss"), "baseline": history.baseline,
            **_held_out(model, train_split.source)}


def run(variant: str) -> dict:
    """Dispatch for the CLI: "asker" or "fixed"."""
    runs = {"asker": run_asker, "fixed": run_fixed}
    if variant not in runs:
        raise ValueError(f"variant must be one of {sorted(runs)}, got {variant!r}")
    return runs[variant]()
