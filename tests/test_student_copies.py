"""Student copies (``python -m siamlab students OUT_DIR``), and a test that plays a student: every
stub raises NotImplementedError and its checker is not reached; then the solutions pass and one
wrong answer per exercise gets its checker's message."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import REPO
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from siamlab.exercises import EXERCISES
from siamlab.students import NOTEBOOKS, STUB, clear_solution, is_solution_cell, student_copy, write_students

EXERCISE_NOTEBOOKS = sorted({e.notebook for e in EXERCISES})

# per exercise: (text in the instructor's solution, the wrong answer put in its place, the checker's message)
WRONG = {
    "01-1": ("return p * (1 - p)", "return 0.25", "whatever the labels"),
    "01-2": ("return 1.0 - float(np.mean(same))", "return float(np.mean(same))", "moves the wrong way"),
    "02-1": ("(1.0 - same) * tf.square(hinge)", "(1.0 - same) * tf.square(margin - distance)",
             "max(0, margin - d)"),
    "02-2": ("tf.square(a - b), axis=-1) + 1e-9)", "tf.square(a - b), axis=-1)) + 1e-9", "outside the sqrt"),
    "03-1": ("x[i, j, 0] = pair[j] / 255.0", "x[i, j, 0] = pair[1] / 255.0", "the bug has moved"),
    "03-2": ("return torch.relu(model.linear2[0].bias.detach())", "return model.linear2[0].bias.detach()",
             "never outputs a negative number"),
    "04-1": ("return float(rates[lowest]) / 4", "return float(rates[lowest])", "the wrong side"),
    "04-2": ("same * distance**2 + (1 - same)", "(1 - same) * distance**2 + same", "other way round"),
    "05-1": ("metrics.roc_analysis(val_distance, val_same)", "metrics.roc_analysis(test_distance, test_same)",
             "best one for the HELD-OUT pairs"),
    "05-2": ("return said_same[is_same].mean(), said_same[~is_same].mean()",
             "return said_same[~is_same].mean(), said_same[is_same].mean()", "wrong order"),
    "06-1": ("    diff = e1 - e2\n", "    diff = e1 - e1\n", "no gradient to either embedding"),
    "06-2": ("same_label = 1\n", "same_label = 0\n", "what a loss does to DIFFERENT pairs"),
}


def _role(cell) -> str | None:
    return cell.get("metadata", {}).get("siamlab", {}).get("exercise_role")


def _exercise(cell) -> str | None:
    return cell.get("metadata", {}).get("siamlab", {}).get("exercise")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("students")
    write_students(out)
    return out


def test_clear_solution_keeps_the_indent_and_refuses_broken_markers():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\n\nf(1)"
    stubbed = "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\n\nf(1)"
    assert clear_solution(source) == stubbed
    assert clear_solution("x = 1") == "x = 1"
    for broken, why in [("### BEGIN SOLUTION\nx = 1", "never closed"), ("x\n### END SOLUTION", "without"),
                        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside a solution")]:
        with pytest.raises(ValueError, match=why):
            clear_solution(broken)


def test_every_exercise_has_its_cells_with_nbgrader_metadata():
    for exercise in EXERCISES:
        cells = _load(next(NOTEBOOKS.glob(f"{exercise.notebook}.ipynb")))["cells"]
        mine = {_role(c): c for c in cells if _exercise(c) == exercise.id}
        assert set(mine) == {"task", "solution", "check", "hint"}, exercise.id
        assert is_solution_cell(mine["solution"])
        assert "### BEGIN SOLUTION" in "".join(mine["solution"]["source"])
        check = mine["check"]["metadata"]["nbgrader"]
        assert check["locked"] and not check["solution"]
        assert exercise.checker in "".join(mine["check"]["source"])
        assert "<details><summary>Hint</summary>" in "".join(mine["hint"]["source"])
        order = [_role(c) for c in cells if _exercise(c) == exercise.id]
        assert order == ["task", "solution", "check", "hint"], exercise.id   # the checker right below
    ids = [c["metadata"]["nbgrader"]["grade_id"] for name in EXERCISE_NOTEBOOKS
           for c in _load(NOTEBOOKS / f"{name}.ipynb")["cells"] if "nbgrader" in c["metadata"]]
    assert len(ids) == len(set(ids)) == 2 * len(EXERCISES)


def test_student_copy_stubs_solutions_clears_exercise_outputs_and_keeps_the_rest(copies):
    assert sorted(p.name for p in copies.glob("*.ipynb")) == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    for name in EXERCISE_NOTEBOOKS:
        original, copy = _load(NOTEBOOKS / f"{name}.ipynb"), _load(copies / f"{name}.ipynb")
        assert len(original["cells"]) == len(copy["cells"]) and original["metadata"] == copy["metadata"]
        for before, after in zip(original["cells"], copy["cells"]):
            text = "".join(after["source"])
            if is_solution_cell(before):
                assert "BEGIN SOLUTION" not in text and STUB.split("\n")[1] in text
                assert after["outputs"] == [] and after["execution_count"] is None
            elif _role(before) == "check":
                assert text == "".join(before["source"]) and after["outputs"] == []
            else:
                assert after == before   # everything else as committed


def test_student_copy_of_a_notebook_without_exercises_is_unchanged():
    notebook = _load(NOTEBOOKS / "00_start_here.ipynb")
    assert student_copy(notebook) == notebook


def test_students_refuses_the_notebooks_folder(tmp_path):
    for inside in (NOTEBOOKS, NOTEBOOKS / "students"):
        with pytest.raises(ValueError, match="must be outside .*notebooks"):
            write_students(inside)
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="must be a folder"):
        write_students(tmp_path / "file")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no notebooks in"):
        write_students(tmp_path / "out", source_dir=tmp_path / "empty")
    done = subprocess.run([sys.executable, "-m", "siamlab", "students", "notebooks"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "OUT_DIR must be outside" in done.stderr
    assert not (NOTEBOOKS / "students").exists()


def _status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--", "notebooks"], cwd=REPO, capture_output=True,
                          text=True, timeout=60).stdout


def test_command_twice_changes_nothing_in_the_repository(tmp_path):
    before = _status()
    out = tmp_path / "class"
    first = subprocess.run([str(REPO / "course.sh"), "students", str(out)], cwd=REPO, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith(f"student notebooks written to {out}")
    written = {p.name: p.read_bytes() for p in out.glob("*.ipynb")}
    second = subprocess.run([sys.executable, "-m", "siamlab", "students", str(out)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and {p.name: p.read_bytes() for p in out.glob("*.ipynb")} == written
    assert _status() == before


# playing a student ------------------------------------------------------------------------------------

def _run(client: NotebookClient, cell, index: int) -> CellExecutionError | None:
    try:
        client.execute_cell(cell, index)
    except CellExecutionError as error:
        return error
    return None


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


def play(notebooks: list[Path], exercises_only: bool, tmp_path: Path) -> None:
    """Run the student copies cell by cell in one kernel: the stubs raise NotImplementedError, their
    checkers are skipped, no other cell fails; then each solution passes and each wrong answer is named."""
    cells = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        cells += [c for c in notebook.cells if c.cell_type == "code"
                  and (not exercises_only or _role(c) in ("solution", "check"))]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    stubbed, solutions = [], {}
    for name in {e.notebook for e in EXERCISES}:
        for cell in _load(NOTEBOOKS / f"{name}.ipynb")["cells"]:
            if _role(cell) == "solution":
                solutions[_exercise(cell)] = "".join(cell["source"])
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            role, exercise = _role(cell), _exercise(cell)
            if role == "check" and exercise in stubbed:
                continue   # the student's run stops at the stub: its checker is not reached
            error = _run(client, cell, index)
            if role == "solution":
                assert error is not None and error.ename == "NotImplementedError", (exercise, error)
                stubbed.append(exercise)
            else:
                assert error is None, (index, "".join(cell.source)[:300], error)
        for exercise in stubbed:
            solution_cell = next(c for c in nb.cells if _exercise(c) == exercise and _role(c) == "solution")
            check_cell = next(c for c in nb.cells if _exercise(c) == exercise and _role(c) == "check")
            index = nb.cells.index(check_cell)
            solution_cell.source = solutions[exercise]
            assert _run(client, solution_cell, index - 1) is None, exercise
            assert _run(client, check_cell, index) is None, exercise
            assert _text(check_cell).startswith("✓ "), (exercise, _text(check_cell))
            right, wrong_answer, message = WRONG[exercise]
            assert right in solutions[exercise], exercise
            solution_cell.source = solutions[exercise].replace(right, wrong_answer)
            _run(client, solution_cell, index - 1)   # its try-line may fail or not: the checker decides
            error = _run(client, check_cell, index)
            assert error is not None and error.ename == "ExerciseError", (exercise, error)
            assert message in str(error), (exercise, str(error)[-500:])
    assert sorted(stubbed) == sorted(e.id for e in EXERCISES if e.notebook in {p.stem for p in notebooks})


def test_a_student_plays_every_exercise(copies, tmp_path):
    """The exercise cells of notebooks 01-05 (they use only what they define), one kernel."""
    play([copies / f"{name}.ipynb" for name in EXERCISE_NOTEBOOKS], exercises_only=True, tmp_path=tmp_path)


def test_a_student_runs_notebook_03_top_to_bottom(copies, tmp_path):
    """A whole student copy, every cell in order: only the stubs fail."""
    play([copies / "03_torch_seed_reproduced.ipynb"], exercises_only=False, tmp_path=tmp_path)


@pytest.mark.full
@pytest.mark.parametrize("name", [n for n in EXERCISE_NOTEBOOKS if not n.startswith("03")])
def test_a_student_runs_each_copy_top_to_bottom(copies, tmp_path, name, monkeypatch):
    monkeypatch.delenv("SIAMLAB_FULL", raising=False)
    os.environ.pop("SIAMLAB_FULL", None)
    play([copies / f"{name}.ipynb"], exercises_only=False, tmp_path=tmp_path)


def test_command_takes_another_source_folder(tmp_path, capsys):
    from siamlab.__main__ import main

    source = tmp_path / "mine"
    source.mkdir()
    (source / "03.ipynb").write_bytes((NOTEBOOKS / "03_torch_seed_reproduced.ipynb").read_bytes())
    assert main(["students", str(tmp_path / "out"), "--source", str(source)]) == 0
    assert "1 student notebooks written to" in capsys.readouterr().out
    assert "raise NotImplementedError()" in (tmp_path / "out" / "03.ipynb").read_text()
    assert main(["students", str(source / "inside"), "--source", str(source)]) == 2
    assert "OUT_DIR must be outside" in capsys.readouterr().err
