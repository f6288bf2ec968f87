"""The PyTorch track's data: "the object vs other objects" pairs of 1x40x50 images from
``siamlab.data.make_objects``, as the asker's alternating [object, object] / [object, other]
scheme, with the pairing index fixed. Numpy images plus ``PairBatch`` indices, like MNIST."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from siamlab.data.objects import make_objects
from siamlab.data.pairs import PairBatch
from siamlab.validate import one_of, positive_int


@dataclass(frozen=True)
class ObjectPairs:
    """Training and held-out pairs of two disjoint image sets; ``same`` = 1 for [object, object]."""

    train_images: np.ndarray  # (N, 40, 50) uint8
    train_pairs: PairBatch
    test_images: np.ndarray
    test_pairs: PairBatch
    object_class: str


def split_object(n_per_class: int, object_class: str = "ring",
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(pos, neg) uint8 images of the object and of every other class, from ``make_objects``."""
    objects = make_objects(n_per_class, seed=seed)
    one_of("object_class", object_class, tuple(objects.class_names))
    k = objects.class_names.index(object_class)
    pos, neg = objects.images[objects.labels == k], objects.images[objects.labels != k]
    order = np.random.default_rng(seed).permutation(len(neg))  # mix the other classes
    return pos, neg[order]


def alternating_pairs(n_pos: int, n_neg: int, n_pairs: int) -> PairBatch:
    """The asker's scheme as indices into ``concatenate([pos, neg])``: pair i pairs object
    i//2 with the next object (even i, same) or with other image i//2 (odd i, different)."""
    positive_int("n_pairs", n_pairs)
    i = np.arange(n_pairs)
    left = (i // 2) % n_pos
    right = np.where(i % 2 == 0, (i // 2 + 1) % n_pos, n_pos + (i // 2) % n_neg)
    return PairBatch(left.astype(np.int64), right.astype(np.int64), (i % 2 == 0).astype(np.uint8))


def asker_pairs_fixed(pos: np.ndarray, neg: np.ndarray, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """``asker.make_pairs`` with the one index fixed (``pair[j]``): stacked pairs (N, 2, 1, H, W)
    in [0, 1] and the asker's one-hot labels (N, 2), in the asker's layout."""
    pairs = alternating_pairs(len(pos), len(neg), n_pairs)
    images = np.concatenate([pos, neg]).astype(np.float32) / 255.0
    x = np.stack([images[pairs.left], images[pairs.right]], axis=1)[:, :, None]
    y = np.stack([pairs.same, 1 - pairs.same], axis=1).astype(np.float32)
    return x, y


def object_pairs(n_per_class: int, n_train: int, n_test: int, object_class: str = "ring",
                 seed: int = 0) -> ObjectPairs:
    """Training and held-out pairs from disjoint images (the first 2/3 of each kind vs the rest)."""
    pos, neg = split_object(n_per_class, object_class, seed)
    cut_p, cut_n = 2 * len(pos) // 3, 2 * len(neg) // 3
    train_pos, train_neg, test_pos, test_neg = pos[:cut_p], neg[:cut_n], pos[cut_p:], neg[cut_n:]
    return ObjectPairs(np.concatenate([train_pos, train_neg]), alternating_pairs(cut_p, cut_n, n_train),
                       np.concatenate([test_pos, test_neg]),
                       alternating_pairs(len(test_pos), len(test_neg), n_test), object_class)
