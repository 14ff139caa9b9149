"""The one freshness rule: a manifest of every source file's size and modification time.

Every consumer of something built from the sources (the index, the release, a served or pushed graph)
keeps the manifest it was built from and compares it with :func:`scan` before it answers. A file
edited in place, added, removed or renamed, and a changed ontology, vocabulary, shape or context are
all seen, because every file is looked at (one ``stat`` each), not only folders.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

# The parts of a dataset root whose files the manifest lists, with the kind of each.
# ``store`` kinds are loaded into the store; the others change verdicts and release files only.
STORE_KINDS = ("ontology", "vocab", "data")


def kind_of(relative: str) -> str:
    """The part of the dataset a file is, from its path relative to the root (forward slashes)."""
    if relative.startswith("data/"):
        return "data"
    if relative.startswith("ontology/vocab/"):
        return "vocab"
    if relative.startswith("shapes/"):
        return "shapes"
    if relative == "ontology/csgkg.ttl":
        return "ontology"
    return "other"  # the JSON-LD context, the imported axioms


def _walk(folder: str, suffix: str) -> Iterable[os.DirEntry]:
    # Plain strings, not pathlib: this runs once per data file before every command.
    stack = [folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(suffix) and not entry.name.startswith("."):
                yield entry


def source_entries(
    path: Path, kinds: Collection[str] | None = None
) -> Iterable[tuple[str, os.DirEntry | Path]]:
    """Every source file under the root folder ``path``: (relative path, entry); only those of
    ``kinds`` (:func:`kind_of`) when given, without walking the folders of the others."""
    path = Path(path)
    ontology = path / "ontology"

    def wanted(relative: str) -> bool:
        return kinds is None or kind_of(relative) in kinds

    for single in (ontology / "csgkg.ttl", ontology / "context.jsonld"):
        relative = single.relative_to(path).as_posix()
        if wanted(relative) and single.is_file():
            yield relative, single
    for folder, suffix, recursive in (
        (ontology / "vocab", ".ttl", False),
        (ontology / "imports", ".ttl", False),
        (path / "shapes", ".ttl", False),
        (path / "data", ".ttl", True),
    ):
        if not wanted(f"{folder.relative_to(path).as_posix()}/x{suffix}"):
            continue
        if recursive:
            start = len(os.fspath(path)) + len(os.sep)
            for entry in _walk(os.fspath(folder), suffix):
                yield entry.path[start:].replace(os.sep, "/"), entry
        elif folder.is_dir():
            for entry in os.scandir(folder):
                if entry.name.endswith(suffix) and not entry.name.startswith(".") and entry.is_file():
                    yield f"{folder.relative_to(path).as_posix()}/{entry.name}", entry


@dataclass(frozen=True)
class Changes:
    """What differs between two manifests, as sorted relative paths."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def __len__(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)

    def of_kinds(self, *kinds: str) -> Changes:
        """Only the changes to files of the given kinds."""

        def keep(paths: list[str]) -> list[str]:
            return [p for p in paths if kind_of(p) in kinds]

        return Changes(keep(self.added), keep(self.removed), keep(self.changed))

    def describe(self) -> str:
        """A short account for a message: "2 changed, 1 added"."""
        parts = [
            f"{len(paths)} {word}"
            for word, paths in (("changed", self.changed), ("added", self.added), ("removed", self.removed))
            if paths
        ]
        return ", ".join(parts) or "no change"


@dataclass(frozen=True)
class Manifest:
    """Each source file (relative path) with its size and modification time in nanoseconds."""

    files: dict[str, tuple[int, int]]

    def diff(self, now: Manifest) -> Changes:
        """What changed from this manifest (the older) to ``now``."""
        before, after = self.files, now.files
        return Changes(
            added=sorted(p for p in after if p not in before),
            removed=sorted(p for p in before if p not in after),
            changed=sorted(p for p in after if p in before and before[p] != after[p]),
        )

    def of_kinds(self, *kinds: str) -> list[str]:
        """The files of the given kinds, sorted."""
        return sorted(p for p in self.files if kind_of(p) in kinds)

    def digest(self) -> str:
        """A short fingerprint of the whole manifest (equal manifests, equal digests)."""
        text = json.dumps(sorted(self.files.items()), separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_json(self) -> dict:
        """The manifest as JSON-ready data (each stamp a pair, which JSON writes as an array)."""
        return dict(sorted(self.files.items()))

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        """A manifest from :meth:`to_json`'s data (a ValueError if it is not that)."""
        if not isinstance(data, dict):
            raise ValueError("a manifest is an object of file paths")
        return cls({str(p): (int(s[0]), int(s[1])) for p, s in data.items()})


def scan(path: Path, kinds: Collection[str] | None = None) -> Manifest:
    """The manifest of the source files under the root folder ``path`` as they are now (only the
    files of ``kinds``, when given)."""
    files: dict[str, tuple[int, int]] = {}
    for relative, entry in source_entries(Path(path), kinds):
        try:
            st = entry.stat()
        except FileNotFoundError:  # removed while we looked: it is not there
            continue
        files[relative] = (st.st_mtime_ns, st.st_size)
    return Manifest(files)
