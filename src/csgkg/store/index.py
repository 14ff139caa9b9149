"""The persistent index: the dataset in an on-disk pyoxigraph store, ``build/index/store/``.

``csgkg build`` writes it; queries and contribution checks open it in a fraction of a second instead
of parsing every file again. Each source file is a named graph (see :mod:`.loading`), and
``build/index/store.json`` lists the files with their size and modification time. It lives beside
``dist/``, not in it: it is a cache for the commands, not part of the release.

Freshness has two levels, because looking at 100,000 files costs more than a second:

- *quick* (queries, contributions): the folders' modification times, the number of data files, and
  the ontology and vocabulary files. It sees files added, removed or replaced (which is how csgkg and
  most editors save), but not a data file rewritten in place;
- *full* (validation, build): the size and modification time of every file. A few changed files are
  reloaded into the index (their graphs replaced); many changes rebuild it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from ..root import DatasetRoot
from .loading import FileTable, dataset_files, iri_of, load_file, relative_path, stored_file

MANIFEST_VERSION = 2
INDEX_DIR = Path("build") / "index"
STORE_DIR = "store"
UNION_STORE_DIR = "union"
MANIFEST = "store.json"
# Above this share of changed files, a full rebuild is quicker than replacing graphs one by one.
REBUILD_SHARE = 0.05

Progress = Callable[[int], None]


def index_dir(root: DatasetRoot) -> Path:
    """``build/index/``: the folder of the index."""
    return root.path / INDEX_DIR


def store_dir(root: DatasetRoot) -> Path:
    """``build/index/store/``: the on-disk store."""
    return index_dir(root) / STORE_DIR


def union_store_dir(root: DatasetRoot) -> Path:
    """``build/index/union/``: the union of the files, each triple once, in the default graph of a
    store of its own. Stored queries read it: Oxigraph answers them faster there than on the union
    of a graph per file (``use_default_graph_as_union``): 2 to 4 times in a direct test at 100,000
    interventions, less through the whole command (README, Performance)."""
    return index_dir(root) / UNION_STORE_DIR


def manifest_path(root: DatasetRoot) -> Path:
    """``build/index/store.json``: what the store holds (what the quick check reads)."""
    return index_dir(root) / MANIFEST


def files_path(root: DatasetRoot) -> Path:
    """``build/index/files.json``: the size and modification time of every file in the store."""
    return index_dir(root) / "files.json"


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_mtime_ns, st.st_size]


def _walk(root: DatasetRoot) -> tuple[dict[str, int], int]:
    """The folders of ``vocab/`` and ``data/`` with their modification times, and the number of
    Turtle files under ``data/`` (one pass over the folders, no file stat-ed)."""
    folders = {}
    count = 0
    for folder in (root.vocab_dir, root.data_dir):
        folders[relative_path(root, folder)] = folder.stat().st_mtime_ns
    stack = [root.data_dir]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folder = Path(entry.path)
                    folders[relative_path(root, folder)] = entry.stat().st_mtime_ns
                    stack.append(folder)
                elif entry.name.endswith(".ttl"):
                    count += 1
    return folders, count


def kind_of(relative: str) -> str:
    """The part of the dataset a file is, from its path relative to the root."""
    if relative.startswith("data/"):
        return "data"
    return "vocab" if relative.startswith("ontology/vocab/") else "ontology"


@dataclass
class Manifest:
    """What the store holds. ``store.json`` has what the quick check reads (folders, the number of
    data files, the stamps of the ontology and vocabularies); ``files.json`` the stamp of every file."""

    schema: dict[str, list[int]] = field(default_factory=dict)  # ontology and vocab files -> stamp
    folders: dict[str, int] = field(default_factory=dict)  # relative path -> mtime_ns
    data_files: int = 0
    quads: int = 0
    files: dict[str, list[int]] | None = None  # every file -> [mtime_ns, size] (read on demand)
    keys: str | None = None  # the token of the key table written with the store (fastshacl.keys)
    union: bool = False  # whether build/index/union/ holds the union of this store's graphs

    @classmethod
    def read(cls, root: DatasetRoot, with_files: bool = False) -> Manifest | None:
        """The manifest of ``root``'s store, or None when there is none (or another version)."""
        try:
            data = json.loads(manifest_path(root).read_text(encoding="utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                return None
            manifest = cls(data["schema"], data["folders"], data["data_files"], data.get("quads", 0))
            manifest.keys = data.get("keys")
            manifest.union = bool(data.get("union", False))
            if with_files:
                manifest.files = json.loads(files_path(root).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError):
            return None
        return manifest

    def write(self, root: DatasetRoot) -> None:
        """Write both parts (atomically, the file list first)."""
        index_dir(root).mkdir(parents=True, exist_ok=True)
        _write_json(files_path(root), self.files or {})
        data = {
            "version": MANIFEST_VERSION,
            "schema": self.schema,
            "folders": self.folders,
            "data_files": self.data_files,
            "quads": self.quads,
            "keys": self.keys,
            "union": self.union,
        }
        _write_json(manifest_path(root), data)

    def table(self, root: DatasetRoot) -> FileTable:
        """The file behind each graph of the store."""
        return FileTable(root, kinds=kind_of)


def _write_json(path: Path, data: object) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def current(root: DatasetRoot) -> Manifest:
    """A manifest of the files as they are now (every file stat-ed)."""
    manifest = Manifest(files={})
    for path, kind in dataset_files(root):
        rel = relative_path(root, path)
        stamp = _stamp(path)
        manifest.files[rel] = stamp  # type: ignore[index]
        if kind != "data":
            manifest.schema[rel] = stamp
    manifest.folders, manifest.data_files = _walk(root)
    return manifest


def quick_fresh(root: DatasetRoot, manifest: Manifest) -> bool:
    """The quick check: the folders, the ontology and the vocabularies.

    A file added, removed or renamed changes the modification time of its folder, and a new folder
    that of its parent, so comparing the folders the manifest lists is enough: no file is listed.
    """
    try:
        for relative, stamp in manifest.folders.items():
            if (root.path / relative).stat().st_mtime_ns != stamp:
                return False
        schema_files = [root.ontology_file, *root.vocab_files()]
        current_schema = {relative_path(root, p): _stamp(p) for p in schema_files}
    except (OSError, InputError):
        return False
    return current_schema == manifest.schema


def fresh_manifest(root: DatasetRoot, full: bool = False) -> Manifest | None:
    """The manifest of the index when the index exists and is fresh (quick or full check)."""
    manifest = Manifest.read(root, with_files=full)
    if manifest is None or not store_dir(root).is_dir():
        return None
    if full:
        if current(root).files != manifest.files:
            return None
    elif not quick_fresh(root, manifest):
        return None
    return manifest


def open_index(root: DatasetRoot, full: bool = False) -> tuple[ox.Store, FileTable] | None:
    """The index opened read-only with its files, when it exists and is fresh (else None)."""
    opened = open_index_with_keys(root, full)
    return None if opened is None else opened[:2]


def open_index_with_keys(root: DatasetRoot, full: bool = False) -> tuple[ox.Store, FileTable, Any] | None:
    """As :func:`open_index`, with the key table written with the index (a fastshacl.keys.KeyTable,
    or None when there is none for this index)."""
    from ..fastshacl.keys import open_keys

    manifest = fresh_manifest(root, full)
    if manifest is None:
        return None
    try:
        store = ox.Store.read_only(str(store_dir(root)))
    except OSError:
        return None
    return store, manifest.table(root), open_keys(index_dir(root), manifest.keys)


def write_keys_for(root: DatasetRoot, store: ox.Store, manifest: Manifest) -> None:
    """Write the key table and the names table of the dataset in ``store`` (before the index itself:
    the manifest, written last, then holds their token)."""
    from ..fastshacl.engine import analysis_cache
    from ..fastshacl.keys import write_keys
    from ..loader import load_shapes
    from .names import write_names

    manifest.keys = write_keys(index_dir(root), store, load_shapes(root), analysis_cache(root))
    write_names(index_dir(root), store, manifest.keys)


def dump_quads(source: ox.Store, root: DatasetRoot) -> Path:
    """Dump ``source`` (an in-memory store of every file) as N-Quads into a temporary file."""
    index_dir(root).mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".store-", suffix=".nq", dir=index_dir(root))
    with os.fdopen(fd, "wb") as handle:
        source.dump(handle, format=ox.RdfFormat.N_QUADS)
    return Path(name)


def dump_union(source: ox.Store, root: DatasetRoot) -> Path:
    """Write the union of ``source``'s graphs as N-Triples into a temporary file (a triple stated in
    two files may come out twice: loading it into a store keeps it once)."""
    index_dir(root).mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".union-", suffix=".nt", dir=index_dir(root))
    answer = source.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    with os.fdopen(fd, "wb") as handle:
        answer.serialize(handle, format=ox.RdfFormat.N_TRIPLES)
    return Path(name)


def write_index(
    root: DatasetRoot, quads: Path | ox.Store, manifest: Manifest, union: Path | None = None
) -> Path:
    """Write the index from an N-Quads dump (see :func:`dump_quads`, removed afterwards) or a store:
    bulk-loaded into a new on-disk store beside the old one, then swapped in, so that readers never
    see half an index. Dumping first lets the caller free the in-memory store before the bulk load.

    ``union`` is the union of the files as N-Triples (``dist/csgkg.nt``, kept), loaded into the
    union store (:func:`union_store_dir`); without it, the union is dumped from ``quads`` (a store).
    """
    dumped = None
    if isinstance(quads, ox.Store):
        if union is None:
            union = dumped = dump_union(quads, root)
        quads = dump_quads(quads, root)
    dist = index_dir(root)
    dist.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".store-new-", dir=dist))
    try:
        store = ox.Store(str(fresh / STORE_DIR))
        store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        manifest.quads = len(store)
        del store
        if union is not None:
            store = ox.Store(str(fresh / UNION_STORE_DIR))
            store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES)
            store.flush()
            del store
            manifest.union = True
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        quads.unlink(missing_ok=True)
        if dumped is not None:
            dumped.unlink(missing_ok=True)
    old = Path(tempfile.mkdtemp(prefix=".store-old-", dir=dist))
    for name in (STORE_DIR, UNION_STORE_DIR):
        if (dist / name).exists():
            os.replace(dist / name, old / name)
        if (fresh / name).exists():
            os.replace(fresh / name, dist / name)
    manifest.write(root)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(fresh, ignore_errors=True)
    return store_dir(root)


def sync_index(root: DatasetRoot, progress: Progress | None = None) -> tuple[ox.Store, FileTable] | None:
    """Bring the index up to date with the files by replacing the graphs of changed files; return it
    opened read-write. None when there is no index, it is locked by another process, or so much
    changed that rebuilding it is the better way."""
    manifest = Manifest.read(root, with_files=True)
    if manifest is None or manifest.files is None or not store_dir(root).is_dir():
        return None
    now = current(root)
    assert now.files is not None
    changed = [rel for rel, stamp in now.files.items() if manifest.files.get(rel) != stamp]
    removed = [rel for rel in manifest.files if rel not in now.files]
    if len(changed) + len(removed) > max(10, REBUILD_SHARE * len(now.files)):
        return None
    try:
        store = ox.Store(str(store_dir(root)))
    except OSError:
        return None
    if changed or removed:
        # The union store would no longer match: queries read the graphs until the next build.
        shutil.rmtree(union_store_dir(root), ignore_errors=True)
        for rel in removed:
            store.remove_graph(ox.NamedNode(iri_of(rel)))
        for rel in changed:
            graph = ox.NamedNode(iri_of(rel))
            if store.contains_named_graph(graph):
                store.clear_graph(graph)
            load_file(store, stored_file(root, root.path / rel, kind_of(rel)), root)
            if progress is not None:
                progress(1)
        store.flush()
        now.quads = len(store)
        now.write(root)
    return store, now.table(root)
