"""Notebook 04 over model seeds: which of its steps' results hold at other seeds, and how far they
spread (no asserts; the notebook quotes these numbers, with this command, where it cites them).

The notebook trains with ``siamlab.seed_everything(0)``; here each run starts from
``seed_everything(s)`` for s in ``--seeds`` instead (the model's initial weights). Everything
else is the notebook's: the data (``object_pairs(1000, 1536, 256)``, built at seed 0), the loop
(``fit`` of ``benchmarks/torch_long_budget.py``, a copy of the notebook's), the batch order
(``batches(..., seed=0)``) and 1 CPU thread, as the notebook sets it. So the seed-0 rows repeat
the notebook's own numbers.

Parts:

- ``init``: the asker's ``ReLU`` head before training (step 2): per output, the share of the 256
  training pairs on which it is exactly 0 (a dead ReLU: no gradient), the ``BCELoss`` at
  initialisation, and how far the mean outputs lie from ``ReLU(linear2.bias)``;
- ``heads``: 30 epochs (240 steps), fixed order, 256 pairs: the asker's ``ReLU`` head with SGD at
  1e-2 (where it learned fastest at seed 0), the ``Sigmoid`` head with SGD at 3e-2 (ditto) and with
  Adam at 1e-3 (step 4; its epoch-10 column is step 4's 80-step run); and the step-4 control, Adam
  1e-3 on the ``ReLU`` head, for 10 epochs: where ``BCELoss`` refuses a batch, or ``never moved``
  (no parameter changed: every output dead on every pair);
- ``shuffle``: step 5, the Sigmoid head with Adam 1e-3 shuffled, 80 steps, against the fixed order
  (the ``heads`` part's Adam run at epoch 10);
- ``data``: steps 6-8, global max over positions, Adam 1e-3, shuffled, read at 80 / 160 / 240 /
  320 / 480 steps, on three sets of training pairs: ``256`` (the first 256 pairs: 257 distinct
  images), ``1536 same images`` (those 256 pairs plus 1,280 new pairs recombined from the same 257
  images, ``recombined_pairs`` below, as in the notebook's step 8) and ``1536 new images`` (the pool's
  first 1,536 pairs: 1,434 images). A shorter run is the start of the longer one.
- ``lrtest``: step 9's learning-rate range test (``siamlab.torch.lr_range_test``, Siamese net with
  the notebook's ``object_encoder`` and a logit head, 300 steps from 1e-5 to 1, loss smoothed over
  10 steps) for SGD and Adam.

    .venv/bin/python benchmarks/torch_seed_spread.py                        # all parts, seeds 0-9
    .venv/bin/python benchmarks/torch_seed_spread.py --part data --seeds 0,1,2

Measured once, 2026-12-07 (torch 2.13 CPU, 1 thread of a shared 2-core machine; command: all
parts, seeds 0-9; the output below is the printed one, with shorter labels: ``sN`` = seed N, ``epN`` = epoch
N, ``refused E/B``: ``BCELoss`` refused batch B of epoch E):
  seeded with torch 1 thread; results repeat bitwise only at the same thread count | torch 2.13.0+cpu
  init: the asker's ReLU head before training, 256 training pairs
  seed 0: exactly 0: 0.000 0.000 | BCE  1.745 | means 0.0344 0.0290 | max |mean - ReLU(bias)| 0.0008
  seed 1: exactly 0: 0.000 1.000 | BCE 25.746 | means 0.0534 0.0000 | max |mean - ReLU(bias)| 0.0010
  seed 2: exactly 0: 0.000 0.000 | BCE  1.300 | means 0.0650 0.1013 | max |mean - ReLU(bias)| 0.0020
  seed 3: exactly 0: 1.000 1.000 | BCE 50.000 | means 0.0000 0.0000 | max |mean - ReLU(bias)| 0.0000
  seed 4: exactly 0: 1.000 1.000 | BCE 50.000 | means 0.0000 0.0000 | max |mean - ReLU(bias)| 0.0000
  seed 5: exactly 0: 1.000 1.000 | BCE 50.000 | means 0.0000 0.0000 | max |mean - ReLU(bias)| 0.0000
  seed 6: exactly 0: 1.000 1.000 | BCE 50.000 | means 0.0000 0.0000 | max |mean - ReLU(bias)| 0.0000
  seed 7: exactly 0: 1.000 0.000 | BCE 25.807 | means 0.0000 0.0414 | max |mean - ReLU(bias)| 0.0000
  seed 8: exactly 0: 1.000 1.000 | BCE 50.000 | means 0.0000 0.0000 | max |mean - ReLU(bias)| 0.0000
  seed 9: exactly 0: 1.000 0.922 | BCE 48.385 | means 0.0000 0.0000 | max |mean - ReLU(bias)| 0.0000
  heads: 240 steps, fixed order, 256 pairs; at epochs 4 / 10 / 30 (or the last before a crash):
    loss, training accuracy, held-out accuracy
  s0 ReLU SGD 1e-2: ep4 0.699 0.500 0.500 | ep10 0.691 0.734 0.566 | ep24 0.612 0.793 0.625 | refused 25/6
  s0 Sigmoid SGD 3e-2: ep4 0.693 0.586 0.520 | ep10 0.692 0.824 0.594 | ep30 0.551 0.727 0.605
  s0 Sigmoid Adam 1e-3: ep4 0.485 0.766 0.613 | ep10 0.262 0.910 0.605 | ep30 0.000 1.000 0.660
  s0 ReLU Adam 1e-3 control: epoch 1, batch 7
  s1 ReLU SGD 1e-2: ep4 25.348 0.500 0.500 | ep10 25.344 0.500 0.500 | ep20 25.266 0.500 0.500 | refused 21/1
  s1 Sigmoid SGD 3e-2: ep4 0.693 0.500 0.500 | ep10 0.692 0.824 0.598 | ep30 0.430 0.793 0.602
  s1 Sigmoid Adam 1e-3: ep4 0.502 0.789 0.574 | ep10 0.141 0.969 0.605 | ep30 0.000 1.000 0.602
  s1 ReLU Adam 1e-3 control: epoch 1, batch 7
  s2 ReLU SGD 1e-2: ep4 0.699 0.500 0.500 | ep10 0.691 0.715 0.531 | ep26 0.539 0.824 0.629 | refused 27/1
  s2 Sigmoid SGD 3e-2: ep4 0.693 0.500 0.500 | ep10 0.693 0.867 0.527 | ep30 0.687 0.859 0.613
  s2 Sigmoid Adam 1e-3: ep4 0.453 0.789 0.605 | ep10 0.181 0.926 0.598 | ep30 0.000 1.000 0.629
  s2 ReLU Adam 1e-3 control: epoch 2, batch 1
  s3 ReLU SGD 1e-2: ep4 50.000 0.500 0.500 | ep10 50.000 0.500 0.500 | ep30 50.000 0.500 0.500
  s3 Sigmoid SGD 3e-2: ep4 0.693 0.500 0.500 | ep10 0.693 0.812 0.566 | ep30 0.404 0.852 0.613
  s3 Sigmoid Adam 1e-3: ep4 0.597 0.699 0.551 | ep10 0.127 0.973 0.637 | ep30 0.000 1.000 0.602
  s3 ReLU Adam 1e-3 control: no crash, never moved
  s4 ReLU SGD 1e-2: ep4 50.000 0.500 0.500 | ep10 50.000 0.500 0.500 | ep30 50.000 0.500 0.500
  s4 Sigmoid SGD 3e-2: ep4 0.693 0.500 0.500 | ep10 0.692 0.852 0.582 | ep30 0.307 0.871 0.602
  s4 Sigmoid Adam 1e-3: ep4 0.547 0.730 0.602 | ep10 0.133 0.988 0.648 | ep30 0.000 1.000 0.633
  s4 ReLU Adam 1e-3 control: no crash, never moved
  s5 ReLU SGD 1e-2: ep4 50.000 0.500 0.500 | ep10 50.000 0.500 0.500 | ep30 50.000 0.500 0.500
  s5 Sigmoid SGD 3e-2: ep4 0.693 0.500 0.500 | ep10 0.693 0.855 0.598 | ep30 0.472 0.797 0.617
  s5 Sigmoid Adam 1e-3: ep4 0.500 0.809 0.609 | ep10 0.130 0.977 0.656 | ep30 0.000 1.000 0.652
  s5 ReLU Adam 1e-3 control: no crash, never moved
  s6 ReLU SGD 1e-2: ep4 50.000 0.500 0.500 | ep10 50.000 0.500 0.500 | ep30 50.000 0.500 0.500
  s6 Sigmoid SGD 3e-2: ep4 0.692 0.555 0.555 | ep10 0.644 0.672 0.566 | ep30 0.427 0.805 0.617
  s6 Sigmoid Adam 1e-3: ep4 0.528 0.777 0.598 | ep10 0.204 0.930 0.660 | ep30 0.000 1.000 0.656
  s6 ReLU Adam 1e-3 control: no crash, never moved
  s7 ReLU SGD 1e-2: ep4 25.348 0.500 0.500 | ep10 25.345 0.500 0.500 | ep21 25.321 0.500 0.500 | refused 22/8
  s7 Sigmoid SGD 3e-2: ep4 0.693 0.500 0.500 | ep10 0.693 0.801 0.609 | ep30 0.338 0.840 0.613
  s7 Sigmoid Adam 1e-3: ep4 0.461 0.820 0.637 | ep10 0.077 0.984 0.598 | ep30 0.000 1.000 0.613
  s7 ReLU Adam 1e-3 control: epoch 1, batch 8
  s8 ReLU SGD 1e-2: ep4 50.000 0.500 0.500 | ep10 50.000 0.500 0.500 | ep30 50.000 0.500 0.500
  s8 Sigmoid SGD 3e-2: ep4 0.693 0.500 0.500 | ep10 0.693 0.840 0.562 | ep30 0.662 0.648 0.551
  s8 Sigmoid Adam 1e-3: ep4 0.589 0.719 0.625 | ep10 0.118 0.984 0.641 | ep30 0.000 1.000 0.633
  s8 ReLU Adam 1e-3 control: no crash, never moved
  s9 ReLU SGD 1e-2:  | refused 1/2
  s9 Sigmoid SGD 3e-2: ep4 0.693 0.500 0.500 | ep10 0.691 0.840 0.645 | ep30 0.226 0.922 0.637
  s9 Sigmoid Adam 1e-3: ep4 0.475 0.793 0.625 | ep10 0.205 0.914 0.566 | ep30 0.000 1.000 0.621
  s9 ReLU Adam 1e-3 control: epoch 1, batch 8
  shuffle: Sigmoid head, Adam 1e-3, 80 steps: held-out accuracy fixed order -> shuffled
  seed 0: 0.605 -> 0.637 (+8 pairs), train - held-out 0.316
  seed 1: 0.605 -> 0.664 (+15 pairs), train - held-out 0.262
  seed 2: 0.598 -> 0.629 (+8 pairs), train - held-out 0.352
  seed 3: 0.637 -> 0.641 (+1 pairs), train - held-out 0.262
  seed 4: 0.648 -> 0.641 (-2 pairs), train - held-out 0.352
  seed 5: 0.656 -> 0.602 (-14 pairs), train - held-out 0.379
  seed 6: 0.660 -> 0.648 (-3 pairs), train - held-out 0.285
  seed 7: 0.598 -> 0.652 (+14 pairs), train - held-out 0.336
  seed 8: 0.641 -> 0.641 (+0 pairs), train - held-out 0.340
  seed 9: 0.566 -> 0.652 (+22 pairs), train - held-out 0.328
  distinct training images: 256 pairs 257, 1536 same images 257, 1536 new images 1434
  data: global max, Adam 1e-3, shuffled; held-out accuracy at 80 / 160 / 240 / 320 / 480 steps |
    training accuracy at 320 and 480
  s0 256: 0.914 0.957 0.969 0.969 0.965 | train 1.000 1.000 | 18 s
  s0 1536 same images: 0.926 0.965 0.977 0.973 0.977 | train 1.000 0.992 | 18 s
  s0 1536 new images: 0.879 0.949 0.980 0.984 0.988 | train 0.969 0.996 | 18 s
  s1 256: 0.887 0.922 0.918 0.945 0.934 | train 1.000 1.000 | 18 s
  s1 1536 same images: 0.727 0.848 0.848 0.871 0.863 | train 0.961 0.984 | 17 s
  s1 1536 new images: 0.875 0.832 0.941 0.953 0.969 | train 0.949 0.957 | 18 s
  s2 256: 0.891 0.934 0.953 0.961 0.961 | train 1.000 1.000 | 19 s
  s2 1536 same images: 0.891 0.930 0.918 0.961 0.961 | train 0.984 0.980 | 19 s
  s2 1536 new images: 0.891 0.934 0.949 0.965 0.965 | train 0.980 0.977 | 18 s
  s3 256: 0.891 0.926 0.926 0.941 0.938 | train 1.000 1.000 | 17 s
  s3 1536 same images: 0.832 0.891 0.926 0.930 0.957 | train 0.922 0.988 | 18 s
  s3 1536 new images: 0.902 0.930 0.965 0.973 0.977 | train 0.980 0.984 | 19 s
  s4 256: 0.875 0.879 0.883 0.895 0.906 | train 1.000 1.000 | 19 s
  s4 1536 same images: 0.848 0.910 0.922 0.945 0.961 | train 0.973 1.000 | 19 s
  s4 1536 new images: 0.855 0.898 0.910 0.918 0.949 | train 0.922 0.953 | 18 s
  s5 256: 0.863 0.875 0.867 0.867 0.871 | train 1.000 1.000 | 18 s
  s5 1536 same images: 0.871 0.898 0.914 0.906 0.945 | train 0.883 0.977 | 18 s
  s5 1536 new images: 0.898 0.895 0.914 0.953 0.992 | train 0.941 0.973 | 18 s
  s6 256: 0.836 0.887 0.875 0.875 0.883 | train 0.918 1.000 | 18 s
  s6 1536 same images: 0.777 0.887 0.918 0.930 0.965 | train 0.902 0.973 | 18 s
  s6 1536 new images: 0.758 0.895 0.918 0.938 0.980 | train 0.945 0.984 | 19 s
  s7 256: 0.867 0.871 0.887 0.895 0.867 | train 0.969 0.996 | 19 s
  s7 1536 same images: 0.875 0.906 0.930 0.945 0.969 | train 0.988 0.996 | 19 s
  s7 1536 new images: 0.836 0.918 0.934 0.969 0.988 | train 0.953 0.996 | 18 s
  s8 256: 0.844 0.895 0.895 0.898 0.895 | train 1.000 1.000 | 19 s
  s8 1536 same images: 0.859 0.902 0.957 0.953 0.957 | train 0.996 0.984 | 20 s
  s8 1536 new images: 0.910 0.938 0.965 0.977 0.984 | train 0.992 1.000 | 21 s
  s9 256: 0.895 0.898 0.922 0.918 0.930 | train 1.000 1.000 | 20 s
  s9 1536 same images: 0.871 0.863 0.891 0.895 0.934 | train 0.879 0.949 | 19 s
  s9 1536 new images: 0.875 0.906 0.926 0.949 0.973 | train 0.938 0.953 | 19 s
  lrtest: 300 steps, 1e-5 to 1, smoothed over 10 steps: lowest smoothed loss and its rate; smoothed
    loss at 3e-3 and at 1e-1; lowest at rates <= 0.1
  s0 sgd : lowest 0.690 at 1.4e-05 | at 3e-3 0.693 | at 1e-1 0.694 | lowest <= 0.1: 0.690
  s0 adam: lowest 0.336 at 2.5e-02 | at 3e-3 0.662 | at 1e-1 0.567 | lowest <= 0.1: 0.336
  s1 sgd : lowest 0.582 at 4.3e-01 | at 3e-3 0.696 | at 1e-1 0.693 | lowest <= 0.1: 0.688
  s1 adam: lowest 0.329 at 2.1e-02 | at 3e-3 0.541 | at 1e-1 1.558 | lowest <= 0.1: 0.329
  s2 sgd : lowest 0.600 at 4.0e-01 | at 3e-3 0.696 | at 1e-1 0.693 | lowest <= 0.1: 0.688
  s2 adam: lowest 0.284 at 1.6e-02 | at 3e-3 0.478 | at 1e-1 0.758 | lowest <= 0.1: 0.284
  s3 sgd : lowest 0.686 at 1.4e-05 | at 3e-3 0.693 | at 1e-1 0.694 | lowest <= 0.1: 0.686
  s3 adam: lowest 0.390 at 8.8e-03 | at 3e-3 0.661 | at 1e-1 0.712 | lowest <= 0.1: 0.390
  s4 sgd : lowest 0.638 at 3.7e-01 | at 3e-3 0.694 | at 1e-1 0.693 | lowest <= 0.1: 0.690
  s4 adam: lowest 0.321 at 2.5e-02 | at 3e-3 0.461 | at 1e-1 0.738 | lowest <= 0.1: 0.321
  s5 sgd : lowest 0.623 at 5.8e-01 | at 3e-3 0.699 | at 1e-1 0.693 | lowest <= 0.1: 0.685
  s5 adam: lowest 0.377 at 8.8e-03 | at 3e-3 0.655 | at 1e-1 0.811 | lowest <= 0.1: 0.377
  s6 sgd : lowest 0.598 at 5.0e-01 | at 3e-3 0.702 | at 1e-1 0.693 | lowest <= 0.1: 0.685
  s6 adam: lowest 0.368 at 2.5e-02 | at 3e-3 0.620 | at 1e-1 0.700 | lowest <= 0.1: 0.368
  s7 sgd : lowest 0.600 at 1.9e-01 | at 3e-3 0.701 | at 1e-1 0.689 | lowest <= 0.1: 0.685
  s7 adam: lowest 0.338 at 4.4e-02 | at 3e-3 0.469 | at 1e-1 0.881 | lowest <= 0.1: 0.338
  s8 sgd : lowest 0.531 at 3.0e-01 | at 3e-3 0.695 | at 1e-1 0.692 | lowest <= 0.1: 0.689
  s8 adam: lowest 0.302 at 4.4e-02 | at 3e-3 0.464 | at 1e-1 0.840 | lowest <= 0.1: 0.302
  s9 sgd : lowest 0.484 at 1.7e-01 | at 3e-3 0.694 | at 1e-1 0.681 | lowest <= 0.1: 0.681
  s9 adam: lowest 0.299 at 1.2e-02 | at 3e-3 0.350 | at 1e-1 0.641 | lowest <= 0.1: 0.299
  total 1059 s
"""
from __future__ import annotations

import argparse
import importlib.util
import math
import pathlib
import time

import numpy as np
import torch
from torch import nn

import siamlab
from siamlab.data.pairs import PairBatch
from siamlab.torch import Encoder, SiameseNet, asker, lr_range_test
from siamlab.torch.data import object_pairs

_spec = importlib.util.spec_from_file_location(
    "torch_long_budget", pathlib.Path(__file__).with_name("torch_long_budget.py"))
long_budget = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(long_budget)
fit, stacked = long_budget.fit, long_budget.stacked
SigmoidHead, GlobalMaxEncoder = long_budget.SigmoidHead, long_budget.GlobalMaxEncoder
N_PAIRS = 256


def recombined_pairs(pairs: PairBatch, n_first: int, n_total: int, seed: int = 123) -> PairBatch:
    """The first ``n_first`` pairs, then new pairs up to ``n_total`` built only from the images of
    those first pairs (object images with object images, or with other images, alternately), none
    a repeat and none with one image twice: more pairs, no new image (notebook 04, step 8)."""
    left, right, same = (list(a[:n_first]) for a in (pairs.left, pairs.right, pairs.same))
    objects = np.unique(np.r_[left, [r for r, s in zip(right, same) if s == 1]])
    others = np.unique([r for r, s in zip(right, same) if s == 0])
    seen, rng = set(zip(left, right)), np.random.default_rng(seed)
    while len(left) < n_total:
        is_same = len(left) % 2 == 0
        a, b = rng.choice(objects), rng.choice(objects if is_same else others)
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        left.append(a), right.append(b), same.append(int(is_same))
    return PairBatch(np.asarray(left, np.int64), np.asarray(right, np.int64), np.asarray(same, np.uint8))


def object_encoder(in_channels=1):
    """The notebook's encoder for steps 9-10."""
    return Encoder(16, image_shape=(40, 50), in_channels=in_channels, filters=8, conv_blocks=3,
                   global_pool=True)


def part_init(small, seeds) -> None:
    print("\ninit: the asker's ReLU head before training, 256 training pairs")
    x, y = small[0]
    for seed in seeds:
        siamlab.seed_everything(seed)
        model = asker.SiameseCNN()
        with torch.no_grad():
            out = model(x)
        dead = (out == 0).float().mean(0).tolist()
        off = float((out.mean(0) - torch.relu(model.linear2[0].bias.detach())).abs().max())
        print(f"seed {seed}: share exactly 0 per output {dead[0]:.3f} {dead[1]:.3f} | BCE at init "
              f"{nn.BCELoss()(out, y).item():6.3f} | mean outputs {out.mean(0)[0]:.4f} {out.mean(0)[1]:.4f}"
              f" | max |mean output - ReLU(bias)| {off:.4f}", flush=True)


def _row(rows, crash) -> str:
    cells = " | ".join(f"ep{e} {rows[e][0]:.3f} {rows[e][1]:.3f} {rows[e][2]:.3f}" for e in sorted(rows))
    return cells + (f" | refuses {crash.split(':')[0]}" if crash else "")


def part_heads(small, seeds) -> dict:
    print("\nheads: 240 steps, fixed order, 256 pairs; at epochs 4 / 10 / 30 (or the last before a"
          " crash): loss, training accuracy, held-out accuracy")
    adam10 = {}
    for seed in seeds:
        for name, make, opt, lr in (("ReLU SGD 1e-2", asker.SiameseCNN, "sgd", 1e-2),
                                    ("Sigmoid SGD 3e-2", SigmoidHead, "sgd", 3e-2),
                                    ("Sigmoid Adam 1e-3", SigmoidHead, "adam", 1e-3)):
            siamlab.seed_everything(seed)
            rows, crash = fit(make(), small, optimizer=opt, lr=lr, epochs=30, eval_at=(4, 10, 30))
            if name.startswith("Sigmoid Adam"):
                adam10[seed] = rows[10][2]
            print(f"seed {seed} {name:17s}: {_row(rows, crash)}", flush=True)
        siamlab.seed_everything(seed)
        model = asker.SiameseCNN()
        before = [p.detach().clone() for p in model.parameters()]
        rows, crash = fit(model, small, optimizer="adam", lr=1e-3, epochs=10, eval_at=())
        moved = any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
        print(f"seed {seed} ReLU Adam 1e-3 (control, 10 epochs): "
              f"{crash.split(':')[0] if crash else 'no crash'}{'' if moved else ', never moved'}", flush=True)
    return adam10


def part_shuffle(small, seeds, adam10) -> None:
    print("\nshuffle: Sigmoid head, Adam 1e-3, 80 steps: held-out accuracy fixed order -> shuffled")
    for seed in seeds:
        siamlab.seed_everything(seed)
        rows, _ = fit(SigmoidHead(), small, optimizer="adam", lr=1e-3, epochs=10, shuffle=True, eval_at=(10,))
        fixed = adam10.get(seed)
        change = f"{fixed:.3f} -> {rows[10][2]:.3f} ({(rows[10][2] - fixed) * 256:+.0f} pairs)" if fixed \
            else f"shuffled {rows[10][2]:.3f} (run the heads part for the fixed order)"
        print(f"seed {seed}: {change}, train minus held-out (shuffled) {rows[10][1] - rows[10][2]:.3f}",
              flush=True)


def part_data(sets, seeds) -> None:
    print("\ndata: global max, Adam 1e-3, shuffled; held-out accuracy at 80 / 160 / 240 / 320 / 480 "
          "steps | training accuracy at 320 and 480")
    for seed in seeds:
        for name, data in sets.items():
            siamlab.seed_everything(seed)
            t0 = time.perf_counter()
            rows, crash = fit(GlobalMaxEncoder(), data, optimizer="adam", lr=1e-3, epochs=60, shuffle=True,
                              eval_at=(10, 20, 30, 40, 60))
            print(f"seed {seed} {name:17s}: " + " ".join(f"{rows[e][2]:.3f}" for e in sorted(rows))
                  + f" | train {rows[40][1]:.3f} {rows[60][1]:.3f}"
                  + f" | {time.perf_counter() - t0:.0f} s{' ' + crash if crash else ''}", flush=True)


def part_lrtest(pool, seeds, window=10) -> None:
    print("\nlrtest: 300 steps, 1e-5 to 1, smoothed over 10 steps: lowest smoothed loss and its rate; "
          "smoothed loss at 3e-3 and at 1e-1; lowest at rates <= 0.1")
    for seed in seeds:
        for opt in ("sgd", "adam"):
            siamlab.seed_everything(seed)
            rates, losses = lr_range_test(SiameseNet(object_encoder(), "logit"), pool.train_images,
                                          pool.train_pairs, lr_min=1e-5, lr_max=1.0, steps=300, batch_size=32,
                                          optimizer=opt)
            smooth = np.convolve(np.nan_to_num(losses, nan=np.inf), np.ones(window) / window, mode="valid")
            rates = rates[window // 2: window // 2 + len(smooth)]
            best = int(np.argmin(smooth))
            below = rates <= 0.1
            at = {lr: smooth[np.argmin(abs(rates - lr))] for lr in (3e-3, 1e-1)}
            print(f"seed {seed} {opt:4s}: lowest {smooth[best]:.3f} at {rates[best]:.1e}"
                  f" | at 3e-3 {at[3e-3]:.3f} | at 1e-1 {at[1e-1]:.3f}"
                  f" | lowest at <= 0.1: {smooth[below].min():.3f} (ln 2 = {math.log(2):.3f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="all",
                        choices=("init", "heads", "shuffle", "data", "lrtest", "all"))
    parser.add_argument("--seeds", default="0,1,2,3,4,5,6,7,8,9")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    torch.set_num_threads(1)   # as the notebook: results repeat bitwise only at the same thread count
    siamlab.seed_everything(0)
    print(siamlab.seeding.describe_threads(), "| torch", torch.__version__, "| seeds", seeds)
    pool = object_pairs(1000, 1536, 256)
    x_all, y_all = stacked(pool.train_images, pool.train_pairs)
    held = stacked(pool.test_images, pool.test_pairs)
    small = ((x_all[:N_PAIRS], y_all[:N_PAIRS]), held)
    t0 = time.perf_counter()
    if args.part in ("init", "all"):
        part_init(small, seeds)
    adam10 = {}
    if args.part in ("heads", "all"):
        adam10 = part_heads(small, seeds)
    if args.part in ("shuffle", "all"):
        part_shuffle(small, seeds, adam10)
    if args.part in ("data", "all"):
        recomb = recombined_pairs(pool.train_pairs, N_PAIRS, len(x_all))
        images = [len(np.unique(np.r_[p.left, p.right])) for p in
                  (pool.train_pairs[:N_PAIRS], recomb, pool.train_pairs)]
        print(f"\ndistinct training images: 256 pairs {images[0]}, 1536 same images {images[1]}, "
              f"1536 new images {images[2]}")
        sets = {"256": small, "1536 same images": (stacked(pool.train_images, recomb), held),
                "1536 new images": ((x_all, y_all), held)}
        part_data(sets, seeds)
    if args.part in ("lrtest", "all"):
        part_lrtest(pool, seeds)
    print(f"\n{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
