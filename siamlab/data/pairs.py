"""Pairs of images as index batches: every pair lazily, or balanced random pairs.

Label convention (the seeds' own): ``same = 1`` when both images have the same class,
``0`` otherwise. Note that Hadsell, Chopra and LeCun (2006), who introduced the contrastive
loss, use the opposite (Y = 0 for similar pairs); formulas here are written for 1 = same.

Only indices are produced (int64 arrays); ``take_pairs`` gathers the images with numpy and
the framework subpackages turn batches into tensors. Memory is O(batch), never O(pairs).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from siamlab.validate import number_in, positive_int


@dataclass(frozen=True)
class PairBatch:
    """Indices of the left and right images of each pair, and 1 = same class / 0 = different."""

    left: np.ndarray
    right: np.ndarray
    same: np.ndarray

    def __len__(self) -> int:
        return len(self.left)

    def __getitem__(self, index: slice | np.ndarray) -> PairBatch:
        """The pairs at ``index`` (a slice or an index array), as a smaller batch."""
        return PairBatch(self.left[index], self.right[index], self.same[index])


def _check_labels(labels: np.ndarray) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be one-dimensional (N,), got shape {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    return labels


def _make_batch(labels: np.ndarray, left: np.ndarray, right: np.ndarray) -> PairBatch:
    same = (labels[left] == labels[right]).astype(np.uint8)
    return PairBatch(left=left.astype(np.int64), right=right.astype(np.int64), same=same)


def take_pairs(images: np.ndarray, batch: PairBatch) -> tuple[np.ndarray, np.ndarray]:
    """The left and right images of a batch, each (B, *image_shape)."""
    return images[batch.left], images[batch.right]


class _LazyPermutation:
    """A pseudo-random permutation of range(n) computed on the fly (O(1) memory).

    A 4-round Feistel network over the next power of four, with cycle walking to stay below n.
    """

    def __init__(self, n: int, seed: int):
        self.n = n
        self.half_bits = max(1, (int(n - 1).bit_length() + 1) // 2)
        self.mask = (1 << self.half_bits) - 1
        keys = np.random.default_rng(seed).integers(1, 2**31, size=4, dtype=np.uint64)
        self.keys = [np.uint64(k) for k in keys]

    def _round(self, x: np.ndarray, key: np.uint64) -> np.ndarray:
        h = (x * np.uint64(0x9E3779B1) + key) & np.uint64(0xFFFFFFFF)
        h ^= h >> np.uint64(15)
        h = (h * np.uint64(0x85EBCA6B)) & np.uint64(0xFFFFFFFF)
        h ^= h >> np.uint64(13)
        return h & np.uint64(self.mask)

    def _encrypt(self, x: np.ndarray) -> np.ndarray:
        bits = np.uint64(self.half_bits)
        left, right = x >> bits, x & np.uint64(self.mask)
        for key in self.keys:
            left, right = right, left ^ self._round(right, key)
        return (left << bits) | right

    def __call__(self, k: np.ndarray) -> np.ndarray:
        out = self._encrypt(k.astype(np.uint64))
        outside = out >= np.uint64(self.n)
        while outside.any():  # cycle walking: re-encrypt until inside range(n)
            out[outside] = self._encrypt(out[outside])
            outside = out >= np.uint64(self.n)
        return out.astype(np.int64)


class AllPairs:
    """Every ordered pair (i, j) of N images, as the seed built it, served lazily in batches.

    With ``self_pairs=False`` there are N(N-1) pairs (i != j), else N^2. With ``shuffle=True``
    each epoch visits every pair exactly once in a seeded pseudo-random order.
    """

    def __init__(self, labels: np.ndarray, *, self_pairs: bool = False, shuffle: bool = False, seed: int = 0):
        self.labels = _check_labels(labels)
        n = len(self.labels)
        if n < (1 if self_pairs else 2):
            raise ValueError(f"need at least {1 if self_pairs else 2} images for pairs, got {n}")
        self.n_images = n
        self.self_pairs = self_pairs
        self.shuffle = shuffle
        self.seed = positive_int("seed", seed, minimum=0)  # checked here, not at the first next()

    def __len__(self) -> int:
        n = self.n_images
        return n * n if self.self_pairs else n * (n - 1)

    def pair_at(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Map linear pair numbers (0 <= k < len) to (left, right) image indices, row by row."""
        k = np.asarray(k, dtype=np.int64)
        if self.self_pairs:
            return k // self.n_images, k % self.n_images
        left, rest = k // (self.n_images - 1), k % (self.n_images - 1)
        return left, rest + (rest >= left)

    def batches(self, batch_size: int, epoch: int = 0) -> Iterator[PairBatch]:
        """Yield ``PairBatch`` es of ``batch_size`` pairs (the last may be shorter)."""
        batch_size = positive_int("batch_size", batch_size)
        total = len(self)
        epoch_seed = int(np.random.SeedSequence([self.seed, epoch]).generate_state(1)[0])
        order = _LazyPermutation(total, seed=epoch_seed) if self.shuffle else None
        for start in range(0, total, batch_size):
            k = np.arange(start, min(start + batch_size, total), dtype=np.int64)
            if order is not None:
                k = order(k)
            yield _make_batch(self.labels, *self.pair_at(k))

    def n_batches(self, batch_size: int) -> int:
        """How many batches ``batches(batch_size)`` yields."""
        return -(-len(self) // positive_int("batch_size", batch_size))


class BalancedPairs:
    """Random pairs with a fixed share of "same" pairs (default one half), deterministic by seed.

    Each batch holds exactly ``round(batch_size * same_fraction)`` same-class pairs, in random
    positions. Anchors are drawn uniformly; partners uniformly within (or outside) the class.

    A different-class partner is first drawn from all images and redrawn on a clash (at most
    ``MAX_REDRAWS`` rounds, which keeps the seeded stream of earlier versions, so recorded
    numbers stay the same), then, for the few pairs still clashing, drawn directly from the
    images outside the anchor's class (per-class index arrays). The work per batch is thus
    O(batch) even under heavy class imbalance, where redrawing alone would take O(N) per pair.
    """

    MAX_REDRAWS = 256

    def __init__(self, labels: np.ndarray, *, same_fraction: float = 0.5, self_pairs: bool = False,
                 seed: int = 0):
        self.labels = _check_labels(labels)
        same_fraction = number_in("same_fraction", same_fraction, 0, 1)  # True is not 1.0
        classes, counts = np.unique(self.labels, return_counts=True)
        if same_fraction < 1.0 and len(classes) < 2:
            raise ValueError(f"different-class pairs need at least 2 classes, got {len(classes)}: {classes}")
        min_size = 1 if self_pairs else 2
        if same_fraction > 0.0 and counts.max() < min_size:
            raise ValueError(f"same-class pairs need a class with at least {min_size} images, "
                             f"got sizes {counts}")
        self.same_fraction = same_fraction
        self.self_pairs = self_pairs
        self.rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
        # Images grouped by class: class c owns by_class[start[c] : start[c] + size[c]].
        self.by_class = np.argsort(self.labels, kind="stable")
        class_of = np.searchsorted(classes, self.labels)
        self.start = np.concatenate([[0], np.cumsum(counts)[:-1]])[class_of]  # per image
        self.size = counts[class_of]  # per image: size of its class
        self.rank = np.empty(len(self.labels), dtype=np.int64)  # position inside its class
        self.rank[self.by_class] = np.arange(len(self.labels)) - np.repeat(np.cumsum(counts) - counts, counts)
        self.same_anchor_pool = np.flatnonzero(self.size >= min_size)

    def sample(self, n_pairs: int) -> PairBatch:
        """One batch of ``n_pairs`` pairs."""
        n_pairs = positive_int("n_pairs", n_pairs)
        rng, labels = self.rng, self.labels
        n_same = int(round(n_pairs * self.same_fraction))
        # Same-class pairs: a partner drawn uniformly from the anchor's class (minus itself).
        anchor = rng.choice(self.same_anchor_pool, size=n_same)
        if self.self_pairs:
            pick = rng.integers(0, self.size[anchor])
        else:
            pick = rng.integers(0, self.size[anchor] - 1)
            pick = pick + (pick >= self.rank[anchor])
        partner = self.by_class[self.start[anchor] + pick]
        # Different-class pairs: redraw clashing partners a bounded number of times, then draw
        # the rest directly among the images outside the anchor's class.
        other_anchor = rng.integers(len(labels), size=n_pairs - n_same)
        other = rng.integers(len(labels), size=len(other_anchor))
        clash = np.flatnonzero(labels[other] == labels[other_anchor])
        for _ in range(self.MAX_REDRAWS):
            if not len(clash):
                break
            other[clash] = rng.integers(len(labels), size=len(clash))
            clash = clash[labels[other[clash]] == labels[other_anchor[clash]]]
        if len(clash):
            anchor_of = other_anchor[clash]
            pick = rng.integers(0, len(labels) - self.size[anchor_of])  # a position outside the class
            pick = pick + self.size[anchor_of] * (pick >= self.start[anchor_of])
            other[clash] = self.by_class[pick]
        left = np.concatenate([anchor, other_anchor])
        right = np.concatenate([partner, other])
        order = rng.permutation(n_pairs)
        return _make_batch(labels, left[order], right[order])

    def batches(self, batch_size: int, n_batches: int) -> Iterator[PairBatch]:
        """Yield ``n_batches`` fresh batches."""
        for _ in range(n_batches):
            yield self.sample(batch_size)
