"""Run SELECT and ASK queries on a remote SPARQL 1.1 endpoint, with the answers as rdflib terms.

>>> columns, rows = run_remote_select("http://127.0.0.1:7878/query", "SELECT * WHERE { ?s ?p ?o }")
... # doctest: +SKIP

Each row is a dict from variable name to an rdflib term (``URIRef``, ``Literal`` with its datatype or
language, ``BNode``); an unbound variable is left out of the dict. The terms compare equal to the
terms rdflib's own engine returns on the same graph, except blank node labels (each engine names
blank nodes its own way) and ``xsd:string`` literals, which come back as plain literals as rdflib
reads them from N-Triples.

Every failure raises an :class:`EndpointError` with one line naming the endpoint (user name and
password hidden) and the cause: unreachable, timed out, an HTTP error status, or an answer that is
not SPARQL JSON results (an HTML page, a truncated or invalid body). Transient failures (connection
refused or reset, 5xx, a body cut short) are retried with exponential backoff a bounded number of
times; 4xx answers and timeouts are not. ``timeout`` bounds the whole call, retries included.
"""

from __future__ import annotations

import ast
import http.client
import json
import socket
import ssl
import time
import urllib.error
import warnings
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from csgkg.core.credentials import Credentials, credentials_for, redact_url, refuse_userinfo, scrub
from csgkg.core.errors import CsgkgError, UsageError

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
MAX_DETAIL = 160


class EndpointError(CsgkgError):
    """A remote endpoint that could not be reached or did not answer as expected (exit code 3).

    ``retryable`` says whether trying again may help (a transient failure).
    """

    exit_code = 3
    retryable = False

    def __init__(self, endpoint: str, cause: str, credentials: Credentials | None = None):
        self.endpoint = redact_url(endpoint)
        self.cause = one_line(scrub(cause, credentials))
        super().__init__(f"{self.endpoint}: {self.cause}")


class EndpointUnreachable(EndpointError):
    """No connection could be made, or it was dropped before an answer."""

    retryable = True


class EndpointTimeout(EndpointError):
    """No complete answer within the timeout."""


class EndpointHTTPError(EndpointError):
    """The endpoint answered with an HTTP error status (``status``); 5xx may be retried."""

    def __init__(self, endpoint: str, status: int, cause: str, credentials: Credentials | None = None):
        self.status = status
        self.retryable = status >= 500
        super().__init__(endpoint, cause, credentials)


class EndpointTruncated(EndpointError):
    """The connection closed before the whole body announced by the server arrived."""

    retryable = True


class NotSparqlResults(EndpointError):
    """The endpoint answered 200 with something other than SPARQL JSON results."""


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


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line, whitespace collapsed, cut to ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def call_with_retries(
    action: Callable[[float], T],
    *,
    endpoint: str,
    timeout: float,
    retries: int,
    backoff: float = DEFAULT_BACKOFF,
) -> T:
    """Call ``action(seconds_left)`` until it succeeds, retrying retryable EndpointErrors.

    At most ``retries`` retries, waiting ``backoff``, 2×``backoff``, 4×``backoff``... between
    attempts; the whole call, waits included, ends within ``timeout`` seconds.
    """
    if timeout <= 0:
        raise UsageError(f"the timeout must be a positive number of seconds, not {timeout:g}")
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise EndpointTimeout(endpoint, f"no answer within {timeout:g} s (timeout)")
        try:
            return action(left)
        except EndpointTimeout:
            raise EndpointTimeout(endpoint, f"no answer within {timeout:g} s (timeout)") from None
        except EndpointError as exc:
            delay = backoff * 2**attempt
            if not exc.retryable or attempt >= retries or time.monotonic() + delay >= deadline:
                if attempt:
                    exc.args = (f"{exc.args[0]} (after {attempt + 1} attempts)",)
                raise
            time.sleep(delay)
            attempt += 1


def transport_error(
    endpoint: str, exc: BaseException, timeout: float, credentials: Credentials | None = None
) -> EndpointError:
    """The EndpointError for a network-level exception raised while talking to ``endpoint``."""
    reason: Any = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return EndpointTimeout(endpoint, f"no answer within {timeout:g} s (timeout)", credentials)
    if isinstance(exc, http.client.IncompleteRead):
        got = len(exc.partial)
        expected = f" of {got + exc.expected}" if exc.expected is not None else ""
        return EndpointTruncated(
            endpoint, f"the answer was cut short ({got}{expected} bytes received)", credentials
        )
    if isinstance(reason, socket.gaierror):
        return EndpointError(endpoint, "unreachable: the host name cannot be resolved", credentials)
    if isinstance(reason, ConnectionRefusedError):
        return EndpointUnreachable(endpoint, "unreachable: connection refused", credentials)
    if isinstance(reason, ssl.SSLError):
        return EndpointError(endpoint, f"TLS error: {reason.reason or reason}", credentials)
    if isinstance(reason, http.client.RemoteDisconnected | ConnectionError):
        return EndpointUnreachable(
            endpoint, "the connection was closed before an answer arrived", credentials
        )
    if isinstance(reason, OSError) and reason.strerror:
        return EndpointUnreachable(endpoint, f"unreachable: {reason.strerror}", credentials)
    if isinstance(reason, http.client.HTTPException):
        return EndpointUnreachable(endpoint, f"invalid HTTP answer ({type(reason).__name__})")
    return EndpointError(endpoint, f"request failed: {reason}", credentials)


def http_status_error(
    endpoint: str, status: int, reason: str, body: bytes, credentials: Credentials | None = None
) -> EndpointHTTPError:
    """The error for an HTTP error answer: status, reason phrase, and the first line of a text body."""
    hint = {
        301: "redirected: use the URL it redirects to",
        302: "redirected: use the URL it redirects to",
        307: "redirected: use the URL it redirects to",
        308: "redirected: use the URL it redirects to",
        401: "check the credentials (CSGKG_USER/CSGKG_PASSWORD, CSGKG_TOKEN or ~/.netrc)",
        403: "not allowed (read-only store, or the credentials lack the right)",
        404: "no such endpoint: check the URL",
    }.get(status, "")
    detail = _first_text_line(body)
    cause = f"HTTP {status} {reason}".rstrip()
    if hint:
        cause += f" ({hint})"
    if detail:
        cause += f"; the server says: {detail}"
    return EndpointHTTPError(endpoint, status, cause, credentials)


def _first_text_line(body: bytes) -> str:
    text = body[:2000].decode("utf-8", "replace").strip()
    if not text or text.startswith("<"):
        return ""
    return one_line(text.splitlines()[0], MAX_DETAIL)


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
    endpoint: str,
    query: str,
    seconds: float,
    credentials: Credentials | None,
    default_graph: str | None,
) -> tuple[list[str], list[dict[str, Node]]]:
    from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    sparql = SPARQLWrapper(endpoint)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sparql.setQuery(query)
    # SPARQLWrapper guesses the query form by the first keyword-like word anywhere in the text
    # (``?address`` reads as ADD, ``undescribed`` as DESCRIBE). Only SELECT and ASK run here, and
    # both are sent alike: as a query (never an update), asking for SPARQL JSON results.
    sparql.queryType = SELECT
    sparql.setReturnFormat(JSON)
    sparql.setOnlyConneg(True)
    sparql.setMethod(POST)
    sparql.timeout = seconds  # type: ignore[assignment]  # setTimeout() would round to whole seconds
    if default_graph:
        sparql.addDefaultGraph(default_graph)
    if credentials is not None:
        sparql.addCustomHttpHeader("Authorization", credentials.authorization())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            response = sparql.query().response
        try:
            body = response.read()
        finally:
            response.close()
    except SPARQLWrapperException as exc:
        status = _WRAPPER_STATUS.get(type(exc).__name__, 0)
        raise http_status_error(
            endpoint, status, _REASONS.get(status, ""), _wrapped_body(exc), credentials
        ) from None
    except urllib.error.HTTPError as exc:
        raise http_status_error(
            endpoint, exc.code, str(exc.reason or ""), _read_error_body(exc), credentials
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        raise transport_error(endpoint, exc, seconds, credentials) from None
    except ValueError:  # an invalid URL; its message may quote the URL, so it is not shown
        raise EndpointError(endpoint, "not a valid http:// or https:// URL") from None
    content_type = response.headers.get("Content-Type", "") if response.headers else ""
    return _check_results(endpoint, content_type, body, credentials)


def _wrapped_body(exc: Exception) -> bytes:
    """The response body SPARQLWrapper keeps (as a bytes repr) in its exception message."""
    text = str(exc.args[0]) if exc.args else ""
    if "Response:\n" not in text:
        return b""
    try:
        body = ast.literal_eval(text.split("Response:\n", 1)[1])
    except (ValueError, SyntaxError):
        return b""
    return body if isinstance(body, bytes) else b""


def _read_error_body(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(4096)
    except (OSError, http.client.HTTPException):
        return b""


_WRAPPER_STATUS = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}
_REASONS = {
    400: "Bad Request (the endpoint rejected the query)",
    401: "Unauthorized",
    404: "Not Found",
    414: "URI Too Long",
    500: "Internal Server Error",
}


def run_remote_select(
    endpoint: str,
    query: str,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    *,
    default_graph: str | None = None,
    backoff: float = DEFAULT_BACKOFF,
) -> tuple[list[str], list[dict[str, Node]]]:
    """Run a SELECT (or ASK) ``query`` on ``endpoint`` through SPARQLWrapper; return its columns
    and its rows as dicts of rdflib terms (unbound variables left out).

    ``default_graph`` sends ``default-graph-uri`` (e.g. the dataset IRI after ``csgkg push``, on a
    store whose default graph is not the union of its graphs). Credentials come from the
    environment or ``~/.netrc`` (see :mod:`csgkg.core.credentials`). Raises :class:`EndpointError`
    (one line, credentials hidden) on any failure, after at most ``retries`` retries of transient
    ones; the whole call ends within ``timeout`` seconds.
    """
    check_url(endpoint, "endpoint")
    credentials = credentials_for(endpoint)
    return call_with_retries(
        lambda seconds: _query_once(endpoint, query, seconds, credentials, default_graph),
        endpoint=endpoint,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
    )
