"""Build the release: load → validate → infer → serialise → bundle → index, one code path at every size.

The files are read into the index (brought up to date with the sources, :mod:`csgkg.store.index`),
validated (the fast engine by default), and, when they conform, closed under OWL 2 RL, written in
every format and bundled with the tables, documentation and description into a new folder that then
replaces ``dist/`` whole: a reader, or a build stopped part-way, never sees a mix of two releases.
The size of the dataset never changes which files are written or how.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from csgkg.core.files import replaced_folder, write_atomic
from csgkg.core.heap import long_lived, thaw
from csgkg.core.namespaces import CSG
from csgkg.core.root import DatasetRoot
from csgkg.core.words import plural
from csgkg.io.serialise import canonical_graph
from csgkg.publish.inference import closure_ntriples
from csgkg.publish.release import write_release
from csgkg.publish.released import sources_file
from csgkg.sparql.api import check_stored_queries
from csgkg.sparql.resolve import keep_name_indexes
from csgkg.store.base import OxigraphStore, open_store
from csgkg.validation.run import ValidationReport, validate_root


@dataclass
class BuildResult:
    """What a build did: the validation report, the counts and the files it wrote."""

    report: ValidationReport
    interventions: int = 0
    concepts: int = 0
    triples: int = 0
    inferred_triples: int = 0
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the user should know (engine, index)

    @property
    def ok(self) -> bool:
        return self.report.conforms

    def summary(self) -> str:
        """The build summary printed by ``csgkg build``."""
        state = "conforms" if self.report.conforms else "does NOT conform"
        engine = "the fast engine" if self.report.engine == "fast" else "pySHACL"
        inferred = f" (with OWL 2 RL inference: {self.inferred_triples})" if self.report.conforms else ""
        return (
            f"interventions: {self.interventions}\n"
            f"concepts: {self.concepts}\n"
            f"triples: {self.triples}{inferred}\n"
            f"validation: {state} ({plural(len(self.report.violations), 'violation')}, "
            f"{plural(len(self.report.warnings), 'warning')}; checked by {engine})"
        ) + "".join(f"\nnote: {note}" for note in self.notes)


def count_interventions(graph: Graph) -> int:
    """Interventions of any kind (approach, programme, form) in ``graph``."""
    kinds = (CSG.Intervention, CSG.Approach, CSG.Programme, CSG.Variant)
    return len({s for k in kinds for s in graph.subjects(RDF.type, k)})


def union_graph(store: OxigraphStore) -> Graph:
    """The union of the store's files as an rdflib graph in memory (each triple once), its blank
    nodes labelled canonically (:func:`csgkg.io.serialise.canonical_graph`) for every format."""
    return canonical_graph(store.triples((None, None, None)))


def build(
    root: DatasetRoot,
    since: str | Path | None = None,
    reporter: Any = None,
    engine: str = "auto",
) -> BuildResult:
    """Validate the dataset of ``root`` and, if it conforms, write the release files to ``dist/``.

    Nothing is written to ``dist/`` when validation finds a Violation; the index is brought up to date
    either way, and keeps the verdict. ``since`` names the previous release that ``CHANGES.md``
    compares with (a folder holding an older ``dist/``, or a git tag). ``reporter`` (a
    csgkg.core.progress.Reporter) shows progress. The package's own copy of the dataset is refused
    before anything is read (:meth:`DatasetRoot.require_writable`).
    """
    root.require_writable("csgkg build", "dist")
    # load and validate: the index is brought up to date first, and keeps the verdict
    report = validate_root(root, engine=engine, progress=reporter)
    store = open_store(root, "oxigraph", reporter)  # the index validated (or files changed since)
    said = [report.index_update, store.index.update.describe()]
    notes = [*(line for line in said if line), *report.notes]
    keep_name_indexes(store)  # index, valid or not: the first queries after a build read them
    notes.extend(check_stored_queries(root))  # and find the stored queries' texts checked
    try:
        return _release(root, store, report, notes, since, reporter)
    finally:
        thaw()


def _release(
    root: DatasetRoot,
    store: OxigraphStore,
    report: ValidationReport,
    notes: list[str],
    since: str | Path | None,
    reporter: Any,
) -> BuildResult:
    """Infer, serialise and bundle the validated dataset in ``store`` (when it conforms)."""
    with long_lived():  # the union graph lives as long as the build
        graph = union_graph(store)
    result = BuildResult(
        report=report,
        interventions=count_interventions(graph),
        concepts=len(set(graph.subjects(RDF.type, SKOS.Concept))),
        triples=len(graph),
        notes=notes,
    )
    if not report.conforms:
        return result
    _write_keys(root, store)

    def infer() -> str:  # called by write_release while interventions.json is framed beside it
        if reporter is not None:
            reporter.task("OWL 2 RL closure", total=None)
        with long_lived():  # the rule engine makes millions of objects: no cycle collection meanwhile
            inferred, result.inferred_triples = closure_ntriples(
                graph, root.path / "ontology" / "imports" / "skos-axioms.ttl"
            )
        if reporter is not None:
            reporter.task("writing the release", total=None)
        return inferred

    dist = root.dist_dir
    with replaced_folder(dist) as out:
        written = write_release(root, graph, infer, out, since=since)  # infer, serialise and bundle
        sources_file(root).unlink(missing_ok=True)  # no record names a release while it is swapped
    digest = json.dumps({"sources": store.index.state.manifest.digest()})
    write_atomic(sources_file(root), digest, fsync=False)
    result.written = [dist / path.relative_to(out) for path in written]
    return result


def _write_keys(root: DatasetRoot, store: Any) -> None:
    """Write the key table the contribution checks use, for the files the index holds (index)."""
    from csgkg.fastshacl.keys import write_keys
    from csgkg.io.parse import load_shapes
    from csgkg.store.index import index_dir
    from csgkg.validation.fast import analysis_cache

    token = write_keys(index_dir(root), store.ox, load_shapes(root), analysis_cache(root))
    store.index.record_keys(token)
