"""One HTTP exchange under an overall deadline and an answer-size cap (http.client, no redirects).

A socket timeout bounds each read, not the call: a server sending one byte a second would keep a
client waiting for as long as it likes. Here a timer shuts the socket down when the call's
:class:`Deadline` passes, whatever the exchange is doing (connecting, sending, waiting for the
headers, reading the body), and the call raises :class:`EndpointTimeout`. The body is read in chunks
and the call raises :class:`EndpointTooLarge` as soon as it passes the cap (at once when the
``Content-Length`` announces more), so an oversized answer is never read whole.

Transport failures become the :mod:`csgkg.io.endpoint_errors` they stand for; an HTTP error status
is returned as a :class:`Response` for the caller to judge.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Protocol
from urllib.parse import unquote, urlsplit

from csgkg.core.credentials import Credentials
from csgkg.core.deadline import DEFAULT_QUERY_TIMEOUT
from csgkg.core.errors import UsageError
from csgkg.io.endpoint_errors import (
    EndpointError,
    EndpointTimeout,
    EndpointTooLarge,
    EndpointTruncated,
    EndpointUnreachable,
)

DEFAULT_TIMEOUT = DEFAULT_QUERY_TIMEOUT
DEFAULT_MAX_ANSWER_MB = 100.0
MEGABYTE = 1_000_000
ERROR_BODY_BYTES = 4096
_CHUNK = 1 << 16


class Deadline:
    """The moment a whole remote call (every request and retry of it) must be over."""

    def __init__(self, seconds: float) -> None:
        if not seconds > 0:
            raise UsageError(f"the timeout must be a positive number of seconds, not {seconds:g}")
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds until the deadline (0 or less once it has passed)."""
        return self.end - time.monotonic()


def max_bytes(max_answer_mb: float) -> int:
    """The cap in bytes for ``max_answer_mb`` megabytes (1 MB = 1,000,000 bytes); UsageError unless > 0."""
    if not max_answer_mb > 0:
        raise UsageError(f"the answer-size cap must be more than 0 MB, not {max_answer_mb:g}")
    return int(max_answer_mb * MEGABYTE)


class Body(Protocol):
    """A request body sent in pieces (e.g. one advancing a progress bar): its length and its chunks."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class Response:
    """An HTTP answer read whole (within the cap): status, reason phrase, headers and body."""

    status: int
    reason: str
    headers: Message
    body: bytes


@dataclass(frozen=True)
class Limits:
    """The limits of one remote call: its deadline and the largest answer it reads (in MB)."""

    deadline: Deadline
    max_answer_mb: float = DEFAULT_MAX_ANSWER_MB


def exchange(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | Body | None,
    limits: Limits,
    *,
    endpoint: str,
    credentials: Credentials | None = None,
) -> Response:
    """Send one ``method`` request to ``url`` and read the answer, within ``limits``.

    ``endpoint`` is the URL errors name. A 2xx answer's body is read up to the cap; an error
    answer's body only up to its first few kilobytes (enough for the server's message). Raises
    :class:`EndpointTimeout` at the deadline, :class:`EndpointTooLarge` past the cap, and the other
    :class:`EndpointError` kinds for a failed connection or a broken answer.
    """
    cap = max_bytes(limits.max_answer_mb)
    left = limits.deadline.left()
    if left <= 0:
        raise EndpointTimeout(endpoint, limits.deadline.seconds, credentials)
    route = _route(url, endpoint, left)
    connection = route.connection
    expired = threading.Event()

    def shut() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:  # socket.socket.shutdown: also for an SSLSocket, without unwrapping it
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    timer = threading.Timer(left, shut)
    timer.daemon = True
    timer.start()
    response: http.client.HTTPResponse | None = None
    try:
        connection.connect()
        if expired.is_set():
            raise TimeoutError
        response = _send(connection, method, route.target, {**route.proxy_headers, **headers}, body)
        content = _read(response, cap, method, endpoint, limits.max_answer_mb)
        if expired.is_set():
            raise TimeoutError
        return Response(response.status, response.reason or "", response.msg, content)
    except EndpointTooLarge:
        raise
    except (OSError, http.client.HTTPException, EndpointTruncated) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise EndpointTimeout(endpoint, limits.deadline.seconds, credentials) from None
        if isinstance(exc, EndpointTruncated):
            raise
        raise transport_error(endpoint, exc, credentials) from None
    except ValueError:  # a URL or header http.client cannot send; the text may quote a secret
        raise EndpointError(
            endpoint,
            "the request cannot be sent: the URL or a header has characters HTTP does not allow "
            "(percent-encode non-ASCII characters in the URL)",
        ) from None
    finally:
        timer.cancel()
        if response is not None:  # its file keeps the socket open until closed itself
            response.close()
        connection.close()


@dataclass(frozen=True)
class _Route:
    """How to reach a URL: the connection, the request target, and headers for a proxy."""

    connection: http.client.HTTPConnection
    target: str
    proxy_headers: dict[str, str] = field(default_factory=dict)


def _route(url: str, endpoint: str, seconds: float) -> _Route:
    """The route to ``url``, through the proxy the environment names for it, if any: the request
    target is the path, or the whole URL for an ``http://`` URL through a proxy."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EndpointError(endpoint, "not a valid http:// or https:// URL") from None
    if parts.scheme not in ("http", "https"):
        raise EndpointError(endpoint, "not a valid http:// or https:// URL")
    host = parts.hostname or ""
    proxy = _proxy_for(parts.scheme, host)
    if proxy is None:
        if parts.scheme == "https":
            context = ssl.create_default_context()
            tls = http.client.HTTPSConnection(host, port, timeout=seconds, context=context)
            return _Route(tls, request_target(url))
        return _Route(http.client.HTTPConnection(host, port, timeout=seconds), request_target(url))
    proxy_parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    proxy_headers = {}
    if proxy_parts.username is not None:
        pair = f"{unquote(proxy_parts.username)}:{unquote(proxy_parts.password or '')}".encode()
        proxy_headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    proxy_host, proxy_port = proxy_parts.hostname or "", proxy_parts.port or 8080
    if parts.scheme == "https":  # a CONNECT tunnel, then TLS with the endpoint itself
        context = ssl.create_default_context()
        tunnel = http.client.HTTPSConnection(proxy_host, proxy_port, timeout=seconds, context=context)
        tunnel.set_tunnel(host, port, headers=proxy_headers)
        return _Route(tunnel, request_target(url))
    connection = http.client.HTTPConnection(proxy_host, proxy_port, timeout=seconds)
    return _Route(connection, url, proxy_headers)


def _proxy_for(scheme: str, host: str) -> str | None:
    """The proxy URL the environment (``http_proxy``, ``https_proxy``, ``no_proxy``) gives for
    ``host``, or None."""
    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


def request_target(url: str) -> str:
    """The request target of ``url``: its path (``/`` when empty) and query."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _send(
    connection: http.client.HTTPConnection,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes | Body | None,
) -> http.client.HTTPResponse:
    """Send the request; when the server stops reading the body early, still read its answer."""
    connection.putrequest(method, target, skip_accept_encoding=True)
    all_headers = {"User-Agent": "csgkg", "Connection": "close", **headers}
    if body is not None:
        all_headers["Content-Length"] = str(len(body))
    for name, value in all_headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    try:
        if isinstance(body, bytes):
            connection.send(body)
        elif body is not None:
            for chunk in body:
                connection.send(chunk)
    except (BrokenPipeError, ConnectionResetError) as cut:
        try:  # the server may have answered (e.g. 401, 413) before closing: that is the news
            return connection.getresponse()
        except (OSError, http.client.HTTPException):
            raise cut from None
    return connection.getresponse()


def _read(
    response: http.client.HTTPResponse, cap: int, method: str, endpoint: str, max_answer_mb: float
) -> bytes:
    """The body of ``response``: whole up to ``cap`` for a 2xx answer, its start for an error."""
    if method == "HEAD":
        return b""
    limit = cap if 200 <= response.status < 300 else ERROR_BODY_BYTES
    announced = response.getheader("Content-Length")
    if limit == cap and announced and announced.isdigit() and int(announced) > cap:
        raise EndpointTooLarge(endpoint, max_answer_mb, int(announced))
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        try:
            chunk = response.read1(_CHUNK)
        except http.client.IncompleteRead as exc:
            got = size + len(exc.partial)
            expected = f" of {got + exc.expected}" if exc.expected is not None else ""
            raise EndpointTruncated(
                endpoint, f"the answer was cut short ({got}{expected} bytes received)"
            ) from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        if limit == cap:
            raise EndpointTooLarge(endpoint, max_answer_mb)
        return b"".join(chunks)[:limit]
    body = b"".join(chunks)
    if response.length is not None and response.length > 0:  # announced more than arrived
        raise EndpointTruncated(
            endpoint, f"the answer was cut short ({size} of {size + response.length} bytes received)"
        )
    return body


def transport_error(
    endpoint: str, exc: BaseException, credentials: Credentials | None = None
) -> EndpointError:
    """The EndpointError for a network-level exception raised while talking to ``endpoint``."""
    if isinstance(exc, http.client.IncompleteRead):
        got = len(exc.partial)
        expected = f" of {got + exc.expected}" if exc.expected is not None else ""
        return EndpointTruncated(
            endpoint, f"the answer was cut short ({got}{expected} bytes received)", credentials
        )
    if isinstance(exc, socket.gaierror):
        return EndpointError(endpoint, "unreachable: the host name cannot be resolved", credentials)
    if isinstance(exc, ConnectionRefusedError):
        return EndpointUnreachable(endpoint, "unreachable: connection refused", credentials)
    if isinstance(exc, ssl.SSLError):
        return EndpointError(endpoint, f"TLS error: {exc.reason or exc}", credentials)
    if isinstance(exc, http.client.RemoteDisconnected | ConnectionError):
        return EndpointUnreachable(
            endpoint, "the connection was closed before an answer arrived", credentials
        )
    if isinstance(exc, OSError) and exc.strerror:
        return EndpointUnreachable(endpoint, f"unreachable: {exc.strerror}", credentials)
    if isinstance(exc, http.client.HTTPException):
        return EndpointUnreachable(endpoint, f"invalid HTTP answer ({type(exc).__name__})", credentials)
    return EndpointError(endpoint, f"request failed: {exc}", credentials)
