"""Everything of siamlab that imports PyTorch (the same names as ``siamlab.tf``).

Importing this package applies the seed of an earlier ``siamlab.seed_everything`` call.
"""
import torch as _torch

from siamlab import seeding as _seeding
from siamlab.torch.tensors import batch_tensors, images_tensor

if _seeding.last_seed() is not None:
    _seeding.seed_torch(_seeding.last_seed())

__all__ = ["batch_tensors", "images_tensor"]
