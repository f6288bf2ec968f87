"""Prints the explorers' speed: threshold-slider redraw on 10,000 pairs, t-SNE of 2,000 embeddings.

Targets (issue): a slider move <= 200 ms, t-SNE <= 30 s on a CPU. Printed, never asserted.
"""
from __future__ import annotations

import time

import numpy as np

from siamlab.viz import DistanceExplorer, EmbeddingExplorer, project


def main() -> None:
    rng = np.random.default_rng(0)
    same = rng.integers(0, 2, 10_000)
    distances = np.abs(rng.normal(1 - 0.6 * same, 0.3))
    start = time.perf_counter()
    explorer = DistanceExplorer(distances, same)
    build = time.perf_counter() - start
    times = []
    for t in np.linspace(0.1, 1.5, 20):
        start = time.perf_counter()
        explorer.set_threshold(t)
        explorer.png()  # what a live widget sends: the redrawn figure as PNG
        times.append(time.perf_counter() - start)
    print(f"distance explorer, 10,000 pairs: build {build * 1000:.0f} ms, slider move + redraw "
          f"median {np.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (target <= 200 ms)")

    labels = np.repeat(np.arange(10), 200)
    embeddings = rng.normal(size=(10, 16))[labels] * 2 + rng.normal(size=(2000, 16))
    explorer = EmbeddingExplorer({e: embeddings * (e + 1) for e in range(5)}, labels,
                                 rng.random((2000, 28, 28)))
    times = []
    for e in [0, 1, 2, 3, 4] * 2:
        start = time.perf_counter()
        explorer.set_epoch(e)
        explorer.png()
        times.append(time.perf_counter() - start)
    print("embedding explorer, 2,000 points: epoch slider move + redraw "
          f"median {np.median(times) * 1000:.0f} ms")
    start = time.perf_counter()
    project(embeddings, "tsne")
    print(f"t-SNE of 2,000 x 16 embeddings: {time.perf_counter() - start:.1f} s (target <= 30 s)")


if __name__ == "__main__":
    main()
