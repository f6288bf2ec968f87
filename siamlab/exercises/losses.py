"""Checkers for the loss exercises of notebooks 01, 02 and 04: the plateau of seed 1's loss, the
distance it pulls every pair to, the contrastive loss (numpy, TensorFlow or PyTorch) and a distance
with a finite gradient at 0."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from siamlab.exercises._core import (
    Verdict,
    as_framework,
    call,
    checker,
    close,
    passed,
    require_callable,
    require_framework,
    to_numpy,
    wrong,
)

# label vectors with shares of same pairs 0.5, 0.125, 0.25, 0.875 and 0.6
_LABELS = [np.array(v, dtype=np.float32) for v in (
    [1, 0, 1, 0], [1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0], [1, 1, 1, 0, 1, 1, 1, 1], [1, 1, 0, 1, 0])]


def _per_label_vector(exercise: str, fn: Callable, framework: str) -> list[np.ndarray]:
    return [to_numpy(call(exercise, fn, as_framework(y, framework))) for y in _LABELS]


@checker
def check_plateau(fn: Callable, framework: str = "numpy", same: Any = None,
                  measured: float | None = None) -> Verdict:
    """Exercise 01-1: ``fn(same) -> loss`` predicts where seed 1's loss freezes, for any share p."""
    exercise = "01-1 the plateau"
    fn, framework = require_callable("fn", fn, "(same) -> loss"), require_framework(framework)
    answers = _per_label_vector(exercise, fn, framework)
    shares = [float(y.mean()) for y in _LABELS]
    if any(a.size != 1 for a in answers):
        shapes = sorted({a.shape for a in answers})
        raise wrong(exercise, f"expected one number per batch (the loss it freezes at), got arrays of shape "
                              f"{shapes}")
    got = np.array([float(a) for a in answers])
    if close(got, [p * (1 - p) for p in shares], rtol=1e-3):
        note = ""
        if same is not None:
            prediction = float(to_numpy(call(exercise, fn, as_framework(to_numpy(same), framework))))
            note = f" On this notebook's training pairs you predict {prediction:.4f}"
            note += f"; the asker's loss measured {measured:.4f}." if measured is not None else "."
        return passed(exercise, "right for every share of same pairs: the loss a network reaches when it "
                                "cannot see which pair has which label." + note)
    if np.ptp(got) < 1e-6:
        raise wrong(exercise, f"your answer is {got[0]:.4f} whatever the labels. The plateau depends on the "
                              "share p of same pairs in the batch: try a batch with 1 same pair in 8.")
    if close(got, shares, rtol=1e-3) or close(got, [1 - p for p in shares], rtol=1e-3):
        raise wrong(exercise, "your answer is a share of pairs, not a loss: it is where the distances go, or "
                              "how many pairs are same. Put that constant distance into the loss and "
                              "average.")
    raise wrong(exercise, "not the loss of the best constant distance for every share of same pairs "
                          f"(your answers for shares {[round(p, 4) for p in shares]}: "
                          f"{np.round(got, 4).tolist()}). Write the "
                          "broadcast loss for one constant distance c and find the c that minimises it.")


@checker
def check_pulled_distance(fn: Callable, framework: str = "numpy") -> Verdict:
    """Exercise 01-2: ``fn(same) -> distance`` gives the distance seed 1's loss pulls every pair to."""
    exercise = "01-2 where the distances go"
    fn, framework = require_callable("fn", fn, "(same) -> distance"), require_framework(framework)
    answers = _per_label_vector(exercise, fn, framework)
    for y, a in zip(_LABELS, answers):
        if a.size == len(y) and a.size > 1:
            a = a.reshape(-1)
            if np.ptp(a) < 1e-6:
                continue  # the same distance for every pair: judged below as one number
            if np.all(a[y == 1] <= 1e-6) and np.all(a[y == 0] >= 1 - 1e-6):
                raise wrong(exercise, "same pairs at 0 and different pairs at the margin is what a loss that "
                                      "sees the labels wants. Seed 1's loss applies every pair's label "
                                      "to every "
                                      "distance, so every pair, same or different, is pulled to one "
                                      "distance.")
            raise wrong(exercise, "your distances differ from pair to pair; seed 1's loss gives every "
                                  "distance "
                                  "the same target, whatever its own label.")
        if a.size not in (1, len(y)):
            raise wrong(exercise, f"expected one distance (or one per pair), got shape {a.shape} for "
                                  f"{len(y)} pairs")
    got = np.array([float(np.ravel(a)[0]) for a in answers])
    shares = np.round([float(y.mean()) for y in _LABELS], 4)
    if close(got, 1 - shares, rtol=1e-3):
        return passed(exercise, "every distance is pulled to the same value, set by the share of same pairs "
                                "and not by the pair's own label.")
    if close(got, shares, rtol=1e-3):
        raise wrong(exercise, "your target moves the wrong way: with more same pairs in the batch, the "
                              "d² terms weigh more and pull the distance down, not up.")
    if np.ptp(got) < 1e-6:
        raise wrong(exercise, f"your answer is {got[0]:.4f} whatever the labels. The target depends on the "
                              "share of same pairs in the batch: minimise p c² + (1 - p)(1 - c)² over c.")
    raise wrong(exercise, f"not the minimiser of the broadcast loss for every share of same pairs (shares "
                          f"{shares.tolist()}: your answers {np.round(got, 4).tolist()}).")


# probe pairs: distances on both sides of the margin (1) and of 2, one near 0
_D = np.array([0.2, 0.9, 1.4, 0.5, 0.05, 1.1, 0.7, 2.5], dtype=np.float32)
_Y = np.array([1, 0, 1, 0, 0, 1, 0, 0], dtype=np.float32)


def _terms(d: np.ndarray, y: np.ndarray, margin: float) -> np.ndarray:
    return y * d**2 + (1 - y) * np.maximum(0.0, margin - d) ** 2


def _loss_value(exercise: str, fn: Callable, framework: str, d: np.ndarray, y: np.ndarray,
                margin: float | None) -> tuple[np.ndarray, str]:
    """The student's loss on (d, y): vectorised if it takes vectors, else pair by pair."""
    args = (as_framework(d, framework), as_framework(y, framework))
    extra = () if margin is None else (margin,)
    try:
        return to_numpy(fn(*args, *extra)), "vectorised"
    except NotImplementedError:
        raise
    except Exception as first_error:  # noqa: BLE001 - a per-pair function fails on vectors: try pairs
        try:
            per_pair = [to_numpy(fn(as_framework(np.float32(di), framework),
                                    as_framework(np.float32(yi), framework), *extra)) for di, yi in zip(d, y)]
        except NotImplementedError:
            raise
        except Exception:  # noqa: BLE001 - report the vectorised error, the more common form
            message = f"your function raised {type(first_error).__name__}: {first_error}"
            raise wrong(exercise, message) from None
        if any(v.size != 1 for v in per_pair):
            raise wrong(exercise, "called with one pair, your function did not return one number") from None
        return np.array([float(v) for v in per_pair]), "pair by pair"


@checker
def check_contrastive_loss(fn: Callable, framework: str = "numpy") -> Verdict:
    """Exercises 02-1 and 04-2: ``fn(distance, same, margin=1.0)`` is the contrastive loss (mean over pairs).

    A vectorised loss and a loss of one pair (averaged here) both pass, in numpy, TensorFlow or PyTorch
    (``framework`` says which tensors the probe pairs are given as).
    """
    exercise = "contrastive loss"
    fn = require_callable("fn", fn, "(distance, same, margin=1.0) -> loss")
    framework = require_framework(framework)
    got, form = _loss_value(exercise, fn, framework, _D, _Y, None)
    terms = _terms(_D.astype(np.float64), _Y.astype(np.float64), 1.0)
    per_pair = got.shape == terms.shape
    if got.shape == (len(_D), len(_D)):
        raise wrong(exercise, "your loss returns a (B, B) matrix: every distance met every pair's label. "
                              "That is seed 1's tf.map_fn bug; each distance needs only its own pair's "
                              "label.")
    value = got.reshape(-1)[0] if got.size == 1 else None
    if not per_pair and value is None:
        raise wrong(exercise, f"expected one number (the mean over the batch) or one loss per pair "
                              f"{terms.shape}, got shape {got.shape}")
    d64, y64 = _D.astype(np.float64), _Y.astype(np.float64)
    broadcast = (y64[None, :] * d64[:, None] ** 2
                 + (1 - y64[None, :]) * np.maximum(0.0, 1 - d64[:, None]) ** 2).mean()
    swapped = _terms(d64, 1 - y64, 1.0)
    no_hinge = y64 * d64**2 + (1 - y64) * (1.0 - d64) ** 2
    if value is not None and close(value, broadcast):
        raise wrong(exercise, "your loss applies every pair's label to every distance (seed 1's broadcasting "
                              "loss): it equals the loss of labels shuffled within the batch, so it cannot "
                              "tell same pairs from different ones. Pair each distance with its own label.")
    for reference, message in [
            (swapped, "your loss uses the label convention the other way round: it pulls DIFFERENT pairs "
                      "together and pushes same pairs apart. Here same = 1 (the seeds' convention; "
                      "Hadsell et "
                      "al. 2006 use 0)."),
            (no_hinge, "your loss pulls different pairs towards the margin from both sides: a different pair "
                       "already beyond the margin is pulled back in. The (1 - y) term needs max(0, "
                       "margin - d) "
                       "before it is squared."),
            (np.sqrt(terms), "your terms are not squared: the contrastive loss squares d and the hinge.")]:
        if (value is not None and close(value, reference.mean())) or (per_pair and close(got, reference)):
            raise wrong(exercise, message)
    if (value is not None and close(value, terms.mean() / 2)) or (per_pair and close(got, terms / 2)):
        raise wrong(exercise, "your loss is half the right one: Hadsell et al. (2006) write ½ in front of "
                              "each term, the seeds and siamlab do not. Drop the ½.")
    if value is not None and close(value, terms.sum()):
        raise wrong(exercise, "your loss sums over the batch: its size (and the step the optimizer takes) "
                              "then grows with the batch size. Average over the pairs.")
    if not ((value is not None and close(value, terms.mean())) or (per_pair and close(got, terms))):
        raise wrong(exercise, "not the contrastive loss on the probe pairs: same pairs should cost d², "
                              "different pairs max(0, margin - d)², averaged over the batch.")
    if per_pair and form == "vectorised":
        raise wrong(exercise, f"called with (B,) tensors your loss returns one loss per pair, shape "
                              f"{got.shape}: return the mean over the pairs, one number. (A vector is no "
                              "batch loss: TensorFlow takes the gradient of its sum, torch's .backward() "
                              "refuses it.)")
    if not _has_margin(fn):
        raise wrong(exercise, "right at margin 1, but your function has no margin argument: write "
                              "(distance, same, margin=1.0).")
    got2, _ = _loss_value(exercise, fn, framework, _D, _Y, 2.0)
    terms2 = _terms(d64, y64, 2.0)
    scalar2 = got2.size == 1
    if not close(got2.reshape(-1)[0] if scalar2 else got2, terms2.mean() if scalar2 else terms2):
        raise wrong(exercise, "right at margin 1 but not at margin 2: use the margin argument, not the "
                              "number 1.")
    note = " (one pair per call: the batch loss is their mean)" if per_pair else ""
    return passed(f"{exercise} ({framework})", f"right on pairs on both sides of the margin, at margins "
                                               f"1 and 2, "
                                                f"computed {form}{note}.")


def _has_margin(fn: Callable) -> bool:
    import inspect

    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return len(parameters) >= 3 or any(p.kind == p.VAR_POSITIONAL for p in parameters.values())


_NO_GRADIENT = "none"   # the distance is not connected to ``a`` (numpy, .detach(), tf.stop_gradient)
_NO_GRADIENT_MESSAGE = ("your distance has no gradient (it is not computed from a with tensor ops: numpy, "
                        ".detach() or tf.stop_gradient cut it off), so training could not move the "
                        "embeddings through it.")


def _distance_and_gradient(fn: Callable, a: np.ndarray, b: np.ndarray, framework: str) -> tuple[Any, Any]:
    if framework == "torch":
        import torch

        ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b)
        d = fn(ta, tb)
        if not isinstance(d, torch.Tensor) or d.grad_fn is None:
            return to_numpy(d), _NO_GRADIENT
        d.sum().backward()
        return to_numpy(d), to_numpy(ta.grad) if ta.grad is not None else None
    import tensorflow as tf

    ta, tb = tf.Variable(a), tf.constant(b)
    with tf.GradientTape() as tape:
        d = fn(ta, tb)
        total = tf.reduce_sum(d)
    gradient = tape.gradient(total, ta)
    return to_numpy(d), _NO_GRADIENT if gradient is None else to_numpy(gradient)



@checker
def check_safe_distance(fn: Callable, framework: str = "tf") -> Verdict:
    """Exercise 02-2: ``fn(a, b)`` is the row-wise Euclidean distance with a finite gradient where a == b."""
    exercise = "02-2 a distance safe at 0"
    fn = require_callable("fn", fn, "(a, b) -> distance per row")
    framework = str(require_framework(framework))
    if framework == "numpy":
        raise ValueError("framework must be 'tf' or 'torch' (the check takes a gradient), got 'numpy'")
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 5)).astype(np.float32)
    b = a.copy()
    b[1:] += rng.normal(size=(3, 5)).astype(np.float32)   # row 0: the same embedding twice (distance 0)
    try:
        d, gradient = _distance_and_gradient(fn, a, b, framework)
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - the student's code
        if "requires grad" in str(error):   # torch: numpy called on a tensor that has a gradient
            raise wrong(exercise, _NO_GRADIENT_MESSAGE) from None
        raise wrong(exercise, f"your function raised {type(error).__name__}: {error}") from error
    true = np.linalg.norm(a.astype(np.float64) - b, axis=1)
    if d.shape != true.shape:
        raise wrong(exercise, f"expected one distance per row, shape {true.shape}, got {d.shape}: sum the "
                              "squares over the embedding axis (the last one).")
    if close(d[1:], true[1:] ** 2, rtol=1e-3):
        raise wrong(exercise, "your distances are squared (no sqrt): finite, but the margin of the loss is "
                              "then a squared distance and the trained model's thresholds change meaning.")
    if not close(d[1:], true[1:], rtol=1e-3, atol=1e-3) or abs(float(d[0])) > 1e-2:
        raise wrong(exercise, "your values are not the Euclidean distances of the rows (to 1e-3).")
    if isinstance(gradient, str):
        raise wrong(exercise, "right values, but " + _NO_GRADIENT_MESSAGE)
    if gradient is None or not np.all(np.isfinite(gradient)):
        raise wrong(exercise, "right values, but the gradient at distance 0 is NaN or infinite: the "
                              "derivative of sqrt(x) at x = 0 is 1 / (2 sqrt(0)). A small constant added "
                              "outside the sqrt does not change that derivative; the sqrt itself must never "
                              "see 0.")
    return passed(exercise, f"right distances, and a finite gradient for a pair whose two embeddings "
                            f"are equal "
                            f"({framework}).")
