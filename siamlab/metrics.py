"""From pair distances to decisions: accuracy at a threshold, ROC, AUC, EER (scikit-learn).

A Siamese network that outputs a distance should call a pair "same" when the distance is
SMALL (``same_if="below"``). Seed 1 used ``binary_accuracy(labels, distance)``, which calls
a pair "same" when the distance is ABOVE 0.5 (``same_if="above"``): the inverted metric.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _check(distances: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    distances = np.asarray(distances, dtype=np.float64).reshape(-1) if np.ndim(distances) else None
    same = np.asarray(same).reshape(-1) if np.ndim(same) else None
    if distances is None or same is None or len(distances) != len(same):
        raise ValueError(
            "distances and same must be 1-D arrays of equal length, got "
            f"{np.shape(distances) if distances is not None else '()'} and {np.shape(same) if same is not None else '()'}"
        )
    if len(same) == 0:
        raise ValueError("need at least one pair, got 0")
    if not np.isin(same, (0, 1)).all():
        raise ValueError(f"same must hold only 0 (different) and 1 (same), got values {np.unique(same)[:10]}")
    if not np.isfinite(distances).all():
        raise ValueError(f"distances must be finite, got {int((~np.isfinite(distances)).sum())} NaN/inf values")
    return distances, same.astype(np.int64)


def predict_same(distances: np.ndarray, threshold: float, same_if: str = "below") -> np.ndarray:
    """1 where a pair is predicted "same": distance < threshold ("below") or > it ("above")."""
    if same_if not in ("below", "above"):
        raise ValueError(f"same_if must be 'below' or 'above', got {same_if!r}")
    distances = np.asarray(distances, dtype=np.float64)
    return (distances < threshold if same_if == "below" else distances > threshold).astype(np.int64)


def pair_accuracy(distances: np.ndarray, same: np.ndarray, threshold: float, same_if: str = "below") -> float:
    """Share of pairs whose prediction at ``threshold`` matches ``same`` (1 = same)."""
    distances, same = _check(distances, same)
    return float((predict_same(distances, threshold, same_if) == same).mean())


def pair_confusion(distances: np.ndarray, same: np.ndarray, threshold: float, same_if: str = "below") -> np.ndarray:
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
    best_threshold: float  # the threshold of highest accuracy on these pairs
    best_accuracy: float


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
    n_pos, n_neg = same.sum(), len(same) - same.sum()
    accuracies = (tpr * n_pos + (1 - fpr) * n_neg) / len(same)
    best = int(np.argmax(accuracies))
    # roc_curve's thresholds are inclusive (d <= t); nudge so that "d < t" gives the same split.
    best_threshold = float(np.nextafter(thresholds[best], np.inf)) if np.isfinite(thresholds[best]) else float(distances.max() + 1)
    return RocResult(
        fpr=fpr, tpr=tpr, thresholds=thresholds, auc=float(auc(fpr, tpr)),
        eer=float((fpr[i] + fnr[i]) / 2), eer_threshold=float(thresholds[i]),
        best_threshold=best_threshold, best_accuracy=float(accuracies[best]),
    )


def held_out_accuracy(distances: np.ndarray, same: np.ndarray, n_validation: int) -> tuple[float, float]:
    """(accuracy, threshold): the threshold chosen by ROC on the first ``n_validation`` pairs,
    the accuracy measured on the rest, which played no part in choosing it."""
    distances, same = _check(distances, same)
    if not 0 < n_validation < len(same):
        raise ValueError(f"n_validation must leave pairs on both sides: expected 0 < n_validation < {len(same)}, got {n_validation}")
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
    p = float(np.mean(same))
    return p * (1 - p)
