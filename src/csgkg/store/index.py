"""The index: the dataset in one on-disk Oxigraph store, ``build/index/store/``, a named graph per file.

Every command that reads the dataset through the index opens it with :func:`open_index`, which first
compares the manifest the index was written from with the files as they are now (the one freshness
rule, :mod:`csgkg.core.manifest`) and brings the index up to date before anything is answered: the
graphs of changed, added and removed files are replaced one by one, or, when most files changed (or
there is no index yet), the whole store is written anew beside the old one and swapped in. What was
done is said in :attr:`Index.update`, for the command to print.

The index follows the sources, not the verdict: a dataset with violations is indexed too. The verdict
of the last whole validation is kept with the manifest it was made on (:meth:`Index.record_verdict`),
so that a query can say that the data it answers from does not validate.

``build/index/state.json`` holds the manifest, the verdict and the token of the key table written for
the contribution checks (:mod:`csgkg.fastshacl.keys`); it is written after the store, so a store whose
state file is missing or older is brought up to date, never trusted.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from csgkg.core.files import write_atomic
from csgkg.core.manifest import STORE_KINDS, Changes, Manifest, kind_of, scan
from csgkg.core.root import DatasetRoot
from csgkg.store.loading import (
    FileTable,
    iri_of,
    keep_just_read,
    load_file,
    load_files,
    ranked,
    stored_file,
)

STATE_VERSION = 3
INDEX_DIR = Path("build") / "index"
STORE_DIR = "store"
STATE_FILE = "state.json"
LOCK_FILE = "lock"
# When more than this share of the files changed, writing the store anew (a bulk load) is quicker
# than replacing graphs one by one.
REBUILD_SHARE = 0.25


def index_dir(root: DatasetRoot) -> Path:
    """``build/index/``: the folder of the index."""
    return root.path / INDEX_DIR


def store_dir(root: DatasetRoot) -> Path:
    """``build/index/store/``: the on-disk store."""
    return index_dir(root) / STORE_DIR


@dataclass
class State:
    """What ``state.json`` records: the manifest of the indexed files, the verdict of the last whole
    validation (with the digest of the manifest it was made on) and the key table's token."""

    manifest: Manifest
    verdict: dict | None = None
    keys: str | None = None

    @classmethod
    def read(cls, root: DatasetRoot) -> State | None:
        """The state of ``root``'s index, or None when there is none (or of another version)."""
        try:
            data = json.loads((index_dir(root) / STATE_FILE).read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                return None
            return cls(Manifest.from_json(data["manifest"]), data.get("verdict"), data.get("keys"))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def write(self, root: DatasetRoot) -> None:
        """Write the state (atomically)."""
        data = {
            "version": STATE_VERSION,
            "manifest": self.manifest.to_json(),
            "verdict": self.verdict,
            "keys": self.keys,
        }
        write_atomic(index_dir(root) / STATE_FILE, json.dumps(data, separators=(",", ":")), fsync=False)


@dataclass
class Update:
    """What :func:`open_index` did to bring the index up to date."""

    action: str  # "none", "updated" (graphs replaced) or "rebuilt"
    changes: Changes = field(default_factory=Changes)

    def describe(self) -> str | None:
        """A line for the user, or None when nothing was done."""
        if self.action == "none":
            return None
        if self.action == "rebuilt" and not self.changes:
            return "index: written anew (build/index/)"
        verb = "written anew" if self.action == "rebuilt" else "brought up to date"
        return f"index: {verb} ({self.changes.describe()} since it was last written)"


@dataclass
class Index:
    """The opened index: a read-only store, the file behind each graph, and its state."""

    root: DatasetRoot
    store: ox.Store
    state: State
    update: Update

    @property
    def files(self) -> FileTable:
        """The file behind each graph of the store."""
        return FileTable(self.root, kinds=kind_of)

    @property
    def verdict(self) -> dict | None:
        """The verdict of the last whole validation, when it was made on the files as they are now."""
        verdict = self.state.verdict
        if verdict and verdict.get("digest") == self.state.manifest.digest():
            return verdict
        return None

    def record_verdict(self, conforms: bool, violations: int, warnings: int) -> None:
        """Keep the verdict of a whole validation of the files this index holds."""
        with _locked(self.root):
            state = State.read(self.root)
            if state is None or state.manifest != self.state.manifest:
                return  # the files changed meanwhile: this verdict is not theirs
            state.verdict = {
                "digest": state.manifest.digest(),
                "conforms": conforms,
                "violations": violations,
                "warnings": warnings,
            }
            state.write(self.root)
            self.state = state

    def record_keys(self, token: str | None) -> None:
        """Keep the token of the key table written for this index."""
        with _locked(self.root):
            state = State.read(self.root)
            if state is None or state.manifest != self.state.manifest:
                return
            state.keys = token
            state.write(self.root)
            self.state = state


@contextmanager
def _locked(root: DatasetRoot) -> Iterator[None]:
    """Hold the index's lock file: one process at a time changes the index."""
    folder = index_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# The read-only store kept open in this process, by root, with the process and manifest it is for.
_OPEN: dict[str, tuple[str, ox.Store]] = {}


def open_index(
    root: DatasetRoot, reporter: Any = None, meanwhile: Callable[[], object] | None = None
) -> Index:
    """The index of ``root``, brought up to date with the files first (see the module's text).

    ``reporter`` (a csgkg.core.progress.Reporter) shows the files being read. When the store is
    written anew, ``meanwhile`` (if given) is called once every file has been read, while the store
    is written on another thread (Oxigraph's bulk load leaves Python's lock free): validation takes
    the triples just read and checks them then. It is not called otherwise; an exception it raises
    is raised again once the store is in place. The index stays locked while it runs.
    """
    with _locked(root):
        now = scan(root.path)
        state = State.read(root)
        failure = None
        if state is None or not store_dir(root).is_dir():
            failure = _rebuild(root, now, reporter, meanwhile)
            update = Update("rebuilt", Changes(added=now.of_kinds(*STORE_KINDS)) if state else Changes())
            state = State(now)
        else:
            changes = state.manifest.diff(now)
            loaded = changes.of_kinds(*STORE_KINDS)
            if not loaded:
                update = Update("none")
            elif len(loaded) > REBUILD_SHARE * max(1, len(now.of_kinds(*STORE_KINDS))):
                failure = _rebuild(root, now, reporter, meanwhile)
                update = Update("rebuilt", loaded)
            else:
                _replace_graphs(root, loaded, reporter)
                update = Update("updated", loaded)
            if changes:
                # A new manifest; the verdict and the key table hold only while the data and shapes
                # they were made from are unchanged.
                verdict = state.verdict if not loaded and not changes.of_kinds("shapes", "other") else None
                state = State(now, verdict, None)
                state.write(root)
        if not (index_dir(root) / STATE_FILE).is_file():
            state.write(root)
        store = _read_only(root, state)
    if failure is not None:
        raise failure
    return Index(root, store, state, update)


def _read_only(root: DatasetRoot, state: State) -> ox.Store:
    """The store opened read-only, kept open in the process while the index does not change."""
    key = str(root.path)
    token = f"{os.getpid()}:{state.manifest.digest()}"  # a forked child opens its own
    opened = _OPEN.get(key)
    if opened is not None and opened[0] == token:
        return opened[1]
    store = ox.Store.read_only(str(store_dir(root)))
    _OPEN[key] = (token, store)
    return store


def forget_open(root: DatasetRoot) -> None:
    """Drop the read-only store this process keeps open for ``root`` (before the store is replaced)."""
    _OPEN.pop(str(root.path), None)


def _files_to_load(root: DatasetRoot, manifest: Manifest) -> list[tuple[Path, str]]:
    return [(root.path / relative, kind_of(relative)) for relative in manifest.of_kinds(*STORE_KINDS)]


def _advance(reporter: Any, manifest: Manifest) -> Any:
    if reporter is None:
        return None
    return reporter.task("indexing files", total=len(manifest.of_kinds(*STORE_KINDS)))


def _rebuild(
    root: DatasetRoot, manifest: Manifest, reporter: Any, meanwhile: Callable[[], object] | None = None
) -> Exception | None:
    """Write the store anew from every file, beside the old one, and swap it in (``meanwhile`` as
    for :func:`open_index`); return the exception ``meanwhile`` raised, if any."""
    forget_open(root)
    folder = index_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".store-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    fresh = Path(tempfile.mkdtemp(prefix=".store-new-", dir=folder))
    try:
        # Every file is read into memory first (one graph each), dumped as N-Quads and bulk-loaded:
        # RocksDB takes one bulk load far better than one per file.
        memory = ox.Store()
        read = ranked(root, _files_to_load(root, manifest))
        load_files(memory, root, read, _advance(reporter, manifest))
        quads = fresh / "all.nq"
        # Validation in this process takes these triples rather than reading every file again.
        stamps = {path: stamp for path, stamp in manifest.files.items() if kind_of(path) in STORE_KINDS}
        keep_just_read(root, stamps, read, memory)
        failure = None
        with ThreadPoolExecutor(max_workers=1) as pool:
            writing = pool.submit(_bulk_load, memory, fresh / STORE_DIR, quads)
            del memory
            if meanwhile is not None:
                try:
                    meanwhile()
                except Exception as exc:  # raised again once the index is whole
                    failure = exc
            writing.result()  # the store is in place (or its error raised) before anything else
        quads.unlink()
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    (folder / STATE_FILE).unlink(missing_ok=True)  # no state names a store being swapped
    old = Path(tempfile.mkdtemp(prefix=".store-old-", dir=folder))
    if store_dir(root).exists():
        os.replace(store_dir(root), old / STORE_DIR)
    os.replace(fresh / STORE_DIR, store_dir(root))
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(fresh, ignore_errors=True)
    return failure


def _bulk_load(memory: ox.Store, folder: Path, quads: Path) -> None:
    """Write a store in ``folder`` from ``memory``, through the N-Quads file ``quads``."""
    with quads.open("wb") as handle:
        memory.dump(handle, format=ox.RdfFormat.N_QUADS)
    del memory
    store = ox.Store(str(folder))
    store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
    store.flush()


def _replace_graphs(root: DatasetRoot, changes: Changes, reporter: Any) -> None:
    """Replace the graphs of the changed files and drop those of the removed ones."""
    forget_open(root)
    (index_dir(root) / STATE_FILE).unlink(missing_ok=True)  # until the store matches a manifest again
    store = ox.Store(str(store_dir(root)))
    try:
        for relative in changes.removed:
            store.remove_graph(ox.NamedNode(iri_of(relative)))
        loaded = [*changes.changed, *changes.added]
        advance = reporter.task("indexing changed files", total=len(loaded)) if reporter is not None else None
        for relative in loaded:
            graph = ox.NamedNode(iri_of(relative))
            if store.contains_named_graph(graph):
                store.remove_graph(graph)
            load_file(store, stored_file(root, root.path / relative, kind_of(relative)), root)
            if advance is not None:
                advance(1)
        store.flush()
    finally:
        del store
