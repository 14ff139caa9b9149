"""Run a checked query on the embedded rdflib graph of a dataset and collect its answer.

The graph is the union of ontology, vocabularies and data. Parsing the Turtle sources is the slow
part of a cold start, so the built ``dist/csgkg.nt`` (written by ``csgkg build``) is read instead
when it is newer than every source file and folder; otherwise the sources are parsed. The graph
stays cached in the process until a source changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import new_graph
from ..root import DatasetRoot

BUILT_GRAPH = "csgkg.nt"


def source_paths(root: DatasetRoot) -> list[Path]:
    """Every file and folder whose change makes ``dist/csgkg.nt`` out of date."""
    folders = [root.vocab_dir, root.data_dir, *(p for p in root.data_dir.rglob("*") if p.is_dir())]
    return [root.ontology_file, *root.vocab_files(), *root.data_files(), *folders]


def built_graph_file(root: DatasetRoot) -> Path | None:
    """``dist/csgkg.nt`` when it exists and is newer than every source, else None."""
    built = root.dist_dir / BUILT_GRAPH
    try:
        built_time = built.stat().st_mtime
    except OSError:
        return None
    for path in source_paths(root):
        try:
            if path.stat().st_mtime > built_time:
                return None
        except OSError:
            continue
    return built


def _stamp(root: DatasetRoot) -> tuple[float, ...]:
    stamps = []
    for path in [root.dist_dir / BUILT_GRAPH, *source_paths(root)]:
        try:
            stamps.append(path.stat().st_mtime)
        except OSError:
            stamps.append(-1.0)
    return tuple(stamps)


_GRAPHS: dict[Path, tuple[tuple[float, ...], Graph]] = {}


def dataset_graph(root: DatasetRoot) -> Graph:
    """The union graph of ``root`` (cached until a source or the built graph changes).

    When the persistent index ``dist/store/`` is fresh, a view of it (csgkg.store.queries), whose
    ``run`` method runs query text on Oxigraph.
    """
    from ..store.queries import index_graph

    indexed = index_graph(root)
    if indexed is not None:
        return indexed
    stamp = _stamp(root)
    cached = _GRAPHS.get(root.path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    built = built_graph_file(root)
    if built is not None:
        graph = _read_built(built)
    else:
        from ..loader import load_dataset

        graph = load_dataset(root).graph()
    _GRAPHS[root.path] = (stamp, graph)
    return graph


def _read_built(path: Path) -> Graph:
    from .ntriples import NTriplesSyntaxError, read_ntriples

    try:
        # The plain in-memory store: quicker to fill than rdflib's default, and a query needs no
        # named graphs or prefix bindings (every stored query declares its own prefixes).
        return read_ntriples(path, Graph(store="SimpleMemory", bind_namespaces="none"))
    except NTriplesSyntaxError:
        graph = new_graph()
        graph.parse(path, format="nt")
        return graph


@dataclass
class Result:
    """The answer of a query: its column names and rows of RDF terms (None where unbound)."""

    columns: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts of plain Python values: IRIs as strings, numbers as numbers."""
        return [
            {column: python_value(value) for column, value in zip(self.columns, row, strict=True)}
            for row in self.rows
        ]

    def __len__(self) -> int:
        return len(self.rows)


def python_value(term: Node | None) -> Any:
    """A plain Python value for ``term``: str for IRIs and text, int/float/bool/date for typed
    literals (decimals as float), ``_:id`` for blank nodes, None when unbound."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return float(value)  # a score or a ratio: what a DataFrame or a chart expects
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def execute(graph: Graph, query: Any) -> Result:
    """Run a translated query (from :func:`.safety.parse_checked`) on ``graph``."""
    answer = graph.query(query)
    if answer.type == "ASK":
        return Result(["ask"], [(Literal(bool(answer.askAnswer)),)])
    if answer.type in ("CONSTRUCT", "DESCRIBE"):
        triples = sorted(answer.graph or [], key=lambda t: tuple(str(x) for x in t))
        return Result(["subject", "predicate", "object"], [tuple(t) for t in triples])
    columns = [str(v) for v in answer.vars or []]
    rows = [tuple(row) for row in answer]
    return Result(columns, rows)
