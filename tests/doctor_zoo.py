"""Setups for the doctor's tests and threshold measurements: healthy models that share no code with
siamlab (plain torch MLP / CNN, plain Keras Sequential / functional models, losses written here) and
the same setups with one planted bug each. Images: two synthetic 16x16 classes, numpy only."""

from __future__ import annotations

import numpy as np

SIZE = 16


def images(n: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Class 0: a bright square top left; class 1: a bar bottom right; both with noise, in [0, 1]."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    x = rng.uniform(0, 0.3, size=(n, SIZE, SIZE)).astype(np.float32)
    for i, label in enumerate(labels):
        r, c = rng.integers(0, 4, size=2)
        if label == 0:
            x[i, r : r + 6, c : c + 6] += 0.7
        else:
            x[i, 10 + r // 2 : 12 + r // 2, 4 + c : 14 + c // 2] += 0.7
    return np.clip(x, 0, 1), labels


def pair_batches(
    layout: str,
    n_batches: int = 2,
    batch: int = 16,
    identical: bool = False,
    sort: bool = False,
    scale: float = 1.0,
    seed: int = 0,
) -> list[tuple]:
    """(x1, x2, y) numpy batches, half same pairs, shuffled; NCHW ('torch') or NHWC ('tf')."""
    rng = np.random.default_rng(seed)
    x, labels = images(seed=seed)
    x = (x[:, None] if layout == "torch" else x[..., None]) * scale
    n = n_batches * batch
    same = rng.permutation(np.arange(n) % 2)
    if sort:
        same = np.sort(same)[::-1]
    left = rng.integers(0, len(x), size=n)
    right = np.array(
        [
            rng.choice(np.flatnonzero((labels == labels[a]) == bool(s) & (np.arange(len(x)) != a)))
            for a, s in zip(left, same)
        ]
    )
    if identical:
        right = left
    y = same.astype(np.float32)
    return [(x[left[i : i + batch]], x[right[i : i + batch]], y[i : i + batch]) for i in range(0, n, batch)]


def right_metric(d, y):
    return float(np.mean((np.asarray(d) < 0.5) == (np.asarray(y) == 1)))


def inverted_metric(d, y):
    return float(np.mean((np.asarray(d) > 0.5) == (np.asarray(y) == 1)))


# ---------------------------------------------------------------- torch
def torch_setups() -> dict:
    """name -> zero-argument function giving diagnose() keyword arguments."""
    import torch
    from torch import nn

    def mlp():
        torch.manual_seed(0)
        return nn.Sequential(nn.Flatten(), nn.Linear(SIZE * SIZE, 64), nn.ReLU(), nn.Linear(64, 16))

    def cnn():
        torch.manual_seed(0)
        return nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(16, 16),
        )

    def cnn_max():
        torch.manual_seed(0)
        return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(),
                             nn.Linear(16, 16))

    def contrastive(e1, e2, y, eps=1e-9):
        d = torch.sqrt(((e1 - e2) ** 2).sum(dim=1) + eps)
        return torch.mean(y * d**2 + (1 - y) * torch.relu(1 - d) ** 2)

    def broadcast(e1, e2, y):  # the TF asker's bug in torch: every label meets every distance
        d = torch.sqrt(((e1 - e2) ** 2).sum(dim=1) + 1e-9)[:, None]
        return torch.mean(y[None, :] * d**2 + (1 - y[None, :]) * torch.relu(1 - d) ** 2)

    def no_labels(e1, e2, y):
        return torch.mean(((e1 - e2) ** 2).sum(dim=1))

    class Pair(nn.Module):
        def __init__(self, final=None):
            super().__init__()
            self.encoder, self.head = mlp(), nn.Linear(16, 1)
            self.final = final if final is not None else nn.Identity()

        def forward(self, x1, x2):
            return self.final(self.head(torch.abs(self.encoder(x1) - self.encoder(x2)))).squeeze(1)

    class Scaled(nn.Module):
        def __init__(self, scale, offset=0.0):
            super().__init__()
            self.net, self.scale, self.offset = mlp(), scale, offset

        def forward(self, x):
            return self.net(x) * self.scale + self.offset

    class WithPenalty(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = mlp()

        @property
        def losses(self):
            return [0.01 * (p**2).sum() for n, p in self.net.named_parameters() if n.endswith("weight")]

        def forward(self, x):
            return self.net(x)

    def dead_mlp():
        model = mlp()
        with torch.no_grad():
            model[1].bias.fill_(-100.0)
        return model

    class DistanceHead(nn.Module):  # the keras.io example's head: distance -> one weight -> sigmoid
        def __init__(self, sign):
            super().__init__()
            self.encoder, self.head = mlp(), nn.Linear(1, 1)
            with torch.no_grad():
                self.head.weight.fill_(sign)

        def forward(self, x1, x2):
            d = torch.sqrt(((self.encoder(x1) - self.encoder(x2)) ** 2).sum(1, keepdim=True) + 1e-9)
            return torch.sigmoid(self.head(d)).squeeze(1)

    def on_sigmoid(p, same):  # contrastive on the sigmoid output: same pairs low, different ones high
        return torch.mean(same * p**2 + (1 - same) * torch.relu(1 - p) ** 2)

    def head(sign):
        model = DistanceHead(sign)
        return {"model": model, "pairs": pair_batches("torch"), "loss_fn": on_sigmoid,
                "optimizer": torch.optim.Adam(model.parameters(), lr=1e-3)}

    def enc(model=None, loss=contrastive, opt="adam", lr=1e-3, metric=right_metric, **data):
        model = model if model is not None else mlp()
        optimizer = (torch.optim.Adam if opt == "adam" else torch.optim.SGD)(model.parameters(), lr=lr)
        return {
            "model": model,
            "pairs": pair_batches("torch", **data),
            "loss_fn": loss,
            "optimizer": optimizer,
            "metric": metric,
        }

    def pair(final=None, loss=None):
        model = Pair(final)
        return {
            "model": model,
            "pairs": pair_batches("torch"),
            "loss_fn": loss or nn.BCEWithLogitsLoss(),
            "optimizer": torch.optim.Adam(model.parameters(), lr=1e-3),
        }

    return {
        "healthy_mlp": lambda: enc(),
        "healthy_cnn": lambda: enc(cnn()),
        "healthy_cnn_max": lambda: enc(cnn_max()),
        "healthy_mlp_sgd": lambda: enc(opt="sgd", lr=0.05),
        "healthy_pair_logit": lambda: pair(),
        "healthy_pair_sigmoid": lambda: pair(nn.Sigmoid(), nn.BCELoss()),
        "healthy_distance_head": lambda: head(1.0),
        "HEAD_STARTS_INVERTED": lambda: head(-1.0),
        "IDENTICAL_INPUTS": lambda: enc(identical=True),
        "CONSTANT_OUTPUT": lambda: enc(Scaled(0.0, 1.0)),
        "EMBEDDING_COLLAPSE": lambda: enc(Scaled(1e-3, 10.0)),
        "LOSS_SHAPE_BROADCAST": lambda: enc(loss=broadcast),
        "LOSS_IGNORES_LABELS": lambda: enc(loss=no_labels),
        "loss_ignores_outputs": lambda: enc(loss=lambda e1, e2, y: contrastive(e1, e1, y)),  # e1 for e2
        "OUTPUT_ACTIVATION_MISMATCH": lambda: pair(nn.ReLU(), nn.BCELoss()),
        "OUTPUT_ACTIVATION_MISMATCH_sigmoid": lambda: pair(nn.Sigmoid(), nn.BCEWithLogitsLoss()),
        "LEARNING_RATE_TOO_SMALL": lambda: enc(opt="sgd", lr=1e-7),
        "LEARNING_RATE_TOO_LARGE": lambda: enc(lr=1.0),
        "DEAD_GRADIENTS": lambda: enc(dead_mlp()),
        "CANNOT_OVERFIT_ONE_BATCH": lambda: enc(loss=broadcast),
        "NAN_RISK_SQRT_AT_ZERO": lambda: enc(loss=lambda a, b, y: contrastive(a, b, y, eps=0.0)),
        "REGULARIZATION_IGNORED": lambda: enc(WithPenalty()),
        "INVERTED_METRIC": lambda: enc(metric=inverted_metric),
        "UNNORMALIZED_INPUT": lambda: enc(scale=255.0),
        "UNSHUFFLED_PAIRS": lambda: enc(sort=True),
        "LOSS_AT_INIT_UNEXPECTED": lambda: enc(Scaled(100.0)),
    }


# ---------------------------------------------------------------- tensorflow / keras
def tf_setups() -> dict:
    import tensorflow as tf
    from tensorflow import keras

    def mlp(*extra, regularizer=None):
        keras.utils.set_random_seed(0)
        return keras.Sequential(
            [
                keras.Input((SIZE, SIZE, 1)),
                keras.layers.Flatten(),
                keras.layers.Dense(64, activation="relu", kernel_regularizer=regularizer),
                keras.layers.Dense(16, kernel_regularizer=regularizer),
                *extra,
            ]
        )

    def cnn():
        keras.utils.set_random_seed(0)
        return keras.Sequential(
            [
                keras.Input((SIZE, SIZE, 1)),
                keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
                keras.layers.MaxPooling2D(),
                keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(16),
            ]
        )

    def contrastive(e1, e2, y, eps=1e-9):
        d = tf.sqrt(tf.reduce_sum(tf.square(e1 - e2), axis=1) + eps)
        return tf.reduce_mean(y * d**2 + (1 - y) * tf.square(tf.maximum(0.0, 1 - d)))

    def broadcast(e1, e2, y):
        d = tf.sqrt(tf.reduce_sum(tf.square(e1 - e2), axis=1) + 1e-9)[:, None]
        return tf.reduce_mean(y[None, :] * d**2 + (1 - y[None, :]) * tf.square(tf.maximum(0.0, 1 - d)))

    def no_labels(e1, e2, y):
        return tf.reduce_mean(tf.reduce_sum(tf.square(e1 - e2), axis=1))

    def pair_model(activation=None):
        encoder = mlp()
        a, b = keras.Input((SIZE, SIZE, 1)), keras.Input((SIZE, SIZE, 1))
        diff = keras.layers.Lambda(lambda t: tf.abs(t[0] - t[1]))([encoder(a), encoder(b)])
        out = keras.layers.Reshape(())(keras.layers.Dense(1, activation=activation)(diff))
        return keras.Model([a, b], out)

    def enc(model=None, loss=contrastive, opt="adam", lr=1e-3, metric=right_metric, **data):
        model = model if model is not None else mlp()
        optimizer = (keras.optimizers.Adam if opt == "adam" else keras.optimizers.SGD)(learning_rate=lr)
        return {
            "model": model,
            "pairs": pair_batches("tf", **data),
            "loss_fn": loss,
            "optimizer": optimizer,
            "metric": metric,
        }

    def pair(activation=None, from_logits=True):
        bce = keras.losses.BinaryCrossentropy(from_logits=from_logits)
        return {
            "model": pair_model(activation),
            "pairs": pair_batches("tf"),
            "loss_fn": lambda out, y: bce(y, out),
            "optimizer": keras.optimizers.Adam(1e-3),
        }

    def dead_mlp():
        model = mlp()
        model.layers[1].bias.assign(tf.fill([64], -100.0))
        return model

    def head(sign):
        encoder = mlp()
        a, b = keras.Input((SIZE, SIZE, 1)), keras.Input((SIZE, SIZE, 1))
        d = keras.layers.Lambda(lambda t: tf.sqrt(tf.reduce_sum((t[0] - t[1]) ** 2, 1, keepdims=True) + 1e-9))
        dense = keras.layers.Dense(1, "sigmoid", kernel_initializer=keras.initializers.Constant(sign))
        model = keras.Model([a, b], keras.layers.Reshape(())(dense(d([encoder(a), encoder(b)]))))

        def on_sigmoid(p, same):
            return tf.reduce_mean(same * p**2 + (1 - same) * tf.square(tf.maximum(0.0, 1 - p)))

        return {"model": model, "pairs": pair_batches("tf"), "loss_fn": on_sigmoid,
                "optimizer": keras.optimizers.Adam(1e-3)}

    return {
        "healthy_mlp": lambda: enc(),
        "healthy_cnn": lambda: enc(cnn()),
        "healthy_mlp_sgd": lambda: enc(opt="sgd", lr=0.05),
        "healthy_pair_logit": lambda: pair(),
        "healthy_pair_sigmoid": lambda: pair("sigmoid", from_logits=False),
        "healthy_distance_head": lambda: head(1.0),
        "HEAD_STARTS_INVERTED": lambda: head(-1.0),
        "IDENTICAL_INPUTS": lambda: enc(identical=True),
        "CONSTANT_OUTPUT": lambda: enc(mlp(keras.layers.Lambda(lambda t: t * 0.0 + 1.0))),
        "EMBEDDING_COLLAPSE": lambda: enc(mlp(keras.layers.Lambda(lambda t: t * 1e-3 + 10.0))),
        "LOSS_SHAPE_BROADCAST": lambda: enc(loss=broadcast),
        "LOSS_IGNORES_LABELS": lambda: enc(loss=no_labels),
        "loss_ignores_outputs": lambda: enc(loss=lambda e1, e2, y: contrastive(e1, e1, y)),  # e1 for e2
        "OUTPUT_ACTIVATION_MISMATCH": lambda: pair("relu", from_logits=False),
        "OUTPUT_ACTIVATION_MISMATCH_sigmoid": lambda: pair("sigmoid", from_logits=True),
        "LEARNING_RATE_TOO_SMALL": lambda: enc(opt="sgd", lr=1e-7),
        "LEARNING_RATE_TOO_LARGE": lambda: enc(lr=1.0),
        "DEAD_GRADIENTS": lambda: enc(dead_mlp()),
        "CANNOT_OVERFIT_ONE_BATCH": lambda: enc(loss=broadcast),
        "NAN_RISK_SQRT_AT_ZERO": lambda: enc(loss=lambda a, b, y: contrastive(a, b, y, eps=0.0)),
        "REGULARIZATION_IGNORED": lambda: enc(mlp(regularizer=keras.regularizers.l2(0.01))),
        "INVERTED_METRIC": lambda: enc(metric=inverted_metric),
        "UNNORMALIZED_INPUT": lambda: enc(scale=255.0),
        "UNSHUFFLED_PAIRS": lambda: enc(sort=True),
        "LOSS_AT_INIT_UNEXPECTED": lambda: enc(mlp(keras.layers.Lambda(lambda t: t * 100.0))),
    }
