"""Pairs per second: the fixed training step (SiameseNet, Adam) vs the seed's loop, same data (no asserts)."""
from __future__ import annotations

import time

import torch

import siamlab
from siamlab.torch import seed
from siamlab.torch.data import object_pairs
from siamlab.torch.models import SiameseNet
from siamlab.torch.train import train


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
    y2 = torch.stack([data.same_train, 1 - data.same_train], 1)
    loader = seed.make_loader(data.x_train.numpy(), y2.numpy(), bs=32)
    seed_model = seed.SiameseCNN().to(device)
    rates = {
        "seed loop (SiameseCNN, BCELoss, SGD)": _rate(lambda: seed.seed_train_loop(seed_model, loader, epochs=1, log=None), 256),
        "fixed, seed layout (SiameseNet pool=False, Adam)": _rate(lambda: train(
            SiameseNet("logit", pool=False).to(device), data.x_train, data.same_train, epochs=1, log=None), 256),
        "fixed (SiameseNet pooled encoder, Adam)": _rate(lambda: train(
            SiameseNet("logit", dim=16).to(device), data.x_train, data.same_train, epochs=1, log=None), 256),
    }
    print(f"device: {device}, torch {torch.__version__}, 1 thread, batch 32, 256 pairs per measurement")
    for name, rate in rates.items():
        print(f"{name:50s} {rate:8.0f} pairs/s")


if __name__ == "__main__":
    main()
