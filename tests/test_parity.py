"""The contrastive loss is one formula: numpy reference == siamlab.torch == siamlab.tf (<= 1e-5)."""
import numpy as np
import pytest

from siamlab import losses as ref


def _cases():
    rng = np.random.default_rng(7)
    for n in (1, 5, 64):
        a = rng.normal(size=(n, 16)).astype(np.float32)
        b = (a + rng.normal(scale=rng.uniform(0.01, 1.0), size=(n, 16))).astype(np.float32)
        same = rng.integers(0, 2, n).astype(np.float32)
        yield a, b, same


@pytest.mark.parametrize("margin", [1.0, 2.0])
def test_torch_contrastive_loss_matches_numpy_reference(margin):
    import torch

    from siamlab.torch.losses import contrastive_loss, euclidean_distance

    for a, b, same in _cases():
        d_ref = ref.euclidean_distance(a, b)
        d = euclidean_distance(torch.from_numpy(a), torch.from_numpy(b), eps=0.0)
        np.testing.assert_allclose(d.numpy(), d_ref, atol=1e-5)
        got = contrastive_loss(d, torch.from_numpy(same), margin).item()
        assert abs(got - ref.contrastive_loss(d_ref, same, margin)) <= 1e-5


@pytest.mark.parametrize("margin", [1.0, 2.0])
def test_torch_and_tf_contrastive_loss_agree(margin):
    import torch

    from siamlab.tf import losses as tf_losses
    from siamlab.torch.losses import contrastive_loss

    for a, b, same in _cases():
        d = ref.euclidean_distance(a, b).astype(np.float32)
        torch_value = contrastive_loss(torch.from_numpy(d), torch.from_numpy(same), margin).item()
        tf_value = float(tf_losses.contrastive_loss(d, same, margin))
        assert abs(torch_value - tf_value) <= 1e-5
        if hasattr(tf_losses, "euclidean_distance"):
            tf_d = np.asarray(tf_losses.euclidean_distance(a, b)).reshape(-1)
            np.testing.assert_allclose(tf_d, d, atol=1e-3)
