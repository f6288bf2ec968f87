"""Notebook 00 as a newcomer first sees it: JupyterLab in headless Chromium opens a copy of it, untrusted,
without running it. The title must be on the first screen, above the hosted-kernel install cell, whose code
is hidden (a "..." placeholder, not 40 lines of pip).
Saves ``artifacts/browser/notebook00-first-screen.png``."""
from __future__ import annotations

from pathlib import Path

from labserver import ARTIFACTS, browser_fixture, lab_fixture, needs_browser, wait_for  # noqa: F401  (pytest fixtures: browser, lab)

pytestmark = needs_browser

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "00_start_here.ipynb"

FIRST_SCREEN = """
const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
const title = Array.from(document.querySelectorAll('.jp-Notebook h1'))
  .find(h => h.textContent.includes('00 · Start here'));
if (!title || cells.length < 4) return null;
const install = cells.find(c => c.classList.contains('jp-CodeCell'));
const editor = install.querySelector('.jp-InputArea');
const box = title.getBoundingClientRect();
return {title_top: box.top, title_bottom: box.bottom, screen: window.innerHeight,
        title_cell: cells.findIndex(c => c.contains(title)), install_cell: cells.indexOf(install),
        placeholder: !!install.querySelector('.jp-InputPlaceholder'),
        code_shown: !!(editor && editor.offsetParent !== null && editor.getBoundingClientRect().height > 0),
        pip_on_screen: document.querySelector('.jp-Notebook').innerText.includes('pip install')};
"""


def test_notebook00_opens_on_its_title_with_the_install_code_hidden(lab, browser):
    browser.get(f"{lab}/lab/tree/{NOTEBOOK.name}")
    screen = wait_for(browser, lambda: browser.execute_script(FIRST_SCREEN), 120, "notebook 00 rendered")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "notebook00-first-screen.png"))
    assert screen["title_cell"] < screen["install_cell"], screen           # the title comes first
    assert 0 <= screen["title_top"] and screen["title_bottom"] < screen["screen"] / 2, screen   # on top
    assert screen["placeholder"] and not screen["code_shown"], screen       # the install code is hidden
    assert not screen["pip_on_screen"], screen
