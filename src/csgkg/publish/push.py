"""``csgkg push``: load the release into any store speaking the SPARQL 1.1 Graph Store HTTP Protocol.

One ``PUT`` of ``dist/csgkg.nt`` (``application/n-triples``) to ``STORE?graph=IRI`` replaces the named
graph (default: the dataset's own IRI) — or ``STORE?default`` the default graph — then a
``COUNT(*)`` query on the store's query endpoint checks that it holds exactly the triples of the
build.

The query endpoint is ``--endpoint`` when given, else derived from the store URL by the products'
documented conventions (:func:`derive_query_endpoint`)::

    Oxigraph          .../store                              -> .../query
    Apache Jena Fuseki .../DATASET/data                      -> .../DATASET/sparql
    GraphDB, RDF4J    .../repositories/REPO/rdf-graphs/service -> .../repositories/REPO
    Virtuoso          .../sparql-graph-crud-auth (or -crud)  -> .../sparql
    anything else     the store URL itself (e.g. Fuseki's dataset URL answers both protocols)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from csgkg.core.credentials import credentials_for, redact_url
from csgkg.core.errors import UsageError
from csgkg.core.namespaces import DATASET_IRI
from csgkg.core.words import plural
from csgkg.io.endpoint_errors import EndpointHTTPError, NotSparqlResults
from csgkg.io.remote import (
    DEFAULT_MAX_ANSWER_MB,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    call_with_retries,
    check_url,
    limits_for,
    run_remote_select,
)
from csgkg.io.session import Session
from csgkg.publish.released import count_ntriples

NTRIPLES_MEDIA_TYPE = "application/n-triples"
# N-Triples is a subset of Turtle: sent as Turtle to a store that answers 415 to N-Triples.
TURTLE_MEDIA_TYPE = "text/turtle"

# (path suffix of the Graph Store endpoint, the query endpoint's suffix in its place, product)
QUERY_ENDPOINT_CONVENTIONS: tuple[tuple[str, str, str], ...] = (
    ("/store", "/query", "Oxigraph"),
    ("/rdf-graphs/service", "", "GraphDB / RDF4J"),
    ("/sparql-graph-crud-auth", "/sparql", "Virtuoso"),
    ("/sparql-graph-crud", "/sparql", "Virtuoso"),
    ("/data", "/sparql", "Apache Jena Fuseki"),
)


@dataclass
class PushReport:
    """What a push did: where it sent how many triples, and what the store counted afterwards."""

    source: Path
    store: str
    graph: str | None
    endpoint: str
    endpoint_rule: str
    status: int
    media_type: str
    size: int
    sent: int
    stored: int
    credentials: str | None

    @property
    def ok(self) -> bool:
        """True when the store holds exactly the triples of the build."""
        return self.sent == self.stored

    @property
    def target(self) -> str:
        return f"graph <{self.graph}>" if self.graph else "the default graph"

    def lines(self) -> list[str]:
        """The report printed by ``csgkg push``."""
        lines = [
            f"sent {self.source} ({plural(self.sent, 'triple')}, {plural(self.size, 'byte')}) to "
            f"{redact_url(self.store)} "
            f"as {self.media_type} with one HTTP PUT replacing {self.target}: HTTP {self.status}",
            f"credentials: {self.credentials or 'none'}",
            f"counted {plural(self.stored, 'triple')} in {self.target} at {redact_url(self.endpoint)} "
            f"({self.endpoint_rule})",
        ]
        if self.ok:
            lines.append(f"ok: the store holds the {plural(self.sent, 'triple')} of the build")
        return lines

    def mismatch(self) -> str:
        """The one-line error when the counts differ."""
        return (
            f"the store holds {plural(self.stored, 'triple')} in {self.target} but the build has "
            f"{self.sent}: "
            "check that --endpoint queries the same store, and the store's logs"
        )


def derive_query_endpoint(store: str) -> tuple[str, str]:
    """The SPARQL query endpoint for Graph Store endpoint ``store``, and the rule that gave it."""
    parts = urlsplit(store)
    path = parts.path.rstrip("/")
    for suffix, replacement, product in QUERY_ENDPOINT_CONVENTIONS:
        if path.endswith(suffix):
            new_path = path[: -len(suffix)] + replacement
            return urlunsplit(parts._replace(path=new_path, query="", fragment="")), (
                f"query endpoint derived from the store URL, {product} convention"
            )
    return urlunsplit(parts._replace(query="", fragment="")), "query endpoint: the store URL itself"


def graph_store_url(store: str, graph: str | None) -> str:
    """``store`` with ``?graph=IRI`` (or ``?default``) added to any query it already has."""
    parts = urlsplit(store)
    existing = parse_qsl(parts.query, keep_blank_values=True)
    if any(key in ("graph", "default") for key, _ in existing):
        raise UsageError(
            f"--store {redact_url(store)}: leave 'graph'/'default' out of the URL; use --graph IRI "
            "or --default-graph"
        )
    target = f"graph={quote(graph, safe='')}" if graph else "default"
    query = f"{parts.query}&{target}" if parts.query else target
    return urlunsplit(parts._replace(query=query))


def check_iri(iri: str) -> str:
    """``iri`` if it is an absolute IRI usable as a graph name, else a UsageError."""
    bad = set(' <>"{}|^`\\') & set(iri)
    if not urlsplit(iri).scheme or bad or any(ord(c) < 0x21 for c in iri):
        raise UsageError(f"--graph {iri!r} is not an absolute IRI (e.g. {DATASET_IRI})")
    return iri


def count_query(graph: str | None) -> str:
    """The query counting the triples of ``graph`` (or of the default graph)."""
    if graph:
        return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class Upload:
    """A request body sent in chunks, advancing a progress bar (csgkg.core.progress) as they go."""

    CHUNK = 1 << 20

    def __init__(self, body: bytes, advance: Any) -> None:
        self.body = body
        self.advance = advance

    def __len__(self) -> int:
        return len(self.body)

    def __iter__(self) -> Any:
        view = memoryview(self.body)
        for start in range(0, len(view), self.CHUNK):
            chunk = view[start : start + self.CHUNK]
            yield bytes(chunk)
            self.advance(len(chunk))


def _put_once(session: Session, url: str, body: bytes | Upload, media_type: str) -> int:
    """One PUT of ``body`` to ``url`` as ``media_type``; the status, or the error naming the store."""
    headers = {"Content-Type": media_type, "Accept": "*/*"}
    return session.succeeded(session.request("PUT", url, headers, body)).status


def push(
    source: Path,
    store: str,
    *,
    graph: str | None = DATASET_IRI,
    endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    max_answer_mb: float = DEFAULT_MAX_ANSWER_MB,
    reporter: Any = None,
) -> PushReport:
    """PUT the N-Triples file ``source`` to Graph Store endpoint ``store``, replacing ``graph``
    (None: the default graph), then count the triples there with a query at ``endpoint``
    (default: derived from ``store``).

    The whole push, upload, retries and count included, ends within ``timeout`` seconds, and no
    answer is read past ``max_answer_mb`` megabytes (1 MB = 1,000,000 bytes). A user name and
    password are sent only when the store asks, in the scheme it asks for (:mod:`csgkg.io.session`).
    Returns the :class:`PushReport`; raises :class:`~csgkg.io.endpoint_errors.EndpointError` when a
    request fails (EndpointTimeout, EndpointTooLarge at the limits) and UsageError for a bad URL,
    IRI or limit.
    """
    limits = limits_for(timeout, max_answer_mb)
    check_url(store, "--store")
    if endpoint is not None:
        check_url(endpoint, "--endpoint")
    if graph is not None:
        check_iri(graph)
    url = graph_store_url(store, graph)
    if endpoint is None:
        endpoint, rule = derive_query_endpoint(store)
    else:
        rule = "query endpoint given with --endpoint"
    body = source.read_bytes()
    payload: bytes | Upload = body
    if reporter is not None:  # a progress bar (csgkg.core.progress) for the upload
        payload = Upload(body, reporter.task(f"uploading {source.name} (bytes)", total=len(body)))
    sent = count_ntriples(source)
    credentials = credentials_for(store)
    session = Session(store, credentials, limits)
    media_type = NTRIPLES_MEDIA_TYPE
    try:
        status = _put(session, url, payload, media_type, retries)
    except EndpointHTTPError as exc:
        if exc.status != 415:
            raise
        media_type = TURTLE_MEDIA_TYPE
        status = _put(session, url, payload, media_type, retries)
    _columns, rows = run_remote_select(endpoint, count_query(graph), retries=retries, limits=limits)
    stored = _count_of(endpoint, rows)
    return PushReport(
        source=source,
        store=store,
        graph=graph,
        endpoint=endpoint,
        endpoint_rule=rule,
        status=status,
        media_type=media_type,
        size=len(body),
        sent=sent,
        stored=stored,
        credentials=session.credentials_used(),
    )


def _put(session: Session, url: str, body: bytes | Upload, media_type: str, retries: int) -> int:
    return call_with_retries(
        lambda: _put_once(session, url, body, media_type),
        deadline=session.limits.deadline,
        retries=retries,
    )


def _count_of(endpoint: str, rows: list[dict]) -> int:
    try:
        return int(rows[0]["n"].toPython())
    except (IndexError, KeyError, TypeError, ValueError, AttributeError):
        raise NotSparqlResults(endpoint, "the count query did not return one number ?n") from None
