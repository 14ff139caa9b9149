"""Stored queries on the persistent index: Oxigraph runs the bound query text, on the union store
(every triple once, in its default graph) when the build wrote one, else on the union of the graphs.

:func:`index_graph` gives the index as an rdflib Graph (a read-only view, so that parameter
resolution works unchanged) that also runs query text on Oxigraph (:meth:`IndexGraph.run`); the
query engine uses it whenever the index is fresh (the quick check of :mod:`.index`).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Literal

from ..fastshacl.rdfview import StoreGraph
from ..fastshacl.terms import to_rdflib, to_triple
from ..root import DatasetRoot
from .index import fresh_manifest, index_dir, store_dir, union_store_dir
from .names import NamesTable, open_names

_OPEN: dict[str, tuple[tuple, IndexGraph]] = {}


class IndexGraph(StoreGraph):
    """The index as an rdflib graph that runs SPARQL text on Oxigraph, with the names table the build
    wrote beside it (used to resolve query parameters; None when there is none)."""

    names_table: NamesTable | None = None
    graphs: bool = True  # the store holds a graph per file (else the union store: one default graph)

    def run(self, text: str) -> Any:
        """Run ``text`` (a checked, bound query) on the union of the index's files; return a
        :class:`csgkg.sparql.engine.Result`."""
        from ..sparql.engine import Result

        answer = self._ox.query(text, use_default_graph_as_union=self.graphs)
        if isinstance(answer, ox.QueryBoolean):
            return Result(["ask"], [(Literal(bool(answer)),)])
        if isinstance(answer, ox.QueryTriples):
            triples = [to_triple(t) for t in answer]
            triples.sort(key=lambda t: tuple(str(x) for x in t))
            return Result(["subject", "predicate", "object"], triples)
        columns = [v.value for v in answer.variables]
        # Large answers repeat the same terms (kinds, statuses, labels): convert each term once.
        converted: dict[Any, Any] = {}

        def term(value: Any) -> Any:
            try:
                return converted[value]
            except KeyError:
                converted[value] = found = to_rdflib(value)
                return found

        indexes = range(len(columns))
        rows = [tuple(term(row[i]) for i in indexes) for row in answer]
        return Result(columns, rows)


def index_graph(root: DatasetRoot) -> IndexGraph | None:
    """The fresh index of ``root`` as an IndexGraph (kept open in the process), else None.

    ``CSGKG_INDEX=0`` turns the index off (queries then read the files, as without a build).
    """
    import os

    if os.environ.get("CSGKG_INDEX", "").strip() in ("0", "false", "no"):
        return None
    manifest = fresh_manifest(root)
    if manifest is None:
        _OPEN.pop(str(root.path), None)
        return None
    # A new build swaps in a new store and tables (with a new token): open them again.
    key = (str(root.path), manifest.keys, manifest.quads, manifest.union)
    opened = _OPEN.get(str(root.path))
    if opened is None or opened[0] != key:
        union = manifest.union and union_store_dir(root).is_dir()
        try:
            graph = IndexGraph(ox.Store.read_only(str(union_store_dir(root) if union else store_dir(root))))
        except OSError:
            return None
        graph.graphs = not union
        graph.names_table = open_names(index_dir(root), manifest.keys)
        _OPEN[str(root.path)] = (key, graph)
    return _OPEN[str(root.path)][1]
