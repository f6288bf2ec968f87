"""tools/notebook_header.py: badges and a hosted-kernel install cell, generated and idempotent."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import notebook_header  # noqa: E402

REPO_URL = "https://github.com/siamlab-course/siamlab"
TAG = f"v{notebook_header.version()}"   # the tag of the version the notebooks were saved with


def _without_header(cells: list[dict]) -> list[dict]:
    return [c for c in cells if notebook_header.TAG not in c["metadata"].get("tags", [])]


@pytest.fixture
def copies(tmp_path):
    """Copies of the course notebooks without their header cells (the originals are never touched)."""
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        notebook["cells"] = _without_header(notebook["cells"])
        (tmp_path / path.name).write_text(json.dumps(notebook, indent=1))
    return sorted(tmp_path.glob("*.ipynb"))


def test_committed_notebooks_carry_the_current_header(tmp_path):
    """Someone ran the script after the last change: running it again would change nothing."""
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        shutil.copy(path, tmp_path / path.name)
        assert not notebook_header.update(tmp_path / path.name, notebook_header.repository()), path.name


def test_repository_comes_from_pyproject():
    assert notebook_header.repository() == REPO_URL


def test_header_is_inserted_once_with_each_notebooks_badge(copies):
    originals = {p.name: json.loads(p.read_text())["cells"] for p in copies}
    assert all(notebook_header.update(p, REPO_URL) for p in copies)
    first = {p.name: p.read_text() for p in copies}
    assert not any(notebook_header.update(p, REPO_URL) for p in copies)  # idempotent
    assert {p.name: p.read_text() for p in copies} == first
    for path in copies:
        notebook = json.loads(path.read_text())
        badge, title, install, *rest = notebook["cells"]
        assert [title, *rest] == originals[path.name] and title["source"][0].startswith("# ")  # title first
        assert install["metadata"]["jupyter"] == {"source_hidden": True}           # code hidden in Jupyter
        assert install["metadata"]["cellView"] == "form"                           # ... and in Colab
        assert "".join(install["source"]).startswith("#@title On Colab / Kaggle only")
        colab = f"https://colab.research.google.com/github/siamlab-course/siamlab/blob/main/notebooks/{path.name}"
        assert colab in "".join(badge["source"]) and badge["cell_type"] == "markdown"
        assert install["cell_type"] == "code" and install["metadata"]["tags"] == ["siamlab-header"]
        assert notebook["metadata"]["kernelspec"] == notebook_header.KERNELSPEC


def test_another_address_is_one_edit(copies):
    path = copies[0]
    notebook_header.update(path, REPO_URL)
    notebook_header.update(path, "https://github.com/someone/fork.git")
    text = path.read_text()
    assert "siamlab-course" not in text and text.count("someone/fork/blob/main/notebooks") == 2
    assert "git+https://github.com/someone/fork" in text
    original = _without_header(json.loads((REPO / "notebooks" / path.name).read_text())["cells"])
    assert len(json.loads(text)["cells"]) == len(original) + 2


def run_cell(monkeypatch, capsys, env: dict[str, str], hide: tuple[str, ...],
             pip_fails: bool = False) -> tuple[list, str]:
    """Execute the install cell with ``env`` set and modules ``hide`` unimportable; pip is faked."""
    for name in ("COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in hide:
        monkeypatch.setitem(sys.modules, name, None)
    calls = []
    def fake_pip(command, **kwargs):
        calls.append((command, kwargs))
        return subprocess.CompletedProcess(command, returncode=1 if pip_fails else 0)

    monkeypatch.setattr(subprocess, "run", fake_pip)
    exec(compile(notebook_header.install_source(REPO_URL), "install-cell", "exec"), {})
    return calls, capsys.readouterr().out


def test_install_cell_on_a_hosted_kernel_without_siamlab(monkeypatch, capsys):
    calls, out = run_cell(monkeypatch, capsys, {"COLAB_RELEASE_TAG": "release-colab_20260101"},
                          hide=("siamlab", "pooch"))
    assert [c for c, _ in calls] == [
        [sys.executable, "-m", "pip", "install", "--quiet", "pooch>=1.8"],
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", f"siamlab @ git+{REPO_URL}@{TAG}"],
    ]
    assert all(kwargs == {"check": False} for _, kwargs in calls)
    assert "installing: -m pip install --quiet --no-deps siamlab @ git+" in out and "left as they are" in out
    joined = " ".join(" ".join(c) for c, _ in calls)
    assert not any(name in joined for name in ("torch", "tensorflow", "ipywidgets"))


def test_install_cell_on_kaggle_with_every_light_dependency(monkeypatch, capsys):
    calls, out = run_cell(monkeypatch, capsys, {"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}, hide=("siamlab",))
    assert [c for c, _ in calls] == [
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", f"siamlab @ git+{REPO_URL}@{TAG}"]]


def test_install_cell_says_in_one_line_why_a_failed_install_failed(monkeypatch, capsys):
    with pytest.raises(RuntimeError) as failed:
        run_cell(monkeypatch, capsys, {"COLAB_RELEASE_TAG": "x"}, hide=("siamlab",), pip_fails=True)
    message = str(failed.value)
    assert "\n" not in message and failed.value.__cause__ is None and failed.value.__suppress_context__
    assert message.startswith(f"pip could not install siamlab @ git+{REPO_URL}@{TAG}: ")
    assert f"published repository ({REPO_URL}, tag {TAG})" in message and "./course.sh kernel" in message


def test_install_cell_is_silent_off_hosted_kernels(monkeypatch, capsys):
    assert run_cell(monkeypatch, capsys, {}, hide=("siamlab",)) == ([], "")


def test_install_cell_is_silent_where_siamlab_is_installed(monkeypatch, capsys):
    assert run_cell(monkeypatch, capsys, {"COLAB_RELEASE_TAG": "x"}, hide=()) == ([], "")


def test_install_cell_prints_nothing_in_a_plain_kernel_process():
    code = notebook_header.install_source(REPO_URL)
    hosted = ("COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE")
    clean = {k: v for k, v in os.environ.items() if k not in hosted}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean, cwd="/")
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_an_executed_header_keeps_its_execution_count(copies):
    path = copies[0]
    notebook_header.update(path, REPO_URL)
    notebook = json.loads(path.read_text())
    notebook["cells"][2]["execution_count"] = 1  # as a clean Restart & Run All leaves it
    path.write_text(json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
    assert not notebook_header.update(path, REPO_URL)
    assert json.loads(path.read_text())["cells"][2]["execution_count"] == 1
