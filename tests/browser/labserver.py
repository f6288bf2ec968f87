"""What the browser tests share: a JupyterLab server on a copy of one notebook, headless Chromium, and
waiting for a condition with a screenshot when it times out. Skips when Chromium is not installed."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

needs_browser = pytest.mark.skipif(
    not (CHROMIUM and Path(CHROMEDRIVER).is_file()),
    reason=("headless browser test needs Chromium + chromedriver "
            "(apt-get install chromium chromium-driver); not installed here"),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_lab_settings(folder: Path) -> None:
    """User settings: render every cell (no virtual scrolling), no news or update checks."""
    settings = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False,
                                                                            "fetchNews": "false"},
    }
    for name, value in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@contextlib.contextmanager
def serve_lab(tmp_path: Path, notebook: Path, data_dir: Path):
    """A JupyterLab server on 127.0.0.1 (token disabled) serving a copy of ``notebook``; yields its URL."""
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(notebook, root / notebook.name)  # the browser run must not touch the committed notebook
    write_lab_settings(tmp_path / "settings")
    port = free_port()
    env = dict(os.environ, SIAMLAB_DATA_DIR=str(data_dir),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), PYTHONPATH=str(REPO))
    log = open(tmp_path / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
         "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         "--NotebookNotary.db_file=:memory:"],  # no notebook is trusted from earlier runs
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(tmp_path / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@contextlib.contextmanager
def chrome(tmp_path: Path):
    """Headless Chromium driven by chromedriver, background networking off; yields the driver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1500,1300",
                 f"--user-data-dir={tmp_path / 'chrome'}"):
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, condition, timeout: float, what: str):
    deadline, value = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"timeout-{what.replace(' ', '_')}.png"
    driver.save_screenshot(str(shot))
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}, last seen {value!r} "
                f"(screenshot {shot})")


# Fixtures: a test module imports them (``from labserver import browser_fixture, lab_fixture``). They
# live here, not in a conftest.py: one in tests/browser would shadow tests/conftest.py for every
# ``from conftest import ...`` in the suite.


@pytest.fixture(name="lab")
def lab_fixture(tmp_path, real_mnist, request):
    """A JupyterLab server serving a copy of the test module's ``NOTEBOOK``; yields its URL."""
    with serve_lab(tmp_path, request.module.NOTEBOOK, real_mnist.parent) as url:
        yield url


@pytest.fixture(name="browser")
def browser_fixture(tmp_path):
    """Headless Chromium for one test."""
    with chrome(tmp_path) as driver:
        yield driver
