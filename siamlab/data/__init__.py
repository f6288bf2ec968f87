"""Data as numpy arrays and index batches; no deep-learning framework is imported here."""
from siamlab.data.mnist import (
    TRAIN_SUBSET,
    MnistData,
    MnistDownloadError,
    MnistFormatError,
    load_mnist,
    note_if_not_mnist,
    train_subset,
)
from siamlab.data.objects import OBJECT_CLASSES, ObjectImages, make_objects
from siamlab.data.pairs import AllPairs, BalancedPairs, PairBatch, take_pairs

__all__ = [
    "AllPairs", "BalancedPairs", "MnistData", "MnistDownloadError", "MnistFormatError",
    "OBJECT_CLASSES", "ObjectImages", "PairBatch", "TRAIN_SUBSET", "load_mnist", "make_objects",
    "note_if_not_mnist", "take_pairs", "train_subset",
]
