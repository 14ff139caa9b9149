"""The stored queries answer their questions right on the real data.

Every ``queries/*.rq`` carries an example call and its expected answer; each is checked here. The
answers are also checked against the graph itself by independent Python code (the matrix, the gaps,
every comparison of two interventions, the similarity scores, the sources), and each quality check
is shown to find the fault it is meant to find.
"""

from __future__ import annotations

import itertools
import math
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

import csgkg
from conftest import REPO, copy_root
from csgkg.core.errors import UsageError
from csgkg.core.namespaces import CSG
from csgkg.core.root import DatasetRoot
from csgkg.io.locate import curie
from csgkg.io.parse import load_dataset
from csgkg.io.serialise import to_ntriples
from csgkg.sparql.api import (
    bind_parameters,
    bound_query,
    get_query,
    list_queries,
    run_example,
    run_stored,
)
from csgkg.sparql.catalogue import StoredQuery
from csgkg.sparql.decorators import decorator_lines, parse_decorators
from csgkg.sparql.formats import display_rows

FIXTURES = Path(__file__).resolve().parent / "query-fixtures"
STORED = list_queries(REPO)

# The queries the issue asks for, with their required and optional parameters.
ISSUE_QUERIES: dict[str, tuple[list[str], list[str]]] = {
    "interventions-by-context": (["context"], []),
    "interventions-by-harm": (["harm"], []),
    "interventions-by-delivery-role": (["role"], []),
    "interventions-by-evidence-status": (["status"], []),
    "interventions-by-audience": (["audience"], []),
    "interventions-by-principle": (["principle"], []),
    "interventions-by-country": (["country"], []),
    "find-interventions": ([], ["context", "harm", "role", "status", "audience"]),
    "compare-interventions": (["a", "b"], []),
    "similar-interventions": (["intervention"], []),
    "context-harm-matrix": ([], []),
    "coverage-gaps": ([], ["context"]),
    "intervention-summary": ([], []),
    "sources-of": (["intervention"], []),
    "forms-and-programmes": (["intervention"], []),
    "concept-outside-scheme-violation": ([], []),
    "intervention-without-source-violation": ([], []),
    "duplicate-label-violation": ([], []),
    "unsourced-statement-violation": ([], []),
}

I = "https://w3id.org/csgkg/id/intervention/"  # noqa: E741 - the intervention namespace, short


@pytest.fixture(scope="module")
def graph(root: DatasetRoot) -> Graph:
    """The union graph of the dataset, read by rdflib."""
    return load_dataset(root).graph()


def labels(rows: list[dict], column: str) -> list[str]:
    return [row[column] for row in rows]


def interventions(graph: Graph) -> set[URIRef]:
    kinds = set(graph.transitive_subjects(RDFS.subClassOf, CSG.Intervention))
    return {s for k in kinds for s in graph.subjects(RDF.type, k) if isinstance(s, URIRef)}


def broader_closure(graph: Graph, concept: URIRef) -> set[URIRef]:
    """``concept`` and every concept above it (skos:broader, or skos:narrower read backwards)."""
    seen, todo = {concept}, [concept]
    while todo:
        current = todo.pop()
        above = set(graph.objects(current, SKOS.broader)) | set(graph.subjects(SKOS.narrower, current))
        for parent in above - seen:
            seen.add(parent)
            todo.append(parent)
    return seen


# --- every stored query: documented, grlc-compatible, and giving its expected answer ---------------


def test_the_issue_queries_exist_with_their_parameters() -> None:
    by_name = {q.name: q for q in STORED}
    for name, (required, optional) in ISSUE_QUERIES.items():
        assert name in by_name, f"queries/{name}.rq is missing"
        params = by_name[name].parameters
        assert [p.name for p in params if p.required] == required, name
        assert [p.name for p in params if not p.required] == optional, name


@pytest.mark.parametrize("stored", STORED, ids=lambda q: q.name)
def test_query_is_documented(stored: StoredQuery) -> None:
    assert stored.summary, f"{stored.name}: no '#+ summary:'"
    assert len(stored.description) > 40, f"{stored.name}: no useful '#+ description:'"
    assert stored.tags, f"{stored.name}: no '#+ tags:'"
    assert "example" in stored.decorators, f"{stored.name}: no '#+ example:' call"
    assert set(stored.example) <= {p.name for p in stored.parameters}
    required = {p.name for p in stored.parameters if p.required}
    assert required <= set(stored.example) | set(stored.defaults), f"{stored.name}: example lacks {required}"
    for parameter in stored.parameters:
        assert parameter.type == "iri", f"{stored.name}: ?{parameter.variable} should be an _iri parameter"


@pytest.mark.parametrize("stored", STORED, ids=lambda q: q.name)
def test_decorators_are_the_yaml_grlc_reads(stored: StoredQuery) -> None:
    yaml = pytest.importorskip("yaml")
    # grlc strips '#+' from each decorator line and reads the rest as one YAML document.
    assert yaml.safe_load("\n".join(decorator_lines(stored.text))) == parse_decorators(stored.text)


@pytest.mark.parametrize("stored", STORED, ids=lambda q: q.name)
def test_example_gives_the_expected_answer(stored: StoredQuery, root: DatasetRoot) -> None:
    expected = stored.expected
    fix = f"python scripts/update_expected_answers.py {stored.name}"
    assert expected is not None, f"{stored.name}.rq has no '# expected:' answer; see {fix} --write"
    result = run_example(stored, root)
    assert result.columns == expected.columns, f"columns differ; review with: {fix}"
    assert display_rows(result) == expected.rows, f"the answer differs; review with: {fix}"


@pytest.mark.parametrize("stored", STORED, ids=lambda q: q.name)
def test_every_entity_column_has_a_label_column(stored: StoredQuery, root: DatasetRoot) -> None:
    result = run_example(stored, root)
    for index, column in enumerate(result.columns):
        if column == "url":
            continue  # a web address, not an entity
        if any(isinstance(row[index], URIRef) for row in result.rows):
            assert f"{column}Label" in result.columns, f"{stored.name}: {column} has no {column}Label"


def test_every_quality_check_passes_on_the_real_data(root: DatasetRoot) -> None:
    checks = [q for q in STORED if q.is_violation_check]
    assert len(checks) >= 4
    for check in checks:
        rows = run_stored(check, {}, root).records()
        assert rows == [], f"{check.name} found problems in the data: {rows}"


# --- the quality checks find the faults they are meant to find --------------------------------------


@pytest.fixture(scope="module")
def faulty_root(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """The dataset plus the faulty files of tests/query-fixtures/."""
    root = copy_root(tmp_path_factory.mktemp("faulty") / "root")
    for fixture in FIXTURES.glob("*.ttl"):
        shutil.copy(fixture, root.data_dir / "interventions" / fixture.name)
    return root


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        (
            "concept-outside-scheme-violation",
            [
                {
                    "node": I + "fixture-harm-from-context-scheme",
                    "property": str(CSG.addressesHarm),
                    "concept": "https://w3id.org/csgkg/vocab/context/school",
                    "scheme": "https://w3id.org/csgkg/vocab/harm",
                }
            ],
        ),
        ("intervention-without-source-violation", [{"intervention": I + "fixture-without-source"}]),
        (
            "duplicate-label-violation",
            [
                {
                    "scope": "interventions",
                    "name": "shifting boundaries",
                    "count": 2,
                    "nodes": f"{I}fixture-duplicate-label {I}shifting-boundaries",
                }
            ],
        ),
        (
            "unsourced-statement-violation",
            [
                {
                    "intervention": I + "fixture-unsourced-statement",
                    "property": str(CSG.addressesHarm),
                    "value": "https://w3id.org/csgkg/vocab/harm/bullying",
                },
                {
                    "intervention": I + "fixture-unsourced-statement",
                    "property": str(CSG.worksInContext),
                    "value": "https://w3id.org/csgkg/vocab/context/online",
                },
            ],
        ),
        (
            "claim-not-asserted-violation",
            [
                {
                    "intervention": I + "fixture-claim-not-asserted",
                    "property": str(CSG.deliveredBy),
                    "value": "https://w3id.org/csgkg/vocab/delivery-role/youth-worker",
                }
            ],
        ),
        (
            "one-way-relation-violation",
            [
                {
                    "intervention": I + "fixture-one-way-form",
                    "property": str(CSG.formOf),
                    "related": I + "restorative-justice",
                    "missing": str(CSG.hasForm),
                }
            ],
        ),
        (
            "undescribed-source-violation",
            [
                {
                    "node": I + "fixture-undescribed-source",
                    "source": "https://w3id.org/csgkg/id/source/fixture-nowhere",
                }
            ],
        ),
    ],
)
def test_quality_check_finds_its_fault(faulty_root: DatasetRoot, check: str, expected: list[dict]) -> None:
    rows = csgkg.query(check, root=faulty_root)
    found = [{key: row[key] for key in expected[0]} for row in rows]
    for row in found:
        if "nodes" in row:  # GROUP_CONCAT gives no order
            row["nodes"] = " ".join(sorted(row["nodes"].split()))
    assert found == expected


# --- the answers agree with the graph ---------------------------------------------------------------


def test_a_harm_includes_its_narrower_harms(root: DatasetRoot) -> None:
    broad = csgkg.query("interventions-by-harm", harm="exploitation", root=root)
    sexual = csgkg.query("interventions-by-harm", harm="sexual exploitation", root=root)
    assert {r["intervention"] for r in sexual} == {
        I + "achieving-change-together",
        I + "cleveland-community-guardians",
        I + "community-guardians",
        I + "location-assessment",
        I + "mentors-in-violence-prevention",
        I + "operation-makesafe",
        I + "safeguarding-on-transport",
    }
    assert {r["intervention"] for r in sexual} <= {r["intervention"] for r in broad}
    # Mentors in Violence Prevention addresses sexual exploitation only, and is found for exploitation.
    assert {(r["interventionLabel"], r["harmLabel"]) for r in broad} >= {
        ("Mentors in Violence Prevention", "sexual exploitation")
    }


def test_a_status_includes_its_narrower_statuses(root: DatasetRoot, graph: Graph) -> None:
    untested = URIRef("https://w3id.org/csgkg/vocab/evidence-status/not-tested-with-research-team")
    expected = {
        str(i)
        for i in interventions(graph)
        for status in graph.objects(i, CSG.evidenceStatus)
        if untested in broader_closure(graph, status)
    }
    rows = csgkg.query("interventions-by-evidence-status", status="not tested in partnership", root=root)
    assert {r["intervention"] for r in rows} == expected
    statuses = {r["status"].rsplit("/", 1)[-1] for r in rows}
    assert {"promising-not-tested", "evaluated-elsewhere", "piloted-elsewhere"} <= statuses


def test_the_matrix_counts_what_the_graph_says(root: DatasetRoot, graph: Graph) -> None:
    expected: dict[tuple[str, str], set] = defaultdict(set)
    for intervention in interventions(graph):
        for harm in graph.objects(intervention, CSG.addressesHarm):
            for above in broader_closure(graph, harm):
                for context in graph.objects(intervention, CSG.worksInContext):
                    expected[(str(context), str(above))].add(intervention)
    rows = csgkg.query("context-harm-matrix", root=root)
    contexts = set(graph.subjects(RDF.type, CSG.Context))
    harms = set(graph.subjects(RDF.type, CSG.Harm))
    assert len(rows) == len(contexts) * len(harms)  # zero cells included
    for row in rows:
        assert row["interventions"] == len(expected[(row["context"], row["harm"])]), row
    assert sum(r["interventions"] for r in rows) == sum(len(v) for v in expected.values())


@pytest.mark.parametrize("context", ["school", "neighbourhood"])
def test_a_matrix_cell_is_what_find_interventions_gives(root: DatasetRoot, context: str) -> None:
    rows = [r for r in csgkg.query("context-harm-matrix", root=root) if r["contextLabel"] == context]
    for row in rows:
        found = csgkg.query("find-interventions", context=row["context"], harm=row["harm"], root=root)
        assert len(found) == row["interventions"], row


def test_the_gaps_are_the_empty_cells_of_the_matrix(root: DatasetRoot, graph: Graph) -> None:
    matrix = csgkg.query("context-harm-matrix", root=root)
    for context in sorted(graph.subjects(RDF.type, CSG.Context)):
        gaps = {r["harm"] for r in csgkg.query("coverage-gaps", context=context, root=root)}
        empty = {r["harm"] for r in matrix if r["context"] == str(context) and r["interventions"] == 0}
        assert gaps == empty, context


def test_coverage_gaps_without_a_context_answers_for_every_context(root: DatasetRoot, graph: Graph) -> None:
    """No context is not a hidden default: the answer is every context's gaps, context by context."""
    every = csgkg.query("coverage-gaps", root=root)
    contexts = sorted(graph.subjects(RDF.type, CSG.Context))
    assert {r["context"] for r in every} == {str(c) for c in contexts}
    for context in contexts:
        alone = csgkg.query("coverage-gaps", context=context, root=root)
        assert [r for r in every if r["context"] == str(context)] == alone, context


def facets_of(graph: Graph) -> dict[str, list[URIRef]]:
    """The facets compare-interventions compares, by label: each property under csg:facet, and
    countries and organisations, each grouping its subproperties."""
    facets = {str(graph.value(p, RDFS.label)): [p] for p in graph.subjects(RDFS.subPropertyOf, CSG.facet)}
    for group in (CSG.associatedCountry, CSG.involvedOrganisation):
        facets[str(graph.value(group, RDFS.label))] = list(graph.subjects(RDFS.subPropertyOf, group))
    return facets


def facet_names(graph: Graph, node: URIRef, properties: list[URIRef]) -> set[str]:
    names = set()
    for prop in properties:
        for value in graph.objects(node, prop):
            label = graph.value(value, SKOS.prefLabel) or graph.value(value, RDFS.label)
            names.add(str(label) if label is not None else str(value).rsplit("/", 1)[-1])
    return names


def test_compare_restorative_justice_and_multi_family_group_therapy(root: DatasetRoot) -> None:
    """Checked by hand against the seed and the two data files."""
    c = csgkg.compare("restorative justice", "MFGT", root=root)
    assert (c.a, c.b) == ("intervention:restorative-justice", "intervention:multi-family-group-therapy")
    contexts = c.facet("works in context")
    assert (contexts.shared, contexts.only_a, contexts.only_b) == (
        [],
        ["neighbourhood", "peer group", "school"],
        ["family"],
    )
    audiences = c.facet("intended for")
    assert audiences.shared == ["families", "young people"]
    assert audiences.only_a == ["safeguarding professionals", "school staff"]
    assert audiences.only_b == ["parents and carers", "professionals working with families"]
    assert c.facet("evidence status").shared == ["promising, not yet tested"]
    assert c.facet("addresses harm").only_b == ["extra-familial harm"]
    assert c.facet("involved organisation").only_a == ["Restorative Justice Council"]
    countries = c.facet("associated country")  # neither names a country: an empty facet
    assert (countries.facet, countries.shared, countries.only_a, countries.only_b) == (
        "csg:associatedCountry",
        [],
        [],
        [],
    )
    assert countries not in c.facets


def test_a_facet_is_found_by_label_short_name_or_plural_in_any_case(root: DatasetRoot) -> None:
    c = csgkg.compare("restorative justice", "MFGT", root=root)
    harms = c.facet("addresses harm")
    for name in ("harms", "Harm", "csg:addressesHarm", "addressesharm", "ADDRESSES HARM"):
        assert c.facet(name) is harms, name
    assert c.facet("contexts") is c.facet("works in context")
    assert c.facet("organisations") is c.facet("involved organisation")


def test_an_unknown_facet_names_the_closest_and_every_facet(root: DatasetRoot) -> None:
    c = csgkg.compare("restorative justice", "MFGT", root=root)
    with pytest.raises(csgkg.UsageError) as caught:
        c.facet("harmz")
    message = str(caught.value)
    assert message.startswith("unknown facet 'harmz'; did you mean 'addresses harm'?")
    assert "works in context" in message and "evidence status" in message


@pytest.mark.slow
def test_compare_every_pair_of_interventions_against_the_graph(root: DatasetRoot, graph: Graph) -> None:
    facets = facets_of(graph)
    assert {"works in context", "associated country", "involved organisation"} <= set(facets)
    for a, b in itertools.combinations(sorted(interventions(graph)), 2):
        comparison = csgkg.compare(a, b, root=root)
        seen = set()
        for facet, properties in facets.items():
            mine, theirs = facet_names(graph, a, properties), facet_names(graph, b, properties)
            got = comparison.facet(facet)
            if not mine | theirs:
                assert got not in comparison.facets and not (got.shared or got.only_a or got.only_b)
                continue
            seen.add(facet)
            assert sorted(got.shared, key=str.lower) == got.shared
            assert (set(got.shared), set(got.only_a), set(got.only_b)) == (
                mine & theirs,
                mine - theirs,
                theirs - mine,
            ), (a, b, facet)
        assert {f.facet_label for f in comparison.facets} == seen


def test_similarity_is_the_jaccard_index_of_facet_values(root: DatasetRoot, graph: Graph) -> None:
    facets = set(graph.subjects(RDFS.subPropertyOf, CSG.facet))

    def values(node: URIRef) -> set:
        return {(p, o) for p, o in graph.predicate_objects(node) if p in facets}

    target = URIRef(I + "restorative-justice")
    rows = csgkg.query("similar-interventions", intervention="RJ", root=root)
    expected = {}
    for other in interventions(graph) - {target}:
        shared = len(values(target) & values(other))
        if shared:
            ratio = shared / len(values(target) | values(other))
            expected[str(other)] = (shared, math.floor(1000 * ratio + 0.5) / 1000)  # SPARQL ROUND
    assert {r["intervention"]: (r["shared"], float(r["score"])) for r in rows} == expected
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_the_summary_lists_each_facet_from_the_graph(root: DatasetRoot, graph: Graph) -> None:
    rows = csgkg.query("intervention-summary", root=root)
    assert {r["intervention"] for r in rows} == {str(i) for i in interventions(graph)}
    columns = {
        "contexts": CSG.worksInContext,
        "harms": CSG.addressesHarm,
        "roles": CSG.deliveredBy,
        "audiences": CSG.intendedFor,
        "types": CSG.interventionType,
        "principles": CSG.hasPrinciple,
    }
    for row in rows:
        node = URIRef(row["intervention"])
        for column, prop in columns.items():
            names = sorted(facet_names(graph, node, [prop]), key=str.lower)
            assert row[column] == "; ".join(names), (row["interventionLabel"], column)


def test_sources_of_gives_every_claim_and_its_sources(root: DatasetRoot, graph: Graph) -> None:
    for node in sorted(interventions(graph)):
        rows = csgkg.query("sources-of", intervention=node, root=root)
        own = {r["source"] for r in rows if r["property"] == "http://purl.org/dc/terms/description"}
        assert own == {str(s) for s in graph.objects(node, CSG.hasSource)}
        claimed = {(r["property"], r["value"], r["source"]) for r in rows if r["value"] is not None}
        expected = {
            (str(graph.value(c, RDF.predicate)), str(graph.value(c, RDF.object)), str(s))
            for c in graph.subjects(RDF.subject, node)
            for s in graph.objects(c, CSG.hasSource)
        }
        expected |= {
            (str(CSG.ratingValue), str(graph.value(r, CSG.ratingValue)), str(s))
            for r in graph.subjects(CSG.ratedIntervention, node)
            for s in graph.objects(r, CSG.hasSource)
        }
        assert claimed == expected, node


def test_forms_and_programmes_both_ways(root: DatasetRoot) -> None:
    def related(name: str) -> set[tuple[str, str]]:
        rows = csgkg.query("forms-and-programmes", intervention=name, root=root)
        return {(r["relationLabel"], r["relatedLabel"]) for r in rows}

    assert related("restorative justice") == {
        ("has form", "community conference"),
        ("has form", "indirect communication"),
        ("has form", "restorative approaches in schools"),
        ("has form", "victim-offender conference or mediation"),
    }
    assert related("bystander interventions") == {("has example", "Mentors in Violence Prevention")}
    assert related("MVP") == {("example of", "bystander / upstander interventions")}
    assert related("community conference") == {("form of", "restorative justice")}
    assert related("Shifting Boundaries") == set()


# --- parameters: names people use, resolved to terms -------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "school",
        "SCHOOL",
        " School ",
        "school context",
        "education setting",
        "context:school",
        "https://w3id.org/csgkg/vocab/context/school",
        "<https://w3id.org/csgkg/vocab/context/school>",
    ],
)
def test_a_context_can_be_named_in_many_ways(root: DatasetRoot, value: str) -> None:
    rows = csgkg.query("interventions-by-context", context=value, root=root)
    assert labels(rows, "interventionLabel") == [
        "bystander / upstander interventions",
        "changing school environments",
        "community activism",
        "context conference",
        "Contextual Safeguarding and restorative practice in schools",
        "harmful sexual behaviour school self-assessment",
        "Mentors in Violence Prevention",
        "restorative approaches in schools",
        "restorative justice",
        "Shifting Boundaries",
    ]


def test_cse_names_sexual_exploitation(root: DatasetRoot) -> None:
    rows = csgkg.query("interventions-by-harm", harm="CSE", root=root)
    assert {r["harm"] for r in rows} == {"https://w3id.org/csgkg/vocab/harm/sexual-exploitation"}


def test_an_intervention_by_label_or_alternative_label(root: DatasetRoot) -> None:
    by_label = csgkg.query("sources-of", intervention="shifting boundaries", root=root)
    by_alt = csgkg.query("sources-of", intervention="Shifting Boundaries programme", root=root)
    assert by_label == by_alt and by_label


def test_a_name_of_another_vocabulary_does_not_leak_into_a_parameter(root: DatasetRoot) -> None:
    """"school staff" names an audience; as a delivery role it is unknown, and the role of that
    name is suggested."""
    params = {"role": "school staff member", "audience": "school staff"}
    _text, bindings = bind_parameters(get_query("find-interventions", root), params, root)
    assert [str(t) for t in bindings["__role_iri"]] == [
        "https://w3id.org/csgkg/vocab/delivery-role/school-staff"
    ]
    assert [str(t) for t in bindings["__audience_iri"]] == [
        "https://w3id.org/csgkg/vocab/audience/school-staff"
    ]
    with pytest.raises(UsageError, match=r"unknown delivery role 'school staff'.*school staff member"):
        bind_parameters(get_query("find-interventions", root), {"role": "school staff"}, root)


def test_an_unknown_value_lists_the_nearest_valid_values(root: DatasetRoot) -> None:
    with pytest.raises(UsageError) as error:
        csgkg.query("interventions-by-harm", harm="sexual exploitaton", root=root)
    message = str(error.value)
    assert "unknown harm 'sexual exploitaton'" in message
    assert "nearest valid values: sexual exploitation (harm:sexual-exploitation)" in message


def test_a_value_of_another_vocabulary_is_unknown(root: DatasetRoot) -> None:
    with pytest.raises(UsageError, match="unknown context 'harm:bullying'"):
        csgkg.query("interventions-by-context", context="harm:bullying", root=root)


def test_an_ambiguous_name_is_refused(tmp_root: DatasetRoot) -> None:
    (tmp_root.data_dir / "interventions" / "twins.ttl").write_text(
        "@prefix csg: <https://w3id.org/csgkg/ontology/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix intervention: <https://w3id.org/csgkg/id/intervention/> .\n"
        'intervention:twin-1 a csg:Approach ; rdfs:label "twin one"@en ; skos:altLabel "twin"@en .\n'
        'intervention:twin-2 a csg:Approach ; rdfs:label "twin two"@en ; skos:altLabel "Twin"@en .\n'
    )
    with pytest.raises(UsageError, match="'twin' is ambiguous: it names"):
        csgkg.query("sources-of", intervention="twin", root=tmp_root)


def test_parameters_are_checked(root: DatasetRoot) -> None:
    with pytest.raises(UsageError, match="needs the parameter 'context'"):
        csgkg.query("interventions-by-context", root=root)
    with pytest.raises(UsageError, match="has no parameter 'colour'; its parameters: context"):
        csgkg.query("interventions-by-context", colour="red", root=root)
    with pytest.raises(UsageError, match="no stored query called 'interventions-by-contxt'; did you mean"):
        csgkg.query("interventions-by-contxt", context="school", root=root)


def test_several_values_mean_any_of_them(root: DatasetRoot) -> None:
    both = csgkg.query("interventions-by-context", context=["family", "individual"], root=root)
    one = csgkg.query("interventions-by-context", context="family", root=root)
    other = csgkg.query("interventions-by-context", context="individual", root=root)
    assert {r["intervention"] for r in both} == {r["intervention"] for r in one + other}


def test_an_optional_parameter_left_out_matches_anything(root: DatasetRoot, graph: Graph) -> None:
    everything = csgkg.query("find-interventions", root=root)
    assert len(everything) == len(interventions(graph))
    combined = csgkg.query("find-interventions", context="school", harm="sexual harassment", root=root)
    assert labels(combined, "interventionLabel") == [
        "bystander / upstander interventions",
        "Mentors in Violence Prevention",
        "Shifting Boundaries",
    ]


# --- the Python API --------------------------------------------------------------------------------


def test_query_returns_plain_python_values(root: DatasetRoot) -> None:
    rows = csgkg.query("context-harm-matrix", root=root)
    first = rows[0]
    assert list(first) == ["context", "contextLabel", "harm", "harmLabel", "interventions"]
    assert isinstance(first["context"], str) and first["context"].startswith("https://")
    assert isinstance(first["interventions"], int)


def test_query_df_gives_a_dataframe(root: DatasetRoot) -> None:
    pytest.importorskip("pandas")
    frame = csgkg.query_df("interventions-by-context", context="school", root=root)
    assert list(frame.columns) == [
        "intervention",
        "interventionLabel",
        "kind",
        "kindLabel",
        "status",
        "statusLabel",
    ]
    assert len(frame) == len(csgkg.query("interventions-by-context", context="school", root=root)) == 10


def test_an_ad_hoc_query_with_a_parameter(root: DatasetRoot) -> None:
    rows = csgkg.query_sparql(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label WHERE { ?_thing_iri rdfs:label ?label }",
        thing="intervention:shifting-boundaries",
        root=root,
    )
    assert rows == [{"label": "Shifting Boundaries"}]


def test_the_bound_query_holds_only_the_resolved_term(root: DatasetRoot) -> None:
    text = bound_query("interventions-by-harm", harm="CSE", root=root)
    assert "VALUES (?_harm_iri) { (<https://w3id.org/csgkg/vocab/harm/sexual-exploitation>) }" in text
    assert "CSE" not in text.split("WHERE", 1)[1]


def test_expected_answers_show_iris_as_curies(root: DatasetRoot) -> None:
    stored = get_query("interventions-by-country", root)
    assert stored.example == {"country": "wd:Q30"}
    assert stored.expected is not None
    assert stored.expected.rows[0][0] == curie(URIRef(I + "mentors-in-violence-prevention"))


# --- portability: the same text gives the same answer on another SPARQL 1.1 engine -------------------


@pytest.mark.parametrize("stored", STORED, ids=lambda q: q.name)
def test_the_bound_query_gives_the_same_answer_on_oxigraph(
    stored: StoredQuery, root: DatasetRoot, graph: Graph
) -> None:
    """Standard SPARQL 1.1 only: Oxigraph (the engine meant for large data) agrees with rdflib."""
    ox = pytest.importorskip("pyoxigraph")
    store = ox.Store()
    store.load(to_ntriples(graph), format=ox.RdfFormat.N_TRIPLES)
    text, _ = bind_parameters(stored, stored.example, root)
    answer = store.query(text)
    columns = [v.value for v in answer.variables]

    def shown(term: object) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            return curie(URIRef(term.value))
        return " ".join(str(term.value).split())

    rows = [[shown(solution[c]) for c in columns] for solution in answer]
    assert stored.expected is not None
    assert (columns, rows) == (stored.expected.columns, stored.expected.rows)
