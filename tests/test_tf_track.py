"""TensorFlow track: the fixed loss against numpy, the seed's broadcast, the two silent
findings (ignored regularizers, NaN at d = 0), bad inputs, and the CLI's JSON line."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from siamlab import losses as ref  # noqa: E402
from siamlab.tf import seed  # noqa: E402
from siamlab.tf.losses import contrastive_loss  # noqa: E402
from siamlab.tf.models import Encoder, euclidean_distance  # noqa: E402
from siamlab.tf.train import make_step  # noqa: E402

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("margin", [0.5, 1.0, 2.0])
def test_contrastive_loss_matches_numpy(margin):
    d = RNG.uniform(0, 2.5, size=64).astype(np.float32)
    y = RNG.integers(0, 2, size=64).astype(np.float32)
    got = float(contrastive_loss(tf.constant(d), tf.constant(y), margin))
    assert got == pytest.approx(ref.contrastive_loss(d, y, margin), rel=1e-5)


def test_euclidean_distance_matches_numpy():
    a, b = RNG.normal(size=(16, 5)).astype(np.float32), RNG.normal(size=(16, 5)).astype(np.float32)
    got = euclidean_distance(tf.constant(a), tf.constant(b), eps=0.0).numpy()
    np.testing.assert_allclose(got, ref.euclidean_distance(a, b), rtol=1e-5)


def test_seed_loss_broadcasts_every_label_to_every_pair():
    x1 = RNG.normal(size=(8, 3)).astype(np.float32) * 0.3
    x2 = RNG.normal(size=(8, 3)).astype(np.float32) * 0.3
    y = np.array([1, 0, 0, 1, 1, 0, 1, 0], dtype=np.float32)
    d = tf.map_fn(lambda x: seed.Encoder.distance(x), tf.constant(x1 - x2))
    terms = tf.map_fn(lambda distance: y * tf.square(distance) + (1.0 - y) * tf.square(tf.maximum(0.0, 1.0 - distance)), d)
    assert tuple(terms.shape) == (8, 8)  # one row per pair, one column per LABEL: a (B, B) matrix
    loss = float(seed.simnet_loss(tf.constant(y), tf.constant(x1), tf.constant(x2)))
    distance = ref.euclidean_distance(x1, x2)
    assert loss == pytest.approx(ref.seed_contrastive_loss(distance, y), rel=1e-5)
    assert loss != pytest.approx(ref.contrastive_loss(distance, y), rel=1e-3)


def test_seed_loss_ignores_which_pair_has_which_label():
    x1, x2 = RNG.normal(size=(10, 4)).astype(np.float32), RNG.normal(size=(10, 4)).astype(np.float32)
    y = np.array([1, 1, 1, 0, 0, 0, 0, 1, 0, 0], dtype=np.float32)
    a = float(seed.simnet_loss(tf.constant(y), tf.constant(x1), tf.constant(x2)))
    b = float(seed.simnet_loss(tf.constant(RNG.permutation(y)), tf.constant(x1), tf.constant(x2)))
    assert a == pytest.approx(b, rel=1e-6)


def _tiny_batch(n=6):
    left = RNG.uniform(size=(n, 28, 28, 1)).astype(np.float32)
    right = RNG.uniform(size=(n, 28, 28, 1)).astype(np.float32)
    return tf.constant(left), tf.constant(right), tf.constant((np.arange(n) % 2).astype(np.float32))


def test_regularizer_losses_ignored_unless_added():
    tf.keras.utils.set_random_seed(0)
    batch = _tiny_batch()
    results = {}
    for regularization in (False, True):
        tf.keras.utils.set_random_seed(0)
        model = Encoder(l2=0.01)
        model(batch[0])
        assert len(model.losses) == 2  # the penalties exist either way
        step = make_step(model, tf.keras.optimizers.Adam(1e-3), regularization=regularization, compiled=False)
        total, data = step(*batch)
        results[regularization] = (float(total), float(data))
    assert results[False][0] == results[False][1]  # seed-style loop: the penalty never enters the loss
    assert results[True][0] > results[True][1] + 0.1  # added: total = data + L2 (about 1.0 at init)


def test_sqrt_at_zero_distance_gives_nan_gradient_and_eps_fixes_it():
    a = tf.Variable([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]])
    b = tf.constant([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])  # pair 0: identical embeddings, d = 0
    # The hinge term (1 - d)^2 has slope -2 at d = 0, times sqrt's infinite slope: NaN.
    for eps, finite in ((0.0, False), (1e-9, True)):
        with tf.GradientTape() as tape:
            loss = contrastive_loss(euclidean_distance(a, b, eps=eps), tf.constant([0.0, 1.0]))
        assert np.isfinite(tape.gradient(loss, a).numpy()).all() == finite
    # The seed's loss gives EVERY pair a hinge term (the broadcast), so even a self-pair
    # labelled "same" gets a NaN gradient as soon as the batch holds one "different" pair.
    with tf.GradientTape() as tape:
        loss = seed.simnet_loss(tf.constant([1.0, 0.0]), a, b)
    assert np.isnan(tape.gradient(loss, a).numpy()[0]).all()


def test_bad_shapes_raise_clear_errors():
    with pytest.raises(ValueError, match=r"expected distance \(B,\).*got \(4,\) and \(5,\)"):
        contrastive_loss(tf.zeros(4), tf.zeros(5))
    with pytest.raises(ValueError, match=r"got \(4, 4\) and \(4,\)"):
        contrastive_loss(tf.zeros((4, 4)), tf.zeros(4))
    with pytest.raises(ValueError, match=r"equal shape, got \(3, 5\) and \(3, 6\)"):
        euclidean_distance(tf.zeros((3, 5)), tf.zeros((3, 6)))
    with pytest.raises(ValueError, match=r"expected images \(B, 28, 28, 1\), got shape \(2, 28, 28\)"):
        Encoder()(tf.zeros((2, 28, 28)))


def test_reproduce_tf_seed_cli_ends_with_json(tmp_path):
    code = ("import siamlab.tf.reproduce as r; r.SEED_IMAGES = 12; r.SEED_EPOCHS = 1; "
            "import sys; from siamlab.__main__ import main; sys.exit(main(['reproduce', 'tf-seed']))")
    env = {**os.environ, "SIAMLAB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"final_loss", "baseline", "distance_std", "accuracy", "seed_accuracy"} <= set(result)
    assert "epoch: 0 loss:" in out.stdout


def test_every_pair_dataset_excludes_self_pairs():
    images = RNG.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    x, y = seed.make_every_pair(images, np.array([0, 0, 1, 1, 1]))
    assert x.shape == (20, 2, 28, 28, 1) and y.shape == (20,)
    assert not any(np.array_equal(a, b) for a, b in x)  # random images: equal only if i == j
    assert y.sum() == 2 * 1 + 3 * 2  # ordered same-class pairs: 2*1 zeros, 3*2 ones


def test_train_learns_separable_pairs_and_logs_history():
    tf.keras.utils.set_random_seed(0)
    images = np.zeros((40, 28, 28), dtype=np.uint8)
    labels = np.repeat([0, 1], 20)
    images[:20, :14] = 255  # class 0: top half bright, class 1: bottom half bright
    images[20:, 14:] = 255
    images = np.clip(images.astype(int) + RNG.integers(0, 40, size=images.shape), 0, 255).astype(np.uint8)
    from siamlab.data.pairs import BalancedPairs
    from siamlab.tf.train import train

    model = Encoder(embedding_dim=8)
    history = train(model, images, labels, epochs=3, steps_per_epoch=10, batch_size=16,
                    eval_pairs=BalancedPairs(labels, seed=1).sample(200), snapshot_images=images, snapshot_labels=labels)
    losses = history.series("data_loss")[1]
    assert losses[-1] < losses[0] and history.last("accuracy") > 0.9
    assert history.snapshots[3]["embeddings"].shape == (40, 8)


@pytest.mark.parametrize("blocks, n_weights", [(1, 4), (2, 6), (3, 8)])
def test_encoder_conv_blocks_keep_the_embedding_shape(blocks, n_weights):
    model = Encoder(embedding_dim=16, l2=0.01, conv_blocks=blocks)
    assert model(tf.zeros((3, 28, 28, 1))).shape == (3, 16)
    assert len(model.trainable_variables) == n_weights  # kernel + bias per conv and dense layer
    assert len(model.losses) == blocks + 1  # every kernel carries its L2 penalty


@pytest.mark.parametrize("blocks", [0, 4, 1.5])
def test_encoder_rejects_bad_conv_blocks(blocks):
    with pytest.raises(ValueError, match=f"conv_blocks must be 1, 2 or 3, got {blocks}"):
        Encoder(conv_blocks=blocks)


def test_random_shift_moves_images_only_when_training():
    from siamlab.tf.train import random_shift

    images = np.zeros((8, 28, 28, 1), np.float32)
    images[:, 10:18, 10:18] = 1.0  # a centred square
    shift = random_shift(0.2, seed=3)
    shifted = shift(tf.constant(images), training=True).numpy()
    assert shifted.shape == images.shape
    moved = [not np.array_equal(a, images[0]) for a in shifted]
    assert sum(moved) >= 6  # up to 5.6 px each way: most squares move
    assert np.allclose(shifted.sum(axis=(1, 2, 3)), 64.0, atol=1.0)  # moved, not cut: the square stays inside
    assert np.array_equal(shift(tf.constant(images), training=False).numpy(), images)


@pytest.mark.parametrize("fraction", [0.0, -0.1, 0.5])
def test_random_shift_rejects_bad_fraction(fraction):
    from siamlab.tf.train import random_shift

    with pytest.raises(ValueError, match=f"expected 0 < max_fraction < 0.5, got {fraction}"):
        random_shift(fraction)


def test_make_step_applies_augmentation_to_both_images():
    from siamlab.tf.train import random_shift

    left, right, same = _tiny_batch()
    losses = {}
    for name, augment in (("plain", None), ("shifted", random_shift(0.2, seed=1))):
        tf.keras.utils.set_random_seed(0)
        model = Encoder(l2=0)
        step = make_step(model, tf.keras.optimizers.SGD(0.0), augment=augment, compiled=False)
        losses[name] = float(step(left, right, same)[1])
    assert losses["plain"] != losses["shifted"]  # same weights (lr 0), different inputs


def test_train_with_augmentation_still_learns():
    tf.keras.utils.set_random_seed(0)
    images = np.zeros((40, 28, 28), dtype=np.uint8)
    labels = np.repeat([0, 1], 20)
    images[:20, 4:12, 4:24] = 255  # class 0: a wide bar, class 1: a tall bar
    images[20:, 4:24, 10:18] = 255
    from siamlab.data.pairs import BalancedPairs
    from siamlab.tf.train import train

    model = Encoder(embedding_dim=8, conv_blocks=2)
    history = train(model, images, labels, epochs=3, steps_per_epoch=15, batch_size=16, augment_shift=0.1,
                    eval_pairs=BalancedPairs(labels, seed=1).sample(200))
    assert history.last("accuracy") > 0.9
    with pytest.raises(ValueError, match="max_fraction < 0.5, got -0.1"):
        train(model, images, labels, epochs=1, steps_per_epoch=1, augment_shift=-0.1)


def test_train_and_reproduce_reject_bad_input():
    from siamlab.tf import reproduce
    from siamlab.tf.train import train

    with pytest.raises(ValueError, match=r"expected images \(N, H, W\) and labels \(N,\), got \(4, 28, 28\) and \(3,\)"):
        train(Encoder(), np.zeros((4, 28, 28), np.uint8), np.zeros(3, np.int64))
    with pytest.raises(ValueError, match="variant must be 'seed' or 'fixed', got 'broken'"):
        reproduce.run("broken")
