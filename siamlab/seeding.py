"""Seeding and device choice that work whichever frameworks are installed.

``seed_everything`` never imports a framework itself: it seeds the ones already imported and
remembers the seed, and ``siamlab.torch`` / ``siamlab.tf`` apply it when they are imported.
That keeps a PyTorch notebook from loading TensorFlow (seconds and ~0.5 GB) just to seed it.

Determinism has one more input: the CPU thread count. torch runs are bitwise repeatable only at
the same thread count (1 and 2 threads differ in the 8th digit). So ``seed_everything`` still
returns the list of names it seeded (``['python', 'numpy', 'torch']``, printed by notebooks), as
a ``Seeded`` list that also carries ``.threads``, e.g. ``{'torch': 2}``: the thread count each
imported framework ran with. ``threads()`` gives the same for the last call, and
``describe_threads()`` a line to print beside recorded numbers.
"""
from __future__ import annotations

import os
import random
import sys

import numpy as np

from siamlab.validate import positive_int

_last_seed: int | None = None
_last_threads: dict[str, int] = {}


class Seeded(list):
    """The names seeded (a plain list to print and compare) and ``threads``: framework -> CPU threads."""

    def __init__(self, names: list[str], threads: dict[str, int]):
        super().__init__(names)
        self.threads = dict(threads)


def seed_everything(seed: int) -> Seeded:
    """Seed python, numpy and every imported framework; turn on deterministic ops.

    Returns the names of what was seeded, e.g. ``['python', 'numpy', 'torch']``, with ``.threads``
    holding the CPU thread count of each imported framework (see ``threads()``).
    """
    seed = positive_int("seed", seed, minimum=0)
    if seed >= 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    global _last_seed, _last_threads
    _last_seed = seed
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
    _last_threads = _thread_counts()
    return Seeded(seeded, _last_threads)


def _thread_counts() -> dict[str, int]:
    """CPU threads of the frameworks already imported (none is imported here)."""
    counts = {}
    if "torch" in sys.modules:
        counts["torch"] = int(sys.modules["torch"].get_num_threads())
    if "tensorflow" in sys.modules:
        threading = sys.modules["tensorflow"].config.threading
        counts["tensorflow"] = int(threading.get_intra_op_parallelism_threads()) or (os.cpu_count() or 1)
    return counts


def threads() -> dict[str, int]:
    """The CPU thread count of each framework at the last ``seed_everything`` call ({} before any)."""
    return dict(_last_threads)


def describe_threads() -> str:
    """A line to print with recorded numbers: the thread counts they were measured with."""
    if not _last_threads:
        return "no framework seeded yet; torch results repeat bitwise only at the same thread count"
    counts = ", ".join(f"{name} {n} thread{'s' if n != 1 else ''}" for name, n in _last_threads.items())
    return f"seeded with {counts}; results repeat bitwise only at the same thread count"


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
