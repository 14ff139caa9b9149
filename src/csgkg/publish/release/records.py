"""The main entities of the graph as plain records with their labels: interventions (with their
facets, relations, organisations, sources and claims), concepts, organisations and sources.

The CSV tables, ``CHANGES.md`` and the web catalogue all read the graph through :class:`Catalogue`,
so they agree on what an intervention is and what its values are called.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from csgkg.core.namespaces import CSG, PREFIXES, SCHEMA, VOCAB


@dataclass(frozen=True)
class Facet:
    """One facet of an intervention: its key (used in URLs and filters), property, scheme and names."""

    key: str
    prop: URIRef
    scheme_slug: str
    column: str
    title: str
    multi: bool = True

    @property
    def scheme(self) -> str:
        """The IRI of the facet's concept scheme."""
        return f"{VOCAB}{self.scheme_slug}"


FACETS: tuple[Facet, ...] = (
    Facet("context", CSG.worksInContext, "context", "contexts", "Contexts"),
    Facet("harm", CSG.addressesHarm, "harm", "harms", "Harms addressed"),
    Facet("role", CSG.deliveredBy, "delivery-role", "delivery_roles", "Delivered by"),
    Facet("audience", CSG.intendedFor, "audience", "audiences", "Intended for"),
    Facet("evidence", CSG.evidenceStatus, "evidence-status", "evidence_status", "Evidence status", False),
    Facet("itype", CSG.interventionType, "intervention-type", "intervention_types", "Type of intervention"),
    Facet("principle", CSG.hasPrinciple, "principle", "principles", "Principles"),
)
FACET_BY_KEY: dict[str, Facet] = {f.key: f for f in FACETS}
FACET_BY_SCHEME: dict[str, Facet] = {f.scheme: f for f in FACETS}

# Links between interventions, and to organisations and countries: (key, property, title).
RELATIONS: tuple[tuple[str, URIRef, str], ...] = (
    ("formOf", CSG.formOf, "A form of"),
    ("hasForm", CSG.hasForm, "Forms of this approach"),
    ("exampleOf", CSG.exampleOf, "An example of"),
    ("hasExample", CSG.hasExample, "Programmes that are examples of it"),
)
ORGANISATION_ROLES: tuple[tuple[str, URIRef, str], ...] = (
    ("developedBy", CSG.developedBy, "Developed by"),
    ("offeredBy", CSG.offeredBy, "Offered or described by"),
    ("trainingProvidedBy", CSG.trainingProvidedBy, "Training provided by"),
    ("fundedBy", CSG.fundedBy, "Funded by"),
    ("involvedOrganisation", CSG.involvedOrganisation, "Other organisations involved"),
)
COUNTRY_ROLES: tuple[tuple[str, URIRef, str], ...] = (
    ("developedIn", CSG.developedIn, "Developed in"),
    ("pilotedIn", CSG.pilotedIn, "Piloted in"),
    ("associatedCountry", CSG.associatedCountry, "Associated with"),
)


def local_name(iri: str) -> str:
    """The last path segment (or fragment) of ``iri``."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def curie(iri: str) -> str:
    """``iri`` shortened with the csgkg prefix map (the longest matching namespace), else unchanged."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def _literals(graph: Graph, node: URIRef, prop: URIRef) -> list[str]:
    """The English (or language-less) literal values of ``prop``, sorted."""
    values = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
    english = [v for v in values if v.language in (None, "en")] or values
    return sorted({str(v) for v in english})


def label_of(graph: Graph, node: URIRef) -> str:
    """The name of ``node`` for people: its prefLabel, label or title in English, else its local name."""
    for prop in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
        values = _literals(graph, node, prop)
        if values:
            return values[0]
    return local_name(str(node))


@dataclass(frozen=True, order=True)
class Ref:
    """A link to a node, with its label."""

    label: str
    iri: str

    @property
    def slug(self) -> str:
        """The last path segment of the IRI (``school``, ``Q30``)."""
        return local_name(self.iri)

    @property
    def curie(self) -> str:
        """The IRI shortened with the csgkg prefixes."""
        return curie(self.iri)


@dataclass
class Source:
    """A source the statements come from."""

    iri: str
    title: str
    url: str | None = None
    citation: str | None = None
    publisher: Ref | None = None
    issued: str | None = None

    @property
    def slug(self) -> str:
        """The last segment of the IRI."""
        return local_name(self.iri)


@dataclass
class Claim:
    """The record of one statement about an intervention: its source and basis."""

    iri: str
    prop: Ref
    value: Ref
    sources: list[str]
    basis: Ref
    notes: list[str] = field(default_factory=list)

    @property
    def editorial(self) -> bool:
        """True when the statement is an editorial judgement rather than stated by the source."""
        return self.basis.iri == str(CSG.EditorialJudgement)


@dataclass
class Intervention:
    """One intervention with everything the catalogue shows about it."""

    iri: str
    label: str
    kind: Ref
    description: str
    alt_labels: list[str] = field(default_factory=list)
    facets: dict[str, list[Ref]] = field(default_factory=dict)
    relations: dict[str, list[Ref]] = field(default_factory=dict)
    organisations: dict[str, list[Ref]] = field(default_factory=dict)
    countries: dict[str, list[Ref]] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    other: list[tuple[Ref, list[Ref]]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The last segment of the IRI, used for file names."""
        return local_name(self.iri)

    @property
    def ref(self) -> Ref:
        """A :class:`Ref` to this intervention."""
        return Ref(self.label, self.iri)

    def claims_from(self, source_iri: str) -> list[Claim]:
        """The claims that cite ``source_iri``."""
        return [c for c in self.claims if source_iri in c.sources]


@dataclass
class Concept:
    """A SKOS concept of one of the facet schemes."""

    iri: str
    label: str
    scheme: Ref
    definition: str = ""
    alt_labels: list[str] = field(default_factory=list)
    scope_notes: list[str] = field(default_factory=list)
    broader: list[Ref] = field(default_factory=list)
    narrower: list[Ref] = field(default_factory=list)
    deprecated: bool = False

    @property
    def slug(self) -> str:
        """The last segment of the IRI."""
        return local_name(self.iri)

    @property
    def ref(self) -> Ref:
        """A :class:`Ref` to this concept."""
        return Ref(self.label, self.iri)

    @property
    def facet(self) -> Facet | None:
        """The facet whose values come from this concept's scheme."""
        return FACET_BY_SCHEME.get(self.scheme.iri)


def _sort_key(ref: Ref) -> tuple[str, str]:
    return (ref.label.casefold(), ref.iri)


class Catalogue:
    """The interventions, concepts, organisations and sources of a graph, ready to list and show."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def label(self, node: str | URIRef) -> str:
        """The label of ``node`` in the graph."""
        return label_of(self.graph, URIRef(str(node)))

    def ref(self, node: str | URIRef) -> Ref:
        """A :class:`Ref` to ``node``."""
        return Ref(self.label(node), str(node))

    def refs(self, nodes: Iterable[object]) -> list[Ref]:
        """Refs to the IRIs among ``nodes``, sorted by label."""
        return sorted({self.ref(n) for n in nodes if isinstance(n, URIRef)}, key=_sort_key)

    @cached_property
    def intervention_classes(self) -> frozenset[URIRef]:
        """``csg:Intervention`` and every class below it."""
        found = {CSG.Intervention}
        frontier = [CSG.Intervention]
        while frontier:
            cls = frontier.pop()
            for sub in self.graph.subjects(RDFS.subClassOf, cls):
                if isinstance(sub, URIRef) and sub not in found:
                    found.add(sub)
                    frontier.append(sub)
        return frozenset(found)

    @cached_property
    def intervention_iris(self) -> list[str]:
        """The IRIs of every intervention, sorted."""
        return sorted(
            {
                str(s)
                for cls in self.intervention_classes
                for s in self.graph.subjects(RDF.type, cls)
                if isinstance(s, URIRef)
            }
        )

    def kind_of(self, node: URIRef) -> Ref:
        """The most specific intervention class of ``node``."""
        kinds = [t for t in self.graph.objects(node, RDF.type) if t in self.intervention_classes]
        specific = [k for k in kinds if k != CSG.Intervention] or kinds or [CSG.Intervention]
        return self.ref(sorted(specific, key=str)[0])

    def source(self, iri: str | URIRef) -> Source:
        """The :class:`Source` record of ``iri``."""
        node = URIRef(str(iri))
        g = self.graph
        url = next(iter(sorted(g.objects(node, SCHEMA.url), key=str)), None)
        citations = _literals(g, node, DCTERMS.bibliographicCitation)
        publisher = next(iter(sorted(g.objects(node, DCTERMS.publisher), key=str)), None)
        issued = next(iter(sorted(g.objects(node, DCTERMS.issued), key=str)), None)
        return Source(
            iri=str(node),
            title=self.label(node),
            url=str(url) if url is not None else None,
            citation=citations[0] if citations else None,
            publisher=self.ref(publisher) if isinstance(publisher, URIRef) else None,
            issued=str(issued) if issued is not None else None,
        )

    def claims_about(self, node: URIRef) -> list[Claim]:
        """The claims whose ``rdf:subject`` is ``node``, sorted by property and value."""
        g = self.graph
        claims = []
        for claim in g.subjects(RDF.subject, node):
            if (claim, RDF.type, CSG.Claim) not in g or not isinstance(claim, URIRef):
                continue
            prop = next(iter(g.objects(claim, RDF.predicate)), None)
            value = next(iter(g.objects(claim, RDF.object)), None)
            basis = next(iter(g.objects(claim, CSG.claimBasis)), None)
            if prop is None or value is None:
                continue
            claims.append(
                Claim(
                    iri=str(claim),
                    prop=self.ref(prop),
                    value=self.ref(value),
                    sources=sorted(str(s) for s in g.objects(claim, CSG.hasSource)),
                    basis=self.ref(basis) if basis is not None else self.ref(CSG.StatedBySource),
                    notes=_literals(g, claim, SKOS.editorialNote),
                )
            )
        order = {str(f.prop): i for i, f in enumerate(FACETS)}
        return sorted(claims, key=lambda c: (order.get(c.prop.iri, 99), c.prop.iri, c.value.label.casefold()))

    def intervention(self, iri: str | URIRef) -> Intervention:
        """The :class:`Intervention` record of ``iri``."""
        node = URIRef(str(iri))
        g = self.graph
        descriptions = _literals(g, node, DCTERMS.description)
        return Intervention(
            iri=str(node),
            label=self.label(node),
            kind=self.kind_of(node),
            description=descriptions[0] if descriptions else "",
            alt_labels=_literals(g, node, SKOS.altLabel),
            facets={f.key: self.refs(g.objects(node, f.prop)) for f in FACETS},
            relations={k: self.refs(g.objects(node, p)) for k, p, _ in RELATIONS},
            organisations={k: self.refs(g.objects(node, p)) for k, p, _ in ORGANISATION_ROLES},
            countries={k: self.refs(g.objects(node, p)) for k, p, _ in COUNTRY_ROLES},
            sources=sorted(
                (self.source(s) for s in g.objects(node, CSG.hasSource) if isinstance(s, URIRef)),
                key=lambda s: (s.title.casefold(), s.iri),
            ),
            claims=self.claims_about(node),
            other=self._other_links(node),
        )

    def _other_links(self, node: URIRef) -> list[tuple[Ref, list[Ref]]]:
        """Links of ``node`` to other nodes through properties the record has no field for."""
        known = {f.prop for f in FACETS} | {
            p for group in (RELATIONS, ORGANISATION_ROLES, COUNTRY_ROLES) for _, p, _ in group
        }
        known |= {RDF.type, CSG.hasSource}
        props = sorted({p for p, o in self.graph.predicate_objects(node) if isinstance(o, URIRef)} - known)
        return [(self.ref(p), self.refs(self.graph.objects(node, p))) for p in props]

    @cached_property
    def interventions(self) -> list[Intervention]:
        """Every intervention, sorted by label (case-insensitive)."""
        records = [self.intervention(i) for i in self.intervention_iris]
        return sorted(records, key=lambda r: (r.label.casefold(), r.iri))

    @cached_property
    def concepts(self) -> list[Concept]:
        """Every concept of the facet schemes, sorted by scheme then label."""
        g = self.graph
        records = []
        for node in set(g.subjects(RDF.type, SKOS.Concept)):
            if not isinstance(node, URIRef):
                continue
            schemes = sorted(g.objects(node, SKOS.inScheme), key=str)
            scheme = self.ref(schemes[0]) if schemes else Ref("", "")
            definitions = _literals(g, node, SKOS.definition)
            broader = set(g.objects(node, SKOS.broader)) | set(g.subjects(SKOS.narrower, node))
            narrower = set(g.objects(node, SKOS.narrower)) | set(g.subjects(SKOS.broader, node))
            records.append(
                Concept(
                    iri=str(node),
                    label=self.label(node),
                    scheme=scheme,
                    definition=definitions[0] if definitions else "",
                    alt_labels=_literals(g, node, SKOS.altLabel),
                    scope_notes=_literals(g, node, SKOS.scopeNote),
                    broader=self.refs(broader),
                    narrower=self.refs(narrower),
                    deprecated=any(
                        bool(v.toPython()) for v in g.objects(node, OWL.deprecated) if isinstance(v, Literal)
                    ),
                )
            )
        return sorted(records, key=lambda c: (c.scheme.iri, c.label.casefold(), c.iri))

    @cached_property
    def concept_by_iri(self) -> dict[str, Concept]:
        """Every concept by its IRI."""
        return {c.iri: c for c in self.concepts}

    def scheme_concepts(self, facet: Facet, include_deprecated: bool = False) -> list[Concept]:
        """The concepts of ``facet``'s scheme in hierarchy order: each top concept followed by the
        concepts below it (depth first, by label)."""
        members = [
            c
            for c in self.concepts
            if c.scheme.iri == facet.scheme and (include_deprecated or not c.deprecated)
        ]
        iris = {c.iri for c in members}
        by_iri = {c.iri: c for c in members}
        ordered: list[Concept] = []
        seen: set[str] = set()

        def visit(concept: Concept) -> None:
            if concept.iri in seen:
                return
            seen.add(concept.iri)
            ordered.append(concept)
            for child in concept.narrower:
                if child.iri in by_iri:
                    visit(by_iri[child.iri])

        for concept in members:
            if not any(b.iri in iris for b in concept.broader):
                visit(concept)
        for concept in members:  # anything left in a cycle
            visit(concept)
        return ordered

    def depth(self, concept: Concept) -> int:
        """How far below a top concept ``concept`` is (0 for a top concept)."""
        depth, current, seen = 0, concept, {concept.iri}
        while current.broader:
            parent = self.concept_by_iri.get(current.broader[0].iri)
            if parent is None or parent.iri in seen:
                break
            seen.add(parent.iri)
            depth, current = depth + 1, parent
        return depth

    def ancestors(self, iri: str) -> set[str]:
        """``iri`` and every concept above it (``skos:broader``, transitively)."""
        found = {iri}
        frontier = [iri]
        while frontier:
            concept = self.concept_by_iri.get(frontier.pop())
            for parent in concept.broader if concept else []:
                if parent.iri not in found:
                    found.add(parent.iri)
                    frontier.append(parent.iri)
        return found

    def matches(self, intervention: Intervention, facet: Facet, concept_iri: str) -> bool:
        """True when ``intervention`` has ``concept_iri`` for ``facet``, or a narrower concept."""
        return any(concept_iri in self.ancestors(v.iri) for v in intervention.facets[facet.key])

    def interventions_with(self, concept: Concept) -> tuple[list[Intervention], list[Intervention]]:
        """The interventions that have ``concept`` itself, and those that have a narrower one."""
        facet = concept.facet
        if facet is None:
            return [], []
        direct = [i for i in self.interventions if concept.iri in {v.iri for v in i.facets[facet.key]}]
        through = [i for i in self.interventions if i not in direct and self.matches(i, facet, concept.iri)]
        return direct, through

    @cached_property
    def organisations(self) -> list[Ref]:
        """Every organisation, sorted by label."""
        return self.refs(self.graph.subjects(RDF.type, CSG.Organisation))

    def property_label(self, prop: str | URIRef) -> str:
        """The ontology's label of a property (``works in context``)."""
        return self.label(prop)
