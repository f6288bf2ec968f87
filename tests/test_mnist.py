"""load_mnist: real files, strict IDX checks, hashed atomic download, offline fallback."""
from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
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
    assert data.source.startswith(
        "MNIST train split (local IDX files, 1,762 images, not the official release;")


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
    with pytest.raises(MnistFormatError, match=r"t10k-images-idx3-ubyte.gz: header says shape \(5, 28, 28\) "
                                               r"= 3920 bytes of data, got 2352 \(truncated\)"):
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
    with pytest.raises(MnistFormatError,
                       match="expected 4 labels to match t10k-images-idx3-ubyte.gz, got shape \\(3,\\)"):
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
    pixels = np.random.default_rng(0).integers(0, 256, 6 * 784, dtype=np.uint8).tobytes()  # incompressible
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


# --- issue 11, item 2: an explicit SIAMLAB_DATA_DIR that cannot be used ------------------------------

@pytest.fixture
def no_network(monkeypatch):
    monkeypatch.setattr(mnist, "download_split", lambda *a, **k: pytest.fail("the network was tried"))


def copy_split(source: Path, folder: Path, split: str, names: tuple[str, ...] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in zip(mnist.FILES[split], names or mnist.FILES[split], strict=True):
        shutil.copy(source / name, folder / target)


def data_dir_error(monkeypatch, data_dir: Path, split: str = "test") -> str:
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(data_dir))
    with pytest.raises(mnist.MnistFolderError) as info:
        load_mnist(split)
    return str(info.value)


def test_data_dir_pointing_at_the_mnist_folder_itself_says_set_the_parent(real_mnist, monkeypatch, tmp_path,
                                                                         no_network):
    copy_split(real_mnist, tmp_path / "course" / "mnist", "test")
    message = data_dir_error(monkeypatch, tmp_path / "course" / "mnist")
    assert f"set SIAMLAB_DATA_DIR={tmp_path / 'course'}" in message


def test_data_dir_typo_is_named(monkeypatch, tmp_path, no_network):
    assert data_dir_error(monkeypatch, tmp_path / "dta").endswith("dta: no such folder")


def test_data_dir_missing_one_file_names_it(monkeypatch, tmp_path, no_network):
    write_split(tmp_path / "mnist", good_images(2), good_labels(2))
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    message = data_dir_error(monkeypatch, tmp_path)
    assert "t10k-labels-idx1-ubyte.gz missing" in message and "found: t10k-images-idx3-ubyte.gz" in message


def test_data_dir_with_uncompressed_files_says_so(monkeypatch, tmp_path, no_network):
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "t10k-images-idx3-ubyte").write_bytes(good_images(1))
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte").write_bytes(good_labels(1))
    message = data_dir_error(monkeypatch, tmp_path)
    assert "found t10k-images-idx3-ubyte, uncompressed: gzip it" in message and "neither file" in message


def test_data_dir_with_a_folder_where_a_file_belongs(monkeypatch, tmp_path, no_network):
    write_split(tmp_path / "mnist", good_images(1), good_labels(1))
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").mkdir()
    assert "t10k-labels-idx1-ubyte.gz is a folder, not a file" in data_dir_error(monkeypatch, tmp_path)


def test_data_dir_without_the_split_asked_for_does_not_fall_back_offline(monkeypatch, tmp_path):
    write_split(tmp_path / "mnist", good_images(1), good_labels(1), split="train")
    monkeypatch.setenv("SIAMLAB_OFFLINE", "1")
    assert "the test split is not usable" in data_dir_error(monkeypatch, tmp_path, "test")


# --- issue 11, item 3: local files are checked against the official release -------------------------

def test_train_files_under_test_names_are_not_passed_off_as_the_test_set(real_mnist, monkeypatch, tmp_path):
    copy_split(real_mnist, tmp_path / "mnist", "train", names=mnist.FILES["test"])
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(tmp_path))
    data = load_mnist("test")
    assert len(data) == 1762
    assert data.source.startswith("MNIST test split (local IDX files, 1,762 images, not the official release")


def test_official_test_files_under_train_names_are_named(real_mnist, monkeypatch, tmp_path):
    copy_split(real_mnist, tmp_path / "mnist", "test", names=mnist.FILES["train"])
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(tmp_path))
    source = load_mnist("train").source
    assert "10,000 images, not the official release" in source
    assert "train-images-idx3-ubyte.gz holds the official t10k-images-idx3-ubyte.gz" in source


def test_corrupt_cached_download_is_removed_and_fetched_again(served, isolated):
    served()
    load_mnist("test")
    (isolated / "mnist" / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b garbage")
    with pytest.warns(UserWarning, match="removed corrupt cached MNIST file.*t10k-images-idx3-ubyte.gz"):
        data = load_mnist("test")
    assert len(data) == 6 and "downloaded to" in data.source
    assert load_mnist("test").source.startswith("MNIST test split (official release; cache:")


# --- issue 11, item 8: a download killed half-way ------------------------------------------------------

KILLED_DOWNLOAD = """
import sys
from siamlab.data import mnist
mnist.MIRRORS = (sys.argv[1],)
mnist.OFFICIAL_SHA256 = dict.fromkeys(mnist.OFFICIAL_SHA256, "0" * 64)
mnist.BUNDLED_DIR = mnist.BUNDLED_DIR / "not-here"  # as the 'isolated' fixture: no shipped subset
mnist.load_mnist("test")
"""


class StallingServer:
    """Sends headers and the first bytes of a file, then nothing (a download to be killed)."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(bytes(5000))
                self.wfile.flush()
                time.sleep(30)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def test_temporary_file_of_a_killed_download_is_removed_on_the_next_call(isolated, monkeypatch):
    server = StallingServer()
    child = subprocess.Popen([sys.executable, "-c", KILLED_DOWNLOAD, server.url], cwd=isolated.parent,
                             env={**os.environ, "SIAMLAB_CACHE_DIR": str(isolated)})
    folder, deadline = isolated / "mnist", time.monotonic() + 30
    while time.monotonic() < deadline and not (folder.is_dir() and any(folder.iterdir())):
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert [p.name for p in folder.iterdir()], "the child wrote no temporary file"
    monkeypatch.setenv("SIAMLAB_OFFLINE", "1")
    with pytest.warns(UserWarning, match="SIAMLAB_OFFLINE is set"):
        load_mnist("test")
    assert list(folder.iterdir()) == []
    server.httpd.shutdown()


# --- issue 11, item 9: a mirror with the wrong content (a captive portal) -------------------------------

def test_a_captive_portal_mirror_is_skipped_for_the_next_one(served, isolated, tmp_path, monkeypatch):
    good = served()
    portal_folder = tmp_path / "portal"
    portal_folder.mkdir()
    for name in mnist.FILES["test"]:
        (portal_folder / name).write_text("<html><body>Please log in to the hotel Wi-Fi</body></html>")
    portal = Server(portal_folder)
    monkeypatch.setattr(mnist, "MIRRORS", (portal.url, good.url))
    data = load_mnist("test")
    portal.close()
    assert len(data) == 6 and "downloaded to" in data.source


# --- issue 11, item 10: a network that drops packets ---------------------------------------------------

@pytest.fixture
def silent_mirrors(monkeypatch):
    """Two mirrors that accept connections and never answer."""
    sockets = [socket.create_server(("127.0.0.1", 0)) for _ in range(2)]
    monkeypatch.setattr(mnist, "MIRRORS", tuple(f"http://127.0.0.1:{s.getsockname()[1]}/" for s in sockets))
    yield
    for s in sockets:
        s.close()


def test_a_silent_network_is_given_up_quickly_and_remembered(isolated, silent_mirrors):
    start = time.monotonic()
    with pytest.warns(UserWarning, match="could not be downloaded.*SIAMLAB_OFFLINE=1"):
        first = load_mnist("test")
    stalled = time.monotonic() - start
    start = time.monotonic()
    with pytest.warns(UserWarning, match="downloaded earlier in this process.*SIAMLAB_OFFLINE=1"):
        load_mnist("train")
    again = time.monotonic() - start
    assert first.source == mnist.FALLBACK_SOURCE
    assert stalled < mnist.STALL_S + 2 and again < 1.5, (stalled, again)


def test_a_name_lookup_that_never_answers_is_bounded_too(isolated, monkeypatch):
    monkeypatch.setattr(mnist, "MIRRORS", ("http://mirror.example/",))
    monkeypatch.setattr(mnist, "STALL_S", 1.0)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: time.sleep(20))
    start = time.monotonic()
    with pytest.warns(UserWarning, match="no answer from the MNIST mirrors for 1 s"):
        load_mnist("test")
    assert time.monotonic() - start < 3


# --- issue 11, item 13: arguments checked at the call ------------------------------------------------------

def test_a_0d_digit_array_is_one_digit(real_mnist, monkeypatch):
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(real_mnist.parent))
    assert set(np.unique(load_mnist("test", digits=np.array(3)).labels)) == {3}


@pytest.mark.parametrize("split", [["train"], ("test",), b"test"])
def test_a_split_that_is_not_a_string_is_named(split):
    with pytest.raises(ValueError, match=r"split must be one of \['test', 'train'\], got"):
        load_mnist(split)


@pytest.mark.parametrize("digits", ["3", 3.0, np.array([[1, 2]])])
def test_digits_of_the_wrong_kind_are_named(digits):
    with pytest.raises(ValueError, match="digits must be a non-empty list of integers 0-9, got"):
        load_mnist("test", digits=digits)


# --- issue 11, item 14: a gzip bomb ------------------------------------------------------------------

def test_a_small_gz_that_expands_hugely_is_refused_without_expanding_it(tmp_path):
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
    parts = [packer.compress(idx_bytes(mnist.IMAGE_MAGIC, (1, 28, 28), bytes(784)))]
    parts += [packer.compress(bytes(1 << 20)) for _ in range(64)]  # 64 MB of zeros past the payload
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(b"".join(parts) + packer.flush())
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    with pytest.raises(MnistFormatError, match="trailing bytes"):
        mnist.read_idx(path, mnist.IMAGE_MAGIC)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * 2**20, f"decompressed {peak / 2**20:.0f} MB"


def test_a_header_promising_more_than_mnist_is_refused(tmp_path):
    write_split(tmp_path, idx_bytes(mnist.IMAGE_MAGIC, (10**6, 28, 28), b""), good_labels(1))
    with pytest.raises(MnistFormatError, match=r"\(1000000, 28, 28\) = 784000000 bytes of data, more than"):
        mnist.read_split(tmp_path, "test")
