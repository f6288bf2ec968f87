"""Seeding and device choice that work whichever frameworks are installed.

``seed_everything`` never imports a framework itself: it seeds the ones already imported and
remembers the seed, and ``siamlab.torch`` / ``siamlab.tf`` apply it when they are imported.
That keeps a PyTorch notebook from loading TensorFlow (seconds and ~0.5 GB) just to seed it.
"""
from __future__ import annotations

import os
import random
import sys

import numpy as np

_last_seed: int | None = None


def seed_everything(seed: int) -> list[str]:
    """Seed python, numpy and every imported framework; turn on deterministic ops.

    Returns the names of what was seeded, e.g. ``['python', 'numpy', 'torch']``.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not 0 <= int(seed) < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    global _last_seed
    _last_seed = int(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)  # for subprocesses; this one is already running
    random.seed(seed)
    np.random.seed(seed)
    seeded = ["python", "numpy"]
    if "torch" in sys.modules:
        seed_torch(_last_seed)
        seeded.append("torch")
    if "tensorflow" in sys.modules:
        seed_tensorflow(_last_seed)
        seeded.append("tensorflow")
    return seeded


def last_seed() -> int | None:
    """The seed given to the last ``seed_everything`` call (None before any)."""
    return _last_seed


def seed_torch(seed: int) -> None:
    """Seed torch (CPU and CUDA) and ask for deterministic kernels."""
    import torch

    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def seed_tensorflow(seed: int) -> None:
    """Seed TensorFlow/Keras (python, numpy and tf generators) and enable op determinism."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def device():
    """The ``torch.device`` to use: CUDA when a GPU is visible, else CPU (imports torch)."""
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
