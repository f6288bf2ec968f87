"""The four reproduce setups as the doctor sees them: model, a few pair batches, the loss, optimizer
and metric. The askers' setups use their own code (``siamlab.tf.asker`` / ``siamlab.torch.asker``)
through thin adapters to ``diagnose``'s calling convention; the fixed ones use ``siamlab.tf`` /
``siamlab.torch``. Each function imports its framework when called."""

from __future__ import annotations

import numpy as np

N_BATCHES = 4


def _batches(x1: np.ndarray, x2: np.ndarray, y: np.ndarray, batch_size: int) -> list[tuple]:
    return [
        (x1[i : i + batch_size], x2[i : i + batch_size], y[i : i + batch_size])
        for i in range(0, N_BATCHES * batch_size, batch_size)
    ]


def tf_asker() -> dict:
    """The asker's Encoder, ``simnet_loss`` and ``accuracy`` (on distances), Adam 1e-3, batches of 32
    in the order of the asker's every-pair data."""
    import tensorflow as tf

    from siamlab.tf import asker, every_pair

    x, y, _ = every_pair.asker_data(40)
    return {
        "model": asker.Encoder(),
        "pairs": _batches(x[:, 0], x[:, 1], y, 32),
        "loss_fn": lambda e1, e2, same: asker.simnet_loss(same, e1, e2),
        "optimizer": tf.keras.optimizers.Adam(learning_rate=1e-3),
        "metric": lambda d, same: asker.accuracy(tf.constant(same), tf.constant(d[:, None])),
        "model_kind": "encoder",
    }


def tf_fixed() -> dict:
    """siamlab.tf's Encoder(l2=0.01), contrastive loss plus the L2 penalties (as ``make_step`` adds
    them), Adam 1e-3, balanced pairs of MNIST 0/1 in batches of 64, drawn from the first
    ``TRAIN_SUBSET`` training images in every mode (the doctor's probes do not scale)."""
    import tensorflow as tf

    from siamlab import metrics
    from siamlab.data.mnist import TRAIN_SUBSET, load_mnist
    from siamlab.data.pairs import BalancedPairs
    from siamlab.tf import Encoder, contrastive_loss, euclidean_distance, make_optimizer

    split = load_mnist("train", digits=[0, 1], first=TRAIN_SUBSET)
    pairs = BalancedPairs(split.labels, seed=0).sample(N_BATCHES * 64)
    images = split.images.astype(np.float32)[..., None] / 255.0
    model = Encoder(l2=0.01)

    def loss_fn(e1, e2, same):
        return contrastive_loss(euclidean_distance(e1, e2), same) + tf.add_n(model.losses)

    return {
        "model": model,
        "pairs": _batches(images[pairs.left], images[pairs.right], pairs.same.astype(np.float32), 64),
        "loss_fn": loss_fn,
        "optimizer": make_optimizer(model, "adam", 1e-3),
        "metric": lambda d, same: metrics.pair_accuracy(d, same, 0.5),
        "model_kind": "encoder",
    }


def torch_asker() -> dict:
    """The asker's SiameseCNN (pairs stacked as one input), BCELoss on its two outputs against the
    one-hot labels, SGD 1e-6 momentum 0.9, the first batches of 32 of the asker's pairs."""
    import torch
    from torch import nn

    from siamlab.torch import asker
    from siamlab.torch.data import split_object

    class StackedPair(nn.Module):
        """Adapter: ``model(x1, x2)`` -> the asker's ``model(stack([x1, x2], 1))``."""

        def __init__(self, inner: nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, x1, x2):
            return self.inner(torch.stack([x1, x2], dim=1))

    pos, neg = split_object(40, "ring", seed=0)
    x, y = asker.make_pairs(pos, neg, N_BATCHES * 32)
    model = StackedPair(asker.SiameseCNN())
    bce = nn.BCELoss()
    return {
        "model": model,
        "pairs": _batches(x[:, 0], x[:, 1], y[:, 0], 32),
        "loss_fn": lambda out, same: bce(out, torch.stack([same, 1 - same], dim=1)),
        "optimizer": torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9),
        "metric": lambda out, same: np.mean((out[:, 0] - out[:, 1] > 0) == same),
        "model_kind": "pair",
    }


def torch_fixed() -> dict:
    """siamlab.torch's SiameseNet (distance head) on the object track's Encoder, contrastive loss,
    Adam 3e-3, correctly paired objects in batches of 32."""
    from siamlab import metrics
    from siamlab.torch import Encoder, SiameseNet, contrastive_loss, make_optimizer
    from siamlab.torch.data import object_pairs

    data = object_pairs(40, n_train=N_BATCHES * 32, n_test=2)
    images = data.train_images.astype(np.float32)[:, None] / 255.0
    p = data.train_pairs
    model = SiameseNet(Encoder(16, (40, 50), filters=8, conv_blocks=3, global_pool=True))
    return {
        "model": model,
        "pairs": _batches(images[p.left], images[p.right], p.same.astype(np.float32), 32),
        "loss_fn": contrastive_loss,
        "optimizer": make_optimizer(model, "adam", 3e-3),
        "metric": lambda d, same: metrics.pair_accuracy(d, same, 0.5),
        "model_kind": "pair",
    }


TRACKS = {"tf-asker": tf_asker, "tf-fixed": tf_fixed, "torch-asker": torch_asker, "torch-fixed": torch_fixed}


def setup(name: str) -> dict:
    """``diagnose`` keyword arguments for one of ``TRACKS``."""
    if name not in TRACKS:
        raise ValueError(f"name must be one of {sorted(TRACKS)}, got {name!r}")
    return TRACKS[name]()
