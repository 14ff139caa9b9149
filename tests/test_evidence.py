"""The evidence crosswalk and the Contextual Safeguarding framework facets, checked against the graph.

Every intervention carries one Contextual Safeguarding level whose claim says whether a source states it or
the editors judged it; every rating names its source; every claim and every rating about an intervention
can be traced to a source through the stored queries; and the registries' scales are linked only with
skos:broadMatch or skos:closeMatch, each mapping with a note.
"""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

import csgkg
from csgkg.cli.main import main
from csgkg.core.namespaces import CSG, PREFIXES, SCHEMA, SCHEMES, VOCAB

SOURCE, EDITORIAL = CSG.StatedBySource, CSG.EditorialJudgement
CROSSWALK = URIRef(VOCAB + "evidence-crosswalk")
SCALES = {
    f"{VOCAB}{slug}": CSG[cls]
    for _, slug, cls in SCHEMES
    if cls
    in {
        "GuidebookLevel",
        "YefImpactLevel",
        "YefEvidenceQualityLevel",
        "BlueprintsLevel",
        "CrimeSolutionsLevel",
        "CebcLevel",
    }
}
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


@pytest.fixture(scope="module")
def g(dataset) -> Graph:
    return dataset.graph()


def interventions(g: Graph) -> set[URIRef]:
    kinds = set(g.transitive_subjects(RDFS.subClassOf, CSG.Intervention))
    return {s for k in kinds for s in g.subjects(RDF.type, k) if isinstance(s, URIRef)}


def claims(g: Graph, node: URIRef, prop: URIRef, value: URIRef) -> list[URIRef]:
    return [
        c
        for c in g.subjects(RDF.subject, node)
        if (c, RDF.predicate, prop) in g and (c, RDF.object, value) in g
    ]


def ratings(g: Graph) -> set[URIRef]:
    return set(g.subjects(RDF.type, CSG.Rating))


# --- the framework facets ---------------------------------------------------------------------------


def test_every_intervention_has_one_level_marked_sourced_or_editorial(g) -> None:
    found = interventions(g)
    assert len(found) >= 13
    for node in sorted(found):
        levels = list(g.objects(node, CSG.csLevel))
        assert len(levels) == 1, node
        assert (levels[0], RDF.type, CSG.CsLevel) in g, node
        recorded = claims(g, node, CSG.csLevel, levels[0])
        assert len(recorded) == 1, node
        claim = recorded[0]
        basis = g.value(claim, CSG.claimBasis)
        assert basis in (SOURCE, EDITORIAL), node
        if basis == EDITORIAL:
            note = g.value(claim, SKOS.editorialNote)
            assert note is not None and len(str(note)) > 40, node
        for source in g.objects(claim, CSG.hasSource):
            assert (source, RDF.type, CSG.Source) in g, source


def test_the_two_levels_and_four_domains_are_the_frameworks(g) -> None:
    levels = {str(c).rsplit("/", 1)[-1] for c in g.subjects(RDF.type, CSG.CsLevel)}
    assert levels == {"level-1", "level-2"}
    domains = sorted(str(g.value(c, SKOS.notation)) for c in g.subjects(RDF.type, CSG.CsDomain))
    assert domains == ["1", "2", "3", "4"]
    # Both levels are used, and the statement of a source is distinguished from a judgement.
    used = {g.value(i, CSG.csLevel) for i in interventions(g)}
    assert len(used) == 2
    bases = {g.value(c, CSG.claimBasis) for c in g.subjects(RDF.predicate, CSG.csLevel)}
    assert bases == {SOURCE, EDITORIAL}


def test_the_values_are_the_principle_concepts(g) -> None:
    """The programme's five values are concepts of the principle scheme, used with csg:hasPrinciple."""
    who = URIRef(PREFIXES["source"] + "cs-who-we-are")
    values = {
        str(c).rsplit("/", 1)[-1]
        for c in g.subjects(RDF.type, CSG.Principle)
        if (c, URIRef("http://purl.org/dc/terms/source"), who) in g
    }
    assert values == {"collaborative", "ecological", "rights-based", "strengths-based", "evidence-informed"}


def test_every_unrated_intervention_says_why_and_no_rated_one_does(g) -> None:
    rated = {g.value(r, CSG.ratedIntervention) for r in ratings(g)}
    for node in sorted(interventions(g)):
        reasons = set(g.objects(node, CSG.unratedBecause))
        if node in rated:
            assert reasons == set(), node
        else:
            assert reasons, f"{node} has no rating and no csg:unratedBecause"


# --- ratings and evaluations --------------------------------------------------------------------------


def test_every_rating_has_a_described_source_and_a_value_on_its_registrys_scale(g) -> None:
    assert len(ratings(g)) >= 2
    for rating in sorted(ratings(g)):
        sources = list(g.objects(rating, CSG.hasSource))
        assert sources, rating
        for source in sources:
            assert (source, RDF.type, CSG.Source) in g, source
            assert g.value(source, SCHEMA.url) or g.value(
                source, URIRef("http://purl.org/dc/terms/bibliographicCitation")
            )
        registry = g.value(rating, CSG.ratedBy)
        assert (registry, RDF.type, CSG.Registry) in g, rating
        scales = set(g.objects(registry, CSG.ratingScale))
        values = list(g.objects(rating, CSG.ratingValue))
        assert values, rating
        schemes = [g.value(v, SKOS.inScheme) for v in values]
        assert set(schemes) <= scales and len(schemes) == len(set(schemes)), rating
        date = g.value(rating, CSG.ratingDate)
        assert isinstance(date, Literal) and date.datatype in (XSD.date, XSD.gYear, XSD.gYearMonth)


def test_a_rating_of_a_programme_is_not_a_rating_of_its_form(g) -> None:
    """CrimeSolutions rates one Minneapolis programme, not victim-offender mediation in general."""
    i = PREFIXES["intervention"]
    rated = {g.value(r, CSG.ratedIntervention) for r in ratings(g)}
    assert URIRef(i + "minneapolis-center-for-victim-offender-mediation") in rated
    assert URIRef(i + "victim-offender-mediation") not in rated


def test_evaluations_are_sources_with_dois_and_designs(g) -> None:
    s = PREFIXES["source"]
    taylor, butler = (
        URIRef(s + "taylor-2013-shifting-boundaries"),
        URIRef(s + "butler-2024-mentors-in-violence-prevention"),
    )
    assert str(g.value(taylor, SCHEMA.url)).startswith("https://doi.org/")
    assert str(g.value(butler, SCHEMA.url)).startswith("https://doi.org/")
    design = PREFIXES["design"]
    assert g.value(taylor, CSG.studyDesign) == URIRef(design + "randomised-controlled-trial")
    assert g.value(butler, CSG.studyDesign) == URIRef(design + "before-and-after-without-comparison")
    for source in g.subjects(CSG.evaluates, None):
        assert (source, RDF.type, CSG.Source) in g
        assert g.value(source, CSG.evaluates) in interventions(g)


# --- the scales and the crosswalk ------------------------------------------------------------------------


def test_every_scale_says_what_it_measures_and_its_values_are_typed(g) -> None:
    for scheme, cls in SCALES.items():
        scheme = URIRef(scheme)
        assert g.value(scheme, SKOS.scopeNote) is not None, scheme
        members = set(g.subjects(SKOS.inScheme, scheme))
        assert members, scheme
        for value in members:
            assert (value, RDF.type, cls) in g, value
            assert g.value(value, SKOS.notation) is not None, value


def test_ranks_order_each_scale_from_one_without_gaps(g) -> None:
    for scheme in SCALES:
        ranks = sorted(
            int(r) for v in g.subjects(SKOS.inScheme, URIRef(scheme)) for r in g.objects(v, CSG.rank)
        )
        assert ranks == list(range(1, len(ranks) + 1)), scheme


def test_crosswalk_mappings_are_only_broad_or_close_matches_with_notes(g) -> None:
    values = {v for scheme in SCALES for v in g.subjects(SKOS.inScheme, URIRef(scheme))}
    mapped = 0
    for value in values:
        for prop in MAPPINGS:
            for target in g.objects(value, prop):
                assert prop in (SKOS.broadMatch, SKOS.closeMatch), (value, prop, target)
                if prop == SKOS.broadMatch:
                    assert (target, SKOS.inScheme, CROSSWALK) in g, (value, target)
                else:
                    assert target in values and g.value(target, SKOS.inScheme) != g.value(
                        value, SKOS.inScheme
                    )
                assert g.value(value, SKOS.editorialNote) is not None, value
                mapped += 1
        # Nothing in the rest of the graph maps to a scale value other than by close match.
        for prop in MAPPINGS:
            for subject in g.subjects(prop, value):
                assert prop == SKOS.closeMatch and subject in values, (subject, prop, value)
    assert mapped >= 10


# --- provenance through the stored queries ------------------------------------------------------------------


def test_every_claim_and_rating_about_every_intervention_is_traced_to_a_source(root, g) -> None:
    for node in sorted(interventions(g)):
        rows = csgkg.query("sources-of", intervention=node, root=root)
        traced = {(r["property"], r["value"]) for r in rows if r["value"] is not None and r["source"]}
        for claim in g.subjects(RDF.subject, node):
            statement = (str(g.value(claim, RDF.predicate)), str(g.value(claim, RDF.object)))
            assert statement in traced, (node, statement)
        profile = csgkg.query("evidence-profile", intervention=node, root=root)
        for rating in g.subjects(CSG.ratedIntervention, node):
            mine = [r for r in profile if r["rating"] == str(rating)]
            assert {r["source"] for r in mine} == {str(s) for s in g.objects(rating, CSG.hasSource)}, rating
            assert all(r["registry"] and r["value"] and r["scale"] for r in mine), rating


def test_evidence_profile_of_shifting_boundaries_shows_the_crimesolutions_rating_and_its_source(
    capsys, root
) -> None:
    code = main(
        [
            "--root",
            str(root.path),
            "query",
            "run",
            "evidence-profile",
            "--param",
            "intervention=Shifting Boundaries",
            "--format",
            "json",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    rows = json.loads(out)
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    text = json.dumps(rows)
    assert "CrimeSolutions" in text and "Promising" in text
    assert "https://www.crimesolutions.gov/ProgramDetails.aspx?ID=226" in text
    assert "2012-03-22" in text and "one study" in text


def test_level_2_responses_lists_exactly_the_level_2_interventions(root, g) -> None:
    level_2 = URIRef(PREFIXES["cslevel"] + "level-2")
    rows = csgkg.query("level-2-responses", root=root)
    assert {r["intervention"] for r in rows} == {
        str(i) for i in interventions(g) if g.value(i, CSG.csLevel) == level_2
    }
    assert all(r["source"] and r["basis"] for r in rows)


def test_unrated_interventions_are_those_without_a_rating(root, g) -> None:
    rated = {g.value(r, CSG.ratedIntervention) for r in ratings(g)}
    rows = csgkg.query("unrated-interventions", root=root)
    assert {r["intervention"] for r in rows} == {str(i) for i in interventions(g) - rated}
    assert all(r["reason"] and r["source"] for r in rows)


def test_causal_evidence_comes_from_ratings_or_comparison_group_designs(root) -> None:
    rows = csgkg.query("interventions-with-causal-evidence", root=root)
    i = PREFIXES["intervention"]
    found = {r["intervention"] for r in rows}
    assert found == {i + "shifting-boundaries", i + "minneapolis-center-for-victim-offender-mediation"}
    # A before-and-after study without a comparison group is not causal evidence.
    assert i + "mentors-in-violence-prevention" not in found


def test_the_json_ld_context_names_every_new_term(root, dataset) -> None:
    context = json.loads(root.context_file.read_text(encoding="utf-8"))["@context"]
    onto = dataset.ontology
    for kind in (
        URIRef("http://www.w3.org/2002/07/owl#Class"),
        URIRef("http://www.w3.org/2002/07/owl#ObjectProperty"),
        URIRef("http://www.w3.org/2002/07/owl#DatatypeProperty"),
    ):
        for term in onto.subjects(RDF.type, kind):
            name = str(term).rsplit("/", 1)[-1]
            assert name in context or name in {"hasSource"}, name
    for prefix, slug, _ in SCHEMES:
        assert context[prefix] == f"{VOCAB}{slug}/", prefix
