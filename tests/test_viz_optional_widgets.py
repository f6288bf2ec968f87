"""Explorers without ipyevents and on ipywidgets 7.x (Colab): no error, a point box selects points."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from registry import require_registry

from siamlab.viz import DistanceExplorer, EmbeddingExplorer, LiveCurves
from siamlab.viz._explorer import PLAIN_REPR, click_events

HOSTED = ("COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE", "VSCODE_PID", "SIAMLAB_CLICK")


@pytest.fixture
def no_ipyevents(monkeypatch):
    """ipyevents cannot be imported (None in sys.modules makes ``import ipyevents`` raise ImportError)."""
    monkeypatch.setitem(sys.modules, "ipyevents", None)
    for name in HOSTED:
        monkeypatch.delenv(name, raising=False)


def small_embeddings(n: int = 30) -> tuple[dict, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], n // 3)
    return {e: rng.normal(size=(n, 4)) + labels[:, None] * e for e in range(3)}, labels, rng.random((n, 5, 6))


def test_explorers_work_without_ipyevents(no_ipyevents):
    assert click_events() is None
    emb, labels, images = small_embeddings()
    explorer = EmbeddingExplorer(emb, labels, images, neighbours=3)
    box = explorer.widget()
    assert not hasattr(explorer, "_click")
    explorer.point_box.value = 7  # selecting a point works everywhere: the point box
    assert explorer.selected == 7 and "point 7" in explorer._label.value
    explorer.epoch_slider.value = 1
    assert explorer.epoch == 1
    assert repr(box) == PLAIN_REPR
    rng = np.random.default_rng(1)
    distances = DistanceExplorer(np.abs(rng.normal(size=200)), rng.integers(0, 2, 200))
    assert repr(distances.widget()) == PLAIN_REPR
    LiveCurves(["a run"]).figure  # noqa: B018 - constructing must not need ipyevents either


def test_import_siamlab_viz_with_ipyevents_blocked():
    code = textwrap.dedent("""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "ipyevents":
                    raise ImportError("blocked")
        sys.meta_path.insert(0, Block())
        import siamlab.viz
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize("variable", ["COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE", "VSCODE_PID"])
def test_no_click_events_where_the_front_end_cannot_load_them(monkeypatch, variable):
    pytest.importorskip("ipyevents")
    for name in HOSTED:
        monkeypatch.delenv(name, raising=False)
    assert click_events() is not None
    monkeypatch.setenv(variable, "1")
    assert click_events() is None
    monkeypatch.setenv("SIAMLAB_CLICK", "1")
    assert click_events() is not None


def test_widget_text_plain_is_one_line(no_ipyevents):
    emb, labels, _ = small_embeddings()
    bundle = EmbeddingExplorer(emb, labels).widget()._repr_mimebundle_()
    assert bundle["text/plain"] == PLAIN_REPR


SCRIPT = """
import numpy as np, ipywidgets, importlib.util
from siamlab.viz import DistanceExplorer, EmbeddingExplorer, LiveCurves, show_side_by_side
rng = np.random.default_rng(0)
labels = np.repeat([0, 1], 10)
emb = EmbeddingExplorer({0: rng.normal(size=(20, 3)), 1: rng.normal(size=(20, 3))}, labels,
                        rng.random((20, 4, 4)), neighbours=2)
emb.widget(); emb.point_box.value = 5; emb.epoch_slider.value = 0
dist = DistanceExplorer(np.abs(rng.normal(size=100)), rng.integers(0, 2, 100))
dist.widget()
LiveCurves(["run"])
print(ipywidgets.__version__, emb.selected, emb.epoch, importlib.util.find_spec("ipyevents") is None)
"""


@pytest.mark.registry
def test_explorers_in_a_fresh_venv_with_ipywidgets_7(tmp_path):
    """numpy, matplotlib, scikit-learn, scipy, pooch and ipywidgets 7.7 from PyPI; no frameworks."""
    require_registry()
    from conftest import REPO

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--isolated", "--quiet", "--disable-pip-version-check"]
    core = ["numpy>=2.0", "scipy>=1.11", "matplotlib>=3.8", "scikit-learn>=1.4", "pooch>=1.8",
            "ipywidgets==7.7.*"]
    subprocess.run(pip + ["--only-binary=:all:"] + core, check=True, timeout=900)
    subprocess.run(pip + ["--no-deps", str(REPO)], check=True, timeout=300)
    done = subprocess.run([python, "-c", SCRIPT], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    version, selected, epoch, no_ipyevents = done.stdout.split()
    assert version.startswith("7.7") and (selected, epoch, no_ipyevents) == ("5", "0", "True")
