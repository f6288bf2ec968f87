"""The course's MNIST subset ships in the package: a fresh clone, a hosted install and an offline room
all run default mode on real digits; the scikit-learn fallback is left for a deleted or corrupt file."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from conftest import REPO

from siamlab.data import mnist
from siamlab.data.mnist import load_mnist


@pytest.fixture
def fresh_user(monkeypatch, tmp_path):
    """No course folder, an empty cache, no network: a student's laptop in an offline room."""
    monkeypatch.delenv("SIAMLAB_DATA_DIR", raising=False)
    monkeypatch.delenv("SIAMLAB_FULL", raising=False)
    monkeypatch.delenv("SIAMLAB_FALLBACK_DIGITS", raising=False)
    monkeypatch.setenv("SIAMLAB_OFFLINE", "1")
    monkeypatch.setenv("SIAMLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist, "_failed_download", None)


def test_shipped_files_are_the_documented_ones():
    for name, digest in mnist.BUNDLED_SHA256.items():
        assert mnist.sha256(mnist.BUNDLED_DIR / name) == digest, name
    readme = (mnist.BUNDLED_DIR / "README.md").read_text()
    assert "CC BY-SA 3.0" in readme and "LeCun" in readme


def test_default_mode_offline_gets_real_mnist_without_a_warning(fresh_user, recwarn):
    test, train = load_mnist("test", digits=[0, 1]), load_mnist("train", digits=[0, 1])
    assert (np.bincount(test.labels)[:2].tolist(), len(test)) == ([980, 1135], 2115)
    assert (np.bincount(train.labels)[:2].tolist(), len(train)) == ([166, 200], 366)
    assert test.source == "MNIST test split (official release; shipped with siamlab)"
    assert train.source.startswith("MNIST train split (local IDX files, 1,762 images")
    assert "shipped with siamlab" in train.source
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def test_shipped_subset_is_what_the_course_folder_holds(fresh_user, real_mnist, monkeypatch):
    shipped = load_mnist("train", first=mnist.train_subset())
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(real_mnist.parent))
    course = load_mnist("train", first=mnist.train_subset())
    assert np.array_equal(shipped.images, course.images) and np.array_equal(shipped.labels, course.labels)


def test_full_mode_offline_uses_the_subset_and_says_it_is_not_the_whole_split(fresh_user, monkeypatch):
    monkeypatch.setenv("SIAMLAB_FULL", "1")
    with pytest.warns(UserWarning, match="1,762 images, not the whole split"):
        train = load_mnist("train")
    assert len(train) == 1762
    assert len(load_mnist("test")) == 10_000  # the shipped test split is complete: no warning needed


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_a_deleted_or_corrupt_shipped_file_falls_back_with_a_warning(fresh_user, monkeypatch, tmp_path,
                                                                     damage):
    copy = tmp_path / "shipped"
    shutil.copytree(mnist.BUNDLED_DIR, copy)
    target = copy / "t10k-labels-idx1-ubyte.gz"
    if damage == "delete":
        target.unlink()
    else:
        target.write_bytes(target.read_bytes()[:-3] + b"xyz")
    monkeypatch.setattr(mnist, "BUNDLED_DIR", copy)
    with pytest.warns(UserWarning, match="t10k-labels-idx1-ubyte.gz shipped with siamlab are missing or"):
        data = load_mnist("test")
    assert data.source == mnist.FALLBACK_SOURCE
    assert load_mnist("train", first=10).source.startswith("MNIST train split")  # the intact split loads


def test_fallback_digits_flag_forces_the_fallback(fresh_user, monkeypatch):
    monkeypatch.setenv("SIAMLAB_FALLBACK_DIGITS", "1")
    with pytest.warns(UserWarning, match="SIAMLAB_FALLBACK_DIGITS is set"):
        data = load_mnist("test", digits=[0, 1])
    assert data.source == mnist.FALLBACK_SOURCE


def test_the_wheel_carries_the_subset(tmp_path):
    """A hosted install (pip install of the package, not a clone) gets the files too."""
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path), str(REPO)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    (wheel,) = tmp_path.glob("siamlab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in [*mnist.BUNDLED_SHA256, "README.md"]:
        assert f"siamlab/data/bundled/mnist/{name}" in names, name


def test_note_if_not_mnist_prints_the_claims_only_on_the_fallback(capsys):
    on_mnist = "MNIST test split (official release; shipped with siamlab)"
    assert mnist.note_if_not_mnist(on_mnist, ["a"]) is False
    assert capsys.readouterr().out == ""
    assert mnist.note_if_not_mnist(mnist.FALLBACK_SOURCE, ["the loss freezes at 0.25", "AUC falls"]) is True
    out = capsys.readouterr().out
    assert "not MNIST" in out and "  - the loss freezes at 0.25\n" in out and "  - AUC falls" in out


@pytest.mark.parametrize("source, claims, named", [
    ("", ["a"], "source must be"), (None, ["a"], "source must be"),
    (mnist.FALLBACK_SOURCE, "one claim", "claims must be"),
    (mnist.FALLBACK_SOURCE, ["ok", ""], "claims must be"),
])
def test_note_if_not_mnist_bad_input_is_named(source, claims, named):
    with pytest.raises(ValueError, match=named):
        mnist.note_if_not_mnist(source, claims)
