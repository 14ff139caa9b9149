"""Remote calls have limits and send credentials only when asked (issue #19 item 4, #18 item 1).

Every server here is an http.server on loopback in a thread of this process, so each test can see
exactly what it was sent: a server trickling one byte a second, one sending more than the cap, a
Digest-only server that behaves like Virtuoso, a Basic one, and servers failing with 400, 500 and
503.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import copy_root
from csgkg.core.credentials import Credentials
from csgkg.core.root import DatasetRoot
from csgkg.io.challenge import Answer, Challenge, choose, parse_challenges
from csgkg.io.remote import (
    EndpointError,
    EndpointHTTPError,
    EndpointTimeout,
    EndpointTooLarge,
    run_remote_select,
)
from csgkg.publish.push import push
from endpoint_fixtures import Respond, Seen, Server, read_body, server

LOOPBACK = "127.0.0.1"
USER = "dba"
PASSWORD = "pa55-Not-In-Output-3e1d"
REALM = "SPARQL"
RESULTS_JSON = "application/sparql-results+json"
ONE_ROW = json.dumps(
    {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "urn:x"}}]}}
).encode()
TRIPLES = "".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(5))

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses loopback servers and signals")


def reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str = "text/plain",
    headers: dict[str, str] | None = None,
) -> None:
    """Send one whole answer."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)
    handler.wfile.flush()


def count_answer(n: int) -> bytes:
    """SPARQL JSON results of one row ``?n`` = ``n``."""
    value = {"type": "literal", "value": str(n), "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    return json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": value}]}}).encode()


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials in the environment, and a HOME without .netrc."""
    for name in ("CSGKG_USER", "CSGKG_PASSWORD", "CSGKG_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.fixture
def password(no_credentials: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user name and password in the environment."""
    monkeypatch.setenv("CSGKG_USER", USER)
    monkeypatch.setenv("CSGKG_PASSWORD", PASSWORD)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A small N-Triples file to push."""
    path = tmp_path / "csgkg.nt"
    path.write_text(TRIPLES, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def private_root(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """A private copy of the dataset with a hand-made dist/csgkg.nt (enough for `csgkg push`)."""
    root = copy_root(tmp_path_factory.mktemp("remote") / "root")
    root.dist_dir.mkdir(parents=True, exist_ok=True)
    (root.dist_dir / "csgkg.nt").write_text(TRIPLES, encoding="utf-8")
    return root


def csgkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the csgkg command line in a subprocess, without credentials unless ``env`` gives some."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CSGKG_")}
    return subprocess.run(
        [sys.executable, "-m", "csgkg", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**clean, **(env or {})},
        check=False,
    )


def error_lines(stderr: str) -> list[str]:
    """The ``error:`` lines of a command's stderr (a stale-build warning may precede them)."""
    return [line for line in stderr.splitlines() if not line.startswith("warning:")]


# -- the overall deadline -------------------------------------------------------------------------


def trickle(headers_too: bool) -> Respond:
    """An answer sent one byte a second (its headers too, or only its body) until the client leaves."""

    def respond(handler: BaseHTTPRequestHandler, seen: Seen, state: Server) -> None:
        if seen.method in ("POST", "PUT"):
            read_body(handler, seen)
        body = ONE_ROW * 50
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {RESULTS_JSON}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        handler.close_connection = True
        if not headers_too:
            handler.wfile.write(head)
            handler.wfile.flush()
        for byte in (head + body if headers_too else body)[:10_000]:
            if state.stop.wait(1.0):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            state.sent.append(1)  # one more byte trickled

    return respond


@pytest.mark.parametrize("headers_too", [True, False], ids=["headers", "body"])
def test_a_trickling_endpoint_is_left_at_the_deadline(headers_too: bool, no_credentials: None) -> None:
    with server(trickle(headers_too)) as slow:
        with pytest.raises(EndpointTimeout) as caught:
            run_remote_select(slow.url, "SELECT * WHERE { ?s ?p ?o }", timeout=2)
        trickled = len(slow.sent)
        assert len(slow.seen) == 1, "a timeout is not retried"
    # the answer is hundreds of bytes, one a second: the call left after a few, at its deadline,
    # instead of waiting for the whole answer (each byte resets a per-read timeout)
    assert trickled < 50
    message = str(caught.value)
    assert message.startswith(f"{slow.url}: no complete answer within 2 s")
    assert "--timeout S" in message and "timeout=S" in message and "\n" not in message


def test_a_trickling_store_is_left_at_the_deadline(source: Path, no_credentials: None) -> None:
    with server(trickle(headers_too=False)) as slow:
        with pytest.raises(EndpointTimeout, match=r"no complete answer within 1\.5 s"):
            push(source, slow.url, timeout=1.5)
        assert len(slow.sent) < 50, "push waited for the answer far past its deadline"
        assert [s.method for s in slow.seen] == ["PUT"]


def test_query_run_stops_at_the_timeout(private_root: DatasetRoot) -> None:
    with server(trickle(headers_too=True)) as slow:
        done = csgkg(
            "--root", str(private_root.path), "query", "run", "intervention-summary",
            "--endpoint", slow.url, "--timeout", "2",
        )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert error_lines(done.stderr) == [
        f"error: {slow.url}: no complete answer within 2 s (timeout): allow more time with "
        "--timeout S (timeout=S in Python)"
    ]


def test_push_stops_at_the_timeout(private_root: DatasetRoot) -> None:
    with server(trickle(headers_too=False)) as slow:
        done = csgkg("--root", str(private_root.path), "push", "--store", slow.url, "--timeout", "2")
    assert done.returncode == 3, done.stderr
    assert error_lines(done.stderr) == [
        f"error: {slow.url}: no complete answer within 2 s (timeout): allow more time with "
        "--timeout S (timeout=S in Python)"
    ]


# -- the answer-size cap --------------------------------------------------------------------------


def flood(announce: bool, total: int = 400_000_000) -> Respond:
    """An answer of ``total`` bytes (announced in Content-Length, or not), counting what it sends."""

    def respond(handler: BaseHTTPRequestHandler, seen: Seen, state: Server) -> None:
        read_body(handler, seen)
        handler.send_response(200)
        handler.send_header("Content-Type", RESULTS_JSON)
        if announce:
            handler.send_header("Content-Length", str(total))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        block = b" " * 65536
        sent = 0
        try:
            while sent < total and not state.stop.is_set():
                handler.wfile.write(block)
                sent += len(block)
        finally:
            state.sent.append(sent)

    return respond


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "no-length"])
def test_an_answer_over_the_cap_is_not_read_whole(announce: bool, no_credentials: None) -> None:
    with server(flood(announce)) as big:
        with pytest.raises(EndpointTooLarge) as caught:
            run_remote_select(big.url, "SELECT * WHERE { ?s ?p ?o }", max_answer_mb=1, retries=2)
        deadline = time.monotonic() + 10
        while not big.sent and time.monotonic() < deadline:
            time.sleep(0.05)  # the server thread notices the closed connection
    assert len(big.seen) == 1, "an answer over the cap is not retried"
    assert big.sent and big.sent[0] < 50_000_000, "the client stopped reading at the cap"
    message = str(caught.value)
    assert message.startswith(f"{big.url}: the answer is larger than the 1 MB limit")
    assert "--max-answer-mb N" in message and "max_answer_mb=N" in message
    if announce:
        assert "400,000,000 bytes announced" in message


def test_an_answer_within_the_cap_is_read(no_credentials: None) -> None:
    body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal",
        "value": "y" * 900_000}}]}}).encode()  # fmt: skip
    with server(lambda h, s, _: (read_body(h, s), reply(h, 200, body, RESULTS_JSON))) as near:
        columns, rows = run_remote_select(near.url, "SELECT ?x WHERE { ?x ?p ?o }", max_answer_mb=1)
    assert columns == ["x"] and len(str(rows[0]["x"])) == 900_000


def test_query_run_names_the_cap(private_root: DatasetRoot) -> None:
    with server(flood(announce=True)) as big:
        done = csgkg(
            "--root", str(private_root.path), "query", "run", "intervention-summary",
            "--endpoint", big.url, "--max-answer-mb", "2",
        )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert error_lines(done.stderr) == [
        f"error: {big.url}: the answer is larger than the 2 MB limit (400,000,000 bytes announced): "
        "allow more with --max-answer-mb N (max_answer_mb=N in Python)"
    ]


def test_help_documents_both_limits() -> None:
    for command in (["query", "run"], ["compare"], ["push"]):
        done = csgkg(*command, "--help")
        text = " ".join(done.stdout.split())
        assert "--timeout S" in text and "--max-answer-mb N" in text, command
        assert "(default 100)" in text and "1 MB = 1,000,000 bytes" in text, command


# -- retries --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [(400, "Parse error: unexpected '}' at line 1"), (500, "SR171: Transaction timed out")],
)
def test_a_query_error_is_reported_at_once(status: int, message: str, no_credentials: None) -> None:
    def fail(handler: BaseHTTPRequestHandler, seen: Seen, _: Server) -> None:
        read_body(handler, seen)
        reply(handler, status, f"{message}\nmore detail".encode())

    with server(fail) as failing:
        with pytest.raises(EndpointHTTPError) as caught:
            run_remote_select(failing.url, "SELECT * WHERE { ?s ?p ?o }", retries=3, backoff=0.01)
        assert len(failing.seen) == 1, "no retry"
    assert caught.value.status == status
    assert str(caught.value).startswith(f"{failing.url}: HTTP {status}")
    assert f"the server says: {message}" in str(caught.value)
    assert "attempts" not in str(caught.value)


def test_a_push_answered_500_is_not_retried(source: Path, no_credentials: None) -> None:
    def fail(handler: BaseHTTPRequestHandler, seen: Seen, _: Server) -> None:
        read_body(handler, seen)
        reply(handler, 500, b"disk full")

    with server(fail) as failing:
        with pytest.raises(EndpointHTTPError, match=r"HTTP 500.*disk full"):
            push(source, failing.url, timeout=10)
        assert [s.method for s in failing.seen] == ["PUT"]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_busy_endpoint_is_retried(status: int, no_credentials: None) -> None:
    def busy_once(handler: BaseHTTPRequestHandler, seen: Seen, state: Server) -> None:
        read_body(handler, seen)
        if len(state.seen) == 1:
            reply(handler, status, b"try again later")
        else:
            reply(handler, 200, ONE_ROW, RESULTS_JSON)

    with server(busy_once) as busy:
        columns, _rows = run_remote_select(busy.url, "SELECT ?x WHERE { ?x ?p ?o }", backoff=0.01)
        assert len(busy.seen) == 2
    assert columns == ["x"]


def test_a_reset_connection_is_retried(no_credentials: None) -> None:
    def reset_once(handler: BaseHTTPRequestHandler, seen: Seen, state: Server) -> None:
        read_body(handler, seen)
        if len(state.seen) == 1:
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            handler.close_connection = True
            return
        reply(handler, 200, ONE_ROW, RESULTS_JSON)

    with server(reset_once) as flaky:
        columns, _rows = run_remote_select(flaky.url, "SELECT ?x WHERE { ?x ?p ?o }", backoff=0.01)
        assert len(flaky.seen) == 2
    assert columns == ["x"]


# -- credentials ----------------------------------------------------------------------------------


def digest_fields(header: str) -> dict[str, str]:
    """The fields of a ``Digest`` Authorization header, written independently of csgkg's parser."""
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in re.finditer(r'(\w+)=(?:"([^"]*)"|([^,\s]+))', header.removeprefix("Digest "))
    }


def virtuoso_like(count: int) -> Respond:
    """A Digest-only server that behaves as Virtuoso does with credentials it did not ask for.

    Basic credentials get a bare 401 with no challenge; a body sent without credentials is not
    read: the connection is closed. A bodyless request without credentials gets the Digest
    challenge; a correct Digest answer (qop=auth, a fresh nc for each cnonce) is served: a PUT is
    stored, a POST is a query answering ``count``.
    """
    nonce = secrets.token_hex(16)
    used: set[tuple[str, str]] = set()

    def valid(seen: Seen) -> bool:
        f = digest_fields(seen.headers["Authorization"])
        ha1 = hashlib.md5(f"{USER}:{REALM}:{PASSWORD}".encode()).hexdigest()
        ha2 = hashlib.md5(f"{seen.method}:{seen.path}".encode()).hexdigest()
        expected = hashlib.md5(
            f"{ha1}:{nonce}:{f.get('nc')}:{f.get('cnonce')}:auth:{ha2}".encode()
        ).hexdigest()
        fresh = (f.get("cnonce", ""), f.get("nc", "")) not in used
        used.add((f.get("cnonce", ""), f.get("nc", "")))
        return (
            f.get("username") == USER
            and f.get("realm") == REALM
            and f.get("uri") == seen.path
            and f.get("qop") == "auth"
            and f.get("opaque") == "op4que"
            and fresh
            and f.get("response") == expected
        )

    def respond(handler: BaseHTTPRequestHandler, seen: Seen, state: Server) -> None:
        authorization = seen.headers.get("Authorization", "")
        has_body = int(seen.headers.get("Content-Length") or 0) > 0
        if authorization.startswith("Basic"):
            reply(handler, 401, b"Unauthorized")
            return
        if not authorization:
            if has_body:
                handler.close_connection = True  # closed unread: the client sees a reset
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            challenge = f'Digest realm="{REALM}", domain="/", nonce="{nonce}", opaque="op4que", '
            challenge += 'stale=false, qop="auth", algorithm="MD5"'
            reply(handler, 401, b"Unauthorized", headers={"WWW-Authenticate": challenge})
            return
        read_body(handler, seen)
        if not valid(seen):
            reply(handler, 401, b"bad digest")
        elif seen.method == "PUT":
            reply(handler, 201)
        else:
            reply(handler, 200, count_answer(count), RESULTS_JSON)

    return respond


def test_push_answers_a_digest_only_server_without_ever_sending_basic(source: Path, password: None) -> None:
    with server(virtuoso_like(5), path="/sparql-graph-crud-auth") as virtuoso:
        report = push(source, virtuoso.url, endpoint=virtuoso.url, timeout=20, retries=0)
    assert report.ok and report.status == 201
    assert report.credentials == "$CSGKG_USER/$CSGKG_PASSWORD (HTTP Digest, as the server asked)"
    assert not [s for s in virtuoso.seen if s.headers.get("Authorization", "").startswith("Basic")]
    puts = [s for s in virtuoso.seen if s.method == "PUT"]
    assert len(puts) == 1 and puts[0].body == source.read_bytes()
    assert puts[0].headers["Authorization"].startswith("Digest ")
    assert [s.method for s in virtuoso.seen] == ["HEAD", "PUT", "HEAD", "POST"]


def test_push_through_the_cli_to_a_digest_only_server(private_root: DatasetRoot) -> None:
    with server(virtuoso_like(5), path="/sparql-graph-crud-auth") as virtuoso:
        done = csgkg(
            "--root", str(private_root.path), "push", "--store", virtuoso.url,
            "--endpoint", virtuoso.url, "--timeout", "30",
            env={"CSGKG_USER": USER, "CSGKG_PASSWORD": PASSWORD, "HOME": str(private_root.path)},
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ok: the store holds the 5 triples of the build" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr


def test_wrong_credentials_end_with_a_401_without_looping(source: Path, no_credentials, monkeypatch) -> None:
    monkeypatch.setenv("CSGKG_USER", USER)
    monkeypatch.setenv("CSGKG_PASSWORD", "not-the-password")
    with server(virtuoso_like(5)) as virtuoso:
        with pytest.raises(EndpointHTTPError) as caught:
            push(source, virtuoso.url, timeout=20)
        assert [s.method for s in virtuoso.seen] == ["HEAD", "PUT"], "one answer to one challenge"
    assert caught.value.status == 401 and "not-the-password" not in str(caught.value)


def test_push_answers_a_basic_challenge(source: Path, password: None) -> None:
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

    def basic(handler: BaseHTTPRequestHandler, seen: Seen, _: Server) -> None:
        if seen.headers.get("Authorization") != expected:
            reply(handler, 401, b"who are you?", headers={"WWW-Authenticate": 'Basic realm="store"'})
            return
        read_body(handler, seen)
        reply(handler, 204) if seen.method == "PUT" else reply(handler, 200, count_answer(5), RESULTS_JSON)

    with server(basic) as store:
        report = push(source, store.url, endpoint=store.url, timeout=20)
    assert report.ok and report.status == 204
    assert report.credentials == "$CSGKG_USER/$CSGKG_PASSWORD (HTTP Basic, as the server asked)"
    puts = [s for s in store.seen if s.method == "PUT"]
    assert len(puts) == 1 and puts[0].headers["Authorization"] == expected
    assert puts[0].body == source.read_bytes()


def test_a_bearer_token_is_sent_up_front(source: Path, no_credentials, monkeypatch) -> None:
    monkeypatch.setenv("CSGKG_TOKEN", "tok-123")

    def accept(handler: BaseHTTPRequestHandler, seen: Seen, _: Server) -> None:
        read_body(handler, seen)
        reply(handler, 204) if seen.method == "PUT" else reply(handler, 200, count_answer(5), RESULTS_JSON)

    with server(accept) as store:
        report = push(source, store.url, endpoint=store.url, timeout=20)
    assert report.ok and report.credentials == "$CSGKG_TOKEN (sent as a bearer token)"
    assert [(s.method, s.headers.get("Authorization")) for s in store.seen] == [
        ("PUT", "Bearer tok-123"),
        ("POST", "Bearer tok-123"),
    ]


def test_an_unsupported_scheme_is_named(no_credentials, password) -> None:
    def negotiate(handler: BaseHTTPRequestHandler, seen: Seen, _: Server) -> None:
        reply(handler, 401, headers={"WWW-Authenticate": "Negotiate"})

    with server(negotiate) as store, pytest.raises(EndpointError, match="asks for Negotiate authentication"):
        run_remote_select(store.url, "ASK {}", retries=0)


# -- the Digest computation itself ----------------------------------------------------------------

RFC_7616_CHALLENGE = (
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={algorithm}, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'
)


@pytest.mark.parametrize(
    ("algorithm", "response"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_digest_answers_match_rfc_7616(algorithm: str, response: str) -> None:
    challenges = parse_challenges([RFC_7616_CHALLENGE.format(algorithm=algorithm)])
    chosen = choose(challenges)
    assert chosen is not None and chosen.scheme == "digest"
    answer = Answer(
        chosen,
        Credentials(source="test", user="Mufasa", password="Circle of Life"),
        cnonce=lambda: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )
    fields = digest_fields(answer.header("GET", "/dir/index.html"))
    assert fields["response"] == response
    assert (fields["qop"], fields["nc"], fields["uri"]) == ("auth", "00000001", "/dir/index.html")
    assert fields["opaque"] == "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
    assert digest_fields(answer.header("GET", "/dir/index.html"))["nc"] == "00000002"


def test_several_challenges_in_one_header_prefer_digest() -> None:
    challenges = parse_challenges(['Basic realm="a, b", Digest realm="r", nonce="n", qop="auth"'])
    assert [c.scheme for c in challenges] == ["basic", "digest"]
    assert challenges[0].params == {"realm": "a, b"}
    assert choose(challenges) == Challenge("digest", {"realm": "r", "nonce": "n", "qop": "auth"})
    assert choose(parse_challenges(['Digest realm="r", nonce="n", qop="auth-int"'])) is None


# -- proxies and redirects ------------------------------------------------------------------------


def test_a_proxy_from_the_environment_is_used(no_credentials: None, monkeypatch) -> None:
    def proxy(handler: BaseHTTPRequestHandler, seen: Seen, _: Server) -> None:
        read_body(handler, seen)
        reply(handler, 200, ONE_ROW, RESULTS_JSON)

    target = f"http://{LOOPBACK}:9/sparql"  # nothing listens there: only the proxy can answer
    with server(proxy) as relay:
        monkeypatch.setenv("http_proxy", relay.url.removesuffix("/sparql"))
        monkeypatch.setenv("no_proxy", "")
        columns, _rows = run_remote_select(target, "SELECT ?x WHERE { ?x ?p ?o }", retries=0)
    assert columns == ["x"]
    assert [(s.method, s.path) for s in relay.seen] == [("POST", target)]


def test_a_redirect_is_not_followed_and_names_its_target(no_credentials: None) -> None:
    def moved(handler: BaseHTTPRequestHandler, seen: Seen, _: Server) -> None:
        read_body(handler, seen)
        reply(handler, 301, headers={"Location": "https://example.org/sparql"})

    with server(moved) as old, pytest.raises(EndpointHTTPError) as caught:
        run_remote_select(old.url, "ASK {}", retries=2, backoff=0.01)
    assert len(old.seen) == 1
    assert "HTTP 301" in str(caught.value)
    assert "redirected to https://example.org/sparql: use that URL" in str(caught.value)


def test_a_url_http_cannot_carry_is_one_clear_line(no_credentials: None) -> None:
    with server(lambda h, s, _: reply(h, 200, ONE_ROW, RESULTS_JSON)) as ok:
        with pytest.raises(EndpointError) as caught:
            run_remote_select(ok.url + "/répertoire", "ASK {}", retries=0)
        assert ok.seen == []
    assert "percent-encode non-ASCII characters" in str(caught.value)
