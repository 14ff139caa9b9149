"""The README's Python examples run, and give the answers it shows (on the real data)."""

from __future__ import annotations

import doctest

from conftest import REPO


def test_the_readme_examples_give_what_the_readme_shows(monkeypatch) -> None:
    monkeypatch.chdir(REPO)  # csgkg finds the dataset from the current folder
    result = doctest.testfile(
        str(REPO / "README.md"),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
    )
    assert result.attempted >= 8
    assert result.failed == 0
