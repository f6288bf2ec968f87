"""The framework-neutral half of ``train`` in ``siamlab.tf`` and ``siamlab.torch``.

Which pairs each epoch sees, what a record holds and what the constant-predictor baseline is
are decided here, once, so the two trainers cannot drift apart: the same keys, the same
1-based epochs, the same meaning. Epoch 0 always means "before any update".

Record keys written by both ``train`` functions:
- ``loss``: mean training loss of the epoch's batches (weight decay included when added);
- ``data_loss``: the same without weight decay (what the baseline is compared with);
- ``train_accuracy``: running accuracy on the epoch's training batches, as they were seen;
- ``held_out_accuracy``: accuracy on the ``held_out`` pairs after the epoch (when given).
"""
from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from siamlab.data.pairs import BalancedPairs, PairBatch
from siamlab.validate import one_of, positive_int

HEADS = ("distance", "logit")
OPTIMIZERS = ("adam", "sgd")  # "sgd" means SGD with momentum 0.9, as the PyTorch asker used
MAX_SELF_PAIRS = 0.1  # a pair list where more than this share pairs an image with itself is a bug


def check_images(images: np.ndarray) -> np.ndarray:
    """``images`` as a (N, H, W) uint8 array, or a ValueError naming expected vs got."""
    images = np.asarray(images)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"expected images (N, H, W) uint8, got shape {images.shape} dtype {images.dtype}")
    return images


def check_pairs_for(images: np.ndarray, pairs: PairBatch | BalancedPairs, name: str = "pairs") -> None:
    """Refuse pairs that index outside ``images`` (a sampler's labels must match the images)."""
    n = len(images)
    if isinstance(pairs, BalancedPairs):
        if len(pairs.labels) != n:
            raise ValueError(f"{name}: a sampler over {len(pairs.labels)} labels for {n} images")
    elif isinstance(pairs, PairBatch):
        indices = np.concatenate([pairs.left, pairs.right])
        if len(indices) and (indices.max() >= n or indices.min() < 0):
            raise ValueError(f"{name}: pair indices must lie in [0, {n}) for {n} images")
        share = float(np.mean(pairs.left == pairs.right)) if len(pairs) else 0.0
        if share > MAX_SELF_PAIRS:
            raise ValueError(f"{name}: {share:.0%} of the pairs show the same image in both branches "
                             f"(expected at most {MAX_SELF_PAIRS:.0%}): check the pairing indices")
    else:
        raise TypeError(f"{name} must be a PairBatch or a BalancedPairs sampler, got {type(pairs).__name__}")


def epoch_batches(pairs: PairBatch | BalancedPairs, batch_size: int, steps_per_epoch: int | None,
                  shuffle: bool, rng: np.random.Generator) -> Iterator[PairBatch]:
    """One epoch of batches: a pass over a fixed ``PairBatch`` (in a fresh random order when
    ``shuffle``), or ``steps_per_epoch`` fresh batches drawn from a ``BalancedPairs`` sampler."""
    if isinstance(pairs, BalancedPairs):
        if steps_per_epoch is None:
            raise ValueError("steps_per_epoch is required with a BalancedPairs sampler, got None")
        yield from pairs.batches(batch_size, steps_per_epoch)
        return
    order = rng.permutation(len(pairs)) if shuffle else np.arange(len(pairs))
    stop = len(pairs) if steps_per_epoch is None else min(len(pairs), steps_per_epoch * batch_size)
    for start in range(0, stop, batch_size):
        k = order[start:min(start + batch_size, stop)]
        yield pairs[k]


def random_batches(pairs: PairBatch | BalancedPairs, batch_size: int, n_batches: int,
                   rng: np.random.Generator) -> Iterator[PairBatch]:
    """``n_batches`` batches of pairs drawn at random (with replacement across batches), for
    probes such as the learning-rate range test that need more steps than one epoch has."""
    for _ in range(n_batches):
        if isinstance(pairs, BalancedPairs):
            yield pairs.sample(batch_size)
        else:
            k = rng.integers(0, len(pairs), size=batch_size)
            yield pairs[k]


def same_share(pairs: PairBatch | BalancedPairs) -> float:
    """The share of "same" pairs the trainer will see (1 = same)."""
    if isinstance(pairs, BalancedPairs):
        return float(pairs.same_fraction)
    return float(np.mean(pairs.same))


def constant_baseline(head: str, share: float, margin: float = 1.0) -> float:
    """Loss of the best constant output: p(1-p) margin^2 for the contrastive loss (distance
    head), the label entropy -p ln p - (1-p) ln(1-p) for binary cross-entropy (logit head)."""
    one_of("head", head, HEADS)
    if head == "distance":
        return share * (1 - share) * margin**2
    return -sum(q * math.log(q) for q in (share, 1 - share) if q > 0)


def decide_same(outputs: np.ndarray, head: str, margin: float = 1.0) -> np.ndarray:
    """1 where the model says "same": distance below margin/2, or logit above 0."""
    one_of("head", head, HEADS)
    outputs = np.asarray(outputs, dtype=np.float64)
    return (outputs < margin / 2 if head == "distance" else outputs > 0).astype(np.int64)


def check_train_args(epochs: int, batch_size: int, steps_per_epoch: int | None, optimizer: str,
                     learning_rate: float, augment_shift: float) -> None:
    """The checks both ``train`` functions make before touching the model."""
    positive_int("epochs", epochs)
    positive_int("batch_size", batch_size)
    if steps_per_epoch is not None:
        positive_int("steps_per_epoch", steps_per_epoch)
    one_of("optimizer", optimizer, OPTIMIZERS)
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
    if not 0.0 <= augment_shift < 0.5:
        raise ValueError(f"augment_shift must be in [0, 0.5), got {augment_shift!r}")


class EpochMeter:
    """Sums over one epoch's batches -> the record ``train`` logs."""

    def __init__(self) -> None:
        self.loss = self.data_loss = 0.0
        self.hits = self.pairs = self.batches = 0

    def add(self, loss: float, data_loss: float, predicted: np.ndarray, same: np.ndarray) -> None:
        """One batch: its mean losses, predicted "same" (0/1) and true labels."""
        self.loss += float(loss)
        self.data_loss += float(data_loss)
        self.hits += int((np.asarray(predicted) == np.asarray(same)).sum())
        self.pairs += len(same)
        self.batches += 1

    def record(self) -> dict[str, float]:
        """The epoch's means: ``loss``, ``data_loss``, ``train_accuracy``."""
        if self.batches == 0:
            raise ValueError("an epoch with no batches: the training pairs are empty")
        return {"loss": self.loss / self.batches, "data_loss": self.data_loss / self.batches,
                "train_accuracy": self.hits / self.pairs}


def epoch_line(epoch: int, record: dict[str, float]) -> str:
    """``epoch 3: loss=0.1234 data_loss=...``, for the optional ``log`` callback."""
    return f"epoch {epoch}: " + " ".join(f"{k}={v:.4f}" for k, v in record.items())
