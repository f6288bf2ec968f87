"""What ``python -m siamlab info`` prints: versions, devices, data sources, mode."""
from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from siamlab import config
from siamlab.data import mnist

PACKAGES = ("siamlab", "torch", "tensorflow", "keras", "numpy", "jupyterlab", "ipywidgets", "matplotlib",
            "scikit-learn")


def package_version(name: str) -> str:
    """Installed version, or 'not installed' (tensorflow may be installed as tensorflow-cpu)."""
    for dist in (name, f"{name}-cpu") if name == "tensorflow" else (name,):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def _import_failure(name: str, exc: BaseException) -> str:
    """One line for a framework whose import failed (a broken install raises more than ImportError)."""
    if isinstance(exc, ModuleNotFoundError) and exc.name == name:
        return f"{name} not installed"
    return f"{name} cannot be imported: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def torch_devices() -> str:
    """The GPUs torch sees, or why it sees none; never raises."""
    try:
        import torch
    except Exception as exc:  # e.g. AttributeError from a numpy/binary mismatch
        return _import_failure("torch", exc)
    try:
        return _torch_devices(torch)
    except Exception as exc:
        return f"could not list devices: {type(exc).__name__}: {exc}"


def _torch_devices(torch) -> str:
    if not torch.cuda.is_available():
        return "cpu only (no CUDA GPU visible)"
    gpus = []
    for i in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(i)
        gpus.append(f"cuda:{i} {props.name} ({props.total_memory / 2**30:.1f} GiB)")
    return "; ".join(gpus)


def tensorflow_devices() -> str:
    """The GPUs TensorFlow sees, or why it sees none; never raises."""
    try:  # quiet: ``import siamlab`` filters TensorFlow's C++ start-up lines (siamlab._tf_logs)
        import tensorflow as tf
    except Exception as exc:  # e.g. AttributeError from a numpy/binary mismatch
        return _import_failure("tensorflow", exc)
    try:
        return _tensorflow_devices(tf)
    except Exception as exc:
        return f"could not list devices: {type(exc).__name__}: {exc}"


def _tensorflow_devices(tf) -> str:
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "cpu only (no GPU visible)"
    described = []
    for gpu in gpus:
        details = tf.config.experimental.get_device_details(gpu)
        described.append(f"{gpu.name} {details.get('device_name', '')}".strip())
    return "; ".join(described)


def split_status(folder: Path, split: str) -> str:
    """What loading ``split`` from ``folder`` would give: image count and release, or the error."""
    if not mnist.has_split(folder, split):
        return f"{split}: no files"
    try:
        images, labels, release = mnist.read_split_with_release(folder, split)
    except mnist.MnistFormatError as exc:
        return f"{split}: unusable ({exc})"
    return f"{split}: {len(labels):,} images, {release}"


def data_sources() -> list[str]:
    """One line per place load_mnist looks, saying what loading each split there would give."""
    lines = []
    data_dir = config.data_dir()
    if data_dir is not None and not all(mnist.has_split(data_dir / "mnist", s) for s in mnist.FILES):
        lines.append(f"SIAMLAB_DATA_DIR: {mnist.missing_report(data_dir, 'train')}")
    for description, folder in mnist.local_folders():
        found = [split_status(folder, split) for split in mnist.FILES]
        lines.append(f"{description}: {folder} -> {'; '.join(found)}")
    lines.append("download: " + ("off (SIAMLAB_OFFLINE)" if config.offline()
                                 else "full mode only, when the cache lacks a split; SHA-256 checked"))
    lines.append(f"offline fallback (only if a shipped file is deleted or corrupt): {mnist.FALLBACK_SOURCE}")
    lines.append("objects: procedural 40x50 images (always available)")
    return lines


def report() -> str:
    """The whole report as text."""
    lines = [f"python: {platform.python_version()} ({platform.system()} {platform.machine()})"]
    lines += [f"{name}: {package_version(name)}" for name in PACKAGES]
    lines.append(f"torch devices: {torch_devices()}")
    lines.append(f"tensorflow devices: {tensorflow_devices()}")
    lines.append("data:")
    lines += [f"  {line}" for line in data_sources()]
    lines.append(f"mode: {config.mode_name()} (SIAMLAB_FULL=1 scales data and epochs up)")
    return "\n".join(lines)
