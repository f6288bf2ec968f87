"""MNIST from the original IDX gz files: find, verify, download, or fall back.

Where ``load_mnist`` looks, in order:
1. ``$SIAMLAB_DATA_DIR/mnist/`` (a course folder, e.g. ``../shared/data``);
2. the user cache (``siamlab.config.cache_dir()/mnist``);
3. a download of the official files into the cache, each checked against its published
   SHA-256 (pooch writes to a temporary file and renames it, so an interrupted download
   leaves nothing behind);
4. offline: real handwritten digits bundled with scikit-learn (8x8, resampled to 28x28),
   with a warning and ``source`` saying so.

Image counts come from the IDX headers; a file whose payload does not match its header
(truncated, corrupt, wrong magic) raises ``MnistFormatError`` naming the file.
"""
from __future__ import annotations

import gzip
import struct
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from siamlab import config

MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
# SHA-256 of the original distribution's files (the same digests TFDS and Keras publish).
OFFICIAL_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049  # 0x00000803, 0x00000801
FALLBACK_SOURCE = "fallback: scikit-learn 8x8 handwritten digits resampled to 28x28 (not MNIST)"
FALLBACK_TRAIN_SIZE = 1297  # the first 1,297 of sklearn's 1,797 digits; the last 500 are "test"
DOWNLOAD_TIMEOUT_S = 15


class MnistFormatError(ValueError):
    """An IDX file is not what its header (or the IDX format) says it is."""


class MnistDownloadError(RuntimeError):
    """A download arrived but failed its SHA-256 check."""


@dataclass(frozen=True)
class MnistData:
    """Images (N, 28, 28) uint8, labels (N,) uint8, and where they came from."""

    images: np.ndarray
    labels: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        counts = np.bincount(self.labels, minlength=10)
        digits = ", ".join(f"{d}: {c}" for d, c in enumerate(counts) if c)
        return f"MnistData({len(self)} images; {digits}; source={self.source!r})"


# --- IDX reading ---------------------------------------------------------------------------

def read_idx(path: str | Path, expected_magic: int) -> np.ndarray:
    """Read one gzipped IDX file of unsigned bytes, checking magic, header and payload size."""
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise MnistFormatError(f"{path}: not a readable gzip file ({exc})") from exc
    if len(raw) < 4:
        raise MnistFormatError(f"{path}: {len(raw)} bytes, too short for an IDX header")
    magic = struct.unpack(">I", raw[:4])[0]
    if magic != expected_magic:
        raise MnistFormatError(
            f"{path}: wrong IDX magic number: expected {expected_magic:#010x}, got {magic:#010x}"
        )
    ndim = magic & 0xFF
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise MnistFormatError(f"{path}: header cut short: expected {header_size} bytes, got {len(raw)}")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    expected = int(np.prod(shape, dtype=np.int64))
    got = len(raw) - header_size
    if got != expected:
        raise MnistFormatError(
            f"{path}: header says shape {shape} = {expected} bytes of data, got {got} "
            f"({'truncated' if got < expected else 'trailing bytes'})"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def read_split(folder: str | Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Read the images and labels of one split from a folder, checking they belong together."""
    image_name, label_name = FILES[split]
    images = read_idx(Path(folder) / image_name, IMAGE_MAGIC)
    labels = read_idx(Path(folder) / label_name, LABEL_MAGIC)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise MnistFormatError(f"{Path(folder) / image_name}: expected (N, 28, 28) images, got {images.shape}")
    if labels.ndim != 1 or len(labels) != len(images):
        raise MnistFormatError(
            f"{Path(folder) / label_name}: expected {len(images)} labels to match "
            f"{image_name}, got shape {labels.shape}"
        )
    if labels.size and labels.max() > 9:
        raise MnistFormatError(f"{Path(folder) / label_name}: labels must be 0-9, got max {labels.max()}")
    return images, labels


# --- finding and downloading -----------------------------------------------------------------

def has_split(folder: Path, split: str) -> bool:
    """True when ``folder`` holds both IDX files of ``split``."""
    return all((folder / name).is_file() for name in FILES[split])


def local_folders() -> list[tuple[str, Path]]:
    """The folders searched before any download, as (description, path), in order."""
    folders = []
    data_dir = config.data_dir()
    if data_dir is not None:
        folders.append(("SIAMLAB_DATA_DIR", data_dir / "mnist"))
    folders.append(("cache", config.cache_dir() / "mnist"))
    return folders


def download_split(split: str, folder: Path, mirrors: Iterable[str] | None = None) -> None:
    """Download one split's two files into ``folder`` with SHA-256 checks (atomic, via pooch).

    Raises ``MnistDownloadError`` on a hash mismatch and ``OSError`` when no mirror answers.
    """
    import pooch

    mirrors = tuple(MIRRORS if mirrors is None else mirrors)
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES[split]:
        errors = []
        for mirror in mirrors:
            try:
                pooch.retrieve(
                    url=mirror + name,
                    known_hash=f"sha256:{OFFICIAL_SHA256[name]}",
                    fname=name,
                    path=folder,
                    downloader=pooch.HTTPDownloader(timeout=DOWNLOAD_TIMEOUT_S, progressbar=False),
                    progressbar=False,
                )
                break
            except ValueError as exc:  # pooch's hash mismatch
                raise MnistDownloadError(
                    f"{mirror + name}: download failed its SHA-256 check "
                    f"(expected {OFFICIAL_SHA256[name]}): {exc}"
                ) from exc
            except Exception as exc:  # connection refused, DNS failure, HTTP error, timeout
                errors.append(f"{mirror + name}: {type(exc).__name__}: {exc}")
        else:
            raise OSError("could not download MNIST:\n  " + "\n  ".join(errors))


# --- the fallback ------------------------------------------------------------------------------

def fallback_digits(split: str) -> tuple[np.ndarray, np.ndarray]:
    """Real handwritten digits shipped with scikit-learn, made to look like MNIST.

    The 8x8 images (values 0-16) are resampled to 20x20 and centred in 28x28, as MNIST
    centres its digits in a 20x20 box.
    """
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    bunch = load_digits()
    small = bunch.images.astype(np.float64) / 16.0
    big = zoom(small, (1, 20 / 8, 20 / 8), order=1)
    images = np.zeros((len(small), 28, 28), dtype=np.uint8)
    images[:, 4:24, 4:24] = np.clip(np.rint(big * 255), 0, 255).astype(np.uint8)
    labels = bunch.target.astype(np.uint8)
    part = slice(None, FALLBACK_TRAIN_SIZE) if split == "train" else slice(FALLBACK_TRAIN_SIZE, None)
    return images[part], labels[part]


# --- the public entry point ----------------------------------------------------------------------

def _check_args(split: str, digits: Iterable[int] | None) -> list[int] | None:
    if split not in FILES:
        raise ValueError(f"split must be one of {sorted(FILES)}, got {split!r}")
    if digits is None:
        return None
    if isinstance(digits, (int, np.integer)):
        digits = [digits]
    digits = list(digits)
    bad = [d for d in digits if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 0 <= d <= 9]
    if bad or not digits:
        raise ValueError(f"digits must be a non-empty list of integers 0-9, got {digits!r}")
    return sorted(set(int(d) for d in digits))


def load_mnist(split: str = "train", digits: Iterable[int] | None = None) -> MnistData:
    """Load an MNIST split (optionally only some digits) from the first place that has it.

    ``split`` is "train" or "test"; ``digits`` e.g. ``[0, 1]`` keeps those classes.
    """
    wanted = _check_args(split, digits)
    images = labels = None
    for description, folder in local_folders():
        if has_split(folder, split):
            images, labels = read_split(folder, split)
            source = f"MNIST ({description}: {folder})"
            break
    if images is None and not config.offline():
        folder = config.cache_dir() / "mnist"
        try:
            download_split(split, folder)
            images, labels = read_split(folder, split)
            source = f"MNIST (downloaded to {folder})"
        except OSError as exc:
            reason = str(exc).splitlines()[-1].strip()
            warnings.warn(f"MNIST is not available here and could not be downloaded ({reason}); "
                          f"using the offline {FALLBACK_SOURCE}", stacklevel=2)
    elif images is None:
        warnings.warn(f"SIAMLAB_OFFLINE is set and no MNIST files were found; using the {FALLBACK_SOURCE}",
                      stacklevel=2)
    if images is None:
        images, labels = fallback_digits(split)
        source = FALLBACK_SOURCE
    if wanted is not None:
        keep = np.isin(labels, wanted)
        images, labels = images[keep], labels[keep]
    return MnistData(images=images, labels=labels, source=source)
