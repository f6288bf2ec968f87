"""Ten digits from the training images at hand: which change buys the held-out accuracy?

Trains the fixed TensorFlow pipeline on all ten digits with one change at a time and prints
held-out pair accuracy (threshold by ROC on 2,000 test-split pairs, accuracy on 2,000 others)
and the training time. Notebook 02's full mode (``SIAMLAB_FULL=1``) uses the fourth recipe;
``--seeds 1 2 3`` instead trains that recipe once per seed (is its number luck?).
Prints numbers; asserts nothing.

    SIAMLAB_DATA_DIR=../shared/data .venv/bin/python benchmarks/tf_ten_digits.py [--epochs 30] [--seeds 1 2 3]
"""
from __future__ import annotations

import argparse
import time

import siamlab

siamlab.seed_everything(0)
import siamlab.tf  # noqa: E402,F401  (applies the seed)
from siamlab import metrics  # noqa: E402
from siamlab.data.mnist import load_mnist  # noqa: E402
from siamlab.data.pairs import BalancedPairs  # noqa: E402
from siamlab.tf.models import Encoder  # noqa: E402
from siamlab.tf.train import pair_distances, train  # noqa: E402

FULL_MODE = "2 conv blocks + random shifts (full mode)"
# Each recipe changes one thing against the one before it (the third against the first).
RECIPES = {
    "seed architecture (1 conv block), L2 1e-4, batch 64":
        dict(conv_blocks=1, augment_shift=0.0, batch_size=64),
    "+ random shifts (up to 10%)": dict(conv_blocks=1, augment_shift=0.1, batch_size=64),
    "2 conv blocks, no shifts": dict(conv_blocks=2, augment_shift=0.0, batch_size=64),
    FULL_MODE: dict(conv_blocks=2, augment_shift=0.1, batch_size=64),
    "2 conv blocks + random shifts, batch 128": dict(conv_blocks=2, augment_shift=0.1, batch_size=128),
}


def main(epochs: int = 30, steps: int = 200, seeds: list[int] | None = None) -> None:
    digits = list(range(10))
    tr, te = load_mnist("train", digits=digits), load_mnist("test", digits=digits)
    pairs = BalancedPairs(te.labels, seed=2).sample(4000)
    print(f"data: {tr.source}; {len(tr.labels)} training images, {len(te.labels)} test images; "
          f"{epochs} epochs x {steps} steps")
    print(f"{'recipe':<56} {'held-out':>8} {'threshold':>9} {'train s':>8}")
    runs = [(f"{FULL_MODE}, seed {seed}", RECIPES[FULL_MODE], seed) for seed in seeds] if seeds else \
        [(name, recipe, 0) for name, recipe in RECIPES.items()]
    for name, recipe, seed in runs:
        siamlab.seed_everything(seed)
        model = Encoder(l2=1e-4, conv_blocks=recipe["conv_blocks"])
        start = time.perf_counter()
        train(model, tr.images, BalancedPairs(tr.labels, seed=seed), epochs=epochs, steps_per_epoch=steps,
              batch_size=recipe["batch_size"], augment_shift=recipe["augment_shift"], seed=seed)
        seconds = time.perf_counter() - start
        distances = pair_distances(model, te.images, pairs)
        accuracy, threshold = metrics.held_out_accuracy(distances, pairs.same, 2000)
        print(f"{name:<56} {accuracy:>8.4f} {threshold:>9.3f} {seconds:>8.0f}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, nargs="*", help="train only the full-mode recipe, once per seed")
    args = parser.parse_args()
    main(args.epochs, seeds=args.seeds)
