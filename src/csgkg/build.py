"""Build the release: load, validate, infer, and write every format into ``dist/``."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from .export import load_context, to_jsonld, to_ntriples, to_turtle, write_atomic
from .inference import owl_rl_closure
from .loader import Dataset, load_dataset
from .namespaces import CSG
from .release import write_release
from .root import DatasetRoot
from .validation import ValidationReport, validate


@dataclass
class BuildResult:
    """What a build did: the validation report, the counts and the files it wrote."""

    report: ValidationReport
    interventions: int = 0
    concepts: int = 0
    triples: int = 0
    inferred_triples: int = 0
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report.conforms

    def summary(self) -> str:
        """The build summary printed by ``csgkg build``."""
        state = "conforms" if self.report.conforms else "does NOT conform"
        return (
            f"interventions: {self.interventions}\n"
            f"concepts: {self.concepts}\n"
            f"triples: {self.triples} (with OWL 2 RL inference: {self.inferred_triples})\n"
            f"validation: {state} ({len(self.report.violations)} violations, "
            f"{len(self.report.warnings)} warnings)"
        )


def count_interventions(graph: Graph) -> int:
    """Interventions of any kind (approach, programme, form) in ``graph``."""
    kinds = (CSG.Intervention, CSG.Approach, CSG.Programme, CSG.Variant)
    return len({s for k in kinds for s in graph.subjects(RDF.type, k)})


def build(
    root: DatasetRoot, dataset: Dataset | None = None, since: str | Path | None = None
) -> BuildResult:
    """Validate the dataset of ``root`` and, if it conforms, write the release files to ``dist/``.

    Nothing is written when validation finds a Violation. ``since`` names the previous release
    that ``CHANGES.md`` compares with (a folder holding an older ``dist/``, or a git tag).
    """
    dataset = dataset or load_dataset(root)
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
    return result
