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
TWO_EMBEDDINGS = ("encoder", "embeddings")  # kinds whose loss is loss_fn(e1, e2, y)
HELD_OUT_PAIRS = 64  # pairs not trained on by the overfit probe, ranked after it (label information)
LABEL_PROBE_PAIRS = (
    16  # synthetic pairs for the label and mixing probes (one loss call per pair: keep it small)
)


MAX_BATCHES = 8  # batches read from a DataLoader / dataset / iterable: never a whole epoch
ARRAY_BATCH = 32  # batch size used to split Keras-style arrays ([x1, x2], y)
SUPPORTED = ("supported: two inputs of one shape (B, ...) and one label per pair; a model that gives "
             "embeddings (model(x)), one output per pair (model(x1, x2)), or the two embeddings "
             "(model(x1, x2) -> (e1, e2))")


class RestoringProbe:
    """What both frameworks' probes share: a training probe that leaves the user's weights as it found them.

    A subclass gives ``_train`` (the steps) and ``reset`` (weights back to the start).
    """

    def train(self, x1, x2, y, steps: int, which: str, eval_on=None) -> tuple[list[float], float, tuple]:
        """``_train``, with the weights restored even when the user's loss raises part-way."""
        try:
            return self._train(x1, x2, y, steps, which, eval_on)
        except Exception:
            self.reset()
            raise


class UnsupportedSetup(ValueError):
    """A setup outside what the doctor probes (different-shaped inputs, score maps, triplets)."""


def _is_pair_of_arrays(value) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2 and all(hasattr(v, "shape") for v in value)


def _unpack(i: int, batch) -> tuple:
    """One batch in either form: (x1, x2, y) or fit's ((x1, x2), y)."""
    if isinstance(batch, dict):
        raise UnsupportedSetup(f"pairs[{i}]: not supported: a dict batch (keys {sorted(batch)}); {SUPPORTED}")
    if len(batch) == 2 and _is_pair_of_arrays(batch[0]):
        return batch[0][0], batch[0][1], batch[1]
    if len(batch) != 3:
        raise ValueError(f"pairs[{i}]: expected a (x1, x2, y) tuple or ((x1, x2), y), got {len(batch)} items")
    return tuple(batch)


def as_batches(pairs, to_numpy: Callable) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], tuple]:
    """The user's batches as float32 numpy (x1, x2, y) with y flattened to (B,), and the trailing shape
    of y as the user gives it (() for (B,), (1,) for (B, 1)), so that the loss gets labels in that shape.

    ``pairs``: a list of (x1, x2, y) batches, a torch DataLoader or any iterable of them (the first
    ``MAX_BATCHES`` are read), fit's form (((x1, x2), y) batches, a tf.data.Dataset of them) or
    Keras arrays ``([x1, x2], y)`` (split into batches of ``ARRAY_BATCH``)."""
    if isinstance(pairs, (list, tuple)) and len(pairs) == 2 and _is_pair_of_arrays(pairs[0]) \
            and len(np.shape(pairs[1])) >= 1 and len(pairs[0][0]) == len(pairs[1]) and len(pairs[1]) > 2:
        (a, b), y = pairs  # Keras arrays: fit([x1, x2], y)
        n = min(len(y), MAX_BATCHES * ARRAY_BATCH)
        pairs = [((a[i:i + ARRAY_BATCH], b[i:i + ARRAY_BATCH]), y[i:i + ARRAY_BATCH])
                 for i in range(0, n, ARRAY_BATCH)]
    batches, tails = [], set()
    for i, batch in enumerate(pairs):
        if i >= MAX_BATCHES:
            break
        x1, x2, y = (np.asarray(to_numpy(v), dtype=np.float32) for v in _unpack(i, batch))
        if y.ndim > 1 and y.shape[1:] == x1.shape[1:] and x1.ndim > 2:
            raise UnsupportedSetup(f"pairs[{i}]: not supported: triplets (three images of shape {x1.shape}); "
                                   + SUPPORTED)
        if x1.shape[1:] != x2.shape[1:] and len(x1) == len(x2):
            raise UnsupportedSetup(
                f"pairs[{i}]: not supported: inputs of different shapes ({x1.shape} and {x2.shape}), as in "
                f"Siamese trackers (an exemplar and a search image with a score map); {SUPPORTED}")
        if y.ndim > 1 and int(np.prod(y.shape[1:])) > 2:
            raise UnsupportedSetup(f"pairs[{i}]: not supported: labels of shape {y.shape} (a dense score map "
                                   "or per-pixel labels); " + SUPPORTED)
        tails.add(tuple(y.shape[1:]))
        flat = y.reshape(len(y), -1)[:, 0] if y.ndim > 1 else y
        if x1.shape != x2.shape or len(x1) != len(flat) or len(flat) < 2:
            raise ValueError(
                f"pairs[{i}]: expected x1 and x2 of one shape (B, ...) and y (B,) with B >= 2, "
                f"got {x1.shape}, {x2.shape} and {y.shape}"
            )
        batches.append((x1, x2, flat))
    if not batches:
        raise ValueError("pairs: expected at least one (x1, x2, y) batch, got none")
    tail = tails.pop() if len(tails) == 1 else ()
    if tail and int(np.prod(tail)) == 2:  # one-hot labels (B, 2): the loss gets the flat first column's
        tail = ()  # one-hot is built by the user's loss adapter; keep the old behaviour
    return batches, tail


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
    scale1, scale2 = float(np.abs(x1).max()), float(np.abs(x2).max())
    return {
        "n_pairs": int(len(y)),
        "identical_share": float(np.mean(np.all(x1 == x2, axis=1))),
        # images whose every value is the same (blank): what uint8 // 255 (Python 2's / on integer arrays)
        # or a cast to an integer type after scaling leaves of most pictures
        "blank_share": float(np.mean(np.concatenate([np.ptp(x1, axis=1), np.ptp(x2, axis=1)]) == 0)),
        "input_max_abs": max(scale1, scale2),
        "input_max_abs_x1": scale1,
        "input_max_abs_x2": scale2,
        "branch_scale_ratio": float(max(scale1, scale2) / max(min(scale1, scale2), 1e-12)),
        # AUC of the pixel distance |x1 - x2| against label 1: below 0.5 when label-1 pairs look more
        # alike than label-0 pairs (1 = same), above 0.5 when they look less alike (1 = different)
        "pixel_distance_auc": _auc(np.linalg.norm(x1 - x2, axis=1), y) if both else None,
        "same_share": float(np.mean(y)),
        "longest_label_run": longest_run(y),
        "single_label_batches": int(sum(len(np.unique(b[2])) == 1 for b in batches)) if both else 0,
        "n_batches": len(batches),
    }


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    """P(score of a label-1 pair > score of a label-0 pair), ties half (numpy only)."""
    pos, neg = score[y == 1], score[y != 1]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def distances(e1: np.ndarray, e2: np.ndarray) -> np.ndarray:
    return np.linalg.norm(e1.reshape(len(e1), -1) - e2.reshape(len(e2), -1), axis=1)


def score(outputs: tuple[np.ndarray, ...], kind: str) -> np.ndarray:
    """One number per pair: the embedding distance (encoder) or the first output column (pair)."""
    if kind in TWO_EMBEDDINGS:
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
    every = np.concatenate([np.concatenate([o.reshape(len(o), -1) for o in out], axis=1) for out in outs])
    nonfinite = float(np.mean(~np.isfinite(every)))
    s = np.concatenate([score(o, kind) for o in outs]).astype(np.float64)
    if nonfinite > 0:  # spread and range of the finite outputs only; NONFINITE_OUTPUT reports the rest
        s = s[np.isfinite(s)] if np.isfinite(s).any() else np.zeros(1)
    spread = float(s.std() / max(abs(s.mean()), s.std(), 1e-12))
    result = {
        "nonfinite_output_share": nonfinite,
        # share of per-pair outputs exactly 0 or 1: a ReLU (or clipping) where a probability is expected
        "output_at_bound_share": float(np.mean((s == 0) | (s == 1))),
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
        # a distance output: two equal images give (about) 0, real pairs >= 0
        result["output_is_distance"] = bool(
            np.all(real >= 0) and np.all(np.abs(alike) <= 1e-3 * max(real.max(), 1e-12)))
    if kind in TWO_EMBEDDINGS:
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
    if kind in TWO_EMBEDDINGS:
        e1 = np.zeros_like(template[0], dtype=np.float32)
        if e1.reshape(len(e1), -1).shape[1] > 1:  # an offset both share: cosine-based losses stay defined
            e1.reshape(len(e1), -1)[:, 1] = 1.0
        e2 = e1.copy()
        e2.reshape(len(e2), -1)[:, 0] = value
        return e1, e2
    return (np.full_like(template[0], value, dtype=np.float32),)


def per_pair_outputs(
    template: tuple[np.ndarray, ...], kind: str, values: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Like ``constant_outputs`` with one value per pair."""
    if kind in TWO_EMBEDDINGS:
        e1 = np.zeros_like(template[0], dtype=np.float32)
        if e1.reshape(len(e1), -1).shape[1] > 1:
            e1.reshape(len(e1), -1)[:, 1] = 1.0
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
    grid = DISTANCE_GRID if kind in TWO_EMBEDDINGS else OUTPUT_GRID
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


def measure_loss(probe, batches, outs, kind: str, metric, same_label: int | None = None) -> dict:
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
    if kind in TWO_EMBEDDINGS:
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
    if kind in TWO_EMBEDDINGS:
        # which label's pairs the loss pulls together: with every pair given that label, is the loss
        # lower at distance 0.1 than at 1.5?
        result["loss_pulls_together"] = [
            label for label in (0, 1)
            if probe.loss_of(per_pair_outputs(template, kind, np.full(n, 0.1)), np.full(n, label, np.float32))
            < probe.loss_of(per_pair_outputs(template, kind, np.full(n, 1.5)), np.full(n, label, np.float32))]
    # the loss when every pair gets the best constant output for its own label (a grid search per label):
    # a loss that rewards telling pairs apart goes well below the best single constant for all pairs
    one_column = kind in TWO_EMBEDDINGS or outs[0][0].reshape(len(outs[0][0]), -1).shape[1] == 1
    if len(np.unique(labels)) == 2 and one_column:  # two class scores per pair: not measured
        grid = DISTANCE_GRID if kind in TWO_EMBEDDINGS else OUTPUT_GRID
        best = {}
        for label in (0.0, 1.0):
            part = tuple(o[labels == label] for o in tuple(o[:FIT_PAIRS] for o in outs[0]))
            values = np.array([_try_loss(probe, constant_outputs(part, kind, c), labels[labels == label])
                               for c in grid])
            best[label] = grid[int(np.nanargmin(np.where(np.isfinite(values), values, np.inf)))]
        per_pair = np.where(labels == 1, best[1.0], best[0.0]).astype(np.float32)
        template_fit = tuple(o[:FIT_PAIRS] for o in outs[0])
        result["right_answer_loss"] = _try_loss(probe, per_pair_outputs(template_fit, kind, per_pair), labels)
    pulled = result.get("loss_pulls_together", [])
    same = same_label if same_label is not None else pulled[0] if len(pulled) == 1 else 1
    if metric is not None and (kind in TWO_EMBEDDINGS or result["label_effect"] > 0):
        # right answers: for an encoder, same pairs near and different ones far (label 1 = same); for a
        # pair model, the end of the output range the loss prefers for same pairs
        near, far = lo + 0.05 * (hi - lo), hi - 0.25 * (hi - lo)
        ends = [np.where(y == same, near, far), np.where(y == same, far, near)]
        preferred = (
            ends[0]
            if kind in TWO_EMBEDDINGS
            else min(ends, key=lambda v: probe.loss_of(per_pair_outputs(template, kind, v), y))
        )
        out = per_pair_outputs(template, kind, preferred)
        result["metric_on_preferred_outputs"] = float(
            np.mean(np.asarray(metric(distances(*out) if kind in TWO_EMBEDDINGS else out[0], y),
                               dtype=np.float64))
        )
    return result


def measure_gradients(probe, batches, kind: str) -> dict:
    """Which parameters get no gradient on the first batch, which are frozen, whether any trainable
    parameter reaches the loss, non-finite gradients, and whether identical pairs give NaN gradients."""
    x1, x2, y = batches[0]
    frozen, frozen_size, total = probe.frozen()
    result = {"frozen_tensors": frozen, "frozen_share": float(frozen_size / max(total, 1)),
              "loss_reaches_parameters": probe.loss_reaches_parameters(x1, x2, y)}
    _, grads = probe.gradients(x1, x2, y)
    sizes = np.array([w.size for _, _, w in grads], dtype=np.int64)
    dead = np.array([g is None or not np.any(g) for _, g, _ in grads], dtype=bool)
    result.update({
        "n_parameters": int(sizes.sum()),
        "dead_share": float(sizes[dead].sum() / max(sizes.sum(), 1)),
        "dead_tensors": [name for (name, _, _), d in zip(grads, dead) if d],
        "live_tensors": [name for (name, _, _), d in zip(grads, dead) if not d],
        "nonfinite_gradient_values": int(
            sum(int(np.sum(~np.isfinite(g))) for _, g, _ in grads if g is not None)),
    })
    if grads:
        _, at_zero = probe.gradients(x1, x1, y)
        result["nonfinite_gradients_at_distance_0"] = int(
            sum(int(np.sum(~np.isfinite(g))) for _, g, _ in at_zero if g is not None)
        )
    return result


def locate_nonfinite(probe, batches, m: dict) -> dict | None:
    """Where non-finite values first appear (op or layer, and module), when outputs or gradients have them."""
    if not (m.get("nonfinite_output_share", 0) > 0 or m.get("nonfinite_gradient_values", 0) > 0
            or not np.isfinite(m.get("loss_at_start", 0.0))
            or m.get("nonfinite_gradients_at_distance_0", 0) > 0):
        return None
    x1, x2, y = batches[0]
    found = probe.first_nonfinite(x1, x2, y)
    if not found and m.get("nonfinite_gradients_at_distance_0", 0) > 0:  # each image paired with itself
        found = probe.first_nonfinite(x1, x1, y)
        found = {**found, "stage": f"{found.get('stage')}, each image paired with itself"} if found else found
    return found


def measure_user_step(probe, batches) -> dict:
    """One step of a copy of the user's optimizer on the first batch: ||dw|| / ||w||."""
    x1, x2, y = batches[0]
    _, ratio, _ = probe.train(x1, x2, y, 1, "user")
    return {"relative_update": float(ratio), "learning_rate": probe.learning_rate()}


def _held_out_auc(s: np.ndarray, y: np.ndarray) -> float | None:
    from siamlab.metrics import roc_analysis

    if len(np.unique(y)) < 2 or not np.all(np.isfinite(s)) or np.ptp(s) == 0:
        return None
    auc = roc_analysis(s, y).auc
    return float(max(auc, 1 - auc))


def measure_training(probe, batches, kind: str) -> dict:
    """``OVERFIT_STEPS`` Adam steps on ``FIT_PAIRS`` pairs of the first batch, with their labels and with
    the same labels shuffled: the loss reached, and how well each run ranks the other pairs (held out)."""
    x1, x2, y = batches[0]
    h1 = np.concatenate([x1[FIT_PAIRS:]] + [b[0] for b in batches[1:]])[:HELD_OUT_PAIRS]
    h2 = np.concatenate([x2[FIT_PAIRS:]] + [b[1] for b in batches[1:]])[:HELD_OUT_PAIRS]
    hy = np.concatenate([y[FIT_PAIRS:]] + [b[2] for b in batches[1:]])[:HELD_OUT_PAIRS]
    x1, x2, y = x1[:FIT_PAIRS], x2[:FIT_PAIRS], y[:FIT_PAIRS]
    n = len(y)
    evaluate = (np.concatenate([x1, h1]), np.concatenate([x2, h2]))
    losses, _, after = probe.train(x1, x2, y, OVERFIT_STEPS, "reference", evaluate)
    result: dict = {"overfit_start": losses[0], "overfit_end": losses[-1], "overfit_steps": OVERFIT_STEPS}
    s = score(after, kind)
    if kind == "pair" and np.all(np.isfinite(s[:n])):
        result["fitted_output_min"], result["fitted_output_max"] = float(s[:n].min()), float(s[:n].max())
    fitted = _held_out_auc(s[:n], y)
    if fitted is not None:
        result["overfit_auc"] = fitted
    if len(hy) >= 16 and len(np.unique(hy)) == 2:
        result["held_out_auc"] = _held_out_auc(s[n:], hy)
        shuffled = y[np.random.default_rng(0).permutation(n)]
        shuffled_losses, _, after_shuffled = probe.train(x1, x2, shuffled, OVERFIT_STEPS, "reference",
                                                         (h1, h2))
        result["held_out_auc_shuffled_labels"] = _held_out_auc(score(after_shuffled, kind), hy)
        result["fit_curve"] = [float(losses[i] / max(losses[0], 1e-12)) for i in (10, 20, 30, 60)]
        result["fit_curve_shuffled_labels"] = [
            float(shuffled_losses[i] / max(shuffled_losses[0], 1e-12)) for i in (10, 20, 30, 60)]
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
