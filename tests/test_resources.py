"""siamlab.resources: the run-time and peak-memory line of every notebook's last cell."""
import time

import numpy as np
import pytest

from siamlab import resources


def test_peak_memory_grows_with_a_large_allocation():
    before = resources.peak_memory_mb()
    if before is None:
        pytest.skip("this platform does not report peak memory")
    block = np.ones(200 * 2**20 // 8)  # 200 MB, touched
    assert resources.peak_memory_mb() >= before and resources.peak_memory_mb() > 200
    del block


def test_run_summary_reports_seconds_and_memory(monkeypatch):
    monkeypatch.setattr(resources, "peak_memory_mb", lambda: 321.4)   # pytest's own peak is the suite's
    line = resources.run_summary(time.perf_counter() - 3.2)
    assert line == "run time 3 s | peak memory 321 MB (budget 1,500 MB)"


def test_a_child_process_reports_its_own_peak_not_its_parents():
    """A process started by a big parent (as pytest starts notebook kernels) reports its own peak."""
    import subprocess
    import sys

    if resources.peak_memory_mb() is None:
        pytest.skip("this platform does not report peak memory")
    block = np.ones(300 * 2**20 // 8)  # the parent now peaks above 300 MB
    code = "from siamlab import resources; print(resources.peak_memory_mb())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    child = float(done.stdout)
    assert child < resources.peak_memory_mb() - 250, (child, resources.peak_memory_mb())
    del block


def test_run_summary_fails_above_the_budget():
    if resources.peak_memory_mb() is None:
        pytest.skip("this platform does not report peak memory")
    with pytest.raises(MemoryError, match="above the course's budget of 1 MB"):
        resources.run_summary(time.perf_counter(), limit_mb=1)


class _FakeTorch:
    """What run_summary reads of torch: its version and torch.version.cuda."""

    def __init__(self, version, cuda):
        self.__version__ = version
        self.version = type("version", (), {"cuda": cuda})


def test_above_the_budget_a_cuda_build_of_torch_reports_instead_of_failing(monkeypatch):
    """Colab's torch 2.11.0+cu130 took notebooks 05/06 to 1.7 GB: the budget is for the CPU builds."""
    import sys

    monkeypatch.setattr(resources, "peak_memory_mb", lambda: 1701.0)
    monkeypatch.setitem(sys.modules, "torch", _FakeTorch("2.11.0+cu130", "13.0"))
    line = resources.run_summary(time.perf_counter())
    assert line.endswith("peak memory 1,701 MB (torch 2.11.0+cu130 is a CUDA build; the 1,500 MB budget is "
                         "for the CPU builds that Binder and small hubs run)")
    monkeypatch.setitem(sys.modules, "torch", _FakeTorch("2.13.0+cpu", None))
    with pytest.raises(MemoryError, match="1,701 MB is above"):
        resources.run_summary(time.perf_counter())


def test_cuda_build_loaded_never_imports_torch(monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "torch", raising=False)
    assert resources.cuda_build_loaded() is None and "torch" not in sys.modules
    monkeypatch.setitem(sys.modules, "torch", _FakeTorch("2.11.0+cu128", "12.8"))
    assert resources.cuda_build_loaded() == "torch 2.11.0+cu128"


def test_full_mode_has_no_budget(monkeypatch):
    if resources.peak_memory_mb() is None:
        pytest.skip("this platform does not report peak memory")
    monkeypatch.setenv("SIAMLAB_FULL", "1")
    assert resources.run_summary(time.perf_counter()).endswith("(full mode: no budget)")


def test_run_summary_without_a_peak_reports_no_number(monkeypatch):
    monkeypatch.setattr(resources, "peak_memory_mb", lambda: None)
    assert resources.run_summary(time.perf_counter(), limit_mb=1).endswith("not reported on this platform")


BAD_STARTS = [("12", TypeError, "got str"), (None, TypeError, "got NoneType"), (True, TypeError, "got bool"),
              (time.perf_counter() + 1e6, ValueError, "before now")]


@pytest.mark.parametrize("bad, error, words", BAD_STARTS)
def test_run_summary_rejects_a_bad_start(bad, error, words):
    with pytest.raises(error, match=words):
        resources.run_summary(bad)


def test_every_notebook_ends_with_the_summary_line_under_budget():
    """The saved outputs: each notebook's last cell printed the line, with a peak under the budget."""
    import json
    import re
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        last = json.loads(path.read_text())["cells"][-1]
        assert "resources.run_summary(" in "".join(last["source"]), path.name
        text = "".join("".join(o.get("text", "")) for o in last.get("outputs", []))
        match = re.search(r"peak memory ([\d,]+) MB", text)
        assert match, f"{path.name}: expected the summary line in the saved output, got {text!r}"
        assert int(match.group(1).replace(",", "")) < resources.PEAK_MEMORY_LIMIT_MB, path.name
