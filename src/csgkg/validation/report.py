"""A validation report: each result located in its file and line, and whether the data conforms."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from rdflib.namespace import SH

from csgkg.core.errors import CsgkgError

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


# Results that name a term the dataset does not know (an unknown value, a misspelt property): the cause
# that other results on the same statement (its claim not stated, a statement without a claim) follow from.
_CAUSES = {"ClassConstraintComponent", "ClosedConstraintComponent"}


def result_order(result: ValidationResult) -> tuple:
    """The order of results in a report: by file, line and node; then an unknown term ("did you mean")
    before what follows from it; then by severity, property and rule, then by value and message, so that
    two results differing only in their value always come in one order."""
    return (
        result.file or "~",
        result.line or 0,
        result.focus,
        result.component not in _CAUSES,
        _SEVERITY_ORDER[result.severity],
        result.path or "",
        result.constraint,
        result.value or "",
        result.message,
    )


class ShapesError(CsgkgError):
    """The shapes themselves are broken (a bug in shapes/, not in the data)."""

    kind = "shapes"


def error_json(error: CsgkgError) -> str:
    """What ``--format json`` prints when validation could not run (a syntax error, a refused or
    missing file, a wrong dataset root): ``{"conforms": false, "error": {"kind", "message", "file",
    "line", "column"}}`` as indented JSON, so a caller always reads one JSON document."""
    return json.dumps({"conforms": False, "error": error.as_json()}, indent=2, ensure_ascii=False)


SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    """One problem found by validation, located in the file that describes the node."""

    file: str | None
    line: int | None
    focus: str
    path: str | None
    constraint: str
    severity: str
    message: str
    value: str | None = None
    component: str | None = None
    field: str | None = None  # the YAML form's field, for a result located in a form

    def as_json(self) -> dict:
        """The result as a JSON-ready dict."""
        return asdict(self)


@dataclass
class ValidationReport:
    """Whether the data conforms (no Violation; warnings allowed) and every result."""

    results: list[ValidationResult] = field(default_factory=list)
    engine: str = "pyshacl"  # the engine that made the report: "fast" or "pyshacl"
    notes: list[str] = field(default_factory=list)  # what the user should know about the run
    index_update: str | None = None  # what bringing the index up to date did, if anything

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    def to_json(self) -> str:
        """``{"conforms": bool, "results": [...]}`` as indented JSON."""
        return json.dumps(
            {"conforms": self.conforms, "results": [r.as_json() for r in self.results]},
            indent=2,
            ensure_ascii=False,
        )


# pySHACL parses the text of a SPARQL constraint again for every focus node: about half the time it
# takes to validate the real dataset. While it runs, each text is parsed once and the parsed query is
# evaluated as before (tests/test_fastshacl.py checks that the results do not change).
