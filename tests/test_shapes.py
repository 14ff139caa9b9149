"""Every shape rule has an invalid example that triggers exactly that rule; valid examples pass.

Each file in examples/invalid/ is named ``{Class}-{what-it-shows}.ttl`` and says in comment lines what it
must trigger: ``# expect: <rule> <focus node> <path>`` (path ``-`` for rules on the node itself).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from conftest import EXAMPLES
from csgkg.io.parse import load_shapes, parse_file
from csgkg.validation.run import validate

INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))
VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))


def expectations(path: Path) -> set[tuple[str, str, str | None]]:
    """The (rule, focus, path) triples an example declares it must trigger."""
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            rule, focus, prop = line.removeprefix("# expect:").split()
            expected.add((rule, focus, None if prop == "-" else prop))
    return expected


def test_there_is_an_invalid_example_for_every_rule(root) -> None:
    shapes = load_shapes(root)
    rules = {
        f"shapes:{str(s).rsplit('/', 1)[-1]}"
        for s in shapes.subjects()
        if str(s).startswith("https://w3id.org/csgkg/shapes/")
    }
    covered = {rule for path in INVALID for rule, _, _ in expectations(path)}
    assert sorted(rules - covered) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_triggers_exactly_its_rule(dataset, path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} declares no '# expect:' line"
    report = validate(dataset, [parse_file(path, "contribution", dataset.root)])
    found = {(r.constraint, r.focus, r.path) for r in report.results}
    assert found == expected
    for result in report.results:
        assert result.file and Path(result.file).name == path.name
        assert result.line is not None
        assert result.message


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_passes_without_warnings(dataset, path: Path) -> None:
    report = validate(dataset, [parse_file(path, "contribution", dataset.root)])
    assert [r.as_json() for r in report.results] == []


def test_shapes_pass_shacl_shacl(root) -> None:
    from pyshacl import validate as shacl_validate

    conforms, _, text = shacl_validate(Graph(), shacl_graph=load_shapes(root), meta_shacl=True)
    assert conforms, text


def test_subclass_instances_are_targeted(dataset) -> None:
    """Shapes target csg:Intervention; a csg:Programme without a name must still be caught."""
    bad = EXAMPLES / "invalid" / "Intervention-missing-label.ttl"
    text = bad.read_text(encoding="utf-8")
    assert "a csg:Programme" in text and "a csg:Intervention" not in text
    report = validate(dataset, [parse_file(bad, "contribution", dataset.root)])
    assert any(r.constraint == "shapes:Intervention-label-required" for r in report.results)
