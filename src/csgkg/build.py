"""Build the release: load, validate, infer, and write every format into ``dist/``."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from .export import load_context, to_jsonld, to_ntriples, to_turtle, write_atomic
from .inference import owl_rl_closure
from .loader import Dataset, load_dataset
from .namespaces import CSG
from .release import write_release
from .root import DatasetRoot
from .store.build import LARGE_FILES, write_small_index
from .validation import ValidationReport, choose_engine, count_data_files, validate, validate_root


@dataclass
class BuildResult:
    """What a build did: the validation report, the counts and the files it wrote."""

    report: ValidationReport
    interventions: int = 0
    concepts: int = 0
    triples: int = 0
    inferred_triples: int = 0
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a large build left out, and why

    @property
    def ok(self) -> bool:
        return self.report.conforms

    def summary(self) -> str:
        """The build summary printed by ``csgkg build``."""
        state = "conforms" if self.report.conforms else "does NOT conform"
        inference = f"with OWL 2 RL inference: {self.inferred_triples}"
        if self.notes:
            inference = "OWL 2 RL inference skipped"
        return (
            f"interventions: {self.interventions}\n"
            f"concepts: {self.concepts}\n"
            f"triples: {self.triples} ({inference})\n"
            f"validation: {state} ({len(self.report.violations)} violations, "
            f"{len(self.report.warnings)} warnings)"
        ) + "".join(f"\nnote: {note}" for note in self.notes)


def count_interventions(graph: Graph) -> int:
    """Interventions of any kind (approach, programme, form) in ``graph``."""
    kinds = (CSG.Intervention, CSG.Approach, CSG.Programme, CSG.Variant)
    return len({s for k in kinds for s in graph.subjects(RDF.type, k)})


def build(
    root: DatasetRoot,
    dataset: Dataset | None = None,
    since: str | Path | None = None,
    reporter: Any = None,
) -> BuildResult:
    """Validate the dataset of ``root`` and, if it conforms, write the release files to ``dist/``.

    Nothing is written when validation finds a Violation. ``since`` names the previous release
    that ``CHANGES.md`` compares with (a folder holding an older ``dist/``, or a git tag).
    ``reporter`` (a csgkg.progress.Reporter) shows progress.
    """
    # --- scale: large datasets take the Oxigraph path (csgkg.store.build); mid-sized ones are
    # validated by the fast engine; both write the persistent index build/index/store/ (csgkg.store.index).
    report = None
    if dataset is None and count_data_files(root) > LARGE_FILES:
        return _large_build(root, reporter)
    if dataset is None and choose_engine(root) == "fast":
        report = validate_root(root, engine="auto", progress=reporter)
    # --- end scale
    dataset = dataset or load_dataset(root)
    if report is None:
        report = validate(dataset)
    graph = dataset.graph()
    result = BuildResult(
        report=report,
        interventions=count_interventions(graph),
        concepts=len(set(graph.subjects(RDF.type, SKOS.Concept))),
        triples=len(graph),
    )
    if not report.conforms:
        return result
    inferred = owl_rl_closure(graph, root.path / "ontology" / "imports" / "skos-axioms.ttl")
    result.inferred_triples = len(inferred)
    context = load_context(root.context_file)
    dist = root.dist_dir
    outputs = {
        "csgkg.ttl": to_turtle(graph),
        "csgkg.nt": to_ntriples(graph),
        "csgkg.jsonld": to_jsonld(graph, context),
        "csgkg-inferred.ttl": to_turtle(inferred),
    }
    for name, content in outputs.items():
        write_atomic(dist / name, content)
        result.written.append(dist / name)
    shutil.copyfile(root.context_file, dist / "context.jsonld")
    result.written.append(dist / "context.jsonld")
    result.written.extend(write_release(root, graph, dist, since=since))
    result.written.append(write_small_index(root))  # scale: the index for queries (build/index/store/)
    return result


def _large_build(root: DatasetRoot, reporter: Any) -> BuildResult:
    """The build of a large dataset (csgkg.store.build), reported as a BuildResult."""
    from .store.build import build_large

    large = build_large(root, reporter)
    return BuildResult(
        report=large.report,
        interventions=large.interventions,
        concepts=large.concepts,
        triples=large.triples,
        written=large.written,
        notes=large.notes,
    )
