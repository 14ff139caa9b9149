"""Credentials for remote SPARQL endpoints and graph stores, and keeping them out of messages.

Credentials come only from the environment or from ``~/.netrc``, never from the command line:

- ``CSGKG_TOKEN``: a bearer token, sent as ``Authorization: Bearer ...``;
- ``CSGKG_USER`` and ``CSGKG_PASSWORD``: a user name and password (HTTP Basic, or Digest when the
  server asks for it);
- otherwise the ``machine`` entry of ``~/.netrc`` for the URL's host (or its ``default`` entry).

Secrets are never printed: :func:`redact_url` hides the user-info part of a URL and :func:`scrub`
replaces any known secret in a text before it reaches the user.
"""

from __future__ import annotations

import base64
import netrc
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from csgkg.core.errors import UsageError

ENV_USER = "CSGKG_USER"
ENV_PASSWORD = "CSGKG_PASSWORD"
ENV_TOKEN = "CSGKG_TOKEN"


class CredentialsError(UsageError):
    """Credentials that are incomplete or cannot be read (the message never shows a secret)."""


@dataclass(frozen=True)
class Credentials:
    """A user name and password, or a bearer token, and where they came from (for reports)."""

    source: str
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    def authorization(self) -> str:
        """The ``Authorization`` value: Bearer for a token (sent up front), Basic for a user name and
        password (sent only when a server asks for Basic; see :mod:`csgkg.io.session`)."""
        if self.token:
            return f"Bearer {self.token}"
        pair = f"{self.user or ''}:{self.password or ''}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def secrets(self) -> list[str]:
        """The secret strings, longest first, including the encoded Authorization value."""
        values = [v for v in (self.password, self.token) if v]
        if values:
            values.append(self.authorization().split(" ", 1)[1])
        return sorted(values, key=len, reverse=True)


def credentials_for(url: str) -> Credentials | None:
    """The credentials to use for ``url``: from the environment, else ``~/.netrc``, else None."""
    token = os.environ.get(ENV_TOKEN)
    if token:
        return Credentials(source=f"${ENV_TOKEN}", token=token)
    user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
    if user or password:
        if not (user and password):
            missing = ENV_PASSWORD if user else ENV_USER
            raise CredentialsError(f"{missing} is not set: set both {ENV_USER} and {ENV_PASSWORD}")
        return Credentials(source=f"${ENV_USER}/${ENV_PASSWORD}", user=user, password=password)
    return _from_netrc(urlsplit(url).hostname)


def _from_netrc(host: str | None) -> Credentials | None:
    if not host:
        return None
    try:
        entries = netrc.netrc()
    except FileNotFoundError:
        return None
    except netrc.NetrcParseError as exc:
        # The parser's own message may quote a token of the file: show only where it failed.
        raise CredentialsError(
            f"~/.netrc could not be read (line {exc.lineno}): check its syntax and that only you "
            "can read it (chmod 600 ~/.netrc)"
        ) from None
    except OSError as exc:
        raise CredentialsError(f"~/.netrc could not be read: {exc.strerror}") from None
    found = entries.authenticators(host)
    if not found:
        return None
    login, _account, password = found
    if not password:
        return None
    return Credentials(source="~/.netrc", user=login or "", password=password)


def redact_url(url: str) -> str:
    """``url`` with any user name and password replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def refuse_userinfo(url: str, option: str) -> None:
    """Raise a UsageError when ``url`` carries a user name or password (they belong elsewhere)."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        raise UsageError(f"{option}: not a valid URL: {redact_url(url)}") from None
    if "@" in netloc:
        raise UsageError(
            f"{option} {redact_url(url)}: do not put credentials in the URL; set {ENV_USER} and "
            f"{ENV_PASSWORD} (or {ENV_TOKEN}) in the environment, or use ~/.netrc"
        )


def scrub(text: str, credentials: Credentials | None) -> str:
    """``text`` with every secret of ``credentials`` replaced by ``***``."""
    if credentials is None:
        return text
    for secret in credentials.secrets():
        text = text.replace(secret, "***")
    return text
