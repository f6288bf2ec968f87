"""The package as a whole: light import, seeding, device, `python -m siamlab info`."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO

from siamlab import seeding


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **env}, timeout=300)


def test_import_siamlab_loads_no_framework_and_is_fast():
    code = ("import sys, time; t = time.perf_counter(); import siamlab; dt = time.perf_counter() - t; "
            "import siamlab.data, siamlab.metrics, siamlab.history, siamlab.losses, siamlab.viz, siamlab.info; "
            "print('torch' in sys.modules, 'tensorflow' in sys.modules, 'keras' in sys.modules, dt)")
    out = run_python(code).stdout.split()
    assert out[:3] == ["False", "False", "False"]
    assert float(out[3]) < 1.0


def test_seed_everything_repeats_numpy_and_python_streams():
    import random

    seeding.seed_everything(7)
    a = (np.random.rand(3), random.random())
    seeding.seed_everything(7)
    b = (np.random.rand(3), random.random())
    assert np.array_equal(a[0], b[0]) and a[1] == b[1] and seeding.last_seed() == 7


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), ("0", TypeError)])
def test_seed_everything_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed must be"):
        seeding.seed_everything(seed)


def test_torch_is_seeded_and_deterministic_whichever_import_order():
    code = ("import siamlab; siamlab.seed_everything(3); import siamlab.torch, torch; a = torch.rand(2); "
            "siamlab.seed_everything(3); b = torch.rand(2); print(torch.equal(a, b), "
            "torch.are_deterministic_algorithms_enabled(), siamlab.device())")
    assert run_python(code).stdout.split() == ["True", "True", "cpu"]


def test_tensorflow_is_seeded_with_op_determinism():
    code = ("import siamlab, siamlab.tf, tensorflow as tf; print(siamlab.seed_everything(5)); a = tf.random.uniform((2,)); "
            "siamlab.seed_everything(5); b = tf.random.uniform((2,)); print(bool(tf.reduce_all(a == b)))")
    lines = run_python(code, TF_CPP_MIN_LOG_LEVEL="3").stdout.strip().splitlines()
    assert lines[-2] == "['python', 'numpy', 'tensorflow']" and lines[-1] == "True"


def test_cli_rejects_unknown_commands():
    result = subprocess.run([sys.executable, "-m", "siamlab", "reproduce", "keras-seed"],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 2 and "invalid choice: 'keras-seed'" in result.stderr
