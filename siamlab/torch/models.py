"""Models of the PyTorch track: the encoder and the pair models built on it (same names,
arguments and meanings as ``siamlab.tf.models``; images are channels-first here)."""
from __future__ import annotations

import torch
from torch import nn

from siamlab.torch.losses import euclidean_distance
from siamlab.training import HEADS
from siamlab.validate import one_of, positive_int


class Encoder(nn.Module):
    """Image (B, in_channels, H, W) in [0, 1] -> embedding (B, embedding_dim).

    ``conv_blocks`` blocks of Conv 3x3 (``filters``, doubling per block, ReLU) + MaxPool 2x2,
    then flatten (or a global max over positions with ``global_pool``) and a Linear layer.
    ``l2`` puts a weight-decay penalty on every weight matrix; it appears in ``model.losses``
    (as in Keras) and only counts when the training step adds it.
    """

    def __init__(self, embedding_dim: int = 50, image_shape: tuple[int, int] = (28, 28), in_channels: int = 1,
                 filters: int = 32, conv_blocks: int = 1, global_pool: bool = False, l2: float = 0.0):
        super().__init__()
        positive_int("conv_blocks", conv_blocks)
        self.embedding_dim, self.input_spec_shape, self.l2 = embedding_dim, (in_channels, *image_shape), l2
        layers, channels, (h, w) = [], in_channels, image_shape
        for k in range(conv_blocks):
            layers += [nn.Conv2d(channels, filters * 2**k, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            channels, h, w = filters * 2**k, h // 2, w // 2
        self.blocks = nn.Sequential(*layers)
        self.collapse = nn.Sequential(nn.AdaptiveMaxPool2d(1), nn.Flatten()) if global_pool else nn.Flatten()
        self.dense = nn.Linear(channels if global_pool else channels * h * w, embedding_dim)

    @property
    def losses(self) -> list[torch.Tensor]:
        """The weight-decay penalties l2 * sum(w^2), one per weight matrix (empty when l2 = 0)."""
        if not self.l2:
            return []
        return [self.l2 * (p**2).sum() for name, p in self.named_parameters() if name.endswith("weight")]

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if tuple(images.shape[1:]) != self.input_spec_shape:
            raise ValueError(f"Encoder expected images (B, {', '.join(map(str, self.input_spec_shape))}), "
                             f"got {tuple(images.shape)}")
        return self.dense(self.collapse(self.blocks(images)))


class SiameseNet(nn.Module):
    """One shared ``encoder`` for both images of a pair. ``head="distance"``: the output is
    ``distance(e1, e2)`` (for the contrastive loss); ``head="logit"``: one logit from
    |e1 - e2| (for binary cross-entropy with logits)."""

    def __init__(self, encoder: Encoder, head: str = "distance", distance=euclidean_distance):
        super().__init__()
        self.encoder, self.head, self.distance = encoder, one_of("head", head, HEADS), distance
        self.classifier = nn.Linear(encoder.embedding_dim, 1) if head == "logit" else None

    @property
    def losses(self) -> list[torch.Tensor]:
        return self.encoder.losses

    def forward(self, left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
        a, b = self.encoder(left), self.encoder(right)
        if self.head == "distance":
            return self.distance(a, b)
        return self.classifier(torch.abs(a - b)).squeeze(1)


class TwoChannelNet(nn.Module):
    """Both images stacked as two channels of one image -> ``encoder`` -> ReLU -> one logit
    (Zagoruyko & Komodakis 2015, and the PyTorch asker's working baseline)."""

    head = "logit"

    def __init__(self, encoder: Encoder):
        super().__init__()
        if encoder.input_spec_shape[0] != 2:
            raise ValueError("TwoChannelNet needs an Encoder with in_channels=2, "
                             f"got {encoder.input_spec_shape[0]}")
        self.encoder, self.classifier = encoder, nn.Linear(encoder.embedding_dim, 1)

    @property
    def losses(self) -> list[torch.Tensor]:
        return self.encoder.losses

    def forward(self, left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
        stacked = torch.cat([left, right], dim=1)
        return self.classifier(torch.relu(self.encoder(stacked))).squeeze(1)
