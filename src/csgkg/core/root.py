"""Find the dataset root a command works on."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from csgkg.core.errors import CsgkgError

ROOT_VARIABLE = "CSGKG_ROOT"


class RootNotFoundError(CsgkgError, LookupError):
    """Raised when no dataset root can be found (exit code 2, a one-line message)."""

    kind = "root"


class PackagedRootError(CsgkgError):
    """Raised when a command would write into the copy of the dataset shipped with the package."""

    kind = "packaged-root"


@dataclass(frozen=True)
class DatasetRoot:
    """The folders of one dataset: ontology, vocabularies, data, shapes, queries and build output.

    ``packaged`` is True when the root was not chosen (``--root``, ``CSGKG_ROOT`` or the current folder)
    but found as the package's own copy: that copy is read, never written (:meth:`require_writable`).
    """

    path: Path
    packaged: bool = field(default=False, compare=False)

    def require_writable(self, command: str, folder: str) -> None:
        """Raise :class:`PackagedRootError` when this is the package's copy of the dataset.

        ``command`` names the command (``csgkg add``) and ``folder`` the folder of the root it would write
        into (``data/``): a contribution or a release written there would be lost when the package is
        reinstalled. The message names the root and points to ``--root``.
        """
        if self.packaged:
            raise PackagedRootError(
                f"{command} would write into {self.path / folder}: that is the copy of the dataset csgkg "
                f"found in its own installation, as there is no dataset root at or above {Path.cwd()}, and "
                "what it wrote would be lost when the package is reinstalled. Run it inside your copy of the "
                f"dataset, or name that copy with --root DIR (or {ROOT_VARIABLE}=DIR)"
            )

    @property
    def ontology_file(self) -> Path:
        return self.path / "ontology" / "csgkg.ttl"

    @property
    def vocab_dir(self) -> Path:
        return self.path / "ontology" / "vocab"

    @property
    def context_file(self) -> Path:
        return self.path / "ontology" / "context.jsonld"

    @property
    def data_dir(self) -> Path:
        return self.path / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.path / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.path / "queries"

    @property
    def dist_dir(self) -> Path:
        return self.path / "dist"

    def _files(self, kind: str) -> list[Path]:
        """The files of one part of the dataset, as the manifest lists them (one rule for every
        consumer: hidden files, such as an editor's lock files, are not part of the dataset)."""
        from csgkg.core.manifest import scan

        return [self.path / relative for relative in scan(self.path, (kind,)).of_kinds(kind)]

    def vocab_files(self) -> list[Path]:
        """The concept scheme files, sorted by name."""
        return self._files("vocab")

    def data_files(self) -> list[Path]:
        """Every Turtle file under ``data/``, sorted by path."""
        return self._files("data")

    def shape_files(self) -> list[Path]:
        """Every Turtle file under ``shapes/``, sorted by name."""
        return self._files("shapes")


def is_root(path: Path) -> bool:
    """True when ``path`` holds both ``ontology/`` and ``data/``."""
    return (path / "ontology").is_dir() and (path / "data").is_dir()


def packaged_root() -> Path | None:
    """The dataset copy shipped in the installed package, or the source tree of an editable install."""
    here = Path(__file__).resolve().parent.parent  # the csgkg package folder
    for candidate in (here / "_dataset", here.parent.parent):
        if is_root(candidate):
            return candidate
    return None


def find_root(root: str | Path | None = None, start: str | Path | None = None) -> DatasetRoot:
    """Return the dataset root: ``root`` if given, else the folder ``CSGKG_ROOT`` names, else the nearest
    folder above ``start`` (default: the current directory) holding ``ontology/`` and ``data/``, else the
    packaged copy (marked ``packaged``). A ``root`` or ``CSGKG_ROOT`` that is not a dataset root raises
    :class:`RootNotFoundError`."""
    named_by = "--root"
    if root is None and os.environ.get(ROOT_VARIABLE):
        root, named_by = os.environ[ROOT_VARIABLE], ROOT_VARIABLE
    if root is not None:
        path = Path(root).expanduser().resolve()
        if not path.is_dir():
            what = "a file, not a folder" if path.exists() else "there is no such folder"
            raise RootNotFoundError(f"{named_by} {root}: {what}")
        if not is_root(path):
            raise RootNotFoundError(
                f"{named_by} {root}: {path} is not a csgkg dataset root: it needs an ontology/ and a data/ "
                "folder"
            )
        return DatasetRoot(path)
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_root(folder):
            return DatasetRoot(folder)
    shipped = packaged_root()
    if shipped is None:
        raise RootNotFoundError(
            "no csgkg dataset found: run inside a folder holding ontology/ and data/, or pass --root DIR"
        )
    return DatasetRoot(shipped, packaged=True)
