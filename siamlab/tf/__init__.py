"""Everything of siamlab that imports TensorFlow/Keras: the same public names, arguments,
defaults and meanings as ``siamlab.torch`` (see docs/api.md); images are channels-last here.

Importing this package applies the seed of an earlier ``siamlab.seed_everything`` call.
``asker`` (the asker's broken code), ``every_pair`` and ``reproduce`` are imported on demand.
"""
# ``import siamlab`` (run before this package) made this import quiet: see siamlab._tf_logs
import tensorflow as _tf  # noqa: F401

from siamlab import seeding as _seeding
from siamlab.tf.losses import contrastive_loss, euclidean_distance, logit_bce_loss
from siamlab.tf.models import Encoder, SiameseNet, TwoChannelNet
from siamlab.tf.tensors import (
    batch_tensors,
    check_pairs,
    device,
    identical_pair_share,
    images_tensor,
)
from siamlab.tf.train import (
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
