"""csgkg serve, csgkg push and the remote query API, against a real Oxigraph server and local
fault servers (all on 127.0.0.1, all stopped at the end)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import REPO, copy_root
from csgkg.core.namespaces import DATASET_IRI, PREFIXES
from csgkg.core.root import DatasetRoot
from csgkg.io.remote import (
    EndpointError,
    EndpointHTTPError,
    EndpointTimeout,
    EndpointTruncated,
    EndpointUnreachable,
    NotSparqlResults,
    run_remote_select,
)
from csgkg.publish.pipeline import build
from csgkg.publish.push import derive_query_endpoint, graph_store_url, push
from csgkg.publish.released import count_ntriples
from csgkg.sparql.api import bound_query, get_query, list_queries, run_example
from endpoint_fixtures import (
    LOOPBACK,
    answer,
    children_of,
    command_line,
    free_port,
    hanging_server,
    is_running,
    oxigraph_server,
    read_line,
    recording_server,
)

PASSWORD = "pa55-Not-In-Output-7f3c"
TOKEN = "tok-Not-In-Output-91ab"
RESULTS_JSON = "application/sparql-results+json"
ONE_ROW = json.dumps(
    {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "urn:x"}}]}}
).encode()
PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and process groups")


def csgkg(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the csgkg command line in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "csgkg", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def without_credentials(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """No credentials in the environment, and a HOME without .netrc."""
    for name in ("CSGKG_USER", "CSGKG_PASSWORD", "CSGKG_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_root(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """A private copy of the dataset, built into its own dist/."""
    root = copy_root(tmp_path_factory.mktemp("endpoint") / "root")
    result = build(root)
    assert result.ok, "the dataset must build"
    return root


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real, writable Oxigraph server on a free loopback port: its base URL."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "store") as base:
        yield base


@pytest.fixture(scope="module")
def pushed(built_root: DatasetRoot, store: str) -> subprocess.CompletedProcess:
    """`csgkg push` of the built dataset into the Oxigraph server, credentials in the environment."""
    return csgkg(
        "--root",
        str(built_root.path),
        "push",
        "--store",
        f"{store}/store",
        env={"CSGKG_USER": "editor", "CSGKG_PASSWORD": PASSWORD},
    )


@pytest.fixture(scope="module")
def embedded(built_root: DatasetRoot) -> Graph:
    """rdflib's graph of the same release, for the embedded engine."""
    return Graph().parse(built_root.dist_dir / "csgkg.nt", format="nt")


# -- push -----------------------------------------------------------------------------------------


def test_push_then_count_matches_the_build(
    pushed: subprocess.CompletedProcess, built_root: DatasetRoot, store: str
) -> None:
    assert pushed.returncode == 0, pushed.stderr
    triples = count_ntriples(built_root.dist_dir / "csgkg.nt")
    assert f"{triples} triples" in pushed.stdout
    assert f"graph <{DATASET_IRI}>" in pushed.stdout
    assert "ok: the store holds" in pushed.stdout
    assert "$CSGKG_USER/$CSGKG_PASSWORD" in pushed.stdout
    assert PASSWORD not in pushed.stdout + pushed.stderr
    columns, rows = run_remote_select(
        f"{store}/query", f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DATASET_IRI}> {{ ?s ?p ?o }} }}"
    )
    assert columns == ["n"]
    assert int(rows[0]["n"]) == triples == len(Graph().parse(built_root.dist_dir / "csgkg.nt"))


def test_push_to_the_default_graph_with_a_token(built_root: DatasetRoot, store: str) -> None:
    done = csgkg(
        "--root",
        str(built_root.path),
        "push",
        "--store",
        f"{store}/store",
        "--default-graph",
        env={"CSGKG_TOKEN": TOKEN},
    )
    assert done.returncode == 0, done.stderr
    assert "replacing the default graph" in done.stdout
    assert "$CSGKG_TOKEN" in done.stdout
    assert TOKEN not in done.stdout + done.stderr


def test_push_failure_is_one_line_without_secrets(built_root: DatasetRoot) -> None:
    def echo_credentials(handler, request) -> None:
        body = f"rejected: {request.headers.get('Authorization')}\nsecond line".encode()
        answer(handler, 500, body, "text/plain")

    with recording_server(echo_credentials) as server:
        done = csgkg(
            "--root",
            str(built_root.path),
            "push",
            "--store",
            server.url,
            "--timeout",
            "20",
            env={"CSGKG_USER": "editor", "CSGKG_PASSWORD": PASSWORD},
        )
    encoded = base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
    assert done.returncode == 3
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {server.url}: HTTP 500")
    assert PASSWORD not in done.stderr and encoded not in done.stderr
    assert "Traceback" not in done.stderr
    # the bodyless probe for a challenge, then the upload once: a 500 is not retried
    assert [r.method for r in server.requests] == ["HEAD", "PUT"]


def fake_store(count: int, refuse_ntriples: bool = False):
    """A Graph Store + query endpoint on one URL: PUT succeeds, the count query answers ``count``."""
    result = {
        "head": {"vars": ["n"]},
        "results": {
            "bindings": [
                {
                    "n": {
                        "type": "literal",
                        "value": str(count),
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                    }
                }
            ]
        },
    }

    def respond(handler, request) -> None:
        if request.method == "PUT":
            rejected = refuse_ntriples and request.headers["Content-Type"] == "application/n-triples"
            answer(handler, 415 if rejected else 204, b"", "text/plain")
        else:
            answer(handler, 200, json.dumps(result).encode(), RESULTS_JSON)

    return respond


def test_push_reports_a_count_mismatch(built_root: DatasetRoot) -> None:
    with recording_server(fake_store(5)) as server:
        done = csgkg("--root", str(built_root.path), "push", "--store", server.url)
    assert done.returncode == 1
    assert "counted 5 triples" in done.stdout
    triples = count_ntriples(built_root.dist_dir / "csgkg.nt")
    assert done.stderr.strip().splitlines() == [
        f"error: the store holds 5 triples in graph <{DATASET_IRI}> but the build has {triples}: "
        "check that --endpoint queries the same store, and the store's logs"
    ]


def test_push_falls_back_to_turtle_on_415(built_root: DatasetRoot, tmp_path: Path, monkeypatch) -> None:
    without_credentials(monkeypatch, tmp_path)
    source = built_root.dist_dir / "csgkg.nt"
    triples = count_ntriples(source)
    with recording_server(fake_store(triples, refuse_ntriples=True)) as server:
        report = push(source, server.url, timeout=10)
    assert report.ok and report.media_type == "text/turtle" and report.status == 204
    puts = [r for r in server.requests if r.method == "PUT"]
    assert [r.headers["Content-Type"] for r in puts] == ["application/n-triples", "text/turtle"]
    assert puts[1].body == source.read_bytes()
    assert puts[1].path == "/sparql?graph=https%3A%2F%2Fw3id.org%2Fcsgkg%2Fdataset"


def test_push_refuses_credentials_in_the_url(built_root: DatasetRoot) -> None:
    done = csgkg(
        "--root", str(built_root.path), "push", "--store", f"http://editor:{PASSWORD}@{LOOPBACK}:9/store"
    )
    assert done.returncode == 2
    assert PASSWORD not in done.stdout + done.stderr
    assert "CSGKG_USER" in done.stderr


def test_query_endpoint_conventions() -> None:
    assert derive_query_endpoint("http://h:7878/store")[0] == "http://h:7878/query"
    assert derive_query_endpoint("http://h:3030/csgkg/data")[0] == "http://h:3030/csgkg/sparql"
    graphdb = "http://h:7200/repositories/csgkg/rdf-graphs/service"
    assert derive_query_endpoint(graphdb)[0] == "http://h:7200/repositories/csgkg"
    assert derive_query_endpoint("http://h:8890/sparql-graph-crud-auth")[0] == "http://h:8890/sparql"
    assert derive_query_endpoint("http://h:3030/csgkg?x=1")[0] == "http://h:3030/csgkg"
    assert graph_store_url("http://h/store", "https://w3id.org/csgkg/dataset") == (
        "http://h/store?graph=https%3A%2F%2Fw3id.org%2Fcsgkg%2Fdataset"
    )
    assert graph_store_url("http://h/store?a=1", None) == "http://h/store?a=1&default"


# -- remote queries give the rows of the embedded engine -----------------------------------------

QUERIES = {
    "interventions with labels": """
        SELECT ?intervention ?label WHERE {
          ?intervention a ?kind ; rdfs:label ?label .
          VALUES ?kind { csg:Intervention csg:Approach csg:Programme csg:Variant }
        }""",
    "contexts per intervention": """
        SELECT ?intervention ?context ?contextLabel WHERE {
          ?intervention csg:worksInContext ?context .
          OPTIONAL { ?context skos:prefLabel ?contextLabel }
        }""",
    "interventions per context": """
        SELECT ?context (COUNT(DISTINCT ?intervention) AS ?n) WHERE {
          ?intervention csg:worksInContext ?context .
        } GROUP BY ?context""",
    "typed literals": """
        SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && datatype(?o) != rdf:langString) }""",
    "optional values left unbound": """
        SELECT ?intervention ?form WHERE {
          ?intervention a csg:Approach . OPTIONAL { ?intervention csg:hasForm ?form }
        }""",
}


def rows_of_embedded(graph: Graph, query: str) -> tuple[list[str], Counter]:
    result = graph.query(query)
    return [str(v) for v in result.vars or []], Counter(tuple(row) for row in result)


def rows_of_remote(columns: list[str], rows: list[dict]) -> Counter:
    return Counter(tuple(row.get(c) for c in columns) for row in rows)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_remote_rows_equal_embedded_rows(
    name: str, pushed: subprocess.CompletedProcess, store: str, embedded: Graph
) -> None:
    assert pushed.returncode == 0, pushed.stderr
    query = PREFIX_BLOCK + QUERIES[name]
    expected_columns, expected = rows_of_embedded(embedded, query)
    columns, rows = run_remote_select(f"{store}/query", query, default_graph=DATASET_IRI)
    assert columns == expected_columns
    assert expected, "the query must return rows"
    assert rows_of_remote(columns, rows) == expected


STORED = [q.name for q in list_queries(DatasetRoot(REPO))]


@pytest.mark.parametrize("name", STORED)
def test_stored_query_gives_the_embedded_rows(
    name: str, pushed: subprocess.CompletedProcess, store: str, built_root: DatasetRoot
) -> None:
    assert pushed.returncode == 0, pushed.stderr
    query = get_query(name, built_root)
    text = bound_query(name, root=built_root, **query.example)
    result = run_example(query, built_root)
    columns, rows = run_remote_select(f"{store}/query", text, default_graph=DATASET_IRI)
    assert columns == result.columns
    assert rows_of_remote(columns, rows) == Counter(result.rows)


@pytest.fixture(scope="module")
def served(built_root: DatasetRoot) -> Iterator[str]:
    """`csgkg serve` on a free port: its query endpoint URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "csgkg", "--root", str(built_root.path), "serve", "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        yield read_line(process, timeout=90)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)


@pytest.mark.parametrize(
    "args",
    [
        [
            "query",
            "run",
            "find-interventions",
            "--param",
            "context=school",
            "--param",
            "harm=sexual harassment",
        ],
        ["query", "run", "coverage-gaps", "--param", "context=neighbourhood"],
        ["compare", "restorative justice", "multi-family group therapy"],
    ],
    ids=["find-interventions", "coverage-gaps", "compare"],
)
def test_cli_endpoint_option_prints_what_the_embedded_engine_prints(
    args: list[str], served: str, built_root: DatasetRoot
) -> None:
    base = [sys.executable, "-m", "csgkg", "--root", str(built_root.path)]
    local = subprocess.run([*base, *args, "--format", "csv"], capture_output=True, text=True, timeout=120)
    remote = subprocess.run(
        [*base, *args, "--format", "csv", "--endpoint", served], capture_output=True, text=True, timeout=120
    )
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    assert local.stdout.count("\n") > 1
    assert remote.stdout == local.stdout


def test_terms_keep_datatype_and_language(store: str, pushed: subprocess.CompletedProcess) -> None:
    query = 'SELECT ?a ?b ?c ?d WHERE { BIND("x"@en-GB AS ?a) BIND(3 AS ?b) BIND(<urn:u> AS ?c) }'
    columns, rows = run_remote_select(f"{store}/query", query)
    assert columns == ["a", "b", "c", "d"]
    assert rows == [{"a": Literal("x", lang="en-GB"), "b": Literal(3), "c": URIRef("urn:u")}]


# -- csgkg serve ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_answers_curl_and_stops_cleanly(built_root: DatasetRoot, stop_signal: int) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "csgkg", "--root", str(built_root.path), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    server_pids: list[int] = []
    try:
        url = read_line(process, timeout=90)
        assert url == f"http://{LOOPBACK}:{port}/query"
        server_pids = children_of(process.pid)
        assert len(server_pids) == 1
        server_command = command_line(server_pids[0])
        assert "serve-read-only" in server_command
        store_dir = Path(server_command[server_command.index("--location") + 1])
        assert store_dir.is_dir()

        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        done = subprocess.run(
            [
                curl,
                "-sS",
                "--max-time",
                "20",
                "-H",
                "Accept: text/csv",
                "--data-urlencode",
                f"query={query}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["n", str(count_ntriples(built_root.dist_dir / "csgkg.nt"))]

        update = subprocess.run(
            [curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20", "-X", "PUT",
             "-H", "Content-Type: application/n-triples", "--data-binary", "<urn:a> <urn:b> <urn:c> .",
             f"http://{LOOPBACK}:{port}/store?default"],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert update.stdout.strip() == "403", "the endpoint must be read-only"

        process.send_signal(stop_signal)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        for pid in server_pids:
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)
        process.stdout.close()
        process.stderr.close()
    assert server_pids and not any(is_running(pid) for pid in server_pids)
    assert not store_dir.parent.exists(), "the temporary store must be removed"
    with socket.socket() as probe:
        assert probe.connect_ex((LOOPBACK, port)) != 0, "nothing may listen on the port any more"


def test_serve_needs_a_build(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")
    done = csgkg("--root", str(root.path), "serve", "--port", str(free_port()))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "run `csgkg build` first" in done.stderr


def test_serve_reports_a_busy_port(built_root: DatasetRoot) -> None:
    with socket.socket() as busy:
        busy.bind((LOOPBACK, 0))
        busy.listen(1)
        done = csgkg("--root", str(built_root.path), "serve", "--port", str(busy.getsockname()[1]))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Address already in use" in done.stderr
    assert done.stderr.count("\n") == 1


# -- faults ---------------------------------------------------------------------------------------


def assert_one_line(error: EndpointError, endpoint: str) -> str:
    message = str(error)
    assert "\n" not in message
    assert message.startswith(endpoint + ": ")
    return message


def test_a_server_that_never_answers_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_credentials(monkeypatch, tmp_path)
    with hanging_server() as (url, accepted):
        # the server never answers: only the deadline ends the call, and it is not retried
        with pytest.raises(EndpointTimeout) as caught:
            run_remote_select(url, "SELECT * WHERE { ?s ?p ?o }", timeout=1.5, retries=3)
        assert len(accepted) == 1, "a timeout is not retried"
    assert "timeout" in assert_one_line(caught.value, url)


def test_timeout_through_the_cli(built_root: DatasetRoot) -> None:
    with hanging_server() as (url, _accepted):
        done = csgkg("--root", str(built_root.path), "push", "--store", url, "--timeout", "1")
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        f"error: {url}: no complete answer within 1 s (timeout): allow more time with --timeout S "
        "(timeout=S in Python)"
    ]


def test_http_503_is_retried_a_bounded_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_credentials(monkeypatch, tmp_path)
    with recording_server(lambda h, r: answer(h, 503, b"database on fire\nmore", "text/plain")) as server:
        with pytest.raises(EndpointHTTPError) as caught:
            run_remote_select(server.url, "SELECT * WHERE { ?s ?p ?o }", retries=2, backoff=0.01)
        assert len(server.requests) == 3, "one request and two retries"
    message = assert_one_line(caught.value, server.url)
    assert caught.value.status == 503
    assert "HTTP 503" in message and "database on fire" in message and "3 attempts" in message


def test_http_4xx_is_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_credentials(monkeypatch, tmp_path)
    with recording_server(lambda h, r: answer(h, 400, b"Parse error at line 1", "text/plain")) as server:
        with pytest.raises(EndpointHTTPError) as caught:
            run_remote_select(server.url, "SELECT * WHERE { ?s ?p ?o }", retries=3, backoff=0.01)
        assert len(server.requests) == 1
    assert caught.value.status == 400
    assert "Parse error at line 1" in assert_one_line(caught.value, server.url)


def test_an_html_page_is_not_sparql_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_credentials(monkeypatch, tmp_path)
    page = b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>"
    with recording_server(lambda h, r: answer(h, 200, page, "text/html")) as server:
        with pytest.raises(NotSparqlResults) as caught:
            run_remote_select(server.url, "SELECT * WHERE { ?s ?p ?o }", backoff=0.01)
        assert len(server.requests) == 1
    message = assert_one_line(caught.value, server.url)
    assert "HTML page" in message and "not SPARQL JSON results" in message


def test_a_truncated_json_body_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_credentials(monkeypatch, tmp_path)
    truncated = lambda h, r: answer(h, 200, ONE_ROW[:40], RESULTS_JSON)  # noqa: E731
    with recording_server(truncated) as server, pytest.raises(NotSparqlResults) as caught:
        run_remote_select(server.url, "SELECT * WHERE { ?s ?p ?o }", backoff=0.01)
    assert "truncated or invalid JSON" in assert_one_line(caught.value, server.url)


def test_a_body_cut_short_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_credentials(monkeypatch, tmp_path)
    cut = lambda h, r: answer(h, 200, ONE_ROW[:40], RESULTS_JSON, length=len(ONE_ROW))  # noqa: E731
    with recording_server(cut) as server:
        with pytest.raises(EndpointTruncated) as caught:
            run_remote_select(server.url, "SELECT * WHERE { ?s ?p ?o }", retries=2, backoff=0.01)
        assert len(server.requests) == 3
    assert "cut short" in assert_one_line(caught.value, server.url)


def test_an_unreachable_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_credentials(monkeypatch, tmp_path)
    url = f"http://{LOOPBACK}:{free_port()}/sparql"
    with pytest.raises(EndpointUnreachable) as caught:
        run_remote_select(url, "ASK {}", retries=1, backoff=0.01)
    assert "connection refused" in assert_one_line(caught.value, url)


def test_credentials_in_an_endpoint_url_are_refused_and_hidden() -> None:
    with pytest.raises(Exception) as caught:
        run_remote_select(f"http://editor:{PASSWORD}@{LOOPBACK}:9/sparql", "ASK {}")
    assert PASSWORD not in str(caught.value)
    assert "***@" in str(caught.value)


@pytest.mark.parametrize(
    ("env", "netrc", "expected"),
    [
        ({"CSGKG_USER": "ann", "CSGKG_PASSWORD": PASSWORD}, None, f"Basic ann:{PASSWORD}"),
        ({"CSGKG_TOKEN": TOKEN}, None, f"Bearer {TOKEN}"),
        ({}, f"machine {LOOPBACK} login bob password {PASSWORD}\n", f"Basic bob:{PASSWORD}"),
        ({}, None, None),
    ],
    ids=["user-password", "token", "netrc", "none"],
)
def test_credentials_come_from_the_environment_or_netrc(
    env: dict[str, str],
    netrc: str | None,
    expected: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_credentials(monkeypatch, tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if netrc:
        (tmp_path / ".netrc").write_text(netrc)
        (tmp_path / ".netrc").chmod(0o600)

    def basic_realm(handler, request) -> None:
        """Answers a request without credentials with a Basic challenge when credentials exist."""
        if expected is not None and "Authorization" not in request.headers:
            handler.send_response(401)
            handler.send_header("WWW-Authenticate", 'Basic realm="csgkg"')
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        answer(handler, 200, ONE_ROW, RESULTS_JSON)

    with recording_server(basic_realm) as server:
        columns, rows = run_remote_select(server.url, "SELECT ?x WHERE { ?x ?p ?o }")
    assert (columns, rows) == (["x"], [{"x": URIRef("urn:x")}])
    first = server.requests[0].headers.get("Authorization")
    header = server.requests[-1].headers.get("Authorization")
    if expected is None:
        assert header is None and len(server.requests) == 1
    elif expected.startswith("Basic "):  # a password is sent only when the server asks for it
        assert first is None and len(server.requests) == 2
        assert base64.b64decode(header.split(" ", 1)[1]).decode() == expected.split(" ", 1)[1]
    else:  # a bearer token is sent up front
        assert first == header == expected and len(server.requests) == 1
