"""Resolve pyproject's install sets for other platforms with pip (dry run), to catch uninstallable sets.

pip evaluates environment markers against the *running* interpreter even with ``--platform``, so we
run pip in a child process whose marker environment is the target's (packaging's
``default_environment`` patched); wheel tags come from ``--platform`` / ``--python-version``.
Used by tests/test_platforms.py and, with ``--sizes``, to measure download sizes for the README.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import tomllib

REPO = Path(__file__).resolve().parents[1]
PYTHON = "3.11"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "siamlab" / "platforms"
CACHE_SECONDS = 24 * 3600  # a resolution is reused for a day, then asked again


@dataclass(frozen=True)
class Target:
    """A platform a student may install on: pip wheel tags plus the PEP 508 marker environment."""

    name: str
    tags: tuple[str, ...]
    markers: dict


def _markers(os_name: str, sys_platform: str, system: str, machine: str) -> dict:
    return {
        "implementation_name": "cpython", "implementation_version": f"{PYTHON}.9", "os_name": os_name,
        "platform_machine": machine, "platform_python_implementation": "CPython", "platform_release": "",
        "platform_system": system, "platform_version": "", "python_full_version": f"{PYTHON}.9",
        "python_version": PYTHON, "sys_platform": sys_platform,
    }


# pip matches each --platform tag exactly on Linux (no glibc range): list glibc 2.5 to 2.35 (Ubuntu 22.04).
_GLIBC = tuple(f"2_{minor}" for minor in range(35, 4, -1))
TARGETS = {
    "linux-x86_64": Target("linux-x86_64", tuple(f"manylinux_{g}_x86_64" for g in _GLIBC)
                           + ("manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"),
                           _markers("posix", "linux", "Linux", "x86_64")),
    "macos-arm64": Target("macos-arm64", ("macosx_14_0_arm64",),
                          _markers("posix", "darwin", "Darwin", "arm64")),
    "windows-amd64": Target("windows-amd64", ("win_amd64",), _markers("nt", "win32", "Windows", "AMD64")),
}

# Which install set goes where: the extras course.sh installs (CPU) everywhere; each GPU set on Linux.
SETS = {
    "cpu": (("cpu", "lab", "test"), ("linux-x86_64", "macos-arm64", "windows-amd64")),
    "gpu-torch": (("gpu-torch",), ("linux-x86_64",)),
    "gpu-tf": (("gpu-tf",), ("linux-x86_64",)),
}

_RUN_PIP = """
import json, sys
from pip._vendor.packaging import markers
env = json.loads(sys.argv[1])
markers.default_environment = lambda: dict(env)
from pip._internal.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def requirements(extras: tuple[str, ...]) -> list[str]:
    """pyproject's core dependencies plus those of the given extras, as written there."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + [r for e in extras for r in project["optional-dependencies"][e]]


def resolve(reqs: list[str], target: Target, timeout: float = 300) -> dict:
    """pip's installation report for ``reqs`` on ``target``; raises RuntimeError with pip's error."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-c", _RUN_PIP, json.dumps(target.markers), "install", "--dry-run",
                   "--isolated", "--ignore-installed", "--only-binary=:all:", "--python-version", PYTHON,
                   "--target", str(Path(scratch) / "target"), "--report", str(report), "--quiet"]
        command += [arg for tag in target.tags for arg in ("--platform", tag)] + reqs
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
            raise RuntimeError("\n".join(errors) or done.stderr[-2000:])
        return json.loads(report.read_text())


def resolve_cached(reqs: list[str], target: Target) -> dict:
    """``resolve``, reusing a result younger than CACHE_SECONDS for the same requirements and target."""
    key = hashlib.sha256(json.dumps([reqs, target.tags, target.markers, PYTHON]).encode()).hexdigest()[:20]
    path = CACHE / f"{target.name}-{key}.json"
    if path.is_file() and time.time() - path.stat().st_mtime < CACHE_SECONDS:
        return json.loads(path.read_text())
    report = resolve(reqs, target)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report))
    return report


def resolve_all(sets: dict = SETS) -> dict[tuple[str, str], dict | RuntimeError]:
    """(set, platform) -> report, or the RuntimeError saying why it cannot install; three pips at once."""
    jobs = [(name, platform) for name, (_, platforms) in sets.items() for platform in platforms]

    def one(job: tuple[str, str]) -> dict | RuntimeError:
        try:
            return resolve_cached(requirements(sets[job[0]][0]), TARGETS[job[1]])
        except RuntimeError as error:
            return error

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(jobs, pool.map(one, jobs), strict=True))


def installed(report: dict) -> dict[str, str]:
    """name -> version of everything the report would install."""
    return {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in report["install"]}


def cuda_majors(packages: dict[str, str]) -> set[str]:
    """CUDA majors in name -> version: ``nvidia-*-cu12`` names, and the unsuffixed CUDA 13 runtime/toolkit."""
    majors = {m.group(1) for name in packages if (m := re.search(r"-cu(\d+)$", name.lower()))}
    for name in ("nvidia-cuda-runtime", "cuda-toolkit"):
        if name in packages:
            majors.add(packages[name].split(".")[0])
    return majors


_SIZES: dict[str, dict[str, int]] = {}


def _file_sizes(name: str) -> dict[str, int]:
    """file name -> size in bytes of every file PyPI lists for project ``name`` (simple JSON API)."""
    if name not in _SIZES:
        request = urllib.request.Request(f"https://pypi.org/simple/{name}/",
                                         headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            _SIZES[name] = {f["filename"]: f.get("size") for f in json.load(response)["files"]}
    return _SIZES[name]


def download_bytes(report: dict, only=lambda name: True) -> int | None:
    """Sum of the wheel sizes the report would download for names ``only`` accepts; None if one is unknown."""
    total = 0
    for item in report["install"]:
        name = item["metadata"]["name"].lower()
        if not only(name):
            continue
        size = _file_sizes(re.sub(r"[-_.]+", "-", name)).get(item["download_info"]["url"].rsplit("/", 1)[-1])
        if size is None:
            return None
        total += size
    return total


def _cuda_package(name: str) -> bool:
    return name.startswith(("nvidia-", "cuda-", "triton"))


def main() -> None:
    """Print what each set resolves to per platform (and, with --sizes, how much it downloads)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", action="store_true", help="also sum the download sizes (PyPI JSON)")
    args = parser.parse_args()
    for (set_name, platform), report in resolve_all().items():
        if isinstance(report, RuntimeError):
            print(f"{set_name:10} {platform:14} FAILS: {report}")
            continue
        found = installed(report)
        frameworks = {k: v for k, v in found.items() if k.startswith(("torch", "tensorflow"))}
        print(f"{set_name:10} {platform:14} {len(found)} packages, CUDA {sorted(cuda_majors(found)) or '-'},"
              f" {frameworks}")
        if args.sizes:
            total, cuda = download_bytes(report), download_bytes(report, _cuda_package)
            torch = download_bytes(report, lambda name: name == "torch")
            tf = download_bytes(report, lambda name: name.startswith("tensorflow"))
            print(f"{'':25} download {total / 1e9:.2f} GB: torch {torch / 1e9:.2f},"
                  f" tensorflow {tf / 1e9:.2f},"
                  f" nvidia/cuda/triton {cuda / 1e9:.2f}")


if __name__ == "__main__":
    main()
