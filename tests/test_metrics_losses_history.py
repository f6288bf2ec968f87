"""Core numpy pieces: decision metrics, reference losses, the History record."""
import json

import numpy as np
import pytest

from siamlab import losses, metrics
from siamlab.history import History


# --- metrics ----------------------------------------------------------------------------------

def test_accuracy_direction_matters():
    d, same = np.array([0.1, 0.2, 0.9, 1.2]), np.array([1, 1, 0, 0])
    assert metrics.pair_accuracy(d, same, 0.5) == 1.0
    assert metrics.pair_accuracy(d, same, 0.5, same_if="above") == 0.0  # seed 1's metric


def test_confusion_rows_true_columns_predicted():
    d, same = np.array([0.1, 0.9, 0.2, 0.8]), np.array([1, 1, 0, 0])
    assert metrics.pair_confusion(d, same, 0.5).tolist() == [[1, 1], [1, 1]]


def test_roc_on_separable_pairs_finds_a_perfect_threshold():
    rng = np.random.default_rng(0)
    d = np.concatenate([rng.uniform(0, 0.4, 50), rng.uniform(0.6, 1.5, 50)])
    same = np.repeat([1, 0], 50)
    roc = metrics.roc_analysis(d, same)
    assert roc.auc == 1.0 and roc.eer == 0.0 and roc.best_accuracy == 1.0
    assert metrics.pair_accuracy(d, same, roc.best_threshold) == 1.0


def test_roc_best_threshold_reproduces_best_accuracy_on_overlap():
    rng = np.random.default_rng(1)
    d = np.concatenate([rng.normal(0.5, 0.3, 300), rng.normal(1.0, 0.3, 300)])
    same = np.repeat([1, 0], 300)
    roc = metrics.roc_analysis(d, same)
    assert 0.7 < roc.best_accuracy < 0.9 and 0.0 < roc.eer < 0.35
    assert metrics.pair_accuracy(d, same, roc.best_threshold) == pytest.approx(roc.best_accuracy)


@pytest.mark.parametrize("d, same, message", [
    (np.zeros(3), np.zeros(2), "equal length, got"),
    (np.zeros(2), np.array([0, 2]), "only 0 .* and 1"),
    (np.array([0.0, np.nan]), np.array([0, 1]), "must be finite"),
    (np.zeros(0), np.zeros(0), "at least one pair"),
])
def test_metrics_reject_bad_input(d, same, message):
    with pytest.raises(ValueError, match=message):
        metrics.pair_accuracy(d, same, 0.5)


def test_roc_needs_both_kinds_and_direction_is_checked():
    with pytest.raises(ValueError, match="both same"):
        metrics.roc_analysis(np.array([0.1, 0.2]), np.array([1, 1]))
    with pytest.raises(ValueError, match="same_if must be 'below' or 'above'"):
        metrics.predict_same(np.zeros(2), 0.5, same_if="left")


def test_held_out_accuracy_chooses_threshold_on_validation_only():
    # Validation pairs separate at 0.5; the held-out pairs would prefer 0.8, so a threshold
    # chosen on them would score 1.0. Chosen on validation, it scores what 0.5 gives: 0.5.
    d = np.array([0.2, 0.3, 0.7, 0.8, 0.6, 0.7, 0.9, 0.95])
    same = np.array([1, 1, 0, 0, 1, 1, 0, 0])
    accuracy, threshold = metrics.held_out_accuracy(d, same, n_validation=4)
    assert 0.3 < threshold <= 0.7
    assert accuracy == metrics.pair_accuracy(d[4:], same[4:], threshold) == 0.5
    assert metrics.pair_accuracy(d[4:], same[4:], 0.8) == 1.0


@pytest.mark.parametrize("n_validation", [0, 8, -1])
def test_held_out_accuracy_needs_pairs_on_both_sides(n_validation):
    with pytest.raises(ValueError, match=r"expected 0 < n_validation < 8, got " + str(n_validation)):
        metrics.held_out_accuracy(np.linspace(0, 1, 8), np.array([1, 0] * 4), n_validation)


def test_constant_baseline_is_p_times_one_minus_p():
    assert metrics.constant_baseline(np.array([1, 0, 0, 0])) == pytest.approx(0.1875)
    d_best = np.full(4, 1 - 0.25)  # the best constant distance
    assert losses.contrastive_loss(d_best, np.array([1, 0, 0, 0])) == pytest.approx(0.1875)


# --- reference losses -------------------------------------------------------------------------

def test_contrastive_loss_by_hand():
    d, y = np.array([0.0, 0.5, 0.5, 2.0]), np.array([1, 1, 0, 0])
    assert losses.contrastive_loss(d, y) == pytest.approx((0 + 0.25 + 0.25 + 0) / 4)
    assert losses.contrastive_loss(d, y, margin=3.0) == pytest.approx((0 + 0.25 + 6.25 + 1) / 4)


def test_seed_loss_ignores_each_pairs_own_label():
    d = np.array([0.2, 0.9, 0.4])
    y1, y2 = np.array([1, 0, 0]), np.array([0, 0, 1])  # same share p, labels moved around
    assert losses.seed_contrastive_loss(d, y1) == pytest.approx(losses.seed_contrastive_loss(d, y2))
    p = 1 / 3
    expected = np.mean(p * d**2 + (1 - p) * np.maximum(0, 1 - d) ** 2)
    assert losses.seed_contrastive_loss(d, y1) == pytest.approx(expected)


def test_euclidean_distance_and_bad_shapes():
    assert losses.euclidean_distance(np.array([[3.0, 4.0]]), np.array([[0.0, 0.0]])).tolist() == [5.0]
    with pytest.raises(ValueError, match=r"equal shape, got \(1, 2\) and \(1, 3\)"):
        losses.euclidean_distance(np.zeros((1, 2)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"both be \(B,\), got \(2,\) and \(3,\)"):
        losses.contrastive_loss(np.zeros(2), np.zeros(3))


# --- history -------------------------------------------------------------------------------------

def test_history_logs_notifies_and_round_trips(tmp_path):
    history, calls = History("run", baseline=0.25), []
    history.subscribe(lambda h: calls.append(len(h.records)))
    history.log(0, loss=np.float32(0.7), accuracy=0.5)
    history.log(1, loss=0.3)
    assert calls == [1, 2] and history.keys() == ["loss", "accuracy"]
    epochs, values = history.series("loss")
    assert epochs.tolist() == [0, 1] and values == pytest.approx([0.7, 0.3]) and history.last("accuracy") == 0.5
    history.save_json(tmp_path / "h.json")
    loaded = History.load_json(tmp_path / "h.json")
    assert loaded.records == history.records and loaded.baseline == 0.25
    json.loads((tmp_path / "h.json").read_text())


def test_history_rejects_unknown_metric_and_non_numbers():
    history = History("run")
    history.log(0, loss=1.0)
    with pytest.raises(KeyError, match="has no metric 'acc'; it has \\['loss'\\]"):
        history.series("acc")
    with pytest.raises((TypeError, ValueError)):
        history.log(1, loss="high")


def test_history_snapshots_keep_arrays():
    history = History("run")
    history.snapshot(3, embeddings=[[0, 1], [1, 0]], labels=[0, 1])
    assert history.snapshots[3]["embeddings"].shape == (2, 2)
