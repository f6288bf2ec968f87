"""Distance and losses of the PyTorch track; the same names and formulas as ``siamlab.tf.losses``
and the numpy references in ``siamlab.losses``."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def _check(values: torch.Tensor, same: torch.Tensor, what: str) -> None:
    if values.ndim != 1 or values.shape != same.shape:
        raise ValueError(f"{what} and same must both be (B,), "
                         f"got {tuple(values.shape)} and {tuple(same.shape)}")


def euclidean_distance(a: torch.Tensor, b: torch.Tensor, eps: float = 1e-9) -> torch.Tensor:
    """Row-wise sqrt(sum (a - b)^2 + eps) for (B, D) embeddings -> (B,); eps > 0 keeps the
    gradient finite where a == b (``eps=0``: NaN gradient at d = 0)."""
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"expected two (B, D) tensors of equal shape, "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")
    return torch.sqrt(((a - b) ** 2).sum(dim=1) + eps)


def contrastive_loss(distance: torch.Tensor, same: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    """mean( y d^2 + (1 - y) relu(margin - d)^2 ), y = 1 for a same pair (as ``siamlab.tf``)."""
    _check(distance, same, "distance")
    same = same.to(distance.dtype)
    return torch.mean(same * distance**2 + (1 - same) * F.relu(margin - distance) ** 2)


def logit_bce_loss(logits: torch.Tensor, same: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy on one raw logit per pair (sigmoid inside, numerically stable)."""
    _check(logits, same, "logits")
    return F.binary_cross_entropy_with_logits(logits, same.to(logits.dtype))
