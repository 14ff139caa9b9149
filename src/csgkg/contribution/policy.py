"""What a contribution may contain: new instance data only, with safe IRIs and no placeholders.

Each rule gives a Violation naming the file, line, node and property, and says why it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from csgkg.contribution.stored import unstored
from csgkg.core.namespaces import CSG, ID, PREFIXES, VOCAB
from csgkg.io.locate import curie, find_line
from csgkg.io.parse import SourceFile
from csgkg.validation.run import ValidationResult

NEW_ENTRY_TYPES = {
    CSG.Approach: "intervention",
    CSG.Programme: "intervention",
    CSG.Variant: "intervention",
    CSG.Intervention: "intervention",
    CSG.Organisation: "organisation",
    CSG.Source: "source",
    CSG.Claim: "claim",
}
INTERVENTION_TYPES = {CSG.Approach, CSG.Programme, CSG.Variant, CSG.Intervention}
SCHEMA_TYPES = {
    OWL.Class,
    RDFS.Class,
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.Ontology,
    SKOS.Concept,
    SKOS.ConceptScheme,
    SH.NodeShape,
    SH.PropertyShape,
    SH.Shape,
    SKOS.Collection,
    SKOS.OrderedCollection,
}
# Every class of these vocabularies is a schema class (owl:FunctionalProperty, rdfs:Datatype, ...).
SCHEMA_NAMESPACES = (str(OWL), str(RDFS), str(SH))
SCHEMA_PROPERTIES = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.imports,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    SKOS.inScheme,
    SKOS.broader,
    SKOS.narrower,
    SKOS.topConceptOf,
    SKOS.hasTopConcept,
    SKOS.member,
    SKOS.memberList,
}
# Every property of these vocabularies states schema (owl:sameAs, owl:disjointWith, sh:path, ...).
SCHEMA_PROPERTY_NAMESPACES = (str(OWL), str(SH))
# IRIs we can write safely in Turtle and N-Triples, and read back unchanged.
SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]*$")
PLACEHOLDER = re.compile(r"\bTODO\b")


def is_schema_type(term: object) -> bool:
    """Whether ``term`` is a class whose instances are schema: classes, properties, ontologies,
    concepts, schemes or shapes."""
    return isinstance(term, URIRef) and (term in SCHEMA_TYPES or str(term).startswith(SCHEMA_NAMESPACES))


def is_schema_statement(p: object, o: object) -> bool:
    """Whether a statement with predicate ``p`` and object ``o`` defines or changes schema."""
    if p == RDF.type:
        return is_schema_type(o)
    return p in SCHEMA_PROPERTIES or str(p).startswith(SCHEMA_PROPERTY_NAMESPACES)


def _result(
    source: SourceFile, node: object, prop: object, rule: str, message: str, value: object = None
) -> ValidationResult:
    return ValidationResult(
        file=str(source.path),
        line=find_line(
            source, node if isinstance(node, URIRef) else None, prop if isinstance(prop, URIRef) else None
        ),
        focus=curie(node) if not isinstance(node, BNode) else "(blank node)",
        path=curie(prop) if isinstance(prop, URIRef) else None,
        constraint=f"policy:{rule}",
        severity="Violation",
        message=message,
        value=curie(value) if value is not None else None,
    )


def check_contribution(source: SourceFile, dataset_graph: Graph) -> list[ValidationResult]:
    """Every policy problem of one contributed file, checked against the dataset graph."""
    problems = set(_problems(source, dataset_graph)) | set(_unstored_problems(source, dataset_graph))
    return sorted(problems, key=lambda r: (r.line or 0, r.focus, r.path or ""))


def _problems(source: SourceFile, dataset: Graph) -> Iterator[ValidationResult]:
    graph = source.graph
    if len(graph) == 0:
        yield _result(
            source, None, None, "not-empty", "The file holds no statements: describe an intervention."
        )
    for s, p, o in graph:
        for term in (s, p, o):
            if isinstance(term, URIRef) and not SAFE_IRI.match(str(term)):
                yield _result(
                    source,
                    s,
                    p,
                    "safe-iri",
                    f"The IRI <{term}> contains spaces, angle brackets or other characters an IRI "
                    "may not hold. Write it without them (e.g. replace spaces by hyphens).",
                )
        if isinstance(s, BNode):
            yield _result(
                source,
                s,
                p,
                "no-blank-nodes",
                "A new entry must have its own IRI, not a blank node [ ]: give it an IRI under "
                f"{ID}intervention/, organisation/, source/ or claim/.",
            )
            continue
        if is_schema_statement(p, o):
            yield _result(
                source,
                s,
                p,
                "instance-data-only",
                "A contribution may only describe interventions, organisations, sources and claims; "
                "it may not define or change classes, properties, concepts, schemes, shapes or "
                "imports. Propose vocabulary changes in an issue instead.",
                o,
            )
        if isinstance(o, Literal) and PLACEHOLDER.search(str(o)):
            yield _result(
                source,
                s,
                p,
                "no-placeholders",
                "A TODO placeholder is still in the file: replace it with the real text.",
                o,
            )
        if isinstance(o, URIRef) and PLACEHOLDER.search(str(o)) and not str(o).startswith(VOCAB):
            yield _result(
                source,
                s,
                p,
                "no-placeholders",
                "A TODO placeholder is still in the file: replace it with a real value.",
                o,
            )
    for s in set(graph.subjects()):
        if not isinstance(s, URIRef):
            continue
        if (s, None, None) in dataset:
            if any(t in INTERVENTION_TYPES for t in graph.objects(s, RDF.type)):
                yield _result(
                    source,
                    s,
                    RDF.type,
                    "new-iri",
                    f"{curie(s)} already exists in the dataset. A new intervention needs a new IRI; "
                    "to change an existing one, propose the edit for review.",
                )
                continue
            new = [(p, o) for p, o in graph.predicate_objects(s) if (s, p, o) not in dataset]
            kind = "entry"
            for p, o in new:
                yield _result(
                    source,
                    s,
                    p,
                    "no-changes-to-existing",
                    f"{curie(s)} is an existing {kind} of the dataset: a contribution may not change "
                    "its facts (edits to existing entries go through review, not `csgkg add`). "
                    "Give a new entry its own IRI.",
                    o,
                )
            continue
        types = set(graph.objects(s, RDF.type))
        known = [NEW_ENTRY_TYPES[t] for t in types if t in NEW_ENTRY_TYPES]
        if not types:
            yield _result(
                source,
                s,
                None,
                "typed",
                "This node has no type: say what it is (a csg:Programme, csg:Approach, csg:Variant, "
                "csg:Organisation, csg:Source or csg:Claim).",
            )
        elif known and not str(s).startswith(PREFIXES[known[0]]):
            yield _result(
                source,
                s,
                RDF.type,
                "iri-namespace",
                f"A new {known[0]} must have an IRI under {PREFIXES[known[0]]}, e.g. "
                f"{PREFIXES[known[0]]}my-{known[0]}.",
            )
    for claim in graph.subjects(RDF.type, CSG.Claim):
        subject = graph.value(claim, RDF.subject)
        if isinstance(subject, URIRef) and (subject, None, None) not in graph:
            yield _result(
                source,
                claim,
                RDF.subject,
                "no-changes-to-existing",
                f"This claim is about {curie(subject)}, which the file does not describe: claims about "
                "existing entries go through review.",
                subject,
            )


STORED_KINDS = "csg:Programme, csg:Approach, csg:Variant, csg:Organisation, csg:Source"


def _unstored_problems(source: SourceFile, dataset: Graph) -> Iterator[ValidationResult]:
    """One result for each node whose statements `csgkg add` would not store (so add never drops a
    statement silently). Nodes other rules already refuse as a whole are left to them: blank nodes,
    untyped nodes, nodes typed with a schema class, nodes of the dataset, and claims about a node of
    the file that is refused itself or about an existing entry."""
    graph = source.graph
    rest = unstored(graph)
    for s in sorted(set(rest.subjects()), key=str):
        if not isinstance(s, URIRef) or (s, None, None) in dataset:
            continue
        types = set(graph.objects(s, RDF.type))
        if not types or any(is_schema_type(t) for t in types):
            continue
        count = sum(1 for _ in rest.predicate_objects(s))
        if CSG.Claim in types:
            subject = graph.value(s, RDF.subject)
            if subject is not None and ((subject, None, None) in graph or isinstance(subject, URIRef)):
                continue  # about a node of the file refused itself, or an existing entry (a change to it)
            if subject is None:
                why = "names no rdf:subject"
            else:
                why = f"is about {curie(subject)}, which is not an entry of this file"
            yield _result(
                source,
                s,
                RDF.subject,
                "stored-kinds-only",
                f"This claim {why}: `csgkg add` stores a claim only with the entry it is about, so its "
                f"{count} statements would not be stored. Make its rdf:subject a new entry this file "
                f"describes ({STORED_KINDS}).",
                subject,
            )
            continue
        kinds = ", ".join(sorted(curie(t) for t in types))
        yield _result(
            source,
            s,
            RDF.type,
            "stored-kinds-only",
            f"This node is a {kinds}: `csgkg add` writes only new entries of the kinds {STORED_KINDS} "
            f"(with the claims about them), so its {count} statements would not be stored. Describe it "
            "as one of those kinds or leave it out; other kinds of entry are added through review.",
        )
