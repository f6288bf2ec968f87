"""benchmarks/keras_reference_stall.py, kept true: the keras.io reference example (our
reimplementation) stalls at seed 3, whose distance -> output weight starts negative, and the same seed
trains once only that weight's sign is flipped; a negative start is not sufficient: seed 1, whose weight
starts just below zero, trains. Notebook 06 cites the benchmark's table of 20 seeds; two epochs per run
here for seed 3 and one for seed 1 (about 15 s per epoch on 2 CPU cores). Deselect with ``-m "not full"``."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import REPO

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.full
sys.path.insert(0, str(REPO / "benchmarks"))
import keras_reference_stall as reference  # noqa: E402


@pytest.fixture
def data(real_mnist):
    from siamlab.data.mnist import load_mnist

    test = load_mnist("test")
    images = test.images.astype(np.float32)[..., None]
    rng = np.random.default_rng(0)
    return (reference.make_pairs(images[:8000], test.labels[:8000], rng),
            reference.make_pairs(images[8000:], test.labels[8000:], rng))


def test_the_seed_with_a_negative_head_weight_stalls_and_flipping_its_sign_trains(data):
    stalled = reference.run(3, 2, False, data)
    flipped = reference.run(3, 2, True, data)
    assert stalled["w_init"] < 0 and stalled["w_final"] < 0
    assert stalled["held_out"] < 0.6 and abs(stalled["loss"][-1] - 0.25) < 0.01   # chance, on the baseline
    assert flipped["held_out"] > 0.85   # the same seed, one sign flipped


def test_a_negative_start_near_zero_trains_anyway(data):
    near_zero = reference.run(1, 1, False, data)
    assert -0.1 < near_zero["w_init"] < 0 < near_zero["w_final"]   # the weight turned positive
    assert near_zero["held_out"] > 0.85
