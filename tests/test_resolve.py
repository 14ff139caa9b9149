"""The name index behind parameter values: it equals the index read a member at a time (the
display name of each member is the least name its first naming property gives), the same on both
back ends, and is kept beside the on-disk index until the files change."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from csgkg.core.root import DatasetRoot
from csgkg.io.locate import curie
from csgkg.sparql import resolve
from csgkg.sparql.resolve import KINDS, NAME_PROPERTIES, SKOS, Index, Kind, build_index
from csgkg.store.base import open_store


def members(graph: Graph, kind: Kind) -> set[URIRef]:
    """Every IRI of the given kind in ``graph``, found by walking its class and property trees."""
    found: set[URIRef] = set()
    for cls in kind.classes:
        for sub in graph.transitive_subjects(RDFS.subClassOf, cls):
            found.update(m for m in graph.subjects(RDF.type, sub) if isinstance(m, URIRef))
    for prop in kind.properties:
        for sub in graph.transitive_subjects(RDFS.subPropertyOf, prop):
            found.update(o for o in graph.objects(None, sub) if isinstance(o, URIRef))
    return found


def index_member_by_member(graph: Graph, kind: Kind) -> Index:
    """The index as a lookup of each member's names gives it (the reference)."""
    index = Index(kind)
    for member in members(graph, kind):
        index.add(0, str(member), member)
        index.add(0, curie(member), member)
        slug = str(member).rstrip("/").rsplit("/", 1)[-1]
        index.add(1, slug, member)
        for prop in NAME_PROPERTIES:
            names = sorted(str(name) for name in graph.objects(member, prop))
            for name in names:
                index.add(1, name, member)
            if names:
                index.names.setdefault(member, names[0])
        for alt in graph.objects(member, SKOS.altLabel):
            index.add(2, str(alt), member)
        index.names.setdefault(member, slug)
    return index


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_the_index_equals_reading_each_members_names(root: DatasetRoot, backend: str) -> None:
    store = open_store(root, backend)
    graph = open_store(root, "rdflib").graph()
    for noun in sorted(KINDS):
        expected, found = index_member_by_member(graph, KINDS[noun]), build_index(store, KINDS[noun])
        assert found.tiers == expected.tiers, noun
        assert found.names == expected.names, noun
    assert len(build_index(store, KINDS["intervention"]).names) > 20


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_a_member_with_two_labels_shows_the_least_on_both_back_ends(tmp_path: Path, backend: str) -> None:
    from conftest import copy_root

    root = copy_root(tmp_path / "root")
    node = URIRef("https://w3id.org/csgkg/id/organisation/example")
    (root.data_dir / "organisations" / "example.ttl").write_text(
        f"""@prefix csg: <https://w3id.org/csgkg/ontology/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{node}> a csg:Organisation ; rdfs:label "Zeta Trust"@en, "Alpha Trust"@fr .""",
        encoding="utf-8",
    )
    index = build_index(open_store(root, backend), KINDS["organisation"])
    assert index.names[node] == "Alpha Trust"
    assert index.lookup("alpha trust") == index.lookup("ZETA   trust") == {node}


def test_the_index_is_kept_beside_the_store_until_the_files_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import copy_root

    root = copy_root(tmp_path / "root")
    store = open_store(root)
    kind = KINDS["intervention"]
    built = resolve.index_for(store, kind)
    kept = resolve._kept_file(store.keep(), kind)
    assert kept.is_file()

    def refuse(*args, **kwargs):
        raise AssertionError("the kept index should have been read")

    # The next command reads the kept index: the same names, tiers and members.
    with monkeypatch.context() as patched:
        patched.setattr(resolve, "build_index", refuse)
        again = open_store(root)
        read = resolve.index_for(again, kind)
    assert read.tiers == built.tiers and read.names == built.names
    assert resolve_member_named(root, "Shifting Boundaries").endswith("/shifting-boundaries")

    # An index kept by other code (another version of csgkg) is not read.
    import json

    data = json.loads(kept.read_text(encoding="utf-8"))
    kept.write_text(json.dumps({**data, "code": "other"}), encoding="utf-8")
    calls = []
    with monkeypatch.context() as patched:
        patched.setattr(resolve, "build_index", lambda *args: calls.append(args) or built)
        again = open_store(root)
        resolve.index_for(again, kind)
    assert len(calls) == 1

    # An edit changes the token: the kept index is not used, and the new name is found.
    path = root.data_dir / "interventions" / "shifting-boundaries.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Shifting Boundaries"', '"Shifting Boundaries Again"', 1), encoding="utf-8")
    assert resolve_member_named(root, "Shifting Boundaries Again").endswith("/shifting-boundaries")

    # A damaged file is built again, not trusted.
    kept.write_text("{not json", encoding="utf-8")
    assert resolve_member_named(root, "Shifting Boundaries Again").endswith("/shifting-boundaries")


def resolve_member_named(root: DatasetRoot, name: str) -> str:
    store = open_store(root)
    kind = KINDS["intervention"]
    return str(resolve.resolve_member(store, kind, name, "intervention"))


def test_a_build_keeps_every_name_index_for_the_first_queries(tmp_root: DatasetRoot, monkeypatch) -> None:
    """After ``csgkg build`` no query builds a name index: each kind's is kept beside the index."""
    from csgkg.publish.pipeline import build

    assert build(tmp_root).ok
    store = open_store(tmp_root)

    def refuse(*args, **kwargs):
        raise AssertionError("the build should have kept this index")

    monkeypatch.setattr(resolve, "build_index", refuse)
    for kind in set(KINDS.values()):
        assert resolve.index_for(store, kind).names, kind.noun
