"""siamlab.exercises, numpy forms: every checker passes its solution and two other correct forms,
rejects each listed wrong answer with its message, never shows the solution, and refuses bad input."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import run_python

import siamlab.exercises as ex
from siamlab import metrics
from siamlab.exercises import ExerciseError, Verdict
from siamlab.exercises._core import (
    as_framework,
    call,
    close,
    passed,
    require_callable,
    require_framework,
    to_numpy,
    wrong,
)


def rejects(check, fn, *fragments, **kwargs) -> str:
    """The checker's message for a wrong answer, after asserting that every fragment is in it."""
    with pytest.raises(ExerciseError) as caught:
        check(fn, **kwargs)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_import_loads_no_framework():
    out = run_python("import sys, siamlab.exercises, siamlab.students; "
                     "print('torch' in sys.modules, 'tensorflow' in sys.modules)").stdout.split()
    assert out == ["False", "False"]


def test_registry_names_real_checkers_once_per_exercise():
    ids = [e.id for e in ex.EXERCISES]
    assert len(ids) == len(set(ids)) == 12   # two in each of notebooks 01-06
    for exercise in ex.EXERCISES:
        assert callable(getattr(ex, exercise.checker)) and exercise.notebook[:2] == exercise.id[:2]
    assert {e.id[:2] for e in ex.EXERCISES} == {"01", "02", "03", "04", "05", "06"}


# 01-1 and 01-2 -------------------------------------------------------------------------------------

def test_plateau_accepts_correct_forms(capsys):
    assert isinstance(ex.check_plateau(lambda y: np.mean(y) * (1 - np.mean(y))), Verdict)
    ex.check_plateau(lambda y: np.var(np.asarray(y, dtype=float)))          # p(1-p) is the labels' variance
    ex.check_plateau(lambda y: min(np.mean(np.mean(y) * c**2 + (1 - np.mean(y)) * (1 - c) ** 2)
                                   for c in [1 - np.mean(y)]))             # the loss at the best c
    assert capsys.readouterr().out.count("✓ 01-1") == 3


def test_plateau_context_prints_the_notebook_numbers(capsys):
    ex.check_plateau(lambda y: np.var(y), same=np.array([1, 0, 0, 0]), measured=0.2)
    assert "you predict 0.1875; the asker's loss measured 0.2000" in capsys.readouterr().out


def test_plateau_rejects_the_listed_wrong_answers():
    message = rejects(ex.check_plateau, lambda y: np.mean(y) ** 3, "shares [0.5, 0.125, 0.25, 0.875, 0.6]:")
    assert "0.6000000" not in message   # float32 shares are rounded
    rejects(ex.check_plateau, lambda y: 0.25, "0.2500 whatever the labels")
    rejects(ex.check_plateau, lambda y: np.mean(y), "a share of pairs, not a loss")
    rejects(ex.check_plateau, lambda y: 1 - np.mean(y), "a share of pairs, not a loss")
    rejects(ex.check_plateau, lambda y: np.asarray(y) * 0.25, "one number per batch")
    rejects(ex.check_plateau, lambda y: np.mean(y) ** 2, "not the loss of the best constant distance")


def test_pulled_distance_accepts_correct_forms():
    ex.check_pulled_distance(lambda y: 1 - np.mean(y))
    ex.check_pulled_distance(lambda y: np.full(len(y), 1 - np.mean(y)))    # one (equal) distance per pair
    ex.check_pulled_distance(lambda y: float(np.sum(1 - np.asarray(y)) / len(y)))


def test_pulled_distance_rejects_the_listed_wrong_answers():
    rejects(ex.check_pulled_distance, lambda y: np.mean(y), "moves the wrong way")
    rejects(ex.check_pulled_distance, lambda y: 1.0 - np.asarray(y), "a loss that sees the labels wants")
    rejects(ex.check_pulled_distance, lambda y: 0.5, "whatever the labels")
    rejects(ex.check_pulled_distance, lambda y: np.asarray(y) * 0.3 + 0.1, "differ from pair to pair")


# contrastive loss (numpy forms; TF and torch in test_exercises_frameworks.py) -------------------------

def _loss(d, y, margin=1.0):
    return np.mean(y * d**2 + (1 - y) * np.maximum(0.0, margin - d) ** 2)


def test_contrastive_loss_accepts_correct_forms(capsys):
    ex.check_contrastive_loss(_loss)
    ex.check_contrastive_loss(lambda d, y, margin=1.0: np.average(y * d**2 + (1 - y) * np.clip(margin - d, 0,
                                                                                                None) ** 2))
    ex.check_contrastive_loss(lambda d, y, margin=1.0: y * d**2 + (1 - y) * max(0.0, margin - d) ** 2)
    out = capsys.readouterr().out
    assert "computed vectorised." in out and "computed pair by pair (one pair per call" in out


def test_contrastive_loss_rejects_a_vector_from_a_vectorised_call():
    # one loss per pair is accepted only from a function that takes one pair (the checker averages);
    # a (B,) vector from (B,) inputs is no batch loss (TF: the gradient of its sum; torch: no .backward())
    rejects(ex.check_contrastive_loss,
            lambda d, y, margin=1.0: y * d**2 + (1 - y) * np.clip(margin - d, 0, None) ** 2,
            "returns one loss per pair, shape (8,)", "return the mean over the pairs, one number")


def test_contrastive_loss_rejects_the_listed_wrong_answers():
    def broadcast(d, y, margin=1.0):
        hinge = np.maximum(0, margin - d[:, None])
        return np.mean(y[None, :] * d[:, None] ** 2 + (1 - y[None, :]) * hinge**2)

    rejects(ex.check_contrastive_loss, broadcast, "seed 1's broadcasting", "labels shuffled")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: y[None, :] * d[:, None] ** 2, "(B, B) matrix")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: _loss(d, 1 - y, margin), "other way round")
    rejects(ex.check_contrastive_loss,
            lambda d, y, margin=1.0: np.mean(y * d**2 + (1 - y) * (margin - d) ** 2), "max(0, margin - d)")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: _loss(d, y, margin) * len(d),
            "sums over the batch")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: _loss(d, y), "not at margin 2")
    rejects(ex.check_contrastive_loss, lambda d, y: _loss(d, y), "no margin argument")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: np.mean(d), "not the contrastive loss")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: _loss(d, y, margin) / 2, "Hadsell", "½")
    rejects(ex.check_contrastive_loss,
            lambda d, y, margin=1.0: 0.5 * (y * d**2 + (1 - y) * max(0, margin - d) ** 2),
            "half the right one")   # written for one pair


def test_contrastive_loss_reports_the_students_own_error():
    def broken(d, y, margin=1.0):
        raise KeyError("oops")

    rejects(ex.check_contrastive_loss, broken, "raised KeyError")


def test_a_stub_raises_not_implemented_through_every_checker():
    def stub(*args):
        raise NotImplementedError()

    for check in (ex.check_plateau, ex.check_pulled_distance, ex.check_contrastive_loss, ex.check_roc_point,
                  ex.check_validation_threshold, ex.check_learning_rate, ex.check_fixed_pairs):
        with pytest.raises(NotImplementedError):
            check(stub)


# 04-1 ------------------------------------------------------------------------------------------------

def _steepest(rates, losses):
    losses = np.nan_to_num(losses, nan=np.inf)
    lowest = int(np.argmin(losses))
    return rates[int(np.argmin(np.gradient(losses[: lowest + 1])))]


def test_learning_rate_accepts_correct_forms():
    ex.check_learning_rate(lambda r, loss: r[np.nanargmin(loss)] / 4)   # the solution
    ex.check_learning_rate(_steepest)                                    # the steepest fall
    for factor in (2.5, 3, 5):                                           # 2-5 times below the dip
        ex.check_learning_rate(lambda r, loss, k=factor: r[np.nanargmin(loss)] / k)


def test_learning_rate_rejects_the_listed_wrong_answers():
    rejects(ex.check_learning_rate, lambda r, loss: r[np.nanargmin(loss)], "the wrong side")
    rejects(ex.check_learning_rate, lambda r, loss: r[np.nanargmin(loss)] * 3, "the wrong side")
    rejects(ex.check_learning_rate, lambda r, loss: r[np.nanargmin(loss)] / 1.5, "just below the dip")
    rejects(ex.check_learning_rate, lambda r, loss: r[0], "on the flat part")
    rejects(ex.check_learning_rate, lambda r, loss: r[:2], "one learning rate")
    # ten times below the lowest point: on the flat part of a probe whose fall spans 0.9 decades, as
    # notebook 04's Adam curve (fall from 2.9e-3, lowest point 2.5e-2)
    rejects(ex.check_learning_rate, lambda r, loss: r[np.nanargmin(loss)] / 10, "2.5e-03 is on the flat part",
            "dip is at 2.5e-02")
    # np.argmin lands on the first NaN (the diverged end): named, not just "the wrong side"
    rejects(ex.check_learning_rate, lambda r, loss: r[np.argmin(loss)] / 4, "the first NaN", "np.nanargmin")


def test_learning_rate_judges_a_real_curve_when_given(capsys):
    rates = np.geomspace(1e-5, 1, 50)
    losses = 0.7 - 0.4 * np.exp(-np.log10(rates / 2e-2) ** 2)
    ex.check_learning_rate(lambda r, loss: r[np.nanargmin(loss)] / 4, curve=(rates, losses))
    assert "On the curve you passed you pick 4.6e-03, where the loss is falling" in capsys.readouterr().out


def test_learning_rate_fails_on_a_given_curve_it_reads_wrong():
    # passes the probes, but on this curve (a short fall just below its dip) it picks the flat part: a ✗
    rates = np.geomspace(1e-5, 1, 300)
    x = np.log10(rates / 2.5e-2)
    losses = 0.693 - 0.35 * (1 - np.cos(np.pi * np.clip((x + 0.5) / 0.5, 0, 1))) / 2 + np.where(x > 0, x, 0)
    rejects(ex.check_learning_rate, lambda r, loss: r[np.nanargmin(loss)] / 4, "not on the curve you passed",
            "on the flat part", curve=(rates, losses))


# 03-1 ------------------------------------------------------------------------------------------------

def _pairs(pos, neg, n, index=lambda j: j, scale=255.0, flip=False):
    x = np.zeros((n, 2, 1) + pos.shape[1:], dtype=np.float32)
    y = np.zeros((n, 2), dtype=np.float32)
    for i in range(n):
        anchor = pos[(i // 2) % len(pos)]
        other, label = ((pos[(i // 2 + 1) % len(pos)], (1.0, 0.0)) if i % 2 == 0
                        else (neg[(i // 2) % len(neg)], (0.0, 1.0)))
        pair = (other, anchor) if flip else (anchor, other)
        for j in range(2):
            x[i, j, 0] = pair[index(j)] / scale
        y[i] = label
    return x, y


def test_fixed_pairs_accepts_correct_forms(capsys):
    ex.check_fixed_pairs(_pairs)
    ex.check_fixed_pairs(lambda p, q, n: _pairs(p, q, n, flip=True))   # branches swapped: |difference| agrees

    def vectorised(pos, neg, n):
        i = np.arange(n)
        anchor = pos[(i // 2) % len(pos)]
        other = np.where((i % 2 == 0)[:, None, None], pos[(i // 2 + 1) % len(pos)], neg[(i // 2) % len(neg)])
        y = np.stack([(i % 2 == 0), (i % 2 == 1)], axis=1).astype(np.float32)
        return np.stack([anchor, other], axis=1)[:, :, None].astype(np.float32) / 255.0, y

    ex.check_fixed_pairs(vectorised)

    def alternating(pos, neg, n):   # branch order flipped on every other pair: still the pair's two images
        x, y = _pairs(pos, neg, n)
        x[1::2] = x[1::2, ::-1]
        return x, y

    ex.check_fixed_pairs(alternating)
    out = capsys.readouterr().out
    assert out.count("other order") == 2 and out.count("✓ 03-1") == 4


def test_fixed_pairs_rejects_the_listed_wrong_answers():
    from siamlab.torch import asker  # the asker's own (buggy) make_pairs; imports torch

    rejects(ex.check_fixed_pairs, asker.make_pairs, "still see the same image")
    rejects(ex.check_fixed_pairs, lambda p, q, n: _pairs(p, q, n, index=lambda j: 1), "bug has moved")
    rejects(ex.check_fixed_pairs, lambda p, q, n: _pairs(p, q, n, scale=1.0), "not divided by 255")
    rejects(ex.check_fixed_pairs, lambda p, q, n: _pairs(p, q, n)[0], "expected (x, y)")

    def relabelled(p, q, n):
        x, y = _pairs(p, q, n)
        return x, 1 - y

    rejects(ex.check_fixed_pairs, relabelled, "labels differ")


# 05-1 and 05-2 ---------------------------------------------------------------------------------------

def _roc(d, y, t):
    said = d < t
    return said[y == 1].mean(), said[y == 0].mean()


def test_roc_point_accepts_correct_forms():
    ex.check_roc_point(_roc)
    ex.check_roc_point(lambda d, y, t: (np.sum((d < t) & (y == 1)) / np.sum(y == 1),
                                        np.sum((d < t) & (y == 0)) / np.sum(y == 0)))
    ex.check_roc_point(lambda d, y, t: np.array(_roc(d, y, t)))


def test_roc_point_rejects_the_listed_wrong_answers():
    rejects(ex.check_roc_point, lambda d, y, t: _roc(d, y, t)[::-1], "wrong order")
    rejects(ex.check_roc_point, lambda d, y, t: _roc(-d, y, -t), "backwards")
    rejects(ex.check_roc_point, lambda d, y, t: (np.mean((d < t) & (y == 1)), np.mean((d < t) & (y == 0))),
            "divided by all pairs")
    rejects(ex.check_roc_point, lambda d, y, t: (np.sum((d < t) & (y == 1)), np.sum((d < t) & (y == 0))),
            "counts")
    rejects(ex.check_roc_point, lambda d, y, t: 0.5, "two numbers")
    rejects(ex.check_roc_point, lambda d, y, t: _roc(d, y, 0.5), "right at threshold 0.5, but not at 0.32",
            "use the threshold argument")
    rejects(ex.check_roc_point, lambda d, y, t: _roc(d, y, 0.5) if t != 0.32 else _roc(d, y, t + 0.2),
            "not at 0.32")
    rejects(ex.check_roc_point, lambda d, y, t: _roc(d, y, t) if t != 0.75 else _roc(d, y, 0.5),
            "not at 0.75")


def _validation(vd, vs, td, ts):
    t = metrics.roc_analysis(vd, vs).best_threshold
    return t, metrics.pair_accuracy(td, ts, t)


def _scan(vd, vs, td, ts):
    cuts = np.sort(vd)
    accs = [np.mean((vd < c) == (vs == 1)) for c in cuts]
    t = cuts[int(np.argmax(accs))]
    return t, np.mean((td < t) == (ts == 1))


def test_validation_threshold_probes_tell_the_answers_apart():
    from siamlab.exercises.thresholds import _PROBE_SETS, _best_thresholds

    (low1, high1, _), (low2, high2, _) = (_best_thresholds(vd, vs) for vd, vs, _, _ in _PROBE_SETS)
    assert high2 < low1   # the two validation gaps do not overlap: no one fixed threshold passes both
    for vd, vs, td, ts in _PROBE_SETS:
        low, high, best = _best_thresholds(td, ts)
        assert best < 0.9   # held-out pairs not separable: hindsight's accuracy is no 1.0 that others share
        assert _best_thresholds(vd, vs)[1] < low   # the held-out best threshold lies elsewhere


def test_validation_threshold_accepts_correct_forms(capsys):
    ex.check_validation_threshold(_validation)
    ex.check_validation_threshold(_scan)
    ex.check_validation_threshold(lambda *a: tuple(np.float32(v) for v in _validation(*a)))
    rng = np.random.default_rng(0)
    real = (rng.uniform(size=50), rng.integers(0, 2, 50), rng.uniform(size=50), rng.integers(0, 2, 50))
    ex.check_validation_threshold(_validation, distances=real)
    assert "On this notebook's pairs: threshold" in capsys.readouterr().out


def test_validation_threshold_rejects_the_listed_wrong_answers():
    rejects(ex.check_validation_threshold, lambda vd, vs, td, ts: _validation(td, ts, td, ts),
            "HELD-OUT pairs", "hindsight")
    rejects(ex.check_validation_threshold, lambda vd, vs, td, ts: _validation(vd, vs, vd, vs),
            "measured on the validation pairs")
    # the validation threshold with hindsight's accuracy: named as hindsight, not as "validation"
    rejects(ex.check_validation_threshold,
            lambda vd, vs, td, ts: (_validation(vd, vs, td, ts)[0],
                                    metrics.roc_analysis(td, ts).best_accuracy),
            "best accuracy on the held-out pairs (hindsight)")
    # (accuracy, threshold): the order is named, not "the best one for the HELD-OUT pairs"
    message = rejects(ex.check_validation_threshold, lambda *a: _validation(*a)[::-1], "in the other order",
                      "the threshold first")
    assert "HELD-OUT" not in message
    # a fixed threshold that never looks at the validation pairs: right on one probe, not on the other
    rejects(ex.check_validation_threshold, lambda vd, vs, td, ts: (0.5, np.mean((td < 0.5) == (ts == 1))),
            "0.500 on two probes", "does not come from the validation pairs")
    rejects(ex.check_validation_threshold, lambda vd, vs, td, ts: (0.3, np.mean((td < 0.3) == (ts == 1))),
            "not one of highest accuracy on the validation pairs")

    def backwards(vd, vs, td, ts):
        t = metrics.roc_analysis(vd, vs).best_threshold
        return t, metrics.pair_accuracy(td, ts, t, same_if="above")

    rejects(ex.check_validation_threshold, backwards, "backwards")
    rejects(ex.check_validation_threshold, lambda vd, vs, td, ts: (0.1, 0.5), "not one of highest accuracy")
    rejects(ex.check_validation_threshold, lambda vd, vs, td, ts: 0.5, "expected a pair")


# the checker never shows a solution; bad input --------------------------------------------------------

def test_no_message_contains_a_solution():
    messages = [rejects(ex.check_plateau, lambda y: 0.25), rejects(ex.check_pulled_distance, lambda y: 0.5),
                rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: np.mean(d)),
                rejects(ex.check_roc_point, lambda d, y, t: _roc(d, y, t)[::-1]),
                rejects(ex.check_fixed_pairs, lambda p, q, n: _pairs(p, q, n, index=lambda j: 1))]
    for message in messages:
        for solution in ("np.mean(same)", "c = 1 - p", "p * (1 - p)", "p(1 - p)", "p(1-p)",
                         "roc_analysis(val", "reduce_mean", "pair[j]"):
            assert solution not in message, message


@pytest.mark.parametrize("check", [ex.check_plateau, ex.check_pulled_distance, ex.check_contrastive_loss,
                                   ex.check_roc_point, ex.check_validation_threshold, ex.check_learning_rate,
                                   ex.check_fixed_pairs, ex.check_constant_output, ex.check_safe_distance])
def test_checkers_refuse_a_non_function(check):
    with pytest.raises(TypeError, match=r"must be a function .* got 0\.5 \(float\)"):
        check(0.5)


def test_bad_framework_names_the_choices():
    with pytest.raises(ValueError, match="framework must be one of 'numpy', 'tf', 'torch'; got 'jax'"):
        ex.check_contrastive_loss(_loss, framework="jax")
    with pytest.raises(ValueError, match="'tf' or 'torch'"):
        ex.check_safe_distance(lambda a, b: a, framework="numpy")


def test_core_helpers(capsys):
    verdict = passed("x", "fine")
    assert str(verdict) == "✓ x: fine" and capsys.readouterr().out == "✓ x: fine\n"
    assert verdict._ipython_display_() is None and capsys.readouterr().out == ""   # shown once, not twice
    assert isinstance(wrong("x", "no"), AssertionError) and str(wrong("x", "no")) == "✗ x: no"
    assert require_callable("fn", len, "()") is len and require_framework("tf") == "tf"
    assert close([1.0, 2.0], np.array([1.0, 2.00001])) and not close([1.0], [1.0, 1.0])
    assert to_numpy([1, 2]).dtype == np.float64 and as_framework(np.ones(2), "numpy").dtype == np.float32
    with pytest.raises(TypeError, match="expected numbers"):
        to_numpy("abc")
    with pytest.raises(ExerciseError, match="raised ZeroDivisionError"):
        call("x", lambda: 1 / 0)


def test_a_traceback_shows_no_line_of_a_checker():
    import traceback

    def stub(*args):
        raise NotImplementedError()

    for check, answer in [(ex.check_plateau, lambda y: 0.25), (ex.check_plateau, stub),
                          (ex.check_roc_point, lambda d, y, t: _roc(d, y, t)[::-1]), (ex.check_plateau, 3)]:
        with pytest.raises(Exception) as caught:
            check(answer)
        frames = [frame.filename for frame in traceback.extract_tb(caught.value.__traceback__)]
        assert not [f for f in frames if f.endswith(("losses.py", "thresholds.py", "pairs.py", "rates.py"))]
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert ex.check_plateau.__name__ == "check_plateau" and "01-1" in ex.check_plateau.__doc__
