"""seeding: seed_everything, the thread count it ran with, device()."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import run_python

from siamlab import seeding


def test_seed_everything_repeats_numpy_and_python_streams():
    import random

    seeding.seed_everything(7)
    a = (np.random.rand(3), random.random())
    seeding.seed_everything(7)
    b = (np.random.rand(3), random.random())
    assert np.array_equal(a[0], b[0]) and a[1] == b[1] and seeding.last_seed() == 7


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError),
                                         ("0", TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed must be"):
        seeding.seed_everything(seed)


def test_torch_is_seeded_and_deterministic_whichever_import_order():
    code = ("import siamlab; siamlab.seed_everything(3); import siamlab.torch, torch; a = torch.rand(2); "
            "siamlab.seed_everything(3); b = torch.rand(2); print(torch.equal(a, b), "
            "torch.are_deterministic_algorithms_enabled(), siamlab.device())")
    assert run_python(code).stdout.split() == ["True", "True", "cpu"]


def test_tensorflow_is_seeded_with_op_determinism():
    code = ("import siamlab, siamlab.tf, tensorflow as tf; print(siamlab.seed_everything(5)); "
            "a = tf.random.uniform((2,)); "
            "siamlab.seed_everything(5); b = tf.random.uniform((2,)); print(bool(tf.reduce_all(a == b)))")
    lines = run_python(code, TF_CPP_MIN_LOG_LEVEL="3").stdout.strip().splitlines()
    assert lines[-2] == "['python', 'numpy', 'tensorflow']" and lines[-1] == "True"


# --- issue 11, determinism: the thread count is part of a result -------------------------------------

def test_seed_everything_reports_the_torch_thread_count():
    code = ("import siamlab, siamlab.seeding as s, torch; torch.set_num_threads(1); "
            "a = siamlab.seed_everything(1); "
            "torch.set_num_threads(2); b = siamlab.seed_everything(1); "
            "print(a, a.threads, b.threads, s.threads(), a == ['python', 'numpy', 'torch']); "
            "print(s.describe_threads())")
    lines = run_python(code).stdout.strip().splitlines()
    assert lines[-2] == "['python', 'numpy', 'torch'] {'torch': 1} {'torch': 2} {'torch': 2} True"
    assert lines[-1] == "seeded with torch 2 threads; results repeat bitwise only at the same thread count"


def test_without_a_framework_no_thread_count_and_none_imported():
    code = ("import sys, siamlab, siamlab.seeding as s; r = siamlab.seed_everything(0); "
            "print(r, r.threads, s.threads(), 'torch' in sys.modules)")
    assert run_python(code).stdout.split("\n")[0] == "['python', 'numpy'] {} {} False"
