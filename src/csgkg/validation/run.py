"""Validate the dataset (and any contributed files) against the SHACL shapes: with the fast engine
(:mod:`.fast`) or with pySHACL, read into the store each needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from csgkg.core.namespaces import new_graph
from csgkg.core.root import DatasetRoot
from csgkg.io.locate import curie, find_line
from csgkg.io.parse import Dataset, SourceFile, load_shapes
from csgkg.validation.messages import explain
from csgkg.validation.report import (
    SEVERITIES,
    ShapesError,
    ValidationReport,
    ValidationResult,
    result_order,
)

__all__ = [
    "ENGINES",
    "ShapesError",
    "ValidationReport",
    "ValidationResult",
    "choose_engine",
    "validate",
    "validate_root",
]

# Validation engines: the fast engine (csgkg.fastshacl: pySHACL's results, computed with SPARQL on an
# Oxigraph store) or pySHACL itself. "auto" is the fast engine at every size; shapes it does not
# support fall back to pySHACL, and the report says so.
ENGINES = ("auto", "pyshacl", "fast")


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
            # Plain strings: pySHACL reads an IRI of another scheme than http(s), urn or file as a
            # CURIE, and fails on an rdflib term there (an ftp: or javascript: address).
            focus_nodes=[str(node) for node in focus_nodes] if focus_nodes else None,
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
    if extra:
        return _validate_root(root, extra, engine, progress)
    from csgkg.store.index import open_index

    # The index is brought up to date first. When it has to read every file again, the fast engine
    # takes the triples it has just read instead of reading the files a second time, and checks
    # them while the index writes its store.
    reports: list[ValidationReport] = []

    def check() -> None:
        reports.append(_validate_root(root, extra, engine, progress))

    index = open_index(root, progress, meanwhile=check)
    report = reports[0] if reports else _validate_root(root, extra, engine, progress)
    report.index_update = index.update.describe()
    # A verdict on the whole dataset: the index keeps it for the queries to tell, for the files it
    # was brought up to date with (not kept if another command has changed the index since; a
    # file edited meanwhile is seen by the next command, which drops the verdict).
    index.record_verdict(report.conforms, len(report.violations), len(report.warnings))
    return report


def _validate_root(
    root: DatasetRoot, extra: list[SourceFile], engine: str, progress: Any
) -> ValidationReport:
    note = None
    if choose_engine(engine) == "fast":
        from csgkg.fastshacl.model import UnsupportedShapes
        from csgkg.validation.fast import validate_root as fast_validate

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
    from csgkg.io.parse import load_dataset
    from csgkg.store.loading import forget_just_read

    forget_just_read(root)  # pySHACL reads the files with rdflib
    report = validate(load_dataset(root), extra)
    if note:
        report.notes.append(note)
    return report
