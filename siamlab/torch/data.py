"""The "object vs other objects" pairs of seed 2, built from ``siamlab.data.make_objects``."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from siamlab.data.objects import make_objects


@dataclass
class ObjectPairs:
    """Train and held-out test pairs (B, 2, 1, 40, 50) with ``same`` (B,) = 1 for [object, object]."""

    x_train: torch.Tensor
    same_train: torch.Tensor
    x_test: torch.Tensor
    same_test: torch.Tensor
    object_class: str


def split_object(n_per_class: int, object_class: str = "ring", seed: int = 0):
    """(pos, neg) uint8 images of the object and of every other class, from ``make_objects``."""
    objects = make_objects(n_per_class, seed=seed)
    if object_class not in objects.class_names:
        raise ValueError(f"object_class must be one of {objects.class_names}, got {object_class!r}")
    k = objects.class_names.index(object_class)
    pos, neg = objects.images[objects.labels == k], objects.images[objects.labels != k]
    order = np.random.default_rng(seed).permutation(len(neg))  # mix the other classes
    return pos, neg[order]


def object_pairs(n_per_class: int, n_train: int, n_test: int, object_class: str = "ring",
                 seed: int = 0, partition=None) -> ObjectPairs:
    """Pairs from disjoint train / test images (2/3 vs 1/3 of each), via ``partition``
    (default: the fixed ``partition_pairs_fixed``; pass the buggy one to reproduce the seed)."""
    from siamlab.torch.seed import partition_pairs_fixed

    partition = partition or partition_pairs_fixed
    pos, neg = split_object(n_per_class, object_class, seed)
    cut_p, cut_n = 2 * len(pos) // 3, 2 * len(neg) // 3
    x_tr, y_tr = partition(pos[:cut_p], neg[:cut_n], n_train)
    x_te, y_te = partition(pos[cut_p:], neg[cut_n:], n_test)
    return ObjectPairs(torch.from_numpy(x_tr), torch.from_numpy(y_tr[:, 0]).contiguous(),
                       torch.from_numpy(x_te), torch.from_numpy(y_te[:, 0]).contiguous(), object_class)
