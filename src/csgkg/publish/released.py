"""The built graph a command serves or pushes: ``dist/csgkg.nt`` and its triple count."""

from __future__ import annotations

import json
from pathlib import Path

from csgkg.core.errors import CsgkgError
from csgkg.core.manifest import scan
from csgkg.core.root import DatasetRoot

NTRIPLES_NAME = "csgkg.nt"


class NotBuiltError(CsgkgError):
    """``dist/csgkg.nt`` is missing: the dataset has not been built yet."""


def built_ntriples(root: DatasetRoot) -> Path:
    """``dist/csgkg.nt`` of ``root``; a NotBuiltError tells the user to run ``csgkg build``."""
    path = root.dist_dir / NTRIPLES_NAME
    if not path.is_file():
        raise NotBuiltError(
            f"{path} not found: run `csgkg build` first to validate the dataset and write dist/"
        )
    return path


def sources_file(root: DatasetRoot) -> Path:
    """``build/release.json``: the digest of the manifest of the files the release in ``dist/`` was
    built from (beside the index, not in the release, which describes every file it holds)."""
    return root.path / "build" / "release.json"


def is_stale(root: DatasetRoot, built: Path) -> bool:
    """True when the release holding ``built`` was not built from the source files as they are now
    (the manifest rule of :mod:`csgkg.core.manifest`: any file edited, added, removed or renamed)."""
    try:
        digest = json.loads(sources_file(root).read_text(encoding="utf-8"))["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return True
    return digest != scan(root.path).digest()


def stale_warning(root: DatasetRoot, built: Path) -> str | None:
    """A one-line warning when ``built`` was built from other versions of the sources, else None."""
    if is_stale(root, built):
        return (
            f"warning: {built} was built from an earlier version of the dataset's files; run "
            "`csgkg build` to publish the current data"
        )
    return None


def count_ntriples(path: Path) -> int:
    """The number of triples in an N-Triples file: its lines that are neither blank nor comments."""
    count = 0
    with path.open("rb") as lines:
        for line in lines:
            stripped = line.strip()
            if stripped and not stripped.startswith(b"#"):
                count += 1
    return count
