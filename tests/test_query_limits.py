"""Local queries have a time limit: a runaway query is stopped cleanly, on both back ends.

A cartesian product of three triple patterns over the dataset's ~4,000 triples has some 10^11
rows; counting them runs for hours. With a deadline, the query is stopped, its worker process is
gone, and the caller gets one clear message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import csgkg
from conftest import copy_root
from csgkg.core.deadline import DeadlineExceeded, run_with_deadline
from csgkg.core.errors import UsageError
from csgkg.core.root import DatasetRoot

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
STREAMING_RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c"


@pytest.fixture(scope="module")
def private_root(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    return copy_root(tmp_path_factory.mktemp("limits") / "root")


def children() -> list[int]:
    """The live child processes of this test process."""
    path = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("text", [RUNAWAY, STREAMING_RUNAWAY], ids=["count", "order-by"])
def test_a_runaway_query_is_stopped(private_root: DatasetRoot, backend: str, text: str) -> None:
    from csgkg.sparql.api import run_stored
    from csgkg.sparql.catalogue import StoredQuery

    before = children()
    with pytest.raises(DeadlineExceeded, match=r"ran longer than 1 s and was stopped.*--timeout"):
        run_stored(StoredQuery.from_text(text), {}, private_root, backend=backend, timeout=1)
    assert children() == before, "the query's worker must not outlive the call"


def test_the_python_api_has_a_timeout(private_root: DatasetRoot) -> None:
    with pytest.raises(DeadlineExceeded):
        csgkg.query_sparql(RUNAWAY, root=private_root, timeout=0.5)


def test_a_query_within_its_time_gives_the_same_rows_as_without_a_limit(private_root: DatasetRoot) -> None:
    limited = csgkg.query("intervention-summary", root=private_root, timeout=60)
    unlimited = csgkg.query("intervention-summary", root=private_root, timeout=None)
    assert len(limited) == 31
    assert limited == unlimited


def test_errors_raised_in_the_worker_reach_the_caller() -> None:
    def fails() -> None:
        raise UsageError("no such thing")

    with pytest.raises(UsageError, match="no such thing"):
        run_with_deadline(fails, 10, "unused")


def test_an_answer_larger_than_a_pipe_buffer_arrives_whole() -> None:
    big = "x" * 5_000_000
    assert run_with_deadline(lambda: big, 30, "unused") == big


def test_the_cli_stops_a_runaway_query(private_root: DatasetRoot, tmp_path: Path) -> None:
    query = tmp_path / "runaway.rq"
    query.write_text(RUNAWAY + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "csgkg", "--root", str(private_root.path), "query", "run", "--file",
         str(query), "--timeout", "2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "the query ran longer than 2 s and was stopped" in done.stderr


def test_the_timeout_option_refuses_nonsense(private_root: DatasetRoot) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "csgkg", "--root", str(private_root.path), "query", "run",
         "intervention-summary", "--timeout", "0"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "must be more than 0 seconds" in done.stderr
