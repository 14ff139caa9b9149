"""`csgkg build`: writes every format, twice byte-identical, and nothing when the data is invalid."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SKOS

from conftest import copy_root
from csgkg.build import build

FILES = ("csgkg.ttl", "csgkg.nt", "csgkg.jsonld", "csgkg-inferred.ttl", "context.jsonld")


def describe_difference(a: Graph, b: Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    return (
        "only in first:\n"
        + only_a.serialize(format="nt")
        + "only in second:\n"
        + only_b.serialize(format="nt")
    )


def test_build_writes_every_format(tmp_root) -> None:
    result = build(tmp_root)
    assert result.ok
    for name in FILES:
        assert (tmp_root.dist_dir / name).stat().st_size > 0, name
    assert result.interventions == 13
    assert "conforms" in result.summary()


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first, second = copy_root(tmp_path / "a"), copy_root(tmp_path / "b")
    build(first)
    build(second)
    for name in FILES:
        assert (first.dist_dir / name).read_bytes() == (second.dist_dir / name).read_bytes(), name


def test_release_formats_round_trip(tmp_root, dataset) -> None:
    build(tmp_root)
    expected = dataset.graph()
    dist = tmp_root.dist_dir
    for name, fmt in (("csgkg.ttl", "turtle"), ("csgkg.nt", "nt"), ("csgkg.jsonld", "json-ld")):
        parsed = Graph().parse(dist / name, format=fmt)
        assert isomorphic(parsed, expected), f"{name}\n{describe_difference(parsed, expected)}"


def test_turtle_to_jsonld_to_turtle_is_isomorphic(tmp_root, dataset) -> None:
    from csgkg.export import load_context, to_jsonld, to_turtle

    jsonld = to_jsonld(dataset.graph(), load_context(tmp_root.context_file))
    back = Graph().parse(data=jsonld, format="json-ld")
    again = Graph().parse(data=to_turtle(back), format="turtle")
    assert isomorphic(again, dataset.graph()), describe_difference(again, dataset.graph())


def test_jsonld_uses_the_designed_context(tmp_root) -> None:
    build(tmp_root)
    document = json.loads((tmp_root.dist_dir / "csgkg.jsonld").read_text(encoding="utf-8"))
    nodes = {node["id"]: node for node in document["@graph"]}
    sb = nodes["intervention:shifting-boundaries"]
    assert sb["type"] == "Programme"
    assert sb["label"] == "Shifting Boundaries"
    assert "context:school" in sb["worksInContext"]


def test_inferred_release_closes_the_hierarchy(tmp_root) -> None:
    build(tmp_root)
    inferred = Graph().parse(tmp_root.dist_dir / "csgkg-inferred.ttl", format="turtle")
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from csgkg.namespaces import CSG, PREFIXES

    harm = PREFIXES["harm"]
    sb = URIRef(PREFIXES["intervention"] + "shifting-boundaries")
    # subclass: a programme is an intervention
    assert (sb, RDF.type, CSG.Intervention) in inferred
    # subproperty: every facet statement is a csg:facet
    assert (sb, CSG.facet, URIRef(PREFIXES["context"] + "school")) in inferred
    # transitive hierarchy
    assert (
        URIRef(harm + "sexual-exploitation"),
        SKOS.broaderTransitive,
        URIRef(harm + "exploitation"),
    ) in inferred
    # inverse: a form of an approach is listed by the approach
    mvp = URIRef(PREFIXES["intervention"] + "mentors-in-violence-prevention")
    assert (
        URIRef(PREFIXES["intervention"] + "bystander-interventions"),
        CSG.hasExample,
        mvp,
    ) in inferred


def test_build_with_a_violation_writes_nothing(tmp_root) -> None:
    victim = sorted((tmp_root.data_dir / "interventions").glob("*.ttl"))[0]
    victim.write_text(
        victim.read_text(encoding="utf-8").replace("rdfs:label", "rdfs:lable", 1), encoding="utf-8"
    )
    result = build(tmp_root)
    assert not result.ok
    assert not tmp_root.dist_dir.exists()


def test_release_files_are_readable_by_everyone(tmp_root) -> None:
    build(tmp_root)
    for name in FILES:
        assert (tmp_root.dist_dir / name).stat().st_mode & 0o044 == 0o044, name


def test_a_large_build_writes_the_dataset_graph_in_every_format(tmp_path: Path, monkeypatch) -> None:
    """Above LARGE_FILES data files the formats are streamed through Oxigraph's serializers: each
    still holds exactly the graph of the files, and Turtle declares its prefixes in sorted order."""
    import csgkg.build
    from conftest import load_synth
    from csgkg.loader import load_dataset
    from csgkg.root import DatasetRoot

    load_synth().synthesise(20, 5, tmp_path / "root", 0.0)
    root = DatasetRoot(tmp_path / "root")
    monkeypatch.setattr(csgkg.build, "LARGE_FILES", 10)
    result = build(root)
    assert result.ok and any("inference skipped" in note for note in result.notes)
    expected = load_dataset(root).graph()
    for name, fmt in (("csgkg.ttl", "turtle"), ("csgkg.nt", "nt"), ("csgkg.jsonld", "json-ld")):
        written = Graph().parse(root.dist_dir / name, format=fmt)
        assert isomorphic(written, expected), f"{name}:\n" + describe_difference(written, expected)
    lines = (root.dist_dir / "csgkg.ttl").read_text(encoding="utf-8").splitlines()
    prefixes = [line for line in lines if line.startswith("@prefix ")]
    assert prefixes == sorted(prefixes) and lines[: len(prefixes)] == prefixes
    assert lines[len(prefixes)] == "" and lines[len(prefixes) + 1].strip()
