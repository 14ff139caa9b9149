"""Validate the dataset (and any contributed files) against the SHACL shapes with pySHACL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from .errors import CsgkgError
from .loader import Dataset, SourceFile, load_shapes
from .locate import curie, find_line
from .messages import explain
from .namespaces import new_graph
from .root import DatasetRoot

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def result_order(result: ValidationResult) -> tuple:
    """The order of results in a report: by file, line, node, severity, property and rule, then by
    value and message, so that two results differing only in their value always come in one order."""
    return (
        result.file or "~",
        result.line or 0,
        result.focus,
        _SEVERITY_ORDER[result.severity],
        result.path or "",
        result.constraint,
        result.value or "",
        result.message,
    )


class ShapesError(CsgkgError):
    """The shapes themselves are broken (a bug in shapes/, not in the data)."""


# Validation engines: the fast engine (csgkg.fastshacl: pySHACL's results, computed with SPARQL on an
# Oxigraph store) or pySHACL itself. "auto" is the fast engine at every size; shapes it does not
# support fall back to pySHACL, and the report says so.
ENGINES = ("auto", "pyshacl", "fast")


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

    def as_json(self) -> dict:
        """The result as a JSON-ready dict."""
        return asdict(self)


@dataclass
class ValidationReport:
    """Whether the data conforms (no Violation; warnings allowed) and every result."""

    results: list[ValidationResult] = field(default_factory=list)
    engine: str = "pyshacl"  # the engine that made the report: "fast" or "pyshacl"
    notes: list[str] = field(default_factory=list)  # what the user should know about the run

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
PARSE_ONCE = True


@contextmanager
def parse_each_query_once() -> Iterator[None]:
    """While in the block, pySHACL evaluates each SPARQL constraint text parsed once (PARSE_ONCE)."""
    if not PARSE_ONCE:
        yield
        return
    from pyshacl.constraints.sparql import sparql_based_constraints as sbc
    from rdflib.plugins.sparql import prepareQuery

    cls = sbc.SPARQLBasedConstraint
    original = cls._validate_sparql_query
    parsed: dict[str, Any] = {}

    def validate_parsed(self: Any, query: Any, init_binds: Any, target_graph: Any) -> Any:
        if isinstance(query, str):
            if query not in parsed:
                try:
                    parsed[query] = prepareQuery(query)
                except Exception:  # pySHACL's own path then reports the problem as it always has
                    parsed[query] = None
            query = parsed[query] or query
        return original(self, query, init_binds, target_graph)

    cls._validate_sparql_query = validate_parsed
    try:
        yield
    finally:
        cls._validate_sparql_query = original


def run_pyshacl(
    data: Graph, shapes: Graph, ontology: Graph, focus_nodes: list[URIRef] | None = None
) -> Graph:
    """Run pySHACL and return its results graph.

    The ontology is mixed in as ``ont_graph`` so that targets see subclasses (a csg:Programme is a
    csg:Intervention). RDFS inference is deliberately off: rdfs:range would type a misspelt concept
    (``context:scool``) as a csg:Context and hide the very error we want to report.
    With ``focus_nodes``, only those nodes are validated (against the whole data graph).
    """
    from pyshacl import validate

    with parse_each_query_once():
        _conforms, results, _text = validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            advanced=False,
            meta_shacl=False,
            focus_nodes=focus_nodes or None,
        )
    if not isinstance(results, Graph):  # pySHACL returns a failure object when a shape is broken
        raise ShapesError(f"the SHACL shapes cannot be used: {results}")
    return results


def read_results(
    results: Graph, dataset: Dataset, extra: Iterable[SourceFile] = (), merged: Graph | None = None
) -> list[ValidationResult]:
    """Turn a SHACL results graph into located, explained ValidationResults, sorted stably."""
    sources = [*extra, *sorted(dataset.files, key=lambda s: s.kind != "data")]
    found: set[ValidationResult] = set()
    for node in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(node, SH.focusNode)
        path = results.value(node, SH.resultPath)
        value = results.value(node, SH.value)
        shape = results.value(node, SH.sourceShape)
        component = results.value(node, SH.sourceConstraintComponent)
        severity = SEVERITIES.get(results.value(node, SH.resultSeverity), "Violation")
        if path is not None and not isinstance(path, URIRef):
            path = _actual_path(focus, value, merged)
        message = str(results.value(node, SH.resultMessage) or "")
        source = next((s for s in sources if (focus, None, None) in s.graph), None)
        line = find_line(source, focus, path if isinstance(path, URIRef) else None) if source else None
        found.add(
            ValidationResult(
                file=str(source.path) if source else None,
                line=line,
                focus=curie(focus),
                path=curie(path) if isinstance(path, URIRef) else None,
                constraint=curie(shape) if isinstance(shape, URIRef) else curie(component),
                severity=severity,
                message=explain(message, component, path, value, merged),
                value=curie(value) if value is not None else None,
                component=curie(component).replace("sh:", "") if component is not None else None,
            )
        )
    return sorted(found, key=result_order)


def _actual_path(focus: object, value: object, merged: Graph | None) -> URIRef | None:
    """For a complex path (e.g. sh:alternativePath), the property that links focus to value."""
    if merged is None or value is None:
        return None
    return min((p for p in merged.predicates(focus, value) if isinstance(p, URIRef)), default=None)


def validate(dataset: Dataset, extra: Iterable[SourceFile] = ()) -> ValidationReport:
    """Validate the dataset of ``dataset.root``, together with any ``extra`` (contributed) files."""
    extra = list(extra)
    data = dataset.graph("vocab", "data")
    for source in extra:
        data += source.graph
    shapes = load_shapes(dataset.root)
    ontology = dataset.ontology
    merged = new_graph()
    merged += data
    merged += ontology
    # A contribution is checked against the whole dataset, but only the nodes it describes and the
    # nodes it refers to are focus nodes, so what did not change is not validated again. (The values
    # must be listed too: pySHACL applies the focus filter to nested shapes such as sh:or, sh:not.)
    focus = sorted(
        {
            t
            for source in extra
            for triple in source.graph
            for t in (triple[0], triple[2])
            if isinstance(t, URIRef)
        }
    )
    if extra and not focus:
        return ValidationReport()
    results = run_pyshacl(data, shapes, ontology, focus or None)
    return ValidationReport(read_results(results, dataset, extra, merged))


def choose_engine(engine: str = "auto") -> str:
    """The engine ``engine`` stands for: "auto" is the fast engine (at every size)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    return "fast" if engine == "auto" else engine


def validate_root(
    root: DatasetRoot, extra: Iterable[SourceFile] = (), engine: str = "auto", progress: Any = None
) -> ValidationReport:
    """Validate the dataset of ``root`` (with any ``extra`` files) with ``engine``, reading the files
    into the store that engine needs (Oxigraph for the fast engine, rdflib for pySHACL).

    With "auto", shapes the fast engine does not support fall back to pySHACL (the report's notes say
    so); with "fast", they are a ShapesError.
    """
    extra = list(extra)
    report = _validate_root(root, extra, engine, progress)
    if not extra:  # a verdict on the whole dataset: the index keeps it for the queries to tell
        from .store.index import open_index

        open_index(root).record_verdict(report.conforms, len(report.violations), len(report.warnings))
    return report


def _validate_root(
    root: DatasetRoot, extra: list[SourceFile], engine: str, progress: Any
) -> ValidationReport:
    note = None
    if choose_engine(engine) == "fast":
        from .fastshacl.engine import validate_root as fast_validate
        from .fastshacl.model import UnsupportedShapes

        try:
            report = fast_validate(root, list(extra), progress=progress)
            report.engine = "fast"
            return report
        except UnsupportedShapes as exc:
            if engine == "fast":
                raise ShapesError(
                    f"the fast engine cannot check these shapes ({exc}); use --engine pyshacl"
                ) from None
            note = f"validated with pySHACL: the fast engine does not support these shapes ({exc})"
    from .loader import load_dataset

    report = validate(load_dataset(root), extra)
    if note:
        report.notes.append(note)
    return report
