"""TensorFlow's C++ start-up lines stay out of notebooks once ``siamlab`` is imported (siamlab._tf_logs).

TensorFlow 2.21 prints "oneDNN custom operations are on" through Abseil before ``absl::InitializeLog``,
which ignores ``TF_CPP_MIN_LOG_LEVEL``; ``import siamlab`` filters descriptor 2 during TensorFlow's first
import. Checked in a fresh interpreter and in a fresh Jupyter kernel, as the notebooks import it.
"""
from __future__ import annotations

import importlib.util
import textwrap

import pytest
from conftest import run_python

from siamlab import _tf_logs

NOISE = ("oneDNN", "absl", "port.cc", "cpu_feature_guard")
HEADER = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
ONEDNN = (b"I0000 00:00:1795844037.407431     924 port.cc:153] oneDNN custom operations are on. "
          b"You may see slightly different numerical results due to floating-point round-off errors.\n")
ERROR = b"E0000 00:00:1795844037.500000     924 dso_loader.cc:77] Could not load dynamic library 'x.so'\n"
needs_tf = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                              reason="tensorflow not installed")


def test_filter_keeps_everything_but_the_header_and_lines_below_the_level():
    text = HEADER + ONEDNN + b"plain text from somewhere\n" + ERROR + HEADER + ONEDNN
    assert _tf_logs.filter_native_log(text, 2) == b"plain text from somewhere\n" + ERROR
    assert _tf_logs.filter_native_log(text, 3) == b"plain text from somewhere\n"
    assert _tf_logs.filter_native_log(text, 0) == text  # TF_CPP_MIN_LOG_LEVEL=0: every line


def test_min_log_level_reads_the_environment(monkeypatch):
    for value, level in (("3", 3), ("", 0), ("x", 0), (" 1 ", 1)):
        monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", value)
        assert _tf_logs.min_log_level() == level


def test_a_failing_import_restores_descriptor_2_and_keeps_other_lines(tmp_path):
    """A stand-in ``tensorflow`` that logs like the real one, prints a Python warning and raises."""
    package = tmp_path / "tensorflow"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(f"""
        import os, warnings
        os.write(2, {HEADER + ONEDNN + ERROR!r})
        warnings.warn("a Python warning during the import")
        raise RuntimeError("broken build")
    """))
    code = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(tmp_path)!r})
        import siamlab
        assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"
        try:
            import tensorflow
        except RuntimeError as exc:
            print("raised:", exc)
        os.write(2, b"descriptor 2 is back\\n")
        print("hook spent:", not any(type(f).__name__ == "QuietTensorFlowImport" for f in sys.meta_path))
    """)
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["raised: broken build", "hook spent: True"]
    assert "oneDNN" not in result.stderr and "absl" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == ERROR.decode().rstrip()
    assert "UserWarning: a Python warning during the import" in result.stderr
    assert lines[-1] == "descriptor 2 is back"


def test_tensorflow_already_imported_or_missing_is_left_alone():
    code = ("import sys; sys.modules['tensorflow'] = None; import siamlab; "
            "print(any(type(f).__name__ == 'QuietTensorFlowImport' for f in sys.meta_path))")
    assert run_python(code).stdout.strip() == "False"


@needs_tf
def test_a_fresh_interpreter_imports_tensorflow_quietly():
    code = ("import siamlab; import siamlab.tf as stf; import tensorflow as tf; import keras; "
            "print(tf.__loader__.__class__.__name__, float(tf.reduce_sum(tf.ones(3))))")
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "SourceFileLoader 3.0"
    assert not [word for word in NOISE if word in result.stdout + result.stderr], result.stderr


@needs_tf
def test_a_fresh_jupyter_kernel_shows_no_stream_output():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import siamlab"),
                      nbformat.v4.new_code_cell("import siamlab.tf as stf\nimport tensorflow as tf\n"
                                                "float(tf.reduce_sum(tf.ones(3)))")]
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [output for cell in notebook.cells for output in cell.outputs]
    assert [output.get("name") for output in outputs if output.output_type == "stream"] == []
    assert [output.data["text/plain"] for output in outputs] == ["3.0"]
