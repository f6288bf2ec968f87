"""siamlab.torch: models, heads, losses, data, train / evaluate / embed, bad input, and the CLI."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import siamlab.torch as sto  # noqa: E402
from siamlab.data.pairs import BalancedPairs  # noqa: E402
from siamlab.torch.data import alternating_pairs, asker_pairs_fixed, object_pairs, split_object  # noqa: E402
from siamlab.torch.train import random_shift  # noqa: E402


def object_encoder(in_channels=1):
    return sto.Encoder(16, (40, 50), in_channels, filters=8, conv_blocks=3, global_pool=True)


@pytest.fixture(scope="module")
def data():
    return object_pairs(30, n_train=64, n_test=32)


def test_object_pairs_are_disjoint_alternating_and_index_their_images(data):
    assert data.train_images.shape[1:] == (40, 50) and data.train_images.dtype == np.uint8
    assert data.train_pairs.same.tolist()[:4] == [1, 0, 1, 0] and len(data.test_pairs) == 32
    assert max(data.train_pairs.right) < len(data.train_images)
    assert max(data.test_pairs.right) < len(data.test_images)
    train_set = {im.tobytes() for im in data.train_images}
    assert not any(im.tobytes() in train_set for im in data.test_images)


def test_alternating_pairs_match_the_askers_scheme():
    pairs = alternating_pairs(n_pos=3, n_neg=5, n_pairs=6)
    assert pairs.left.tolist() == [0, 0, 1, 1, 2, 2]
    assert pairs.right.tolist() == [1, 3, 2, 4, 0, 5]  # same: the next object; different: others 0, 1, 2
    assert pairs.same.tolist() == [1, 0, 1, 0, 1, 0]


def test_asker_pairs_fixed_is_the_askers_layout_without_the_bug():
    from siamlab.torch import asker

    pos, neg = split_object(6, "ring", seed=0)
    xb, yb = asker.make_pairs(pos, neg, 8)
    xf, yf = asker_pairs_fixed(pos, neg, 8)
    assert xf.shape == xb.shape == (8, 2, 1, 40, 50)
    np.testing.assert_array_equal(xb[:, 0], xf[:, 0])  # the first branch was always right
    np.testing.assert_array_equal(yb, yf)
    np.testing.assert_allclose(xf[1, 1, 0], neg[0] / 255.0, rtol=1e-6)
    assert sto.identical_pair_share(torch.from_numpy(xf[:, 0]), torch.from_numpy(xf[:, 1])) == 0.0


@pytest.mark.parametrize("make", [lambda: sto.SiameseNet(object_encoder()),
                                  lambda: sto.SiameseNet(object_encoder(), "logit"),
                                  lambda: sto.TwoChannelNet(object_encoder(2))])
def test_pair_models_give_one_number_per_pair(make, data):
    left, right, _ = sto.batch_tensors(data.train_images, data.train_pairs)
    out = make()(left[:5], right[:5])
    assert out.shape == (5,) and torch.isfinite(out).all()


def test_distance_head_is_zero_for_identical_images(data):
    left = sto.images_tensor(data.train_images[:4])
    assert sto.SiameseNet(object_encoder())(left, left).max() < 1e-3


def test_encoder_l2_penalties_mirror_keras():
    torch.manual_seed(0)
    encoder = sto.Encoder(8, (12, 12), filters=4, l2=0.01)
    assert len(encoder.losses) == 2  # one conv kernel, one dense kernel
    expected = 0.01 * sum((p**2).sum() for n, p in encoder.named_parameters() if n.endswith("weight"))
    assert torch.isclose(sum(encoder.losses), expected) and sto.Encoder(8, (12, 12)).losses == []


def test_bad_shapes_name_expected_and_got():
    with pytest.raises(ValueError, match=r"Encoder expected images \(B, 1, 40, 50\), got \(3, 40, 50\)"):
        object_encoder()(torch.zeros(3, 40, 50))
    with pytest.raises(ValueError, match=r"distance and same must both be \(B,\)"):
        sto.contrastive_loss(torch.zeros(3, 1), torch.zeros(3))
    with pytest.raises(ValueError, match="equal shape"):
        sto.euclidean_distance(torch.zeros(3, 2), torch.zeros(3, 4))
    with pytest.raises(ValueError, match="in_channels=2, got 1"):
        sto.TwoChannelNet(object_encoder())
    with pytest.raises(ValueError, match="object_class must be one of"):
        split_object(2, "unicorn")


def test_random_shift_moves_images_and_keeps_them():
    images = torch.zeros(8, 1, 28, 28)
    images[:, :, 10:18, 10:18] = 1.0
    shifted = random_shift(0.2, seed=3)(images)
    assert shifted.shape == images.shape
    assert sum(not torch.equal(a, images[0]) for a in shifted) >= 6
    assert torch.allclose(shifted.sum(dim=(1, 2, 3)), torch.full((8,), 64.0), atol=1.0)


def test_train_lowers_the_loss_and_logs_history(data):
    torch.manual_seed(0)
    model = sto.SiameseNet(object_encoder(), "logit")
    history = sto.train(model, data.train_images, data.train_pairs, epochs=3, learning_rate=3e-3,
                        batch_size=16, held_out=(data.test_images, data.test_pairs))
    assert history.keys() == ["loss", "data_loss", "train_accuracy", "held_out_accuracy"]
    assert [r["epoch"] for r in history.records] == [1.0, 2.0, 3.0]
    assert history.last("loss") < history.series("loss")[1][0]
    assert history.baseline == pytest.approx(np.log(2))
    assert 0.0 <= sto.evaluate(model, data.test_images, data.test_pairs) <= 1.0


def test_train_learns_bars_with_shifts_and_snapshots():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 40, size=(40, 28, 28)).astype(np.uint8)
    labels = np.repeat([0, 1], 20)
    images[labels == 0, 4:12, 4:24] = 255
    images[labels == 1, 4:24, 10:18] = 255
    model = sto.Encoder(8, conv_blocks=2)
    history = sto.train(model, images, BalancedPairs(labels, seed=0), epochs=3, steps_per_epoch=15,
                        batch_size=16, augment_shift=0.1, snapshot_images=images, snapshot_labels=labels,
                        held_out=(images, BalancedPairs(labels, seed=1).sample(200)))
    assert history.last("held_out_accuracy") > 0.9 and sorted(history.snapshots) == [0, 1, 2, 3]
    assert sto.embed(model, images).shape == (40, 8)
    assert sto.pair_distances(model, images, BalancedPairs(labels, seed=2).sample(10)).shape == (10,)


def test_lr_range_test_returns_one_loss_per_rate(data):
    lrs, losses = sto.lr_range_test(sto.SiameseNet(object_encoder(), "logit"), data.train_images,
                                    data.train_pairs, steps=5, batch_size=8)
    assert lrs.shape == losses.shape == (5,) and lrs[0] < lrs[-1]


def test_reproduce_cli_torch_asker_shows_one_output_equal_to_relu_bias():
    proc = subprocess.run([sys.executable, "-m", "siamlab", "reproduce", "torch-asker"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["distinct_outputs"] == 1 and result["output_spread"] == 0.0
    assert result["held_out_accuracy"] == 0.5 and result["auc"] == 0.5


def test_reproduce_cli_torch_fixed_learns():
    proc = subprocess.run([sys.executable, "-m", "siamlab", "reproduce", "torch-fixed"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["distinct_outputs"] > 100 and result["held_out_accuracy"] >= 0.95
    assert "epoch 1: loss=" in proc.stdout
