"""The corrections of the source-by-source audit (issue #17) hold on the real data.

Each test reads the Turtle files themselves (data/ and ontology/), so that it can also be run against an
older checkout: ``audit_graph(path)`` loads any tree with the same layout.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from conftest import REPO

CSG = Namespace("https://w3id.org/csgkg/ontology/")
SCHEMA = Namespace("https://schema.org/")
HARM = Namespace("https://w3id.org/csgkg/vocab/harm/")
EVIDENCE = Namespace("https://w3id.org/csgkg/vocab/evidence-status/")
INTERVENTION = Namespace("https://w3id.org/csgkg/id/intervention/")
ORGANISATION = Namespace("https://w3id.org/csgkg/id/organisation/")
CLAIM = Namespace("https://w3id.org/csgkg/id/claim/")
WD = Namespace("http://www.wikidata.org/entity/")

SEED_WORD = re.compile(r"\bseeds?\b", re.IGNORECASE)


def turtle_files(root: Path, *folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (root / folder).rglob("*.ttl"))


def audit_graph(root: Path = REPO) -> Graph:
    """Everything in data/ and ontology/ of ``root`` as one graph."""
    g = Graph()
    for path in turtle_files(root, "data", "ontology"):
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def graph() -> Graph:
    return audit_graph()


def concept_labels(g: Graph) -> dict[str, set[URIRef]]:
    """Each label (preferred or alternative, lower-cased) and the concepts that carry it."""
    labels: dict[str, set[URIRef]] = defaultdict(set)
    for concept in g.subjects(RDF.type, SKOS.Concept):
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(concept, prop):
                labels[str(label).strip().lower()].add(concept)
    return labels


def broader_closure(g: Graph, concept: URIRef) -> set[URIRef]:
    """Every concept above ``concept``, following skos:broader and inverse skos:narrower."""
    seen: set[URIRef] = set()
    todo = [concept]
    while todo:
        here = todo.pop()
        for up in set(g.objects(here, SKOS.broader)) | set(g.subjects(SKOS.narrower, here)):
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return seen


# --- Vocabulary (item 6) ---------------------------------------------------------------------------


def test_no_alternative_label_is_another_concepts_label(graph) -> None:
    labels = concept_labels(graph)
    clashes = []
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        for alt in graph.objects(concept, SKOS.altLabel):
            others = labels[str(alt).strip().lower()] - {concept}
            if others:
                clashes.append((str(alt), str(concept), sorted(str(o) for o in others)))
    assert clashes == []


def test_no_label_names_two_concepts(graph) -> None:
    shared = {
        label: sorted(map(str, concepts))
        for label, concepts in concept_labels(graph).items()
        if len(concepts) > 1
    }
    assert shared == {}


def test_registry_scale_labels_name_their_registry(graph) -> None:
    unqualified = [
        (str(value), str(label))
        for value in graph.subjects(RDF.type, SKOS.Concept)
        if any(
            (value, RDF.type, CSG[cls]) in graph
            for cls in (
                "GuidebookLevel",
                "YefImpactLevel",
                "YefEvidenceQualityLevel",
                "BlueprintsLevel",
                "CrimeSolutionsLevel",
                "CebcLevel",
            )
        )
        for label in graph.objects(value, SKOS.prefLabel)
        if ":" not in str(label)
    ]
    assert unqualified == []


def test_county_lines_is_a_narrower_concept_of_criminal_exploitation(graph) -> None:
    county_lines = HARM["county-lines"]
    assert (county_lines, RDF.type, SKOS.Concept) in graph
    assert (county_lines, SKOS.broader, HARM["criminal-exploitation"]) in graph
    assert (HARM["criminal-exploitation"], SKOS.narrower, county_lines) in graph
    assert graph.value(county_lines, SKOS.definition) is not None
    assert concept_labels(graph)["county lines"] == {county_lines}


def test_extra_familial_harm_has_the_harms_of_the_statutory_guidance_under_it(graph) -> None:
    efh = HARM["extra-familial-harm"]
    under = {c for c in graph.subjects(RDF.type, SKOS.Concept) if efh in broader_closure(graph, c)}
    # Working Together 2023, glossary entry "extra-familial harm".
    glossary = {
        "child-on-child-sexual-abuse",
        "county-lines",
        "criminal-exploitation",
        "dating-violence",
        "financial-exploitation",
        "harmful-sexual-behaviour",
        "modern-slavery-and-trafficking",
        "online-harm",
        "radicalisation",
        "serious-violence",
        "sexual-exploitation",
    }
    assert {HARM[slug] for slug in glossary} <= under


def test_harmful_sexual_behaviour_and_child_on_child_sexual_abuse_are_placed_as_the_guidance_has_them(
    graph,
) -> None:
    hsb, ccsa = HARM["harmful-sexual-behaviour"], HARM["child-on-child-sexual-abuse"]
    # Harmful sexual behaviour can harm the child alone, so it is not a kind of child-on-child abuse.
    assert HARM["child-on-child-abuse"] not in broader_closure(graph, hsb)
    assert HARM["extra-familial-harm"] in broader_closure(graph, hsb)
    assert {hsb, HARM["child-on-child-abuse"]} <= broader_closure(graph, ccsa)
    # The guidance limits only its extra-familial form to abuse from outside the family.
    assert "outside" not in str(graph.value(ccsa, SKOS.definition)).lower()


@pytest.mark.parametrize(
    ("concept", "word"),
    [
        ("harm/sexual-violence", "rape"),
        ("harm/truancy", "persistent absence"),
        ("delivery-role/mental-health-professional", "clinician"),
        ("harm/serious-violence", "youth violence"),
    ],
)
def test_words_the_audit_found_are_not_synonyms_are_not_alternative_labels(graph, concept, word) -> None:
    iri = URIRef(f"https://w3id.org/csgkg/vocab/{concept}")
    assert word not in {str(label).lower() for label in graph.objects(iri, SKOS.altLabel)}


# --- Evidence statuses (items 1 and 6) --------------------------------------------------------------


def test_evaluated_elsewhere_is_not_narrower_than_not_yet_tested(graph) -> None:
    for status in ("evaluated-elsewhere", "piloted-elsewhere"):
        above = broader_closure(graph, EVIDENCE[status])
        assert EVIDENCE["promising-not-tested"] not in above, status
        assert EVIDENCE["not-tested-with-research-team"] in above, status
    assert EVIDENCE["not-tested-with-research-team"] in broader_closure(
        graph, EVIDENCE["promising-not-tested"]
    )


def test_a_local_pilot_case_study_is_tested_with_the_research_team_but_not_a_catalogue_entry(graph) -> None:
    case_study = EVIDENCE["local-pilot-case-study"]
    assert (case_study, RDF.type, CSG.EvidenceStatus) in graph
    above = broader_closure(graph, case_study)
    assert EVIDENCE["tested-with-research-team"] in above
    assert EVIDENCE["tested-by-partners"] not in above
    assert EVIDENCE["tested-with-research-team"] in broader_closure(graph, EVIDENCE["tested-by-partners"])


def test_the_peer_group_conference_has_the_status_of_a_case_study(graph) -> None:
    assert list(graph.objects(INTERVENTION["peer-group-conference"], CSG.evidenceStatus)) == [
        EVIDENCE["local-pilot-case-study"]
    ]


# --- Claims and sources (items 2, 3, 4) -------------------------------------------------------------


def test_every_cited_source_is_described_with_a_web_address(graph) -> None:
    cited = set(graph.objects(None, CSG.hasSource))
    assert cited
    undescribed = sorted(str(s) for s in cited if (s, RDF.type, CSG.Source) not in graph)
    no_address = sorted(str(s) for s in cited if graph.value(s, SCHEMA.url) is None)
    assert (undescribed, no_address) == ([], [])


def test_the_generic_victim_offender_mediation_is_not_placed_in_the_united_states(graph) -> None:
    vom = INTERVENTION["victim-offender-mediation"]
    assert (vom, CSG.pilotedIn, WD.Q30) not in graph
    assert (CLAIM["victim-offender-mediation.pilotedIn.Q30"], RDF.type, CSG.Claim) not in graph
    # The country stays with the programme that was rated there.
    assert (
        INTERVENTION["minneapolis-center-for-victim-offender-mediation"],
        CSG.developedIn,
        WD.Q30,
    ) in graph


def test_cultivating_minds_is_recorded_once_for_mentors_in_violence_prevention(graph) -> None:
    mvp, cm = INTERVENTION["mentors-in-violence-prevention"], ORGANISATION["cultivating-minds-uk"]
    assert [p for p in graph.predicates(mvp, cm)] == [CSG.trainingProvidedBy]


def test_funding_by_the_department_for_education_is_an_editorial_judgement(graph) -> None:
    claim = CLAIM["achieving-change-together.fundedBy.department-for-education"]
    assert graph.value(claim, CSG.claimBasis) == CSG.EditorialJudgement
    assert graph.value(claim, SKOS.editorialNote) is not None
    assert (
        INTERVENTION["achieving-change-together"],
        CSG.fundedBy,
        ORGANISATION["childrens-social-care-innovation-programme"],
    ) in graph


# --- What readers see (item 5) ----------------------------------------------------------------------


def test_no_literal_in_the_data_or_ontology_says_seed() -> None:
    hits = []
    for path in turtle_files(REPO, "data", "ontology"):
        g = Graph().parse(path, format="turtle")
        hits += [
            (path.relative_to(REPO).as_posix(), str(o)[:80])
            for o in g.objects()
            if isinstance(o, Literal) and SEED_WORD.search(str(o))
        ]
    assert hits == []


def test_the_seed_word_detector_finds_the_word_only() -> None:
    assert SEED_WORD.search("as the Seed says")
    assert SEED_WORD.search("two seeds")
    assert not SEED_WORD.search("seeded random numbers, proceeds")
