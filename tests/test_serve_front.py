"""`csgkg serve` never reaches out, and every query it runs has a deadline and a size limit.

A real `csgkg serve` (a real Oxigraph server behind csgkg's front) on a built copy of the dataset,
with small limits: 3 s a query, 1 MB an answer, 2 queries at once. A loopback listener stands in
for "any address on the network": a federated query naming it must never make anything connect to
it, while the same query sent straight to the Oxigraph server behind does (the control).
"""

from __future__ import annotations

import contextlib
import http.client
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest

from conftest import copy_root
from csgkg.core.root import DatasetRoot
from csgkg.publish.pipeline import build
from csgkg.publish.released import count_ntriples
from endpoint_fixtures import children_of, command_line, free_port, hanging_server, read_line

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and process groups")

TIMEOUT = 3
MAX_RUNNING = 2
# Some 10^11 rows: counting them takes hours; streaming them is unbounded.
COUNT_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
STREAM_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Runs as long as COUNT_PRODUCT but streams nothing: only the deadline can end it.
SILENT_PRODUCT = (
    'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(CONCAT(STR(?c), STR(?f), STR(?i)) = "-") }'
)


@dataclass
class Served:
    url: str
    upstream: str
    triples: int


@dataclass
class Answer:
    status: int
    content_type: str
    body: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root: DatasetRoot = copy_root(tmp_path_factory.mktemp("front") / "root")
    assert build(root).ok
    log = (root.path / "serve.log").open("wb")  # a file, not a pipe nobody reads
    process = subprocess.Popen(
        [sys.executable, "-m", "csgkg", "--root", str(root.path), "serve", "--port", str(free_port()),
         "--timeout", str(TIMEOUT), "--max-answer-mb", "1", "--max-running", str(MAX_RUNNING)],
        stdout=subprocess.PIPE, stderr=log,
    )  # fmt: skip
    try:
        url = read_line(process, timeout=90)
        (server,) = children_of(process.pid)
        server_command = command_line(server)
        bind = server_command[server_command.index("--bind") + 1]
        yield Served(url, f"http://{bind}/query", count_ntriples(root.dist_dir / "csgkg.nt"))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
        process.stdout.close()
        log.close()
    assert "Traceback" not in (root.path / "serve.log").read_text("utf-8", "replace")


def ask(
    url: str,
    query: str | None = None,
    how: str = "form",
    method: str = "POST",
    accept: str = "text/csv",
    body: bytes | None = None,
    content_type: str | None = None,
    timeout: float = 120,
) -> Answer:
    """One HTTP request; the answer whatever its status."""
    parts = urlsplit(url)
    path = parts.path
    headers = {"Accept": accept}
    if query is not None and how == "get":
        method, path = "GET", f"{path}?{urlencode({'query': query})}"
    elif query is not None and how == "form":
        body, headers["Content-Type"] = (
            urlencode({"query": query}).encode(),
            "application/x-www-form-urlencoded",
        )
    elif query is not None:
        body, headers["Content-Type"] = query.encode(), "application/sparql-query"
    if content_type:
        headers["Content-Type"] = content_type
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return Answer(response.status, response.getheader("Content-Type") or "", text)
    finally:
        connection.close()


# -- federated queries never leave the machine --------------------------------------------------

SERVICE_QUERIES = {
    "plain": "SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } }",
    "silent-lower-case": "select * where { service silent <URL> { ?s ?p ?o } }",
    "unicode-escape": "SELECT * WHERE { SERVIC\\u0045 <URL> { ?s ?p ?o } }",
    "in-a-subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <URL> { ?s ?p ?o } } } }",
    "by-variable": "SELECT * WHERE { VALUES ?e { <URL> } SERVICE ?e { ?s ?p ?o } }",
    "prefixed-name": "PREFIX far: <URL> SELECT * WHERE { SERVICE far: { ?s ?p ?o } }",
    "ask": "ASK { SERVICE <URL> { ?s ?p ?o } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <URL> { ?s ?p ?o } }",
}


@pytest.mark.parametrize("how", ["get", "form", "sparql-query"])
@pytest.mark.parametrize("name", sorted(SERVICE_QUERIES))
def test_a_federated_query_is_refused_and_nothing_is_contacted(served: Served, name: str, how: str) -> None:
    with hanging_server() as (listener, accepted):
        answer = ask(served.url, SERVICE_QUERIES[name].replace("URL", listener), how=how)
        time.sleep(0.3)  # anything the server set off would have connected by now
        assert accepted == [], "the endpoint made a request to the address in the query"
    assert answer.status == 403
    assert answer.content_type.startswith("text/plain")
    assert answer.body.startswith("SERVICE (a federated query to another endpoint) is refused")


def test_the_control_the_server_behind_would_contact_the_listener(served: Served) -> None:
    """Without the front, the same query makes Oxigraph connect: the test above can fail."""
    with hanging_server() as (listener, accepted):
        with contextlib.suppress(TimeoutError):  # the listener never answers, so neither does Oxigraph
            ask(served.upstream, SERVICE_QUERIES["plain"].replace("URL", listener), timeout=5)
        assert accepted, "Oxigraph itself runs SERVICE; the front is what stops it"


# -- what the front answers itself ----------------------------------------------------------------


def test_a_query_is_answered_through_the_front(served: Served) -> None:
    for how in ("get", "form", "sparql-query"):
        answer = ask(served.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", how=how)
        assert (answer.status, answer.body.split()) == (200, ["n", str(served.triples)])
        assert answer.content_type.startswith("text/csv")


@pytest.mark.parametrize(
    "method,path,body,content_type,status",
    [
        ("POST", "/update", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update", 403),
        ("PUT", "/store?default", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", 403),
        ("DELETE", "/store?default", None, None, 403),
        ("GET", "/store?default", None, None, 403),
        ("GET", "/elsewhere", None, None, 404),
        ("POST", "/query", b"SELECT * WHERE { ?s ?p ?o }", "text/plain", 415),
    ],
)
def test_anything_but_a_query_is_refused(
    served: Served, method: str, path: str, body: bytes | None, content_type: str | None, status: int
) -> None:
    base = served.url.rsplit("/", 1)[0]
    answer = ask(base + path, method=method, body=body, content_type=content_type)
    assert answer.status == status
    assert answer.body.count("\n") == 1


def test_an_update_sent_as_a_query_is_refused(served: Served) -> None:
    answer = ask(served.url, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert answer.status == 403
    assert answer.body.startswith("updates are refused")
    after = ask(served.url, "ASK { <urn:a> <urn:b> <urn:c> }", accept="application/sparql-results+json")
    assert '"boolean":false' in after.body.replace(" ", "")


def test_text_that_is_not_sparql_is_a_bad_request(served: Served) -> None:
    answer = ask(served.url, "SELEC nonsense")
    assert answer.status == 400
    assert answer.body.startswith("the query is not valid SPARQL 1.1 at line 1")


# -- every query has a deadline and a size limit --------------------------------------------------


@pytest.mark.parametrize("query", [COUNT_PRODUCT, SILENT_PRODUCT], ids=["count", "streams-nothing"])
def test_a_query_past_its_time_is_an_http_error(served: Served, query: str) -> None:
    answer = ask(served.url, query)
    assert answer.status == 503
    assert answer.body == (
        f"the query ran longer than {TIMEOUT} s (this endpoint's limit) and was stopped: "
        "make it more selective or add LIMIT\n"
    )
    assert "cancelled" not in answer.body


def test_an_answer_past_its_size_is_an_http_error(served: Served) -> None:
    answer = ask(served.url, STREAM_PRODUCT)
    assert answer.status == 500
    assert answer.body.startswith("the answer is larger than 1 MB (this endpoint's limit) and was stopped")
    assert len(answer.body) < 200, "nothing of the answer itself is sent"


def test_ten_heavy_queries_at_once_all_end_by_their_deadline(served: Served) -> None:
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: ask(served.url, COUNT_PRODUCT), range(10)))
    assert {a.status for a in answers} == {503}
    busy = [a for a in answers if a.body.startswith("the endpoint is busy")]
    stopped = [a for a in answers if a.body.startswith("the query ran longer")]
    assert len(busy) + len(stopped) == 10
    assert len(stopped) >= 1, "some queries ran until their deadline"
    # afterwards the endpoint answers again at once
    assert ask(served.url, "ASK {}").status == 200
