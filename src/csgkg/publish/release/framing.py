"""``interventions.json``: the interventions as nested JSON documents, framed with pyld.

One document per intervention, its facet values, related interventions, organisations and sources
embedded with their labels, and its claims nested under ``claims``. The context is the project's own
``context.jsonld`` with :data:`FRAME_TERMS` added, embedded in the file as one object, so the file is
self-contained: a JSON-LD processor, in 1.0 or 1.1 mode, reads it without fetching anything.
:func:`local_document_loader` serves the published context from the local file to readers of
documents that name it by its address.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from csgkg.core.files import write_atomic
from csgkg.core.namespaces import CSG, SCHEMA
from csgkg.io.parse import CONTEXT_IRIS
from csgkg.io.serialise import canonical, load_context, ntriples_to_expanded_jsonld, to_ntriples
from csgkg.publish.release.records import Catalogue

CONTEXT_IRI = CONTEXT_IRIS[0]
OUTPUT_FILE = "interventions.json"

# Terms the framed documents add to the published context: the claims about an intervention are
# the nodes whose rdf:subject it is (a reverse property, which JSON-LD 1.0 has too).
FRAME_TERMS: dict[str, Any] = {"claims": {"@reverse": "rdf:subject", "@container": "@set"}}

DocumentLoader = Callable[..., dict[str, Any]]


def local_document_loader(documents: dict[str, Any]) -> DocumentLoader:
    """A pyld document loader that serves ``documents`` (IRI -> parsed JSON) and refuses every
    other IRI with a ``loading document failed`` error, so no context is ever fetched."""
    from pyld.jsonld import JsonLdError

    def load(url: str, options: dict | None = None) -> dict[str, Any]:
        if url in documents:
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": documents[url],
            }
        raise JsonLdError(
            f"csgkg never fetches remote JSON-LD documents; refused {url!r} "
            f"(only {', '.join(sorted(documents))} is served, from the local file)",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )

    return load


def context_loader(context_file: Path) -> DocumentLoader:
    """The loader serving the project's context file under each of its published IRIs."""
    document = json.loads(context_file.read_text(encoding="utf-8"))
    return local_document_loader({iri: document for iri in CONTEXT_IRIS})


# Which property names a linked node, in order of preference, and what else to show beside it.
LABELS = (SKOS.prefLabel, RDFS.label, DCTERMS.title)
BESIDE_LABEL = (SCHEMA.url, DCTERMS.bibliographicCitation)
NEVER = {"@embed": "@never"}
# How many interventions one call of pyld frames: pyld looks for the claims of each among all the
# nodes it is given, so a fixed batch keeps the time linear, and shares the cost of each call.
BATCH = 20


def _iri_properties(graph: Graph, subjects: list[URIRef]) -> dict[URIRef, set[URIRef]]:
    """The properties of ``subjects`` whose values are IRIs, with those values."""
    found: dict[URIRef, set[URIRef]] = {}
    for subject in subjects:
        for prop, value in graph.predicate_objects(subject):
            if isinstance(value, URIRef) and prop != RDF.type:
                found.setdefault(prop, set()).add(value)
    return found


def _labelled(graph: Graph, values: set[URIRef]) -> dict[str, Any]:
    """Embed the linked nodes with only their label (and web address and citation, if they have
    them); refer to them by id when they have no label in the graph."""
    for label in LABELS:
        if any((v, label, None) in graph for v in values):
            shown = [label, *(p for p in BESIDE_LABEL if any((v, p, None) in graph for v in values))]
            return {"@explicit": True, "@embed": "@always", **{str(p): {} for p in shown}}
    return NEVER


def embedded_context(context_file: Path) -> dict[str, Any]:
    """The ``@context`` object of ``interventions.json``: the terms of ``context_file`` followed by
    :data:`FRAME_TERMS` (which must not redefine any of them)."""
    context = load_context(context_file)
    clash = sorted(set(context) & set(FRAME_TERMS))
    if clash:
        raise ValueError(f"{context_file} already defines {clash}, which interventions.json adds")
    return {**context, **FRAME_TERMS}


def frame(graph: Graph, context: dict[str, Any]) -> dict[str, Any]:
    """The JSON-LD frame for ``graph``, compacted with ``context`` (which the output embeds): each
    intervention at the top; every node it links to embedded with its label; its claims nested
    under ``claims``, their links left as ids.

    Every link is framed explicitly (none is left to pyld's embed-once rule), so the output does
    not depend on the order in which pyld meets the nodes.
    """
    catalogue = Catalogue(graph)
    interventions = [URIRef(i) for i in catalogue.intervention_iris]
    claims = sorted(
        {c for i in interventions for c in graph.subjects(RDF.subject, i) if isinstance(c, URIRef)}, key=str
    )
    claim_frame: dict[str, Any] = {"@embed": "@always", "@type": [str(CSG.Claim)]}
    claim_frame.update({str(p): NEVER for p in sorted(_iri_properties(graph, claims))})
    links = _iri_properties(graph, interventions)
    return {
        "@context": context,
        "@type": sorted(str(c) for c in catalogue.intervention_classes),
        **{str(p): _labelled(graph, links[p]) for p in sorted(links)},
        "claims": claim_frame,
    }


def _stable(node: Any) -> Any:
    """Sort arrays (sets in JSON-LD) by their values' ids or text, so the output never reorders;
    the ``@context`` is left as it is (its order matters)."""
    if isinstance(node, dict):
        return {k: v if k == "@context" else _stable(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_stable(v) for v in node]
        return sorted(
            items, key=lambda v: json.dumps(v.get("id", v) if isinstance(v, dict) else v, sort_keys=True)
        )
    return node


def _embedded_nodes(graph: Graph, top: Node, links: dict[str, list[str]]) -> tuple[set[Node], set[Node]]:
    """The nodes whose triples framing ``top`` reads, and those of them that pyld embeds whole.

    Read: ``top``, its claims (the nodes whose ``rdf:subject`` it is), the nodes it links to by a
    property that ``links`` (property -> the properties shown beside it) embeds, and every node
    that pyld embeds with its implicit frame from those: blank nodes anywhere, and the values of
    the properties shown beside a link. All but the linked nodes are embedded whole; of a linked
    node pyld shows only its type, label and the properties beside it (:func:`_shown_only`).
    """
    whole: set[Node] = {top, *graph.subjects(RDF.subject, top)}
    linked: set[Node] = set()
    implicit: list[Node] = []
    for node in list(whole):
        implicit.extend(o for o in graph.objects(node) if isinstance(o, BNode))
    for prop, value in graph.predicate_objects(top):
        shown = links.get(str(prop))
        if shown is None or not isinstance(value, URIRef) or prop == RDF.type:
            continue
        linked.add(value)
        beside = graph.predicate_objects(value)
        implicit.extend(o for p, o in beside if isinstance(o, BNode) or str(p) in shown)
    while implicit:  # an implicit frame embeds every node it reaches (once)
        node = implicit.pop()
        if node in whole or isinstance(node, Literal):
            continue
        whole.add(node)
        implicit.extend(o for p, o in graph.predicate_objects(node) if p != RDF.type)
    return whole | linked, whole


# Tops framed together; the nodes whose triples they read; those of them embedded whole.
Group = tuple[list[Node], set[Node], set[Node]]


def _groups(graph: Graph, tops: list[Node], links: dict[str, list[str]]) -> list[Group]:
    """``tops`` in groups framed together, each with the nodes framing it reads: one group per
    top, except that tops whose documents would share a blank node are framed together, so that
    pyld keeps or prunes its identifier as it does when the whole graph is framed at once."""
    groups: list[Group] = []
    holder: dict[Node, int] = {}  # blank node -> index of the group that reads it
    for top in tops:
        nodes, whole = _embedded_nodes(graph, top, links)
        shared = sorted({holder[n] for n in nodes if n in holder}, reverse=True)
        members = [top]
        for index in shared:  # merge the groups sharing a blank node with this one
            merged, merged_nodes, merged_whole = groups[index]
            members = merged + members
            nodes |= merged_nodes
            whole |= merged_whole
            groups[index] = ([], set(), set())
        groups.append((members, nodes, whole))
        holder.update((n, len(groups) - 1) for n in nodes if isinstance(n, BNode))
    return [group for group in groups if group[0]]


def _batches(groups: list[Group], size: int = BATCH) -> Iterator[Group]:
    """``groups`` joined into batches of about ``size`` tops (a group is never split)."""
    members: list[Node] = []
    reads: set[Node] = set()
    whole: set[Node] = set()
    for group_members, group_reads, group_whole in groups:
        members += group_members
        reads |= group_reads
        whole |= group_whole
        if len(members) >= size:
            yield members, reads, whole
            members, reads, whole = [], set(), set()
    if members:
        yield members, reads, whole


SHOWN = frozenset(str(p) for p in (*LABELS, *BESIDE_LABEL))


def _shown_only(node: dict[str, Any]) -> dict[str, Any]:
    """A linked node as its frame can show it: its id, types, labels and the properties shown
    beside a label, and every property that refers to a blank node (whose identifier pyld keeps
    or prunes by the references it counts). The rest pyld would read and drop: leaving it out
    spares the work and changes nothing in the output (tested)."""
    return {
        key: values
        for key, values in node.items()
        if key.startswith("@")
        or key in SHOWN
        or any(isinstance(v, dict) and str(v.get("@id", "")).startswith("_:") for v in values)
    }


def label_keeper() -> Any:
    """A pyld identifier issuer that keeps each blank node's own label instead of numbering blank
    nodes in the order pyld meets them (``_:b0``, ``_:b1``, ...).

    pyld's numbering depends on the order of its input, and restarts with each call, so two blank
    nodes framed in different batches would both be ``_:b0`` and a JSON-LD reader would take them
    for one. Kept, the labels are the canonical ones that the Turtle and N-Triples files show.
    A node without a label (which the input never has) gets a fresh ``_:frame`` label."""
    from pyld.identifier_issuer import IdentifierIssuer

    class LabelKeeper(IdentifierIssuer):
        def get_id(self, old: str | None = None) -> str:
            if old is None:
                return super().get_id()
            self.existing.setdefault(old, old)
            return old

    return LabelKeeper("_:frame")


def frame_options() -> dict[str, Any]:
    """pyld's options for framing ``interventions.json``: nothing is fetched, defaults are left
    out, blank nodes keep their labels (:func:`label_keeper`) and the output has ``@graph``."""
    return {
        "documentLoader": local_document_loader({}),  # nothing to load: refuse every IRI
        "omitDefault": True,
        "embed": "@once",
        "omitGraph": False,
        "identifierIssuer": label_keeper(),
    }


def framed_interventions(graph: Graph, context_file: Path, ntriples: str | None = None) -> dict[str, Any]:
    """``graph``'s interventions framed as nested documents (a JSON-LD object with ``@graph``) whose
    ``@context`` is :func:`embedded_context`, inline.

    pyld frames the interventions a batch at a time (:data:`BATCH`), each batch over only the nodes
    its documents read (:func:`_embedded_nodes`), so the work grows linearly with the number of
    interventions. The documents are those of framing the whole graph in one call: pyld frames
    each top-level node afresh (a node embedded in one document is embedded again in the next),
    :func:`frame` frames every link explicitly, and the interventions whose documents share a
    blank node are framed together, so that pyld keeps its identifier.
    The interventions that are blank nodes, which a frame cannot name, are framed in one call
    over the whole graph. ``ntriples`` is :func:`csgkg.io.serialise.to_ntriples` of ``graph``, if
    the caller has it already.
    """
    from pyld import jsonld

    options = frame_options()
    the_frame = frame(graph, embedded_context(context_file))
    links = {  # the embedded links: property -> the properties shown beside the linked node
        prop: [key for key in value if not key.startswith("@")]
        for prop, value in the_frame.items()
        if not prop.startswith("@") and prop != "claims" and value != NEVER
    }
    graph = canonical(graph)  # blank nodes labelled as in the other formats
    tops = sorted({s for t in the_frame["@type"] for s in graph.subjects(RDF.type, URIRef(t))}, key=str)
    expanded = ntriples_to_expanded_jsonld(to_ntriples(graph) if ntriples is None else ntriples)
    if any(isinstance(top, BNode) for top in tops):
        calls = [(expanded, the_frame)]
    else:
        by_id = {node["@id"]: node for node in expanded}
        calls = []
        for members, reads, whole in _batches(_groups(graph, tops, links)):
            whole_ids = set(map(_node_id, whole))
            nodes = [
                by_id[n] if n in whole_ids else _shown_only(by_id[n])
                for n in sorted(map(_node_id, reads))
                if n in by_id
            ]
            calls.append((Expanded(nodes), {**the_frame, "@id": [str(top) for top in members]}))
    documents: list[Any] = []
    processor = _processor(jsonld.JsonLdProcessor)
    for nodes, selected in calls:  # a processor per call: what it remembers holds that call's contexts
        documents.extend(processor().frame(nodes, selected, options)["@graph"])
    return _stable({"@context": the_frame["@context"], "@graph": documents})


class Expanded(list):
    """Node objects already in expanded form (Oxigraph's JSON-LD writer gives them so): the
    processor of :func:`_processor` takes a copy of them as they are instead of expanding them
    again, which would give the same objects."""


def _processor(base: type) -> type:
    """pyld's processor (``base``) with IRI compaction remembered per context: pyld compacts an IRI
    that no term names by trying every term of the context as a prefix, and does so again each
    time the IRI appears (a concept linked from every intervention is compacted thousands of
    times). Remembered are the calls that pass no value, whose answer depends on nothing but the
    context, the IRI and the flags; the calls that pass a value which pyld does not answer from the
    context's terms, where the value counts only by being there; and those it answers by choosing
    a term, keyed by what that choice reads of the value (:func:`_what_term_selection_reads`).
    Input marked :class:`Expanded` is copied, not expanded again. The output is pyld's own
    (tests/test_framing.py compares it with pyld framing the whole graph in one call)."""

    class Remembering(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            self._compacted: dict[tuple, tuple[dict, str]] = {}

        def expand(self, input_: Any, options: dict) -> Any:
            if isinstance(input_, Expanded):
                return json.loads(json.dumps(input_, sort_keys=True))
            return super().expand(input_, options)

        def _compact_iri(  # pyld's signature
            self,
            active_ctx: dict,
            iri: str,
            value: Any = None,
            vocab: bool = False,
            base: str | None = None,
            reverse: bool = False,
        ) -> str:
            if iri is None:
                return iri
            if value is None:
                read: Any = None
            elif iri.startswith("@") or (vocab and iri in self._get_inverse_context(active_ctx)):
                read = _what_term_selection_reads(value)  # pyld picks a term by the value
                if read is None:
                    return super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
            else:
                read = "a value"  # only whether there is one counts
            key = (id(active_ctx), iri, vocab, base, reverse, read)
            found = self._compacted.get(key)
            if found is not None and found[0] is active_ctx:  # the context is kept alive with it
                return found[1]
            compacted = super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
            self._compacted[key] = (active_ctx, compacted)
            return compacted

    return Remembering


def _what_term_selection_reads(value: Any) -> tuple | None:
    """What pyld's term selection (``_compact_iri`` with a value, and ``_select_term``) reads of
    ``value``: for a value object, which of ``@index``, ``@language``, ``@direction`` and ``@type``
    it has, with what, and whether it has nothing else; for a node object, its ``@id``. None for
    the objects whose contents it reads further (lists, graphs, preserved values): those are not
    remembered."""
    if not isinstance(value, dict):
        return ("not an object",)
    if "@list" in value or "@graph" in value or "@preserve" in value:
        return None
    if "@value" in value:
        keys = ("@index", "@language", "@direction", "@type")
        shown = tuple((k in value, json.dumps(value.get(k), sort_keys=True)) for k in keys)
        return ("value", len(value) == 1, *shown)
    return ("node", "@index" in value, "@id" in value, value.get("@id"))


def _node_id(node: Node) -> str:
    """The ``@id`` that rdflib's JSON-LD gives ``node``."""
    return node.n3() if isinstance(node, BNode) else str(node)


def write_interventions_json(
    graph: Graph, context_file: Path, dist: Path, ntriples: str | None = None
) -> Path:
    """Write ``interventions.json`` into ``dist`` and return its path (``ntriples`` as for
    :func:`framed_interventions`)."""
    document = framed_interventions(graph, context_file, ntriples)
    path = dist / OUTPUT_FILE
    write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return path
