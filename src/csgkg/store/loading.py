"""Load the files of a dataset root into a pyoxigraph store, one named graph per file.

Keeping each file in its own graph costs little when loading and gives two things: the file that
describes a node (for messages that name the file and line), and cheap updates of a persistent store
when a few files change (drop the file's graph, load it again). Queries see the union of the graphs
(``use_default_graph_as_union``); a triple stated in two files is then seen twice, so the queries that
count use ``DISTINCT``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, quote_from_bytes, unquote

import pyoxigraph as ox

from csgkg.core.errors import InputError
from csgkg.core.manifest import STORE_KINDS, scan
from csgkg.core.root import DatasetRoot
from csgkg.io.parse import SourceFile, parse_file

FILE_GRAPH = "urn:csgkg:file:"
CONTRIBUTION_GRAPH = "urn:csgkg:contribution:"

Progress = Callable[[int], None]  # advances a progress bar by n files


@dataclass(frozen=True)
class StoredFile:
    """A file loaded into the store: its path, its part of the dataset and its graph's IRI."""

    path: Path
    kind: str
    graph: str
    relative: str

    @property
    def rank(self) -> tuple:
        """The file's place in the order read_results searches files: data files first, in path
        order, then the ontology, then the vocabularies."""
        return rank_key(self.kind, self.relative)


def rank_key(kind: str, relative: str) -> tuple:
    """The sort key of :attr:`StoredFile.rank` (paths compare part by part, as pathlib does)."""
    parts = PurePosixPath(relative).parts
    if kind == "contribution":
        return (-1, 0, parts)
    if kind == "data":
        return (0, 0, parts)
    return (1, 0 if kind == "ontology" else 1, parts)


def relative_path(root: DatasetRoot, path: Path) -> str:
    """``path`` (a file of ``root``) relative to the root, with forward slashes."""
    text, base = str(path), str(root.path)
    if text.startswith(base) and text[len(base) : len(base) + 1] == os.sep and ".." not in text:
        return text[len(base) + 1 :].replace(os.sep, "/")  # the common case, without pathlib's work
    try:
        return path.relative_to(root.path).as_posix()
    except ValueError:
        return path.resolve().relative_to(root.path.resolve()).as_posix()


def graph_iri(root: DatasetRoot, path: Path) -> str:
    """The IRI of the named graph holding ``path`` (a file of ``root``): stable across runs."""
    return iri_of(relative_path(root, path))


def iri_of(relative: str) -> str:
    """The graph IRI of a file given by its path relative to the root."""
    return FILE_GRAPH + quote(relative, safe="/-._~")


def stored_file(root: DatasetRoot, path: Path, kind: str) -> StoredFile:
    """The StoredFile of ``path``."""
    relative = relative_path(root, path)
    return StoredFile(path, kind, iri_of(relative), relative)


def dataset_files(root: DatasetRoot) -> list[tuple[Path, str]]:
    """Every file of the dataset with its kind, in the order :func:`csgkg.io.parse.load_dataset` reads
    them: the ontology, the vocabularies, then the data files."""
    if not root.ontology_file.is_file():
        raise InputError(root.ontology_file, "the ontology file is missing", kind="missing")
    return [
        (root.ontology_file, "ontology"),
        *((path, "vocab") for path in root.vocab_files()),
        *((path, "data") for path in root.data_files()),
    ]


def ranked(root: DatasetRoot, files: Iterable[tuple[Path, str]]) -> list[StoredFile]:
    """``files`` as StoredFiles."""
    return [stored_file(root, path, kind) for path, kind in files]


class FileTable:
    """The file behind each graph of a store: from a list, or from the index's manifest on demand."""

    def __init__(
        self,
        root: DatasetRoot,
        files: list[StoredFile] | None = None,
        kinds: Callable[[str], str] | None = None,
    ):
        self.root = root
        self._by_graph = {f.graph: f for f in files or []}
        self._kinds = kinds

    def get(self, iri: str) -> StoredFile | None:
        """The file of graph ``iri`` (None for a graph that is not a file of the dataset)."""
        found = self._by_graph.get(iri)
        if found is None and self._kinds is not None and iri.startswith(FILE_GRAPH):
            relative = unquote(iri.removeprefix(FILE_GRAPH))
            found = StoredFile(self.root.path / relative, self._kinds(relative), iri, relative)
            self._by_graph[iri] = found
        return found


@lru_cache(maxsize=4096)
def _folder_uri(folder: str) -> str:
    return Path(folder).resolve().as_uri().rstrip("/") + "/"


def file_uri(path: Path) -> str:
    """``path.resolve().as_uri()`` (the base IRI of a file), resolving each folder once rather than
    every path: one lookup per folder instead of one per file."""
    text = str(path)
    if not os.path.isabs(text) or os.path.islink(text):
        return path.resolve().as_uri()
    folder, _, name = text.rpartition(os.sep)
    return _folder_uri(folder or os.sep) + quote_from_bytes(os.fsencode(name))


def load_file(store: ox.Store, stored: StoredFile, root: DatasetRoot, bulk: bool = False) -> None:
    """Parse one Turtle file into its graph; a syntax error becomes the InputError csgkg reports."""
    graph = ox.NamedNode(stored.graph)
    base = file_uri(stored.path)
    try:
        data = stored.path.read_bytes()
    except OSError as exc:
        kind = "missing" if isinstance(exc, FileNotFoundError) else "input"
        raise InputError(stored.path, f"cannot read the file: {exc.strerror or exc}", kind=kind) from None
    try:
        if bulk:
            store.bulk_load(data, format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=graph)
        else:
            store.load(data, format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=graph)
    except (SyntaxError, ValueError) as exc:
        raise _parse_error(stored, root, exc) from None


def _parse_error(stored: StoredFile, root: DatasetRoot, exc: Exception) -> InputError:
    """The error rdflib's reader gives for the file (the same text as the rdflib path), else
    oxigraph's own."""
    try:
        parse_file(stored.path, stored.kind, root)
    except InputError as error:
        return error
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "offset", None)
    return InputError(stored.path, f"syntax error: {str(exc).splitlines()[0]}", line, column, kind="syntax")


def load_files(
    store: ox.Store, root: DatasetRoot, files: list[StoredFile], progress: Progress | None = None
) -> None:
    """Load ``files`` into ``store``, calling ``progress(n)`` after every ``n`` files."""
    step = 0
    for stored in files:
        load_file(store, stored, root)
        step += 1
        if progress is not None and step == 500:
            progress(step)
            step = 0
    if progress is not None and step:
        progress(step)


def add_contribution(store: ox.Store, source: SourceFile, number: int) -> str:
    """Add the triples of a contributed file (already parsed by rdflib) in a graph of its own."""
    from csgkg.fastshacl.terms import to_oxigraph

    iri = f"{CONTRIBUTION_GRAPH}{number}"
    graph = ox.NamedNode(iri)
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph) for s, p, o in source.graph)
    return iri


# A store just read from every file (by the index's rebuild), kept for the next memory_store() call
# in this process: a first ``csgkg validate`` or ``build`` then reads each file once, not twice.
# It is taken once, and only while the files are as they were when it was read.
_JUST_READ: dict[str, tuple[dict[str, tuple[int, int]], set[Path], ox.Store]] = {}


def keep_just_read(
    root: DatasetRoot, files: dict[str, tuple[int, int]], read: list[StoredFile], store: ox.Store
) -> None:
    """Offer ``store``, read from ``read`` whose manifest entries are ``files``, to the next
    :func:`memory_store` call for ``root`` in this process."""
    _JUST_READ[str(root.path)] = (files, {stored.path for stored in read}, store)


def forget_just_read(root: DatasetRoot) -> None:
    """Drop the store :func:`keep_just_read` kept for ``root`` (when nothing will take it)."""
    _JUST_READ.pop(str(root.path), None)


def _take_just_read(root: DatasetRoot, files: list[StoredFile]) -> ox.Store | None:
    kept = _JUST_READ.pop(str(root.path), None)
    if kept is None:
        return None
    stamps, paths, store = kept
    if paths != {stored.path for stored in files} or scan(root.path, STORE_KINDS).files != stamps:
        return None  # the files changed since: read them again
    return store


def memory_store(root: DatasetRoot, reporter: Any = None) -> tuple[ox.Store, list[StoredFile]]:
    """A new in-memory store holding every file of ``root`` (``reporter``: a csgkg.core.progress.Reporter).

    The store the index's rebuild has just read in this process is taken instead when the files are
    unchanged since (same paths, sizes and modification times).
    """
    files = ranked(root, dataset_files(root))
    kept = _take_just_read(root, files)
    if kept is not None:
        return kept, files
    store = ox.Store()
    advance = reporter.task("reading files", total=len(files)) if reporter is not None else None
    load_files(store, root, files, advance)
    return store, files
