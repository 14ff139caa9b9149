"""The one store interface: load the files of a dataset, run a query, iterate triples, and say which
file describes a node. Two back ends implement it: Oxigraph (the on-disk index, or a store in memory)
and rdflib (the files parsed into rdflib graphs, which pySHACL reads). :func:`open_store` is the one
place that chooses between them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from csgkg.core.root import DatasetRoot
from csgkg.core.words import plural
from csgkg.fastshacl.rdfview import StoreGraph
from csgkg.fastshacl.terms import to_oxigraph, to_rdflib, to_triple
from csgkg.io.parse import Dataset
from csgkg.store.loading import FileTable, StoredFile

Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]
BACKENDS = ("oxigraph", "rdflib")


@dataclass(frozen=True)
class Keep:
    """A folder for things worked out from a store's triples, and the token naming those triples:
    what is kept there holds only while the store's token is the one it was made with."""

    folder: Path
    token: str


@dataclass
class Result:
    """The answer of a query: its column names and rows of RDF terms (None where unbound)."""

    columns: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the user should know about the answer

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


class Store(Protocol):
    """What validation, queries, contribution checks and the build need of a loaded dataset."""

    root: DatasetRoot

    def query(self, text: str) -> Result:
        """Run a checked, bound SPARQL query on the union of the dataset's files."""
        ...

    def triples(self, pattern: Pattern) -> Iterator[Triple]:
        """The triples matching ``pattern`` (None matches anything), each once."""
        ...

    def file_of(self, node: Node) -> Path | None:
        """The file that describes ``node`` (data files before the ontology and vocabularies)."""
        ...

    def graph(self) -> Graph:
        """The union of the files as an rdflib Graph (a read-only view where the back end allows)."""
        ...

    def keep(self) -> Keep | None:
        """Where to keep what is worked out from this store's triples between commands, and the
        token naming those triples; None when nothing outlives the process."""
        ...


def _term_converter() -> Callable[[Any], Any]:
    """:func:`to_rdflib` with a memory: each distinct term is converted once, and the same rdflib
    object is handed out wherever it recurs."""
    converted: dict[Any, Any] = {}

    def term(value: Any) -> Any:
        try:
            return converted[value]
        except KeyError:
            converted[value] = found = to_rdflib(value)
            return found

    return term


def _sorted_triples(triples: list[Triple]) -> list[tuple]:
    triples.sort(key=lambda t: tuple(str(x) for x in t))
    return [tuple(t) for t in triples]


class OxigraphStore:
    """The dataset in a pyoxigraph store holding a named graph per file."""

    def __init__(self, root: DatasetRoot, store: ox.Store, files: FileTable) -> None:
        self.root = root
        self.ox = store
        self.files = files

    def query(self, text: str) -> Result:
        """Run ``text`` on the union of the store's graphs."""
        answer = self.ox.query(text, use_default_graph_as_union=True)
        if isinstance(answer, ox.QueryBoolean):
            return Result(["ask"], [(Literal(bool(answer)),)])
        if isinstance(answer, ox.QueryTriples):
            return Result(["subject", "predicate", "object"], _sorted_triples([to_triple(t) for t in answer]))
        columns = [v.value for v in answer.variables]
        term = _term_converter()  # large answers repeat terms: convert each one once

        indexes = range(len(columns))
        return Result(columns, [tuple(term(row[i]) for i in indexes) for row in answer])

    def triples(self, pattern: Pattern) -> Iterator[Triple]:
        """The matching triples of the union, each once."""
        try:
            terms = [None if t is None else to_oxigraph(t) for t in pattern]
        except (TypeError, ValueError):
            return
        seen: set[Triple] = set()
        term = _term_converter()  # a term in many triples is converted, and held, once

        for quad in self.ox.quads_for_pattern(*terms, None):
            triple = (term(quad.subject), term(quad.predicate), term(quad.object))
            if triple not in seen:
                seen.add(triple)
                yield triple

    def stored_file_of(self, node: Node) -> StoredFile | None:
        """The StoredFile whose graph describes ``node`` (lowest rank first)."""
        if isinstance(node, Literal):
            return None
        best: StoredFile | None = None
        for quad in self.ox.quads_for_pattern(to_oxigraph(node), None, None, None):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode):
                stored = self.files.get(graph.value)
                if stored is not None and (best is None or stored.rank < best.rank):
                    best = stored
        return best

    def file_of(self, node: Node) -> Path | None:
        """The file that describes ``node``."""
        stored = self.stored_file_of(node)
        return stored.path if stored is not None else None

    def graph(self) -> Graph:
        """A read-only rdflib view of the union (nothing is copied)."""
        return StoreGraph(self.ox)

    def keep(self) -> Keep | None:
        """Nothing is kept (the on-disk index, :class:`IndexStore`, keeps)."""
        return None


class RdflibStore:
    """The dataset parsed by rdflib, file by file (:class:`csgkg.io.parse.Dataset`)."""

    def __init__(self, dataset: Dataset) -> None:
        self.root = dataset.root
        self.dataset = dataset
        self._union: Graph | None = None

    def keep(self) -> Keep | None:
        """Nothing is kept: the files are parsed again by the next command."""
        return None

    def graph(self) -> Graph:
        """The union of the files (built once)."""
        if self._union is None:
            self._union = self.dataset.graph()
        return self._union

    def query(self, text: str) -> Result:
        """Run ``text`` with rdflib's SPARQL engine on the union."""
        answer = self.graph().query(text)
        if answer.type == "ASK":
            return Result(["ask"], [(Literal(bool(answer.askAnswer)),)])
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return Result(["subject", "predicate", "object"], _sorted_triples(list(answer.graph or [])))
        return Result([str(v) for v in answer.vars or []], [tuple(row) for row in answer])

    def triples(self, pattern: Pattern) -> Iterator[Triple]:
        """The matching triples of the union."""
        yield from self.graph().triples(pattern)

    def file_of(self, node: Node) -> Path | None:
        """The file that describes ``node``."""
        source = self.dataset.file_of(node)  # type: ignore[arg-type]
        return source.path if source is not None else None


def open_store(root: DatasetRoot, backend: str = "oxigraph", reporter: Any = None) -> Store:
    """The dataset of ``root`` in a store: the one place a back end is chosen.

    "oxigraph" is the on-disk index (:mod:`.index`), brought up to date with the files first;
    "rdflib" parses the files into rdflib graphs. Both answer the same queries with the same rows.
    """
    if backend == "oxigraph":
        from csgkg.store.index import open_index

        index = open_index(root, reporter)
        store = IndexStore(root, index)
        return store
    if backend == "rdflib":
        from csgkg.io.parse import load_dataset

        return RdflibStore(load_dataset(root))
    raise ValueError(f"unknown store back end {backend!r}; use one of {', '.join(BACKENDS)}")


class IndexStore(OxigraphStore):
    """The on-disk index as a Store; what was done to bring it up to date, and the last verdict, are
    told in the notes of every answer."""

    def __init__(self, root: DatasetRoot, index: Any) -> None:
        super().__init__(root, index.store, index.files)
        self.index = index

    def keep(self) -> Keep | None:
        """Beside the index, for the files (by size and modification time) it holds."""
        from csgkg.store.index import index_dir

        return Keep(index_dir(self.root) / "derived", self.index.state.manifest.digest())

    def notes(self) -> list[str]:
        """What the user should know about answers from this index."""
        notes = []
        said = self.index.update.describe()
        if said:
            notes.append(said)
        verdict = self.index.verdict
        if verdict is not None and not verdict.get("conforms", True):
            notes.append(
                f"the dataset does not validate ({plural(verdict.get('violations', 0), 'violation')}): "
                "answers may be incomplete or wrong; run csgkg validate"
            )
        return notes

    def query(self, text: str) -> Result:
        """Run ``text`` on the index; the answer carries :meth:`notes`."""
        result = super().query(text)
        result.notes = self.notes()
        return result
