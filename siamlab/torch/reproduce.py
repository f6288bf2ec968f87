"""``python -m siamlab reproduce torch-seed|torch-fixed``: seed 2 broken, then fixed; returns numbers."""
from __future__ import annotations

import time

import torch

import siamlab
from siamlab import config


def _seed() -> dict:
    from siamlab.torch import seed
    from siamlab.torch.data import object_pairs

    data = object_pairs(config.pick(40, 200), n_train=config.pick(128, 1024), n_test=64,
                        partition=seed.partition_pairs)
    device = siamlab.device()
    model = seed.SiameseCNN().to(device)
    y_train = torch.stack([data.same_train, 1 - data.same_train], dim=1)  # the seed's one-hot labels
    loader = seed.make_loader(data.x_train.numpy(), y_train.numpy(), bs=32)
    seed.seed_train_loop(model, loader, epochs=config.pick(5, 100))
    with torch.no_grad():
        out = model(data.x_test[:32].to(device)).cpu()
    relu_bias = torch.relu(model.linear2[0].bias.detach()).cpu()
    accuracy = float(((out[:, 0] > out[:, 1]).float() == data.same_test[:32]).float().mean())
    return {"distinct_outputs": int(torch.unique(out, dim=0).shape[0]), "output": out[0].tolist(),
            "relu_bias": relu_bias.tolist(), "accuracy": accuracy,
            "max_abs_output_minus_relu_bias": float((out - relu_bias).abs().max())}


def _fixed() -> dict:
    from siamlab.torch.data import object_pairs
    from siamlab.torch.models import SiameseNet
    from siamlab.torch.train import evaluate, train

    data = object_pairs(config.pick(1000, 3000), n_train=config.pick(1536, 8192), n_test=256)
    device = siamlab.device()
    model = SiameseNet("distance", dim=16).to(device)  # contrastive loss, as in notebook 04 step 6
    train(model, data.x_train, data.same_train, epochs=config.pick(10, 30), lr=3e-3,
          test=(data.x_test, data.same_test))
    with torch.no_grad():
        model.eval()
        out = model(data.x_test[:32].to(device)).cpu()
    return {"distinct_outputs": int(torch.unique(out).shape[0]), "output": out[:4].tolist(),
            "relu_bias": None, "accuracy": evaluate(model, data.x_test, data.same_test)}


def run(variant: str) -> dict:
    """Train the "seed" or the "fixed" setup, print the epoch log, return its numbers."""
    if variant not in ("seed", "fixed"):
        raise ValueError(f"variant must be 'seed' or 'fixed', got {variant!r}")
    siamlab.seed_everything(0)
    print(f"device: {siamlab.device()}  mode: {config.mode_name()}")
    start = time.perf_counter()
    result = _seed() if variant == "seed" else _fixed()
    result.update(variant=variant, framework="torch", seconds=round(time.perf_counter() - start, 1))
    return result
