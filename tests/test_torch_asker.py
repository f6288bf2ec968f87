"""siamlab.torch.asker: the PyTorch asker's code, the index bug, and the identical-output fact."""
import numpy as np
import pytest
import torch

from siamlab.history import History
from siamlab.torch import asker
from siamlab.torch.data import asker_pairs_fixed, split_object
from siamlab.torch.tensors import check_pairs, identical_pair_share


@pytest.fixture(scope="module")
def pos_neg():
    return split_object(6, "ring", seed=0)


def test_make_pairs_puts_the_same_image_in_both_branches(pos_neg):
    x, y = asker.make_pairs(*pos_neg, 8)
    assert x.shape == (8, 2, 1, 40, 50) and y.shape == (8, 2)
    assert identical_pair_share(torch.from_numpy(x[:, 0]), torch.from_numpy(x[:, 1])) == 1.0
    assert y[:, 0].tolist() == [1, 0] * 4 and (y.sum(1) == 1).all()
    with pytest.raises(ValueError, match="same image in both branches"):
        check_pairs(torch.from_numpy(x[:, 0]), torch.from_numpy(x[:, 1]), torch.from_numpy(y[:, 0]))


def test_identical_inputs_give_relu_of_last_bias_and_only_that_gradient(pos_neg):
    torch.manual_seed(0)
    x, y = asker.make_pairs(*pos_neg, 8)
    model = asker.SiameseCNN()
    out = model(torch.from_numpy(x))
    assert torch.equal(out, torch.relu(model.linear2[0].bias).expand_as(out))
    torch.nn.BCELoss()(out.clamp(1e-6, 1 - 1e-6), torch.from_numpy(y)).backward()
    nonzero = [n for n, p in model.named_parameters() if p.grad is not None and p.grad.abs().max() > 0]
    assert set(nonzero) <= {"linear2.0.bias"}


def test_answer_model_raises_name_error(pos_neg):
    x, _ = asker.make_pairs(*pos_neg, 4)
    with pytest.raises(NameError, match="res"):
        asker.AnswerSiameseCNN()(torch.from_numpy(x))


def test_pairwise_distance_try_changes_the_batch_size(pos_neg):
    x, _ = asker_pairs_fixed(*pos_neg, 10)
    model = asker.SiameseCNNTry2()
    maps = model.convnet(torch.from_numpy(x)[:, 0])
    d = torch.nn.PairwiseDistance(p=2)(maps, maps)
    assert d.shape == (10, 64, 15) and d.view(-1, 64 * 15 * 10).shape == (1, 9600)
    with pytest.raises(RuntimeError):
        model(torch.from_numpy(x))  # linear1 wants 19200 inputs, gets 9600


def test_train_loop_prints_like_the_asker_and_logs_from_epoch_one(pos_neg):
    torch.manual_seed(0)
    x, y = asker.make_pairs(*pos_neg, 8)
    printed, history = [], History("asker")
    losses = asker.train_loop(asker.SiameseCNN(), asker.make_loader(x, y, bs=4), epochs=2,
                              log=lambda *a: printed.append(a), history=history)
    assert len(losses) == 2 and [p[0] for p in printed] == [0, 1]  # the asker's print: 0-based
    assert [r["epoch"] for r in history.records] == [1.0, 2.0] and np.isfinite(losses).all()
