"""Every SHACL constraint component the fast engine evaluates has a differential test against pySHACL.

Each case is a shape using one component (and the parameters that go with it) on one test node, and
data that violates it. Both engines validate the data with the real dataset, and must give the same
results; the shape must fire. A component the engine claims to support without a case here fails
``test_every_supported_component_has_a_case``: the engine refuses what is not tested (the shapes then
go to pySHACL), it does not assume.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import SH

from conftest import copy_root
from csgkg.fastshacl.model import COMPONENTS
from csgkg.io.parse import load_dataset, parse_file
from csgkg.validation.fast import validate_root as fast_validate
from csgkg.validation.run import validate

PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    "@prefix ex: <https://example.org/> .\n"
)
DATA = PREFIXES + (
    'ex:x ex:p ex:o , ex:o2 ; ex:n 3 ; ex:t "a" ; ex:s "bcd" , "Abc" , "x"@fr .\n'
    'ex:o ex:z "present" .\n'
)
SHAPE = "<https://w3id.org/csgkg/shapes/Test-component> sh:targetNode ex:x ; sh:message \"test\"@en ;\n"

# The parameter (as it appears in COMPONENTS) -> the rest of a shape using it.
CASES = {
    "minCount": "a sh:PropertyShape ; sh:path ex:q ; sh:minCount 1 .",
    "maxCount": "a sh:PropertyShape ; sh:path ex:p ; sh:maxCount 1 .",
    "class": "a sh:PropertyShape ; sh:path ex:p ; sh:class ex:C .",
    "datatype": "a sh:PropertyShape ; sh:path ex:t ; sh:datatype xsd:integer .",
    "nodeKind": "a sh:PropertyShape ; sh:path ex:p ; sh:nodeKind sh:Literal .",
    "in": "a sh:PropertyShape ; sh:path ex:p ; sh:in ( ex:o ex:a ) .",
    "hasValue": "a sh:PropertyShape ; sh:path ex:p ; sh:hasValue ex:a .",
    "pattern": 'a sh:PropertyShape ; sh:path ex:s ; sh:pattern "^A" .',
    "flags": 'a sh:PropertyShape ; sh:path ex:s ; sh:pattern "^a" ; sh:flags "i" .',
    "languageIn": 'a sh:PropertyShape ; sh:path ex:s ; sh:languageIn ( "en" ) .',
    "minLength": "a sh:PropertyShape ; sh:path ex:s ; sh:minLength 3 .",
    "maxLength": "a sh:PropertyShape ; sh:path ex:s ; sh:maxLength 2 .",
    "minInclusive": "a sh:PropertyShape ; sh:path ex:n ; sh:minInclusive 4 .",
    "minExclusive": "a sh:PropertyShape ; sh:path ex:n ; sh:minExclusive 3 .",
    "maxInclusive": "a sh:PropertyShape ; sh:path ex:n ; sh:maxInclusive 2 .",
    "maxExclusive": "a sh:PropertyShape ; sh:path ex:n ; sh:maxExclusive 3 .",
    "closed": "a sh:NodeShape ; sh:closed true ; sh:property [ sh:path ex:p ] .",
    "ignoredProperties": (
        "a sh:NodeShape ; sh:closed true ; sh:ignoredProperties ( ex:p ex:n ) ; "
        "sh:property [ sh:path ex:s ] ."
    ),
    "or": "a sh:PropertyShape ; sh:path ex:p ; sh:or ( [ sh:nodeKind sh:Literal ] [ sh:hasValue ex:o ] ) .",
    "and": "a sh:PropertyShape ; sh:path ex:p ; sh:and ( [ sh:nodeKind sh:IRI ] [ sh:in ( ex:o ) ] ) .",
    "xone": "a sh:PropertyShape ; sh:path ex:p ; sh:xone ( [ sh:nodeKind sh:IRI ] [ sh:in ( ex:o ) ] ) .",
    "not": "a sh:PropertyShape ; sh:path ex:p ; sh:not [ sh:in ( ex:o2 ) ] .",
    "property": 'a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:message "test"@en ] .',
    "sparql": (
        "a sh:NodeShape ; sh:sparql [ "
        'sh:select "SELECT $this ?value WHERE { $this <https://example.org/n> ?value }" ] .'
    ),
}


# Parameters the engine refuses (its results differed from pySHACL's): shapes using them go to pySHACL.
REFUSED = {
    "node": (
        "a sh:PropertyShape ; sh:path ex:p ; "
        "sh:node [ a sh:NodeShape ; sh:property [ sh:path ex:z ; sh:minCount 1 ] ] ."
    ),
}


def test_every_supported_component_has_a_case() -> None:
    supported = {str(param).removeprefix(str(SH)) for param in COMPONENTS}
    assert supported == set(CASES)


@pytest.mark.parametrize("param", sorted(CASES))
def test_the_fast_engine_gives_pyshacls_results_for(param: str, tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")
    (root.shapes_dir / "zz-component.ttl").write_text(PREFIXES + SHAPE + "    " + CASES[param] + "\n")
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    fast = fast_validate(root, [parse_file(data, "contribution", root)])
    slow = validate(load_dataset(root), [parse_file(data, "contribution", root)])
    assert [r.as_json() for r in fast.results] == [r.as_json() for r in slow.results]
    fired = [r for r in slow.results if "example.org" in r.focus or r.constraint == "shapes:Test-component"]
    assert fired, "the shape did not fire"


@pytest.mark.parametrize("param", sorted(REFUSED))
def test_a_component_without_pyshacls_results_is_refused(param: str, tmp_path: Path) -> None:
    from csgkg.fastshacl.model import ShapeSet, UnsupportedShapes
    from csgkg.io.parse import load_shapes
    from csgkg.validation.run import validate_root

    root = copy_root(tmp_path / "root")
    (root.shapes_dir / "zz-component.ttl").write_text(PREFIXES + SHAPE + "    " + REFUSED[param] + "\n")
    with pytest.raises(UnsupportedShapes):
        ShapeSet(load_shapes(root))
    report = validate_root(root)  # "auto": pySHACL checks these shapes, and the report says so
    assert report.engine == "pyshacl" and any("pySHACL" in note for note in report.notes)
