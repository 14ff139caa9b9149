"""Turn the engine's raw results into the ValidationResults pySHACL's results become.

This is :func:`csgkg.validation.run.read_results` for results that come from a store rather than a
pySHACL results graph: the same choice of file (a contribution first, then the data files in path
order, then the ontology and vocabularies), the same line, the same explained message, the same order.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from csgkg.core.namespaces import bind_prefixes
from csgkg.fastshacl.rdfview import StoreGraph
from csgkg.fastshacl.results import RawResult
from csgkg.fastshacl.terms import to_oxigraph, to_rdflib
from csgkg.io.locate import curie, find_line
from csgkg.io.parse import SourceFile
from csgkg.store.loading import FileTable, StoredFile
from csgkg.validation.messages import explain
from csgkg.validation.report import SEVERITIES, ValidationResult, result_order


class FileIndex:
    """Which file describes a node: contributions first, then the files in read_results' order."""

    def __init__(self, store: ox.Store, files: FileTable, extra: dict[str, SourceFile]):
        self.store = store
        self.files = files
        self.extra = extra  # graph IRI -> contributed SourceFile, in the order they were given
        self._texts: dict[Path, SourceFile] = {}

    def source_of(self, node: Node) -> SourceFile | None:
        """The SourceFile whose graph has ``node`` as a subject, as read_results chooses it."""
        if isinstance(node, Literal):
            return None
        best: tuple | None = None
        chosen: SourceFile | StoredFile | None = None
        order = list(self.extra)
        for quad in self.store.quads_for_pattern(to_oxigraph(node), None, None, None):
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode):
                continue
            if graph.value in self.extra:
                rank, candidate = (-1, order.index(graph.value), ()), self.extra[graph.value]
            else:
                stored = self.files.get(graph.value)
                if stored is None:
                    continue
                rank, candidate = stored.rank, stored
            if best is None or rank < best:
                best, chosen = rank, candidate
        if chosen is None or isinstance(chosen, SourceFile):
            return chosen
        if chosen.path not in self._texts:
            text = chosen.path.read_text(encoding="utf-8-sig")
            self._texts[chosen.path] = SourceFile(
                path=chosen.path, kind=chosen.kind, text=text, graph=Graph()
            )
        return self._texts[chosen.path]


def actual_path(store: ox.Store, focus: Node, value: Node | None) -> URIRef | None:
    """For a complex path, the least property linking focus to value (read_results' rule)."""
    if value is None or isinstance(focus, Literal):
        return None
    found = {
        to_rdflib(q.predicate)
        for q in store.quads_for_pattern(to_oxigraph(focus), None, to_oxigraph(value), None)
    }
    return min((p for p in found if isinstance(p, URIRef)), default=None)


def to_validation_results(raws: list[RawResult], store: ox.Store, files: FileIndex) -> list[ValidationResult]:
    """The located, explained, sorted ValidationResults of ``raws`` (duplicates merged)."""
    merged = bind_prefixes(StoreGraph(store))
    found: set[ValidationResult] = set()
    for raw in set(raws):
        path = raw.path
        if path is not None and not isinstance(path, URIRef):
            path = actual_path(store, raw.focus, raw.value)
        source = files.source_of(raw.focus)
        line = find_line(source, raw.focus, path if isinstance(path, URIRef) else None) if source else None
        found.add(
            ValidationResult(
                file=str(source.path) if source else None,
                line=line,
                focus=curie(raw.focus),
                path=curie(path) if isinstance(path, URIRef) else None,
                constraint=curie(raw.shape) if isinstance(raw.shape, URIRef) else curie(raw.component),
                severity=SEVERITIES.get(raw.severity, "Violation"),
                message=explain(raw.message, raw.component, path, raw.value, merged),
                value=curie(raw.value) if raw.value is not None else None,
                component=curie(raw.component).replace("sh:", "") if raw.component is not None else None,
            )
        )
    return sorted(found, key=result_order)
