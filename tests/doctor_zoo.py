"""Setups for the doctor's tests and threshold measurements: healthy models that share no code with
siamlab (plain torch MLP / CNN, plain Keras Sequential / functional models, losses written here) and
the same setups with one planted bug each. Images: two synthetic 16x16 classes, numpy only (two rebuilt
MNIST threads read the course's bundled MNIST subset with siamlab.data.mnist)."""

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


# ---------------------------------------------------------------- setups rebuilt from public reports
# Each: the reporter's model shape, loss, optimizer and learning rate as the thread shows them, rebuilt
# in our own words on the synthetic 16x16 images above (scaled down in data only), with the link, the
# cause the thread states, and the finding code that names it. Students' own calling conventions: no
# wrapper, their DataLoader / fit arrays, their label shapes and conventions.
REAL_CASES = {
    "harveyslash_26_label_b1": (
        "https://github.com/harveyslash/Facial-Similarity-with-Siamese-Networks-in-Pytorch/issues/26",
        "label (B, 1) times distance (B,) broadcasts to a (B, B) loss", "LOSS_SHAPE_BROADCAST"),
    "harveyslash_27_pairwise_keepdim": (
        "https://github.com/harveyslash/Facial-Similarity-with-Siamese-Networks-in-Pytorch/issues/27",
        "F.pairwise_distance without keepdim=True gives (B,) against (B, 1) labels", "LOSS_SHAPE_BROADCAST"),
    "harveyslash_7_pair_balance": (
        "https://github.com/harveyslash/Facial-Similarity-with-Siamese-Networks-in-Pytorch/issues/7",
        "with 2 classes the 'different' branch picks any image: 75 % / 25 % instead of 50 / 50",
        "PAIR_IMBALANCE"),
    "keras_4980_loss_switched": (
        "https://github.com/keras-team/keras/issues/4980",
        "accuracy 0.42 % instead of 99.5 %: the loss's label convention switched against the pairs' "
        "(1 = same)",
        "LABEL_CONVENTION_MISMATCH"),
    "keras_1866_paper_convention": (
        "https://github.com/keras-team/keras/issues/1866",
        "the paper's loss (y = 1 for different) on the example's pairs (y = 1 for same)",
        "LABEL_CONVENTION_MISMATCH"),
    "keras_4459_branch_scales": (
        "https://github.com/keras-team/keras/issues/4459",
        "x[:, 0] in 0..31, x[:, 1] up to 800,000 through one shared network: normalise the branches",
        "BRANCH_SCALE_MISMATCH"),
    "pytorch_8069_acos": (
        "https://github.com/pytorch/pytorch/issues/8069",
        "torch.acos of a cosine at +-1: infinite derivative, NaN gradients (clamp to 1 - eps)",
        "NONFINITE_VALUES"),
    "siamese_triplet_18_sqrt": (
        "https://github.com/adambielski/siamese-triplet/issues/18",
        "distances of 0 (two exactly equal samples): the derivative of sqrt at 0 is NaN; add an epsilon",
        "NAN_RISK_SQRT_AT_ZERO"),
    "keras_9097_sqrt_same_inputs": (
        "https://github.com/keras-team/keras/issues/9097",
        "NaN loss when two inputs are the same, due to K.sqrt in euclidean_distance; a small bias fixes it",
        "NAN_RISK_SQRT_AT_ZERO"),
    "signet_1_sqrt_epsilon": (
        "https://github.com/sounakdey/SigNet/issues/1",
        "loss turns NaN in the first epoch; fixed by K.sqrt(K.maximum(sum_square, K.epsilon()))",
        "NAN_RISK_SQRT_AT_ZERO"),
    "notebook06_flipped_margin": (
        None,  # no public thread: notebook 06's own variant, which issue 18 lists as ok=True
        "the margin term subtracted instead of added: a constant output wins", "LOSS_PREFERS_CONSTANT"),
    "delijati_3_integer_division": (
        "https://github.com/delijati/pytorch-siamese/issues/3",
        "loss NaN under Python 2: data[z] / 255 on uint8 MNIST is integer division (use / 255.0); "
        "python3 is fine", "BLANK_INPUTS"),
    "keras_5052_example_as_shipped": (
        "https://github.com/keras-team/keras/issues/5052",
        "mnist_siamese_graph.py as shipped gives very low accuracy; fixed by reverting commit 7f25a77 "
        "(keras#4980: the loss's label convention switched against the pairs')", "LABEL_CONVENTION_MISMATCH"),
}
# Bug cases whose stated cause the doctor names, but not as the first finding at the report's highest
# severity: case -> the finding that comes first instead (reported as they are, not tuned to pass).
NAMED_LATER = {
    # the cause is BLANK_INPUTS, a warning (listed first); the first error is the reporter's sqrt without
    # an epsilon, a real defect of that loss (the Python 3 version of the case gets it too), through which
    # two blank images would give the NaN the thread reports
    "delijati_3_integer_division": "NAN_RISK_SQRT_AT_ZERO",
}
OUT_OF_SCOPE = {
    "siamese_triplet_50_triplets": (
        "https://github.com/adambielski/siamese-triplet/issues/50",
        "TripletNet fed to a loss that expects embeddings: forward() takes 3 positional arguments but 4 "
        "were given"),
    "siamfc_tf_30_score_map": (
        "https://github.com/torrvision/siamfc-tf/issues/30",
        "SiamFC: exemplar 127 px against search 255 px, a score-map loss stuck at 0.693"),
}


def mnist_digit_pairs(per_digit: int) -> tuple[np.ndarray, list, list, list]:
    """The bundled MNIST training images and pairs as delijati/pytorch-siamese and keras' mnist_siamese_graph
    pair them: digit d's i-th with its (i+1)-th image (label 1), and with a random other digit's i-th (0)."""
    from siamlab.data import mnist

    images, digits, _ = mnist.read_split_with_release(mnist.BUNDLED_DIR, "train")
    rng = np.random.default_rng(0)
    index = [np.flatnonzero(digits == d) for d in range(10)]
    left, right, same = [], [], []
    for d in range(10):
        for i in range(per_digit):
            other = (d + rng.integers(1, 10)) % 10
            left += [index[d][i], index[d][i]]
            right += [index[d][i + 1], index[other][i]]
            same += [1.0, 0.0]
    return images, left, right, same


def real_setups(framework: str) -> dict:
    """name -> zero-argument function giving diagnose() keyword arguments (the bug cases above that exist
    in ``framework``, and the healthy setups of every supported shape)."""
    return _torch_real() if framework == "torch" else _tf_real()


def _torch_real() -> dict:
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    class SiameseNetwork(nn.Module):  # the tutorial shape: forward_once, forward -> (e1, e2)
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.cnn = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
                                     nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(inplace=True))
            self.fc = nn.Sequential(nn.Linear(16 * 8 * 8, 64), nn.ReLU(inplace=True), nn.Linear(64, 8))

        def forward_once(self, x):
            return self.fc(self.cnn(x).view(x.size(0), -1))

        def forward(self, input1, input2):
            return self.forward_once(input1), self.forward_once(input2)

    class ContrastiveLoss(nn.Module):  # the tutorial's: label 1 = DIFFERENT pair
        def __init__(self, margin=2.0, keepdim=True):
            super().__init__()
            self.margin, self.keepdim = margin, keepdim

        def forward(self, output1, output2, label):
            d = F.pairwise_distance(output1, output2, keepdim=self.keepdim)
            far = torch.pow(torch.clamp(self.margin - d, min=0.0), 2)
            return torch.mean((1 - label) * torch.pow(d, 2) + label * far)

    class BroadcastLoss(nn.Module):  # issue 26: the label (B, 1) meets a (B,) distance
        def forward(self, output1, output2, label):
            d = torch.sqrt(((output1 - output2) ** 2).sum(1) + 1e-9)
            return torch.mean((1 - label) * d**2 + label * torch.clamp(2.0 - d, min=0.0) ** 2)

    def loader(different_is_one=True, seed=0, balance=None, n=64):
        x, labels = images(n=128, seed=seed)
        rng = np.random.default_rng(seed)
        left = rng.integers(0, len(x), size=n)
        if balance == "any":  # issue 7: 'different' picks any image, so a quarter of pairs are same
            same = rng.integers(0, 2, size=n)
            right = np.array([rng.choice(np.flatnonzero(labels == labels[a])) if s
                              else rng.integers(0, len(x))
                              for a, s in zip(left, same)])
        else:
            same = rng.permutation(np.arange(n) % 2)
            right = np.array([rng.choice(np.flatnonzero((labels == labels[a]) == bool(s)))
                              for a, s in zip(left, same)])
        is_same = labels[left] == labels[right]
        y = (~is_same if different_is_one else is_same).astype(np.float32)[:, None]  # (B, 1), as there
        data = TensorDataset(torch.as_tensor(x[left, None]), torch.as_tensor(x[right, None]),
                             torch.as_tensor(y))
        return DataLoader(data, batch_size=16, shuffle=False)

    def tutorial(loss, balance=None):
        model = SiameseNetwork()
        return {"model": model, "pairs": loader(balance=balance), "loss_fn": loss,
                "optimizer": torch.optim.Adam(model.parameters(), lr=0.0005)}

    class AngleNet(SiameseNetwork):  # issue 8069's op in the tutorial shape: the angle between embeddings
        pass

    def angle_loss(e1, e2, label, margin=1.0):
        cos = F.cosine_similarity(e1, e2).clamp(-1, 1)  # clamped to [-1, 1] as the reporter first did
        angle = torch.acos(cos)
        different = label[:, 0]
        return torch.mean((1 - different) * angle**2 + different * torch.clamp(margin - angle, min=0) ** 2)

    def acos_case():
        setup = tutorial(angle_loss)
        x1, x2, y = next(iter(setup["pairs"]))
        x2 = x2.clone()
        x2[0], y = x1[0], y.clone()
        y[0] = 0.0  # one image paired with itself, as same-class sampling does
        setup["pairs"] = [(x1, x2, y)] + list(setup["pairs"])[1:]
        setup["model"] = AngleNet()
        return setup

    class Koch(nn.Module):  # a Koch-style head: |e1 - e2| -> Linear -> torch.sigmoid called as a function
        def __init__(self):
            super().__init__()
            self.body = SiameseNetwork()
            self.out = nn.Linear(8, 1)

        def forward(self, x1, x2):
            return torch.sigmoid(self.out(torch.abs(self.body.forward_once(x1) - self.body.forward_once(x2))))

    class ExamplesNet(nn.Module):  # pytorch/examples siamese_network: concat -> fc -> sigmoid module, BCELoss
        def __init__(self):
            super().__init__()
            self.body = SiameseNetwork()
            self.fc = nn.Sequential(nn.Linear(16, 16), nn.ReLU(inplace=True), nn.Linear(16, 1))
            self.sigmoid = nn.Sigmoid()

        def forward(self, input1, input2):
            e = torch.cat((self.body.forward_once(input1), self.body.forward_once(input2)), 1)
            return self.sigmoid(self.fc(e))

    def same_is_one_loader():
        return loader(different_is_one=False)

    def flipped(e1, e2, same):  # notebook 06's variant: the margin term subtracted
        d = torch.sqrt(((e1 - e2) ** 2).sum(1) + 1e-9)
        return torch.mean(same * d**2 - (1 - same) * torch.clamp(1 - d, min=0) ** 2)

    def encoder_setup(loss):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(SIZE * SIZE, 64), nn.ReLU(), nn.Linear(64, 16))
        x1, x2, y = (np.concatenate(v) for v in zip(*pair_batches("torch", n_batches=4)))
        data = DataLoader(TensorDataset(*(torch.as_tensor(v) for v in (x1, x2, y))), batch_size=16)
        return {"model": model, "pairs": data, "loss_fn": loss,
                "optimizer": torch.optim.Adam(model.parameters(), lr=1e-3)}

    def healthy_contrastive(e1, e2, same):
        d = torch.sqrt(((e1 - e2) ** 2).sum(1) + 1e-9)
        return torch.mean(same * d**2 + (1 - same) * torch.clamp(1 - d, min=0) ** 2)

    def pair_setup(model, lr=1e-3, optimizer=torch.optim.Adam):
        return {"model": model, "pairs": same_is_one_loader(), "loss_fn": nn.BCELoss(),
                "optimizer": optimizer(model.parameters(), lr=lr)}

    class EmbeddingNet(nn.Module):  # siamese-triplet's shape: SiameseNet(embedding_net) -> (e1, e2)
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.convnet = nn.Sequential(nn.Conv2d(1, 8, 3), nn.PReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3),
                                         nn.PReLU(), nn.MaxPool2d(2))
            self.fc = nn.Sequential(nn.Linear(16 * 2 * 2, 32), nn.PReLU(), nn.Linear(32, 2))

        def forward(self, x):
            return self.fc(self.convnet(x).view(x.size(0), -1))

    class SiameseNet(nn.Module):
        def __init__(self, embedding_net):
            super().__init__()
            self.embedding_net = embedding_net

        def forward(self, x1, x2):
            return self.embedding_net(x1), self.embedding_net(x2)

    class NoEpsContrastive(nn.Module):  # target 1 = same; sqrt of the squared distance without eps
        def __init__(self, margin=1.0):
            super().__init__()
            self.margin = margin

        def forward(self, output1, output2, target, size_average=True):
            distances = (output2 - output1).pow(2).sum(1)
            losses = 0.5 * (target.float() * distances
                            + (1 - target.float()) * F.relu(self.margin - distances.sqrt()).pow(2))
            return losses.mean() if size_average else losses.sum()

    def triplet_18():
        x1, x2, y = (np.concatenate(v) for v in zip(*pair_batches("torch", n_batches=4)))
        x2[0] = x1[0]
        y[0] = 1.0  # two exactly equal samples, a same pair (the reporter's case)
        model = SiameseNet(EmbeddingNet())
        data = DataLoader(TensorDataset(*(torch.as_tensor(v) for v in (x1, x2, y))), batch_size=16)
        return {"model": model, "pairs": data, "loss_fn": NoEpsContrastive(1.0),
                "optimizer": torch.optim.Adam(model.parameters(), lr=1e-3)}

    class LeNetSiamese(nn.Module):  # delijati/pytorch-siamese's net.py shape: no ReLU between the convs
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.cnn1 = nn.Sequential(nn.Conv2d(1, 20, kernel_size=5), nn.MaxPool2d(2, stride=2),
                                      nn.Conv2d(20, 50, kernel_size=5), nn.MaxPool2d(2, stride=2))
            self.fc1 = nn.Sequential(nn.Linear(50 * 4 * 4, 500), nn.ReLU(inplace=True), nn.Linear(500, 10),
                                     nn.Linear(10, 2))

        def forward_once(self, x):
            return self.fc1(self.cnn1(x).view(x.size(0), -1))

        def forward(self, input1, input2):
            return self.forward_once(input1), self.forward_once(input2)

    class SumContrastive(nn.Module):  # that repo's loss: label 1 = same, sqrt without epsilon, sum / 2 / B
        def __init__(self, margin=1.0):
            super().__init__()
            self.margin = margin

        def forward(self, x0, x1, y):
            dist_sq = ((x0 - x1) ** 2).sum(1)
            near = torch.clamp(self.margin - torch.sqrt(dist_sq), min=0.0)
            return (y * dist_sq + (1 - y) * near**2).sum() / 2.0 / x0.size(0)

    def delijati_3(python2=True, per_digit=4):
        """Real MNIST digits (the bundled subset, 80 pairs instead of 108,400), paired as that repo pairs
        them: digit d's i-th and (i+1)-th image (label 1), d's i-th and a random other digit's i-th
        (label 0); scaled to [0, 1] with Python 2's integer division (uint8 // 255) or Python 3's."""
        images, left, right, same = mnist_digit_pairs(per_digit)
        scale = (lambda im: im // 255) if python2 else (lambda im: im / 255)
        x0, x1 = (torch.as_tensor(scale(images[i]).astype(np.float32)[:, None]) for i in (left, right))
        y = torch.as_tensor(np.array(same, np.float32))  # float: the loop's labels.float()
        shuffled = torch.Generator().manual_seed(0)
        model = LeNetSiamese()
        data = DataLoader(TensorDataset(x0, x1, y), batch_size=32, shuffle=True, generator=shuffled)
        return {"model": model, "loss_fn": SumContrastive(), "pairs": data,
                "optimizer": torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)}

    return {
        "delijati_3_integer_division": delijati_3,
        "delijati_3_python3": lambda: delijati_3(python2=False),
        "siamese_triplet_18_sqrt": triplet_18,
        "harveyslash_26_label_b1": lambda: tutorial(BroadcastLoss()),
        "harveyslash_27_pairwise_keepdim": lambda: tutorial(ContrastiveLoss(keepdim=False)),
        "harveyslash_7_pair_balance": lambda: tutorial(ContrastiveLoss(), balance="any"),
        "pytorch_8069_acos": acos_case,
        "notebook06_flipped_margin": lambda: encoder_setup(flipped),
        "healthy_tutorial_two_embeddings": lambda: tutorial(ContrastiveLoss()),
        "healthy_koch_function_sigmoid": lambda: pair_setup(Koch()),
        "healthy_pytorch_examples": lambda: pair_setup(ExamplesNet(), lr=1.0, optimizer=torch.optim.Adadelta),
        "healthy_encoder_dataloader": lambda: encoder_setup(healthy_contrastive),
    }


def _tf_real() -> dict:
    import tensorflow as tf
    from tensorflow import keras

    def base(input_shape):  # mnist_siamese(_graph).py's base network: three Dense(128, relu)
        keras.utils.set_random_seed(0)
        return keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(),
                                 keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.1),
                                 keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.1),
                                 keras.layers.Dense(128, activation="relu")])

    def euclidean(t):
        return tf.sqrt(tf.maximum(tf.reduce_sum(tf.square(t[0] - t[1]), axis=1, keepdims=True), 1e-7))

    def distance_model(input_shape):
        net = base(input_shape)
        a, b = keras.Input(input_shape), keras.Input(input_shape)
        return keras.Model([a, b], keras.layers.Lambda(euclidean)([net(a), net(b)]))

    def example_loss(y_true, y_pred):  # the example's: y = 1 for a same pair
        far = tf.square(tf.maximum(1.0 - y_pred, 0))
        return tf.reduce_mean(y_true * tf.square(y_pred) + (1 - y_true) * far)

    def switched_loss(y_true, y_pred):  # issue 4980: the convention switched inside the loss only
        far = tf.square(tf.maximum(1.0 - y_pred, 0))
        return tf.reduce_mean((1 - y_true) * tf.square(y_pred) + y_true * far)

    def paper_loss(y_true, y_pred):  # issue 1866: the paper's form, halves included
        return tf.reduce_mean((1 - y_true) * 0.5 * tf.square(y_pred)
                              + 0.5 * y_true * tf.square(tf.maximum(1.0 - y_pred, 0)))

    def arrays(layout="tf", scale2=1.0, flat=False):
        x1, x2, y = (np.concatenate(v) for v in zip(*pair_batches(layout, n_batches=4)))
        if flat:
            x1, x2 = x1.reshape(len(x1), -1), x2.reshape(len(x2), -1)
        return [x1, x2 * scale2], y  # fit([x1, x2], y): y (B,), Keras gives the loss (B, 1)

    def compiled(loss, data, input_shape=(SIZE, SIZE, 1)):
        model = distance_model(input_shape)
        model.compile(loss=loss, optimizer=keras.optimizers.RMSprop())
        return {"model": model, "pairs": data, "loss_fn": None, "optimizer": model.optimizer}

    def scales():
        (x1, x2), y = arrays(flat=True)
        x1 = np.round(x1 * 31)  # 0..31
        x2 = np.round(x2 * 800_000)  # up to 800,000
        return compiled(example_loss, ([x1, x2], y), (SIZE * SIZE,))

    def two_embeddings():
        net = base((SIZE, SIZE, 1))
        a, b = keras.Input((SIZE, SIZE, 1)), keras.Input((SIZE, SIZE, 1))
        model = keras.Model([a, b], [net(a), net(b)])

        def loss(e1, e2, same):
            d = tf.sqrt(tf.reduce_sum(tf.square(e1 - e2), axis=1) + 1e-9)
            return tf.reduce_mean(same * d**2 + (1 - same) * tf.square(tf.maximum(0.0, 1 - d)))

        return {"model": model, "pairs": pair_batches("tf", n_batches=4), "loss_fn": loss,
                "optimizer": keras.optimizers.Adam(1e-3)}

    def dataset_encoder():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((SIZE, SIZE, 1)), keras.layers.Flatten(),
                                  keras.layers.Dense(64, activation="relu"), keras.layers.Dense(16)])
        (x1, x2), y = arrays()
        data = tf.data.Dataset.from_tensor_slices(((x1, x2), y)).batch(16)

        def loss(e1, e2, same):
            d = tf.sqrt(tf.reduce_sum(tf.square(e1 - e2), axis=1) + 1e-9)
            return tf.reduce_mean(same * d**2 + (1 - same) * tf.square(tf.maximum(0.0, 1 - d)))

        return {"model": model, "pairs": data, "loss_fn": loss, "optimizer": keras.optimizers.Adam(1e-3)}

    def no_eps(t):  # the distance without an epsilon under the sqrt
        return tf.sqrt(tf.reduce_sum(tf.square(t[0] - t[1]), axis=1, keepdims=True))

    def keras_9097():  # the thread shows the distance function only: a Dense tower without dropout
        keras.utils.set_random_seed(0)
        net = keras.Sequential([keras.Input((SIZE, SIZE, 1)), keras.layers.Flatten(),
                                keras.layers.Dense(128, activation="relu"),
                                keras.layers.Dense(128, activation="relu")])
        a, b = keras.Input((SIZE, SIZE, 1)), keras.Input((SIZE, SIZE, 1))
        model = keras.Model([a, b], keras.layers.Lambda(no_eps)([net(a), net(b)]))
        model.compile(loss=example_loss, optimizer=keras.optimizers.RMSprop())
        (x1, x2), y = arrays()
        x2[0], y[0] = x1[0], 1.0  # the two inputs are the same
        return {"model": model, "pairs": ([x1, x2], y), "loss_fn": None, "optimizer": model.optimizer}

    def signet():  # SigNet: a small conv tower, the distance without epsilon, RMSprop 1e-4
        keras.utils.set_random_seed(0)
        tower = keras.Sequential([keras.Input((SIZE, SIZE, 1)), keras.layers.Conv2D(8, 3, activation="relu"),
                                  keras.layers.MaxPooling2D(2), keras.layers.Conv2D(16, 3, activation="relu"),
                                  keras.layers.Flatten(), keras.layers.Dense(32, activation="relu")])
        a, b = keras.Input((SIZE, SIZE, 1)), keras.Input((SIZE, SIZE, 1))
        model = keras.Model([a, b], keras.layers.Lambda(no_eps)([tower(a), tower(b)]))
        model.compile(loss=example_loss, optimizer=keras.optimizers.RMSprop(learning_rate=1e-4, rho=0.9,
                                                                           epsilon=1e-08))
        return {"model": model, "pairs": arrays(), "loss_fn": None, "optimizer": model.optimizer}

    def mnist_arrays(per_digit=6):
        """fit([x1, x2], y) arrays of real MNIST digits (the bundled subset, 120 pairs), flattened to 784
        and divided by 255 and paired as mnist_siamese_graph.py pairs them (1 = same)."""
        images, left, right, same = mnist_digit_pairs(per_digit)
        x = images.reshape(len(images), -1).astype("float32") / 255
        return [x[left], x[right]], np.array(same, np.float32)

    return {
        "keras_5052_example_as_shipped": lambda: compiled(switched_loss, mnist_arrays(), (28 * 28,)),
        "keras_9097_sqrt_same_inputs": keras_9097,
        "signet_1_sqrt_epsilon": signet,
        "keras_4980_loss_switched": lambda: compiled(switched_loss, arrays()),
        "keras_1866_paper_convention": lambda: compiled(paper_loss, arrays()),
        "keras_4459_branch_scales": scales,
        "healthy_keras_example_fixed": lambda: compiled(example_loss, arrays()),
        "healthy_keras_two_embeddings": two_embeddings,
        "healthy_keras_dataset_encoder": dataset_encoder,
    }
