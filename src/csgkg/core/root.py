"""Find the dataset root a command works on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class RootNotFoundError(LookupError):
    """Raised when no dataset root can be found."""


@dataclass(frozen=True)
class DatasetRoot:
    """The folders of one dataset: ontology, vocabularies, data, shapes, queries and build output."""

    path: Path

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

        return [self.path / relative for relative in scan(self.path).of_kinds(kind)]

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
    """Return the dataset root: ``root`` if given, else the nearest folder above ``start``
    (default: the current directory) holding ``ontology/`` and ``data/``, else the packaged copy."""
    if root is not None:
        path = Path(root).resolve()
        if not is_root(path):
            raise RootNotFoundError(
                f"{path} is not a csgkg dataset root: it needs an ontology/ and a data/ folder"
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
    return DatasetRoot(shipped)
