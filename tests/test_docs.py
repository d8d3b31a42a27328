"""The README and docs/ stay short where they must and point only at files that exist.

A reader of the repository has only the repository: every relative link and every `docs/...`
path the docs name must resolve inside it, and nothing may send them to the specification
folder that sits outside it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOC_FILES = [README, *sorted((ROOT / "docs").glob("*.md"))]

README_MAX_CHARS = 10_000
# [text](target) and ![alt](target); the target ends at the first blank or closing bracket, so
# an optional "title" after it is left out.
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)")
# A backticked path under docs/ that names a file, e.g. `docs/feeds.md` or `docs/feeds.md#files`.
BACKTICKED_DOCS_PATH = re.compile(r"`(docs/[\w./-]+\.\w+)(?:#[\w-]*)?`")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
OUTSIDE_REPO = ("../shared", "shared/spec")


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _prose(path: Path) -> str:
    # Code blocks hold commands and config examples (an nginx `location /`), not links.
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def test_readme_is_at_most_10000_characters() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text) <= README_MAX_CHARS, f"README.md has {len(text):,} characters"


def test_docs_folder_exists_with_an_index() -> None:
    assert (ROOT / "docs" / "README.md").is_file()
    assert len(DOC_FILES) > 2


@pytest.mark.parametrize("path", DOC_FILES, ids=_ids(DOC_FILES))
def test_relative_links_resolve(path: Path) -> None:
    missing = []
    for target in MARKDOWN_LINK.findall(_prose(path)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            continue  # http(s), mailto and the like; anchors within the page
        file_part = target.split("#", 1)[0]
        if not (path.parent / file_part).exists():
            missing.append(target)
    assert not missing, f"{path.relative_to(ROOT)} links to missing files: {missing}"


@pytest.mark.parametrize("path", DOC_FILES, ids=_ids(DOC_FILES))
def test_backticked_docs_paths_exist(path: Path) -> None:
    missing = [p for p in BACKTICKED_DOCS_PATH.findall(_prose(path)) if not (ROOT / p).is_file()]
    assert not missing, f"{path.relative_to(ROOT)} names missing files: {missing}"


@pytest.mark.parametrize("path", DOC_FILES, ids=_ids(DOC_FILES))
def test_nothing_points_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [marker for marker in OUTSIDE_REPO if marker in text]
    assert not found, f"{path.relative_to(ROOT)} mentions {found}"
