"""Checks that catch a broken pair batch before it reaches a network."""
from __future__ import annotations

import torch


def check_pair_shape(data: torch.Tensor, image_shape: tuple[int, int] = (40, 50)) -> None:
    """Raise ValueError unless ``data`` is (B, 2, 1, H, W) float, naming expected vs got."""
    expected = ("B", 2, 1, *image_shape)
    if data.ndim != 5 or tuple(data.shape[1:]) != (2, 1, *image_shape):
        raise ValueError(f"expected pairs of shape {expected}, got {tuple(data.shape)}")
    if not data.is_floating_point():
        raise ValueError(f"expected a float tensor of pairs, got dtype {data.dtype}")


def identical_pair_share(data: torch.Tensor) -> float:
    """Share of pairs whose two images are exactly equal (1.0 = the seed's index bug)."""
    check_pair_shape(data, tuple(data.shape[-2:]))
    same = (data[:, 0] == data[:, 1]).flatten(1).all(dim=1)
    return float(same.float().mean())


def check_pairs(data: torch.Tensor, same: torch.Tensor, max_identical: float = 0.1) -> None:
    """Shape-and-content check of a pair batch: shapes agree, labels are 0/1 and both present,
    and at most ``max_identical`` of the pairs show the same image twice."""
    check_pair_shape(data, tuple(data.shape[-2:]))
    if same.ndim != 1 or len(same) != len(data):
        raise ValueError(f"expected labels of shape ({len(data)},), got {tuple(same.shape)}")
    values = set(torch.unique(same).tolist())
    if not values <= {0.0, 1.0}:
        raise ValueError(f"expected labels in {{0, 1}}, got values {sorted(values)}")
    share = identical_pair_share(data)
    if share > max_identical:
        raise ValueError(f"{share:.0%} of the pairs show the same image in both branches "
                         f"(expected at most {max_identical:.0%}): check the pairing indices")
