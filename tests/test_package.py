"""The package as a whole: a light import and the command line."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO, run_python


def test_import_siamlab_loads_no_framework_and_is_fast():
    code = ("import sys, time; t = time.perf_counter(); import siamlab; dt = time.perf_counter() - t; "
            "import siamlab.data, siamlab.metrics, siamlab.history, siamlab.losses, siamlab.viz, "
            "siamlab.info; "
            "print('torch' in sys.modules, 'tensorflow' in sys.modules, 'keras' in sys.modules, dt)")
    out = run_python(code).stdout.split()
    assert out[:3] == ["False", "False", "False"]
    assert float(out[3]) < 1.0


def test_cli_rejects_unknown_commands():
    result = subprocess.run([sys.executable, "-m", "siamlab", "reproduce", "keras-seed"],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 2 and "invalid choice: 'keras-seed'" in result.stderr
