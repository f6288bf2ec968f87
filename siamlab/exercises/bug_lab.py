"""Exercises of notebook 06 (bug lab): fix the mystery model's loss, and read a tutorial loss's labels.

Both answers are PyTorch code, as the mystery model is; torch is imported inside the checkers only.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from siamlab.exercises._core import Verdict, checker, close, passed, require_callable, to_numpy, wrong

# Probe pairs: 8 pairs of 4-dimensional embeddings at distances 0.2-2.5, both sides of margin 1.
_RNG = np.random.default_rng(6)
_E1 = _RNG.normal(size=(8, 4))
_STEP = _RNG.normal(size=(8, 4))
_DIST = np.array([0.2, 0.9, 1.4, 0.5, 0.3, 1.1, 0.7, 2.5])
_E2 = _E1 + _STEP / np.linalg.norm(_STEP, axis=1, keepdims=True) * _DIST[:, None]
_SAME = np.array([1, 0, 1, 0, 0, 1, 0, 0], dtype=np.float64)


def _terms(d: np.ndarray, same: np.ndarray, margin: float) -> np.ndarray:
    return same * d**2 + (1 - same) * np.maximum(0.0, margin - d) ** 2


def _torch_call(exercise: str, fn: Callable, e1: np.ndarray, e2: np.ndarray, same: np.ndarray,
                **kwargs: Any) -> tuple[Any, Any, Any]:
    """fn on float32 tensors that record gradients: (the loss tensor, e1, e2)."""
    import torch

    t1 = torch.tensor(e1, dtype=torch.float32, requires_grad=True)
    t2 = torch.tensor(e2, dtype=torch.float32, requires_grad=True)
    try:
        loss = fn(t1, t2, torch.tensor(same, dtype=torch.float32), **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - the student's error is reported with its type
        raise wrong(exercise, f"your loss raised {type(error).__name__}: {error}") from None
    if not isinstance(loss, torch.Tensor):
        raise wrong(exercise, f"your loss returned a {type(loss).__name__}, not a torch tensor: no gradient "
                              "could flow from it back to the encoder. Compute it with torch operations.")
    if loss.numel() != 1:
        raise wrong(exercise, f"expected one number (the mean over the pairs), got a tensor of shape "
                              f"{tuple(loss.shape)}")
    return loss, t1, t2


def _gradients(loss: Any, t1: Any, t2: Any) -> tuple[np.ndarray, np.ndarray]:
    if not loss.requires_grad:
        return np.zeros(t1.shape), np.zeros(t2.shape)
    loss.backward()
    return tuple(np.zeros(t.shape) if t.grad is None else t.grad.numpy().astype(np.float64) for t in (t1, t2))


@checker
def check_mystery_fix(fn: Callable) -> Verdict:
    """Exercise 06-1: ``fn(e1, e2, same, margin=1.0)`` is the mystery model's loss with its bug removed.

    Judged by what it does: its value and its gradients on probe embeddings, its gradient at distance 0,
    its margin; then the doctor on a fresh encoder and the notebook's object pairs must find no error.
    """
    exercise = "06-1 the mystery fix"
    fn = require_callable("fn", fn, "(e1, e2, same, margin=1.0) -> loss")
    loss, t1, t2 = _torch_call(exercise, fn, _E1, _E2, _SAME)
    value = float(loss.detach())
    g1, g2 = _gradients(loss, t1, t2)
    if not (np.any(g1) or np.any(g2)):
        raise wrong(exercise, "your loss gives no gradient to either embedding, so it cannot train the "
                              "encoder: the doctor's DEAD_GRADIENTS is still there. Which two tensors does "
                              "your distance compare?")
    if not (np.any(g1) and np.any(g2)):
        raise wrong(exercise, "only one of the two embeddings gets a gradient: the distance must compare "
                              "the two branches' embeddings, and both must be able to move.")
    d = np.linalg.norm(_E1 - _E2, axis=1)
    right = _terms(d, _SAME, 1.0).mean()
    for reference, message in [
            (_terms(d, 1 - _SAME, 1.0).mean(),
             "your loss uses the labels the other way round: it pulls DIFFERENT pairs together. In this "
             "notebook same = 1, as in the mystery's own loss."),
            (np.mean(_SAME[None, :] * d[:, None] ** 2
                     + (1 - _SAME[None, :]) * np.maximum(0.0, 1 - d[:, None]) ** 2),
             "your loss applies every pair's label to every distance (the TF asker's broadcasting bug). "
             "Each distance needs only its own pair's label."),
            ((_SAME * d**2 + (1 - _SAME) * (1 - d) ** 2).mean(),
             "your loss pulls different pairs back in from beyond the margin: the clamp at 0 is gone.")]:
        if close(value, reference) and not close(value, right):
            raise wrong(exercise, message)
    if not close(value, right, rtol=1e-3, atol=1e-5):
        raise wrong(exercise, "not the mystery's contrastive loss on the probe pairs: same pairs should cost "
                              "d² and different pairs max(0, margin - d)², d the distance between the two "
                              "embeddings of a pair, averaged over the pairs.")
    at_zero, z1, z2 = _torch_call(exercise, fn, _E1, _E1.copy(), _SAME)
    if not all(np.isfinite(g).all() for g in _gradients(at_zero, z1, z2)):
        raise wrong(exercise, "right on the probe pairs, but when the two embeddings of a pair are equal "
                              "(distance 0) its gradient is NaN: one such pair would write NaN into every "
                              "weight. The mystery's loss guarded against that; keep the guard.")
    if "margin" not in inspect.signature(fn).parameters:
        raise wrong(exercise, "right at margin 1, but your function has no margin argument: keep the "
                              "mystery's signature (e1, e2, same, margin=1.0).")
    margin2, _, _ = _torch_call(exercise, fn, _E1, _E2, _SAME, margin=2.0)
    if not close(float(margin2.detach()), _terms(d, _SAME, 2.0).mean(), rtol=1e-3, atol=1e-5):
        raise wrong(exercise, "right at margin 1 but not at margin 2: use the margin argument, not the "
                              "number 1.")
    report = _diagnose_on_objects(fn)
    errors = [f.code for f in report.findings if f.severity in ("error", "warning")]
    if errors:
        raise wrong(exercise, f"right on the probe pairs, but the doctor still finds {', '.join(errors)} "
                              "on a fresh encoder with your loss: print its report and read the evidence.")
    return passed(exercise, "right on pairs on both sides of the margin and at margin 2, gradients reach "
                            "both embeddings and stay finite at distance 0, and the doctor finds no error "
                            "or warning on a fresh encoder.")


def _diagnose_on_objects(fn: Callable) -> Any:
    """The doctor on the notebook's setup: a seeded small encoder, four batches of 32 object pairs, Adam."""
    import torch

    from siamlab.doctor import diagnose
    from siamlab.torch import Encoder
    from siamlab.torch.data import object_pairs

    objects = object_pairs(300, n_train=128, n_test=32)
    images = objects.train_images.astype(np.float32)[:, None] / 255
    p = objects.train_pairs
    batches = [(images[p.left[i:i + 32]], images[p.right[i:i + 32]], p.same[i:i + 32].astype(np.float32))
               for i in range(0, 128, 32)]
    torch.manual_seed(0)
    model = Encoder(16, (40, 50), filters=8, conv_blocks=3, global_pool=True)
    return diagnose(model, batches, fn, optimizer=torch.optim.Adam(model.parameters(), lr=1e-3))


@checker
def check_same_label(criterion: Callable, answer: Any) -> Verdict:
    """Exercise 06-2: ``answer`` is the label value that ``criterion(e1, e2, label)`` treats as "same pair".

    Judged by what the criterion does to a pair of equal embeddings as they move apart: under the "same"
    label the cost grows (the loss pulls the pair together), under the other it shrinks (it pushes apart).
    """
    exercise = "06-2 the label convention"
    criterion = require_callable("criterion", criterion, "(output1, output2, label) -> loss")
    if answer is None:
        raise wrong(exercise, "no answer yet: set same_label to 0 or 1.")
    if np.ndim(answer) != 0:
        raise TypeError(f"answer: expected the label value 0 or 1 (a number), got {answer!r}")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise TypeError(f"answer: expected the label value 0 or 1 (a number), got {answer!r}") from None
    if value not in (0.0, 1.0):
        raise ValueError(f"answer: expected the label value 0 or 1, got {answer!r}")
    step = np.full_like(_E1, 1e-3)   # 0.002 apart: inside any margin a contrastive loss uses
    growth = {}
    for label in (0.0, 1.0):
        labels = np.full((len(_E1), 1), label)
        costs = [float(to_numpy(_torch_call(exercise, criterion, _E1, _E1 + offset, labels)[0].detach()))
                 for offset in (0.0, step)]
        growth[label] = costs[1] - costs[0]
    same = [label for label, change in growth.items() if change > 0]
    if len(same) != 1 or growth[1.0 - same[0]] >= 0:
        raise wrong(exercise, "under either label this criterion does the same to two embeddings moving "
                              "apart (it does not read the label, or reads it the same way): no label means "
                              "'same' for it. Check the criterion before answering.")
    if value != same[0]:
        raise wrong(exercise, f"with label {value:g} this criterion costs less as two equal embeddings move "
                              "apart: it pushes such pairs apart, which is what a loss does to DIFFERENT "
                              "pairs. Read which term each label switches on.")
    return passed(exercise, f"label {value:g} is the one under which this criterion pulls a pair together: "
                            "that is its 'same pair'. Tell the doctor with same_label=, or let it infer the "
                            "convention and compare.")
