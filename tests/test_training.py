"""siamlab.training: the shared half of both trainers (batches per epoch, baselines, records)."""
import math

import numpy as np
import pytest

from siamlab import training
from siamlab.data.pairs import BalancedPairs, PairBatch

PAIRS = PairBatch(np.arange(10), np.arange(10)[::-1].copy(), (np.arange(10) % 2).astype(np.uint8))


def test_a_fixed_pair_list_is_one_pass_per_epoch_in_order_or_shuffled():
    rng = np.random.default_rng(0)
    in_order = list(training.epoch_batches(PAIRS, 4, None, False, rng))
    assert [len(b) for b in in_order] == [4, 4, 2]
    assert np.concatenate([b.left for b in in_order]).tolist() == list(range(10))
    shuffled = np.concatenate([b.left for b in training.epoch_batches(PAIRS, 4, None, True, rng)])
    assert sorted(shuffled.tolist()) == list(range(10)) and shuffled.tolist() != list(range(10))
    capped = training.epoch_batches(PAIRS, 4, 1, False, rng)  # steps_per_epoch caps the pass
    assert sum(len(b) for b in capped) == 4


def test_a_sampler_draws_fresh_batches_and_needs_a_step_count():
    sampler = BalancedPairs(np.repeat([0, 1], 5), seed=0)
    batches = list(training.epoch_batches(sampler, 6, 3, True, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [6, 6, 6] and all(b.same.sum() == 3 for b in batches)
    with pytest.raises(ValueError, match="steps_per_epoch is required"):
        next(training.epoch_batches(sampler, 6, None, True, np.random.default_rng(0)))


def test_random_batches_cycle_past_one_epoch():
    batches = list(training.random_batches(PAIRS, 8, 5, np.random.default_rng(0)))
    assert len(batches) == 5 and all(len(b) == 8 for b in batches)


@pytest.mark.parametrize("share", [0.1, 0.5, 0.9])
def test_constant_baselines_are_the_best_constant_outputs(share):
    outputs = np.linspace(0, 2, 20001)
    contrastive = share * outputs**2 + (1 - share) * np.maximum(0, 1 - outputs) ** 2
    assert training.constant_baseline("distance", share) == pytest.approx(contrastive.min(), abs=1e-6)
    p = 1 / (1 + np.exp(-np.linspace(-8, 8, 20001)))
    bce = -(share * np.log(p) + (1 - share) * np.log(1 - p))
    assert training.constant_baseline("logit", share) == pytest.approx(bce.min(), abs=1e-6)
    assert training.constant_baseline("logit", 0.5) == pytest.approx(math.log(2))


def test_decisions_read_distances_and_logits_the_right_way_round():
    assert training.decide_same(np.array([0.1, 0.6]), "distance").tolist() == [1, 0]
    assert training.decide_same(np.array([-1.0, 2.0]), "logit").tolist() == [0, 1]
    with pytest.raises(ValueError, match="head must be one of"):
        training.decide_same(np.zeros(2), "cosine")


def test_epoch_meter_averages_batches_and_counts_hits():
    meter = training.EpochMeter()
    meter.add(1.0, 0.5, np.array([1, 0]), np.array([1, 1]))
    meter.add(3.0, 1.5, np.array([1, 1]), np.array([1, 1]))
    assert meter.record() == {"loss": 2.0, "data_loss": 1.0, "train_accuracy": 0.75}
    with pytest.raises(ValueError, match="no batches"):
        training.EpochMeter().record()


def test_images_must_be_uint8_n_h_w():
    with pytest.raises(ValueError, match=r"expected images \(N, H, W\) uint8, got shape \(2, 3\)"):
        training.check_images(np.zeros((2, 3), np.uint8))


def test_pair_lists_that_pair_images_with_themselves_are_refused():
    images = np.zeros((10, 4, 4), np.uint8)
    training.check_pairs_for(images, PAIRS)  # 9 <-> 0, 8 <-> 1, ...: no image meets itself
    buggy = PairBatch(PAIRS.left, PAIRS.left.copy(), PAIRS.same)
    with pytest.raises(ValueError, match="100% of the pairs show the same image in both branches"):
        training.check_pairs_for(images, buggy)
    with pytest.raises(ValueError, match=r"pair indices must lie in \[0, 5\)"):
        training.check_pairs_for(images[:5], PAIRS)
