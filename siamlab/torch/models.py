"""Fixed PyTorch models for 1x40x50 pairs: an ``Encoder``, a Siamese net with a logit or a
distance head, and the asker's 2-channel baseline. All take pairs (B, 2, 1, H, W)."""
from __future__ import annotations

import torch
from torch import nn

from siamlab.torch.checks import check_pair_shape
from siamlab.torch.losses import euclidean_distance


class Encoder(nn.Module):
    """The seed's conv layers and linear1 (``pool=False``), or (``pool=True``, default) the same
    layers with one more 2x2 max-pool after the first conv and a global max over positions before
    Linear(64, dim): position-free, 5x cheaper, and it cannot memorise pixels. No output ReLU."""

    def __init__(self, dim: int = 100, in_channels: int = 1, image_shape: tuple[int, int] = (40, 50),
                 pool: bool = True):
        super().__init__()
        self.image_shape = image_shape
        self.in_channels = in_channels
        early_pool = [nn.MaxPool2d(2, 2)] if pool else []  # 5x fewer multiply-adds downstream
        self.convnet = nn.Sequential(
            nn.Conv2d(in_channels, 8, 7), nn.ReLU(), *early_pool,
            nn.Conv2d(8, 16, 5), nn.ReLU(),
            nn.MaxPool2d(2, 2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU())
        h, w = (image_shape[0] - 10) // 2, (image_shape[1] - 10) // 2
        self.pool = nn.AdaptiveMaxPool2d(1) if pool else nn.Identity()
        self.linear1 = nn.Linear(64 if pool else 64 * h * w, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        expected = (self.in_channels, *self.image_shape)
        if x.ndim != 4 or tuple(x.shape[1:]) != expected:
            raise ValueError(f"Encoder expected images of shape (B, {', '.join(map(str, expected))}), "
                             f"got {tuple(x.shape)}")
        return self.linear1(self.pool(self.convnet(x)).flatten(1))


class SiameseNet(nn.Module):
    """One shared ``Encoder`` for both images; head "logit" (|e1 - e2| -> 1 logit, for
    ``logit_bce_loss``) or "distance" (Euclidean distance, for ``contrastive_loss``)."""

    def __init__(self, head: str = "logit", dim: int = 100, image_shape: tuple[int, int] = (40, 50),
                 pool: bool = True):
        super().__init__()
        if head not in ("logit", "distance"):
            raise ValueError(f"head must be 'logit' or 'distance', got {head!r}")
        self.head = head
        self.output_kind = head
        self.image_shape = image_shape
        self.encoder = Encoder(dim, 1, image_shape, pool)
        self.classifier = nn.Linear(dim, 1) if head == "logit" else None

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        """(B, 1, H, W) -> (B, dim) embeddings."""
        return self.encoder(images)

    def forward(self, data: torch.Tensor) -> torch.Tensor:
        check_pair_shape(data, self.image_shape)
        a, b = self.encoder(data[:, 0]), self.encoder(data[:, 1])
        if self.head == "distance":
            return euclidean_distance(a, b)
        return self.classifier(torch.abs(a - b)).squeeze(1)


class TwoChannelNet(nn.Module):
    """The asker's 2-channel network: both images stacked as channels -> one logit."""

    output_kind = "logit"

    def __init__(self, dim: int = 100, image_shape: tuple[int, int] = (40, 50), pool: bool = True):
        super().__init__()
        self.image_shape = image_shape
        self.encoder = Encoder(dim, 2, image_shape, pool)
        self.classifier = nn.Sequential(nn.ReLU(), nn.Linear(dim, 1))

    def forward(self, data: torch.Tensor) -> torch.Tensor:
        check_pair_shape(data, self.image_shape)
        return self.classifier(self.encoder(data.flatten(1, 2))).squeeze(1)
