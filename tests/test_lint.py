"""ruff over the package, the tests, the benchmarks, the tools and the notebooks' code cells
(config in pyproject.toml): `./course.sh test` fails on a lint error."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO


def _ruff() -> list[str]:
    local = Path(sys.executable).with_name("ruff")
    if local.exists():
        return [str(local)]
    if shutil.which("ruff"):
        return ["ruff"]
    pytest.skip("ruff is not installed (it is in the test extra: pip install -e '.[test]')")


def test_ruff_finds_nothing():
    targets = ["siamlab", "tests", "benchmarks", "tools", "notebooks"]
    result = subprocess.run([*_ruff(), "check", "--no-cache", *targets], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
