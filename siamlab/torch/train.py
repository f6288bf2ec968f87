"""Training loop of the fixed models (writes a ``siamlab.history.History``) and a LR range test."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch
from torch import nn

from siamlab.history import History
from siamlab.torch.checks import check_pairs
from siamlab.torch.losses import contrastive_loss, logit_bce_loss


def _loss(model: nn.Module, out: torch.Tensor, same: torch.Tensor, margin: float) -> torch.Tensor:
    if model.output_kind == "distance":
        return contrastive_loss(out, same, margin)
    return logit_bce_loss(out, same)


def predict_same(model: nn.Module, out: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    """1.0 where the model says "same": logit > 0, or distance < margin / 2."""
    if model.output_kind == "distance":
        return (out < margin / 2).float()
    return (out > 0).float()


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, same: torch.Tensor, margin: float = 1.0,
             batch_size: int = 256) -> float:
    """Pair accuracy of ``model`` on (x, same), in eval mode, on the model's device."""
    model.eval()
    device = next(model.parameters()).device
    hits = 0.0
    for i in range(0, len(x), batch_size):
        out = model(x[i:i + batch_size].to(device))
        hits += float((predict_same(model, out, margin) == same[i:i + batch_size].to(device)).sum())
    return hits / len(x)


def train(model: nn.Module, x: torch.Tensor, same: torch.Tensor, *, epochs: int = 10, batch_size: int = 32,
          lr: float = 1e-3, optimizer: str = "adam", shuffle: bool = True, margin: float = 1.0,
          history: History | None = None, test: tuple[torch.Tensor, torch.Tensor] | None = None,
          seed: int = 0, device: torch.device | str | None = None, log: Callable | None = print) -> History:
    """Train on pairs ``x`` (N, 2, 1, H, W) with labels ``same`` (N,); logs loss, accuracy
    (and test_accuracy when ``test`` is given) per epoch into ``history``, which it returns."""
    check_pairs(x, same)
    device = torch.device(device) if device is not None else next(model.parameters()).device
    model.to(device)
    history = history if history is not None else History(type(model).__name__, baseline=math.log(2))
    params = model.parameters()
    opt = torch.optim.Adam(params, lr=lr) if optimizer == "adam" else torch.optim.SGD(params, lr=lr, momentum=0.9)
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=gen) if shuffle else torch.arange(len(x))
        losses, hits = [], 0.0
        for i in range(0, len(x), batch_size):
            idx = order[i:i + batch_size]
            xb, yb = x[idx].to(device), same[idx].to(device)
            out = model(xb)
            loss = _loss(model, out, yb, margin)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item() * len(idx))
            hits += float((predict_same(model, out.detach(), margin) == yb).sum())
        record = {"loss": sum(losses) / len(x), "accuracy": hits / len(x)}
        if test is not None:
            record["test_accuracy"] = evaluate(model, test[0], test[1], margin)
        history.log(epoch=epoch, **record)
        if log is not None:
            log(epoch, " ".join(f"{k}={v:.4f}" for k, v in record.items()))
    return history


def lr_range_test(model: nn.Module, x: torch.Tensor, same: torch.Tensor, lr_min: float = 1e-7,
                  lr_max: float = 1.0, steps: int = 40, batch_size: int = 32, optimizer: str = "sgd",
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One pass with the learning rate growing geometrically per step; returns (lrs, losses)."""
    device = next(model.parameters()).device
    lrs = np.geomspace(lr_min, lr_max, steps)
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=lr_min) if optimizer == "adam" else torch.optim.SGD(params, lr=lr_min, momentum=0.9)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    model.train()
    for lr in lrs:
        for group in opt.param_groups:
            group["lr"] = float(lr)
        idx = torch.randint(len(x), (batch_size,), generator=gen)
        out = model(x[idx].to(device))
        loss = _loss(model, out, same[idx].to(device), 1.0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        value = loss.item()
        losses.append(value if math.isfinite(value) else float("nan"))
    return lrs, np.asarray(losses)
