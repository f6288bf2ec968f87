"""binder/ (what mybinder.org builds) installs pyproject's CPU set for Linux, and siamlab itself."""
from __future__ import annotations

import re

import tomllib
from conftest import REPO
from packaging.markers import default_environment
from packaging.requirements import Requirement

LINUX = default_environment() | {"sys_platform": "linux", "platform_system": "Linux",
                                 "platform_machine": "x86_64"}


def cpu_set_for_linux() -> set[str]:
    """pyproject's core + [cpu,lab] requirements that apply on Linux, markers dropped."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + extras["cpu"] + extras["lab"]
    kept = set()
    for text in wanted:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(LINUX):
            extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
            kept.add(f"{requirement.name}{extras}{requirement.specifier}".lower())
    return kept


def test_binder_requirements_match_the_cpu_set():
    lines = [line.strip() for line in (REPO / "binder" / "requirements.txt").read_text().splitlines()]
    listed = {line.replace(" ", "").lower() for line in lines if line and not line.startswith(("#", "-"))}
    wanted = {r.replace(" ", "") for r in cpu_set_for_linux()}
    assert listed == wanted, f"binder: missing {sorted(wanted - listed)}, extra {sorted(listed - wanted)}"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines  # CPU torch, not CUDA
    code = [line for line in lines if not line.startswith("#")]
    assert not any(re.search(r"cuda|nvidia|pytest|selenium", line) for line in code)


def test_binder_installs_siamlab_and_pins_python():
    post_build = (REPO / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert (REPO / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert (REPO / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_readme_links_use_pyprojects_repository():
    """Badges and links name the address written once in [project.urls]."""
    repo = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]["Repository"].rstrip("/")
    path = repo.removeprefix("https://github.com/")
    readme = (REPO / "README.md").read_text()
    hosts = r"(?:github\.com|colab\.research\.google\.com/github|mybinder\.org/v2/gh)"
    named = set(re.findall(hosts + r"/([\w.-]+/[\w.-]+)", readme))
    assert named <= {path}, f"README names {sorted(named)}, pyproject says {path}"
