"""The errors of a call to a remote SPARQL endpoint or graph store, each one line naming the URL.

Every error is an :class:`EndpointError` (exit code 3) whose message starts with the URL (user name
and password hidden) and whose secrets are replaced by ``***``. ``retryable`` says whether trying
again may help: only a connection refused or reset, an answer cut short, and HTTP 502, 503 and 504
are retried; a 4xx, a 500 (a query error on most stores), a timeout and an answer over the size cap
are reported at once.
"""

from __future__ import annotations

from csgkg.core.credentials import Credentials, redact_url, scrub
from csgkg.core.errors import CsgkgError

MAX_DETAIL = 160
RETRYABLE_STATUSES = frozenset({502, 503, 504})


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line, whitespace collapsed, cut to ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


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
    """No connection could be made, or it was refused, reset or dropped before an answer."""

    retryable = True


class EndpointTimeout(EndpointError):
    """No complete answer before the call's overall deadline."""

    def __init__(self, endpoint: str, seconds: float, credentials: Credentials | None = None):
        self.seconds = seconds
        super().__init__(
            endpoint,
            f"no complete answer within {seconds:g} s (timeout): allow more time with --timeout S "
            "(timeout=S in Python)",
            credentials,
        )


class EndpointTooLarge(EndpointError):
    """The answer is larger than the size cap; it was not read whole."""

    def __init__(self, endpoint: str, max_answer_mb: float, announced: int | None = None):
        self.max_answer_mb = max_answer_mb
        size = f" ({announced:,} bytes announced)" if announced is not None else ""
        super().__init__(
            endpoint,
            f"the answer is larger than the {max_answer_mb:g} MB limit{size}: allow more with "
            "--max-answer-mb N (max_answer_mb=N in Python)",
        )


class EndpointHTTPError(EndpointError):
    """The endpoint answered with an HTTP error ``status``; only 502, 503 and 504 may be retried."""

    def __init__(self, endpoint: str, status: int, cause: str, credentials: Credentials | None = None):
        self.status = status
        self.retryable = status in RETRYABLE_STATUSES
        super().__init__(endpoint, cause, credentials)


class EndpointTruncated(EndpointError):
    """The connection closed before the whole body announced by the server arrived."""

    retryable = True


class NotSparqlResults(EndpointError):
    """The endpoint answered 200 with something other than SPARQL JSON results."""


_HINTS = {
    301: "redirected: use the URL it redirects to",
    302: "redirected: use the URL it redirects to",
    303: "redirected: use the URL it redirects to",
    307: "redirected: use the URL it redirects to",
    308: "redirected: use the URL it redirects to",
    401: "check the credentials (CSGKG_USER/CSGKG_PASSWORD, CSGKG_TOKEN or ~/.netrc)",
    403: "not allowed (read-only store, or the credentials lack the right)",
    404: "no such endpoint: check the URL",
}


def http_status_error(
    endpoint: str,
    status: int,
    reason: str,
    body: bytes,
    credentials: Credentials | None = None,
    location: str | None = None,
) -> EndpointHTTPError:
    """The error for an HTTP error answer: status, reason phrase, a hint, and the first line of a
    text body (the server's own message, e.g. a query's syntax error). Redirects are not followed:
    the error names the ``location`` they point to."""
    hint = _HINTS.get(status, "")
    if location and 300 <= status < 400:
        hint = f"redirected to {redact_url(location)}: use that URL"
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
