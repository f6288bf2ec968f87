"""Pairs per second: the PyTorch asker's loop vs the fixed training step, on the same pairs
(no asserts).

    .venv/bin/python benchmarks/torch_speed.py
"""
from __future__ import annotations

import time

import torch

import siamlab
from siamlab.torch import Encoder, SiameseNet, asker, train
from siamlab.torch.data import asker_pairs_fixed, object_pairs, split_object


def _rate(fn, n_pairs: int) -> float:
    fn()  # warm-up
    start = time.perf_counter()
    fn()
    return n_pairs / (time.perf_counter() - start)


def main() -> None:
    torch.set_num_threads(1)
    siamlab.seed_everything(0)
    device = siamlab.device()
    data = object_pairs(200, n_train=256, n_test=32)
    pos, neg = split_object(200, "ring", seed=0)
    x, y = asker_pairs_fixed(pos, neg, 256)
    loader = asker.make_loader(x, y, bs=32)
    asker_model = asker.SiameseCNN().to(device)
    fixed = (data.train_images, data.train_pairs)
    encoder = lambda: Encoder(16, (40, 50), filters=8, conv_blocks=3, global_pool=True)
    rates = {
        "asker's loop (SiameseCNN, BCELoss, SGD)": _rate(
            lambda: asker.train_loop(asker_model, loader, 1, log=None), 256),
        "fixed (SiameseNet, logit head, Adam)": _rate(lambda: train(
            SiameseNet(encoder(), "logit").to(device), *fixed, epochs=1, batch_size=32), 256),
        "fixed (SiameseNet, distance head, Adam)": _rate(lambda: train(
            SiameseNet(encoder()).to(device), *fixed, epochs=1, batch_size=32), 256),
    }
    print(f"device: {device}, torch {torch.__version__}, 1 thread, batch 32, 256 pairs per measurement")
    for name, rate in rates.items():
        print(f"{name:50s} {rate:8.0f} pairs/s")


if __name__ == "__main__":
    main()
