"""On the fallback digits (the shipped MNIST files deleted or corrupt), each MNIST notebook's setup cell
names the claims that were measured on MNIST only; on MNIST it prints nothing of the kind."""
from __future__ import annotations

import json
import os

import nbformat
import pytest
from conftest import REPO
from nbclient import NotebookClient

NOTICE = "NOTE: these digits are not MNIST"
CALL = "note_if_not_mnist("


def notebooks_with_the_notice() -> list[str]:
    return sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb")
                  if any(CALL in "".join(c["source"]) for c in json.loads(p.read_text())["cells"]))


def test_every_notebook_that_loads_mnist_has_the_notice():
    loads = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb")
                   if "load_mnist(" in p.read_text() and not p.name.startswith("00_"))
    assert loads and loads == notebooks_with_the_notice()


@pytest.mark.parametrize("name", notebooks_with_the_notice())
def test_saved_outputs_on_mnist_have_no_notice(name):
    cells = json.loads((REPO / "notebooks" / name).read_text())["cells"]
    assert NOTICE not in json.dumps([c.get("outputs", []) for c in cells])


@pytest.mark.parametrize("name", notebooks_with_the_notice())
def test_fallback_digits_print_the_notice_at_the_top(name, monkeypatch):
    nb = nbformat.read(REPO / "notebooks" / name, as_version=4)
    upto = next(i for i, c in enumerate(nb.cells) if CALL in c.source)
    assert upto <= 6, f"{name}: the notice is in cell {upto}, not at the top"
    nb.cells = nb.cells[:upto + 1]
    monkeypatch.setenv("SIAMLAB_FALLBACK_DIGITS", "1")
    monkeypatch.delenv("SIAMLAB_DATA_DIR", raising=False)
    NotebookClient(nb, timeout=600, kernel_name="python3", env=dict(os.environ),
                   resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[upto].outputs if o.get("output_type") == "stream")
    assert NOTICE in text and "measured on MNIST only" in text and "  - " in text
