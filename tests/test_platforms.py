"""Every install set resolves from PyPI on the platforms students use, each GPU set on one CUDA major."""
from __future__ import annotations

import sys

import pytest
from conftest import REPO
from registry import require_registry

sys.path.insert(0, str(REPO / "tools"))
import platforms  # noqa: E402

pytestmark = pytest.mark.registry
JOBS = [(name, platform) for name, (_, targets) in platforms.SETS.items() for platform in targets]


@pytest.fixture(scope="module")
def reports() -> dict:
    """All resolutions at once (three pips in parallel; cached for a day in ~/.cache/siamlab/platforms)."""
    require_registry()
    return platforms.resolve_all()


@pytest.mark.parametrize(("install_set", "platform"), JOBS, ids=[f"{s}-{p}" for s, p in JOBS])
def test_set_installs_on_platform(reports, install_set, platform):
    report = reports[(install_set, platform)]
    assert not isinstance(report, RuntimeError), f"{install_set} cannot install on {platform}:\n{report}"
    found = platforms.installed(report)
    assert found.get("torch", "2.13.0") == "2.13.0"
    tensorflow = {name: version for name, version in found.items() if name.startswith("tensorflow")}
    assert any(version.startswith("2.21") for version in tensorflow.values()), tensorflow
    if install_set == "gpu-tf":
        assert "torch" not in found
    else:
        assert found["torch"] == "2.13.0"


@pytest.mark.parametrize("install_set", ["gpu-torch", "gpu-tf"])
def test_gpu_set_has_one_cuda_major(reports, install_set):
    report = reports[(install_set, "linux-x86_64")]
    assert not isinstance(report, RuntimeError), report
    majors = platforms.cuda_majors(platforms.installed(report))
    assert len(majors) == 1, f"{install_set} mixes CUDA majors {sorted(majors)}"


def test_cuda_majors_sees_a_mix():
    mixed = {"nvidia-cudnn-cu12": "9.1", "nvidia-cuda-runtime": "13.0.96", "numpy": "2.1"}
    assert platforms.cuda_majors(mixed) == {"12", "13"}
    assert platforms.cuda_majors({"numpy": "2.1", "tensorflow-cpu": "2.21.0"}) == set()


def test_unavailable_platform_fails_with_pips_reason():
    require_registry()
    with pytest.raises(RuntimeError, match="tensorflow-cpu"):
        platforms.resolve(["tensorflow-cpu==2.21.*"], platforms.TARGETS["macos-arm64"])
