"""Validation with the fast engine (:mod:`csgkg.fastshacl`): the dataset in an Oxigraph store, the
engine's raw results located in their files and explained as pySHACL's are (:mod:`.fast_results`)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from csgkg.core.progress import Reporter
from csgkg.core.root import DatasetRoot
from csgkg.fastshacl.engine import Timings, run_shapes
from csgkg.fastshacl.keys import KeyTable
from csgkg.fastshacl.model import ShapeSet
from csgkg.fastshacl.sparqlc import AnalysisCache
from csgkg.io.parse import SourceFile, load_shapes
from csgkg.store.loading import FileTable, StoredFile, add_contribution, memory_store
from csgkg.validation.fast_results import FileIndex, to_validation_results
from csgkg.validation.report import ValidationReport


def analysis_cache(root: DatasetRoot) -> AnalysisCache:
    """The cache of SPARQL constraint analyses, kept beside the index when there is one."""
    from csgkg.store.index import index_dir

    folder = index_dir(root)
    return AnalysisCache(folder / "sparql.json" if folder.is_dir() else None)


def focus_of(extra: Iterable[SourceFile]) -> list[URIRef]:
    """The nodes a contribution describes and refers to: its focus nodes (as in csgkg.validation.run)."""
    return sorted(
        {
            t
            for source in extra
            for triple in source.graph
            for t in (triple[0], triple[2])
            if isinstance(t, URIRef)
        }
    )


def validate_store(
    root: DatasetRoot,
    store: ox.Store,
    files: list[StoredFile] | FileTable,
    shapes_graph: Graph,
    extra: list[SourceFile] | None = None,
    progress: Reporter | None = None,
    timings: Timings | None = None,
    keys: KeyTable | None = None,
) -> ValidationReport:
    """Validate the dataset in ``store`` (holding ``files``), with any contributed files added to it.

    With contributions, only their nodes and the nodes they refer to are focus nodes. The contributions'
    graphs are left in the store; pass a store of your own (a copy) when that matters. ``keys`` (the
    index's key table) narrows the search of some SPARQL constraints for contributions; it is not used
    when a contribution states ``rdfs:subClassOf``, which could change what the table holds.
    """
    extra = list(extra or [])
    contributions = {add_contribution(store, source, i): source for i, source in enumerate(extra)}
    focus = focus_of(extra) if extra else None
    if extra and not focus:
        return ValidationReport()
    if keys is not None and any((None, RDFS.subClassOf, None) in source.graph for source in extra):
        keys = None
    raws = run_shapes(store, shapes_graph, focus, progress, timings, cache=analysis_cache(root), keys=keys)
    table = files if isinstance(files, FileTable) else FileTable(root, files)
    index = FileIndex(store, table, contributions)
    return ValidationReport(to_validation_results(raws, store, index))


def validate_root(
    root: DatasetRoot, extra: list[SourceFile] | None = None, progress: Reporter | None = None
) -> ValidationReport:
    """Load ``root`` into a new in-memory store and validate it with the fast engine."""
    shapes = load_shapes(root)
    ShapeSet(shapes)  # unsupported shapes stop here, before any file is read
    store, files = memory_store(root, progress)
    return validate_store(root, store, files, shapes, extra, progress)
