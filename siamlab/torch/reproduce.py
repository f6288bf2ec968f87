"""``python -m siamlab reproduce torch-asker|torch-fixed``: the PyTorch asker's setup, then the
fix; prints the epoch log and returns the measured numbers (keys shared with the tf track)."""
from __future__ import annotations

import numpy as np
import torch

import siamlab
from siamlab import config, metrics
from siamlab.torch import asker
from siamlab.torch.data import object_pairs, split_object
from siamlab.torch.models import Encoder, SiameseNet
from siamlab.torch.train import evaluate, pair_distances, train

DATA = "siamlab.data.make_objects: 'ring' vs the other objects, 1x40x50"


def _outputs_summary(outputs: np.ndarray) -> dict:
    """How many different answers the model gives across pairs, and their spread (max - min) across pairs."""
    return {"distinct_outputs": int(len(np.unique(outputs.round(6), axis=0))),
            "output_spread": float(np.max(np.ptp(outputs, axis=0)))}


def run_asker() -> dict:
    """The asker's SiameseCNN, BCELoss and SGD 1e-6 on pairs built with the index bug."""
    device = siamlab.device()
    pos, neg = split_object(config.pick(40, 200), "ring", seed=0)
    x, y = asker.make_pairs(pos, neg, config.pick(128, 1024))
    model = asker.SiameseCNN().to(device)
    epochs = config.pick(5, 100)
    losses = asker.train_loop(model, asker.make_loader(x, y, bs=32), epochs=epochs)
    x_test, y_test = asker.make_pairs(pos, neg, 64)
    with torch.no_grad():
        out = model(torch.from_numpy(x_test).to(device)).cpu().numpy()
    same = y_test[:, 0]
    score = out[:, 0] - out[:, 1]  # the asker's reading: first output high = same object
    return {"data": DATA, "epochs": epochs, "final_loss": float(losses[-1]), "baseline": float(np.log(2)),
            "held_out_accuracy": float(((score > 0) == same).mean()), "asker_accuracy": None,
            "auc": metrics.roc_analysis(-score, same).auc, "threshold": None, **_outputs_summary(out),
            "relu_bias": torch.relu(model.linear2[0].bias.detach()).cpu().tolist()}


def run_fixed() -> dict:
    """A SiameseNet with a distance head and the contrastive loss on correctly built pairs."""
    data = object_pairs(config.pick(1000, 3000), n_train=config.pick(1536, 8192), n_test=256)
    model = SiameseNet(Encoder(16, (40, 50), filters=8, conv_blocks=3, global_pool=True)).to(siamlab.device())
    epochs = config.pick(10, 30)
    history = train(model, data.train_images, data.train_pairs, epochs=epochs, learning_rate=3e-3,
                    batch_size=32, held_out=(data.test_images, data.test_pairs), log=print)
    d = pair_distances(model, data.test_images, data.test_pairs)
    return {"data": DATA, "epochs": epochs, "final_loss": history.last("data_loss"),
            "baseline": history.baseline,
            "held_out_accuracy": evaluate(model, data.test_images, data.test_pairs), "asker_accuracy": None,
            "auc": metrics.roc_analysis(d, data.test_pairs.same).auc, "threshold": 0.5, **_outputs_summary(d),
            "relu_bias": None}


def run(variant: str) -> dict:
    """Dispatch for the CLI: "asker" or "fixed"."""
    runs = {"asker": run_asker, "fixed": run_fixed}
    if variant not in runs:
        raise ValueError(f"variant must be one of {sorted(runs)}, got {variant!r}")
    return runs[variant]()
