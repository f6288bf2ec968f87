"""The PyTorch asker's code (seed 2, Chinese forum mirror of a Stack Overflow question): a Siamese
CNN for 1x40x50 grayscale images that predicts the same two numbers for every pair.

``SiameseCNN``, the two tries (``SiameseCNNTry1``, ``SiameseCNNTry2``), the answer's model
(``AnswerSiameseCNN``) and ``train_loop`` are the question's code, kept line for line; changes
are marked ``# CHANGED:``. What the question did not show (how ``dp.train_set`` was built) is
marked ``# RECONSTRUCTED:``: ``make_pairs`` carries one reading of the "small index bug" the
asker finally found (the same image goes to both branches). Only broken code lives here; the
fixed pairing is ``siamlab.torch.data.asker_pairs_fixed``. Roles named alike in
``siamlab.tf.asker``: the model (``SiameseCNN`` here), ``make_pairs`` and ``train_loop``.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class SiameseCNN(nn.Module):
    def __init__(self):
        super(SiameseCNN, self).__init__()                                      # 1, 40, 50
        self.convnet = nn.Sequential(nn.Conv2d(1, 8, 7), nn.ReLU(),             # 8, 34, 44
                                    nn.Conv2d(8, 16, 5), nn.ReLU(),             # 16, 30, 40
                                    nn.MaxPool2d(2, 2),                         # 16, 15, 20
                                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), # 32, 15, 20
                                    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU()) # 64, 15, 20
        self.linear1 = nn.Sequential(nn.Linear(64 * 15 * 20, 100), nn.ReLU())
        self.linear2 = nn.Sequential(nn.Linear(100, 2), nn.ReLU())

    def forward(self, data):
        res = []
        for j in range(2):
            x = self.convnet(data[:, j, :, :])
            x = x.view(-1, 64 * 15 * 20)
            res.append(self.linear1(x))
        fres = abs(res[1] - res[0])
        return self.linear2(fres)


class SiameseCNNTry1(SiameseCNN):
    """The asker's first try: the difference of the flattened conv maps goes through both linears."""

    def forward(self, data):
        res = []
        for j in range(2):
            x = self.convnet(data[:, j, :, :])
            x = x.view(-1, 64 * 15 * 20)
            res.append(x)
        fres = self.linear2(self.linear1(abs(res[1] - res[0])))  # CHANGED: the question has one ')' too many
        return fres


class SiameseCNNTry2(SiameseCNN):
    """The asker's second try: ``nn.PairwiseDistance`` on the 4-D conv maps."""

    def forward(self, data):
        res = []
        for j in range(2):
            x = self.convnet(data[:, j, :, :])
            res.append(x)
        pdist = nn.PairwiseDistance(p=2)
        diff = pdist(res[1], res[0])
        diff = diff.view(-1, 64 * 15 * 10)
        fres = self.linear2(self.linear1(diff))
        return fres


class AnswerSiameseCNN(nn.Module):
    """The model of the question's one answer (the mirror shows no answer as accepted), as printed:
    ``forward`` uses ``res`` without defining it."""

    def __init__(self):
        super(AnswerSiameseCNN, self).__init__()                                # 1, 40, 50
        self.convnet = nn.Sequential(nn.Conv2d(1, 8, 7), nn.ReLU(),             # 8, 34, 44
                                    nn.Conv2d(8, 16, 5), nn.ReLU(),             # 16, 30, 40
                                    nn.MaxPool2d(2, 2),                         # 16, 15, 20
                                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), # 32, 15, 20
                                    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU()) # 64, 15, 20
        self.linear1 = nn.Sequential(nn.Linear(64 * 15 * 20, 100), nn.ReLU())
        self.linear2 = nn.Sequential(nn.Linear(100, 1), nn.Sigmoid())

    def forward(self, data):
        for j in range(2):
            x = self.convnet(data[:, j, :, :])
            x = x.view(-1, 64 * 15 * 20)
            res.append(self.linear1(x))  # noqa: F821 -- the answer's NameError, kept on purpose
        fres = res[0].sub(res[1]).pow(2)  # noqa: F821
        return self.linear2(fres)


# RECONSTRUCTED: the question only says batches hold alternating [pos, pos], [pos, neg] pairs,
# built "during data partitioning", with a "small index bug". A plausible version. Pairs are
# stored (N, 2, 1, 40, 50), so the question's data[:, j, :, :] is a (B, 1, 40, 50) batch.
def make_pairs(pos: np.ndarray, neg: np.ndarray, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Alternating [pos, pos] / [pos, neg] pairs (N, 2, 1, 40, 50) and one-hot labels (N, 2). BUGGY.

    Pixels are divided by 255: our assumption; the question does not show how its images were scaled.
    """
    x = np.zeros((n_pairs, 2, 1) + pos.shape[1:], dtype=np.float32)
    y = np.zeros((n_pairs, 2), dtype=np.float32)
    for i in range(n_pairs):
        anchor = pos[(i // 2) % len(pos)]
        if i % 2 == 0:
            other, label = pos[(i // 2 + 1) % len(pos)], (1.0, 0.0)   # same object: first value 1
        else:
            other, label = neg[(i // 2) % len(neg)], (0.0, 1.0)         # other object: second value 1
        pair = (anchor, other)
        for j in range(2):
            x[i, j, 0] = pair[0] / 255.0                            # BUG: pair[0] should be pair[j]
        y[i] = label
    return x, y


def make_loader(x: np.ndarray, y: np.ndarray, bs: int = 32) -> DataLoader:
    """``dp.train_set`` as the question builds it (no shuffling)."""
    return DataLoader(TensorDataset(torch.Tensor(x), torch.Tensor(y)), batch_size=bs)


def train_loop(model, train_set, epochs=100, lr=1e-6, log=print, history=None):
    """The question's training code: BCELoss, SGD(lr=1e-6, momentum=0.9); returns ``eloss``."""
    device = next(model.parameters()).device  # CHANGED: .cuda() -> the model's device
    ls_fn = torch.nn.BCELoss()
    optim = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    epochs = np.arange(epochs)
    eloss = []
    for epoch in epochs:
        model.train()
        train_loss = []
        for x_batch, y_batch in train_set:
            # CHANGED: Variable(...) is a no-op since PyTorch 0.4; plain tensors instead.
            x_var, y_var = x_batch.to(device), y_batch.to(device)
            y_pred = model(x_var)
            loss = ls_fn(y_pred, y_var)
            train_loss.append(abs(loss.item()))
            optim.zero_grad()
            loss.backward()
            optim.step()
        eloss.append(np.mean(train_loss))
        if log is not None:
            log(epoch, np.mean(train_loss))
        if history is not None:  # CHANGED: also feed a siamlab History (live curves), epochs from 1
            history.log(epoch=int(epoch) + 1, loss=float(np.mean(train_loss)))
    return eloss
