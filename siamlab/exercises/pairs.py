"""Checkers for notebook 03's exercises: fix the PyTorch asker's index bug (not move it), and
predict the one output their network gives every pair."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from siamlab.exercises._core import Verdict, call, checker, close, passed, require_callable, to_numpy, wrong


def _probe_images(n: int, offset: float) -> np.ndarray:
    """n tiny 'images', image k filled with the value offset + k (so every position tells its image)."""
    return np.stack([np.full((4, 5), offset + k, dtype=np.float32) for k in range(n)])


@checker
def check_fixed_pairs(fn: Callable) -> Verdict:
    """Exercise 03-1: ``fn(pos, neg, n_pairs) -> (x, y)`` builds the asker's pairs, index bug removed."""
    exercise = "03-1 the index bug"
    fn = require_callable("fn", fn, "(pos, neg, n_pairs) -> (x, y)")
    pos, neg = _probe_images(5, 10.0), _probe_images(4, 100.0)
    n_pairs = 12
    result = call(exercise, fn, pos.copy(), neg.copy(), n_pairs)
    try:
        x, y = (to_numpy(v) for v in result)
    except (TypeError, ValueError):
        raise wrong(exercise, f"expected (x, y) like asker.make_pairs, got {type(result).__name__}") from None
    if x.shape != (n_pairs, 2, 1, 4, 5) or y.shape != (n_pairs, 2):
        raise wrong(exercise, f"expected x of shape {(n_pairs, 2, 1, 4, 5)} and y of shape "
                              f"{(n_pairs, 2)} (as asker.make_pairs), got {x.shape} and {y.shape}")
    ids = np.round(x[:, :, 0].mean(axis=(2, 3)) * 255.0, 3)   # which image is in each branch
    if np.any(ids > 300):
        raise wrong(exercise, "the pixels are not divided by 255 as in asker.make_pairs: change only "
                              "the index.")
    anchor = np.array([10.0 + (i // 2) % 5 for i in range(n_pairs)])
    other = np.array([10.0 + (i // 2 + 1) % 5 if i % 2 == 0 else 100.0 + (i // 2) % 4
                      for i in range(n_pairs)])
    expected_y = np.array([(1.0, 0.0) if i % 2 == 0 else (0.0, 1.0) for i in range(n_pairs)])
    if np.all(ids[:, 0] == ids[:, 1]):
        if np.allclose(ids[:, 0], other):
            raise wrong(exercise, "both branches now see the SECOND image of each pair: the bug has "
                                  "moved from "
                                  "pair[0] to pair[1], not gone. Branch j must get image j of the pair.")
        raise wrong(exercise, "both branches still see the same image in every pair: the network gets no "
                              "difference to learn from.")
    if np.any(ids[:, 0] == ids[:, 1]):
        raise wrong(exercise, f"{int(np.sum(ids[:, 0] == ids[:, 1]))} of {n_pairs} pairs still have the same "
                              "image in both branches.")
    same_order = np.allclose(ids[:, 0], anchor) and np.allclose(ids[:, 1], other)
    as_sets = np.allclose(np.sort(ids, axis=1), np.sort(np.c_[anchor, other], axis=1))   # order per pair free
    if not as_sets:
        raise wrong(exercise, "the images in each pair are not the asker's anchor and other image: "
                              "change only "
                              "the index, not how pairs are chosen.")
    if not close(y, expected_y):
        raise wrong(exercise, "the labels differ from asker.make_pairs': keep [1, 0] for same, [0, 1] for "
                              "different.")
    order = "" if same_order else (" (branches in the other order in some pairs: the |difference| does not "
                                   "mind)")
    return passed(exercise, "every pair now shows its two images, one per branch, with the asker's "
                            f"labels{order}.")


@checker
def check_constant_output(fn: Callable, model_class: Any = None) -> Verdict:
    """Exercise 03-2: ``fn(model) -> (2,)`` predicts, from the parameters alone, the output the
    asker's ``SiameseCNN`` gives every pair when both branches see the same image."""
    exercise = "03-2 the one output"
    fn = require_callable("fn", fn, "(model) -> the two outputs")
    import torch

    if model_class is None:
        from siamlab.torch.asker import SiameseCNN as model_class
    for seed in (0, 1, 2, 3):
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            model = model_class()
        bias = model.linear2[0].bias.detach().clone()
        if seed == 0:   # force one negative and one positive bias: the ReLU must show
            with torch.no_grad():
                model.linear2[0].bias.copy_(torch.tensor([-0.05, 0.07]))
            bias = model.linear2[0].bias.detach().clone()
        with torch.no_grad():
            image = torch.rand(1, 1, 40, 50, generator=torch.Generator().manual_seed(seed))
            truth = model(torch.stack([image, image], dim=1)).reshape(-1).numpy().astype(np.float64)
        got = to_numpy(call(exercise, fn, model)).reshape(-1)
        if got.shape != (2,):
            raise wrong(exercise, f"expected the two outputs, shape (2,), got {got.shape}")
        if close(got, truth, rtol=1e-5):
            continue
        b = bias.numpy().astype(np.float64)
        if close(got, b):
            raise wrong(exercise, "your answer is linear2's bias as it is, and this model has a negative "
                                  "bias: the asker's network never outputs a negative number. Look at "
                                  "every layer of linear2, not only the Linear one.")
        if close(got, 1 / (1 + np.exp(-b))):
            raise wrong(exercise, "that is the sigmoid of the bias, the head of the answer on the forum, "
                                  "not the asker's: look at the asker's linear2 again.")
        raise wrong(exercise, "not the output the model gives a pair of identical images. What is "
                              "|res[1] - res[0]| when both branches see the same image, and what does "
                              "linear2 make of that vector?")
    return passed(exercise, "for every model, also where a bias is negative: the output depends on linear2's "
                            "bias only, so every pair gets the same answer.")
