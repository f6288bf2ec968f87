"""Everything of siamlab that imports TensorFlow/Keras: the same public names, arguments,
defaults and meanings as ``siamlab.torch`` (see docs/api.md); images are channels-last here.

Importing this package applies the seed of an earlier ``siamlab.seed_everything`` call.
``asker`` (the asker's broken code), ``every_pair`` and ``reproduce`` are imported on demand.
"""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep notebooks free of C++ info logs

import tensorflow as _tf  # noqa: E402,F401

from siamlab import seeding as _seeding  # noqa: E402
from siamlab.tf.losses import contrastive_loss, euclidean_distance, logit_bce_loss  # noqa: E402
from siamlab.tf.models import Encoder, SiameseNet, TwoChannelNet  # noqa: E402
from siamlab.tf.tensors import (  # noqa: E402
    batch_tensors,
    check_pairs,
    device,
    identical_pair_share,
    images_tensor,
)
from siamlab.tf.train import (  # noqa: E402
    embed,
    evaluate,
    lr_range_test,
    make_logit_step,
    make_optimizer,
    make_step,
    pair_distances,
    pair_outputs,
    train,
)

if _seeding.last_seed() is not None:
    _seeding.seed_tensorflow(_seeding.last_seed())

__all__ = [
    "Encoder", "SiameseNet", "TwoChannelNet", "batch_tensors", "check_pairs", "contrastive_loss", "device",
    "embed", "euclidean_distance", "evaluate", "identical_pair_share", "images_tensor", "logit_bce_loss",
    "lr_range_test", "make_logit_step", "make_optimizer", "make_step", "pair_distances", "pair_outputs",
    "train",
]
