"""`csgkg build`: writes every format, twice byte-identical, and nothing when the data is invalid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SKOS

from conftest import copy_root
from csgkg.publish.pipeline import build

pytestmark = pytest.mark.slow  # each test runs whole builds

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
    assert result.interventions == len(list((tmp_root.data_dir / "interventions").glob("*.ttl")))
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
    from csgkg.io.serialise import load_context, to_jsonld, to_turtle

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

    from csgkg.core.namespaces import CSG, PREFIXES

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


def _release(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_synthetic_registry_gets_the_same_release_as_the_real_dataset(tmp_path: Path, tmp_root) -> None:
    """One pipeline: a generated registry is built into the same set of files, in the same formats
    (JSON-LD compacted with the designed context), byte-identical twice, each holding the graph."""
    from conftest import load_synth
    from csgkg.core.root import DatasetRoot
    from csgkg.io.parse import load_dataset

    assert build(tmp_root).ok
    synth = load_synth()
    roots = []
    for name in ("a", "b"):
        synth.synthesise(40, 7, tmp_path / name, 0.0)
        roots.append(DatasetRoot(tmp_path / name))
        result = build(roots[-1])
        assert result.ok and result.interventions > 40, result.summary()
    first, second = (_release(r.dist_dir) for r in roots)
    assert set(first) == set(_release(tmp_root.dist_dir))
    assert first == second
    root = roots[0]
    expected = load_dataset(root).graph()
    for name, fmt in (("csgkg.ttl", "turtle"), ("csgkg.nt", "nt"), ("csgkg.jsonld", "json-ld")):
        written = Graph().parse(root.dist_dir / name, format=fmt)
        assert isomorphic(written, expected), f"{name}:\n" + describe_difference(written, expected)
    document = json.loads((root.dist_dir / "csgkg.jsonld").read_text(encoding="utf-8"))
    context = json.loads((root.context_file).read_text(encoding="utf-8"))["@context"]
    assert document["@context"] == context
    assert all("@id" not in node and "id" in node for node in document["@graph"])  # compacted


def test_a_build_stopped_part_way_leaves_the_old_release_whole(tmp_root, monkeypatch) -> None:
    import pytest

    import csgkg.publish.pipeline

    assert build(tmp_root).ok
    before = _release(tmp_root.dist_dir)

    def fail(*args, **kwargs):
        raise RuntimeError("stopped")

    monkeypatch.setattr(csgkg.publish.pipeline, "write_release", fail)
    victim = tmp_root.data_dir / "interventions" / "shifting-boundaries.ttl"
    victim.write_text(victim.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        build(tmp_root)
    assert _release(tmp_root.dist_dir) == before
    assert sorted(p.name for p in tmp_root.path.iterdir() if p.name.startswith(".dist")) == []


def _whole_release(dist: Path) -> bool:
    """Every file dataset.ttl describes is there with its size and SHA-256, and nothing else is."""
    import hashlib

    from rdflib import URIRef

    dcat, spdx = "http://www.w3.org/ns/dcat#", "http://spdx.org/rdf/terms#"
    description = Graph().parse(dist / "dataset.ttl", format="turtle")
    release_iri = str(next(description.objects(None, URIRef(dcat + "accessURL"))))
    described = set()
    for node in description.subjects(URIRef(dcat + "downloadURL"), None):
        url = str(description.value(node, URIRef(dcat + "downloadURL")))
        path = dist / url[len(release_iri) :]
        checksum = description.value(node, URIRef(spdx + "checksum"))
        value = str(description.value(checksum, URIRef(spdx + "checksumValue")))
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != value:
            return False
        described.add(path)
    on_disk = {p for p in dist.rglob("*") if p.is_file() and p.name != "dataset.ttl"}
    return described == on_disk


def test_a_build_killed_at_any_point_leaves_one_whole_release(tmp_root) -> None:
    """A build is killed (SIGKILL) at spread-out moments while it rewrites a changed release: dist/ is
    always the old release or the new one, whole (every file matches dataset.ttl's checksums)."""
    import subprocess
    import sys
    import time

    assert build(tmp_root).ok
    victim = tmp_root.data_dir / "interventions" / "shifting-boundaries.ttl"
    command = [sys.executable, "-m", "csgkg", "--root", str(tmp_root.path), "build"]
    for delay in (0.3, 0.8, 1.3, 1.8, 2.4, 3.0, 3.6, 4.5):
        victim.write_text(victim.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a new release
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()
        assert _whole_release(tmp_root.dist_dir), f"killed after {delay} s"
    assert build(tmp_root).ok and _whole_release(tmp_root.dist_dir)
    assert not [p for p in tmp_root.path.iterdir() if p.name.startswith(".dist")]
