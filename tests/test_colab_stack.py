"""Every notebook under nbval on Colab's own library versions (tools/colab_stack.txt), in a venv from PyPI.

On Colab the install cell adds siamlab and keeps the kernel's torch, TensorFlow, Keras and ipywidgets, so
the notebooks' assertions meet those versions there. This builds ``.venv-colab`` from the pins (about
7 GB with the CUDA libraries PyPI's torch brings, 2 min; rebuilt only when the pins or the Python change),
installs siamlab into it without dependencies, as the install cell does, and runs every notebook.
"""
from __future__ import annotations

import glob
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from registry import require_registry

REPO = Path(__file__).resolve().parents[1]
PINS = REPO / "tools" / "colab_stack.txt"
VENV = REPO / ".venv-colab"
COLAB_PYTHON = (3, 12)
TOOLS = ["pytest>=8", "nbval>=0.11"]   # nbval's own runner; not pinned by Colab


def pinned() -> dict[str, str]:
    """name -> version of every pin in tools/colab_stack.txt."""
    lines = [line.split("#")[0].strip() for line in PINS.read_text().splitlines()]
    return dict(line.split("==") for line in lines if line)


def colab_python() -> str:
    """A Python 3.12 (Colab's) if one runs here, else this one: SIAMLAB_COLAB_PYTHON, PATH, then pyenv."""
    candidates = [os.environ.get("SIAMLAB_COLAB_PYTHON"), "python3.12",
                  *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12")))]
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run([candidate, "-c", "import sys; print(*sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        if done.returncode == 0 and tuple(map(int, done.stdout.split())) == COLAB_PYTHON:
            return candidate
    return sys.executable


def build_venv() -> Path:
    """.venv-colab with the pins and the test tools; siamlab reinstalled from this checkout every time."""
    python = colab_python()
    want = hashlib.sha256(PINS.read_bytes() + python.encode() + " ".join(TOOLS).encode()).hexdigest()
    stamp, venv_python = VENV / ".colab-stack", VENV / "bin" / "python"
    pip = [str(venv_python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not (stamp.is_file() and stamp.read_text() == want):
        subprocess.run([python, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run(pip + ["--only-binary=:all:", "-r", str(PINS), *TOOLS], check=True, timeout=1800)
        stamp.write_text(want)
    subprocess.run(pip + ["--no-deps", "--force-reinstall", str(REPO)], check=True, timeout=600)
    return venv_python


def test_pins_name_the_versions_the_issue_lists():
    pins = pinned()
    assert {name: pins[name] for name in ("torch", "tensorflow", "ipywidgets")} == {
        "torch": "2.11.0", "tensorflow": "2.20.0", "ipywidgets": "7.7.1"}
    assert pins["keras"].startswith("3.13.")


@pytest.mark.registry
def test_every_notebook_passes_nbval_on_colabs_versions():
    require_registry()
    venv_python = build_venv()
    versions = subprocess.run(
        [str(venv_python), "-c", "import importlib.metadata as m, sys; "
         "print(*(f'{n}=={m.version(n)}' for n in sys.argv[1:]))", *pinned()],
        capture_output=True, text=True, check=True).stdout.split()
    assert versions == [f"{name}=={version}" for name, version in pinned().items()], versions
    env = {k: v for k, v in os.environ.items() if k not in ("SIAMLAB_FULL", "SIAMLAB_DATA_DIR")}
    run = subprocess.run([str(venv_python), "-m", "pytest", "notebooks", "--nbval-current-env", "-q",
                          "-p", "no:cacheprovider"], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=2400)
    print(run.stdout[-2000:])
    assert run.returncode == 0, run.stdout[-6000:]
