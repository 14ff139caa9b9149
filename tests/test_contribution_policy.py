"""The contribution policy: what `csgkg validate FILE` refuses so that `csgkg add` never drops or
stores something it should not (schema statements, kinds of entry add does not write), the caps
checked before a file is parsed, and the catalogue's links.

Each check runs `validate` and then `add` on a private copy of the dataset root.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, copy_root
from csgkg.cli.main import main
from csgkg.core.root import DatasetRoot
from test_contributions import tree_digest

VALID = EXAMPLES / "contributions" / "valid"
PREFIXES = """
@prefix ex: <https://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix rating: <https://w3id.org/csgkg/id/rating/> .
@prefix claim: <https://w3id.org/csgkg/id/claim/> .
@prefix registry: <https://w3id.org/csgkg/id/registry/> .
@prefix crimesolutions: <https://w3id.org/csgkg/vocab/crimesolutions-rating/> .
"""


@pytest.fixture(scope="module")
def policy_root(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """A private copy of the dataset root, shared by this module's tests (none of them may change it)."""
    return copy_root(tmp_path_factory.mktemp("policy") / "root")


def contribution(tmp_path: Path, extra: str, name: str = "extra.ttl") -> Path:
    """The valid Turtle contribution with ``extra`` statements after it."""
    text = (VALID / "peer-listening-scheme.ttl").read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(text + PREFIXES + extra + "\n", encoding="utf-8")
    return path


def validate_then_add(root: DatasetRoot, path: Path, capsys: pytest.CaptureFixture) -> str:
    """Run `validate` and `add` on ``path``: both must refuse it and data/ must not change; return
    what `validate` printed."""
    before = tree_digest(root.data_dir)
    assert main(["--root", str(root.path), "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert main(["--root", str(root.path), "add", str(path)]) == 1
    capsys.readouterr()
    assert tree_digest(root.data_dir) == before
    return out


# -- schema statements -------------------------------------------------------------------------------

SCHEMA_STATEMENTS = {
    "rdf-property": ("ex:p a rdf:Property .", "<https://example.org/p>"),
    "domain": ("ex:p rdfs:domain csg:Programme .", "<https://example.org/p>"),
    "range": ("ex:p rdfs:range csg:Source .", "<https://example.org/p>"),
    "sub-property": ("ex:p rdfs:subPropertyOf csg:addressesHarm .", "<https://example.org/p>"),
    "sub-class": ("ex:c rdfs:subClassOf csg:Programme .", "<https://example.org/c>"),
    "inverse": ("ex:p owl:inverseOf csg:hasSource .", "<https://example.org/p>"),
    "equivalent-class": ("ex:c owl:equivalentClass csg:Programme .", "<https://example.org/c>"),
    "equivalent-property": ("ex:p owl:equivalentProperty csg:hasSource .", "<https://example.org/p>"),
    "functional-property": ("ex:p a owl:FunctionalProperty .", "<https://example.org/p>"),
    "transitive-property": ("ex:p a owl:TransitiveProperty .", "<https://example.org/p>"),
    "symmetric-property": ("ex:p a owl:SymmetricProperty .", "<https://example.org/p>"),
    "datatype": ("ex:d a rdfs:Datatype .", "<https://example.org/d>"),
    "restriction": ("ex:r a owl:Restriction .", "<https://example.org/r>"),
    "ontology": ("ex:o a owl:Ontology .", "<https://example.org/o>"),
    "shape": ("ex:s a sh:NodeShape ; sh:targetClass csg:Programme .", "<https://example.org/s>"),
    # on an entry `add` writes: it would be stored with the intervention
    "named-individual": (
        "intervention:peer-listening-scheme a owl:NamedIndividual .",
        "intervention:peer-listening-scheme",
    ),
    "same-as": ("source:peer-listening-leaflet owl:sameAs ex:leaflet .", "source:peer-listening-leaflet"),
    "disjoint": ("intervention:peer-listening-scheme owl:disjointWith csg:Source .", "intervention:"),
}


@pytest.mark.parametrize("name", sorted(SCHEMA_STATEMENTS))
def test_every_schema_statement_is_refused(policy_root, tmp_path: Path, capsys, name: str) -> None:
    statement, node = SCHEMA_STATEMENTS[name]
    out = validate_then_add(policy_root, contribution(tmp_path, statement), capsys)
    assert "rule: policy:instance-data-only" in out, out
    assert node in out and "it may not define or change classes, properties" in out


# -- kinds of entry `add` does not store -----------------------------------------------------------

RATING = """
rating:peer-listening-scheme.crimesolutions.2020
    a csg:Rating ;
    rdfs:label "CrimeSolutions rating of the peer listening scheme (2020)"@en ;
    csg:ratedIntervention intervention:peer-listening-scheme ;
    csg:ratedBy registry:crimesolutions ;
    csg:ratingValue crimesolutions:promising ;
    csg:ratingDate "2020-11-19"^^xsd:date ;
    csg:hasSource source:peer-listening-leaflet .
"""
COUNTRY = """
wd:Q999999999 a schema:Country ; rdfs:label "Nowhere"@en ; csg:hasSource source:peer-listening-leaflet .
"""


@pytest.mark.parametrize(
    ("extra", "node", "kind"),
    [
        (RATING, "rating:peer-listening-scheme.crimesolutions.2020", "csg:Rating"),
        (COUNTRY, "wd:Q999999999", "schema:Country"),
    ],
    ids=["rating", "country"],
)
def test_a_node_add_would_not_store_is_refused(
    policy_root, tmp_path: Path, capsys, extra: str, node: str, kind: str
) -> None:
    """These files conform to the shapes, and `add` used to write the intervention and drop the rest."""
    out = validate_then_add(policy_root, contribution(tmp_path, extra), capsys)
    assert "rule: policy:stored-kinds-only" in out, out
    assert node in out and f"This node is a {kind}" in out and "would not be stored" in out


def test_a_claim_about_no_entry_is_refused(policy_root, tmp_path: Path, capsys) -> None:
    extra = "claim:stray a csg:Claim ; csg:hasSource source:peer-listening-leaflet ."
    out = validate_then_add(policy_root, contribution(tmp_path, extra), capsys)
    assert "claim:stray" in out and "This claim names no rdf:subject" in out
    assert "rule: policy:stored-kinds-only" in out


def test_a_node_add_would_not_store_is_reported_once_not_once_per_claim(policy_root, capsys) -> None:
    """A csg:Intervention that is no kind of intervention has six claims: one result, on the node."""
    path = EXAMPLES / "invalid" / "Intervention-not-a-kind.ttl"
    out = validate_then_add(policy_root, path, capsys)
    assert out.count("rule: policy:stored-kinds-only") == 1
    assert "This node is a csg:Intervention" in out and "its 11 statements would not be stored" in out


@pytest.mark.parametrize("path", sorted(VALID.iterdir()), ids=lambda p: p.name)
def test_add_stores_every_statement_validate_accepts(tmp_root, path: Path) -> None:
    """What `validate` accepts, `add` writes in full: every statement of the file (with its implicit
    claims) is in the files it wrote."""
    from rdflib import Graph

    from csgkg.api import add
    from csgkg.contribution.check import check_files
    from csgkg.contribution.stored import unstored

    sources = check_files(tmp_root, [path]).sources
    result = add([path], root=tmp_root.path)
    assert result.written, [r.as_json() for r in result.report.violations]
    written = Graph()
    for file in result.written:
        written.parse(file, format="turtle")
    for source in sources:
        assert len(unstored(source.graph)) == 0
        assert [t for t in source.graph if t not in written] == []


# -- caps checked before parsing ---------------------------------------------------------------------


def sources(count: int) -> str:
    """``count`` new sources of three statements each."""
    return "\n".join(
        f'source:extra-{i} a csg:Source ; dcterms:title "Extra {i}"@en ; schema:url <https://example.org/{i}>.'
        for i in range(count)
    )


def test_too_many_statements_are_refused_before_parsing(
    policy_root, tmp_path: Path, capsys, monkeypatch
) -> None:
    """The file ends in a syntax error that parsing would report: the statement cap is met first."""
    from rdflib import Graph

    path = contribution(tmp_path, sources(700) + "\nthis is not Turtle")
    statements = 700 * 3 + len(Graph().parse(VALID / "peer-listening-scheme.ttl"))
    before = tree_digest(policy_root.data_dir)
    for verb in ("validate", "add"):
        assert main(["--root", str(policy_root.path), verb, str(path)]) == 2
        err = capsys.readouterr().err
        assert str(path) in err and f"about {statements:,} statements" in err
        assert "the 2,000 a contribution" in err
        assert "split it into several files" in err and "--max-triples (or CSGKG_MAX_TRIPLES)" in err
    assert tree_digest(policy_root.data_dir) == before
    assert main(["--root", str(policy_root.path), "validate", "--max-triples", "3000", str(path)]) == 2
    assert "Turtle syntax error" in capsys.readouterr().err
    monkeypatch.setenv("CSGKG_MAX_TRIPLES", "100")
    assert main(["--root", str(policy_root.path), "validate", str(VALID / "peer-listening-scheme.ttl")]) == 0
    assert (
        main(["--root", str(policy_root.path), "validate", str(VALID / "safer-streets-programme.yaml")]) == 2
    )
    assert "more than the 100 a contribution may have" in capsys.readouterr().err


DEEP = {
    "deep.ttl": "<https://example.org/s> <https://example.org/p> "
    + "[ <https://example.org/p> " * 40
    + "1"
    + " ]" * 40
    + " .\n",
    "deep.jsonld": '{"@id": "https://example.org/s", "https://example.org/p": '
    + "[" * 40
    + "1"
    + "]" * 40
    + "}",
    "deep.yaml": "id: deep\nkind: programme\nname: Deep\ncontexts: " + "[" * 40 + "school" + "]" * 40 + "\n",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_refused_before_parsing(
    policy_root, tmp_path: Path, capsys, monkeypatch, name: str
) -> None:
    path = tmp_path / name
    path.write_text(DEEP[name], encoding="utf-8")
    assert main(["--root", str(policy_root.path), "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "nests too deeply: 4" in err and "more than the 32 a contribution" in err
    assert "raise the limit with CSGKG_MAX_DEPTH" in err
    monkeypatch.setenv("CSGKG_MAX_DEPTH", "100")
    main(["--root", str(policy_root.path), "validate", str(path)])
    assert "nests too deeply" not in capsys.readouterr().err


def dataset_and_examples() -> list[Path]:
    from conftest import REPO

    return sorted([*(REPO / "data").rglob("*.ttl"), *(EXAMPLES / "valid").iterdir(), *VALID.iterdir()])


def test_the_dataset_and_every_valid_example_are_within_the_default_caps() -> None:
    """Each file of data/ and every valid example, read as a contribution, passes the pre-scan; for
    Turtle and N-Triples its count is never below the triples rdflib reads."""
    from rdflib import Graph

    from csgkg.contribution.limits import DEFAULT_MAX_DEPTH, DEFAULT_MAX_TRIPLES
    from csgkg.contribution.prescan import prescan

    for path in dataset_and_examples():
        text = path.read_text(encoding="utf-8")
        scan = prescan(text, path.suffix)
        assert scan.statements <= DEFAULT_MAX_TRIPLES and scan.depth <= DEFAULT_MAX_DEPTH, path
        if path.suffix in (".ttl", ".nt"):
            assert scan.statements >= len(Graph().parse(data=text, format="turtle")), path


def test_prescan_counts_turtle_collections_blank_nodes_and_long_strings() -> None:
    from rdflib import Graph

    from csgkg.contribution.prescan import scan_turtle

    text = (
        "@prefix e: <https://example.org/> .\n"
        'e:s e:p ( 1 2 [ e:p "x . ; ,"@en ] ) ; e:q [ e:r 1.5 ] , """a . ;\n b""" . # ; , .\n'
    )
    scan = scan_turtle(text)
    assert scan.depth == 2
    assert scan.statements == len(Graph().parse(data=text, format="turtle")) == 11


# Texts where a careless scan would see fewer statements than rdflib reads.
TRICKY_TURTLE = {
    "language-tag-named-like-a-directive": 'e:s e:p "x"@base , "y"@base , "z"@prefix .',
    "escaped-hash-in-a-name": "e:a\\#b e:p e:o . e:s e:p e:o2 . e:s e:p e:o3 .",
    "long-string-ending-in-quotes": 'e:s e:p """a"""" . e:s e:p e:o1 . e:s e:p "z" .',
    "iri-with-spaces": 'e:s e:p < a "b" c > . e:s e:p e:o1 . e:s e:p "z" .',
    "comment-characters-in-strings": 'e:s e:p "#" , \'#\' , """#\n.""" . e:s e:p e:o .',
}


@pytest.mark.parametrize("name", sorted(TRICKY_TURTLE))
def test_prescan_never_counts_fewer_statements_than_rdflib_reads(name: str) -> None:
    from rdflib import Graph

    from csgkg.contribution.prescan import scan_turtle

    text = "@prefix e: <http://example.org/> .\n" + TRICKY_TURTLE[name]
    assert scan_turtle(text).statements >= len(Graph().parse(data=text, format="turtle")) >= 2


TERMS = ["e:o", "e:a\\#x", "e:a.b", '"x"', '"a\\"b"', "'y'", '"""l"""', '"""a""""', "'''a''''", '"#"', '"."']
TERMS += ['"x"@base', '"1"^^e:t', "1.5", "-2", "true", "_:b", "[]", "()", '"""m\n# . ;"""', "< a b >", "'\"'"]


NOISE = ["# ; , .", "@base <http://example.org/b/> .", "PREFIX f: <x:>"]


@st.composite
def turtle_documents(draw: st.DrawFn) -> str:
    """Turtle documents of random statements with tricky terms, nested [ ] and ( ), and comments."""

    def term(depth: int) -> str:
        kind = draw(st.integers(0, 9)) if depth < 3 else 9
        if kind == 0:
            return "[ e:p " + " , ".join(term(depth + 1) for _ in range(draw(st.integers(1, 3)))) + " ]"
        if kind == 1:
            return "( " + " ".join(term(depth + 1) for _ in range(draw(st.integers(0, 3)))) + " )"
        return draw(st.sampled_from(TERMS))

    lines = ["@prefix e: <http://example.org/> ."]
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            lines.append(
                draw(st.sampled_from(["# ; , .", "@base <http://example.org/b/> .", "PREFIX f: <x:>"]))
            )
        pairs = [
            "e:p " + " , ".join(term(0) for _ in range(draw(st.integers(1, 3))))
            for _ in range(draw(st.integers(1, 3)))
        ]
        lines.append(draw(st.sampled_from(["e:s", "_:x", "[ e:q e:r ]"])) + " " + " ; ".join(pairs) + " .")
    return draw(st.sampled_from(["\n", " ", ""])).join(lines)


@settings(max_examples=200, deadline=None)
@given(text=turtle_documents())
def test_prescan_is_an_upper_bound_on_the_triples_rdflib_reads(text: str) -> None:
    from rdflib import Graph

    from csgkg.contribution.prescan import scan_turtle

    try:
        graph = Graph().parse(data=text, format="turtle")
    except Exception:  # a text rdflib refuses is refused when it is read
        return
    assert scan_turtle(text).statements >= len(graph)


def test_a_check_out_of_time_is_told_to_split_the_file_not_to_change_engine(monkeypatch) -> None:
    from csgkg.contribution import check
    from csgkg.core.root import DatasetRoot

    hints: list[str] = []
    monkeypatch.setattr(
        check, "run_limited", lambda func, args, limits, what, hint, deferred: hints.append(hint)
    )
    for engine in ("auto", "fast", "pyshacl"):
        check.check_files(DatasetRoot(Path(".")), [Path("big.ttl")], engine=engine)
    for hint in hints:
        assert "too large or complex" in hint and "split it into smaller files" in hint
        assert "--timeout (or CSGKG_TIMEOUT)" in hint
    assert ["--engine fast" in hint for hint in hints] == [False, False, True]
