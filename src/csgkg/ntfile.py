"""The built graph a command serves or pushes: ``dist/csgkg.nt`` and its triple count."""

from __future__ import annotations

from pathlib import Path

from .errors import CsgkgError
from .root import DatasetRoot

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


def is_stale(root: DatasetRoot, built: Path) -> bool:
    """True when an ontology, vocabulary or data file is newer than ``built``."""
    built_time = built.stat().st_mtime
    sources = [root.ontology_file, *root.vocab_files(), *root.data_files()]
    for source in sources:
        try:
            if source.stat().st_mtime > built_time:
                return True
        except OSError:
            continue
    return False


def stale_warning(root: DatasetRoot, built: Path) -> str | None:
    """A one-line warning when ``built`` is older than the sources, else None."""
    if is_stale(root, built):
        return (
            f"warning: {built} is older than the dataset sources; run `csgkg build` to publish the "
            "current data"
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
