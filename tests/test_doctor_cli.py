"""``python -m siamlab doctor NAME`` on the four reproduce setups: the verdicts issue 13 asks for, the exit
code, and one diagnose call within 20 s on the course's 2-core CPU."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO


def doctor(name: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "siamlab", "doctor", name, *extra], capture_output=True,
                          text=True, cwd=REPO, timeout=300)


def first_finding(out: str) -> str:
    return re.search(r"^1\. \[(\w+)\] (\w+)$", out, re.M).group(2)


def seconds(out: str) -> float:
    return float(re.search(r"diagnose took ([\d.]+) s", out).group(1))


def test_tf_asker_first_finding_is_the_loss_and_exit_is_1(real_mnist):
    result = doctor("tf-asker")
    assert result.returncode == 1, result.stdout + result.stderr
    assert first_finding(result.stdout) in ("LOSS_SHAPE_BROADCAST", "LOSS_IGNORES_LABELS")
    assert seconds(result.stdout) <= 20


def test_torch_asker_first_finding_is_identical_inputs_and_exit_is_1():
    result = doctor("torch-asker")
    assert result.returncode == 1, result.stdout + result.stderr
    assert first_finding(result.stdout) == "IDENTICAL_INPUTS"
    assert seconds(result.stdout) <= 20


@pytest.mark.parametrize("name", ["tf-fixed", "torch-fixed"])
def test_fixed_setups_get_no_warning_and_exit_0(name, real_mnist):
    result = doctor(name, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert [f["severity"] for f in report["findings"]] in ([], ["note"])
    assert report["seconds"]["total"] <= 20


def test_doctor_rejects_an_unknown_setup():
    result = doctor("keras-asker")
    assert result.returncode == 2 and "invalid choice: 'keras-asker'" in result.stderr
