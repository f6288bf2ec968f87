"""siamlab: Siamese networks that do not train, and how to make them train.

The core (data, pairs, metrics, history, plots and widgets) uses numpy only;
``siamlab.torch`` and ``siamlab.tf`` hold everything that imports a framework, with the
same names for the same ideas. ``import siamlab`` imports neither framework.
"""
from siamlab import config
from siamlab.seeding import device, seed_everything

__version__ = "0.1.0"
__all__ = ["__version__", "config", "device", "seed_everything"]
