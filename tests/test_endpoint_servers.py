"""Every stored query gives the embedded engine's answer - the same rows in the same order - through
``csgkg query run NAME --endpoint`` on a real Oxigraph server and a real Virtuoso 7 (all on 127.0.0.1,
all stopped at the end).

Virtuoso comes from Debian's virtuoso-opensource package (``python3 scripts/virtuoso.py install``).
Without it these tests fail, so that CI cannot pass by skipping them; CSGKG_SKIP_VIRTUOSO=1 skips
them on a machine without it. All tests here run in one xdist worker (``xdist_group``; scripts/test
passes ``--dist loadgroup``), so each server starts once.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from conftest import REPO, copy_root, load_script
from csgkg.core.namespaces import DATASET_IRI
from csgkg.core.root import DatasetRoot
from csgkg.publish.pipeline import build
from csgkg.publish.released import count_ntriples
from csgkg.sparql.api import list_queries
from endpoint_fixtures import oxigraph_server

pytestmark = [
    pytest.mark.slow,  # starts Virtuoso and an Oxigraph server
    pytest.mark.xdist_group("endpoint-servers"),
    pytest.mark.skipif(sys.platform != "linux", reason="the servers run on Linux"),
]

STORED = [q.name for q in list_queries(DatasetRoot(REPO))]
SERVERS = ["oxigraph", "virtuoso"]
README_PORT = "localhost:8890"  # the Virtuoso address the README's commands use


virtuoso_script = load_script("scripts/virtuoso.py")


def require_virtuoso() -> None:
    """Skip on request (CSGKG_SKIP_VIRTUOSO=1); otherwise fail when Virtuoso is not installed."""
    if os.environ.get("CSGKG_SKIP_VIRTUOSO") == "1":
        pytest.skip("CSGKG_SKIP_VIRTUOSO=1")
    if shutil.which("virtuoso-t") is None:
        pytest.fail(
            "virtuoso-t is not installed: run python3 scripts/virtuoso.py install "
            "(or set CSGKG_SKIP_VIRTUOSO=1 to skip these tests on this machine)"
        )


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without csgkg credentials, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in ("CSGKG_USER", "CSGKG_PASSWORD", "CSGKG_TOKEN")}
    paths = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    return {**env, "PYTHONPATH": paths, **extra}


def csgkg(root: DatasetRoot, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the csgkg command line on ``root`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "csgkg", "--root", str(root.path), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env or clean_env(),
        check=False,
    )


def count_in_graph(sparql: str) -> int:
    """The number of triples in the dataset graph, asked at query endpoint ``sparql``."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DATASET_IRI}> {{ ?s ?p ?o }} }}"
    url = sparql + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return int(json.load(answer)["results"]["bindings"][0]["n"]["value"])


def readme_virtuoso_commands() -> list[str]:
    """The shell commands in the README's "### Virtuoso" section, continuation lines joined."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### Virtuoso", 1)[1].split("\n### ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        joined = block.replace("\\\n", " ")
        commands += [
            line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")
        ]
    return commands


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """A private copy of the dataset, built into its own dist/."""
    root = copy_root(tmp_path_factory.mktemp("servers") / "root")
    assert build(root).ok, "the dataset must build"
    return root


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A throwaway Virtuoso (scripts/virtuoso.py serve)."""
    require_virtuoso()
    with virtuoso_script.serve(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_push(virtuoso, release: DatasetRoot) -> subprocess.CompletedProcess:
    """``csgkg push`` of the release into Virtuoso's dataset graph, as the README gives it: Digest
    credentials from the environment, answered to Virtuoso's challenge."""
    return csgkg(
        release,
        "push",
        "--store",
        virtuoso.graph_store,
        env=clean_env(CSGKG_USER=virtuoso.user, CSGKG_PASSWORD=virtuoso.password),
    )


@pytest.fixture(scope="session")
def virtuoso_loaded(virtuoso, virtuoso_push: subprocess.CompletedProcess) -> str:
    """Virtuoso's query endpoint, once the release is pushed into it."""
    assert virtuoso_push.returncode == 0, virtuoso_push.stderr
    return virtuoso.sparql


@pytest.fixture(scope="session")
def oxigraph_loaded(tmp_path_factory: pytest.TempPathFactory, release: DatasetRoot) -> Iterator[str]:
    """An Oxigraph server whose default graph is the union of its graphs, filled by ``csgkg push``."""
    location = tmp_path_factory.mktemp("oxigraph-servers") / "store"
    with oxigraph_server(location, union_default_graph=True) as base:
        pushed = csgkg(release, "push", "--store", f"{base}/store")
        assert pushed.returncode == 0, pushed.stderr
        yield f"{base}/query"


@cache
def embedded_answer(root_path: str, name: str) -> str:
    """The JSON answer of ``name``'s example on the embedded engine (computed once per query)."""
    done = csgkg(DatasetRoot(Path(root_path)), "query", "run", name, "--example", "--format", "json")
    assert done.returncode == 0, done.stderr
    return done.stdout


# -- every stored query, on each server -----------------------------------------------------------


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("name", STORED)
def test_stored_query_gives_the_embedded_answer_on_the_server(
    name: str, server: str, release: DatasetRoot, request: pytest.FixtureRequest
) -> None:
    endpoint = request.getfixturevalue(f"{server}_loaded")
    expected = json.loads(embedded_answer(str(release.path), name))
    done = csgkg(release, "query", "run", name, "--example", "--format", "json", "--endpoint", endpoint)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert len(answer) == len(expected), f"{name} on {server}: {len(answer)} rows, embedded {len(expected)}"
    assert answer == expected, f"{name} on {server}: the rows or their order differ"


# -- Virtuoso as the README describes it ----------------------------------------------------------


def test_virtuoso_caps_answers_at_10000_rows(virtuoso_loaded: str) -> None:
    query = "SELECT ?s ?x WHERE { ?s ?p ?o VALUES ?x { 1 2 } }"
    url = virtuoso_loaded + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.headers["X-SPARQL-MaxRows"] == "10000"
        assert len(json.load(answer)["results"]["bindings"]) == 10000


def test_readme_virtuoso_commands_work(
    virtuoso, virtuoso_loaded: str, release: DatasetRoot, tmp_path
) -> None:
    """The README's curl upload (credentials from ~/.netrc) and its query, on the test server."""
    if shutil.which("curl") is None:
        pytest.fail("curl is not installed")
    host = virtuoso.base.removeprefix("http://")
    (tmp_path / ".netrc").write_text(
        f"machine {host.split(':')[0]} login {virtuoso.user} password {virtuoso.password}\n"
    )
    (tmp_path / ".netrc").chmod(0o600)
    commands = [c.replace(README_PORT, host) for c in readme_virtuoso_commands()]
    upload = [c for c in commands if c.startswith("curl ")]
    queries = [c for c in commands if c.startswith("csgkg query run")]
    assert upload and queries, "the README's Virtuoso section lost its curl or query command"
    for command in upload:
        done = subprocess.run(
            [*shlex.split(command), "--fail", "--silent", "--show-error"],
            cwd=release.path,
            capture_output=True,
            text=True,
            timeout=120,
            env=clean_env(HOME=str(tmp_path)),
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert count_in_graph(virtuoso_loaded) == count_ntriples(release.dist_dir / "csgkg.nt")
    for command in queries:
        args = shlex.split(command)[1:]
        remote = csgkg(release, *args, "--format", "json")
        assert remote.returncode == 0, remote.stderr
        at = args.index("--endpoint")
        local = csgkg(release, *args[:at], *args[at + 2 :], "--format", "json")
        assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_push_to_virtuoso_with_digest_credentials(
    virtuoso, virtuoso_push: subprocess.CompletedProcess, release: DatasetRoot
) -> None:
    """``csgkg push`` with the README's command: exit 0, the count checked, no password printed."""
    done = virtuoso_push
    assert virtuoso.password not in done.stdout + done.stderr
    assert done.returncode == 0, done.stderr
    assert "ok: the store holds" in done.stdout
    assert count_in_graph(virtuoso.sparql) == count_ntriples(release.dist_dir / "csgkg.nt")
