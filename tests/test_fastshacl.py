"""The fast validation engine gives exactly pySHACL's results, result by result.

On a synthetic registry of 1,000 interventions with injected violations (scripts/synth.py), on the
real dataset, and on every example of tests/examples. No timing is asserted here: speed is measured
by benchmarks/bench.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.namespace import SH

from conftest import EXAMPLES, REPO, copy_root, load_synth
from csgkg.core.root import DatasetRoot
from csgkg.fastshacl.model import ShapeSet, UnsupportedShapes
from csgkg.fastshacl.rewrite import key_join, optimise
from csgkg.fastshacl.sparqlc import join_safe
from csgkg.io.parse import load_dataset, load_shapes, parse_file
from csgkg.validation.fast import validate_root as fast_validate
from csgkg.validation.run import ShapesError, validate, validate_root

EXAMPLE_FILES = sorted((EXAMPLES / "invalid").glob("*.ttl")) + sorted((EXAMPLES / "valid").glob("*.ttl"))


def as_list(report) -> list[dict]:
    """The results as JSON dicts, in the report's order (file, line, node, severity, path, rule)."""
    return [result.as_json() for result in report.results]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """A synthetic registry of 1,000 interventions, 1% of them with an injected violation."""
    synth = load_synth()
    out = tmp_path_factory.mktemp("registry") / "root"
    synth.synthesise(1000, 7, out, 0.01)
    return DatasetRoot(out)


@pytest.mark.slow
def test_synthetic_registry_gives_pyshacls_results(registry: DatasetRoot) -> None:
    fast = fast_validate(registry)
    slow = validate(load_dataset(registry))
    assert fast.results, "the registry has injected violations"
    assert as_list(fast) == as_list(slow)


def test_every_injected_violation_is_found(registry: DatasetRoot) -> None:
    report = fast_validate(registry)
    found = {(r.constraint, r.focus, r.path) for r in report.results}
    record = json.loads((registry.path / "violations.json").read_text(encoding="utf-8"))
    expected = {tuple(e) for item in record["violations"] for e in item["expect"]}
    assert len(record["violations"]) >= 9
    assert expected <= found


def test_real_dataset_gives_pyshacls_results(dataset, report) -> None:
    assert as_list(fast_validate(dataset.root)) == as_list(report)


def sparql_examples() -> list[Path]:
    """The examples expected to break a SPARQL-based rule (the rules whose queries pySHACL parses)."""
    shapes = load_shapes(DatasetRoot(REPO))
    names = {str(s).rsplit("/", 1)[-1] for s in shapes.subjects(SH.sparql, None)}
    return [
        path
        for path in EXAMPLE_FILES
        if any(f"shapes:{name} " in path.read_text(encoding="utf-8") for name in names)
    ]


@pytest.mark.parametrize("path", [None, *sparql_examples()], ids=lambda p: "dataset" if p is None else p.stem)
def test_parsing_each_query_once_leaves_pyshacls_results_unchanged(
    dataset, path: Path | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """csgkg.validation.run hands pySHACL each SPARQL constraint parsed once; pySHACL alone gives the same."""
    import csgkg.validation.run as validation

    def extra():
        return [] if path is None else [parse_file(path, "contribution", dataset.root)]

    once = validate(dataset, extra())
    monkeypatch.setattr(validation, "PARSE_ONCE", False)
    assert as_list(validate(dataset, extra())) == as_list(once)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_example_gives_pyshacls_results(dataset, path: Path) -> None:
    """Each example validated as a contribution: the same focus nodes, the same results."""
    fast = fast_validate(dataset.root, [parse_file(path, "contribution", dataset.root)])
    slow = validate(dataset, [parse_file(path, "contribution", dataset.root)])
    assert as_list(fast) == as_list(slow)


def test_contribution_targets_of_every_kind_give_pyshacls_results(tmp_path: Path) -> None:
    """A contribution is checked from the focus nodes each shape targets; the repository's shapes use
    class targets and sh:targetSubjectsOf only, so shapes with sh:targetObjectsOf and sh:targetNode are
    added here. Both fire on the contribution, and both engines agree result by result."""
    root = copy_root(tmp_path / "root")
    (root.shapes_dir / "zz-targets.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix csg: <https://w3id.org/csgkg/ontology/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/csgkg/shapes/Test-role-definition-long> a sh:PropertyShape ;\n"
        "    sh:targetObjectsOf csg:deliveredBy ; sh:path skos:definition ; sh:minLength 100000 ;\n"
        '    sh:message "test: a delivery role needs a very long definition"@en .\n'
        "<https://w3id.org/csgkg/shapes/Test-example-note> a sh:PropertyShape ;\n"
        "    sh:targetNode <https://w3id.org/csgkg/id/intervention/example-programme-complete> ;\n"
        "    sh:path skos:scopeNote ; sh:minCount 1 ;\n"
        '    sh:message "test: this intervention needs a scope note"@en .\n',
        encoding="utf-8",
    )
    dataset = load_dataset(root)
    contribution = EXAMPLES / "valid" / "Programme-complete.ttl"
    fast = fast_validate(root, [parse_file(contribution, "contribution", root)])
    slow = validate(dataset, [parse_file(contribution, "contribution", root)])
    assert as_list(fast) == as_list(slow)
    fired = {r.constraint for r in slow.results}
    assert {"shapes:Test-role-definition-long", "shapes:Test-example-note"} <= fired


def test_engine_choice(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")
    assert validate_root(root, engine="fast").results == validate_root(root, engine="pyshacl").results
    with pytest.raises(ValueError):
        validate_root(root, engine="quick")


def test_unsupported_shape_is_refused_or_falls_back(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")
    extra = root.shapes_dir / "zz-unique-lang.ttl"
    extra.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/csgkg/shapes/Test-unique-lang> a sh:PropertyShape ;\n"
        "    sh:targetClass skos:Concept ; sh:path skos:altLabel ; sh:uniqueLang true ;\n"
        '    sh:message "one alternative label per language"@en .\n',
        encoding="utf-8",
    )
    with pytest.raises(UnsupportedShapes):
        ShapeSet(load_shapes(root))
    with pytest.raises(ShapesError):
        validate_root(root, engine="fast")
    report = validate_root(root, engine="auto")  # falls back to pySHACL, which checks sh:uniqueLang
    assert any(r.component == "UniqueLangConstraintComponent" for r in report.results)


def test_shape_without_message_is_unsupported() -> None:
    shapes = Graph()
    shape = BNode()
    shapes.add((shape, SH.targetClass, SH.Shape))
    shapes.add((shape, SH.path, SH.name))
    shapes.add((shape, SH.minCount, Literal(1)))
    import pyoxigraph as ox

    from csgkg.fastshacl.components import Planner
    from csgkg.fastshacl.targets import Focus

    with pytest.raises(UnsupportedShapes):
        Planner(ox.Store(), ShapeSet(shapes), Focus(None)).plan()


# --- the query rewrites ----------------------------------------------------------------------------

PREFIXES = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX ex: <http://example.org/>\n"


def test_multi_pattern_not_exists_becomes_an_optional() -> None:
    text = PREFIXES + (
        "SELECT $this ?p ?v WHERE { $this ?p ?v . "
        "FILTER NOT EXISTS { ?c rdf:subject $this ; rdf:predicate ?p ; rdf:object ?v . } }"
    )
    rewritten = optimise(text)
    assert rewritten is not None and "NOT EXISTS" not in rewritten
    assert "OPTIONAL" in rewritten and "!BOUND(?_absent0_c)" in rewritten


def test_one_pattern_not_exists_stays() -> None:
    text = PREFIXES + "SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { $this ex:q ?v } }"
    assert optimise(text) is None


def test_label_cross_product_is_a_key_join() -> None:
    text = PREFIXES + (
        "SELECT $this ?value ?other WHERE { $this ex:label ?value . ?other a ex:Thing ; ex:label ?l . "
        "FILTER (?other != $this && LCASE(STR(?value)) = LCASE(STR(?l))) }"
    )
    join = key_join(text)
    assert join is not None
    assert join.first_key == "LCASE(STR(?value))" and join.second_key == "LCASE(STR(?l))"
    assert (join.first_node, join.second_node) == ("?this", "?other")


def test_filter_reading_an_outer_variable_in_a_union_is_not_joined() -> None:
    """rdflib lets a FILTER in a UNION branch see variables bound before it; SPARQL does not."""
    from rdflib.plugins.sparql import prepareQuery

    unsafe = PREFIXES + (
        "SELECT $this ?v WHERE { $this ex:d ?v . { FILTER (DATATYPE(?v) != ex:t) } UNION { $this ex:e ?v } }"
    )
    safe = PREFIXES + "SELECT $this ?v WHERE { $this ex:d ?v . FILTER (DATATYPE(?v) != ex:t) }"
    assert not join_safe(prepareQuery(unsafe).algebra)
    assert join_safe(prepareQuery(safe).algebra)


def test_shapes_of_the_repository_are_supported() -> None:
    assert ShapeSet(load_shapes(DatasetRoot(REPO))).targeted()
