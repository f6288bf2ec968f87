"""Shared fixtures: where the course's real MNIST is, and an isolated siamlab environment."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from siamlab.data import mnist

REPO = Path(__file__).resolve().parents[1]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -c code`` in a fresh interpreter from the repository root."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **env}, timeout=300)


def shared_mnist() -> Path | None:
    """The course's real MNIST folder (SIAMLAB_DATA_DIR, else ../shared/data, else the copy shipped in the
    package), if present."""
    candidates = [os.environ.get("SIAMLAB_DATA_DIR", ""), str(REPO.parent / "shared" / "data"),
                  str(mnist.BUNDLED_DIR.parent)]
    for candidate in candidates:
        if candidate and (Path(candidate) / "mnist" / "t10k-images-idx3-ubyte.gz").is_file():
            return Path(candidate).resolve() / "mnist"
    return None


@pytest.fixture
def real_mnist() -> Path:
    folder = shared_mnist()
    if folder is None:
        pytest.skip("real MNIST not found: set SIAMLAB_DATA_DIR (CI uses ../shared/data)")
    return folder


@pytest.fixture
def isolated(monkeypatch, tmp_path) -> Path:
    """No data folder, no shipped subset, an empty cache in tmp_path, network allowed unless a test says
    otherwise: what a download or the fallback meets."""
    monkeypatch.delenv("SIAMLAB_DATA_DIR", raising=False)
    monkeypatch.delenv("SIAMLAB_FALLBACK_DIGITS", raising=False)
    monkeypatch.setattr(mnist, "BUNDLED_DIR", tmp_path / "no-shipped-subset")
    monkeypatch.delenv("SIAMLAB_OFFLINE", raising=False)
    monkeypatch.delenv("SIAMLAB_FULL", raising=False)
    monkeypatch.setenv("SIAMLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist, "_failed_download", None, raising=False)  # forget earlier failed downloads
    return tmp_path / "cache"
