"""Answer an HTTP authentication challenge (``WWW-Authenticate``) with Basic or Digest (RFC 7616).

A server says which scheme it wants in the ``WWW-Authenticate`` header of a 401 answer;
:func:`parse_challenges` reads every challenge there and :func:`choose` picks the one to answer:
Digest when offered with an algorithm and quality of protection csgkg supports (MD5, SHA-256 and
their ``-sess`` forms; ``qop=auth`` or none), else Basic. An :class:`Answer` then gives the
``Authorization`` header for each request; for Digest it counts requests (``nc``) and draws a fresh
client nonce (``cnonce``) each time.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from csgkg.core.credentials import Credentials

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_ITEM = re.compile(rf'\s*({_TOKEN})(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*))?\s*,?')
_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


@dataclass(frozen=True)
class Challenge:
    """One challenge: its scheme in lower case and its parameters (names in lower case)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        """True when a Digest server says only the nonce was out of date, not the credentials."""
        return self.params.get("stale", "").lower() == "true"


def parse_challenges(values: list[str]) -> list[Challenge]:
    """Every challenge in the ``WWW-Authenticate`` header values ``values``, in order."""
    found: list[tuple[str, dict[str, str]]] = []
    for value in values:
        position = 0
        while position < len(value):
            match = _ITEM.match(value, position)
            if not match or match.end() == position:
                break
            position = match.end()
            name, raw = match.group(1), match.group(2)
            if raw is None:  # a bare token starts a new challenge
                found.append((name.lower(), {}))
            elif found:
                if raw.startswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                found[-1][1][name.lower()] = raw
    return [Challenge(scheme, params) for scheme, params in found]


def supported(challenge: Challenge) -> bool:
    """True when csgkg can answer ``challenge``."""
    if challenge.scheme == "basic":
        return True
    if challenge.scheme != "digest" or "nonce" not in challenge.params:
        return False
    algorithm = challenge.params.get("algorithm", "MD5").upper().removesuffix("-SESS")
    qops = _qops(challenge)
    return algorithm in _HASHES and (not qops or "auth" in qops)


def choose(challenges: list[Challenge]) -> Challenge | None:
    """The challenge to answer: a supported Digest one first, else Basic, else None."""
    usable = [c for c in challenges if supported(c)]
    usable.sort(key=lambda c: c.scheme != "digest")
    return usable[0] if usable else None


def _qops(challenge: Challenge) -> list[str]:
    return [q.strip().lower() for q in challenge.params.get("qop", "").split(",") if q.strip()]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fresh_cnonce() -> str:
    return secrets.token_hex(16)


class Answer:
    """The ``Authorization`` headers answering one supported ``challenge`` with ``credentials``.

    ``cnonce`` draws each Digest client nonce (random by default; fixed only to check the
    computation against published examples).
    """

    def __init__(
        self, challenge: Challenge, credentials: Credentials, cnonce: Callable[[], str] = _fresh_cnonce
    ) -> None:
        self.challenge = challenge
        self.credentials = credentials
        self.cnonce = cnonce
        self.count = 0

    def header(self, method: str, target: str) -> str:
        """The ``Authorization`` value for a ``method`` request to ``target`` (path and query)."""
        user, password = self.credentials.user or "", self.credentials.password or ""
        if self.challenge.scheme == "basic":
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return self._digest(method, target, user, password)

    def _digest(self, method: str, target: str, user: str, password: str) -> str:
        params = self.challenge.params
        algorithm = params.get("algorithm", "MD5")
        name = algorithm.upper().removesuffix("-SESS")
        digest = _HASHES[name]

        def h(text: str) -> str:
            return digest(text.encode("utf-8")).hexdigest()

        realm, nonce = params.get("realm", ""), params["nonce"]
        self.count += 1
        nc = f"{self.count:08x}"
        cnonce = self.cnonce()
        ha1 = h(f"{user}:{realm}:{password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{target}")
        parts = [
            f"username={_quote(user)}",
            f"realm={_quote(realm)}",
            f"nonce={_quote(nonce)}",
            f"uri={_quote(target)}",
            f"algorithm={algorithm}",
        ]
        if "auth" in _qops(self.challenge):
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            parts += ["qop=auth", f"nc={nc}", f"cnonce={_quote(cnonce)}"]
        else:  # RFC 2069: no qop
            response = h(f"{ha1}:{nonce}:{ha2}")
        parts.append(f"response={_quote(response)}")
        if "opaque" in params:
            parts.append(f"opaque={_quote(params['opaque'])}")
        return "Digest " + ", ".join(parts)
