"""Time and peak memory of a notebook run: every notebook's last cell prints them, to budget a room."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from siamlab import config

# Binder and small JupyterHub profiles give 1-2 GB per user: every notebook stays under this in default mode.
# Those run the CPU builds; a CUDA build of torch maps about 270 MB more on import (2.11.0+cu130: 485 MB
# against 2.13.0+cpu's 218), so on a GPU kernel (Colab, Kaggle: 12 GB and more) the line reports, not fails.
PEAK_MEMORY_LIMIT_MB = 1500


def cuda_build_loaded() -> str | None:
    """The version of a CUDA build of torch this kernel has imported, or None: the budget is for CPU builds.

    Reads ``sys.modules`` only, so it never imports torch itself.
    """
    torch = sys.modules.get("torch")
    cuda = getattr(getattr(torch, "version", None), "cuda", None)
    return f"torch {torch.__version__}" if cuda else None


def peak_memory_mb() -> float | None:
    """This process's own peak resident memory in MB, or None where the platform does not report it (Windows).

    Linux: ``VmHWM`` of ``/proc/self/status``, which starts afresh when a process starts a new program;
    ``ru_maxrss`` would also count a parent's peak inherited across fork (a kernel that pytest starts
    after its own tests would report pytest's peak). Elsewhere ``ru_maxrss`` (macOS reports bytes).
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10   # kB
    try:
        import resource
    except ImportError:  # Windows has no resource module
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # macOS reports bytes, Linux KiB


def run_summary(started: float, limit_mb: float | None = None) -> str:
    """A notebook's last line: seconds since ``started`` (a ``time.perf_counter()`` value), peak memory.

    Raises ``MemoryError`` when the peak is above ``limit_mb``, so a notebook that outgrows the budget fails
    its test run instead of failing a student's small server later. The default: the course's budget in
    default mode, none in full mode (it scales up for GPU kernels, which have the memory). Above the budget
    with a CUDA build of torch loaded (Colab, PyPI's Linux wheel) it reports instead of raising.
    """
    if not isinstance(started, (int, float)) or isinstance(started, bool):
        raise TypeError(f"started: expected a time.perf_counter() value (a number), "
                        f"got {type(started).__name__}")
    seconds = time.perf_counter() - started
    if seconds < 0:
        raise ValueError(f"started: expected a time.perf_counter() value from before now, "
                         f"got {started} (now {time.perf_counter():.1f})")
    if limit_mb is None:
        limit_mb = PEAK_MEMORY_LIMIT_MB if config.mode_name() == "default" else None
    peak = peak_memory_mb()
    if peak is None:
        return f"run time {seconds:.0f} s | peak memory: not reported on this platform"
    if limit_mb is None:
        return f"run time {seconds:.0f} s | peak memory {peak:,.0f} MB (full mode: no budget)"
    cuda_build = cuda_build_loaded()
    if cuda_build and peak > limit_mb:
        return (f"run time {seconds:.0f} s | peak memory {peak:,.0f} MB ({cuda_build} is a CUDA build; the "
                f"{limit_mb:,.0f} MB budget is for the CPU builds that Binder and small hubs run)")
    if peak > limit_mb:
        raise MemoryError(f"peak memory {peak:,.0f} MB is above the course's budget of {limit_mb:,.0f} MB "
                          "per notebook")
    return f"run time {seconds:.0f} s | peak memory {peak:,.0f} MB (budget {limit_mb:,.0f} MB)"
