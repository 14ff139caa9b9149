"""Requests to one remote URL with its credentials: none sent until the server asks for them.

A bearer token (``CSGKG_TOKEN``) is sent up front. A user name and password are sent only in answer
to a challenge (a 401 with ``WWW-Authenticate``), in the scheme the server asks for, Basic or Digest
(:mod:`csgkg.io.challenge`). Sending ``Authorization: Basic`` unasked fails on a Digest-only server
such as Virtuoso, which answers a bare 401 without a challenge.

A request with a body (a PUT of the release, a POST of a query) is never the one that draws the
challenge: some servers (Virtuoso again) close the connection on an unauthenticated body without
reading it. With a user name and password, a :class:`Session` first sends a bodyless ``HEAD`` to
the same URL, as ``curl --digest`` does, and answers its challenge in the real request. The
challenge is then kept for the session's later requests (retries, a second PUT).

A request is answered at most twice more after its first 401 (a second time only when a Digest
server says the nonce was stale), so a server that keeps refusing ends with its 401.
"""

from __future__ import annotations

from csgkg.core.credentials import Credentials
from csgkg.io.challenge import Answer, choose, parse_challenges
from csgkg.io.endpoint_errors import EndpointError, http_status_error
from csgkg.io.transport import Body, Limits, Response, exchange, request_target

MAX_AUTH_ROUNDS = 3


class Session:
    """Requests to ``endpoint`` (the URL errors name) within ``limits``, with ``credentials``."""

    def __init__(self, endpoint: str, credentials: Credentials | None, limits: Limits) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.limits = limits
        self.answer: Answer | None = None
        self.probed: set[str] = set()

    @property
    def has_password(self) -> bool:
        """True when the credentials are a user name and password (answered on challenge)."""
        return self.credentials is not None and not self.credentials.token

    def request(
        self, method: str, url: str, headers: dict[str, str], body: bytes | Body | None = None
    ) -> Response:
        """Send ``method`` to ``url`` and return the answer, answering an authentication challenge.

        A 401 that could not be answered (no challenge, an unsupported scheme, refused credentials)
        is returned like any other status; transport failures raise :class:`EndpointError`.
        """
        send_headers = dict(headers)
        if self.credentials is not None and self.credentials.token:
            send_headers["Authorization"] = self.credentials.authorization()
            return self._send(method, url, send_headers, body)
        if not self.has_password:
            return self._send(method, url, send_headers, body)
        if body is not None and self.answer is None and url not in self.probed:
            self.probed.add(url)
            probe = self._send("HEAD", url, {"Accept": "*/*"}, None)
            self._learn(probe, answered=False)
        response = None
        for _ in range(MAX_AUTH_ROUNDS):
            if self.answer is not None:
                send_headers["Authorization"] = self.answer.header(method, request_target(url))
            answered = self.answer is not None
            response = self._send(method, url, send_headers, body)
            if response.status != 401 or not self._learn(response, answered=answered):
                return response
        assert response is not None
        return response

    def succeeded(self, response: Response) -> Response:
        """``response`` when its status is 2xx, else the error naming the endpoint (no secret), with
        what the server said and where it redirects to."""
        if 200 <= response.status < 300:
            return response
        raise http_status_error(
            self.endpoint,
            response.status,
            response.reason,
            response.body,
            self.credentials,
            location=response.headers.get("Location"),
        )

    def credentials_used(self) -> str | None:
        """How the credentials were used, for a report (no secret): None when there are none."""
        if self.credentials is None:
            return None
        source = self.credentials.source
        if self.credentials.token:
            return f"{source} (sent as a bearer token)"
        if self.answer is None:
            return f"{source} (not sent: the server did not ask for them)"
        return f"{source} (HTTP {self.answer.challenge.scheme.capitalize()}, as the server asked)"

    def _learn(self, response: Response, *, answered: bool) -> bool:
        """Take the challenge of a 401 ``response``; True when it is worth sending the request again.

        After a request that carried credentials, only a Digest ``stale=true`` challenge is (the
        credentials themselves were refused otherwise).
        """
        if response.status != 401:
            return False
        challenges = parse_challenges(response.headers.get_all("WWW-Authenticate") or [])
        if not challenges:
            return False
        chosen = choose(challenges)
        if chosen is None:
            schemes = ", ".join(sorted({c.scheme.capitalize() for c in challenges}))
            raise EndpointError(
                self.endpoint,
                f"HTTP 401: the server asks for {schemes} authentication, which csgkg does not support "
                "(it answers Basic and Digest)",
            )
        if answered and not chosen.stale:
            return False
        assert self.credentials is not None
        self.answer = Answer(chosen, self.credentials)
        return True

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | Body | None) -> Response:
        return exchange(
            method,
            url,
            headers,
            body,
            self.limits,
            endpoint=self.endpoint,
            credentials=self.credentials,
        )
