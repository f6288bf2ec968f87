"""Checker for notebook 04's exercise: read a learning rate off a range test (Smith 2017: the useful rates
run from where the loss starts to fall to where it stops falling)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from siamlab.exercises._core import Verdict, call, checker, passed, require_callable, to_numpy, wrong


def _curve(start: float, dip_at: float, depth: float, blow_up_at: float,
           decades: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    """A range-test curve: flat at ``start``, falling over ``decades`` below ``dip_at``, then rising."""
    rates = np.geomspace(1e-5, 1.0, 200)
    x = np.log10(rates / dip_at)
    fall = depth * (1 - np.cos(np.pi * np.clip((x + decades) / decades, 0, 1))) / 2   # steepest mid-fall
    rise = np.where(x > 0, (depth + 0.3) * np.clip(x / np.log10(blow_up_at / dip_at), 0, None) ** 2, 0)
    loss = start - fall + rise
    loss[rates > blow_up_at * 1.5] = np.nan             # diverged: the test stops recording numbers
    return rates, loss


# the last probe falls over 0.9 decades only, as Adam's curve in notebook 04 (its fall starts at 2.9e-3, its
# lowest point is at 2.5e-2): there ten times below the lowest point is still on the flat part
_PROBES = [_curve(0.693, 2e-2, 0.35, 0.3), _curve(0.8, 1e-3, 0.5, 3e-2), _curve(0.7, 1e-1, 0.2, 0.8),
           _curve(0.693, 2.5e-2, 0.35, 0.3, decades=0.9)]


def _judge(rate: float, rates: np.ndarray, losses: np.ndarray) -> str | None:
    """None when ``rate`` is on the falling side, below the dip; else why not."""
    finite = np.isfinite(losses)
    best = int(np.nanargmin(np.where(finite, losses, np.inf)))
    dip_rate, start = float(rates[best]), float(losses[finite][0])
    if not np.isfinite(rate) or rate <= 0:
        return f"a learning rate must be a positive number, got {rate}"
    at = float(np.interp(np.log(rate), np.log(rates[finite]), losses[finite]))
    if rate >= dip_rate:
        return (f"{rate:.1e} is at or beyond the dip ({dip_rate:.1e}): the wrong side. There the loss has "
                "stopped falling, and a little higher it rises: training there is on the edge of diverging. "
                "Pick a rate below the dip, where the loss is still falling.")
    if rate > dip_rate / 2:
        return (f"{rate:.1e} is just below the dip ({dip_rate:.1e}): the lowest point moves from run to "
                f"run, so "
                "a rate this close to it can land on the wrong side. Stay a few times below it.")
    if start - at < 0.03 * (start - float(losses[best])):
        return (f"{rate:.1e} is on the flat part, before the loss starts to fall: training there is as slow "
                "as the test's first steps. Pick a rate where the fall has clearly begun (a fixed factor "
                "below the lowest point lands here when the fall is short).")
    return None


@checker
def check_learning_rate(fn: Callable, curve: Any = None) -> Verdict:
    """Exercise 04-1: ``fn(rates, losses) -> rate`` picks a rate where the loss falls, below the dip.

    ``curve``: optional (rates, losses) of a range test, judged like the probes after them (a wrong pick
    fails).
    """
    exercise = "04-1 a learning rate from a range test"
    fn = require_callable("fn", fn, "(rates, losses) -> learning rate")
    for rates, losses in _PROBES:
        why = _judge(_one_rate(exercise, fn, rates, losses), rates, losses)
        if why is not None:
            dip = rates[int(np.nanargmin(losses))]
            raise wrong(exercise, _nan_note(exercise, fn, rates, losses)
                        or f"{why} (on a probe curve whose dip is at {dip:.1e})")
    note = ""
    if curve is not None:
        rates, losses = (np.asarray(to_numpy(v), dtype=float) for v in curve)
        rate = _one_rate(exercise, fn, rates, losses)
        why = _judge(rate, rates, losses)
        if why is not None:
            raise wrong(exercise, f"right on the probe curves, but not on the curve you passed: "
                                  f"{_nan_note(exercise, fn, rates, losses) or why}")
        note = f" On the curve you passed you pick {rate:.1e}, where the loss is falling."
    return passed(exercise, "on the falling side of the loss, a safe distance below the dip, on every probe "
                            "curve." + note)


def _one_rate(exercise: str, fn: Callable, rates: np.ndarray, losses: np.ndarray) -> float:
    answer = to_numpy(call(exercise, fn, rates.copy(), losses.copy()))
    if answer.size != 1:
        raise wrong(exercise, f"expected one learning rate, got shape {answer.shape}")
    return float(answer.reshape(-1)[0])


def _nan_note(exercise: str, fn: Callable, rates: np.ndarray, losses: np.ndarray) -> str | None:
    """Why a wrong pick is right once the NaNs (the diverged end) are read as infinite losses, if it is."""
    if not np.isnan(losses).any():
        return None
    rate = _one_rate(exercise, fn, rates, np.nan_to_num(losses, nan=np.inf))
    if _judge(rate, rates, losses) is not None:
        return None
    return ("your pick is right once the NaN losses (the run diverged) are read as infinite, but NaN "
            "trips it: np.argmin and np.min return the first NaN (np.nanargmin, or np.nan_to_num(losses, "
            "nan=np.inf), skip them).")
