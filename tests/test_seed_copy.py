"""Descriptions are written in our own words: no run of 10 consecutive words from the inputs (the page of
promising responses in ../shared/seeds and the researched facts in ../shared/sources/facts.md) appears
in any file the repository tracks."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, SEED

RUN = 10
FACTS = SEED.parent.parent / "sources" / "facts.md"
INPUTS = [SEED, FACTS]

# Web addresses are not prose: the data must record them exactly as the inputs give them.
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", URL.sub(" ", text.lower()))


def runs(text: str, n: int = RUN) -> set[str]:
    """Every run of ``n`` consecutive words of ``text``."""
    w = words(text)
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


def copied_runs(source: str, data: str, n: int = RUN) -> list[str]:
    """Every run of ``n`` consecutive words of ``source`` that also appears in ``data``."""
    return sorted(runs(source, n) & runs(data, n))


def tracked_text_files(root: Path = REPO) -> list[Path]:
    """The files git tracks in ``root`` that read as UTF-8 text."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout.decode("utf-8").split("\0")
    files = []
    for name in filter(None, listed):
        path = root / name
        if not path.is_file():
            continue
        try:
            path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        files.append(path)
    return files


def test_detector_finds_a_copied_run() -> None:
    source = "one two three four five six seven eight nine ten eleven"
    assert copied_runs(source, "x one two three four five six seven eight nine ten y")
    assert not copied_runs(source, "one two three four five six seven eight nine")
    # Case, punctuation and line breaks do not hide a copy.
    assert copied_runs(source, "One, two; three\nfour five six seven eight nine TEN.")


def test_detector_ignores_web_addresses() -> None:
    url = "https://www.example.org/one/two/three/four/five/six/seven/eight/nine/ten"
    assert not copied_runs(f"see {url}", f"schema:url <{url}>")


@pytest.mark.skipif(not SEED.is_file(), reason="the inputs live in ../shared, beside the repo")
@pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout"
)
def test_no_run_of_the_inputs_is_copied_into_the_repository() -> None:
    inputs = set()
    for path in INPUTS:
        if path.is_file():
            inputs |= runs(path.read_text(encoding="utf-8"))
    copies = {}
    for path in tracked_text_files():
        found = sorted(runs(path.read_text(encoding="utf-8")) & inputs)
        if found:
            copies[path.relative_to(REPO).as_posix()] = found[:3]
    assert copies == {}
