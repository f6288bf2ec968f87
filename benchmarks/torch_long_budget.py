"""Notebook 04 at a longer budget: what its steps 2-8 show when training runs longer than the
notebook can afford (no asserts; the notebook cites these numbers as "measured once").

The notebook trains the asker's model (``siamlab.torch.asker.SiameseCNN``) with the asker's loss
(``BCELoss`` on two outputs) and batches of 32, in epochs of 8 batches (256 pairs), on the same
data (``object_pairs(1000, 1536, 256)``: 1,536 training pairs, 256 held-out pairs of other
images). Its loop, ``fit``, is copied here (with ``eval_at``: the epochs at which held-out
accuracy is measured; the last finished epoch is measured too when ``BCELoss`` refuses a batch),
so at the same thread count the epoch-4 column repeats the notebook's sweeps and the 80-step row
its step 6. The training accuracy is the notebook's: the share of an epoch's pairs classified
right as they were trained on.

Parts:

- ``heads``: the sweeps of steps 2 (the asker's ``ReLU`` head) and 3 (``Sigmoid`` head) with the
  asker's SGD (momentum 0.9) at the notebook's five rates and 1e-4, for 30 epochs (240 steps)
  instead of 4;
- ``adam``: step 4 (Sigmoid head, Adam lr 1e-3, fixed order) and the asker's ReLU head with Adam,
  for 30 epochs instead of 10;
- ``data``: steps 6-8 (global max over positions, Adam lr 1e-3, shuffled) on the first 256 training
  pairs and on all 1,536, for 60 epochs (480 steps), read at 10, 20, 30, 40 and 60 epochs (80 to
  480 steps): a shorter run is the start of the longer one (same seed, same batches), so one run per
  pair count gives every budget.

    .venv/bin/python benchmarks/torch_long_budget.py                  # all parts
    .venv/bin/python benchmarks/torch_long_budget.py --part data      # one part

Measured once (torch 2.13 CPU, 2 threads of a shared 2-core machine, 1,831 s under load; the
notebook quotes these numbers where it cites them):
  heads, epoch 30 or the last before a crash (loss, training accuracy, held-out accuracy):
    ReLU     1e-6 1.557 0.500 0.488 | 1e-4 0.775 0.582 0.547 | 1e-3 0.691 0.762 0.547
             1e-2 epoch 24: 0.616 0.793 0.613, BCELoss refuses epoch 25 batch 6
             3e-2 epoch 16: 25.298 0.504 0.508, refuses epoch 17 | 1e-1 refuses epoch 1 batch 3
    Sigmoid  1e-6 0.693 0.500 0.504 | 1e-4 0.693 0.500 0.508 | 1e-3 0.693 0.508 0.488
             1e-2 0.691 0.809 0.590 | 3e-2 0.273 0.883 0.605
             1e-1 0.693 0.500 0.500 (held-out 0.566 0.629 0.500 0.500 at epochs 4 10 20 30)
  adam: Sigmoid head epoch 10 0.093 0.973 0.648, epoch 30 0.000 1.000 0.656; ReLU head: refuses
    epoch 1 batch 7.
  data, held-out accuracy at 80 / 160 / 240 / 320 / 480 steps:
    256 pairs   0.918 0.945 0.953 0.953 0.953
    1536 pairs  0.871 0.953 0.973 0.992 1.000
"""
from __future__ import annotations

import argparse
import copy
import time

import numpy as np
import torch
from torch import nn

import siamlab
from siamlab.torch import asker, batch_tensors
from siamlab.torch.data import object_pairs

BATCH, BATCHES_PER_EPOCH, N_PAIRS = 32, 8, 256
RATES = (1e-6, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1)


class SigmoidHead(asker.SiameseCNN):
    """The asker's model with the last activation a Sigmoid instead of a ReLU (notebook 04, step 3)."""

    def __init__(self):
        super().__init__()
        self.linear2[1] = nn.Sigmoid()


class GlobalMaxEncoder(SigmoidHead):
    """Step 6: a global max over positions before linear1 (64 inputs instead of 19,200)."""

    def __init__(self):
        super().__init__()
        self.linear1[0] = nn.Linear(64, 100)

    def forward(self, data):
        res = []
        for j in range(2):
            x = self.convnet(data[:, j, :, :])
            x = torch.amax(x, dim=(2, 3))
            res.append(self.linear1(x))
        fres = abs(res[1] - res[0])
        return self.linear2(fres)


def pair_accuracy(out, y) -> float:
    """Share of pairs where 'first output > second output' matches the label [1, 0] (same object)."""
    return float(((out[:, 0] > out[:, 1]).float() == y[:, 0]).float().mean())


def accuracy(model, x, y) -> float:
    with torch.no_grad():
        return pair_accuracy(torch.cat([model(x[i:i + 128]) for i in range(0, len(x), 128)]), y)


def batches(n, shuffle, seed):
    """Index batches of 32, pass after pass over n pairs: in a fresh order each pass if shuffle."""
    generator = torch.Generator().manual_seed(seed)
    while True:
        order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
        yield from order.split(BATCH)


def fit(model, data, *, optimizer="sgd", lr=1e-6, epochs=30, shuffle=False, seed=0, eval_at=()):
    """Notebook 04's loop: returns {epoch: (mean loss, training accuracy, held-out accuracy)} at
    ``eval_at`` and the crash or None. The training accuracy is the notebook's: the share of the
    epoch's pairs classified right as they were trained on. When ``BCELoss`` refuses a batch, the
    last finished epoch is reported too, its held-out accuracy measured on the model as it was then."""
    (x, y), (x_held, y_held) = data
    loss_fn = nn.BCELoss()
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    order = batches(len(x), shuffle, seed)
    rows, last = {}, None
    for epoch in range(1, epochs + 1):
        losses, correct = [], 0
        for batch in range(1, BATCHES_PER_EPOCH + 1):
            idx = next(order)
            try:
                out = model(x[idx])
                loss = loss_fn(out, y[idx])
            except RuntimeError as error:
                if last is not None:
                    probe = copy.deepcopy(model)
                    probe.load_state_dict(last[3])
                    rows[last[0]] = (last[1], last[2], accuracy(probe, x_held, y_held))
                return rows, f"epoch {epoch}, batch {batch}: {str(error).splitlines()[0]}"
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            correct += int(((out[:, 0] > out[:, 1]).float() == y[idx, 0]).sum())
        loss, train = float(np.mean(losses)), correct / (BATCH * BATCHES_PER_EPOCH)
        if epoch in eval_at:
            rows[epoch], last = (loss, train, accuracy(model, x_held, y_held)), None
        else:
            last = (epoch, loss, train, copy.deepcopy(model.state_dict()))
    return rows, None


def stacked(images, pairs):
    left, right, same = batch_tensors(images, pairs, "cpu")
    return torch.stack([left, right], 1), torch.stack([same, 1 - same], 1)


def cells(rows, epoch) -> str:
    if epoch not in rows:
        return f"{'-':>6} {'-':>5} {'-':>5}"
    loss, train, held = rows[epoch]
    return f"{loss:6.3f} {train:5.3f} {held:5.3f}"


def part_heads(small) -> None:
    print("\nSteps 2-3 at 30 epochs (240 steps): the asker's SGD (momentum 0.9), fixed order, 256 pairs")
    print(f"{'head':8s} {'lr':>7s} | {'epoch 4: loss train held':25s} | "
          f"{'epoch 30 (or last before a crash)':33s} | crash")
    for name, make in (("ReLU", asker.SiameseCNN), ("Sigmoid", SigmoidHead)):
        for lr in RATES:
            siamlab.seed_everything(0)
            t0 = time.perf_counter()
            rows, crash = fit(make(), small, lr=lr, epochs=30, eval_at=(4, 10, 20, 30))
            end = max(rows) if rows else None
            tail = f"epoch {end:2d}: {cells(rows, end)}" if end else "-"
            print(f"{name:8s} {lr:7.0e} | {cells(rows, 4):25s} | {tail:33s} | {crash or '-'}"
                  f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
            if len(rows) > 2:
                print(f"{'':18s}epochs {sorted(rows)}: held-out "
                      + " ".join(f"{rows[e][2]:.3f}" for e in sorted(rows)), flush=True)


def part_adam(small) -> None:
    print("\nStep 4 at 30 epochs (240 steps): Adam lr 1e-3, fixed order, 256 pairs")
    for name, make in (("Sigmoid", SigmoidHead), ("ReLU", asker.SiameseCNN)):
        siamlab.seed_everything(0)
        rows, crash = fit(make(), small, optimizer="adam", lr=1e-3, epochs=30, eval_at=(4, 10, 20, 30))
        for epoch in sorted(rows):
            print(f"{name:8s} epoch {epoch:2d} ({epoch * BATCHES_PER_EPOCH:3d} steps): loss, train, held-out "
                  f"{cells(rows, epoch)}")
        print(f"{name:8s} crash: {crash or '-'}", flush=True)


def part_data(small, big) -> None:
    print("\nSteps 6-8: global max, Adam lr 1e-3, shuffled; 256 vs 1,536 training pairs at 80 to 480"
          " steps")
    for name, data in (("256 pairs", small), ("1536 pairs", big)):
        siamlab.seed_everything(0)
        t0 = time.perf_counter()
        rows, crash = fit(GlobalMaxEncoder(), data, optimizer="adam", lr=1e-3, epochs=60, shuffle=True,
                          eval_at=(10, 20, 30, 40, 60))
        for epoch in sorted(rows):
            print(f"{name:10s} {epoch * BATCHES_PER_EPOCH:3d} steps (epoch {epoch:2d}): "
                  f"loss, train, held-out {cells(rows, epoch)}")
        print(f"{name:10s} crash: {crash or '-'} ({time.perf_counter() - t0:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("heads", "adam", "data", "all"), default="all")
    args = parser.parse_args()
    siamlab.seed_everything(0)
    print(siamlab.seeding.describe_threads(), "| torch", torch.__version__)
    pool = object_pairs(1000, 1536, 256)
    x_all, y_all = stacked(pool.train_images, pool.train_pairs)
    held = stacked(pool.test_images, pool.test_pairs)
    small, big = ((x_all[:N_PAIRS], y_all[:N_PAIRS]), held), ((x_all, y_all), held)
    t0 = time.perf_counter()
    if args.part in ("heads", "all"):
        part_heads(small)
    if args.part in ("adam", "all"):
        part_adam(small)
    if args.part in ("data", "all"):
        part_data(small, big)
    print(f"\n{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
