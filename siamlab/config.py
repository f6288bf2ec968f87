"""Run-time settings read from the environment: mode, data folder, cache folder.

Everything that a notebook or test may want to change without editing code lives here:
- ``SIAMLAB_FULL=1``     full mode: more data and epochs (meant for GPU kernels);
- ``SIAMLAB_DATA_DIR``   a folder holding ``mnist/*.gz`` (checked before the subset shipped in the package);
- ``SIAMLAB_CACHE_DIR``  where downloads go (default: the user cache, e.g. ~/.cache/siamlab);
- ``SIAMLAB_OFFLINE=1``  never try the network; use local files (full mode: the shipped subset);
- ``SIAMLAB_FALLBACK_DIGITS=1``  use the offline fallback digits even where MNIST is at hand, to see
  (and test) what a student gets when the course's MNIST files are deleted or corrupt.
The flags accept 1/true/yes/on and 0/false/no/off/empty; any other value is an error.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def _flag(name: str) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off/empty (any case); anything else is an
    error naming the variable, so that ``SIAMLAB_FULL=2`` is not quietly read as false."""
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be one of 1, true, yes, on (true) or 0, false, no, off, empty (false); "
                     f"got {os.environ[name]!r}")


def full_mode() -> bool:
    """True when ``SIAMLAB_FULL`` asks for the large (GPU) configuration."""
    return _flag("SIAMLAB_FULL")


def mode_name() -> str:
    """'full' or 'default', for printing at the top of notebooks."""
    return "full" if full_mode() else "default"


def pick(default: T, full: T) -> T:
    """Choose a size by mode: ``pick(120, 2000)`` gives 2000 under ``SIAMLAB_FULL=1``."""
    return full if full_mode() else default


def offline() -> bool:
    """True when ``SIAMLAB_OFFLINE`` forbids network access."""
    return _flag("SIAMLAB_OFFLINE")


def fallback_digits() -> bool:
    """True when ``SIAMLAB_FALLBACK_DIGITS`` asks for the fallback digits instead of MNIST."""
    return _flag("SIAMLAB_FALLBACK_DIGITS")


def data_dir() -> Path | None:
    """The folder named by ``SIAMLAB_DATA_DIR`` (relative paths are taken from the cwd)."""
    value = os.environ.get("SIAMLAB_DATA_DIR", "").strip()
    return Path(value).expanduser().resolve() if value else None


def cache_dir() -> Path:
    """Where downloaded files are kept: ``SIAMLAB_CACHE_DIR`` or the user's cache folder."""
    value = os.environ.get("SIAMLAB_CACHE_DIR", "").strip()
    if value:
        return Path(value).expanduser().resolve()
    import pooch  # light, but only needed here

    return Path(pooch.os_cache("siamlab"))
