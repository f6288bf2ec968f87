"""Numpy images and ``PairBatch`` indices -> torch tensors (N, 1, H, W) in [0, 1], and the pair
check that catches a broken batch before it reaches a network (as ``siamlab.tf``).

Framework-only extra: ``device`` (where the tensors go).
"""
from __future__ import annotations

import numpy as np
import torch

from siamlab.data.pairs import PairBatch
from siamlab.seeding import device
from siamlab.training import check_images

__all__ = ["batch_tensors", "check_pairs", "device", "identical_pair_share", "images_tensor"]


def images_tensor(images: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """(N, H, W) uint8 -> float32 (N, 1, H, W) in [0, 1] on ``device``."""
    images = check_images(images)
    return torch.from_numpy(images).to(device=device, dtype=torch.float32).div_(255.0).unsqueeze(1)


def batch_tensors(images: np.ndarray, batch: PairBatch, device: torch.device | str | None = None):
    """(left, right, same) for one batch: two (B, 1, H, W) float tensors and (B,) float labels."""
    if not len(batch.left) == len(batch.right) == len(batch.same):
        raise ValueError(f"a PairBatch needs left, right and same of one length, got "
                         f"{len(batch.left)}, {len(batch.right)}, {len(batch.same)}")
    same = torch.as_tensor(np.asarray(batch.same), dtype=torch.float32, device=device)
    return images_tensor(images[batch.left], device), images_tensor(images[batch.right], device), same


def identical_pair_share(left: torch.Tensor, right: torch.Tensor) -> float:
    """Share of pairs whose two images are exactly equal (1.0 = the PyTorch asker's index bug)."""
    return float((left == right).flatten(1).all(dim=1).float().mean())


def check_pairs(left: torch.Tensor, right: torch.Tensor, same: torch.Tensor,
                max_identical: float = 0.1) -> None:
    """Look at a batch before training on it: equal shapes, float images, finite pixels, labels
    0/1 with both present, and at most ``max_identical`` of the pairs showing one image twice."""
    if left.shape != right.shape or left.ndim != 4 or tuple(same.shape) != (left.shape[0],):
        raise ValueError(f"expected left and right (B, C, H, W) and same (B,), got {tuple(left.shape)}, "
                         f"{tuple(right.shape)}, {tuple(same.shape)}")
    if not left.is_floating_point() or not bool(torch.isfinite(left).all() & torch.isfinite(right).all()):
        raise ValueError(f"expected finite float images, got dtype {left.dtype} or NaN/inf pixels")
    values = set(torch.unique(same).tolist())
    if values != {0.0, 1.0}:
        raise ValueError(f"expected labels 0 and 1, both present, got values {sorted(values)}")
    share = identical_pair_share(left, right)
    if share > max_identical:
        raise ValueError(f"{share:.0%} of the pairs show the same image in both branches "
                         f"(expected at most {max_identical:.0%}): check the pairing indices")
