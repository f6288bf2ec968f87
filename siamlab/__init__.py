"""siamlab: Siamese networks that do not train, and how to make them train.

The core (data, pairs, metrics, history, plots and widgets) uses numpy only;
``siamlab.torch`` and ``siamlab.tf`` hold everything that imports a framework, with the
same names for the same ideas. ``import siamlab`` imports neither framework; it only makes a later
TensorFlow import quiet (``TF_CPP_MIN_LOG_LEVEL=2`` unless set, and no Abseil start-up lines; see
``siamlab._tf_logs``).
"""
from siamlab import _tf_logs

_tf_logs.install()  # before anything imports TensorFlow

from siamlab import config  # noqa: E402
from siamlab.seeding import device, seed_everything  # noqa: E402

__version__ = "0.1.0"
__all__ = ["__version__", "config", "device", "seed_everything"]
