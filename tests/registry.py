"""Tests that need PyPI: skip offline with one line, unless SIAMLAB_REQUIRE_REGISTRY=1 (CI) fails them."""
from __future__ import annotations

import os
import urllib.request

import pytest

_reachable: bool | None = None


def require_registry() -> None:
    """Skip (or, with SIAMLAB_REQUIRE_REGISTRY=1, fail) when https://pypi.org cannot be reached."""
    global _reachable
    if _reachable is None:
        try:
            urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10).close()
            _reachable = True
        except OSError:
            _reachable = False
    if not _reachable:
        reason = "PyPI not reachable (offline?)"
        if os.environ.get("SIAMLAB_REQUIRE_REGISTRY") == "1":
            pytest.fail(f"{reason} and SIAMLAB_REQUIRE_REGISTRY=1")
        pytest.skip(reason)
