"""Seed 2 (PyTorch): the partitioning bug, its fix, and the identical-output fact."""
import numpy as np
import pytest
import torch

from siamlab.torch import seed
from siamlab.torch.checks import check_pairs, identical_pair_share
from siamlab.torch.data import split_object


@pytest.fixture(scope="module")
def pos_neg():
    return split_object(6, "ring", seed=0)


def test_buggy_partition_puts_the_same_image_in_both_branches(pos_neg):
    x, y = seed.partition_pairs(*pos_neg, 8)
    assert x.shape == (8, 2, 1, 40, 50) and y.shape == (8, 2)
    assert identical_pair_share(torch.from_numpy(x)) == 1.0
    assert y[:, 0].tolist() == [1, 0] * 4 and (y.sum(1) == 1).all()


def test_fixed_partition_differs_only_in_the_second_image(pos_neg):
    xb, yb = seed.partition_pairs(*pos_neg, 8)
    xf, yf = seed.partition_pairs_fixed(*pos_neg, 8)
    assert identical_pair_share(torch.from_numpy(xf)) == 0.0
    np.testing.assert_array_equal(xb[:, 0], xf[:, 0])
    np.testing.assert_array_equal(yb, yf)
    pos, neg = pos_neg
    np.testing.assert_allclose(xf[1, 1, 0], neg[0] / 255.0, rtol=1e-6)


def test_check_pairs_catches_the_bug(pos_neg):
    x, y = seed.partition_pairs(*pos_neg, 8)
    with pytest.raises(ValueError, match="same image in both branches"):
        check_pairs(torch.from_numpy(x), torch.from_numpy(y[:, 0]))
    xf, yf = seed.partition_pairs_fixed(*pos_neg, 8)
    check_pairs(torch.from_numpy(xf), torch.from_numpy(yf[:, 0]))


def test_identical_inputs_give_relu_of_last_bias_and_only_that_gradient(pos_neg):
    torch.manual_seed(0)
    x, y = seed.partition_pairs(*pos_neg, 8)
    model = seed.SiameseCNN()
    out = model(torch.from_numpy(x))
    expected = torch.relu(model.linear2[0].bias).expand_as(out)
    assert torch.equal(out, expected)
    torch.nn.BCELoss()(out.clamp(1e-6, 1 - 1e-6), torch.from_numpy(y)).backward()
    nonzero = [n for n, p in model.named_parameters() if p.grad is not None and p.grad.abs().max() > 0]
    assert set(nonzero) <= {"linear2.0.bias"}


def test_answer_model_raises_name_error_and_patched_is_constant(pos_neg):
    x, _ = seed.partition_pairs(*pos_neg, 4)
    with pytest.raises(NameError, match="res"):
        seed.AnswerSiameseCNN()(torch.from_numpy(x))
    model = seed.AnswerSiameseCNNPatched()
    out = model(torch.from_numpy(x))
    assert out.shape == (4, 1)
    assert torch.equal(out, torch.sigmoid(model.linear2[0].bias).expand_as(out))


def test_pairwise_distance_try_changes_the_batch_size(pos_neg):
    x, _ = seed.partition_pairs_fixed(*pos_neg, 10)
    model = seed.SiameseCNNTry2()
    maps = model.convnet(torch.from_numpy(x)[:, 0])
    d = torch.nn.PairwiseDistance(p=2)(maps, maps)
    assert d.shape == (10, 64, 15)
    assert d.view(-1, 64 * 15 * 10).shape == (1, 9600)
    with pytest.raises(RuntimeError):
        model(torch.from_numpy(x))  # linear1 wants 19200 inputs, gets 9600
