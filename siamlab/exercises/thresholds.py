"""Checkers for notebook 05's threshold exercises: the ROC point of a threshold, and a threshold
chosen on validation pairs and scored on held-out pairs (not chosen on the pairs it is scored on)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from siamlab.exercises._core import Verdict, call, checker, close, passed, require_callable, to_numpy, wrong

_D = np.array([0.1, 0.3, 0.35, 0.6, 0.8, 0.2, 0.9, 0.45, 0.7, 0.05])
_SAME = np.array([1, 1, 0, 1, 0, 1, 0, 0, 0, 1])


@checker
def check_roc_point(fn: Callable) -> Verdict:
    """Exercise 05-2: ``fn(distance, same, threshold) -> (tpr, fpr)``, "same" when distance < threshold."""
    exercise = "05-2 the ROC point of a threshold"
    fn = require_callable("fn", fn, "(distance, same, threshold) -> (true positive rate, false positive "
                                    "rate)")
    got = _rates(exercise, fn, 0.5)
    said = _D < 0.5
    same, diff = _SAME == 1, _SAME == 0
    tpr, fpr = said[same].mean(), said[diff].mean()
    if close(got, [tpr, fpr]):
        for threshold in (0.32, 0.75):
            at = _D < threshold
            if not close(_rates(exercise, fn, threshold), [at[same].mean(), at[diff].mean()]):
                raise wrong(exercise, f"right at threshold 0.5, but not at {threshold}: use the threshold "
                                      "argument, not a number of your own.")
        return passed(exercise, "right: the share of same pairs called same and the share of different pairs "
                                "called same, at every threshold tried (0.5, 0.32, 0.75).")
    if close(got, [fpr, tpr]):
        raise wrong(exercise, "your two rates are in the wrong order: ROC curves plot (false positive rate, "
                              "true positive rate), but this exercise asks for (tpr, fpr).")
    back = ~said
    if close(got, [back[same].mean(), back[diff].mean()]):
        raise wrong(exercise, "your rule reads distances backwards (same when the distance is ABOVE the "
                              "threshold, seed 1's accuracy): a trained encoder puts same pairs close.")
    n = len(_D)
    if close(got, [(said & same).sum() / n, (said & diff).sum() / n]):
        raise wrong(exercise, "you divided by all pairs: a rate is per class, true positives over same pairs "
                              "and false positives over different pairs.")
    if close(got, [(said & same).sum(), (said & diff).sum()]):
        raise wrong(exercise, "those are counts; divide each by its class's number of pairs.")
    raise wrong(exercise, "not the (tpr, fpr) of this threshold on the probe pairs: got "
                          f"{np.round(got, 3).tolist()}")


def _rates(exercise: str, fn: Callable, threshold: float) -> np.ndarray:
    got = to_numpy(call(exercise, fn, _D.copy(), _SAME.copy(), threshold)).reshape(-1)
    if got.shape != (2,):
        raise wrong(exercise, f"expected two numbers (true positive rate, false positive rate), got shape "
                              f"{got.shape}")
    return got


def _best_thresholds(d: np.ndarray, same: np.ndarray) -> tuple[float, float, float]:
    """(low, high, accuracy): every threshold in [low, high) reaches the best accuracy on (d, same)."""
    cuts = np.unique(np.r_[d, d.max() + 1.0])
    accs = np.array([np.mean((d < t) == (same == 1)) for t in cuts])
    best = np.flatnonzero(accs == accs.max())
    start = best[0]   # the first run of best thresholds
    end = start
    while end + 1 < len(cuts) and accs[end + 1] == accs.max():
        end += 1
    low = float(d[d < cuts[start]].max()) if np.any(d < cuts[start]) else -np.inf
    return low, float(cuts[end]), float(accs.max())


def _probe_sets() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Two probes (val_d, val_same, test_d, test_same). Their validation pairs separate best near 0.5 and
    near 0.3, so a fixed threshold fails one; their held-out pairs separate best elsewhere (near 1.0 and
    0.55) and not perfectly, so hindsight's accuracy is below 1 and tells itself from the others."""
    rng = np.random.default_rng(5)
    probes = []
    for (same_hi, diff_lo), (t_same_hi, t_diff_lo) in [((0.45, 0.55), (0.75, 0.85)),
                                                        ((0.25, 0.35), (0.55, 0.6))]:
        val_same = np.r_[np.ones(20), np.zeros(20)].astype(int)
        val_d = np.r_[rng.uniform(0.02, same_hi, 20), rng.uniform(diff_lo, 1.2, 20)]
        test_same = np.r_[np.ones(24), np.zeros(23)].astype(int)
        test_d = np.r_[rng.uniform(0.02, t_same_hi, 20), rng.uniform(0.9, 1.0, 4),      # 4 same pairs far
                       rng.uniform(t_diff_lo, 1.3, 20), rng.uniform(0.2, 0.3, 3)]       # 3 different close
        probes.append((val_d, val_same, test_d, test_same))
    return probes


_PROBE_SETS = _probe_sets()


def _threshold_problem(threshold: float, accuracy: float, val_d: np.ndarray, val_same: np.ndarray,
                       test_d: np.ndarray, test_same: np.ndarray) -> str | None:
    """None if (threshold, accuracy) is right on this probe, else what is wrong with it."""
    low, high, _ = _best_thresholds(val_d, val_same)
    t_low, t_high, t_best = _best_thresholds(test_d, test_same)
    chosen_on_validation = low - 1e-6 < threshold <= high + 1e-6   # float32 answers too
    expected = np.mean((test_d < threshold) == (test_same == 1))
    if t_low < threshold <= t_high and not chosen_on_validation:
        return ("your threshold is the best one for the HELD-OUT pairs: chosen on the pairs it is scored on, "
                "its accuracy is hindsight and flatters the model. Choose it on the validation pairs, then "
                "score it on the held-out pairs.")
    if abs(accuracy - t_best) < 1e-6 and not np.isclose(accuracy, expected):
        return ("your accuracy is the best accuracy on the held-out pairs (hindsight), not that of your "
                "threshold: report the held-out accuracy of the threshold you chose on validation pairs.")
    back_low, back_high, _ = _best_thresholds(-val_d, val_same)
    backwards_accuracy = np.mean((test_d > threshold) == (test_same == 1))
    if -back_high <= threshold < -back_low or np.isclose(accuracy, backwards_accuracy):
        if not np.isclose(accuracy, expected):
            return ("your accuracy reads distances backwards (same when ABOVE the threshold, seed 1's "
                    "accuracy): same pairs are the close ones.")
    if not chosen_on_validation:
        return (f"your threshold {threshold:.3f} is not one of highest accuracy on the validation pairs: "
                "scan thresholds (or use metrics.roc_analysis) on them.")
    on_validation = np.mean((val_d < threshold) == (val_same == 1))
    if np.isclose(accuracy, on_validation) and not np.isclose(accuracy, expected):
        return ("your accuracy is measured on the validation pairs the threshold was chosen on: score it on "
                "the held-out pairs.")
    if not np.isclose(accuracy, expected):
        return (f"the threshold is right, but {accuracy:.3f} is not its accuracy on the held-out pairs (same "
                "when the distance is below the threshold).")
    return None


def _threshold_and_accuracy(exercise: str, fn: Callable, *pairs: Any) -> tuple[float, float]:
    result = call(exercise, fn, *(np.array(p, copy=True) for p in pairs))
    try:
        threshold, accuracy = (float(to_numpy(v)) for v in result)
    except (TypeError, ValueError):
        raise wrong(exercise, "expected a pair (threshold, accuracy) of two numbers, got "
                              f"{result!r}") from None
    return threshold, accuracy


@checker
def check_validation_threshold(fn: Callable, distances: Any = None) -> Verdict:
    """Exercise 05-1: ``fn(val_d, val_same, test_d, test_same) -> (threshold, test_accuracy)``.

    The threshold must be one of highest accuracy on the VALIDATION pairs, and the accuracy that of
    that threshold on the held-out (test) pairs, on two probes whose best validation thresholds differ.
    ``distances``: optional (val_d, val_same, test_d, test_same) of the notebook, to print the student's
    numbers on real pairs after the probes pass.
    """
    exercise = "05-1 a threshold chosen on validation pairs"
    fn = require_callable("fn", fn, "(val_distance, val_same, test_distance, test_same) -> (threshold, "
                                    "accuracy)")
    thresholds = []
    for probe in _PROBE_SETS:
        threshold, accuracy = _threshold_and_accuracy(exercise, fn, *probe)
        why = _threshold_problem(threshold, accuracy, *probe)
        if why is not None and _threshold_problem(accuracy, threshold, *probe) is None:
            raise wrong(exercise, "your two numbers are in the other order: return (threshold, accuracy), "
                                  "the threshold first.")
        if why is not None and thresholds and np.isclose(threshold, thresholds[0]):
            why = (f"your threshold is {threshold:.3f} on two probes whose validation pairs separate best at "
                   "different distances: it does not come from the validation pairs. Scan thresholds (or use "
                   "metrics.roc_analysis) on them.")
        if why is not None:
            raise wrong(exercise, why)
        thresholds.append(threshold)
    note = ""
    if distances is not None:
        real_t, real_acc = _threshold_and_accuracy(exercise, fn, *distances)
        hindsight = _best_thresholds(np.asarray(distances[2], float), np.asarray(distances[3]))[2]
        note = (f" On this notebook's pairs: threshold {real_t:.4f}, held-out accuracy {real_acc:.4f} "
                f"(hindsight's best: {hindsight:.4f}).")
    return passed(exercise, "chosen on validation pairs and scored on held-out pairs, which hindsight would "
                            "flatter." + note)
