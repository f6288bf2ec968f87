"""Pairs per second of seed 1's training step (eager, tf.map_fn) vs the fixed step
(vectorised loss, tf.function), on the same batches. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/tf_speed.py [batch_size ...]
"""
from __future__ import annotations

import sys
import time

import numpy as np

import siamlab

siamlab.seed_everything(0)
import siamlab.tf  # noqa: E402,F401  (applies the seed)
from siamlab.tf import reproduce, seed  # noqa: E402
from siamlab.tf.models import Encoder  # noqa: E402


def pairs_per_second(step, x: np.ndarray, y: np.ndarray, batch_size: int, seconds: float = 3.0) -> float:
    """Run ``step`` on consecutive batches for about ``seconds`` after one warm-up call."""
    step(x[:batch_size], y[:batch_size])
    done, start, k = 0, time.perf_counter(), 1
    while time.perf_counter() - start < seconds:
        lo = (k * batch_size) % (len(y) - batch_size)
        step(x[lo:lo + batch_size], y[lo:lo + batch_size])
        done, k = done + batch_size, k + 1
    return done / (time.perf_counter() - start)


def main(batch_sizes: list[int]) -> None:
    x, y, source = reproduce.seed_data(40)
    print(f"data: {source}; {len(y)} pairs")
    for bs in batch_sizes:
        steps = {
            "seed eager": reproduce.seed_step(seed.Encoder(), compiled=False),
            "seed tf.function": reproduce.seed_step(seed.Encoder(), compiled=True),
            "fixed tf.function": reproduce.fixed_loss_step(Encoder(), regularization=True),
        }
        rates = {name: pairs_per_second(step, x, y, bs) for name, step in steps.items()}
        line = "  ".join(f"{name}: {rate:8,.0f} pairs/s" for name, rate in rates.items())
        print(f"batch {bs:4d}  {line}  fixed/seed-eager: {rates['fixed tf.function'] / rates['seed eager']:.1f}x")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [32, 128])
