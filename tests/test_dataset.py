"""The real dataset: it conforms, and the ontology and vocabularies are complete."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from csgkg.namespaces import CSG, ONTOLOGY_IRI, VANN


def test_dataset_conforms_without_warnings(report) -> None:
    assert [r.as_json() for r in report.results] == []


def test_ontology_header(dataset) -> None:
    g = dataset.ontology
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.creator,
        DCTERMS.license,
        OWL.versionIRI,
        OWL.versionInfo,
    ):
        assert g.value(onto, prop) is not None, prop
    assert str(g.value(onto, VANN.preferredNamespacePrefix)) == "csg"
    assert str(g.value(onto, OWL.versionIRI)).startswith("https://w3id.org/csgkg/releases/")
    assert str(g.value(onto, OWL.versionIRI)).find(str(g.value(onto, OWL.versionInfo))) > 0


def test_every_property_has_label_definition_domain_and_range(dataset) -> None:
    g = dataset.ontology
    props = set(g.subjects(RDF.type, OWL.ObjectProperty))
    assert len(props) >= 20
    missing = [
        (str(p), str(q))
        for p in props
        for q in (RDFS.label, SKOS.definition, RDFS.domain, RDFS.range)
        if g.value(p, q) is None and not (q == RDFS.domain and p == CSG.hasSource)
    ]
    assert missing == []


def test_required_classes_exist(dataset) -> None:
    g = dataset.ontology
    for name in (
        "Intervention",
        "Approach",
        "Programme",
        "Variant",
        "Context",
        "Harm",
        "DeliveryRole",
        "Audience",
        "EvidenceStatus",
        "Organisation",
        "Source",
    ):
        assert (CSG[name], RDF.type, OWL.Class) in g, name
    for kind in ("Approach", "Programme", "Variant"):
        assert (CSG[kind], RDFS.subClassOf, CSG.Intervention) in g


def test_one_concept_scheme_per_vocabulary_file(dataset) -> None:
    vocab_files = [s for s in dataset.files if s.kind == "vocab"]
    assert len(vocab_files) >= 7
    for source in vocab_files:
        schemes = set(source.graph.subjects(RDF.type, SKOS.ConceptScheme))
        assert len(schemes) == 1, source.path.name


def test_search_words_are_alternative_labels(dataset) -> None:
    g = dataset.graph("vocab")
    alt = {str(label).lower() for label in g.objects(None, SKOS.altLabel)}
    for word in ("peer-on-peer abuse", "cse", "county lines", "community"):
        assert word in alt, word


def test_licence_is_stated_in_the_data(dataset) -> None:
    g = dataset.graph()
    cc_by = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (URIRef(ONTOLOGY_IRI), DCTERMS.license, cc_by) in g
    for scheme in g.subjects(RDF.type, SKOS.ConceptScheme):
        assert (scheme, DCTERMS.license, cc_by) in g, scheme
