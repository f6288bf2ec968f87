"""`python -m siamlab info`: versions, devices, what each data source would give, mode."""
from __future__ import annotations

import builtins
import gzip
import os
import subprocess
import sys

import pytest
from conftest import REPO

from siamlab import info
from siamlab.data import mnist


def test_info_reports_versions_devices_data_and_mode(real_mnist):
    result = subprocess.run([sys.executable, "-m", "siamlab", "info"], capture_output=True, text=True,
                            cwd=REPO, env={**os.environ, "SIAMLAB_DATA_DIR": str(real_mnist.parent)},
                            timeout=300)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    for key in ("python: 3.", "torch: 2.13.0", "tensorflow: 2.21", "jupyterlab: ", "ipywidgets: ",
                "torch devices: ", "tensorflow devices: ", "mode: default",
                "offline fallback (only if a shipped file is deleted or corrupt):",
                "train: 1,762 images, local IDX files, 1,762 images, not the official release",
                "test: 10,000 images, official release", "shipped with siamlab: "):
        assert key in out, f"{key!r} missing from:\n{out}"


# --- issue 11, item 6: junk files are not reported as present -------------------------------------------

def test_junk_files_are_reported_as_unusable(isolated, monkeypatch, tmp_path):
    folder = tmp_path / "data" / "mnist"
    folder.mkdir(parents=True)
    for name in mnist.FILES["test"]:
        (folder / name).write_bytes(gzip.compress(b"<html>not IDX</html>"))
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(tmp_path / "data"))
    lines = "\n".join(info.data_sources())
    assert "test: unusable (" in lines and "wrong IDX magic number" in lines
    assert "train: no files" in lines and "the train split is not usable" in lines


# --- issue 11, item 12: a framework whose import breaks --------------------------------------------------

def test_a_framework_import_that_raises_anything_is_one_line(isolated, monkeypatch):
    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name in ("torch", "tensorflow"):
            raise AttributeError("module 'numpy' has no attribute 'float_'")  # a numpy/binary mismatch
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    text = info.report()
    assert "torch devices: torch cannot be imported: AttributeError: module 'numpy' has no attribute" in text
    assert "tensorflow devices: tensorflow cannot be imported: AttributeError" in text
    assert text.rstrip().splitlines()[-1].startswith("mode: ")


@pytest.mark.parametrize("name, call", [("torch", info.torch_devices),
                                        ("tensorflow", info.tensorflow_devices)])
def test_a_framework_that_is_not_installed_says_so(monkeypatch, name, call):
    monkeypatch.setitem(sys.modules, name, None)  # import raises ModuleNotFoundError
    assert call() == f"{name} not installed"
