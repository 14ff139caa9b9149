"""The public face of ``csgkg serve``: an HTTP front that checks every query before Oxigraph runs it.

The Oxigraph server does the SPARQL work, but it runs federated queries (``SERVICE <url>`` makes it
fetch any address), lets a streaming answer run past its own timeout, and reports a query it
cancelled inside an HTTP 200 answer. So the server listens on a private loopback port and this
front is what clients reach. For each request it:

1. accepts only SPARQL queries on ``/query`` (GET, or POST as a form or ``application/sparql-query``)
   and the server's start page on ``/``; updates and Graph Store requests get 403;
2. reads the query with csgkg's checker (:func:`csgkg.sparql.safety.parse_checked`, rdflib's
   SPARQL 1.1 parser): ``SERVICE``, ``FROM``/``FROM NAMED`` and updates get 403, text that is not
   SPARQL gets 400, and none of them reaches the server;
3. waits for one of ``max_running`` query slots, then passes the query on;
4. reads the server's whole answer before sending anything, so that a query still running at its
   deadline gets HTTP 503 and an answer over ``max_bytes`` gets HTTP 500, each with a one-line
   message in plain text, never a truncated body under status 200.

Every step counts against one deadline per request, set when it arrives.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from csgkg.core.errors import CsgkgError
from csgkg.core.words import plural

DEFAULT_MAX_ANSWER_MB = 100
DEFAULT_MAX_RUNNING = 4
MAX_QUERY_BYTES = 1024 * 1024
_CHUNK = 1 << 16
_DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
_PARSING = threading.Lock()  # rdflib's parser (pyparsing) is not known to be thread-safe
_READ_ONLY = "this endpoint is read-only: updates and Graph Store requests are refused"


@dataclass(frozen=True)
class FrontLimits:
    """What one request may take: seconds from arrival to the last byte, answer bytes, and how
    many queries the server runs at once (more wait for a slot, within their own time)."""

    timeout: float
    max_bytes: int = DEFAULT_MAX_ANSWER_MB * 1_000_000
    max_running: int = DEFAULT_MAX_RUNNING


class _Refused(Exception):
    """A request answered by the front itself: an HTTP status and a one-line message."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class Front(ThreadingHTTPServer):
    """The front server: one thread a request, each passed to the Oxigraph server at ``upstream``."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], upstream: tuple[str, int], limits: FrontLimits) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.upstream = upstream
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits.max_running)
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Front
    server_version = "csgkg-serve"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: ``csgkg serve`` prints only its URL and notes, not one line a request."""

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def do_PUT(self) -> None:
        self._answer(self._write)

    def do_DELETE(self) -> None:
        self._answer(self._write)

    def do_PATCH(self) -> None:
        self._answer(self._write)

    def _answer(self, handle: Any) -> None:
        deadline = time.monotonic() + self.server.limits.timeout
        try:
            status, headers, body = handle(deadline)
        except _Refused as refused:
            status, body = refused.status, (refused.message + "\n").encode("utf-8")
            headers = {"Content-Type": "text/plain; charset=utf-8"}
            if refused.retry_after is not None:
                headers["Retry-After"] = str(refused.retry_after)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client left; nothing more to do

    # -- the requests -------------------------------------------------------------------------

    def _get(self, deadline: float) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(self.path)
        if parts.path == "/query":
            return self._query(parse_qs(parts.query, keep_blank_values=True), deadline)
        if parts.path == "/":
            return self._forward("GET", "/", None, {}, deadline)
        return self._elsewhere(parts.path)

    def _post(self, deadline: float) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(self.path)
        if parts.path != "/query":
            return self._elsewhere(parts.path)
        body = self._request_body()
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fields = parse_qs(parts.query, keep_blank_values=True)
        if media_type == "application/x-www-form-urlencoded":
            fields.update(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
        elif media_type == "application/sparql-query":
            fields["query"] = [body.decode("utf-8", "replace")]
        else:
            raise _Refused(
                415,
                "send the query as application/sparql-query or as a form "
                "(application/x-www-form-urlencoded) with a query field",
            )
        return self._query(fields, deadline)

    def _write(self, deadline: float) -> tuple[int, dict[str, str], bytes]:
        raise _Refused(403, _READ_ONLY)

    def _elsewhere(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path.startswith(("/update", "/store")):
            raise _Refused(403, _READ_ONLY)
        raise _Refused(404, f"nothing at {path}: the SPARQL query endpoint is /query")

    def _request_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            raise _Refused(411, "a POST needs a Content-Length header") from None
        if length > MAX_QUERY_BYTES:
            raise _Refused(413, f"a query may be at most {MAX_QUERY_BYTES // 1024} KB long")
        return self.rfile.read(length)

    def _query(self, fields: dict[str, list[str]], deadline: float) -> tuple[int, dict[str, str], bytes]:
        texts = fields.get("query", [])
        if len(texts) != 1:
            raise _Refused(400, "give exactly one query parameter (the SPARQL query text)")
        check_query(texts[0])
        form = [("query", texts[0])]
        form += [(name, value) for name in _DATASET_PARAMETERS for value in fields.get(name, [])]
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.headers.get("Accept"):
            headers["Accept"] = self.headers["Accept"]
        if not self.server.slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            running = self.server.limits.max_running
            raise _Refused(
                503,
                f"the endpoint is busy: {plural(running, 'query', 'queries')} "
                f"{'is' if running == 1 else 'are'} running; try again shortly",
                retry_after=1,
            )
        try:
            return self._forward("POST", "/query", urlencode(form).encode("utf-8"), headers, deadline)
        finally:
            self.server.slots.release()

    # -- the server behind ----------------------------------------------------------------------

    def _forward(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str], deadline: float
    ) -> tuple[int, dict[str, str], bytes]:
        """The server's answer, read whole within ``deadline`` and ``max_bytes``."""
        limits = self.server.limits
        host, port = self.server.upstream
        connection = http.client.HTTPConnection(host, port)
        try:
            connection.timeout = _left(deadline, limits)
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            chunks: list[bytes] = []
            size = 0
            while True:
                if connection.sock is not None:
                    connection.sock.settimeout(_left(deadline, limits))
                chunk = answer.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limits.max_bytes:
                    raise _Refused(
                        500,
                        f"the answer is larger than {limits.max_bytes / 1_000_000:g} MB (this endpoint's "
                        "limit) and was stopped: add LIMIT or select fewer variables",
                    )
                chunks.append(chunk)
            _left(deadline, limits)
        except TimeoutError:
            raise _Refused(503, _too_long(limits)) from None
        except (OSError, http.client.HTTPException) as exc:
            raise _Refused(502, f"the Oxigraph server behind this endpoint failed: {exc}") from None
        finally:
            connection.close()  # a query still running behind is abandoned with its connection
        kept = {"Content-Type": answer.getheader("Content-Type") or "application/octet-stream"}
        return answer.status, kept, b"".join(chunks)


def _left(deadline: float, limits: FrontLimits) -> float:
    """Seconds left before ``deadline``; a TimeoutError when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _too_long(limits: FrontLimits) -> str:
    return (
        f"the query ran longer than {limits.timeout:g} s (this endpoint's limit) and was stopped: "
        "make it more selective or add LIMIT"
    )


def check_query(text: str) -> None:
    """Raise the HTTP refusal for a query the endpoint must not run (see the module's text)."""
    from csgkg.sparql.safety import QuerySyntaxError, UnsafeQueryError, parse_checked

    try:
        with _PARSING:
            parse_checked(text)
    except UnsafeQueryError as exc:
        raise _Refused(403, str(exc)) from None
    except QuerySyntaxError as exc:
        raise _Refused(400, str(exc)) from None
    except CsgkgError as exc:
        raise _Refused(400, str(exc)) from None


@contextlib.contextmanager
def serving(front: Front) -> Any:
    """Serve ``front``'s requests in a thread until the block ends, then close it."""
    thread = threading.Thread(target=front.serve_forever, name="csgkg-front", daemon=True)
    thread.start()
    try:
        yield front
    finally:
        front.shutdown()
        front.server_close()
        thread.join(5)
