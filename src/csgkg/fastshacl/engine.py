"""Run the fast engine: plan every shape and run the tasks on a store, giving pySHACL's raw results.

The engine reads an Oxigraph store (the union of its graphs) and an rdflib graph of shapes; it imports
nothing from the rest of csgkg (tests/test_architecture.py).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from csgkg.fastshacl.components import Planner, Task, closed_results
from csgkg.fastshacl.keys import KeyTable
from csgkg.fastshacl.model import ShapeSet
from csgkg.fastshacl.results import RawResult
from csgkg.fastshacl.sparqlc import AnalysisCache
from csgkg.fastshacl.targets import Focus


class Reporter(Protocol):
    """What the engine needs of a progress display: a task that can be advanced."""

    def task(self, description: str, total: int | None = None) -> Callable[[int], None]: ...


@dataclass
class Timings:
    """Seconds spent on each task (for the benchmark and for finding slow shapes)."""

    tasks: dict[str, float] = field(default_factory=dict)


def run_shapes(
    store: ox.Store,
    shapes_graph: Graph,
    focus: list[Node] | None = None,
    progress: Reporter | None = None,
    timings: Timings | None = None,
    jobs: int | None = None,
    cache: AnalysisCache | None = None,
    keys: KeyTable | None = None,
) -> list[RawResult]:
    """Every raw result of the shapes on the store (the union of its graphs).

    Raises :class:`.model.UnsupportedShapes` before running anything when a shape is not supported.
    The tasks are shared among ``jobs`` forked workers (default: one per core, at most four), each
    reading the same store; a query holds Python's lock, so threads would not run side by side.
    """
    planner = Planner(store, ShapeSet(shapes_graph), Focus(focus), cache, keys)
    tasks = planner.plan()
    advance = progress.task("checking constraints", total=len(tasks)) if progress is not None else None
    jobs = default_jobs() if jobs is None else jobs
    if jobs > 1 and len(tasks) > 1 and focus is None and hasattr(os, "fork"):
        raws = _run_forked(tasks, jobs, advance, timings)
    else:
        raws = []
        for task in tasks:
            raws.extend(_timed(task, timings))
            if advance is not None:
                advance(1)
    return closed_results(raws)


def default_jobs() -> int:
    """How many workers validate side by side: CSGKG_JOBS, else one per core (at most four)."""
    configured = os.environ.get("CSGKG_JOBS")
    if configured:
        return max(1, int(configured))
    return max(1, min(4, os.cpu_count() or 1))


def _timed(task: Task, timings: Timings | None) -> list[RawResult]:
    start = time.perf_counter()
    found = task.run()
    if timings is not None:
        timings.tasks[task.name] = timings.tasks.get(task.name, 0.0) + time.perf_counter() - start
    return found


def _run_forked(
    tasks: list[Task], jobs: int, advance: Callable[[int], None] | None, timings: Timings | None
) -> list[RawResult]:
    """Run the tasks in ``jobs`` forked processes; each sends back its results task by task."""
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()
    shares = [list(range(i, len(tasks), jobs)) for i in range(jobs)]

    def work(indices: list[int]) -> None:
        for index in indices:
            local = Timings()
            try:
                queue.put((index, _timed(tasks[index], local), local.tasks, None))
            except Exception as exc:  # reported in the parent, which raises it
                queue.put((index, [], {}, exc))

    workers = [context.Process(target=work, args=(share,), daemon=True) for share in shares if share]
    for worker in workers:
        worker.start()
    raws: list[RawResult] = []
    error: Exception | None = None
    for _ in tasks:
        _index, found, spent, exc = queue.get()
        error = error or exc
        raws.extend(found)
        if timings is not None:
            for name, seconds in spent.items():
                timings.tasks[name] = timings.tasks.get(name, 0.0) + seconds
        if advance is not None:
            advance(1)
    for worker in workers:
        worker.join()
    if error is not None:
        raise error
    return raws
