"""History: the per-epoch record, its listeners, snapshots and JSON files."""
import json
import os
import subprocess
import sys
from pathlib import Path

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


# --- issue 11, item 7: no lost file ---------------------------------------------------------------

FULL_DISK = """
import resource, signal, sys
from siamlab.history import History
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, like ENOSPC
resource.setrlimit(resource.RLIMIT_FSIZE, (2000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
big = History("big")
for epoch in range(200):
    big.log(epoch, loss=1.0 / (epoch + 1))
try:
    big.save_json(sys.argv[1])
except OSError as exc:
    print("OSError", exc.errno)
"""


def test_save_json_on_a_full_disk_keeps_the_old_file(tmp_path):
    path = tmp_path / "h.json"
    small = History("small", baseline=0.25)
    small.log(0, loss=0.5)
    small.save_json(path)
    before = path.read_bytes()
    done = subprocess.run([sys.executable, "-c", FULL_DISK, str(path)], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert "OSError" in done.stdout, done.stderr
    assert path.read_bytes() == before and History.load_json(path).records == small.records
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.json"]  # no temporary file left behind


def test_save_json_replaces_the_file_in_one_step(tmp_path, monkeypatch):
    path = tmp_path / "h.json"
    History("old").save_json(path)
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (replaced.append(Path(src).parent),
                                                         real_replace(src, dst)))
    History("new").save_json(path)
    assert replaced == [tmp_path] and History.load_json(path).name == "new"


@pytest.mark.parametrize("content", ['{"name": "run", "records": [', "", "[1, 2]", '{"records": []}'])
def test_load_json_names_a_corrupt_file(tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="broken.json: not a"):
        History.load_json(path)


# --- issue 11, item 13: a float32 baseline is a float at once -----------------------------------------

def test_numpy_baselines_save_as_json(tmp_path):
    history = History("run", baseline=np.float32(0.25))
    history.save_json(tmp_path / "h.json")
    assert History.load_json(tmp_path / "h.json").baseline == 0.25
    assert History("run", baseline=np.array(0.5)).baseline == 0.5


@pytest.mark.parametrize("baseline, error", [("0.25", TypeError), (float("nan"), ValueError),
                                             ([0.25], TypeError)])
def test_bad_baselines_are_named(baseline, error):
    with pytest.raises(error, match="baseline must be"):
        History("run", baseline=baseline)
