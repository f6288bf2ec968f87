"""Pairs per second of the TensorFlow asker's training step (eager, tf.map_fn) vs the fixed step
(vectorised loss, tf.function), on the same batches. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/tf_speed.py [batch_size ...]
"""
from __future__ import annotations

import sys
import time

import numpy as np

import siamlab

siamlab.seed_everything(0)
import tensorflow as tf  # noqa: E402

import siamlab.tf  # noqa: E402,F401  (applies the seed)
from siamlab.tf import Encoder, asker, make_step  # noqa: E402
from siamlab.tf.every_pair import asker_data, asker_step, on_stacked_pairs  # noqa: E402


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
    x, y, source = asker_data(40)
    print(f"data: {source}; {len(y)} pairs")
    for bs in batch_sizes:
        steps = {
            "asker eager": asker_step(asker.Encoder(), compiled=False),
            "asker tf.function": asker_step(asker.Encoder(), compiled=True),
            "fixed tf.function": on_stacked_pairs(make_step(Encoder(l2=0.01),
                                                  tf.keras.optimizers.Adam(1e-3))),
        }
        rates = {name: pairs_per_second(step, x, y, bs) for name, step in steps.items()}
        line = "  ".join(f"{name}: {rate:8,.0f} pairs/s" for name, rate in rates.items())
        speedup = rates["fixed tf.function"] / rates["asker eager"]
        print(f"batch {bs:4d}  {line}  fixed/asker-eager: {speedup:.1f}x")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [32, 128])
