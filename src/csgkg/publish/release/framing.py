"""``interventions.json``: the interventions as nested JSON documents, framed as pyld frames them.

One document per intervention, its facet values, related interventions, organisations and sources
embedded with their labels, and its claims nested under ``claims``. The context is the project's own
``context.jsonld`` with :data:`FRAME_TERMS` added, embedded in the file as one object, so the file is
self-contained: a JSON-LD processor, in 1.0 or 1.1 mode, reads it without fetching anything.
:func:`local_document_loader` serves the published context from the local file to readers of
documents that name it by its address.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

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
    """Sort arrays (sets in JSON-LD) by their values' ids or text (as JSON), so the output never
    reorders; the ``@context`` is left as it is (its order matters)."""
    if isinstance(node, dict):
        return {k: v if k == "@context" else _stable(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_stable(v) for v in node]
        return sorted(items, key=_sort_key) if len(items) > 1 else items
    return node


def _sort_key(value: Any) -> str:
    """The JSON text of ``value``'s id (a node's) or of ``value`` itself, keys sorted."""
    shown = value.get("id", value) if isinstance(value, dict) else value
    return _json_of_text(shown) if isinstance(shown, str) else json.dumps(shown, sort_keys=True)


@lru_cache(maxsize=1 << 16)
def _json_of_text(text: str) -> str:
    """``json.dumps(text)``, remembered: the same ids are sorted in many documents."""
    return json.dumps(text)


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

    The documents are those pyld gives when it frames the whole graph with :func:`frame` in one
    call (tests/test_framing.py compares the two): :class:`_Framer` follows pyld's framing
    algorithm for the few frame shapes :func:`frame` makes, reading each node's claims from an
    index instead of scanning every node for each intervention, and pyld compacts the result.
    ``ntriples`` is :func:`csgkg.io.serialise.to_ntriples` of ``graph``, if the caller has it
    already.
    """
    the_frame = frame(graph, embedded_context(context_file))
    graph = canonical(graph)  # blank nodes labelled as in the other formats
    nodes = ntriples_to_expanded_jsonld(to_ntriples(graph) if ntriples is None else ntriples)
    framer = _Framer(nodes, the_frame)
    framed = framer.documents()
    processor = _processor(_pyld().JsonLdProcessor)(framer.shared_ids)
    options = {**frame_options(), "base": "", "graph": True, "skipExpansion": True, "link": {}}
    compacted = processor.compact(framed, the_frame["@context"], options)
    return _stable({"@context": the_frame["@context"], "@graph": compacted.get("@graph", [])})


def _pyld() -> Any:
    """pyld's ``jsonld`` module (imported when a release is written, not when csgkg starts)."""
    from pyld import jsonld

    return jsonld


RDF_SUBJECT = str(RDF.subject)


class _Frame:
    """One node frame of :func:`frame`, as pyld reads it: its ``@embed`` and ``@explicit`` flags,
    the types a node must have (any of them; none: any node), the properties whose values have
    their own frame (the others get the implicit frame, with this frame's flags), whether a node
    must have a value for one of those to match (a frame of properties only), and the frame of the
    nodes whose ``rdf:subject`` the framed node is (``claims``)."""

    def __init__(
        self,
        embed: str = "@once",
        explicit: bool = False,
        types: frozenset[str] = frozenset(),
        props: dict[str, _Frame] | None = None,
        duck: bool = False,
        claims: _Frame | None = None,
    ) -> None:
        self.embed, self.explicit, self.types, self.duck, self.claims = embed, explicit, types, duck, claims
        self.props = props or {}
        self._implicit: _Frame | None = None

    @classmethod
    def parse(cls, spec: dict[str, Any], default_embed: str = "@once") -> _Frame:
        """The frame of ``spec`` (compact, its properties named by full IRIs, as :func:`frame`
        writes them, ``claims`` being the reverse of ``rdf:subject``)."""
        known = {"@context", "@embed", "@explicit", "@type", "claims"}
        props = {key: cls.parse(value) for key, value in spec.items() if key not in known}
        if any(key.startswith("@") for key in props):
            raise ValueError(f"frame keyword not supported: {sorted(k for k in props if k.startswith('@'))}")
        claims = spec.get("claims")
        return cls(
            embed=spec.get("@embed", default_embed),
            explicit=bool(spec.get("@explicit", False)),
            types=frozenset(spec.get("@type", ())),
            props=props,
            duck="@type" not in spec and bool(props),
            claims=cls.parse(claims) if claims is not None else None,
        )

    @property
    def implicit(self) -> _Frame:
        """The frame pyld gives a property this frame does not name: any node, same flags."""
        if self._implicit is None:
            self._implicit = _Frame(self.embed, self.explicit)
        return self._implicit

    def matches(self, node: dict[str, Any]) -> bool:
        """Whether ``node`` matches: one of the types, or, for a frame of properties only, a value
        for one of them; a frame of flags only matches every node."""
        if self.types:
            return any(t in self.types for t in node.get("@type", ()))
        if self.duck:
            return any(node.get(prop) for prop in self.props)
        return True


class _Framer:
    """pyld's framing (``_match_frame``) of expanded node objects with the frames :func:`frame`
    makes, giving the expanded documents pyld compacts.

    As in pyld: each intervention is a document of its own, which embeds a node at most once
    under the ``@once`` flag (the claims each start afresh); ``@never`` gives a reference; a node
    already being embedded further up is referred to, not embedded again; a blank node that
    appears once in the whole output loses its identifier. What pyld supports and the frames of
    :func:`frame` never use (lists, named graphs, ``@default``, ``@requireAll``, value patterns)
    is not followed.
    """

    def __init__(self, nodes: list[dict[str, Any]], spec: dict[str, Any]) -> None:
        self.nodes = {node["@id"]: node for node in nodes}
        self.frame = _Frame.parse(spec)
        self.claims_of: dict[str, list[str]] = {}
        for node in nodes:
            for value in node.get(RDF_SUBJECT, ()):
                if "@id" in value:
                    self.claims_of.setdefault(value["@id"], []).append(node["@id"])
        self.blank_outputs: dict[str, list[dict[str, Any]]] = {}
        self.shared: dict[tuple[str, int, bool], dict[str, Any]] = {}
        self.shared_ids: set[int] = set()  # of the outputs in shared

    def documents(self) -> list[dict[str, Any]]:
        """The framed documents, one per matching node, in the order of their identifiers."""
        tops = sorted(i for i, node in self.nodes.items() if self.frame.matches(node))
        documents = [self._frame(i, self.frame, False, {}, []) for i in tops]
        for outputs in self.blank_outputs.values():
            if len(outputs) == 1:  # referred to once: the identifier says nothing
                del outputs[0]["@id"]
        return [document for document in documents if document is not None]

    def _frame(
        self, node_id: str, frame: _Frame, embedded: bool, once: dict[str, bool], stack: list[str]
    ) -> dict[str, Any] | None:
        """The output for ``node_id`` under ``frame`` (None when it does not match): a reference or
        the node embedded. ``once`` holds the nodes this document has embedded; ``stack`` those
        being embedded above this one."""
        node = self.nodes.get(node_id) or {"@id": node_id}
        if not frame.matches(node):
            return None
        blank = node_id.startswith("_:")
        refer = embedded and (
            frame.embed == "@never"
            or node_id in stack[:-1]  # pyld's test for a circular embedding
            or (frame.embed == "@once" and node_id in once)
        )
        if not blank:  # the same output as last time, if it holds no other node
            if not refer:
                once[node_id] = True
            found = self.shared.get((node_id, id(frame), refer))
            if found is not None:
                return found
        output: dict[str, Any] = {"@id": node_id}
        if blank:
            self.blank_outputs.setdefault(node_id, []).append(output)
        if refer:
            return self._share(output, (node_id, id(frame), refer))
        once[node_id] = True
        stack.append(node_id)
        holds_nodes = False
        for prop in sorted(node):
            values = node[prop]
            if prop.startswith("@"):
                output[prop] = values
                continue
            subframe = frame.props.get(prop)
            if subframe is None:
                if frame.explicit:
                    continue
                subframe = frame.implicit
            shown = output.setdefault(prop, [])
            for value in values:
                if "@id" in value:
                    holds_nodes = True
                    embedded_value = self._frame(value["@id"], subframe, True, once, stack)
                    if embedded_value is not None:
                        shown.append(embedded_value)
                else:
                    shown.append(value)
            if not shown:
                del output[prop]
        if frame.claims is not None:
            holds_nodes = holds_nodes or node_id in self.claims_of
            for claim in self.claims_of.get(node_id, ()):
                claims = output.setdefault("@reverse", {}).setdefault(RDF_SUBJECT, [])
                # pyld frames each claim as a top-level node, with its own record of embeddings
                embedded_claim = self._frame(claim, frame.claims, embedded, {}, stack)
                if embedded_claim is not None:
                    claims.append(embedded_claim)
        stack.pop()
        if embedded and not blank and not holds_nodes:
            return self._share(output, (node_id, id(frame), refer))
        return output

    def _share(self, output: dict[str, Any], key: tuple[str, int, bool]) -> dict[str, Any]:
        """Keep ``output`` (which holds no other node, so is the same wherever the node appears
        under that frame) for the next appearances, and mark it for :func:`_processor` to compact
        once."""
        self.shared[key] = output
        self.shared_ids.add(id(output))
        return output


def _processor(base: type) -> type:
    """pyld's processor (``base``) with IRI compaction remembered per context: pyld compacts an IRI
    that no term names by trying every term of the context as a prefix, and does so again each
    time the IRI appears (a concept linked from every intervention is compacted thousands of
    times). Remembered are the calls that pass no value, whose answer depends on nothing but the
    context, the IRI and the flags; the calls that pass a value which pyld does not answer from the
    context's terms, where the value counts only by being there; and those it answers by choosing
    a term, keyed by what that choice reads of the value (:func:`_what_term_selection_reads`; pyld
    picks the term by the value).
    The output is pyld's own
    (tests/test_framing.py compares it with pyld framing the whole graph in one call)."""

    class Remembering(base):  # type: ignore[misc, valid-type]
        def __init__(self, shared: set[int] = frozenset()) -> None:  # type: ignore[assignment]
            super().__init__()
            self._compacted: dict[tuple, tuple[dict, str]] = {}
            self._shared = shared
            self._compacted_nodes: dict[tuple, tuple[dict, Any]] = {}
            self._term_iris: dict[int, tuple[dict, frozenset[str]]] = {}

        def _iris_of_terms(self, active_ctx: dict) -> frozenset[str]:
            found = self._term_iris.get(id(active_ctx))
            if found is None or found[0] is not active_ctx:
                mappings = active_ctx["mappings"].values()
                found = (active_ctx, frozenset(d["@id"] for d in mappings if d and d.get("@id")))
                self._term_iris[id(active_ctx)] = found
            return found[1]

        def _compact(self, active_ctx: dict, active_property: Any, element: Any, options: dict) -> Any:
            if type(element) is not dict or id(element) not in self._shared:
                return super()._compact(active_ctx, active_property, element, options)
            key = (id(active_ctx), active_property, id(element))
            found = self._compacted_nodes.get(key)
            if found is not None and found[0] is active_ctx:
                return found[1]
            compacted = super()._compact(active_ctx, active_property, element, options)
            self._compacted_nodes[key] = (active_ctx, compacted)
            return compacted

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
                read = _what_term_selection_reads(value, self._iris_of_terms(active_ctx))
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


def _what_term_selection_reads(value: Any, term_iris: frozenset[str]) -> tuple | None:
    """What pyld's term selection (``_compact_iri`` with a value, and ``_select_term``) reads of
    ``value``: for a value object, which of ``@index``, ``@language``, ``@direction`` and ``@type``
    it has, with what, and whether it has nothing else; for a node object, whether it has
    ``@index`` and ``@id``, and its ``@id`` if that is the IRI of one of the context's terms
    (``term_iris``: pyld prefers a ``@vocab`` term then, and only then). None for the objects
    whose contents it reads further (lists, graphs, preserved values): those are not remembered."""
    if not isinstance(value, dict):
        return ("not an object",)
    if "@list" in value or "@graph" in value or "@preserve" in value:
        return None
    if "@value" in value:
        keys = ("@index", "@language", "@direction", "@type")
        shown = tuple((k in value, _hashable(value.get(k))) for k in keys)
        return ("value", len(value) == 1, *shown)
    node_id = value.get("@id")
    return ("node", "@index" in value, "@id" in value, node_id if node_id in term_iris else None)


def _hashable(item: Any) -> Any:
    """``item`` if it is a string or None, else its JSON text (keys sorted)."""
    return item if item is None or isinstance(item, str) else json.dumps(item, sort_keys=True)


def write_interventions_json(
    graph: Graph, context_file: Path, dist: Path, ntriples: str | None = None
) -> Path:
    """Write ``interventions.json`` into ``dist`` and return its path (``ntriples`` as for
    :func:`framed_interventions`)."""
    document = framed_interventions(graph, context_file, ntriples)
    path = dist / OUTPUT_FILE
    write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return path
