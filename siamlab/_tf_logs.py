"""Keep TensorFlow's C++ start-up log lines out of notebooks (stdlib only; never imports TensorFlow).

TensorFlow 2.21 logs "oneDNN custom operations are on" through Abseil while its shared libraries
load, before anything has called ``absl::InitializeLog()``. Abseil writes such early messages
straight to file descriptor 2, whatever their severity, after a header line ("WARNING: All log
messages before absl::InitializeLog() is called are written to STDERR"), and TensorFlow's own
``TF_CPP_MIN_LOG_LEVEL`` does not reach them (it does quiet TensorFlow's later messages). Two of
its libraries carry a copy of that code, so a notebook showed the pair twice.

So ``import siamlab`` sets ``TF_CPP_MIN_LOG_LEVEL=2`` unless already set, and, while TensorFlow is
not imported yet, adds a one-shot import hook: the first ``import tensorflow`` (directly, through
``keras`` or through ``siamlab.tf``) runs with file descriptor 2 sent to a temporary file, which is
then written back to the real descriptor 2 without the Abseil header and without the Abseil-format
lines below ``TF_CPP_MIN_LOG_LEVEL`` (I = 0, W = 1, E = 2, F = 3). Everything else (errors,
Python warnings, text in another format) comes back unchanged; descriptor 2 is restored even when
the import fails. ``TF_CPP_MIN_LOG_LEVEL=0`` shows every line. Nothing else is changed:
``TF_ENABLE_ONEDNN_OPTS`` stays as it is (turning oneDNN off would change the numbers).
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import os
import re
import sys
import tempfile
from contextlib import contextmanager

ABSL_HEADER = "All log messages before absl::InitializeLog() is called are written to STDERR"
# an Abseil log line: severity letter, MMDD, hh:mm:ss.us (before InitializeLog: "00:00:<epoch seconds>"),
# thread id, file:line]
_ABSL_LINE = re.compile(rb"^([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^\s:]+:\d+\] ")
_SEVERITY = {b"I": 0, b"W": 1, b"E": 2, b"F": 3}


def min_log_level() -> int:
    """``TF_CPP_MIN_LOG_LEVEL`` as an int (0 when unset or not a number)."""
    try:
        return int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0").strip() or 0)
    except ValueError:
        return 0


def filter_native_log(text: bytes, level: int) -> bytes:
    """``text`` without the Abseil pre-init header and Abseil lines of severity below ``level``."""
    if level <= 0:
        return text
    kept = []
    for line in text.splitlines(keepends=True):
        if ABSL_HEADER.encode() in line:
            continue
        match = _ABSL_LINE.match(line)
        if match and _SEVERITY[match.group(1)] < level:
            continue
        kept.append(line)
    return b"".join(kept)


def _flush_python_stderr() -> None:
    for stream in (sys.stderr, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # closed or detached
            pass


@contextmanager
def quiet_native_stderr():
    """Run the block with descriptor 2 captured, then write back what ``filter_native_log`` keeps."""
    level = min_log_level()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (e.g. a GUI process): nothing to filter
        yield
        return
    try:
        capture = tempfile.TemporaryFile()
    except OSError:
        os.close(saved)
        yield
        return
    with capture:
        _flush_python_stderr()
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            _flush_python_stderr()  # Python text written during the block lands in the capture, in order
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = filter_native_log(capture.read(), level)
            while kept:
                try:
                    kept = kept[os.write(2, kept):]
                except OSError:
                    break


class _QuietLoader(importlib.abc.Loader):
    """Wraps TensorFlow's own loader: executes the package inside ``quiet_native_stderr``."""

    def __init__(self, loader, finder: QuietTensorFlowImport):
        self._loader, self._finder = loader, finder

    def __getattr__(self, name):  # is_package, get_resource_reader, ... of the real loader
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        # the module shows its real loader, and the hook is spent: TensorFlow loads once per process
        module.__loader__ = self._loader
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self._loader
        self._finder.remove()
        with quiet_native_stderr():
            self._loader.exec_module(module)


class QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """A ``sys.meta_path`` entry that wraps the loader of the top-level ``tensorflow`` package."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow" or path is not None:
            return None
        self._busy = getattr(self, "_busy", False)
        if self._busy:  # our own lookup below
            return None
        self._busy = True
        try:
            spec = importlib.util.find_spec(fullname)
        except (ImportError, ValueError):
            return None
        finally:
            self._busy = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        spec.loader = _QuietLoader(spec.loader, self)
        return spec

    def remove(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)


def install() -> None:
    """Set ``TF_CPP_MIN_LOG_LEVEL=2`` unless set; filter TensorFlow's first import (if still to come)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules or any(isinstance(f, QuietTensorFlowImport) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, QuietTensorFlowImport())
