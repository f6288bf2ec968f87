"""losses: the numpy reference formulas both framework tracks test against."""
import numpy as np
import pytest

from siamlab import losses


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
