"""The bridge from numpy index batches to tensors: same names and meaning in both frameworks."""
import numpy as np
import pytest

from siamlab.data.pairs import PairBatch

IMAGES = np.arange(3 * 4 * 5, dtype=np.uint8).reshape(3, 4, 5)
BATCH = PairBatch(left=np.array([0, 2]), right=np.array([1, 1]), same=np.array([0, 1], dtype=np.uint8))


def test_torch_batch_tensors_are_channels_first_and_scaled():
    import siamlab.torch as sto

    left, right, same = sto.batch_tensors(IMAGES, BATCH, "cpu")
    assert tuple(left.shape) == (2, 1, 4, 5) and str(left.dtype) == "torch.float32"
    assert np.allclose(left[1, 0].numpy(), IMAGES[2] / 255) and np.allclose(right[0, 0].numpy(), IMAGES[1] / 255)
    assert same.tolist() == [0.0, 1.0]


def test_tf_batch_tensors_are_channels_last_and_scaled():
    import siamlab.tf as stf

    left, right, same = stf.batch_tensors(IMAGES, BATCH)
    assert tuple(left.shape) == (2, 4, 5, 1) and left.dtype.name == "float32"
    assert np.allclose(left.numpy()[1, ..., 0], IMAGES[2] / 255) and np.allclose(right.numpy()[0, ..., 0], IMAGES[1] / 255)
    assert same.numpy().tolist() == [0.0, 1.0]


@pytest.mark.parametrize("framework", ["siamlab.torch", "siamlab.tf"])
@pytest.mark.parametrize("images", [IMAGES.astype(np.float32), IMAGES[0]])
def test_images_tensor_names_expected_vs_got(framework, images):
    import importlib

    module = importlib.import_module(framework)
    with pytest.raises(ValueError, match=r"expected \(N, H, W\) uint8 images, got shape"):
        module.images_tensor(images)
