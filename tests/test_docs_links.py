"""README.md and docs/*.md: every relative link and #anchor resolves, and GitHub addresses are pyproject's."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
import tomllib
from conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose(text: str) -> str:
    """The markdown without fenced code blocks and inline code spans (links there are not links)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its rendered text, lower case, no punctuation, spaces -> '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link renders as its text
    text = text.replace("`", "").replace("*", "")
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found, seen = set(), {}
    for line in FENCE.sub("", page.read_text()).splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")  # GitHub numbers repeated headings
    return found


def relative_links(page: Path) -> list[str]:
    text = prose(page.read_text())
    targets = LINK.findall(text) + HTML_LINK.findall(text)
    return [t for t in targets if not SCHEME.match(t)]


def test_slug_is_githubs():
    assert slug("Run it on Colab / Kaggle") == "run-it-on-colab--kaggle"
    assert slug("Local install (`./course.sh`)") == "local-install-coursesh"
    assert slug("What we tried: bad input and faults") == "what-we-tried-bad-input-and-faults"
    assert slug("siamlab — Siamese networks") == "siamlab--siamese-networks"


def test_the_pages_have_links_to_check():
    assert (REPO / "docs").is_dir() and len(PAGES) > 2
    assert len(relative_links(REPO / "README.md")) >= 10
    assert any(t.startswith("docs/img/") for t in relative_links(REPO / "README.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_resolves(page):
    broken = []
    for target in relative_links(page):
        path, _, anchor = unquote(target).partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif REPO not in file.parents and file != REPO:
            broken.append(f"{target}: outside the repository")
        elif anchor:
            if file.suffix != ".md":
                broken.append(f"{target}: an anchor into a file that is not markdown")
            elif anchor not in anchors(file):
                broken.append(f"{target}: no heading makes #{anchor} in {file.relative_to(REPO)}")
    assert not broken, f"{page.relative_to(REPO)}: " + "; ".join(broken)


def test_github_addresses_are_pyprojects():
    """Badges, clone and install commands name the address written once in [project.urls].

    Every Colab or Binder address is the course's; on github.com, so is every repository named like the
    project (docs/doctor.md cites other projects' bug threads, which stay as they are).
    """
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    path = project["urls"]["Repository"].rstrip("/").removeprefix("https://github.com/")
    hosted = r"(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh)/([\w.-]+/[\w.-]+)"
    for page in PAGES:
        text = page.read_text()
        named = set(re.findall(hosted, text)) | {
            m for m in re.findall(r"github\.com/([\w.-]+/[\w.-]+)", text)
            if m.removesuffix(".git").split("/")[1] == project["name"]}
        assert {m.removesuffix(".git") for m in named} <= {path}, (
            f"{page.relative_to(REPO)} names {sorted(named)}, pyproject says {path}")
