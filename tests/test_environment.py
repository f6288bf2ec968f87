"""environment.yml (conda, GPU) must install what pyproject.toml says, and siamlab itself."""
from __future__ import annotations

import tomllib
import yaml
from conftest import REPO


def normalise(requirement: str) -> str:
    return requirement.replace(" ", "").lower()


def test_environment_yml_matches_pyproject_gpu_set():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = ("gpu-torch", "lab", "test")
    wanted = project["dependencies"] + [r for e in extras for r in project["optional-dependencies"][e]]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip section"
    pip = pip_sections[0]
    assert "-e ." in pip, "environment.yml must install siamlab itself (-e .)"
    listed = {normalise(r) for r in pip if r != "-e ."}
    missing = {normalise(r) for r in wanted} - listed
    extra = listed - {normalise(r) for r in wanted}
    assert not missing and not extra, (
        f"environment.yml vs pyproject: missing {sorted(missing)}, extra {sorted(extra)}")
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python=3.11"]


def test_cpu_and_gpu_extras_pin_the_same_framework_versions():
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "torch==2.13.0" in extras["cpu"] and "torch==2.13.0" in extras["gpu-torch"]
    assert "tensorflow-cpu==2.21.*; sys_platform != 'darwin'" in extras["cpu"]
    assert "tensorflow-cpu==2.21.*" in extras["gpu-torch"]
    assert "tensorflow[and-cuda]==2.21.*" in extras["gpu-tf"]
