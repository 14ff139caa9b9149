"""Run SELECT and ASK queries on a remote SPARQL 1.1 endpoint, with the answers as rdflib terms.

>>> columns, rows = run_remote_select("http://127.0.0.1:7878/query", "SELECT * WHERE { ?s ?p ?o }")
... # doctest: +SKIP

Each row is a dict from variable name to an rdflib term (``URIRef``, ``Literal`` with its datatype or
language, ``BNode``); an unbound variable is left out of the dict. The terms compare equal to the
terms rdflib's own engine returns on the same graph, except blank node labels (each engine names
blank nodes its own way) and ``xsd:string`` literals, which come back as plain literals as rdflib
reads them from N-Triples.

The query is sent as an HTML form in a POST (the SPARQL 1.1 Protocol), through
:mod:`csgkg.io.session` (credentials only when the server asks) and :mod:`csgkg.io.transport`
(no redirects followed). Every failure raises an :class:`EndpointError` with one line naming the
endpoint (user name and password hidden) and the cause (:mod:`csgkg.io.endpoint_errors`).
``timeout`` bounds the whole call, retries and waits included, however slowly the server sends;
``max_answer_mb`` caps the answer, which is not read past it. Only a connection refused or reset,
an answer cut short, and HTTP 502, 503 and 504 are retried, with exponential backoff a bounded
number of times; a 4xx or a 500 is reported at once with the server's message.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from csgkg.core.credentials import Credentials, credentials_for, redact_url, refuse_userinfo
from csgkg.core.errors import UsageError
from csgkg.io.endpoint_errors import (
    EndpointError,
    EndpointHTTPError,
    EndpointTimeout,
    EndpointTooLarge,
    EndpointTruncated,
    EndpointUnreachable,
    NotSparqlResults,
    one_line,
)
from csgkg.io.session import Session
from csgkg.io.transport import DEFAULT_MAX_ANSWER_MB, DEFAULT_TIMEOUT, Deadline, Limits, max_bytes

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_MAX_ANSWER_MB",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "EndpointError",
    "EndpointHTTPError",
    "EndpointTimeout",
    "EndpointTooLarge",
    "EndpointTruncated",
    "EndpointUnreachable",
    "NotSparqlResults",
    "call_with_retries",
    "check_url",
    "limits_for",
    "one_line",
    "parse_results",
    "run_remote_select",
    "term_from_json",
]

T = TypeVar("T")

DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
RESULTS_ACCEPT = "application/sparql-results+json, application/json;q=0.9"


def check_url(url: str, option: str) -> None:
    """A UsageError unless ``url`` is an http(s) URL with a host, a valid port and no user-info."""
    refuse_userinfo(url, option)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise UsageError(f"{option} {redact_url(url)}: not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} {url}: give an http:// or https:// URL with a host name")


def limits_for(timeout: float, max_answer_mb: float) -> Limits:
    """The limits of a call that starts now: UsageError for a timeout or cap that is not positive."""
    max_bytes(max_answer_mb)
    return Limits(Deadline(timeout), max_answer_mb)


def call_with_retries(
    action: Callable[[], T],
    *,
    deadline: Deadline,
    retries: int,
    backoff: float = DEFAULT_BACKOFF,
) -> T:
    """Call ``action()`` until it succeeds, retrying retryable EndpointErrors.

    At most ``retries`` retries, waiting ``backoff``, 2×``backoff``, 4×``backoff``... between
    attempts; no retry starts when its wait would end past ``deadline``. The error of the last
    attempt is raised, saying how many attempts were made.
    """
    attempt = 0
    while True:
        try:
            return action()
        except EndpointError as exc:
            delay = backoff * 2**attempt
            if not exc.retryable or attempt >= retries or delay >= deadline.left():
                if attempt:
                    exc.args = (f"{exc.args[0]} (after {attempt + 1} attempts)",)
                raise
            time.sleep(delay)
            attempt += 1


# -- conversion -----------------------------------------------------------------------------------


def term_from_json(value: Any) -> Node:
    """The rdflib term for one binding value of the SPARQL 1.1 JSON results format."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise ValueError("a binding value without a 'value' string")
    kind, text = value.get("type"), value["value"]
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        datatype = value.get("datatype")
        if lang:
            return Literal(text, lang=lang)
        if datatype and datatype not in (str(XSD.string), str(RDF.langString)):
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    raise ValueError(f"unknown term type {kind!r}")


def parse_results(body: bytes) -> tuple[list[str], list[dict[str, Node]]]:
    """Columns and rows from a SPARQL 1.1 JSON results document (SELECT or ASK).

    An ASK answer is one column ``ask`` with one boolean literal, as the embedded engine gives.
    Raises ValueError when ``body`` is not such a document.
    """
    document = json.loads(body.decode("utf-8"))
    if not isinstance(document, dict):
        raise ValueError("the JSON document is not an object")
    if isinstance(document.get("boolean"), bool):
        return ["ask"], [{"ask": Literal(document["boolean"])}]
    head, results = document.get("head"), document.get("results")
    if not isinstance(head, dict) or not isinstance(results, dict):
        raise ValueError("no 'head' and 'results'")
    columns = head.get("vars", [])
    bindings = results.get("bindings")
    if not isinstance(columns, list) or not isinstance(bindings, list):
        raise ValueError("'head.vars' or 'results.bindings' is not a list")
    rows = []
    for binding in bindings:
        if not isinstance(binding, dict):
            raise ValueError("a row is not an object")
        rows.append({str(name): term_from_json(value) for name, value in binding.items()})
    return [str(c) for c in columns], rows


def _check_results(
    endpoint: str, content_type: str, body: bytes, credentials: Credentials | None
) -> tuple[list[str], list[dict[str, Node]]]:
    media = content_type.split(";")[0].strip().lower()
    start = body.lstrip()[:200].lower()
    if "html" in media or start.startswith((b"<!doctype html", b"<html")):
        raise NotSparqlResults(
            endpoint,
            f"answered with an HTML page ({media or 'no content type'}), not SPARQL JSON results: "
            "is this the query endpoint URL?",
            credentials,
        )
    try:
        return parse_results(body)
    except (ValueError, UnicodeDecodeError) as exc:
        what = "truncated or invalid JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise NotSparqlResults(
            endpoint,
            f"the answer is not SPARQL JSON results ({what}; {len(body)} bytes, "
            f"content type {media or 'none'})",
            credentials,
        ) from None


# -- the query ------------------------------------------------------------------------------------


def _query_once(
    session: Session, query: str, default_graph: str | None
) -> tuple[list[str], list[dict[str, Node]]]:
    form = [("query", query)]
    if default_graph:
        form.append(("default-graph-uri", default_graph))
    response = session.request(
        "POST",
        session.endpoint,
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": RESULTS_ACCEPT},
        urlencode(form).encode("utf-8"),
    )
    session.succeeded(response)
    content_type = response.headers.get("Content-Type", "")
    return _check_results(session.endpoint, content_type, response.body, session.credentials)


def run_remote_select(
    endpoint: str,
    query: str,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    *,
    max_answer_mb: float = DEFAULT_MAX_ANSWER_MB,
    default_graph: str | None = None,
    backoff: float = DEFAULT_BACKOFF,
    limits: Limits | None = None,
) -> tuple[list[str], list[dict[str, Node]]]:
    """Run a SELECT (or ASK) ``query`` on ``endpoint``; return its columns and its rows as dicts of
    rdflib terms (unbound variables left out).

    ``default_graph`` sends ``default-graph-uri`` (e.g. the dataset IRI after ``csgkg push``, on a
    store whose default graph is not the union of its graphs). Credentials come from the
    environment or ``~/.netrc`` (see :mod:`csgkg.core.credentials`). Raises :class:`EndpointError`
    (one line, credentials hidden) on any failure, after at most ``retries`` retries of transient
    ones: :class:`EndpointTimeout` when the whole call is not over within ``timeout`` seconds,
    :class:`EndpointTooLarge` when the answer is larger than ``max_answer_mb`` megabytes
    (1 MB = 1,000,000 bytes). ``limits``, when given, replaces both (a caller's running deadline).
    """
    check_url(endpoint, "endpoint")
    limits = limits or limits_for(timeout, max_answer_mb)
    session = Session(endpoint, credentials_for(endpoint), limits)
    return call_with_retries(
        lambda: _query_once(session, query, default_graph),
        deadline=limits.deadline,
        retries=retries,
        backoff=backoff,
    )
