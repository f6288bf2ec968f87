"""What ``python -m siamlab info`` prints: versions, devices, data sources, mode."""
from __future__ import annotations

import platform
from importlib import metadata

from siamlab import config
from siamlab.data import mnist

PACKAGES = ("siamlab", "torch", "tensorflow", "keras", "numpy", "jupyterlab", "ipywidgets", "matplotlib", "scikit-learn")


def package_version(name: str) -> str:
    """Installed version, or 'not installed' (tensorflow may be installed as tensorflow-cpu)."""
    for dist in (name, f"{name}-cpu") if name == "tensorflow" else (name,):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def torch_devices() -> str:
    try:
        import torch
    except ImportError:
        return "torch not installed"
    if not torch.cuda.is_available():
        return "cpu only (no CUDA GPU visible)"
    gpus = []
    for i in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(i)
        gpus.append(f"cuda:{i} {props.name} ({props.total_memory / 2**30:.1f} GiB)")
    return "; ".join(gpus)


def tensorflow_devices() -> str:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        import tensorflow as tf
    except ImportError:
        return "tensorflow not installed"
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "cpu only (no GPU visible)"
    described = []
    for gpu in gpus:
        details = tf.config.experimental.get_device_details(gpu)
        described.append(f"{gpu.name} {details.get('device_name', '')}".strip())
    return "; ".join(described)


def data_sources() -> list[str]:
    lines = []
    for description, folder in mnist.local_folders():
        found = [split for split in mnist.FILES if mnist.has_split(folder, split)]
        lines.append(f"{description}: {folder} -> {', '.join(found) if found else 'no MNIST files'}")
    lines.append("download: " + ("off (SIAMLAB_OFFLINE)" if config.offline() else "tried when no local files, with SHA-256 checks"))
    lines.append(f"offline fallback: {mnist.FALLBACK_SOURCE}")
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
