"""Join keys kept beside the index, so that a contribution check does not scan the whole dataset.

A SPARQL constraint such as "no other intervention has this name" pairs the focus node with *every*
other node whose key (here the lower-cased label) is equal. For one contributed intervention that is
still a scan of every label in the dataset, which grows with the dataset. The build therefore
stores, for each such constraint (a :class:`.rewrite.KeyJoin` whose second part does not mention
``$this``), the key of every node on the second side: ``build/index/keys.sqlite``.

A check then looks up only the keys its focus nodes have, and runs the constraint's own query on the
nodes found plus the contribution's nodes. The table is a filter, never the answer: every result still
comes from the constraint's query on the store, so results are the same as without the table. It is
trusted only with the index it was written with (a token in both), and not when a contribution
changes the class hierarchy (``rdfs:subClassOf``), which could give dataset nodes new keys.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from csgkg.fastshacl.model import ShapeSet
from csgkg.fastshacl.rewrite import KeyJoin
from csgkg.fastshacl.sparqlc import AnalysisCache, SparqlConstraint, read_constraints
from csgkg.fastshacl.terms import to_oxigraph

KEYS_FILE = "keys.sqlite"



@contextmanager
def new_table_file(path: Path, token: str) -> Iterator[sqlite3.Connection]:
    """A new SQLite database that replaces ``path`` when the block ends without an error; it starts
    with a ``meta`` table holding ``token``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("CREATE TABLE meta (token TEXT)")
        db.execute("INSERT INTO meta VALUES (?)", (token,))
        yield db
        db.commit()
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    db.close()
    os.replace(tmp, path)


def open_table_file(path: Path, token: str | None) -> sqlite3.Connection | None:
    """``path`` opened read-only when it exists and was written with ``token`` (else None)."""
    if not token or not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        row = db.execute("SELECT token FROM meta").fetchone()
    except sqlite3.Error:
        return None
    if row is None or row[0] != token:
        db.close()
        return None
    return db


def usable(join: KeyJoin | None) -> bool:
    """Whether the table can serve ``join``: ``$this`` on the first side only."""
    return join is not None and "?this" in join.first and "?this" not in join.second


def second_side_query(join: KeyJoin, values: str = "") -> str:
    """The nodes of the second side of ``join`` with their keys (``values`` restricts the nodes)."""
    return (
        f"SELECT DISTINCT {join.second_node} ?_k WHERE {{ {values} {join.second} "
        f"BIND ({join.second_key} AS ?_k) FILTER (BOUND(?_k)) }}"
    )


def constraint_id(constraint: SparqlConstraint) -> str:
    """A stable name for a constraint: the hash of its query text."""
    return AnalysisCache.key(constraint.text)


def term_key(term: Node) -> str:
    """The N-Triples form of an rdflib term (as Oxigraph writes it), used as the table's text."""
    return str(to_oxigraph(term))


def keyed_constraints(shapes: ShapeSet, cache: AnalysisCache | None) -> Iterable[SparqlConstraint]:
    """Every active SPARQL constraint of every shape that the table can serve."""
    for spec in sorted(shapes.shapes.values(), key=lambda s: str(s.node)):
        if spec.deactivated or SH.SPARQLConstraintComponent not in spec.params:
            continue
        for constraint in read_constraints(shapes, spec, cache):
            if constraint.safe and usable(constraint.key_join):
                yield constraint


def write_keys(folder: Path, store: ox.Store, shapes_graph: Graph, cache: AnalysisCache | None) -> str:
    """Write ``folder/keys.sqlite`` for the dataset in ``store``; return its token (for the manifest)."""
    token = uuid.uuid4().hex
    with new_table_file(folder / KEYS_FILE, token) as db:
        db.execute("CREATE TABLE covered (constraint_id TEXT PRIMARY KEY)")
        db.execute("CREATE TABLE keys (constraint_id TEXT, key TEXT, node TEXT)")
        for constraint in keyed_constraints(ShapeSet(shapes_graph), cache):
            join = constraint.key_join
            assert join is not None
            answer = store.query(second_side_query(join), use_default_graph_as_union=True)
            node_var, cid = join.second_node[1:], constraint_id(constraint)
            rows = [(cid, str(row["_k"]), row[node_var]) for row in answer]
            if any(not isinstance(node, ox.NamedNode) for _, _, node in rows):
                continue  # blank nodes cannot be named in a later query: not covered
            db.executemany("INSERT INTO keys VALUES (?, ?, ?)", ((c, k, str(n)) for c, k, n in rows))
            db.execute("INSERT INTO covered VALUES (?)", (cid,))
        db.execute("CREATE INDEX by_key ON keys (constraint_id, key)")
    if cache is not None:
        cache.save()
    return token


class KeyTable:
    """``keys.sqlite`` opened for lookups (see :func:`open_keys`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.covered = {row[0] for row in db.execute("SELECT constraint_id FROM covered")}

    def covers(self, constraint: SparqlConstraint) -> bool:
        """Whether the table holds the second side of ``constraint``."""
        return constraint_id(constraint) in self.covered

    def nodes(self, constraint: SparqlConstraint, keys: Iterable[Node]) -> list[str]:
        """The second-side nodes (N-Triples text) whose key is one of ``keys`` in the dataset."""
        wanted = sorted({term_key(k) for k in keys})
        found: set[str] = set()
        cid = constraint_id(constraint)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT node FROM keys WHERE constraint_id = ? AND key IN ({marks})"
            found.update(row[0] for row in self.db.execute(query, (cid, *chunk)))
        return sorted(found)


def open_keys(folder: Path, token: str | None) -> KeyTable | None:
    """The key table in ``folder`` when it was written with the index whose manifest holds ``token``."""
    db = open_table_file(folder / KEYS_FILE, token)
    return None if db is None else KeyTable(db)
