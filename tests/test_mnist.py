"""load_mnist: real files, strict IDX checks, hashed atomic download, offline fallback."""
from __future__ import annotations

import gzip
import hashlib
import http.server
import shutil
import struct
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

from siamlab.data import mnist
from siamlab.data.mnist import MnistDownloadError, MnistFormatError, load_mnist


# --- real data ------------------------------------------------------------------------------

def test_test_split_has_the_documented_counts(real_mnist, monkeypatch):
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(real_mnist.parent))
    data = load_mnist("test")
    assert data.images.shape == (10_000, 28, 28) and data.images.dtype == np.uint8
    assert data.labels.shape == (10_000,) and data.labels.dtype == np.uint8
    counts = np.bincount(data.labels, minlength=10)
    assert (counts[0], counts[1]) == (980, 1135)
    assert "SIAMLAB_DATA_DIR" in data.source
    assert data.source.startswith("MNIST test split (official release; SIAMLAB_DATA_DIR:")


def test_train_prefix_count_comes_from_the_header(real_mnist, monkeypatch):
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(real_mnist.parent))
    data = load_mnist("train", digits=[0, 1])
    assert len(data) == 366 and np.bincount(data.labels).tolist() == [166, 200]
    assert data.source.startswith("MNIST train split (local IDX files, 1,762 images, not the official release;")


def test_digits_filter_keeps_only_those_digits(real_mnist, monkeypatch):
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(real_mnist.parent))
    data = load_mnist("test", digits=7)
    assert set(np.unique(data.labels)) == {7} and len(data) == 1028


# --- bad arguments ------------------------------------------------------------------------------

@pytest.mark.parametrize("split", ["validation", "TEST", "", None])
def test_unknown_split_is_named(split):
    with pytest.raises(ValueError, match=r"split must be one of \['test', 'train'\], got"):
        load_mnist(split)


@pytest.mark.parametrize("digits", [[10], [-1], [0, 12], [], ["1"], [1.5], [True]])
def test_bad_digits_are_named(digits):
    with pytest.raises(ValueError, match="digits must be a non-empty list of integers 0-9, got"):
        load_mnist("test", digits=digits)


# --- IDX format errors ------------------------------------------------------------------------

def idx_bytes(magic: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    return struct.pack(">I", magic) + struct.pack(f">{len(shape)}I", *shape) + payload


def write_split(folder: Path, images: bytes, labels: bytes, split: str = "test") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    image_name, label_name = mnist.FILES[split]
    (folder / image_name).write_bytes(gzip.compress(images))
    (folder / label_name).write_bytes(gzip.compress(labels))


def good_images(n: int) -> bytes:
    return idx_bytes(mnist.IMAGE_MAGIC, (n, 28, 28), bytes(n * 784))


def good_labels(n: int) -> bytes:
    return idx_bytes(mnist.LABEL_MAGIC, (n,), bytes(n))


def test_a_valid_small_file_set_loads(tmp_path):
    write_split(tmp_path, good_images(3), good_labels(3))
    images, labels = mnist.read_split(tmp_path, "test")
    assert images.shape == (3, 28, 28) and labels.shape == (3,)


def test_header_payload_mismatch_names_file_and_sizes(tmp_path):
    truncated = idx_bytes(mnist.IMAGE_MAGIC, (5, 28, 28), bytes(3 * 784))
    write_split(tmp_path, truncated, good_labels(5))
    with pytest.raises(MnistFormatError, match=r"t10k-images-idx3-ubyte.gz: header says shape \(5, 28, 28\) = 3920 bytes of data, got 2352 \(truncated\)"):
        mnist.read_split(tmp_path, "test")


def test_trailing_bytes_are_an_error_too(tmp_path):
    write_split(tmp_path, good_images(2) + b"xx", good_labels(2))
    with pytest.raises(MnistFormatError, match="trailing bytes"):
        mnist.read_split(tmp_path, "test")


def test_wrong_magic_is_named(tmp_path):
    write_split(tmp_path, good_labels(3), good_labels(3))  # labels where images belong
    with pytest.raises(MnistFormatError, match="wrong IDX magic number: expected 0x00000803, got 0x00000801"):
        mnist.read_split(tmp_path, "test")


def test_not_gzip_is_named(tmp_path):
    write_split(tmp_path, good_images(1), good_labels(1))
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"<html>not a gzip</html>")
    with pytest.raises(MnistFormatError, match="t10k-images-idx3-ubyte.gz: not a readable gzip file"):
        mnist.read_split(tmp_path, "test")


def test_truncated_gzip_stream_is_named(tmp_path):
    write_split(tmp_path, good_images(50), good_labels(50))
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(MnistFormatError, match="not a readable gzip file"):
        mnist.read_split(tmp_path, "test")


def test_label_count_must_match_image_count(tmp_path):
    write_split(tmp_path, good_images(4), good_labels(3))
    with pytest.raises(MnistFormatError, match="expected 4 labels to match t10k-images-idx3-ubyte.gz, got shape \\(3,\\)"):
        mnist.read_split(tmp_path, "test")


def test_labels_above_nine_are_rejected(tmp_path):
    write_split(tmp_path, good_images(1), idx_bytes(mnist.LABEL_MAGIC, (1,), bytes([12])))
    with pytest.raises(MnistFormatError, match="labels must be 0-9, got max 12"):
        mnist.read_split(tmp_path, "test")


def test_corrupt_file_in_data_dir_raises_not_silently_falls_back(tmp_path, monkeypatch, isolated):
    write_split(tmp_path / "mnist", good_images(2), good_labels(2))
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(tmp_path))
    with pytest.raises(MnistFormatError):
        load_mnist("test")


# --- download (from a server on 127.0.0.1) ---------------------------------------------------

class Server:
    """A tiny HTTP server on loopback serving files from a folder, optionally cut short."""

    def __init__(self, folder: Path, cut_after: int | None = None):
        cut = cut_after

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def log_message(self, *args):
                pass

            def do_GET(self):
                if cut is None:
                    return super().do_GET()
                body = (folder / self.path.lstrip("/")).read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:cut])  # then the connection closes: an interrupted download
                self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def served(tmp_path, monkeypatch):
    """Serve a small valid test split and pin its real SHA-256s, as the official files are."""
    folder = tmp_path / "remote"
    pixels = np.random.default_rng(0).integers(0, 256, 6 * 784, dtype=np.uint8).tobytes()  # gzip can't shrink it
    write_split(folder, idx_bytes(mnist.IMAGE_MAGIC, (6, 28, 28), pixels), good_labels(6))
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    monkeypatch.setattr(mnist, "OFFICIAL_SHA256", {**mnist.OFFICIAL_SHA256, **hashes})
    servers = []

    def start(cut_after=None):
        server = Server(folder, cut_after)
        servers.append(server)
        monkeypatch.setattr(mnist, "MIRRORS", (server.url,))
        return server

    yield start
    for server in servers:
        server.close()


def test_download_checks_hash_and_lands_in_cache(served, isolated):
    served()
    data = load_mnist("test")
    assert len(data) == 6 and data.source.startswith("MNIST test split (official release, downloaded to")
    assert sorted(p.name for p in (isolated / "mnist").iterdir()) == sorted(mnist.FILES["test"])
    again = load_mnist("test")  # second call: from the cache, no download
    assert again.source.startswith("MNIST test split (official release; cache:")


def test_hash_mismatch_on_every_mirror_falls_back_and_leaves_no_file(served, isolated, monkeypatch):
    served()
    monkeypatch.setitem(mnist.OFFICIAL_SHA256, "t10k-images-idx3-ubyte.gz", "0" * 64)
    with pytest.warns(UserWarning, match="failed its SHA-256 check"):
        data = load_mnist("test")
    assert data.source == mnist.FALLBACK_SOURCE
    assert not (isolated / "mnist" / "t10k-images-idx3-ubyte.gz").exists()
    with pytest.raises(MnistDownloadError, match="failed its SHA-256 check"):
        mnist.download_split("test", isolated / "mnist")


def test_interrupted_download_leaves_no_partial_file_and_falls_back(served, isolated):
    served(cut_after=100)
    with pytest.warns(UserWarning, match="could not be downloaded"):
        data = load_mnist("test")
    assert data.source == mnist.FALLBACK_SOURCE
    leftovers = list((isolated / "mnist").iterdir()) if (isolated / "mnist").exists() else []
    assert leftovers == []


# --- offline fallback -----------------------------------------------------------------------------

def test_offline_fallback_warns_and_says_so(isolated, monkeypatch):
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))  # discard port: refused
    with pytest.warns(UserWarning, match="using the offline fallback"):
        data = load_mnist("test", digits=[0, 1])
    assert data.source == mnist.FALLBACK_SOURCE
    assert data.images.shape[1:] == (28, 28) and data.images.dtype == np.uint8
    assert set(np.unique(data.labels)) == {0, 1}


def test_offline_flag_skips_the_network(isolated, monkeypatch):
    monkeypatch.setenv("SIAMLAB_OFFLINE", "1")
    monkeypatch.setattr(mnist, "download_split", lambda *a, **k: pytest.fail("network was tried"))
    with pytest.warns(UserWarning, match="SIAMLAB_OFFLINE is set"):
        data = load_mnist("train")
    assert data.source == mnist.FALLBACK_SOURCE


def test_fallback_digits_look_like_mnist():
    train_images, train_labels = mnist.fallback_digits("train")
    test_images, test_labels = mnist.fallback_digits("test")
    assert len(train_images) == mnist.FALLBACK_TRAIN_SIZE and len(train_images) + len(test_images) == 1797
    assert train_images.shape[1:] == (28, 28) and train_images.dtype == np.uint8
    assert train_images[:, :4].max() == 0 and train_images[:, 24:].max() == 0  # centred 20x20 box
    assert train_images.max() == 255 and set(np.unique(train_labels)) == set(range(10))
