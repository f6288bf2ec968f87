"""One API for two frameworks: siamlab.tf and siamlab.torch export the same names with the same
parameters, defaults and meanings; the same formulas agree with the numpy references."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

from siamlab import losses as ref
from siamlab.data.pairs import BalancedPairs, PairBatch

stf = pytest.importorskip("siamlab.tf")
sto = pytest.importorskip("siamlab.torch")
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402

# Keyword arguments only one framework has (documented in docs/api.md): name -> {framework: {param}}.
FRAMEWORK_EXTRAS = {
    "make_step": {"tf": {"compiled"}}, "make_logit_step": {"tf": {"compiled"}},
    "train": {"tf": {"compiled"}, "torch": {"device"}}, "lr_range_test": {"tf": {"compiled"}},
    "images_tensor": {"torch": {"device"}}, "batch_tensors": {"torch": {"device"}},
}


def _params(obj, name: str, framework: str) -> dict:
    signature = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
    extras = FRAMEWORK_EXTRAS.get(name, {}).get(framework, set())
    def comparable(default):  # a default function is each framework's own twin: compare by name
        return f"function {default.__name__}" if callable(default) else default

    return {p.name: comparable(p.default) for p in signature.parameters.values()
            if p.name != "self" and p.name not in extras}


def test_both_frameworks_export_the_same_names():
    assert set(stf.__all__) == set(sto.__all__)
    assert all(hasattr(stf, n) and hasattr(sto, n) for n in stf.__all__)


@pytest.mark.parametrize("name", sorted(sto.__all__))
def test_parameters_and_defaults_agree(name):
    tf_params = _params(getattr(stf, name), name, "tf")
    torch_params = _params(getattr(sto, name), name, "torch")
    assert list(tf_params) == list(torch_params), f"{name}: {list(tf_params)} vs {list(torch_params)}"
    assert tf_params == torch_params, f"{name}: defaults differ"


def test_documented_extras_exist():
    for name, per_framework in FRAMEWORK_EXTRAS.items():
        for framework, extras in per_framework.items():
            module = stf if framework == "tf" else sto
            assert extras <= set(inspect.signature(getattr(module, name)).parameters), (name, framework)


def _tiny_task(n=24):
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], n // 2)
    images = rng.integers(0, 40, size=(n, 12, 12)).astype(np.uint8)
    images[labels == 0, :6] = 255  # class 0 bright on top, class 1 bright below
    images[labels == 1, 6:] = 255
    return images, labels


@pytest.mark.parametrize("framework", [stf, sto], ids=["tf", "torch"])
def test_a_tiny_train_logs_epoch_one_first_with_the_same_keys(framework):
    images, labels = _tiny_task()
    framework_seed = tf.keras.utils.set_random_seed if framework is stf else torch.manual_seed
    framework_seed(0)
    model = framework.Encoder(8, image_shape=(12, 12), filters=4)
    held_out = (images, BalancedPairs(labels, seed=9).sample(40))
    history = framework.train(model, images, BalancedPairs(labels, seed=0), epochs=2, steps_per_epoch=3,
                              batch_size=8, held_out=held_out)
    assert [r["epoch"] for r in history.records] == [1.0, 2.0]
    assert history.keys() == ["loss", "data_loss", "train_accuracy", "held_out_accuracy"]
    assert history.baseline == pytest.approx(0.25)  # p(1-p) at p = 1/2, margin 1


def _cases():
    rng = np.random.default_rng(7)
    for n in (1, 5, 64):
        a = rng.normal(size=(n, 16)).astype(np.float32)
        b = (a + rng.normal(scale=rng.uniform(0.01, 1.0), size=(n, 16))).astype(np.float32)
        yield a, b, rng.integers(0, 2, n).astype(np.float32)


@pytest.mark.parametrize("margin", [1.0, 2.0])
def test_numpy_tf_and_torch_distances_and_losses_agree(margin):
    for a, b, same in _cases():
        d_ref = ref.euclidean_distance(a, b)
        d_tf = stf.euclidean_distance(tf.constant(a), tf.constant(b)).numpy()
        d_torch = sto.euclidean_distance(torch.from_numpy(a), torch.from_numpy(b)).numpy()
        np.testing.assert_allclose(d_tf, d_ref, atol=1e-5)
        np.testing.assert_allclose(d_torch, d_ref, atol=1e-5)
        loss_ref = ref.contrastive_loss(d_ref, same, margin)
        assert abs(float(stf.contrastive_loss(d_tf, same, margin)) - loss_ref) <= 1e-5
        loss_torch = sto.contrastive_loss(torch.from_numpy(d_torch), torch.from_numpy(same), margin).item()
        assert abs(loss_torch - loss_ref) <= 1e-5
        logits = (a[:, 0] - b[:, 0]).astype(np.float32)
        bce_tf = float(stf.logit_bce_loss(tf.constant(logits), tf.constant(same)))
        bce_torch = sto.logit_bce_loss(torch.from_numpy(logits), torch.from_numpy(same)).item()
        assert abs(bce_tf - bce_torch) <= 1e-5


IMAGES = np.arange(3 * 4 * 5, dtype=np.uint8).reshape(3, 4, 5)
BATCH = PairBatch(left=np.array([0, 2]), right=np.array([1, 1]), same=np.array([0, 1], dtype=np.uint8))


def test_batch_tensors_are_the_same_pairs_in_each_frameworks_layout():
    l_tf, r_tf, s_tf = stf.batch_tensors(IMAGES, BATCH)
    l_to, r_to, s_to = sto.batch_tensors(IMAGES, BATCH)
    assert tuple(l_tf.shape) == (2, 4, 5, 1) and tuple(l_to.shape) == (2, 1, 4, 5)
    np.testing.assert_array_equal(l_tf.numpy()[..., 0], l_to.numpy()[:, 0])
    np.testing.assert_array_equal(r_tf.numpy()[..., 0], r_to.numpy()[:, 0])
    assert np.allclose(l_to[1, 0].numpy(), IMAGES[2] / 255)
    assert s_tf.numpy().tolist() == s_to.tolist() == [0, 1]


@pytest.mark.parametrize("framework", [stf, sto], ids=["tf", "torch"])
def test_bad_batches_name_expected_and_got(framework):
    with pytest.raises(ValueError, match=r"expected images \(N, H, W\) uint8, got shape"):
        framework.images_tensor(IMAGES.astype(np.float32))
    short = PairBatch(BATCH.left, BATCH.right, np.array([1], dtype=np.uint8))
    with pytest.raises(ValueError, match="left, right and same of one length, got 2, 2, 1"):
        framework.batch_tensors(IMAGES, short)


@pytest.mark.parametrize("framework", [stf, sto], ids=["tf", "torch"])
def test_check_pairs_refuses_what_its_docstring_says(framework):
    left, right, same = framework.batch_tensors(IMAGES, BATCH)
    framework.check_pairs(left, right, same)  # a good batch passes
    with pytest.raises(ValueError, match="same image in both branches"):
        framework.check_pairs(left, left, same)
    for labels in ([1, 1], [0, 0]):
        with pytest.raises(ValueError, match="labels 0 and 1, both present"):
            framework.check_pairs(left, right, framework.batch_tensors(IMAGES, PairBatch(
                BATCH.left, BATCH.right, np.array(labels, np.uint8)))[2])
    nan = left * float("nan")
    with pytest.raises(ValueError, match="finite float images"):
        framework.check_pairs(nan, right, same)
