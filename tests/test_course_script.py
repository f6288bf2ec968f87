"""course.sh: the named kernel is registered idempotently; the CPU-index switch finds the torch pin."""
from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
import tomllib
from conftest import REPO

VENV_PYTHON = REPO / ".venv" / "bin" / "python"


@pytest.mark.skipif(not VENV_PYTHON.exists(), reason="needs the course's .venv (./course.sh sets it up)")
def test_kernel_is_registered_once_in_a_fresh_home(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")} | {"HOME": str(tmp_path)}
    spec = tmp_path / ".local" / "share" / "jupyter" / "kernels" / "siamlab" / "kernel.json"
    for _ in range(2):  # idempotent: the second run leaves the same single kernel
        done = subprocess.run([str(REPO / "course.sh"), "kernel"], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        assert 'Jupyter kernel "Python (siamlab)"' in done.stdout
        kernel = json.loads(spec.read_text())
        assert kernel["display_name"] == "Python (siamlab)"
        assert kernel["argv"][0] == str(REPO / ".venv" / "bin" / "python")
        assert [p.name for p in spec.parent.parent.iterdir()] == ["siamlab"]


def test_cpu_index_switch_installs_pyprojects_torch_pin():
    command = "sed -n 's/^ *\"\\(torch==[^\";]*\\)\".*/\\1/p' pyproject.toml | head -n 1"
    assert 'sed -n \'s/^ *"\\(torch==[^";]*\\)".*/\\1/p\' pyproject.toml' in (REPO / "course.sh").read_text()
    found = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=REPO).stdout.strip()
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert found in extras["cpu"] and found.startswith("torch==")


@pytest.mark.skipif(not VENV_PYTHON.exists(), reason="needs the course's .venv (./course.sh sets it up)")
def test_unknown_torch_index_is_refused(tmp_path):
    env = dict(os.environ, SIAMLAB_TORCH_INDEX="cu126", HOME=str(tmp_path))
    script = REPO / "course.sh"
    # "setup" runs only when the stamp differs, which an unknown index always makes it do.
    done = subprocess.run([str(script), "test", "--collect-only"], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "SIAMLAB_TORCH_INDEX must be 'cpu' or empty" in done.stderr


def test_help_lists_the_commands_and_every_environment_variable():
    """./course.sh --help names each command and each SIAMLAB_* variable the course reads, with a default."""
    done = subprocess.run([str(REPO / "course.sh"), "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.startswith("usage: ./course.sh COMMAND")
    for command in ("lab", "test", "kernel"):
        assert f"\n  {command} " in done.stdout, command
    sources = [*(REPO / "siamlab").rglob("*.py"), REPO / "course.sh", REPO / "tests" / "registry.py"]
    used = set(re.findall(r"SIAMLAB_[A-Z_]+", "\n".join(p.read_text() for p in sources)))
    assert used >= {"SIAMLAB_FULL", "SIAMLAB_DATA_DIR", "SIAMLAB_TORCH_INDEX", "SIAMLAB_EXTRAS"}
    for name in sorted(used):
        line = next((line for line in done.stdout.splitlines() if line.strip().startswith(name)), None)
        assert line is not None, f"{name} missing from ./course.sh --help"
    unknown = subprocess.run([str(REPO / "course.sh"), "bogus"], capture_output=True, text=True, timeout=30)
    assert unknown.returncode == 2 and unknown.stderr.startswith("usage:")


@pytest.mark.skipif(not VENV_PYTHON.exists(), reason="needs the course's .venv (./course.sh sets it up)")
def test_quick_drops_the_full_and_registry_tests(tmp_path):
    """./course.sh test --quick is pytest -m "not full and not registry" (collected only, on a tiny file)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    full: slow\n    registry: needs PyPI\n")
    sample = tmp_path / "test_sample.py"
    sample.write_text("import pytest\n\n\ndef test_plain():\n    pass\n\n\n"
                      "@pytest.mark.full\ndef test_slow():\n    pass\n\n\n"
                      "@pytest.mark.registry\ndef test_needs_pypi():\n    pass\n")
    done = subprocess.run([str(REPO / "course.sh"), "test", "--quick", "--collect-only", "-q", str(sample)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test_sample.py::test_plain" in done.stdout
    assert "test_slow" not in done.stdout and "test_needs_pypi" not in done.stdout
    assert re.search(r"1/3 tests collected \(2 deselected\)", done.stdout), done.stdout
    markers = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]
    assert {marker.split(":")[0] for marker in markers} >= {"full", "registry"}  # the names --quick deselects
