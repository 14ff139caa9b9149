"""Descriptions are written in our own words: no run of 12 words from the seed appears in data/."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, SEED

RUN = 12


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def copied_runs(seed: str, data: str, n: int = RUN) -> list[str]:
    """Every run of ``n`` consecutive seed words that also appears in ``data``."""
    seed_words = words(seed)
    haystack = " " + " ".join(words(data)) + " "
    return [
        " ".join(seed_words[i : i + n])
        for i in range(len(seed_words) - n + 1)
        if f" {' '.join(seed_words[i : i + n])} " in haystack
    ]


def test_detector_finds_a_copied_run() -> None:
    seed = "one two three four five six seven eight nine ten eleven twelve thirteen"
    assert copied_runs(seed, "x one two three four five six seven eight nine ten eleven twelve y")
    assert not copied_runs(seed, "one two three four five six seven eight nine ten eleven")


@pytest.mark.skipif(not SEED.is_file(), reason="the seed document lives in ../shared, beside the repo")
def test_no_seed_sentence_is_copied_into_data() -> None:
    data = " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "data").rglob("*.ttl")))
    assert copied_runs(SEED.read_text(encoding="utf-8"), data) == []
