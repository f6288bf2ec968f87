"""Student copies of the notebooks: every nbgrader solution region replaced by the stub, exercise
outputs cleared, everything else as committed (``python -m siamlab students OUT_DIR``).

The markers are nbgrader's (``### BEGIN SOLUTION`` / ``### END SOLUTION`` in a cell whose metadata
has ``nbgrader.solution: true``), so an instructor with nbgrader can use the notebooks as they are;
when nbgrader is importable its ``ClearSolutions`` preprocessor does the replacing, else the small
equivalent here does the same with the same stub.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXERCISE_ROLES = ("solution", "check")   # the exercise cells whose outputs a student copy clears


def is_solution_cell(cell: dict) -> bool:
    """Whether nbgrader would treat ``cell`` as a solution cell (its metadata says so)."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution", False))


def clear_solution(source: str) -> str:
    """``source`` with each BEGIN/END SOLUTION region (markers included) replaced by the stub, indented
    as the BEGIN marker; a ValueError when a region is not closed."""
    lines, out, inside = source.split("\n"), [], False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN} inside a solution region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub_line for stub_line in STUB.split("\n"))
        elif stripped == END:
            if not inside:
                raise ValueError(f"line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} is never closed by {END}")
    return "\n".join(out)


def _nbgrader_clear(notebook: dict) -> dict | None:
    """nbgrader's own ClearSolutions on ``notebook``, or None when nbgrader is not installed."""
    try:
        import nbformat
        from nbgrader.preprocessors import ClearSolutions
    except ImportError:
        return None
    node = nbformat.from_dict(copy.deepcopy(notebook))
    node, _ = ClearSolutions(code_stub={"python": STUB}).preprocess(node, {})
    return json.loads(nbformat.writes(node))


def student_copy(notebook: dict) -> dict:
    """The student version of one notebook (a dict as json.load gives): solutions stubbed, the
    exercise cells' outputs and execution counts cleared, every other cell unchanged."""
    cleared = _nbgrader_clear(notebook)
    result = copy.deepcopy(notebook) if cleared is None else cleared
    for original, cell in zip(notebook["cells"], result["cells"]):
        role = original.get("metadata", {}).get("siamlab", {}).get("exercise_role")
        if cleared is None and is_solution_cell(original):
            text = "".join(original["source"]) if isinstance(original["source"], list) else original["source"]
            new = clear_solution(text)
            cell["source"] = [line for line in re.split(r"(?<=\n)", new) if line]
        if cell["cell_type"] == "code" and (is_solution_cell(original) or role in EXERCISE_ROLES):
            cell["outputs"], cell["execution_count"] = [], None
    return result


def write_students(out_dir: str | Path, source_dir: str | Path = NOTEBOOKS) -> list[Path]:
    """Write a student copy of every notebook in ``source_dir`` into ``out_dir`` (never into
    ``source_dir`` itself or a folder inside it); returns the files written."""
    source, out = Path(source_dir).resolve(), Path(out_dir).resolve()
    if out == source or source in out.parents:
        raise ValueError(f"OUT_DIR must be outside {source} (the instructor notebooks, with the solutions), "
                         f"got {out}")
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"OUT_DIR must be a folder, got a file: {out}")
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {source}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        target = out / path.name
        target.write_text(json.dumps(student_copy(notebook), indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        written.append(target)
    return written
