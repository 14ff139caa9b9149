"""What the catalogue shows, gathered once: the records of the graph (through
:class:`csgkg.publish.release.records.Catalogue`) and the answers of the stored queries (through
``csgkg.query``): similar interventions, comparisons, the context x harm matrix and the example
answer of every stored query."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from csgkg.core.root import DatasetRoot
from csgkg.publish.release.records import (
    FACET_BY_KEY,
    FACETS,
    Catalogue,
    Concept,
    Facet,
    Intervention,
    Ref,
    curie,
)

# The facets the home page filters by, in order.
FILTER_FACETS: tuple[str, ...] = ("context", "harm", "role", "evidence")
# How many rows of a stored query's example answer a page shows.
EXAMPLE_ROWS = 30


@dataclass
class Option:
    """One value of a filter: the concept, how deep it sits in its hierarchy, and how many
    interventions match it (itself or a narrower concept)."""

    concept: Concept
    depth: int
    count: int


@dataclass
class Similar:
    """An intervention like another one: how many facet values they share and the Jaccard score."""

    intervention: Intervention
    shared: int
    score: float

    @property
    def percent(self) -> int:
        """The score as a whole percentage."""
        return round(self.score * 100)


@dataclass
class FacetComparison:
    """One facet of two interventions side by side."""

    key: str
    label: str
    shared: list[Ref] = field(default_factory=list)
    only_a: list[Ref] = field(default_factory=list)
    only_b: list[Ref] = field(default_factory=list)

    def swapped(self) -> FacetComparison:
        """The same facet with the sides exchanged."""
        return FacetComparison(self.key, self.label, self.shared, self.only_b, self.only_a)

    @property
    def side_a(self) -> list[tuple[Ref, bool]]:
        """A's values, each with True when B has it too; shared values first."""
        return [(r, True) for r in self.shared] + [(r, False) for r in self.only_a]

    @property
    def side_b(self) -> list[tuple[Ref, bool]]:
        """B's values, each with True when A has it too; shared values first."""
        return [(r, True) for r in self.shared] + [(r, False) for r in self.only_b]


@dataclass
class Comparison:
    """Two interventions compared facet by facet."""

    a: Intervention
    b: Intervention
    facets: list[FacetComparison]

    def swapped(self) -> Comparison:
        """The same comparison with B first."""
        return Comparison(self.b, self.a, [f.swapped() for f in self.facets])

    @property
    def shared_count(self) -> int:
        """How many facet values both interventions have."""
        return sum(len(f.shared) for f in self.facets)

    @property
    def file(self) -> str:
        """The file name of this comparison's page."""
        return pair_file(self.a, self.b)


@dataclass
class ExampleAnswer:
    """A stored query with the answer of its example call."""

    query: Any
    columns: list[str]
    rows: list[list[Any]]
    total: int
    error: str | None = None

    @property
    def name(self) -> str:
        """The stored query's name."""
        return str(self.query.name)

    @property
    def command(self) -> str:
        """The command line that runs the example call."""
        params = " ".join(
            f"--param {k}={_shell_quote(str(v))}" for k, v in sorted(self.query.example.items())
        )
        return f"csgkg query run {self.name}" + (f" {params}" if params else "")


def _shell_quote(value: str) -> str:
    return value if value.replace("-", "").replace(":", "").isalnum() else f'"{value}"'


def pair_file(a: Intervention, b: Intervention) -> str:
    """The file name of the comparison page of ``a`` and ``b`` (in that order)."""
    return f"{a.slug}--{b.slug}.html"


def _float(value: Any) -> float:
    if isinstance(value, Decimal | int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return 0.0


class SiteModel:
    """Everything the templates show, computed from the graph and the stored queries of ``root``."""

    def __init__(self, root: DatasetRoot, graph: Graph) -> None:
        self.root = root
        self.graph = graph
        self.catalogue = Catalogue(graph)

    # -- records -----------------------------------------------------------------------------

    @cached_property
    def interventions(self) -> list[Intervention]:
        """Every intervention, sorted by label."""
        return self.catalogue.interventions

    @cached_property
    def by_iri(self) -> dict[str, Intervention]:
        """Every intervention by its IRI."""
        return {i.iri: i for i in self.interventions}

    def facet(self, key: str) -> Facet:
        """The facet called ``key`` (``context``, ``harm``, ...)."""
        return FACET_BY_KEY[key]

    @property
    def facets(self) -> tuple[Facet, ...]:
        """Every facet, in display order."""
        return FACETS

    def options(self, key: str) -> list[Option]:
        """The values of facet ``key`` in hierarchy order, with their intervention counts."""
        facet = FACET_BY_KEY[key]
        return [
            Option(
                c,
                self.catalogue.depth(c),
                sum(self.catalogue.matches(i, facet, c.iri) for i in self.interventions),
            )
            for c in self.catalogue.scheme_concepts(facet)
        ]

    def filter_values(self, intervention: Intervention, key: str) -> str:
        """The slugs an intervention matches for facet ``key`` (its values and every broader
        concept), space-separated, for the home page's filter script."""
        slugs = set()
        for value in intervention.facets[key]:
            slugs |= {iri.rstrip("/").rsplit("/", 1)[-1] for iri in self.catalogue.ancestors(value.iri)}
        return " ".join(sorted(slugs))

    def search_text(self, intervention: Intervention) -> str:
        """Lower-case words the home page's search box looks in."""
        return " ".join([intervention.label, *intervention.alt_labels, intervention.description]).casefold()

    def concept_interventions(self, concept: Concept) -> tuple[list[Intervention], list[Intervention]]:
        """The interventions with ``concept`` itself, and those with a narrower concept."""
        return self.catalogue.interventions_with(concept)

    def subgraph(self, intervention: Intervention) -> Graph:
        """The statements about ``intervention`` and its claims: what its own data file holds."""
        from csgkg.core.namespaces import new_graph

        node = URIRef(intervention.iri)
        out = new_graph()
        for triple in self.graph.triples((node, None, None)):
            out.add(triple)
        for claim in self.graph.subjects(RDF.subject, node):
            for triple in self.graph.triples((claim, None, None)):
                out.add(triple)
        return out

    # -- stored queries ----------------------------------------------------------------------

    def _query(self, name: str, **params: object) -> list[dict[str, Any]]:
        import csgkg

        return csgkg.query(name, root=self.root, **params)

    @cached_property
    def similar(self) -> dict[str, list[Similar]]:
        """For each intervention, the others ranked by similarity (stored query
        ``similar-interventions``)."""
        out: dict[str, list[Similar]] = {}
        for intervention in self.interventions:
            rows = self._query("similar-interventions", intervention=intervention.iri)
            out[intervention.iri] = [
                Similar(self.by_iri[str(r["intervention"])], int(r["shared"]), _float(r["score"]))
                for r in rows
                if str(r["intervention"]) in self.by_iri
            ]
        return out

    def _compare(self, a: Intervention, b: Intervention) -> Comparison:
        rows = self._query("compare-interventions", a=a.iri, b=b.iri)
        facets: dict[str, FacetComparison] = {}
        for row in rows:
            facet = str(row["facet"])
            entry = facets.get(facet)
            if entry is None:
                label = str(row.get("facetLabel") or curie(facet))
                entry = facets[facet] = FacetComparison(curie(facet), label)
            value = Ref(str(row.get("valueLabel") or curie(str(row["value"]))), str(row["value"]))
            side = {"shared": entry.shared, "only a": entry.only_a, "only b": entry.only_b}
            side[str(row["comparison"])].append(value)
        return Comparison(a, b, list(facets.values()))

    @cached_property
    def comparisons(self) -> list[Comparison]:
        """Every ordered pair of interventions compared (stored query ``compare-interventions``,
        run once per pair; the reverse order is the same answer swapped)."""
        out = []
        for a, b in itertools.combinations(self.interventions, 2):
            comparison = self._compare(a, b)
            out += [comparison, comparison.swapped()]
        return sorted(out, key=lambda c: c.file)

    @cached_property
    def matrix(self) -> dict[tuple[str, str], int]:
        """(context IRI, harm IRI) -> number of interventions (stored query ``context-harm-matrix``)."""
        return {
            (str(r["context"]), str(r["harm"])): int(r["interventions"] or 0)
            for r in self._query("context-harm-matrix")
        }

    def cell_interventions(self, context: Concept, harm: Concept) -> list[Intervention]:
        """The interventions in ``context`` that address ``harm`` or a narrower harm."""
        return [
            i
            for i in self.interventions
            if self.catalogue.matches(i, FACET_BY_KEY["context"], context.iri)
            and self.catalogue.matches(i, FACET_BY_KEY["harm"], harm.iri)
        ]

    @cached_property
    def examples(self) -> list[ExampleAnswer]:
        """Every stored query with the answer of its own example call."""
        import csgkg
        from csgkg.core.errors import CsgkgError

        out = []
        for query in csgkg.list_queries(self.root):
            try:
                rows = self._query(query.name, **query.example)
            except CsgkgError as exc:
                out.append(ExampleAnswer(query, [], [], 0, error=str(exc)))
                continue
            columns = list(rows[0].keys()) if rows else [v for v in _select_variables(query)]
            shown = [[row.get(c) for c in columns] for row in rows[:EXAMPLE_ROWS]]
            out.append(ExampleAnswer(query, columns, shown, len(rows)))
        return out


def _select_variables(query: Any) -> list[str]:
    expected = getattr(query, "expected", None)
    return list(expected.columns) if expected is not None else []
