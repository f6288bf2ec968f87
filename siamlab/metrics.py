"""From pair distances to decisions: accuracy at a threshold, ROC, AUC, EER (scikit-learn).

A Siamese network that outputs a distance should call a pair "same" when the distance is
SMALL (``same_if="below"``). Seed 1 used ``binary_accuracy(labels, distance)``, which calls
a pair "same" when the distance is ABOVE 0.5 (``same_if="above"``): the inverted metric.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from siamlab.validate import number_in


def _check(distances: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    distances, same = np.asarray(distances), np.asarray(same)
    if distances.ndim != 1 or same.ndim != 1 or len(distances) != len(same):
        raise ValueError(f"distances and same must be 1-D arrays of equal length, got shapes "
                         f"{distances.shape} and {same.shape}")
    distances = distances.astype(np.float64)
    if len(same) == 0:
        raise ValueError("need at least one pair, got 0")
    if not np.isin(same, (0, 1)).all():
        raise ValueError(f"same must hold only 0 (different) and 1 (same), got values {np.unique(same)[:10]}")
    if not np.isfinite(distances).all():
        bad = int((~np.isfinite(distances)).sum())
        raise ValueError(f"distances must be finite, got {bad} NaN/inf values")
    return distances, same.astype(np.int64)


def _threshold(threshold: object) -> float:
    """A threshold as a float; NaN (which would call every pair "different") is refused."""
    if isinstance(threshold, np.ndarray) and threshold.ndim == 0:
        threshold = threshold.item()
    return number_in("threshold", threshold, -np.inf, np.inf)


def predict_same(distances: np.ndarray, threshold: float, same_if: str = "below") -> np.ndarray:
    """1 where a pair is predicted "same": distance < threshold ("below") or > it ("above")."""
    if same_if not in ("below", "above"):
        raise ValueError(f"same_if must be 'below' or 'above', got {same_if!r}")
    threshold = _threshold(threshold)
    distances = np.asarray(distances, dtype=np.float64)
    return (distances < threshold if same_if == "below" else distances > threshold).astype(np.int64)


def pair_accuracy(distances: np.ndarray, same: np.ndarray, threshold: float, same_if: str = "below") -> float:
    """Share of pairs whose prediction at ``threshold`` matches ``same`` (1 = same)."""
    distances, same = _check(distances, same)
    return float((predict_same(distances, threshold, same_if) == same).mean())


def pair_confusion(distances: np.ndarray, same: np.ndarray, threshold: float,
                   same_if: str = "below") -> np.ndarray:
    """2x2 counts: rows true (different, same), columns predicted (different, same)."""
    from sklearn.metrics import confusion_matrix  # imported here: sklearn.metrics takes ~1 s to load

    distances, same = _check(distances, same)
    return confusion_matrix(same, predict_same(distances, threshold, same_if), labels=[0, 1])


@dataclass(frozen=True)
class RocResult:
    """ROC of "same" vs distance, with the summary numbers a student needs."""

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray  # distance thresholds, "same" when distance < threshold
    auc: float
    eer: float  # equal error rate: where false accepts = false rejects
    eer_threshold: float
    best_threshold: float  # the threshold of highest accuracy on these pairs, applied with same_if
    best_accuracy: float
    same_if: str = "below"  # the direction best_threshold is meant for: "same" when distance < it


def roc_analysis(distances: np.ndarray, same: np.ndarray) -> RocResult:
    """ROC, AUC, EER and the accuracy-maximising threshold for distance-based "same" decisions."""
    from sklearn.metrics import auc, roc_curve

    distances, same = _check(distances, same)
    if len(np.unique(same)) < 2:
        raise ValueError("ROC needs both same (1) and different (0) pairs, got only one kind")
    fpr, tpr, score_thresholds = roc_curve(same, -distances)  # small distance = high score
    thresholds = -score_thresholds  # "same" when -d >= s, i.e. d <= -s
    fnr = 1 - tpr
    i = int(np.argmin(np.abs(fnr - fpr)))
    n_pos, n_neg = int(same.sum()), int(len(same) - same.sum())
    # Counts, not rates, so that best_accuracy is exactly what pair_accuracy computes.
    correct = np.rint(tpr * n_pos) + np.rint((1 - fpr) * n_neg)
    accuracies = correct / len(same)
    best = int(np.argmax(accuracies))
    # roc_curve's thresholds are inclusive (d <= t); nudge so that "d < t" gives the same split.
    # Its first threshold is "no pair is same" (score +inf, distance -inf): then no distance may
    # be below the threshold, so the smallest distance is the threshold.
    if np.isfinite(thresholds[best]):
        best_threshold = float(np.nextafter(thresholds[best], np.inf))
    else:
        best_threshold = float(distances.min())
    return RocResult(
        fpr=fpr, tpr=tpr, thresholds=thresholds, auc=float(auc(fpr, tpr)),
        eer=float((fpr[i] + fnr[i]) / 2), eer_threshold=float(thresholds[i]),
        best_threshold=best_threshold, best_accuracy=float(accuracies[best]),
    )


def held_out_accuracy(distances: np.ndarray, same: np.ndarray, n_validation: int) -> tuple[float, float]:
    """(accuracy, threshold): the threshold chosen by ROC on the first ``n_validation`` pairs,
    the accuracy measured on the rest, which played no part in choosing it."""
    distances, same = _check(distances, same)
    if isinstance(n_validation, bool) or not isinstance(n_validation, numbers.Integral):
        raise TypeError(f"n_validation must be an int, got {n_validation!r} ({type(n_validation).__name__})")
    if not 0 < n_validation < len(same):
        raise ValueError(f"n_validation must leave pairs on both sides: expected 0 < n_validation < "
                         f"{len(same)}, got {n_validation}")
    threshold = roc_analysis(distances[:n_validation], same[:n_validation]).best_threshold
    return pair_accuracy(distances[n_validation:], same[n_validation:], threshold, same_if="below"), threshold


def constant_baseline(same: np.ndarray) -> float:
    """The contrastive loss of the best CONSTANT distance, p(1-p), p = share of same pairs.

    With loss y d^2 + (1-y)(1-d)^2 and d constant, the minimum is at d = 1-p, value p(1-p).
    A loss that plateaus there has learned nothing about the labels.
    """
    same = np.asarray(same)
    if same.size == 0:
        raise ValueError("need at least one label, got 0")
    if not np.isin(same, (0, 1)).all():
        raise ValueError(f"same must hold only 0 (different) and 1 (same), got values {np.unique(same)[:10]}")
    p = float(np.mean(same))
    return p * (1 - p)
