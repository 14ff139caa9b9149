"""The names of everything a query parameter can name, kept beside the index.

A stored query's parameters take an IRI, a CURIE, a slug or a label (:mod:`csgkg.sparql.resolve`).
Resolving one builds an index of every member of the parameter's kind with all its names: at 100,000
interventions that is seconds of lookups, on every run. The build therefore writes those indexes
(the same as :func:`csgkg.sparql.resolve.build_index` makes; tested) into ``build/index/names.sqlite``;
a run on the index then looks a name up in a few milliseconds. The table is trusted only with the
index it was written with (the token the manifest holds, as for the key table).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from ..fastshacl.terms import to_rdflib
from ..locate import curie
from ..sparql.resolve import KINDS, NAME_PROPERTIES, Index, Kind, normalise
from .tables import new_table_file, open_table_file

NAMES_FILE = "names.sqlite"


def write_names(folder: Path, store: ox.Store, token: str) -> Path:
    """Write the name index of every kind of parameter, for the dataset in ``store``."""
    path = folder / NAMES_FILE
    with new_table_file(path, token) as db:
        db.execute("CREATE TABLE names (kind TEXT, tier INTEGER, key TEXT, member TEXT)")
        db.execute("CREATE TABLE display (kind TEXT, member TEXT, name TEXT)")
        names = all_names(store)
        for noun in sorted({kind.noun for kind in KINDS.values()}):
            index = index_from_store(store, _kind(noun), names)
            rows = (
                (noun, tier, key, str(member))
                for tier, names_of_tier in enumerate(index.tiers)
                for key, members in names_of_tier.items()
                for member in members
            )
            db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", rows)
            db.executemany(
                "INSERT INTO display VALUES (?, ?, ?)", ((noun, str(m), n) for m, n in index.names.items())
            )
        db.execute("CREATE INDEX by_key ON names (kind, key)")
        db.execute("CREATE INDEX by_member ON display (kind, member)")
    return path


def _select(store: ox.Store, query: str) -> list[dict[str, Node | None]]:
    answer = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in answer.variables]
    return [{n: to_rdflib(row[n]) for n in names} for row in answer]


Names = dict[Node, dict[Node, list[str]]]  # member -> name property -> names


def all_names(store: ox.Store) -> Names:
    """Every name (the name properties and skos:altLabel) of every node, read in one query."""
    wanted = " ".join(f"<{p}>" for p in (*NAME_PROPERTIES, SKOS.altLabel))
    names: Names = {}
    query = f"SELECT DISTINCT ?m ?p ?n WHERE {{ VALUES ?p {{ {wanted} }} ?m ?p ?n }}"
    answer = store.query(query, use_default_graph_as_union=True)
    for row in answer:
        member, prop = to_rdflib(row["m"]), to_rdflib(row["p"])
        names.setdefault(member, {}).setdefault(prop, []).append(str(to_rdflib(row["n"])))
    return names


def index_from_store(store: ox.Store, kind: Kind, names: Names | None = None) -> Index:
    """The index :func:`csgkg.sparql.resolve.build_index` makes, read with a few SPARQL queries
    instead of a lookup per member (the tests check that both give the same answers)."""
    members: set[URIRef] = set()
    for cls in kind.classes:
        query = (
            f"SELECT DISTINCT ?m WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> . ?m <{RDF.type}> ?c . "
            "FILTER (isIRI(?m)) }"
        )
        members.update(row["m"] for row in _select(store, query))  # type: ignore[misc]
    for prop in kind.properties:
        query = (
            f"SELECT DISTINCT ?m WHERE {{ ?p <{RDFS.subPropertyOf}>* <{prop}> . ?s ?p ?m . "
            "FILTER (isIRI(?m)) }"
        )
        members.update(row["m"] for row in _select(store, query))  # type: ignore[misc]
    names = all_names(store) if names is None else names
    index = Index(kind)
    for member in members:
        index.add(0, str(member), member)
        index.add(0, curie(member), member)
        slug = str(member).rstrip("/").rsplit("/", 1)[-1]
        index.add(1, slug, member)
        found = names.get(member, {})
        for prop in NAME_PROPERTIES:
            for name in sorted(found.get(prop, ())):
                index.add(1, name, member)
                index.names.setdefault(member, name)
        for alt in found.get(SKOS.altLabel, ()):
            index.add(2, alt, member)
        index.names.setdefault(member, slug)
    return index


def _kind(noun: str) -> Kind:
    return next(kind for kind in KINDS.values() if kind.noun == noun)


class DisplayNames(Mapping[URIRef, str]):
    """The display name of each member of a kind, read from the table (one query a lookup)."""

    def __init__(self, db: sqlite3.Connection, noun: str) -> None:
        self.db = db
        self.noun = noun

    def __getitem__(self, member: object) -> str:
        row = self.db.execute(
            "SELECT name FROM display WHERE kind = ? AND member = ?", (self.noun, str(member))
        ).fetchone()
        if row is None:
            raise KeyError(member)
        return row[0]

    def __iter__(self) -> Iterator[URIRef]:
        for (member,) in self.db.execute("SELECT member FROM display WHERE kind = ?", (self.noun,)):
            yield URIRef(member)

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM display WHERE kind = ?", (self.noun,)).fetchone()[0]

    def values(self) -> list[str]:  # type: ignore[override]
        """Every display name (one query)."""
        return [name for (name,) in self.db.execute("SELECT name FROM display WHERE kind = ?", (self.noun,))]


class TableIndex(Index):
    """An :class:`~csgkg.sparql.resolve.Index` read from the table: lookups and display names one
    query each; every name (for suggesting the nearest ones) only when asked for."""

    def __init__(self, db: sqlite3.Connection, kind: Kind) -> None:
        self.kind = kind
        self.names = DisplayNames(db, kind.noun)  # type: ignore[assignment]
        self.db = db
        self._tiers: tuple[dict[str, set[URIRef]], ...] | None = None

    @property
    def tiers(self) -> tuple[dict[str, set[URIRef]], ...]:  # type: ignore[override]
        """Every name of every member, by tier (read on first use: only to suggest near names)."""
        if self._tiers is None:
            self._tiers = ({}, {}, {})
            rows = self.db.execute("SELECT tier, key, member FROM names WHERE kind = ?", (self.kind.noun,))
            for tier, key, member in rows:
                self._tiers[tier].setdefault(key, set()).add(URIRef(member))
        return self._tiers

    def lookup(self, text: str) -> set[URIRef]:
        """As :meth:`Index.lookup`: the members called ``text`` in the first tier that knows it."""
        key = normalise(text)
        if key.startswith("<") and key.endswith(">"):
            key = key[1:-1]
        rows = self.db.execute(
            "SELECT tier, member FROM names WHERE kind = ? AND key = ?", (self.kind.noun, key)
        ).fetchall()
        if not rows:
            return set()
        first = min(tier for tier, _ in rows)
        return {URIRef(member) for tier, member in rows if tier == first}


class NamesTable:
    """``names.sqlite`` opened for lookups."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._indexes: dict[str, TableIndex] = {}

    def index(self, kind: Kind) -> TableIndex:
        """The name index of ``kind``."""
        if kind.noun not in self._indexes:
            self._indexes[kind.noun] = TableIndex(self.db, kind)
        return self._indexes[kind.noun]


def open_names(folder: Path, token: str | None) -> NamesTable | None:
    """The names table in ``folder`` when it was written with the index whose manifest holds ``token``."""
    db = open_table_file(folder / NAMES_FILE, token)
    return None if db is None else NamesTable(db)
