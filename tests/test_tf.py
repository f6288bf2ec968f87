"""siamlab.tf: models, losses, the training step's two silent findings (ignored regularizers,
NaN at d = 0), train / evaluate / embed, the every-pair helpers, bad input, and the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import siamlab.tf as stf  # noqa: E402
from siamlab.data.pairs import BalancedPairs, PairBatch  # noqa: E402
from siamlab.tf import every_pair  # noqa: E402
from siamlab.tf.train import random_shift  # noqa: E402

RNG = np.random.default_rng(0)


def _tiny_batch(n=6):
    left = RNG.uniform(size=(n, 28, 28, 1)).astype(np.float32)
    right = RNG.uniform(size=(n, 28, 28, 1)).astype(np.float32)
    return tf.constant(left), tf.constant(right), tf.constant((np.arange(n) % 2).astype(np.float32))


def _bars(n=40, size=28):
    """Two classes anyone can tell apart: a wide bar (0) and a tall bar (1), with noise."""
    images = RNG.integers(0, 40, size=(n, size, size)).astype(np.uint8)
    labels = np.repeat([0, 1], n // 2)
    images[labels == 0, 4:12, 4:24] = 255
    images[labels == 1, 4:24, 10:18] = 255
    return images, labels


def test_regularizer_losses_ignored_unless_added():
    batch, results = _tiny_batch(), {}
    for regularization in (False, True):
        tf.keras.utils.set_random_seed(0)
        model = stf.Encoder(l2=0.01)
        model(batch[0])
        assert len(model.losses) == 2  # the penalties exist either way
        step = stf.make_step(model, tf.keras.optimizers.Adam(1e-3), regularization=regularization,
                             compiled=False)
        total, data, d = step(*batch)
        results[regularization] = (float(total), float(data))
        assert d.shape == (6,)
    assert results[False][0] == results[False][1]  # the asker's loop: the penalty never enters the loss
    assert results[True][0] > results[True][1] + 0.1  # added: total = data + L2 (about 1.0 at init)


def test_make_step_takes_the_distance_function():
    batch = _tiny_batch()
    tf.keras.utils.set_random_seed(0)
    model = stf.Encoder()
    squared = lambda a, b: tf.reduce_sum(tf.square(a - b), axis=1)
    _, _, d_sq = stf.make_step(model, tf.keras.optimizers.SGD(0.0), distance=squared, compiled=False)(*batch)
    _, _, d = stf.make_step(model, tf.keras.optimizers.SGD(0.0), compiled=False)(*batch)
    np.testing.assert_allclose(d_sq.numpy(), d.numpy() ** 2, rtol=1e-4)


def test_sqrt_at_zero_distance_gives_nan_gradient_and_eps_fixes_it():
    a = tf.Variable([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]])
    b = tf.constant([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])  # pair 0: identical embeddings, d = 0
    for eps, finite in ((0.0, False), (1e-9, True)):
        with tf.GradientTape() as tape:
            loss = stf.contrastive_loss(stf.euclidean_distance(a, b, eps=eps), tf.constant([0.0, 1.0]))
        assert np.isfinite(tape.gradient(loss, a).numpy()).all() == finite


def test_bad_shapes_raise_clear_errors():
    with pytest.raises(ValueError, match=r"distance and same must both be \(B,\), got \(4,\) and \(5,\)"):
        stf.contrastive_loss(tf.zeros(4), tf.zeros(5))
    with pytest.raises(ValueError, match=r"equal shape, got \(3, 5\) and \(3, 6\)"):
        stf.euclidean_distance(tf.zeros((3, 5)), tf.zeros((3, 6)))
    with pytest.raises(ValueError, match=r"Encoder expected images \(B, 28, 28, 1\), got \(2, 28, 28\)"):
        stf.Encoder()(tf.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match="head must be one of 'distance', 'logit'; got 'cosine'"):
        stf.SiameseNet(stf.Encoder(), head="cosine")
    with pytest.raises(ValueError, match="in_channels=2, got 1"):
        stf.TwoChannelNet(stf.Encoder())


@pytest.mark.parametrize("blocks, n_weights", [(1, 4), (2, 6), (3, 8)])
def test_encoder_blocks_keep_the_embedding_shape(blocks, n_weights):
    model = stf.Encoder(embedding_dim=16, l2=0.01, conv_blocks=blocks)
    assert model(tf.zeros((3, 28, 28, 1))).shape == (3, 16)
    assert len(model.trainable_variables) == n_weights  # kernel + bias per conv and dense layer
    assert len(model.losses) == blocks + 1  # every kernel carries its L2 penalty


@pytest.mark.parametrize("blocks, error", [(0, ValueError), (1.5, TypeError), (True, TypeError)])
def test_encoder_rejects_bad_conv_blocks(blocks, error):
    with pytest.raises(error, match="conv_blocks must be an int >= 1"):
        stf.Encoder(conv_blocks=blocks)


def test_seed_one_encoder_is_the_askers_architecture():
    from siamlab.tf import asker

    ours, theirs = stf.Encoder(l2=0.01), asker.Encoder()
    ours(tf.zeros((1, 28, 28, 1)))
    theirs(tf.zeros((1, 28, 28, 1)))
    shapes = lambda model: [tuple(v.shape) for v in model.trainable_variables]
    assert shapes(ours) == shapes(theirs)


def test_pair_models_give_one_number_per_pair():
    left, right, _ = _tiny_batch(5)
    for model in (stf.SiameseNet(stf.Encoder(8)), stf.SiameseNet(stf.Encoder(8), "logit"),
                  stf.TwoChannelNet(stf.Encoder(8, in_channels=2))):
        out = model(left, right)
        assert out.shape == (5,) and np.isfinite(out.numpy()).all()
    assert float(tf.reduce_max(stf.SiameseNet(stf.Encoder(8))(left, left))) < 1e-3


def test_random_shift_moves_images_and_keeps_them():
    images = np.zeros((8, 28, 28, 1), np.float32)
    images[:, 10:18, 10:18] = 1.0  # a centred square
    shifted = random_shift(0.2, seed=3)(tf.constant(images)).numpy()
    assert shifted.shape == images.shape
    assert sum(not np.array_equal(a, images[0]) for a in shifted) >= 6  # up to 5.6 px: most squares move
    assert np.allclose(shifted.sum(axis=(1, 2, 3)), 64.0, atol=1.0)  # moved, not cut


def test_train_learns_separable_pairs_with_shifts_and_snapshots():
    tf.keras.utils.set_random_seed(0)
    images, labels = _bars()
    model = stf.Encoder(embedding_dim=8, conv_blocks=2)
    history = stf.train(model, images, BalancedPairs(labels, seed=0), epochs=3, steps_per_epoch=15,
                        batch_size=16, augment_shift=0.1, snapshot_images=images, snapshot_labels=labels,
                        held_out=(images, BalancedPairs(labels, seed=1).sample(200)))
    losses = history.series("data_loss")[1]
    assert losses[-1] < losses[0] and history.last("held_out_accuracy") > 0.9
    assert sorted(history.snapshots) == [0, 1, 2, 3] and history.snapshots[3]["embeddings"].shape == (40, 8)
    assert stf.evaluate(model, images, BalancedPairs(labels, seed=2).sample(100)) > 0.9
    assert stf.embed(model, images).shape == (40, 8)


def test_train_logit_models_on_a_fixed_pair_list_in_order():
    tf.keras.utils.set_random_seed(0)
    images, labels = _bars()
    pairs = BalancedPairs(labels, seed=0).sample(96)
    model = stf.TwoChannelNet(stf.Encoder(8, in_channels=2, filters=8))
    history = stf.train(model, images, pairs, epochs=4, batch_size=16, shuffle=False, learning_rate=3e-3)
    assert history.baseline == pytest.approx(np.log(2))
    assert history.last("train_accuracy") > 0.8
    outputs = stf.pair_outputs(model, images, pairs)
    assert outputs.shape == (96,)
    with pytest.raises(ValueError, match="pair_distances needs an Encoder or a distance-head model"):
        stf.pair_distances(model, images, pairs)


def test_lr_range_test_returns_one_loss_per_rate():
    images, labels = _bars(20)
    lrs, losses = stf.lr_range_test(stf.SiameseNet(stf.Encoder(4, filters=4), "logit"), images,
                                    BalancedPairs(labels, seed=0).sample(32), steps=6, batch_size=8)
    assert lrs.shape == losses.shape == (6,) and lrs[0] < lrs[-1]


def test_train_rejects_bad_input_before_training():
    images, labels = _bars(8)
    model = stf.Encoder()
    cases = [
        (dict(images=images.astype(np.float32)), ValueError, r"expected images \(N, H, W\) uint8"),
        (dict(pairs=labels), TypeError, "pairs must be a PairBatch or a BalancedPairs sampler, got ndarray"),
        (dict(pairs=BalancedPairs(labels[:6])), ValueError, "a sampler over 6 labels for 8 images"),
        (dict(pairs=PairBatch(np.array([0]), np.array([9]), np.array([0], np.uint8))), ValueError,
         r"\[0, 8\)"),
        (dict(epochs=0), ValueError, "epochs must be an int >= 1, got 0"),
        (dict(optimizer="rmsprop"), ValueError, "optimizer must be one of 'adam', 'sgd'; got 'rmsprop'"),
        (dict(steps_per_epoch=None), ValueError, "steps_per_epoch is required with a BalancedPairs sampler"),
        (dict(augment_shift=-0.1), ValueError, r"augment_shift must be in \[0, 0.5\), got -0.1"),
    ]
    for change, error, message in cases:
        args = dict(images=images, pairs=BalancedPairs(labels), epochs=1, steps_per_epoch=1, **{})
        args.update(change)
        with pytest.raises(error, match=message):
            stf.train(model, args.pop("images"), args.pop("pairs"), **args)


def test_every_pair_settings_follow_the_mode_when_called(monkeypatch):
    monkeypatch.setenv("SIAMLAB_FULL", "0")
    assert every_pair.settings() == every_pair.Settings(40, 5)
    monkeypatch.setenv("SIAMLAB_FULL", "1")
    assert every_pair.settings() == every_pair.Settings(120, 10)


def test_every_pair_curve_logs_from_epoch_one(monkeypatch):
    from siamlab.history import History

    images, labels = _bars(6)
    from siamlab.tf import asker

    x, y = asker.make_pairs(images, labels)
    tf.keras.utils.set_random_seed(0)
    model, history = asker.Encoder(), History("asker")
    losses = every_pair.every_pair_curve(model, every_pair.asker_step(model), x, y, 2, batch_size=8,
                                         history=history, penalty=True)
    assert len(losses) == 2 and [r["epoch"] for r in history.records] == [1.0, 2.0]
    assert history.keys() == ["loss", "asker_accuracy", "right_way_accuracy", "l2_penalty"]
    # the two accuracies are the same threshold read both ways: they sum to 1 unless a distance is exactly 0.5
    assert history.last("asker_accuracy") + history.last("right_way_accuracy") == pytest.approx(1.0)


def test_reproduce_cli_tf_asker_ends_with_json():
    code = ("import siamlab.tf.every_pair as e; e.settings = lambda: e.Settings(12, 1); "
            "import sys; from siamlab.__main__ import main; sys.exit(main(['reproduce', 'tf-asker']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "SIAMLAB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"name", "framework", "data", "final_loss", "baseline", "held_out_accuracy", "asker_accuracy",
            "auc", "distinct_outputs", "output_spread", "seconds"} <= set(result)
    assert result["name"] == "tf-asker" and "epoch: 0 loss:" in out.stdout  # the asker's own print, 0-based


def test_reproduce_rejects_unknown_variants():
    from siamlab.tf import reproduce

    with pytest.raises(ValueError, match=r"variant must be one of \['asker', 'fixed'\], got 'broken'"):
        reproduce.run("broken")
