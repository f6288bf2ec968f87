"""siamlab.tf.asker: the TensorFlow asker's loss broadcasts every label to every pair."""
import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from siamlab import losses as ref  # noqa: E402
from siamlab.tf import asker  # noqa: E402

RNG = np.random.default_rng(0)


def test_loss_broadcasts_every_label_to_every_pair():
    x1 = RNG.normal(size=(8, 3)).astype(np.float32) * 0.3
    x2 = RNG.normal(size=(8, 3)).astype(np.float32) * 0.3
    y = np.array([1, 0, 0, 1, 1, 0, 1, 0], dtype=np.float32)
    d = tf.map_fn(lambda x: asker.Encoder.distance(x), tf.constant(x1 - x2))
    terms = tf.map_fn(lambda distance: y * tf.square(distance)
                      + (1.0 - y) * tf.square(tf.maximum(0.0, 1.0 - distance)), d)
    assert tuple(terms.shape) == (8, 8)  # one row per pair, one column per LABEL: a (B, B) matrix
    loss = float(asker.simnet_loss(tf.constant(y), tf.constant(x1), tf.constant(x2)))
    distance = ref.euclidean_distance(x1, x2)
    assert loss == pytest.approx(ref.seed_contrastive_loss(distance, y), rel=1e-5)
    assert loss != pytest.approx(ref.contrastive_loss(distance, y), rel=1e-3)


def test_loss_ignores_which_pair_has_which_label():
    x1, x2 = RNG.normal(size=(10, 4)).astype(np.float32), RNG.normal(size=(10, 4)).astype(np.float32)
    y = np.array([1, 1, 1, 0, 0, 0, 0, 1, 0, 0], dtype=np.float32)
    a = float(asker.simnet_loss(tf.constant(y), tf.constant(x1), tf.constant(x2)))
    b = float(asker.simnet_loss(tf.constant(RNG.permutation(y)), tf.constant(x1), tf.constant(x2)))
    assert a == pytest.approx(b, rel=1e-6)


def test_self_pair_labelled_same_gets_a_nan_gradient_through_the_broadcast():
    a = tf.Variable([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]])
    b = tf.constant([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
    with tf.GradientTape() as tape:
        loss = asker.simnet_loss(tf.constant([1.0, 0.0]), a, b)
    assert np.isnan(tape.gradient(loss, a).numpy()[0]).all()


def test_make_pairs_excludes_self_pairs():
    images = RNG.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    x, y = asker.make_pairs(images, np.array([0, 0, 1, 1, 1]))
    assert x.shape == (20, 2, 28, 28, 1) and y.shape == (20,)
    assert not any(np.array_equal(a, b) for a, b in x)
    assert y.sum() == 2 * 1 + 3 * 2


def test_train_loop_calls_back_with_one_based_epochs():
    images = RNG.integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
    x, y = asker.make_pairs(images, np.array([0, 0, 1, 1]))
    seen = []
    asker.train_loop(asker.Encoder(), tf.keras.optimizers.Adam(1e-3), x, y, x, y, 2, 4,
                     on_epoch=lambda epoch, *rest: seen.append(epoch))
    assert seen == [1, 2]
