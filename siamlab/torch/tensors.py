"""Numpy images and ``PairBatch`` indices -> torch tensors (N, 1, H, W), scaled to [0, 1]."""
from __future__ import annotations

import numpy as np
import torch

from siamlab.data.pairs import PairBatch


def images_tensor(images: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """(N, H, W) uint8 -> float32 (N, 1, H, W) in [0, 1] on ``device``."""
    images = np.asarray(images)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"expected (N, H, W) uint8 images, got shape {images.shape} dtype {images.dtype}")
    return torch.from_numpy(images).to(device=device, dtype=torch.float32).div_(255.0).unsqueeze(1)


def batch_tensors(images: np.ndarray, batch: PairBatch, device: torch.device | str | None = None):
    """(left, right, same) for one batch: two (B, 1, H, W) float tensors and (B,) float labels."""
    left = images_tensor(images[batch.left], device)
    right = images_tensor(images[batch.right], device)
    same = torch.as_tensor(batch.same, dtype=torch.float32, device=device)
    return left, right, same
