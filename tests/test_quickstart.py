"""The README's two commands: `./course.sh test` (this run) and `./course.sh lab`."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from conftest import REPO

STAMP = REPO / ".venv" / ".siamlab-installed"
needs_setup = pytest.mark.skipif(not STAMP.exists(),
                                 reason="run through ./course.sh (it sets up .venv first)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@needs_setup
def test_second_setup_is_skipped():
    result = subprocess.run(["./course.sh", "test", "--version"], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "setup: .venv is up to date" in result.stdout


@needs_setup
def test_lab_command_starts_jupyterlab_on_the_notebooks(tmp_path):
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    process = subprocess.Popen(
        ["./course.sh", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.open_browser=False"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        deadline, answer = time.time() + 90, None
        while time.time() < deadline and answer is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=5) as r:
                    answer = json.load(r)
            except OSError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(1)
        assert answer is not None, "JupyterLab did not answer within 90 s"
        names = {item["name"] for item in answer["content"]}
        assert "00_start_here.ipynb" in names
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=10) as r:
            assert r.status == 200 and b"JupyterLab" in r.read()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
