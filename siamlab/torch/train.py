"""Training and evaluation of the PyTorch track (the same names, arguments, defaults and
History keys as ``siamlab.tf.train``; see ``siamlab.training`` for the shared half).

Framework-only extra: ``device`` (where the model and the batches go; default: the model's).
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from siamlab import training
from siamlab.data.pairs import BalancedPairs, PairBatch
from siamlab.history import History
from siamlab.torch.losses import contrastive_loss, euclidean_distance, logit_bce_loss
from siamlab.torch.models import SiameseNet
from siamlab.torch.tensors import batch_tensors, images_tensor


def make_optimizer(model, name: str = "adam", learning_rate: float = 1e-3) -> torch.optim.Optimizer:
    """An optimizer for ``model``'s parameters: "adam" -> Adam, "sgd" -> SGD with momentum 0.9."""
    training.check_train_args(1, 1, None, name, learning_rate, 0.0)
    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=learning_rate)
    return torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9)


def random_shift(max_fraction: float, seed: int = 0):
    """Images -> the same images moved by up to ``max_fraction`` of their height and width,
    each on its own, filled with black (0.1 on 28x28: up to 2.8 pixels). For training only."""
    generator = torch.Generator().manual_seed(seed)

    def shift(images: torch.Tensor) -> torch.Tensor:
        moves = (torch.rand(len(images), 2, generator=generator) * 2 - 1) * 2 * max_fraction
        theta = torch.zeros(len(images), 2, 3)
        theta[:, 0, 0] = theta[:, 1, 1] = 1.0
        theta[:, :, 2] = moves  # in [-1, 1] grid units: 2 * fraction of the width / height
        grid = F.affine_grid(theta, list(images.shape), align_corners=False).to(images.device)
        return F.grid_sample(images, grid, padding_mode="zeros", align_corners=False)

    return shift


def make_step(encoder, optimizer, distance=euclidean_distance, margin: float = 1.0,
              regularization: bool = True, augment=None):
    """One contrastive training step ``step(left, right, same) -> (loss, data_loss, distances)``.

    The lesson's own lines, as in notebook 02 ("The fixed training step", TensorFlow): one
    label per pair, the weight-decay penalties of ``encoder.losses`` added (``regularization``),
    ``distance`` replaceable. ``augment`` transforms each side's images before the forward pass.
    """

    def step(left, right, same):
        encoder.train()
        if augment is not None:
            left, right = augment(left), augment(right)
        d = distance(encoder(left), encoder(right))
        data_loss = contrastive_loss(d, same, margin)
        penalties = getattr(encoder, "losses", [])
        loss = data_loss + sum(penalties) if regularization and penalties else data_loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.detach(), data_loss.detach(), d.detach()

    return step


def make_logit_step(model, optimizer, regularization: bool = True, augment=None):
    """One step of a pair model with a logit head: ``step(left, right, same) -> (loss,
    data_loss, logits)``, binary cross-entropy with logits."""

    def step(left, right, same):
        model.train()
        if augment is not None:
            left, right = augment(left), augment(right)
        logits = model(left, right)
        data_loss = logit_bce_loss(logits, same)
        penalties = getattr(model, "losses", [])
        loss = data_loss + sum(penalties) if regularization and penalties else data_loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.detach(), data_loss.detach(), logits.detach()

    return step


def _head(model) -> str:
    return getattr(model, "head", "distance")  # a bare Encoder is trained as a distance model


def _encoder_and_distance(model):
    """A SiameseNet's encoder and distance; any other model is an encoder with the Euclidean one."""
    if isinstance(model, SiameseNet):
        return model.encoder, model.distance
    return model, euclidean_distance


def _step_for(model, optimizer, margin, regularization, augment):
    if _head(model) == "logit":
        return make_logit_step(model, optimizer, regularization, augment)
    encoder, distance = _encoder_and_distance(model)
    return make_step(encoder, optimizer, distance, margin, regularization, augment)


def _device_of(model) -> torch.device:
    return next(model.parameters()).device


@torch.no_grad()
def embed(model, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Embeddings (N, D) as numpy of (N, H, W) uint8 images, by an Encoder or a SiameseNet's encoder."""
    encoder = _encoder_and_distance(model)[0]
    encoder.eval()
    device = _device_of(encoder)
    return np.concatenate([encoder(images_tensor(images[i:i + batch_size], device)).cpu().numpy()
                           for i in range(0, len(images), batch_size)])


@torch.no_grad()
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
    d = distance(torch.from_numpy(z[pairs.left]), torch.from_numpy(z[pairs.right]))
    return d.numpy().astype(np.float64)


@torch.no_grad()
def pair_outputs(model, images: np.ndarray, pairs: PairBatch, batch_size: int = 512) -> np.ndarray:
    """One number per pair as numpy: the distance (distance head or Encoder) or the logit."""
    if _head(model) == "distance":
        return pair_distances(model, images, pairs, batch_size)
    model.eval()
    device = _device_of(model)
    out = []
    for i in range(0, len(pairs), batch_size):
        out.append(model(*batch_tensors(images, pairs[i:i + batch_size], device)[:2]).cpu().numpy())
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
          device: torch.device | str | None = None) -> History:
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
    device = torch.device(device) if device is not None else _device_of(model)
    model.to(device)
    history = history if history is not None else History(type(model).__name__)
    if history.baseline is None:
        history.baseline = training.constant_baseline(head, training.same_share(pairs), margin)
    augment = random_shift(augment_shift, seed) if augment_shift else None
    step = _step_for(model, make_optimizer(model, optimizer, learning_rate), margin, regularization, augment)
    rng = np.random.default_rng(seed)
    if snapshot_images is not None:
        history.snapshot(0, embeddings=embed(model, snapshot_images), labels=snapshot_labels)
    for epoch in range(1, epochs + 1):
        meter = training.EpochMeter()
        for batch in training.epoch_batches(pairs, batch_size, steps_per_epoch, shuffle, rng):
            loss, data_loss, out = step(*batch_tensors(images, batch, device))
            meter.add(loss, data_loss, training.decide_same(out.cpu().numpy(), head, margin), batch.same)
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
                  margin: float = 1.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Smith's (2017) learning-rate range test: one step per rate, rates growing geometrically
    from ``lr_min`` to ``lr_max``; returns (rates, losses), NaN where the loss diverged."""
    images = training.check_images(images)
    opt = make_optimizer(model, optimizer, lr_min)
    step = _step_for(model, opt, margin, False, None)
    rng, lrs, losses = np.random.default_rng(seed), np.geomspace(lr_min, lr_max, steps), []
    device = _device_of(model)
    for lr, batch in zip(lrs, training.random_batches(pairs, batch_size, steps, rng)):
        for group in opt.param_groups:
            group["lr"] = float(lr)
        value = float(step(*batch_tensors(images, batch, device))[1])
        losses.append(value if math.isfinite(value) else float("nan"))
    return lrs[:len(losses)], np.asarray(losses)
