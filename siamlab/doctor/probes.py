"""The doctor's probes, framework-neutral: each asks a framework ``Probe`` (``_torch`` / ``_tf``) for
outputs, losses, gradients or a short training run and reduces them to plain numbers (numpy only)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

# Steps of Adam at REFERENCE_LEARNING_RATE on one batch. Measured loss after 0/20/40/60 steps: torch-fixed
# 0.467/0.117/0.020/0.004, plain CNN 0.612/0.238/0.005/0.003 (at 1e-3 it still had 0.372 after 40), a
# plain CNN with global max pooling on the object images 0.447/0.226/0.135/0.081 (40 steps were too few
# for it: 0.54 of the 0.25 baseline); label-blind losses stay at the baseline (0.234-0.25), a doubled
# sigmoid at 0.557 of 0.693.
OVERFIT_STEPS = 60
# Pairs of the first batch that the overfit probe fits and the baseline is computed on: 16 halves the
# probe's time on the torch asker's 1.9M-parameter CNN (13 s for 32 pairs on the loaded 2-core CPU).
FIT_PAIRS = 16
REFERENCE_LEARNING_RATE = 3e-3
DISTANCE_GRID = np.linspace(0.0, 3.0, 31)  # constant distances tried for an encoder's loss
OUTPUT_GRID = np.unique(np.concatenate([np.linspace(-8.0, 8.0, 33), np.linspace(0.02, 0.98, 25)]))
LABEL_PROBE_PAIRS = (
    16  # synthetic pairs for the label and mixing probes (one loss call per pair: keep it small)
)


def as_batches(pairs, to_numpy: Callable) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The user's ``(x1, x2, y)`` batches as float32 numpy, y flattened to (B,); shapes checked."""
    batches = []
    for i, batch in enumerate(pairs):
        if len(batch) != 3:
            raise ValueError(f"pairs[{i}]: expected a (x1, x2, y) tuple, got {len(batch)} items")
        x1, x2, y = (np.asarray(to_numpy(v), dtype=np.float32) for v in batch)
        y = y.reshape(len(y), -1)[:, 0] if y.ndim > 1 else y
        if x1.shape != x2.shape or len(x1) != len(y) or len(y) < 2:
            raise ValueError(
                f"pairs[{i}]: expected x1 and x2 of one shape (B, ...) and y (B,) with B >= 2, "
                f"got {x1.shape}, {x2.shape} and {y.shape}"
            )
        batches.append((x1, x2, y))
    if not batches:
        raise ValueError("pairs: expected at least one (x1, x2, y) batch, got none")
    return batches


def longest_run(labels: np.ndarray) -> int:
    """The longest stretch of equal consecutive labels."""
    change = np.flatnonzero(np.diff(labels) != 0)
    edges = np.concatenate([[-1], change, [len(labels) - 1]])
    return int(np.max(np.diff(edges)))


def measure_inputs(batches) -> dict:
    """Identical pairs, input scale and label order: numbers from the data alone."""
    x1 = np.concatenate([b[0].reshape(len(b[0]), -1) for b in batches])
    x2 = np.concatenate([b[1].reshape(len(b[1]), -1) for b in batches])
    y = np.concatenate([b[2] for b in batches])
    both = len(np.unique(y)) > 1
    return {
        "n_pairs": int(len(y)),
        "identical_share": float(np.mean(np.all(x1 == x2, axis=1))),
        "input_max_abs": float(max(np.abs(x1).max(), np.abs(x2).max())),
        "same_share": float(np.mean(y)),
        "longest_label_run": longest_run(y),
        "single_label_batches": int(sum(len(np.unique(b[2])) == 1 for b in batches)) if both else 0,
        "n_batches": len(batches),
    }


def distances(e1: np.ndarray, e2: np.ndarray) -> np.ndarray:
    return np.linalg.norm(e1.reshape(len(e1), -1) - e2.reshape(len(e2), -1), axis=1)


def score(outputs: tuple[np.ndarray, ...], kind: str) -> np.ndarray:
    """One number per pair: the embedding distance (encoder) or the first output column (pair)."""
    if kind == "encoder":
        return distances(*outputs)
    out = outputs[0]
    return out.reshape(len(out), -1)[:, 0]


def collapse_ratio(embeddings: np.ndarray) -> float:
    """SimSiam's indicator: mean per-dimension std of L2-normalised embeddings x sqrt(d) (0 = collapsed)."""
    e = embeddings.reshape(len(embeddings), -1).astype(np.float64)
    norms = np.linalg.norm(e, axis=1, keepdims=True)
    z = np.divide(e, norms, out=np.zeros_like(e), where=norms > 0)
    return float(z.std(axis=0).mean() * np.sqrt(e.shape[1]))


def measure_outputs(probe, batches, kind: str) -> dict:
    """Spread of outputs across pairs, collapse of embeddings and the loss at the current weights."""
    outs = [probe.outputs(x1, x2) for x1, x2, _ in batches]
    s = np.concatenate([score(o, kind) for o in outs]).astype(np.float64)
    spread = float(s.std() / max(abs(s.mean()), s.std(), 1e-12))
    result = {
        "output_relative_std": spread if s.std() > 0 else 0.0,
        "output_mean": float(s.mean()),
        "output_std": float(s.std()),
        "output_min": float(s.min()),
        "output_max": float(s.max()),
        "loss_at_start": float(np.mean([_try_loss(probe, o, b[2]) for o, b in zip(outs, batches)])),
    }
    if kind == "pair":  # where a pair of two equal images lands among the real pairs' outputs
        x1 = batches[0][0]
        alike = score(probe.outputs(x1, x1), kind).astype(np.float64)
        real = score(outs[0], kind).astype(np.float64)
        result["identical_pair_quantile"] = float(np.mean(real[:, None] < alike[None, :]))
    if kind == "encoder":
        embeddings = np.concatenate([np.concatenate(o) for o in outs])
        result["embedding_dim"] = int(embeddings.reshape(len(embeddings), -1).shape[1])
        result["collapse_ratio"] = collapse_ratio(embeddings)
    return result, outs


def _try_loss(probe, outputs, y) -> float:
    try:
        value = probe.loss_of(outputs, y)
    except Exception:  # a loss that rejects the value (e.g. BCELoss outside [0, 1]) marks it invalid
        return float("nan")
    return value


def constant_outputs(template: tuple[np.ndarray, ...], kind: str, value: float) -> tuple[np.ndarray, ...]:
    """Outputs that give every pair the same distance (encoder) or output (pair) ``value``."""
    if kind == "encoder":
        e1 = np.zeros_like(template[0], dtype=np.float32)
        e2 = e1.copy()
        e2.reshape(len(e2), -1)[:, 0] = value
        return e1, e2
    return (np.full_like(template[0], value, dtype=np.float32),)


def per_pair_outputs(
    template: tuple[np.ndarray, ...], kind: str, values: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Like ``constant_outputs`` with one value per pair."""
    if kind == "encoder":
        e1 = np.zeros_like(template[0], dtype=np.float32)
        e2 = e1.copy()
        e2.reshape(len(e2), -1)[:, 0] = values
        return e1, e2
    out = np.zeros_like(template[0], dtype=np.float32)
    flat = out.reshape(len(out), -1)
    values = np.asarray(values, dtype=np.float32)
    flat[:] = values[:, None]
    if flat.shape[1] > 1:  # several outputs per pair (e.g. one-hot [same, different]): mirror the others
        flat[:, 1:] = (values.min() + values.max() - values)[:, None]
    return (out,)


def loss_accepts(probe, template, lo: float, hi: float, n: int) -> str:
    """'probability' (BCE on sigmoid outputs: rejects values outside [0, 1], or clips them as Keras does,
    so output 0 for a same pair costs > 5), 'logit' (BCE with logits: output 0 costs ln 2, output 6
    almost nothing) or 'real' (anything else, e.g. a contrastive loss on a distance output)."""
    ones = np.ones(n, np.float32)
    at = {c: _try_loss(probe, constant_outputs(template, "pair", c), ones) for c in (0.0, 0.5, 6.0)}
    if (lo >= 0.0 and hi <= 1.0) or (at[0.0] > 5.0 and abs(at[0.5] - np.log(2)) < 0.01):
        return "probability"
    if abs(at[0.0] - np.log(2)) < 0.01 and at[6.0] < 0.01:
        return "logit"
    return "real"


def best_constant_loss(probe, template: tuple[np.ndarray, ...], labels: np.ndarray, kind: str) -> dict:
    """The loss of the best constant output for these labels (a grid of outputs), where that output
    lies, and the grid's valid range (outputs the loss accepts)."""
    grid = DISTANCE_GRID if kind == "encoder" else OUTPUT_GRID
    values = np.array([_try_loss(probe, constant_outputs(template, kind, c), labels) for c in grid])
    valid = np.isfinite(values)
    if not valid.any():
        raise ValueError(
            "loss_fn gave no finite value for any constant output; check loss_fn's argument order "
            "(expected loss_fn(e1, e2, y) for an encoder, loss_fn(output, y) for a pair model)"
        )
    best = int(np.argmin(np.where(valid, values, np.inf)))
    spread = float(np.ptp(values[valid]) / max(abs(values[best]), 1e-8))
    return {"baseline": float(values[best]), "baseline_output": float(grid[best]),
            "valid_min": float(grid[valid].min()), "valid_max": float(grid[valid].max()),
            "output_effect": spread}


def history_baseline(probe, batches, outs, kind: str) -> float:
    """The best constant loss over all the batches' labels: where a loss that learned nothing sits."""
    template = tuple(np.concatenate([o[i] for o in outs]) for i in range(len(outs[0])))
    return best_constant_loss(probe, template, np.concatenate([b[2] for b in batches]), kind)["baseline"]


def measure_loss(probe, batches, outs, kind: str, metric) -> dict:
    """The loss function alone, on synthetic outputs: its best constant value on the first batch's labels
    (the baseline; one loss call per grid value, so one batch keeps a slow eager loss cheap), what it
    accepts, whether it reads the labels, whether its value is a per-pair mean (or sum), and whether
    ``metric`` scores outputs the loss prefers as accurate."""
    # the pairs the overfit probe fits
    template, labels = tuple(o[:FIT_PAIRS] for o in outs[0]), batches[0][2][:FIT_PAIRS]
    constant = best_constant_loss(probe, template, labels, kind)
    # output_effect: how much the loss moves over those constant outputs, relative to the baseline
    # (0: the loss gives one value whatever the model outputs)
    result = {"baseline": constant["baseline"], "baseline_output": constant["baseline_output"],
              "output_effect": constant["output_effect"]}
    if kind == "encoder":
        lo, hi = 0.05, 2.0
    else:
        lo, hi = max(constant["valid_min"], -3.0), min(constant["valid_max"], 3.0)
    n = min(LABEL_PROBE_PAIRS, len(labels))
    template = tuple(o[:n] for o in template)
    if kind == "pair":
        result["loss_accepts"] = loss_accepts(probe, template, lo, hi, n)
    synthetic = per_pair_outputs(template, kind, np.linspace(lo, hi, n))
    y = (np.arange(n) < n / 2).astype(np.float32)  # low outputs labelled 1: labels that agree with outputs
    base = probe.loss_of(synthetic, y)
    flipped = probe.loss_of(synthetic, 1 - y)
    rolled = probe.loss_of(synthetic, np.roll(y, max(1, n // 4)))
    scale = max(abs(base), 1e-8)
    result["label_effect"] = float(max(abs(flipped - base), abs(rolled - base)) / scale)
    singles = np.array(
        [probe.loss_of(tuple(o[i : i + 1] for o in synthetic), y[i : i + 1]) for i in range(n)]
    )
    result["pair_mixing"] = float(min(abs(base - singles.mean()), abs(base - singles.sum())) / scale)
    if kind == "pair" and result["label_effect"] > 0:  # the end of the outputs the loss wants for same pairs
        near, far = lo + 0.05 * (hi - lo), hi - 0.25 * (hi - lo)
        low = probe.loss_of(per_pair_outputs(template, kind, np.where(y == 1, near, far)), y)
        high = probe.loss_of(per_pair_outputs(template, kind, np.where(y == 1, far, near)), y)
        result["same_wants_low_output"] = bool(low < high)
    if metric is not None and (kind == "encoder" or result["label_effect"] > 0):
        # right answers: for an encoder, same pairs near and different ones far (label 1 = same); for a
        # pair model, the end of the output range the loss prefers for same pairs
        near, far = lo + 0.05 * (hi - lo), hi - 0.25 * (hi - lo)
        ends = [np.where(y == 1, near, far), np.where(y == 1, far, near)]
        preferred = (
            ends[0]
            if kind == "encoder"
            else min(ends, key=lambda v: probe.loss_of(per_pair_outputs(template, kind, v), y))
        )
        out = per_pair_outputs(template, kind, preferred)
        result["metric_on_preferred_outputs"] = float(
            np.mean(np.asarray(metric(distances(*out) if kind == "encoder" else out[0], y), dtype=np.float64))
        )
    return result


def measure_gradients(probe, batches, kind: str) -> dict:
    """Which parameters get no gradient on the first batch, and whether identical pairs give NaN gradients."""
    x1, x2, y = batches[0]
    _, grads = probe.gradients(x1, x2, y)
    sizes = np.array([w.size for _, _, w in grads])
    dead = np.array([g is None or not np.any(g) for _, g, _ in grads])
    result = {
        "n_parameters": int(sizes.sum()),
        "dead_share": float(sizes[dead].sum() / max(sizes.sum(), 1)),
        "dead_tensors": [name for (name, _, _), d in zip(grads, dead) if d],
        "live_tensors": [name for (name, _, _), d in zip(grads, dead) if not d],
    }
    _, at_zero = probe.gradients(x1, x1, y)
    result["nonfinite_gradients_at_distance_0"] = int(
        sum(int(np.sum(~np.isfinite(g))) for _, g, _ in at_zero if g is not None)
    )
    return result


def measure_training(probe, batches, kind: str, has_optimizer: bool) -> dict:
    """One step of the user's optimizer (relative update), ``OVERFIT_STEPS`` Adam steps on ``FIT_PAIRS``."""
    from siamlab.metrics import roc_analysis

    x1, x2, y = batches[0]
    result: dict = {}
    if has_optimizer:
        _, ratio, _ = probe.train(x1, x2, y, 1, "user")
        result["relative_update"] = float(ratio)
        result["learning_rate"] = probe.learning_rate()
    x1, x2, y = x1[:FIT_PAIRS], x2[:FIT_PAIRS], y[:FIT_PAIRS]
    losses, _, after = probe.train(x1, x2, y, OVERFIT_STEPS, "reference")
    result["overfit_start"], result["overfit_end"], result["overfit_steps"] = (
        losses[0],
        losses[-1],
        OVERFIT_STEPS,
    )
    s = score(after, kind)
    if len(np.unique(y)) == 2 and np.ptp(s) > 0:
        auc = roc_analysis(s, y).auc
        result["overfit_auc"] = float(max(auc, 1 - auc))
    return result


def history_losses(history) -> list[float]:
    """Per-epoch losses from a ``History`` (its 'data_loss', else 'loss') or a list of numbers."""
    if history is None:
        return []
    if hasattr(history, "series"):
        key = "data_loss" if "data_loss" in history.keys() else "loss"
        return [float(v) for v in history.series(key)[1]]
    return [float(v) for v in history]


def timed(seconds: dict, errors: dict | None, name: str, fn, *args, default=None):
    """Run one probe and record its wall time under ``name``; a probe that raises is recorded in
    ``errors`` (the error's type and message) and gives ``default``: one failing probe (a BCELoss
    fed a value above 1, say) must not hide what the others find."""
    start = time.perf_counter()
    try:
        value = fn(*args)
    except Exception as error:  # recorded and reported, not swallowed
        if errors is None:
            raise
        errors[name] = f"{type(error).__name__}: {error}"
        value = default
    seconds[name] = round(time.perf_counter() - start, 3)
    return value
