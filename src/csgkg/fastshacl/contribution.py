"""Check contributed files against a large dataset without reading the dataset with rdflib.

The same checks as :func:`csgkg.contribution.check.check_files` (reading the file, the instance-data
policy, SHACL with the contribution's nodes as focus nodes), with the dataset in an Oxigraph store:
a copy of the persistent index when it is fresh (a RocksDB checkpoint: hard links, a millisecond), else
every file loaded into memory. The work runs in the same limited worker process.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..contribution.check import CheckResult, read_contribution
from ..contribution.limits import Limits, run_limited
from ..contribution.policy import check_contribution
from ..loader import load_shapes
from ..root import DatasetRoot
from ..store.index import index_dir, open_index_with_keys
from ..store.loading import FileTable, StoredFile, memory_store
from ..validation import ValidationReport
from .engine import validate_store
from .keys import KeyTable
from .rdfview import StoreGraph


class StoreDataset:
    """What the contribution readers need of a Dataset: its root and its graph (a store view)."""

    def __init__(self, root: DatasetRoot, graph: Graph) -> None:
        self.root = root
        self._graph = graph

    def graph(self, *kinds: str) -> Graph:
        """The whole dataset (``kinds`` are not told apart in the store view)."""
        return self._graph


def remove_abandoned_copies(folder: Path) -> None:
    """Remove the checkpoint copies of checks whose process is gone (a check stopped by its time or
    memory limit is killed before it can remove its own copy)."""
    for copy in folder.glob(".check-*"):
        pid = copy.name.split("-")[1]
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(copy, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _working_store(
    root: DatasetRoot,
) -> tuple[ox.Store, list[StoredFile] | FileTable, Path | None, KeyTable | None]:
    """A writable store of the dataset: a checkpoint copy of the fresh index (with its key table),
    else one in memory."""
    opened = open_index_with_keys(root)
    if opened is not None:
        index, files, keys = opened
        remove_abandoned_copies(index_dir(root))
        copy = Path(tempfile.mkdtemp(prefix=f".check-{os.getpid()}-", dir=index_dir(root)))
        shutil.rmtree(copy)
        index.backup(str(copy))
        del index
        return ox.Store(str(copy)), files, copy, keys
    store, files = memory_store(root)
    return store, files, None, None


def _check(root: DatasetRoot, paths: list[Path], limits: Limits) -> CheckResult:
    store, files, copy, keys = _working_store(root)
    try:
        view = StoreGraph(store)
        dataset = StoreDataset(root, view)
        sources = [read_contribution(path, dataset, limits) for path in paths]  # type: ignore[arg-type]
        policy = [r for source in sources for r in check_contribution(source, view)]
        shacl = validate_store(root, store, files, load_shapes(root), extra=sources, keys=keys)
        return CheckResult(ValidationReport(policy + shacl.results), sources)
    finally:
        del store
        if copy is not None:
            shutil.rmtree(copy, ignore_errors=True)


def check_files_fast(root: DatasetRoot, paths: list[Path], limits: Limits | None = None) -> CheckResult:
    """Read and validate ``paths`` together with the dataset of ``root``, in a limited worker."""
    limits = limits or Limits.from_env()
    what = ", ".join(str(p) for p in paths)
    return run_limited(_check, (root, [Path(p) for p in paths], limits), limits, what)
