"""``python -m siamlab reproduce torch-seed`` prints an epoch log and ends with a JSON line."""
import json
import subprocess
import sys


def test_reproduce_torch_seed_cli():
    proc = subprocess.run([sys.executable, "-m", "siamlab", "reproduce", "torch-seed"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("device:") and len(lines) >= 3  # device line + epoch log + JSON
    result = json.loads(lines[-1])
    assert {"distinct_outputs", "output", "relu_bias", "accuracy"} <= set(result)
    assert result["distinct_outputs"] == 1
    assert result["output"] == result["relu_bias"]
    assert result["accuracy"] == 0.5


def test_reproduce_torch_fixed_cli():
    proc = subprocess.run([sys.executable, "-m", "siamlab", "reproduce", "torch-fixed"],
                          capture_output=True, text=True, timeout=400)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["distinct_outputs"] > 1
    assert result["accuracy"] >= 0.9
