"""Fixed PyTorch models, heads, losses, training, and clear errors on bad inputs."""
import math

import numpy as np
import pytest
import torch

from siamlab import losses as ref
from siamlab.torch.data import object_pairs
from siamlab.torch.losses import contrastive_loss, euclidean_distance, logit_bce_loss
from siamlab.torch.models import Encoder, SiameseNet, TwoChannelNet
from siamlab.torch.train import evaluate, lr_range_test, train


@pytest.fixture(scope="module")
def data():
    return object_pairs(30, n_train=64, n_test=32)


@pytest.mark.parametrize("make", [lambda: SiameseNet("logit"), lambda: SiameseNet("distance"), TwoChannelNet,
                                  lambda: SiameseNet("logit", pool=False)])
def test_heads_give_one_number_per_pair(make, data):
    out = make()(data.x_train[:5])
    assert out.shape == (5,) and torch.isfinite(out).all()


def test_distance_head_is_zero_for_identical_images(data):
    model = SiameseNet("distance")
    x = data.x_train[:4].clone()
    x[:, 1] = x[:, 0]
    assert model(x).max() < 1e-3


@pytest.mark.parametrize("shape", [(4, 2, 40, 50), (4, 1, 1, 40, 50), (4, 2, 1, 28, 28)])
def test_wrong_pair_shape_names_expected_and_got(shape):
    with pytest.raises(ValueError, match=r"expected pairs of shape .*got \(" + str(shape[0])):
        SiameseNet()(torch.zeros(shape))


def test_encoder_wrong_shape_message():
    with pytest.raises(ValueError, match=r"Encoder expected images of shape \(B, 1, 40, 50\), got \(3, 40, 50\)"):
        Encoder()(torch.zeros(3, 40, 50))


def test_losses_match_numpy_reference():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(16, 8)), rng.normal(size=(16, 8)) * 0.3
    same = rng.integers(0, 2, 16).astype(np.float64)
    d = euclidean_distance(torch.tensor(a), torch.tensor(b), eps=0.0)
    np.testing.assert_allclose(d.numpy(), ref.euclidean_distance(a, b), rtol=1e-12)
    got = contrastive_loss(d, torch.tensor(same)).item()
    assert abs(got - ref.contrastive_loss(d.numpy(), same)) < 1e-12
    logits = torch.tensor([0.0, 0.0])
    assert abs(logit_bce_loss(logits, torch.tensor([1.0, 0.0])).item() - math.log(2)) < 1e-6
    with pytest.raises(ValueError, match=r"\(B,\)"):
        contrastive_loss(torch.zeros(3, 1), torch.zeros(3))
    with pytest.raises(ValueError, match="equal shape"):
        euclidean_distance(torch.zeros(3, 2), torch.zeros(3, 4))


def test_train_lowers_the_loss_and_logs_history(data):
    torch.manual_seed(0)
    model = SiameseNet("logit", dim=16)
    history = train(model, data.x_train, data.same_train, epochs=3, lr=3e-3, log=None,
                    test=(data.x_test, data.same_test))
    assert history.keys() == ["loss", "accuracy", "test_accuracy"]
    assert len(history.records) == 3
    assert history.last("loss") < history.series("loss")[1][0]
    assert 0.0 <= evaluate(model, data.x_test, data.same_test) <= 1.0


def test_train_refuses_the_buggy_pairs():
    from siamlab.torch.seed import partition_pairs

    bad = object_pairs(10, n_train=16, n_test=8, partition=partition_pairs)
    with pytest.raises(ValueError, match="same image"):
        train(SiameseNet(), bad.x_train, bad.same_train, epochs=1, log=None)


def test_lr_range_test_shapes(data):
    lrs, losses = lr_range_test(SiameseNet(dim=8), data.x_train, data.same_train, steps=5, batch_size=8)
    assert lrs.shape == losses.shape == (5,) and lrs[0] < lrs[-1]
