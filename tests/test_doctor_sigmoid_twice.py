"""OUTPUT_ACTIVATION_MISMATCH for a with-logits loss: a sigmoid applied twice, not a constant output."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from siamlab.doctor import diagnose  # noqa: E402


class PairNet(nn.Module):
    """A small pair model: |e1 - e2| -> one output, with or without a final sigmoid."""

    def __init__(self, sigmoid):
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.Tanh(), nn.Linear(16, 8))
        self.head = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid()) if sigmoid else nn.Linear(8, 1)

    def forward(self, x1, x2):
        return self.head(torch.abs(self.encoder(x1) - self.encoder(x2))).squeeze(1)


def _batches(identical):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 1, 8, 8)).astype(np.float32)
    x2 = x if identical else x + rng.normal(scale=1.0, size=x.shape).astype(np.float32)
    y = (np.arange(128) % 2).astype(np.float32)
    return [(x[i:i + 32], x2[i:i + 32], y[i:i + 32]) for i in range(0, 128, 32)]


def _report(sigmoid, identical):
    torch.manual_seed(0)
    model = PairNet(sigmoid)
    with torch.no_grad():   # identical inputs: every output is this bias, in (0, 1) as in notebook 06
        (model.head[0] if sigmoid else model.head).bias.fill_(0.3)
    return diagnose(model, _batches(identical), nn.BCEWithLogitsLoss(),
                    optimizer=torch.optim.Adam(model.parameters(), lr=3e-3))


def test_a_sigmoid_before_a_with_logits_loss_is_named():
    assert "OUTPUT_ACTIVATION_MISMATCH" in _report(sigmoid=True, identical=False).codes


def test_a_constant_output_under_a_with_logits_loss_is_not_called_a_sigmoid():
    """Identical inputs make a linear head constant: notebook 06 printed a 'squashed twice' error there."""
    report = _report(sigmoid=False, identical=True)
    assert "CONSTANT_OUTPUT" in report.codes and "OUTPUT_ACTIVATION_MISMATCH" not in report.codes
