"""History: the per-epoch record, its listeners, snapshots and JSON files."""
import json

import numpy as np
import pytest

from siamlab.history import History


def test_history_logs_notifies_and_round_trips(tmp_path):
    history, calls = History("run", baseline=0.25), []
    history.subscribe(lambda h: calls.append(len(h.records)))
    history.log(0, loss=np.float32(0.7), accuracy=0.5)
    history.log(1, loss=0.3)
    assert calls == [1, 2] and history.keys() == ["loss", "accuracy"]
    epochs, values = history.series("loss")
    assert epochs.tolist() == [0, 1] and values == pytest.approx([0.7, 0.3])
    assert history.last("accuracy") == 0.5
    history.save_json(tmp_path / "h.json")
    loaded = History.load_json(tmp_path / "h.json")
    assert loaded.records == history.records and loaded.baseline == 0.25
    json.loads((tmp_path / "h.json").read_text())


def test_history_rejects_unknown_metric_and_non_numbers():
    history = History("run")
    history.log(0, loss=1.0)
    with pytest.raises(KeyError, match="has no metric 'acc'; it has \\['loss'\\]"):
        history.series("acc")
    with pytest.raises((TypeError, ValueError)):
        history.log(1, loss="high")


def test_history_snapshots_keep_arrays():
    history = History("run")
    history.snapshot(3, embeddings=[[0, 1], [1, 0]], labels=[0, 1])
    assert history.snapshots[3]["embeddings"].shape == (2, 2)
