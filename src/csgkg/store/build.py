"""``csgkg build`` for large datasets: Oxigraph end to end, nothing held in rdflib.

Above :data:`LARGE_FILES` data files the build reads every file into an in-memory Oxigraph store,
validates it with the fast engine (the same results as pySHACL), and streams the release formats from
the store (:mod:`.export`). Two things of the small build do not scale and are left out, each with a
message in the summary:

- the OWL 2 RL closure (``csgkg-inferred.ttl``): owlrl's forward chaining over millions of triples
  takes hours; a stale file from an earlier build is removed;
- the release bundle (tables, ``interventions.json``, ``CHANGES.md``, ontology docs, ``dataset.ttl``),
  which is built from an rdflib graph.

Both builds write the persistent index (``build/index/store/``, see :mod:`.index`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..root import DatasetRoot
from ..validation import ValidationReport
from .index import current, dump_quads, write_index, write_keys_for
from .loading import memory_store
from .memory import give_back_memory

LARGE_FILES = 2000
INFERRED = "csgkg-inferred.ttl"


@dataclass
class LargeBuild:
    """What a large build did (the fields csgkg.build.BuildResult reports, and the notes)."""

    report: ValidationReport
    interventions: int = 0
    concepts: int = 0
    triples: int = 0
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _count(store: ox.Store, query: str) -> int:
    rows = list(store.query(query, use_default_graph_as_union=True))
    return int(rows[0]["n"].value) if rows else 0


def count_kinds(store: ox.Store) -> tuple[int, int]:
    """(interventions, concepts) in the store, counted as csgkg.build counts them."""
    csg = "https://w3id.org/csgkg/ontology/"
    kinds = " ".join(f"<{csg}{k}>" for k in ("Intervention", "Approach", "Programme", "Variant"))
    interventions = _count(
        store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?k {{ {kinds} }} ?s a ?k }}"
    )
    concepts = _count(
        store,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> }",
    )
    return interventions, concepts


def build_large(root: DatasetRoot, reporter: Any = None) -> LargeBuild:
    """Validate the dataset of ``root`` with the fast engine and, if it conforms, write ``dist/``."""
    from ..fastshacl.engine import validate_store
    from ..loader import load_shapes
    from .export import write_ntriples, write_turtle_and_jsonld

    shapes = load_shapes(root)
    store, files = memory_store(root, reporter)
    report = validate_store(root, store, files, shapes, progress=reporter)
    result = LargeBuild(report)
    result.interventions, result.concepts = count_kinds(store)
    if not report.conforms:
        return result
    dist = root.dist_dir
    dist.mkdir(parents=True, exist_ok=True)
    advance = reporter.task("writing csgkg.nt (graphs)", total=len(files)) if reporter else None
    result.triples = write_ntriples(store, [f.graph for f in files], dist / "csgkg.nt", advance)
    result.written.append(dist / "csgkg.nt")
    if reporter is not None:
        reporter.task("writing csgkg.ttl, csgkg.jsonld", total=None)
    write_turtle_and_jsonld(dist / "csgkg.nt", dist / "csgkg.ttl", dist / "csgkg.jsonld")
    result.written += [dist / "csgkg.ttl", dist / "csgkg.jsonld"]
    shutil.copyfile(root.context_file, dist / "context.jsonld")
    result.written.append(dist / "context.jsonld")
    (dist / INFERRED).unlink(missing_ok=True)
    result.notes.append(
        f"OWL 2 RL inference skipped: {result.triples:,} triples is beyond what owlrl closes in reasonable "
        f"time (the limit is {LARGE_FILES:,} data files); {INFERRED} is not written"
    )
    result.notes.append(
        "release bundle (tables, interventions.json, CHANGES.md, ontology docs, dataset.ttl) skipped: "
        "it is built from an rdflib graph, which does not scale to this size"
    )
    result.notes.append("csgkg.jsonld is in expanded form (streamed), not compacted with the context")
    if reporter is not None:
        reporter.task("writing the index build/index/store", total=None)
    manifest = current(root)
    write_keys_for(root, store, manifest)
    quads = dump_quads(store, root)
    del store, files  # the bulk load needs the memory the in-memory store holds
    give_back_memory()
    result.written.append(write_index(root, quads, manifest, union=dist / "csgkg.nt"))
    return result


def write_small_index(root: DatasetRoot) -> Path:
    """The index for a small dataset (every file read again into a store: a fraction of a second)."""
    store, _ = memory_store(root)
    manifest = current(root)
    write_keys_for(root, store, manifest)
    return write_index(root, store, manifest)
