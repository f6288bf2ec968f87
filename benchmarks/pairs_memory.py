"""Benchmark: iterate EVERY pair of 2,000 MNIST images in batches of 256; print pairs/s and peak RSS.

The seed built every pair as a materialised array: 2,000^2 pairs x 2 images x 784 float32
pixels is ~25 GB. siamlab serves the same pairs as index batches and gathers images per batch.
Run: SIAMLAB_DATA_DIR=../shared/data .venv/bin/python benchmarks/pairs_memory.py
"""
from __future__ import annotations

import resource
import time

import numpy as np

from siamlab.data import AllPairs, load_mnist, take_pairs

N_IMAGES, BATCH = 2000, 256


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    data = load_mnist("test")
    images = data.images[:N_IMAGES].astype(np.float32) / 255.0
    labels = data.labels[:N_IMAGES]
    seed_bytes = len(images) ** 2 * 2 * images[0].size * 4
    print(f"data: {data.source}; {len(images)} images")
    print(f"the seed's way (every pair materialised, float32): {seed_bytes / 1e9:.1f} GB")
    print(f"peak RSS before iterating: {peak_rss_mb():.0f} MB")
    for shuffle in (False, True):
        pairs = AllPairs(labels, shuffle=shuffle, seed=0)
        start, seen, same = time.perf_counter(), 0, 0
        for batch in pairs.batches(BATCH):
            left, right = take_pairs(images, batch)  # the images a training step would get
            seen += len(left)
            same += int(batch.same.sum())
        elapsed = time.perf_counter() - start
        print(f"shuffle={shuffle}: {seen:,} pairs ({same / seen:.3f} same) in {elapsed:.1f} s = "
              f"{seen / elapsed:,.0f} pairs/s; peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
