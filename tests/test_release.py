"""The release bundle: every distribution parses back to the build's graph, the CSV tables are
described by valid CSVW metadata, dataset.ttl gives each file's size and SHA-256, CHANGES.md lists
the interventions added, removed and changed, and two builds are byte-identical."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, VOID, XSD

from conftest import REPO, copy_root
from csgkg.core.namespaces import CSG, ONTOLOGY_IRI, PREFIXES
from csgkg.core.root import DatasetRoot
from csgkg.publish.pipeline import build
from csgkg.publish.release.framing import CONTEXT_IRI, context_loader, local_document_loader
from csgkg.publish.release.tables import SEPARATOR

DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
TABLES = ("interventions", "organisations", "sources", "concepts", "claims")
INTERVENTION = PREFIXES["intervention"]


def describe_difference(a: Graph, b: Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    return (
        f"only in the first ({len(only_a)}):\n{only_a.serialize(format='nt')[:3000]}"
        f"only in the second ({len(only_b)}):\n{only_b.serialize(format='nt')[:3000]}"
    )


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """A private copy of the dataset, built once for this module."""
    root = copy_root(tmp_path_factory.mktemp("release") / "root")
    result = build(root)
    assert result.ok, "the dataset must conform for the release to be written"
    return root


@pytest.fixture(scope="module")
def expected(release: DatasetRoot) -> Graph:
    """The build's graph: the union of the ontology, vocabularies and data."""
    from csgkg.io.parse import load_dataset

    return load_dataset(release).graph()


def with_local_context(document: object, context: dict) -> object:
    """``document`` with every reference to the project's context replaced by the context itself
    (what the local document loader does for pyld), so rdflib never fetches it."""
    if isinstance(document, list):
        return [with_local_context(item, context) for item in document]
    if not isinstance(document, dict):
        return document
    out = {}
    for key, value in document.items():
        if key == "@context":
            items = value if isinstance(value, list) else [value]
            items = [context if item == CONTEXT_IRI else item for item in items]
            out[key] = items if isinstance(value, list) else items[0]
        else:
            out[key] = with_local_context(value, context)
    return out


JSON_LD_MODES = ("json-ld-1.0", "json-ld-1.1")


def parse_with_pyld(path: Path, release: DatasetRoot, mode: str = "json-ld-1.1") -> Graph:
    """``path`` read as RDF by pyld in processing ``mode``, with a document loader that refuses
    every IRI: the file must carry its context."""
    from pyld import jsonld

    document = json.loads(path.read_text(encoding="utf-8"))
    options = {
        "format": "application/n-quads",
        "processingMode": mode,
        "documentLoader": local_document_loader({}),
    }
    nquads = jsonld.to_rdf(document, options)
    # Everything is in the default graph, so each quad line is an N-Triples line.
    return Graph().parse(data=nquads, format="nt")


def parse_with_pyld_1_0(path: Path, release: DatasetRoot) -> Graph:
    return parse_with_pyld(path, release, "json-ld-1.0")


def parse_with_rdflib(path: Path, release: DatasetRoot) -> Graph:
    context = json.loads(release.context_file.read_text(encoding="utf-8"))["@context"]
    document = with_local_context(json.loads(path.read_text(encoding="utf-8")), context)
    return Graph().parse(data=json.dumps(document), format="json-ld")


# -- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt"), [("csgkg.ttl", "turtle"), ("csgkg.nt", "nt")])
def test_rdf_distribution_is_isomorphic_to_the_build(release, expected, name, fmt) -> None:
    parsed = Graph().parse(release.dist_dir / name, format=fmt)
    assert isomorphic(parsed, expected), f"{name}\n{describe_difference(parsed, expected)}"


PARSERS = [parse_with_pyld, parse_with_pyld_1_0, parse_with_rdflib]
PARSER_IDS = ["pyld-1.1", "pyld-1.0", "rdflib"]


@pytest.mark.parametrize("parser", PARSERS, ids=PARSER_IDS)
def test_jsonld_distribution_is_isomorphic_to_the_build(release, expected, parser) -> None:
    parsed = parser(release.dist_dir / "csgkg.jsonld", release)
    assert isomorphic(parsed, expected), describe_difference(parsed, expected)


@pytest.mark.parametrize("mode", JSON_LD_MODES)
def test_jsonld_gives_the_triples_of_the_ntriples_file_in_both_processing_modes(release, mode) -> None:
    """A JSON-LD 1.0 processor (Jena's reader, pyld in 1.0 mode) and a 1.1 one read csgkg.jsonld
    as the same triples as csgkg.nt, without loading anything."""
    ntriples = Graph().parse(release.dist_dir / "csgkg.nt", format="nt")
    parsed = parse_with_pyld(release.dist_dir / "csgkg.jsonld", release, mode)
    assert isomorphic(parsed, ntriples), describe_difference(parsed, ntriples)


# Keywords and container values that only JSON-LD 1.1 knows, in a context or a term definition.
JSON_LD_1_1_KEYWORDS = {
    "@version", "@protected", "@propagate", "@import", "@nest", "@prefix", "@direction", "@included",
    "@context", "@json", "@none",
}  # fmt: skip
JSON_LD_1_1_CONTAINERS = {"@id", "@type", "@graph"}


def _json_ld_1_1_features(context: dict) -> list[str]:
    found = [f"{key} in the context" for key in context if key in JSON_LD_1_1_KEYWORDS]
    for term, definition in context.items():
        if not isinstance(definition, dict):
            continue
        found.extend(f"{term}: {key}" for key in definition if key in JSON_LD_1_1_KEYWORDS)
        if definition.get("@type") in ("@json", "@none"):
            found.append(f"{term}: @type {definition['@type']}")
        containers = definition.get("@container", [])
        containers = containers if isinstance(containers, list) else [containers]
        if len(containers) > 1 or set(containers) & JSON_LD_1_1_CONTAINERS:
            found.append(f"{term}: @container {containers}")
        if "@index" in containers and "@reverse" not in definition:
            found.append(f"{term}: an @index map")
    return found


@pytest.mark.parametrize("name", ["context.jsonld", "csgkg.jsonld", "interventions.json"])
def test_contexts_use_only_json_ld_1_0(release, name) -> None:
    """No ``@version: 1.1`` (a 1.0 processor refuses a file that has it) and no 1.1 feature."""
    context = json.loads((release.dist_dir / name).read_text(encoding="utf-8"))["@context"]
    assert isinstance(context, dict), f"{name}: the context is inline, as one object"
    assert not _json_ld_1_1_features(context), name


def test_json_ld_1_0_processors_refuse_version_1_1(release) -> None:
    """Why the context must not say ``@version: 1.1``: pyld in 1.0 mode refuses the file."""
    from pyld import jsonld
    from pyld.jsonld import JsonLdError

    document = json.loads((release.dist_dir / "csgkg.jsonld").read_text(encoding="utf-8"))
    document["@context"]["@version"] = 1.1
    with pytest.raises(JsonLdError):
        jsonld.expand(
            document, {"processingMode": "json-ld-1.0", "documentLoader": local_document_loader({})}
        )


def test_inferred_distribution_contains_the_build(release, expected) -> None:
    inferred = Graph().parse(release.dist_dir / "csgkg-inferred.ttl", format="turtle")
    # Blank nodes get new labels in each file and literals may be normalised: compare the rest.
    plain = [t for t in expected if not any(isinstance(x, Literal | BNode) for x in t)]
    missing = [t for t in plain if t not in inferred]
    assert plain and not missing, missing[:5]


@pytest.mark.parametrize("parser", PARSERS, ids=PARSER_IDS)
def test_framed_interventions_parse_back_to_the_build(release, expected, parser) -> None:
    parsed = parser(release.dist_dir / "interventions.json", release)
    extra = [t for t in parsed if t not in expected]
    assert not extra, f"statements not in the build: {extra[:5]}"
    interventions = {s for s in expected.subjects(RDF.type, None) if str(s).startswith(INTERVENTION)}
    assert interventions
    for node in interventions:
        own = set(expected.triples((node, None, None)))
        assert own <= set(parsed), f"{node}: {sorted(own - set(parsed))[:3]}"
        for claim in expected.subjects(RDF.subject, node):
            claim_triples = set(expected.triples((claim, None, None)))
            assert claim_triples <= set(parsed), f"claim {claim} is not nested under {node}"


def test_framed_interventions_are_nested_documents_with_labels(release, expected) -> None:
    document = json.loads((release.dist_dir / "interventions.json").read_text(encoding="utf-8"))
    context = document["@context"]
    assert isinstance(context, dict), "the context is embedded, not named by an address"
    assert context["claims"] == {"@container": "@set", "@reverse": "rdf:subject"}
    assert CONTEXT_IRI not in json.dumps(document)
    documents = {d["id"]: d for d in document["@graph"]}
    assert set(documents) == {
        f"intervention:{str(s)[len(INTERVENTION) :]}"
        for s in expected.subjects(RDF.type, None)
        if str(s).startswith(INTERVENTION)
    }
    sb = documents["intervention:shifting-boundaries"]
    assert sb["label"] == "Shifting Boundaries"
    assert {"id": "context:school", "prefLabel": "school", "type": ["Concept", "Context"]} in sb[
        "worksInContext"
    ]
    assert sb["evidenceStatus"]["prefLabel"] == "evaluated elsewhere"
    assert all("title" in s for s in sb["hasSource"])
    assert all(c["type"] == "Claim" and "predicate" in c for c in sb["claims"])
    assert "@graph" not in json.dumps(document["@graph"])


def test_local_document_loader_serves_only_the_project_context(release) -> None:
    from pyld.jsonld import JsonLdError

    loader = context_loader(release.context_file)
    served = loader(CONTEXT_IRI, {})
    assert served["document"]["@context"]["csg"] == str(CSG)
    with pytest.raises(JsonLdError, match="never fetches"):
        loader("https://example.org/context.jsonld", {})


def test_prefix_map_matches_the_context(release) -> None:
    prefixes = json.loads((release.dist_dir / "prefixes.json").read_text(encoding="utf-8"))
    assert prefixes == dict(sorted(PREFIXES.items()))
    context = json.loads(release.context_file.read_text(encoding="utf-8"))["@context"]
    for prefix, namespace in context.items():
        if isinstance(namespace, str) and namespace.endswith(("/", "#", "_")) and prefix in prefixes:
            assert prefixes[prefix] == namespace, prefix


# -- CSV and CSVW --------------------------------------------------------------------------------


def read_table(release: DatasetRoot, name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (release.dist_dir / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_csvw_metadata_validates(release) -> None:
    from csvw import CSVW

    data = CSVW(str(release.dist_dir / "csgkg-metadata.json"), validate=True)
    assert data.is_valid, [str(w.message) for w in data.warnings]
    assert sorted(t.url.string for t in data.tables) == sorted(f"{t}.csv" for t in TABLES)


def test_every_csv_column_is_described(release) -> None:
    metadata = json.loads((release.dist_dir / "csgkg-metadata.json").read_text(encoding="utf-8"))
    described = {t["url"]: t["tableSchema"]["columns"] for t in metadata["tables"]}
    for name in TABLES:
        header, rows = read_table(release, name)
        columns = described[f"{name}.csv"]
        assert header[0] == "id", name
        assert header == [c["name"] for c in columns], name
        for column in columns:
            assert column["dc:description"] and column["datatype"] and column["titles"], column
        ids = [row["id"] for row in rows]
        assert ids == sorted(ids) and len(ids) == len(set(ids)), f"{name}: rows not sorted by id"
        for column in columns:
            if "separator" not in column:
                assert all(SEPARATOR not in row[column["name"]] for row in rows), column["name"]


def test_csv_values_come_from_the_graph(release, expected) -> None:
    _, rows = read_table(release, "interventions")
    interventions = {s for s in expected.subjects(RDF.type, None) if str(s).startswith(INTERVENTION)}
    assert {row["id"] for row in rows} == {str(s) for s in interventions}
    row = next(r for r in rows if r["id"].endswith("/shifting-boundaries"))
    node = URIRef(row["id"])
    assert row["type"] == str(CSG.Programme)
    assert row["label"] == "Shifting Boundaries"
    assert row["harms"].split(SEPARATOR) == sorted(str(o) for o in expected.objects(node, CSG.addressesHarm))
    assert row["sources"].split(SEPARATOR) == sorted(str(o) for o in expected.objects(node, CSG.hasSource))
    _, claims = read_table(release, "claims")
    assert len(claims) == len(set(expected.subjects(RDF.type, CSG.Claim)))
    _, concepts = read_table(release, "concepts")
    harassment = next(c for c in concepts if c["id"].endswith("/harm/sexual-harassment"))
    assert harassment["pref_label"] == "sexual harassment"
    assert harassment["type"] == str(CSG.Harm)


def _foreign_keys(release: DatasetRoot) -> list[tuple[str, str, str, str | None]]:
    """(table file, column, referenced table file, separator) for every declared foreign key."""
    metadata = json.loads((release.dist_dir / "csgkg-metadata.json").read_text(encoding="utf-8"))
    found = []
    for table in metadata["tables"]:
        columns = {c["name"]: c for c in table["tableSchema"]["columns"]}
        for key in table["tableSchema"].get("foreignKeys", []):
            assert key["reference"]["columnReference"] == "id"
            column = columns[key["columnReference"]]
            found.append(
                (table["url"], column["name"], key["reference"]["resource"], column.get("separator"))
            )
    return found


def test_csvw_metadata_declares_a_foreign_key_for_every_column_of_ids(release) -> None:
    """Every column whose values are ids of a table is a declared foreign key to it, and no other."""
    ids = {f"{name}.csv": {row["id"] for row in read_table(release, name)[1]} for name in TABLES}
    declared = {(table, column): target for table, column, target, _ in _foreign_keys(release)}
    for name in TABLES:
        header, rows = read_table(release, name)
        for column in header[1:]:
            values = {v for row in rows for v in row[column].split(SEPARATOR) if v}
            targets = {target for target, keys in ids.items() if values and values <= keys}
            if targets:
                assert declared.get((f"{name}.csv", column)) in targets, f"{name}.{column} is not declared"
    assert ("claims.csv", "object") not in declared  # its values are of several tables, and Wikidata
    assert declared[("interventions.csv", "harms")] == "concepts.csv"
    assert declared[("sources.csv", "publisher")] == "organisations.csv"


def test_every_foreign_key_resolves_in_the_release(release) -> None:
    from csvw import TableGroup

    keys = _foreign_keys(release)
    assert len(keys) >= 20
    for table, column, target, separator in keys:
        targets = {row["id"] for row in read_table(release, target.removesuffix(".csv"))[1]}
        _, rows = read_table(release, table.removesuffix(".csv"))
        for row in rows:
            values = row[column].split(separator) if separator else [row[column]]
            missing = [v for v in values if v and v not in targets]
            assert not missing, f"{table} <{row['id']}> {column}: {missing} not in {target}"
    group = TableGroup.from_file(release.dist_dir / "csgkg-metadata.json")
    assert group.check_referential_integrity()


def _break_a_reference(folder: Path) -> None:
    path = folder / "claims.csv"
    text = path.read_text(encoding="utf-8")
    source = PREFIXES["source"]
    assert source in text
    path.write_text(text.replace(source, source + "no-such-", 1), encoding="utf-8")


def test_csvw_catches_a_broken_reference(release, tmp_path) -> None:
    """csvw's own check (csvwvalidate) fails on a release whose claims.csv names a missing source."""
    from csvw import TableGroup

    for path in [*release.dist_dir.glob("*.csv"), release.dist_dir / "csgkg-metadata.json"]:
        shutil.copy(path, tmp_path / path.name)
    group = TableGroup.from_file(tmp_path / "csgkg-metadata.json")
    assert group.check_referential_integrity()
    _break_a_reference(tmp_path)
    group = TableGroup.from_file(tmp_path / "csgkg-metadata.json")
    with pytest.raises(ValueError, match=r"no-such-.*not found in table sources\.csv"):
        group.check_referential_integrity()
    validate = shutil.which("csvwvalidate")
    if validate:
        run = subprocess.run(
            [validate, str(tmp_path / "csgkg-metadata.json")], capture_output=True, text=True
        )
        assert run.returncode != 0 and "FAIL" in run.stdout


@pytest.mark.slow
def test_the_build_refuses_a_reference_that_does_not_resolve(tmp_path, capsys) -> None:
    """A concept whose dcterms:source names no source conforms to the shapes (they leave
    dcterms:source open), but the release would link to a row that is not in sources.csv: the
    build stops with a message naming the table, row, column and value, and writes no dist/."""
    from csgkg.cli.main import main

    root = copy_root(tmp_path / "root")
    path = root.path / "ontology" / "vocab" / "blueprints-rating.ttl"
    text = path.read_text(encoding="utf-8")
    assert "dcterms:source source:blueprints-promising-and-model ." in text
    path.write_text(
        text.replace(
            "dcterms:source source:blueprints-promising-and-model .",
            "dcterms:source source:no-such-source .",
            1,
        ),
        encoding="utf-8",
    )
    assert main(["--root", str(root.path), "build"]) == 2
    err = capsys.readouterr().err
    assert "do not resolve" in err
    assert "concepts.csv: row <https://w3id.org/csgkg/vocab/blueprints-rating/" in err
    assert (
        "column 'sources': <https://w3id.org/csgkg/id/source/no-such-source> is not an id in sources.csv"
        in err
    )
    assert not (root.dist_dir / "concepts.csv").exists()


def test_unresolved_references_lists_each_missing_value(expected) -> None:
    from csgkg.publish.release.tables import tables, unresolved_references

    graph = Graph()
    graph += expected
    node = URIRef(INTERVENTION + "shifting-boundaries")
    graph.add((node, CSG.hasSource, URIRef(PREFIXES["source"] + "missing")))
    graph.add((node, CSG.developedBy, URIRef(PREFIXES["organisation"] + "missing")))
    all_tables = tables(graph)
    problems = unresolved_references(all_tables, {t.name: t.rows(graph) for t in all_tables})
    assert problems == [
        f"interventions.csv: row <{node}>, column 'developed_by': "
        f"<{PREFIXES['organisation']}missing> is not an id in organisations.csv",
        f"interventions.csv: row <{node}>, column 'sources': "
        f"<{PREFIXES['source']}missing> is not an id in sources.csv",
    ]
    assert unresolved_references(tables(expected), {t.name: t.rows(expected) for t in tables(expected)}) == []


# -- dataset.ttl -----------------------------------------------------------------------------------


def test_dataset_description_gives_size_and_sha256_of_every_file(release) -> None:
    description = Graph().parse(release.dist_dir / "dataset.ttl", format="turtle")
    dcat = lambda term: URIRef(DCAT + term)  # noqa: E731
    spdx = lambda term: URIRef(SPDX + term)  # noqa: E731
    distributions = set(description.subjects(RDF.type, dcat("Distribution")))
    described = set()
    release_iri = str(next(description.objects(None, dcat("accessURL"))))
    for node in distributions:
        url = str(description.value(node, dcat("downloadURL")))
        assert url.startswith(release_iri)
        path = release.dist_dir / url[len(release_iri) :]
        described.add(path.relative_to(release.dist_dir).as_posix())
        data = path.read_bytes()
        assert description.value(node, dcat("byteSize")) == Literal(
            len(data), datatype=XSD.nonNegativeInteger
        ), path
        checksum = description.value(node, spdx("checksum"))
        assert description.value(checksum, spdx("algorithm")) == spdx("checksumAlgorithm_sha256")
        assert str(description.value(checksum, spdx("checksumValue"))) == hashlib.sha256(data).hexdigest(), (
            path
        )
        assert str(description.value(node, dcat("mediaType"))).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
    on_disk = {
        p.relative_to(release.dist_dir).as_posix()
        for p in release.dist_dir.rglob("*")
        if p.is_file() and p.name != "dataset.ttl" and "site" not in p.relative_to(release.dist_dir).parts
    }
    assert described == on_disk


def test_dataset_description_states_licence_version_and_statistics(release, expected) -> None:
    description = Graph().parse(release.dist_dir / "dataset.ttl", format="turtle")
    version = str(expected.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo))
    dataset = URIRef(f"https://w3id.org/csgkg/releases/{version}/dataset")
    dcat = lambda term: URIRef(DCAT + term)  # noqa: E731
    schema = lambda term: URIRef("https://schema.org/" + term)  # noqa: E731
    for cls in (dcat("Dataset"), VOID.Dataset, schema("Dataset"), URIRef("http://www.w3.org/ns/prov#Entity")):
        assert (dataset, RDF.type, cls) in description
    assert description.value(dataset, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(description.value(dataset, dcat("version"))) == version
    assert description.value(dataset, DCTERMS.issued) == Literal(version, datatype=XSD.date)
    assert description.value(dataset, DCTERMS.creator) is not None
    assert int(description.value(dataset, VOID.triples)) == len(expected)
    assert int(description.value(dataset, VOID.properties)) == len(set(expected.predicates()))
    assert int(description.value(dataset, VOID.classes)) == len(set(expected.objects(None, RDF.type)))
    assert int(description.value(dataset, VOID.entities)) == len(
        {s for s in expected.subjects() if isinstance(s, URIRef)}
    )
    assert (URIRef("https://w3id.org/csgkg/dataset"), dcat("hasCurrentVersion"), dataset) in description


def test_ontology_documentation_is_generated_by_pylode(release, expected) -> None:
    html = (release.dist_dir / "docs" / "ontology" / "index.html").read_text(encoding="utf-8")
    title = str(expected.value(URIRef(ONTOLOGY_IRI), DCTERMS.title))
    assert title in html
    assert "pyLODE" in html
    for cls in (CSG.Programme, CSG.Claim):
        assert str(expected.value(cls, RDFS.label)) in html


# -- csgkg-protege.owl: the OWL 2 DL profile --------------------------------------------------------

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _hermit_jar() -> Path:
    import owlready2

    return Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"


def _needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (Java 17) is not installed")


def _run_hermit(path: Path) -> object:
    """Load ``path`` with owlready2 into a world of its own and run HermiT on it; return the world."""
    import owlready2

    world = owlready2.World()
    ontology = world.get_ontology(path.resolve().as_uri()).load()
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    return world


@pytest.fixture(scope="module")
def protege(release: DatasetRoot) -> Graph:
    return Graph().parse(release.dist_dir / "csgkg-protege.owl", format="xml")


def test_protege_profile_has_no_xsd_date_and_no_lang_string(release, protege) -> None:
    text = (release.dist_dir / "csgkg-protege.owl").read_text(encoding="utf-8")
    assert XSD_DATE + '"' not in text and "langString" not in text
    assert not [o for o in protege.objects() if isinstance(o, Literal) and o.datatype == XSD.date]
    assert not list(protege.triples((None, None, URIRef(LANG_STRING))))
    for prop in ("findings", "outcomeRated", "studyBasis"):
        assert protege.value(CSG[prop], RDFS.range) == RDFS.Literal, prop
        assert (CSG[prop], RDF.type, OWL.DatatypeProperty) in protege


def test_protege_profile_keeps_every_statement_of_the_release(expected, protege) -> None:
    """Every statement is there, dates as the dateTime of their midnight and years as strings; only
    ``csg:Claim rdfs:subClassOf rdf:Statement`` (a reserved class) is left out."""
    from csgkg.publish.release.protege import owl2_literal, owl2_range

    def profiled(triple: tuple) -> tuple:
        s, p, o = triple
        if isinstance(o, Literal):
            return s, p, owl2_literal(o)
        return s, p, owl2_range(o) if p == RDFS.range else o

    plain = [t for t in expected if not any(isinstance(x, BNode) for x in t)]
    missing = [t for t in plain if profiled(t) not in protege]
    assert missing == [(CSG.Claim, RDFS.subClassOf, RDF.Statement)]
    created = Literal("2026-11-26T00:00:00", datatype=XSD.dateTime)
    assert protege.value(URIRef(ONTOLOGY_IRI), DCTERMS.created) == created
    issued = {o for o in expected.objects(None, DCTERMS.issued) if o.datatype == XSD.gYear}
    assert issued and {Literal(str(o)) for o in issued} <= set(protege.objects(None, DCTERMS.issued))


def test_owl2_literal_and_range() -> None:
    from csgkg.publish.release.protege import owl2_literal, owl2_range

    assert owl2_literal(Literal("2020-01-01", datatype=XSD.date)) == Literal(
        "2020-01-01T00:00:00", datatype=XSD.dateTime
    )
    assert owl2_literal(Literal("2009", datatype=XSD.gYear)) == Literal("2009")
    for kept in (Literal("x", lang="en"), Literal("3", datatype=XSD.integer), Literal("plain")):
        assert owl2_literal(kept) == kept
    assert owl2_range(XSD.date) == XSD.dateTime
    assert owl2_range(URIRef(LANG_STRING)) == RDFS.Literal
    assert owl2_range(XSD.gYear) == RDFS.Literal
    assert owl2_range(XSD.integer) == XSD.integer
    assert owl2_range(CSG.Source) == CSG.Source


def test_a_property_of_two_kinds_stops_the_profile() -> None:
    from csgkg.publish.release.protege import protege_profile
    from csgkg.publish.release.version import ReleaseError

    graph = Graph()
    graph.add((CSG.ratingDate, RDF.type, OWL.DatatypeProperty))
    graph.add((CSG.ratingDate, RDFS.subPropertyOf, DCTERMS.date))
    graph.add((URIRef(INTERVENTION + "x"), DCTERMS.date, URIRef("https://example.org/a-date")))
    with pytest.raises(ReleaseError, match=r"dc/terms/date> is a datatype property but has IRI values"):
        protege_profile(graph)


def test_hermit_runs_on_the_protege_profile(release) -> None:
    """owlready2 loads csgkg-protege.owl and HermiT classifies it: consistent, and a programme is
    inferred to be an intervention."""
    _needs("java")
    world = _run_hermit(release.dist_dir / "csgkg-protege.owl")
    assert list(world.inconsistent_classes()) == []
    programme = world[INTERVENTION + "shifting-boundaries"]
    assert world[str(CSG.Intervention)] in programme.INDIRECT_is_a
    concept = world[PREFIXES["harm"] + "sexual-harassment"]
    assert concept is not None and world[str(CSG.Harm)] in concept.is_a


def test_hermit_refuses_an_xsd_date_that_the_profile_converts(tmp_path) -> None:
    """Why the profile exists: HermiT refuses xsd:date (not in the OWL 2 datatype map); the same
    graph through protege_profile is accepted."""
    import owlready2

    from csgkg.io.rdfxml import to_rdfxml
    from csgkg.publish.release.protege import protege_profile

    _needs("java")
    graph = Graph()
    graph.add((URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology))
    graph.add((CSG.Rating, RDF.type, OWL.Class))
    graph.add((CSG.ratingDate, RDF.type, OWL.DatatypeProperty))
    rating = URIRef(PREFIXES["rating"] + "r")
    graph.add((rating, RDF.type, CSG.Rating))
    graph.add((rating, CSG.ratingDate, Literal("2020-01-01", datatype=XSD.date)))
    raw, converted = tmp_path / "raw.owl", tmp_path / "converted.owl"
    raw.write_text(to_rdfxml(graph, URIRef(ONTOLOGY_IRI)), encoding="utf-8")
    converted.write_text(to_rdfxml(protege_profile(graph), URIRef(ONTOLOGY_IRI)), encoding="utf-8")
    with pytest.raises(owlready2.OwlReadyJavaError, match="XMLSchema#date"):
        _run_hermit(raw)
    world = _run_hermit(converted)
    assert world[str(rating)].ratingDate


def test_protege_profile_is_owl2_dl_for_the_owl_api(release, tmp_path) -> None:
    """The OWL API (the library Protégé is built on, inside HermiT.jar) parses the file as RDF/XML
    and finds no OWL 2 DL violation: no undeclared entity, no punning between property kinds, no
    reserved vocabulary used as a class or datatype."""
    _needs("javac")
    source = REPO / "tests" / "owl" / "ProfileCheck.java"
    classpath = f"{_hermit_jar()}{os.pathsep}{tmp_path}"
    subprocess.run(["javac", "-d", str(tmp_path), "-cp", classpath, str(source)], check=True, timeout=300)
    run = subprocess.run(
        ["java", "-cp", classpath, "ProfileCheck", str(release.dist_dir / "csgkg-protege.owl")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "format RDFXMLOntologyFormat" in run.stdout
    violations = [line for line in run.stdout.splitlines() if line.startswith("VIOLATION")]
    assert not violations, "\n".join(violations[:20])
    assert run.stdout.rstrip().endswith("IN PROFILE")


# -- CHANGES.md ------------------------------------------------------------------------------------


def test_changes_of_a_first_release(release) -> None:
    text = (release.dist_dir / "CHANGES.md").read_text(encoding="utf-8")
    assert "First release" in text
    assert "[Shifting Boundaries](https://w3id.org/csgkg/id/intervention/shifting-boundaries)" in text


def test_a_first_release_lists_every_intervention_in_the_catalogues_order(release, expected) -> None:
    from csgkg.publish.release.changes import _link
    from csgkg.publish.release.records import Catalogue

    text = (release.dist_dir / "CHANGES.md").read_text(encoding="utf-8")
    listed = [line for line in text.splitlines() if line.startswith("- [")]
    records = Catalogue(expected).interventions
    assert len(records) > 20
    assert listed == [f"- {_link(record.label, record.iri)}" for record in records]


def _section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.slow
def test_changes_since_an_older_dist_folder(release, tmp_path) -> None:
    """An older dist/ without one intervention, with one that has since gone, and with one changed:
    CHANGES.md lists each where it belongs, and nothing else."""
    older = tmp_path / "older-dist"
    shutil.copytree(release.dist_dir, older)
    graph = Graph().parse(older / "csgkg.nt", format="nt")
    added = URIRef(INTERVENTION + "community-activism")
    for claim in list(graph.subjects(RDF.subject, added)):
        graph.remove((claim, None, None))
    graph.remove((added, None, None))
    gone = URIRef(INTERVENTION + "street-based-youth-work")
    graph.add((gone, RDF.type, CSG.Approach))
    graph.add((gone, RDFS.label, Literal("street-based youth work", lang="en")))
    changed = URIRef(INTERVENTION + "shifting-boundaries")
    graph.remove((changed, CSG.addressesHarm, URIRef(PREFIXES["harm"] + "sexual-violence")))
    graph.add((changed, CSG.addressesHarm, URIRef(PREFIXES["harm"] + "bullying")))
    graph.serialize(older / "csgkg.nt", format="nt", encoding="utf-8")

    root = copy_root(tmp_path / "root")
    assert build(root, since=older).ok
    text = (root.dist_dir / "CHANGES.md").read_text(encoding="utf-8")
    assert "Compared with the release in the folder given with --since" in text
    assert "## Added (1)" in text and "intervention:community-activism" in _section(text, "Added")
    assert "## Removed (1)" in text and "intervention:street-based-youth-work" in _section(text, "Removed")
    changes = _section(text, "Changed")
    assert "## Changed (1)" in changes
    assert "### Shifting Boundaries (`intervention:shifting-boundaries`)" in changes
    assert "- added: addresses harm: sexual violence (`harm:sexual-violence`)" in changes
    assert "- removed: addresses harm: bullying (`harm:bullying`)" in changes


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=csgkg tests",
            "-c",
            "user.email=tests@example.org",
            "-C",
            str(folder),
            *args,
        ],
        check=True,
        capture_output=True,
    )


@pytest.mark.slow
def test_changes_since_the_newest_git_tag(tmp_path) -> None:
    root = copy_root(tmp_path / "root")
    _git(root.path, "init", "-q")
    _git(root.path, "add", "ontology", "data")
    _git(root.path, "commit", "-q", "-m", "first release")
    _git(root.path, "tag", "v1")
    path = root.data_dir / "interventions" / "restorative-justice.ttl"
    text = path.read_text(encoding="utf-8")
    assert 'skos:altLabel "RJ"@en' in text
    path.write_text(
        text.replace('skos:altLabel "RJ"@en', 'skos:altLabel "RJ"@en , "restorative practice"@en'),
        encoding="utf-8",
    )
    _git(root.path, "commit", "-q", "-am", "a new name")
    assert build(root).ok
    changes = (root.dist_dir / "CHANGES.md").read_text(encoding="utf-8")
    assert "Compared with the release tagged `v1`" in changes
    assert "## Added (0)" in changes and "## Removed (0)" in changes
    heading = "### restorative justice (`intervention:restorative-justice`)"
    assert f'{heading}\n\n- added: skos:altLabel: "restorative practice"' in changes


@pytest.mark.slow
def test_since_an_unknown_tag_is_a_clear_error(tmp_path) -> None:
    from csgkg.cli.main import main

    root = copy_root(tmp_path / "root")
    assert main(["--root", str(root.path), "build", "--since", "no-such-release"]) == 2


# -- determinism -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_are_byte_identical(release, tmp_path) -> None:
    """A second build, in another process with another hash seed, writes the same bytes."""
    other = copy_root(tmp_path / "other")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-m", "csgkg", "--root", str(other.path), "build"],
        check=True,
        capture_output=True,
        env=env,
        timeout=600,
    )
    first = {p.relative_to(release.dist_dir): p for p in release.dist_dir.rglob("*") if p.is_file()}
    second = {p.relative_to(other.dist_dir): p for p in other.dist_dir.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    different = [str(name) for name in first if first[name].read_bytes() != second[name].read_bytes()]
    assert not different, f"files that differ between two builds: {different}"


def test_release_version_comes_from_the_ontology_not_the_clock() -> None:
    from csgkg.publish.release.version import ReleaseError, release_info

    graph = Graph().parse(REPO / "ontology" / "csgkg.ttl", format="turtle")
    info = release_info(graph)
    assert info.version == str(graph.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo))
    assert info.issued == info.version
    graph.remove((URIRef(ONTOLOGY_IRI), OWL.versionInfo, None))
    with pytest.raises(ReleaseError, match="owl:versionInfo"):
        release_info(graph)
