"""Everything of siamlab that imports TensorFlow/Keras (the same names as ``siamlab.torch``).

Importing this package applies the seed of an earlier ``siamlab.seed_everything`` call.
``seed`` (the asker's broken code) and ``reproduce`` are imported on demand.
"""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep notebooks free of C++ info logs

import tensorflow as _tf  # noqa: E402

from siamlab import seeding as _seeding  # noqa: E402
from siamlab.tf.losses import contrastive_loss  # noqa: E402
from siamlab.tf.models import Encoder, euclidean_distance  # noqa: E402
from siamlab.tf.tensors import batch_tensors, images_tensor  # noqa: E402
from siamlab.tf.train import embed, make_step, pair_distances, train  # noqa: E402

if _seeding.last_seed() is not None:
    _seeding.seed_tensorflow(_seeding.last_seed())

__all__ = ["Encoder", "batch_tensors", "contrastive_loss", "embed", "euclidean_distance", "images_tensor",
           "make_step", "pair_distances", "train"]
