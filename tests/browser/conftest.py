"""Fixtures of the browser tests (tests/browser/labserver.py holds the code)."""
import pytest
from labserver import chrome, serve_lab


@pytest.fixture
def lab(tmp_path, real_mnist, request):
    """A JupyterLab server serving a copy of the test module's ``NOTEBOOK``; yields its URL."""
    with serve_lab(tmp_path, request.module.NOTEBOOK, real_mnist.parent) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    with chrome(tmp_path) as driver:
        yield driver
