"""metrics: accuracy at a threshold (both directions), ROC / AUC / EER, held-out accuracy, baseline."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlab import losses, metrics


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


# --- issue 11, item 1: the best threshold must give its own best accuracy ------------------------

def test_best_threshold_when_calling_every_pair_different_is_best():
    d, same = np.full(10, 0.7), np.r_[1, [0] * 9]
    roc = metrics.roc_analysis(d, same)
    assert roc.best_accuracy == 0.9 and roc.same_if == "below"
    assert metrics.pair_accuracy(d, same, roc.best_threshold, roc.same_if) == 0.9


def test_held_out_accuracy_of_a_collapsed_network_on_unbalanced_pairs():
    # 8.5 % same pairs and one distance for every pair: "all different" scores 0.915, not 0.085.
    same = (np.arange(2000) % 200 < 17).astype(int)
    accuracy, _ = metrics.held_out_accuracy(np.full(2000, 0.3), same, n_validation=1000)
    assert accuracy == pytest.approx(0.915)


DISTANCES = st.sampled_from([0.0, 0.1, 0.5, 0.7, 1.0, 2.5, 1e-300, -3.0]) | st.floats(-1e6, 1e6)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(DISTANCES, st.integers(0, 1)), min_size=2, max_size=40)
       .filter(lambda pairs: len({s for _, s in pairs}) == 2))
def test_best_threshold_reproduces_best_accuracy_exactly(pairs):
    d, same = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    roc = metrics.roc_analysis(d, same)
    assert metrics.pair_accuracy(d, same, roc.best_threshold, roc.same_if) == roc.best_accuracy
    every_cut = [metrics.pair_accuracy(d, same, t) for t in np.r_[d, np.nextafter(d, np.inf)]]
    assert roc.best_accuracy == max(every_cut)  # and no threshold does better


# --- issue 11, item 4: numbers where errors belong ---------------------------------------------------

@pytest.mark.parametrize("threshold", [float("nan"), np.float32("nan"), np.array(np.nan)])
def test_nan_threshold_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold must be in"):
        metrics.pair_accuracy(np.array([0.1, 0.9]), np.array([1, 0]), threshold)


@pytest.mark.parametrize("threshold", ["0.5", None, True, [0.5]])
def test_threshold_must_be_a_number(threshold):
    with pytest.raises(TypeError, match="threshold must be a number, got"):
        metrics.predict_same(np.array([0.1, 0.9]), threshold)


def test_infinite_and_numpy_thresholds_still_work():
    d, same = np.array([0.1, 0.9]), np.array([1, 0])
    assert metrics.pair_accuracy(d, same, np.inf) == 0.5
    assert metrics.pair_accuracy(d, same, np.float32(0.5)) == 1.0


@pytest.mark.parametrize("d, same", [(np.zeros((2, 2)), np.zeros(4)), (np.zeros(4), np.zeros((4, 1))),
                                     (np.zeros((4, 1)), np.zeros((4, 1))), (np.float64(0.3), np.int64(1))])
def test_metrics_refuse_inputs_that_are_not_1d(d, same):
    with pytest.raises(ValueError, match="must be 1-D arrays of equal length, got shapes"):
        metrics.pair_accuracy(d, same, 0.5)


@pytest.mark.parametrize("same", [np.array([2, 0, 0]), np.array([1, -1]), np.array([0.5, 1.0])])
def test_constant_baseline_refuses_labels_outside_0_1(same):
    with pytest.raises(ValueError, match=r"same must hold only 0 \(different\) and 1 \(same\)"):
        metrics.constant_baseline(same)


@pytest.mark.parametrize("n_validation", [2.0, True, "4"])
def test_held_out_accuracy_needs_an_int_split(n_validation):
    with pytest.raises(TypeError, match="n_validation must be an int, got"):
        metrics.held_out_accuracy(np.linspace(0, 1, 8), np.array([1, 0] * 4), n_validation)
