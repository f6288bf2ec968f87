"""MNIST from the original IDX gz files: find, verify, download, or fall back.

Where ``load_mnist`` looks, in order:
1. ``$SIAMLAB_DATA_DIR/mnist/`` (a course folder, e.g. ``../shared/data``). When that variable is
   set, its folder must hold the split: otherwise ``MnistFolderError`` says what was found and
   what is missing there (no other source is used behind the user's back);
2. the course's subset shipped inside the package (``siamlab/data/bundled/mnist/``: the complete
   10,000-image test set and the first 1,762 training images, CC BY-SA 3.0, see its README), for
   every request it covers: the test split always, the training split in default mode. Each file is
   checked against its SHA-256; a deleted or corrupt one is skipped with a warning;
2b. the user cache (``siamlab.config.cache_dir()/mnist``), where downloads go; a cached file is
   re-checked against its SHA-256 on load, and a corrupt one is removed (with a warning) and
   fetched again;
3. a download of the official files into the cache: every mirror is tried, each file is checked
   against its published SHA-256 and written atomically (a temporary file, then ``os.replace``;
   temporary files left by a killed process are removed on the next call). A network that does
   not answer is given up after ``STALL_S`` seconds without progress, and a failed attempt is
   remembered for the rest of the process;
4. full mode without a network: the shipped subset, with a warning that it is not the whole split;
5. only when the shipped files are deleted or corrupt too: real handwritten digits bundled with
   scikit-learn (8x8, resampled to 28x28), with a warning and ``source`` saying so
   (``SIAMLAB_FALLBACK_DIGITS=1`` forces this, to see what a student would get).

``source`` says whether a split is the official release (its files match the official SHA-256)
or "local IDX files, N images, not the official release" (a partial or re-packed split).
Image counts come from the IDX headers; a file whose payload does not match its header
(truncated, corrupt, wrong magic) raises ``MnistFormatError`` naming the file, and no file is
decompressed beyond what its header promises.

Default mode trains on a fixed-size subset, whatever the download holds: ``load_mnist("train",
first=train_subset())`` keeps the first ``TRAIN_SUBSET`` = 1,762 training images (the course's shared
prefix) unless ``SIAMLAB_FULL=1``, so a full 60,000-image download gives the same images, pairs and
numbers as the prefix, and no step slows down.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import struct
import threading
import time
import urllib.request
import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from siamlab import config
from siamlab.validate import positive_int

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
# SHA-256 of the same files decompressed: the IDX content, whatever gzip wrapped it (a re-packed
# copy of the official files has other .gz bytes but this content).
OFFICIAL_IDX_SHA256 = {
    "train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte.gz": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte.gz": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049  # 0x00000803, 0x00000801
MAX_IDX_BYTES = 100_000 * 28 * 28  # MNIST has 70,000 images; a header promising more is refused
FALLBACK_SOURCE = "fallback: scikit-learn 8x8 handwritten digits resampled to 28x28 (not MNIST)"
FALLBACK_TRAIN_SIZE = 1297  # the first 1,297 of sklearn's 1,797 digits; the last 500 are "test"
# The course's subset, shipped in the package (see bundled/mnist/README.md), and its files' SHA-256.
BUNDLED_DIR = Path(__file__).resolve().parent / "bundled" / "mnist"
BUNDLED_SHA256 = {
    "t10k-images-idx3-ubyte.gz": "9fe7630f90c0e670227960a294637bc2e78a29d724810e24204eb342c9f033a1",
    "t10k-labels-idx1-ubyte.gz": "2c54c993d38068b3c3adb720a5cdee07065a066a7b36e7d1df720548d6359eba",
    "train-images-idx3-ubyte.gz": "2342cd59b49cb216c57aca9cd05bd44aa5251866df31c129310df45b2f2605f1",
    "train-labels-idx1-ubyte.gz": "cf5917c7bd7912e67e24a2755815914862f93f168dc9c56585a550daa59fc9c8",
}
BUNDLED_WHERE = "shipped with siamlab"
# Default mode uses at most the first 1,762 training images: the prefix in the course's shared folder
# (see train_subset), so a full download changes neither the data nor the time of any default run.
TRAIN_SUBSET = 1762
SOCKET_TIMEOUT_S = 2.0  # connecting, or waiting for the next bytes, per mirror
STALL_S = 5.0  # a download attempt with no progress for this long is given up (DNS included)
TEMP_PREFIX = ".siamlab-tmp-"
SKIP_HINT = "set SIAMLAB_OFFLINE=1 to skip the download"

_failed_download: str | None = None  # why the last attempt in this process failed, if it did


class MnistFormatError(ValueError):
    """An IDX file is not what its header (or the IDX format) says it is."""


class MnistDownloadError(RuntimeError):
    """A download arrived but failed its SHA-256 check."""


class MnistFolderError(FileNotFoundError):
    """``SIAMLAB_DATA_DIR`` is set but its folder does not hold the split asked for."""


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

def _read_exactly(f: gzip.GzipFile, size: int, path: Path, what: str) -> bytes:
    data = f.read(size)
    if len(data) < size:
        raise MnistFormatError(f"{path}: {what} cut short: expected {size} bytes, got {len(data)}")
    return data


def read_idx(path: str | Path, expected_magic: int) -> np.ndarray:
    """Read one gzipped IDX file of unsigned bytes, checking magic, header and payload size.

    The header is read first; at most one byte beyond the payload it promises is decompressed,
    so a small file that would expand to gigabytes is refused without expanding it.
    """
    return _read_idx(path, expected_magic)[0]


def _read_idx(path: str | Path, expected_magic: int) -> tuple[np.ndarray, str]:
    """``read_idx`` and the SHA-256 of the decompressed file."""
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            head = f.read(4)
            if len(head) < 4:
                raise MnistFormatError(f"{path}: {len(head)} bytes, too short for an IDX header")
            magic = struct.unpack(">I", head)[0]
            if magic != expected_magic:
                raise MnistFormatError(
                    f"{path}: wrong IDX magic number: expected {expected_magic:#010x}, got {magic:#010x}")
            ndim = magic & 0xFF
            dims = _read_exactly(f, 4 * ndim, path, "header")
            shape = struct.unpack(f">{ndim}I", dims)
            expected = int(np.prod(shape, dtype=np.int64))
            if expected > MAX_IDX_BYTES:
                raise MnistFormatError(f"{path}: header says shape {shape} = {expected} bytes of data, "
                                       f"more than MNIST's {MAX_IDX_BYTES} at most")
            raw = f.read(expected + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise MnistFormatError(f"{path}: not a readable gzip file ({exc})") from exc
    got = len(raw)
    if got != expected:
        raise MnistFormatError(
            f"{path}: header says shape {shape} = {expected} bytes of data, got "
            f"{f'{got}' if got < expected else 'more'} "
            f"({'truncated' if got < expected else 'trailing bytes'})"
        )
    digest = hashlib.sha256(head + dims + raw).hexdigest()
    return np.frombuffer(raw, dtype=np.uint8, count=expected).reshape(shape).copy(), digest


def read_split(folder: str | Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Read the images and labels of one split from a folder, checking they belong together."""
    return read_split_with_release(folder, split)[:2]


def read_split_with_release(folder: str | Path, split: str) -> tuple[np.ndarray, np.ndarray, str]:
    """``read_split`` and what the files are: the official release or not (see ``release_of``)."""
    image_name, label_name = FILES[split]
    images, image_digest = _read_idx(Path(folder) / image_name, IMAGE_MAGIC)
    labels, label_digest = _read_idx(Path(folder) / label_name, LABEL_MAGIC)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise MnistFormatError(f"{Path(folder) / image_name}: expected (N, 28, 28) images, "
                               f"got {images.shape}")
    if labels.ndim != 1 or len(labels) != len(images):
        raise MnistFormatError(
            f"{Path(folder) / label_name}: expected {len(images)} labels to match "
            f"{image_name}, got shape {labels.shape}"
        )
    if labels.size and labels.max() > 9:
        raise MnistFormatError(f"{Path(folder) / label_name}: labels must be 0-9, got max {labels.max()}")
    return images, labels, release_of({image_name: image_digest, label_name: label_digest}, len(labels))


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def release_of(content_sha256: dict[str, str], n_images: int) -> str:
    """"official release" when every file's decompressed content is the official one, else
    "local IDX files, N images, not the official release" (naming official files under other names)."""
    if all(OFFICIAL_IDX_SHA256[name] == digest for name, digest in content_sha256.items()):
        return "official release"
    official_name = {digest: name for name, digest in OFFICIAL_IDX_SHA256.items()}
    swapped = [f"{name} holds the official {official_name[d]}" for name, d in content_sha256.items()
               if d in official_name and official_name[d] != name]
    return (f"local IDX files, {n_images:,} images, not the official release"
            + (f" ({'; '.join(swapped)})" if swapped else ""))


# --- finding ----------------------------------------------------------------------------------

def has_split(folder: Path, split: str) -> bool:
    """True when ``folder`` holds both IDX files of ``split``."""
    return all((folder / name).is_file() for name in FILES[split])


def missing_report(data_dir: Path, split: str) -> str:
    """What ``$SIAMLAB_DATA_DIR`` holds and lacks for ``split``, and how to fix it."""
    folder = data_dir / "mnist"
    where = f"SIAMLAB_DATA_DIR={data_dir}"
    if not data_dir.exists():
        return f"{where}: no such folder"
    if not data_dir.is_dir():
        return f"{where}: not a folder"
    if not folder.is_dir() and any((data_dir / name).is_file() for names in FILES.values() for name in names):
        fix = (f"set SIAMLAB_DATA_DIR={data_dir.parent}" if data_dir.name == "mnist"
               else f"move them into {folder}/")
        return (f"{where}: the MNIST files are in that folder itself, but siamlab reads them from "
                f"{folder}/: {fix}")
    if not folder.exists():
        return f"{where}: no folder {folder}/ (expected the four *-ubyte.gz files there)"
    if not folder.is_dir():
        return f"{where}: {folder} is not a folder"
    found, problems = [], []
    for name in FILES[split]:
        path = folder / name
        if path.is_file():
            found.append(name)
        elif path.is_dir():
            problems.append(f"{name} is a folder, not a file")
        elif (folder / name.removesuffix(".gz")).is_file():
            problems.append(f"{name} missing (found {name.removesuffix('.gz')}, uncompressed: gzip it)")
        else:
            problems.append(f"{name} missing")
    return (f"{where}: the {split} split is not usable in {folder}/: {'; '.join(problems)}"
            f" (found: {', '.join(found) if found else 'neither file'})")


def local_folders() -> list[tuple[str, Path]]:
    """The folders searched before any download, as (description, path), in order."""
    folders = []
    data_dir = config.data_dir()
    if data_dir is not None:
        folders.append(("SIAMLAB_DATA_DIR", data_dir / "mnist"))
    folders.append((BUNDLED_WHERE, BUNDLED_DIR))
    folders.append(("cache", config.cache_dir() / "mnist"))
    return folders


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporary download files whose process is gone (e.g. killed mid-download)."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            pid = int(path.name[len(TEMP_PREFIX):].split("-", 1)[0])
        except ValueError:
            pid = -1
        if pid != os.getpid() and not _alive(pid):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def verified_cache(folder: Path, split: str) -> bool:
    """True when the cache holds the split's official files; corrupt ones are removed, with a warning."""
    if not has_split(folder, split):
        return False
    bad = [name for name in FILES[split] if sha256(folder / name) != OFFICIAL_SHA256[name]]
    for name in bad:
        (folder / name).unlink(missing_ok=True)
    if bad:
        warnings.warn(f"removed corrupt cached MNIST file(s) {', '.join(bad)} from {folder} "
                      f"(SHA-256 differs from the official release); fetching them again", stacklevel=3)
    return not bad


# --- downloading -------------------------------------------------------------------------------

def _fetch(url: str, dest: Path, digest: str, progress: Callable[[], None]) -> None:
    """Download ``url`` to ``dest`` through a temporary file, checking its SHA-256."""
    temp = dest.parent / f"{TEMP_PREFIX}{os.getpid()}-{threading.get_ident()}-{dest.name}.part"
    try:
        with urllib.request.urlopen(url, timeout=SOCKET_TIMEOUT_S) as response, open(temp, "wb") as f:
            progress()
            hasher = hashlib.sha256()
            for chunk in iter(lambda: response.read(1 << 16), b""):
                hasher.update(chunk)
                f.write(chunk)
                progress()
            f.flush()
            os.fsync(f.fileno())
        if hasher.hexdigest() != digest:
            raise MnistDownloadError(f"{url}: download failed its SHA-256 check (expected {digest}, "
                                     f"got {hasher.hexdigest()}): wrong content, e.g. a captive portal page")
        os.replace(temp, dest)
    finally:
        temp.unlink(missing_ok=True)


def _download(split: str, folder: Path, mirrors: tuple[str, ...], progress: Callable[[], None]) -> None:
    for name in FILES[split]:
        errors: list[BaseException] = []
        for mirror in mirrors:
            try:
                _fetch(mirror + name, folder / name, OFFICIAL_SHA256[name], progress)
                break
            except MnistDownloadError as exc:  # wrong content: the next mirror may serve the right one
                errors.append(exc)
            except Exception as exc:  # connection refused, DNS failure, HTTP error, timeout
                errors.append(OSError(f"{mirror + name}: {type(exc).__name__}: {exc}"))
        else:
            text = "could not download MNIST:\n  " + "\n  ".join(str(e) for e in errors)
            if all(isinstance(e, MnistDownloadError) for e in errors):
                raise MnistDownloadError(text)
            raise OSError(text)


def download_split(split: str, folder: Path, mirrors: Iterable[str] | None = None) -> None:
    """Download one split's two files into ``folder`` with SHA-256 checks, trying every mirror.

    Raises ``MnistDownloadError`` when every mirror served wrong content, ``OSError`` when none
    answered, and ``TimeoutError`` when the attempt made no progress for ``STALL_S`` seconds.
    """
    mirrors = tuple(MIRRORS if mirrors is None else mirrors)
    folder.mkdir(parents=True, exist_ok=True)
    last = [time.monotonic()]
    outcome: list[BaseException] = []

    def progress() -> None:
        last[0] = time.monotonic()

    def work() -> None:
        try:
            _download(split, folder, mirrors, progress)
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)

    # In a thread, so that even a name lookup that never answers cannot hold the caller.
    worker = threading.Thread(target=work, name="siamlab-mnist-download", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
        if worker.is_alive() and time.monotonic() - last[0] > STALL_S:
            raise TimeoutError(f"no answer from the MNIST mirrors for {STALL_S:g} s")
    if outcome:
        raise outcome[0]


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
    if not isinstance(split, str) or split not in FILES:
        raise ValueError(f"split must be one of {sorted(FILES)}, got {split!r}")
    if digits is None:
        return None
    if isinstance(digits, np.ndarray) and digits.ndim == 0:
        digits = digits.item()  # np.array(3) is one digit
    if isinstance(digits, (int, np.integer)):
        digits = [digits]
    if isinstance(digits, (str, bytes)) or not isinstance(digits, Iterable):
        raise ValueError(f"digits must be a non-empty list of integers 0-9, got {digits!r}")
    digits = list(digits)
    bad = [d for d in digits
           if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 0 <= d <= 9]
    if bad or not digits:
        raise ValueError(f"digits must be a non-empty list of integers 0-9, got {digits!r}")
    return sorted(set(int(d) for d in digits))


def _load_files(split: str) -> tuple[np.ndarray, np.ndarray, str] | None:
    """Images, labels and source from SIAMLAB_DATA_DIR, the cache or a download; None if unavailable."""
    global _failed_download
    if config.fallback_digits():
        warnings.warn(f"SIAMLAB_FALLBACK_DIGITS is set: using the {FALLBACK_SOURCE}", stacklevel=3)
        return None
    data_dir = config.data_dir()
    if data_dir is not None:
        folder = data_dir / "mnist"
        if not has_split(folder, split):
            raise MnistFolderError(missing_report(data_dir, split))
        images, labels, release = read_split_with_release(folder, split)
        return images, labels, f"MNIST {split} split ({release}; SIAMLAB_DATA_DIR: {folder})"
    bundled = _bundled(split)
    if bundled is not None and (split == "test" or not config.full_mode()):
        return bundled
    folder = config.cache_dir() / "mnist"
    remove_stale_temporaries(folder)
    if verified_cache(folder, split):
        images, labels = read_split(folder, split)
        return images, labels, f"MNIST {split} split (official release; cache: {folder})"
    instead = ("the course's subset " + BUNDLED_WHERE + f" ({len(bundled[1]):,} images, not the whole split)"
               if bundled is not None else f"the offline {FALLBACK_SOURCE}")
    if config.offline():
        warnings.warn(f"SIAMLAB_OFFLINE is set and no MNIST {split} files are in the cache {folder}; "
                      f"using {instead}", stacklevel=3)
        return bundled
    if _failed_download is not None:
        warnings.warn(f"MNIST could not be downloaded earlier in this process ({_failed_download}); "
                      f"using {instead}; {SKIP_HINT}", stacklevel=3)
        return bundled
    try:
        download_split(split, folder)
    except (OSError, MnistDownloadError) as exc:  # TimeoutError is an OSError
        _failed_download = str(exc).splitlines()[-1].strip()
        warnings.warn(f"MNIST is not available here and could not be downloaded ({_failed_download}); "
                      f"using {instead}; {SKIP_HINT}", stacklevel=3)
        return bundled
    images, labels = read_split(folder, split)
    return images, labels, f"MNIST {split} split (official release, downloaded to {folder})"


def _bundled(split: str) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The split from the subset shipped in the package; None (with a warning) if a file is gone or bad."""
    bad = [name for name in FILES[split] if not (BUNDLED_DIR / name).is_file()
           or sha256(BUNDLED_DIR / name) != BUNDLED_SHA256[name]]
    if bad:
        warnings.warn(f"the MNIST file(s) {', '.join(bad)} {BUNDLED_WHERE} are missing or corrupt "
                      f"(SHA-256 differs) in {BUNDLED_DIR}; reinstall siamlab to restore them", stacklevel=4)
        return None
    images, labels, release = read_split_with_release(BUNDLED_DIR, split)
    return images, labels, f"MNIST {split} split ({release}; {BUNDLED_WHERE})"


def note_if_not_mnist(source: str, claims: Sequence[str]) -> bool:
    """Print, when ``source`` is the fallback digits, which of a notebook's ``claims`` were measured on
    MNIST only (their checks may fail on these digits); print nothing on MNIST. True when it printed."""
    if not isinstance(source, str) or not source:
        raise ValueError(f"source must be a MnistData.source string, got {source!r}")
    if isinstance(claims, str) or not all(isinstance(claim, str) and claim for claim in claims):
        raise ValueError(f"claims must be a list of non-empty strings, got {claims!r}")
    if source != FALLBACK_SOURCE:
        return False
    lines = [f"NOTE: these digits are not MNIST ({source}); the course's MNIST files are missing or corrupt",
             "(reinstall siamlab to restore them). This notebook's claims below were measured on MNIST only;",
             "on these digits their checks may fail:"]
    print("\n".join(lines + [f"  - {claim}" for claim in claims]))
    return True


def train_subset() -> int | None:
    """``first`` for a training-split load: ``TRAIN_SUBSET`` (1,762) in default mode, ``None`` (the
    whole split) with ``SIAMLAB_FULL=1``. Read at call time, like ``config.pick``."""
    return config.pick(TRAIN_SUBSET, None)


def load_mnist(split: str = "train", digits: Iterable[int] | None = None,
               first: int | None = None) -> MnistData:
    """Load an MNIST split (optionally only some digits) from the first place that has it.

    ``split`` is "train" or "test"; ``digits`` e.g. ``[0, 1]`` keeps those classes. ``first`` keeps
    only the first ``first`` images of the split, before the digit filter: a fixed-size subset
    whatever the folder holds (``first=train_subset()`` is default mode's; a cut is named in
    ``source``).
    """
    wanted = _check_args(split, digits)
    first = None if first is None else positive_int("first", first)
    found = _load_files(split)
    if found is None:
        images, labels = fallback_digits(split)
        source = FALLBACK_SOURCE
    else:
        images, labels, source = found
    if first is not None and len(labels) > first:
        source = f"{source}, its first {first:,} of {len(labels):,} images"
        images, labels = images[:first].copy(), labels[:first].copy()  # not views: frees the rest
    if wanted is not None:
        keep = np.isin(labels, wanted)
        images, labels = images[keep], labels[keep]
    return MnistData(images=images, labels=labels, source=source)
