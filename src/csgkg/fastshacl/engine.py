"""Run the fast engine: plan every shape, run the tasks on a store, and report as pySHACL would."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from ..loader import SourceFile
from ..progress import Reporter
from ..root import DatasetRoot
from ..store.loading import FileTable, StoredFile, add_contribution, memory_store
from ..validation import ValidationReport
from .components import Planner, Task, closed_results
from .keys import KeyTable
from .model import ShapeSet
from .results import FileIndex, RawResult, to_validation_results
from .sparqlc import AnalysisCache
from .targets import Focus


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


def analysis_cache(root: DatasetRoot) -> AnalysisCache:
    """The cache of SPARQL constraint analyses, kept beside the index when there is one."""
    from ..store.index import index_dir

    folder = index_dir(root)
    return AnalysisCache(folder / "sparql.json" if folder.is_dir() else None)


def focus_of(extra: Iterable[SourceFile]) -> list[URIRef]:
    """The nodes a contribution describes and refers to: its focus nodes (as in csgkg.validation)."""
    return sorted(
        {
            t
            for source in extra
            for triple in source.graph
            for t in (triple[0], triple[2])
            if isinstance(t, URIRef)
        }
    )


def validate_store(
    root: DatasetRoot,
    store: ox.Store,
    files: list[StoredFile] | FileTable,
    shapes_graph: Graph,
    extra: list[SourceFile] | None = None,
    progress: Reporter | None = None,
    timings: Timings | None = None,
    keys: KeyTable | None = None,
) -> ValidationReport:
    """Validate the dataset in ``store`` (holding ``files``), with any contributed files added to it.

    With contributions, only their nodes and the nodes they refer to are focus nodes. The contributions'
    graphs are left in the store; pass a store of your own (a copy) when that matters. ``keys`` (the
    index's key table) narrows the search of some SPARQL constraints for contributions; it is not used
    when a contribution states ``rdfs:subClassOf``, which could change what the table holds.
    """
    extra = list(extra or [])
    contributions = {add_contribution(store, source, i): source for i, source in enumerate(extra)}
    focus = focus_of(extra) if extra else None
    if extra and not focus:
        return ValidationReport()
    if keys is not None and any((None, RDFS.subClassOf, None) in source.graph for source in extra):
        keys = None
    raws = run_shapes(store, shapes_graph, focus, progress, timings, cache=analysis_cache(root), keys=keys)
    table = files if isinstance(files, FileTable) else FileTable(root, files)
    index = FileIndex(store, table, contributions)
    return ValidationReport(to_validation_results(raws, store, index))


def validate_root(
    root: DatasetRoot, extra: list[SourceFile] | None = None, progress: Reporter | None = None
) -> ValidationReport:
    """Load ``root`` into a new in-memory store and validate it with the fast engine."""
    from ..loader import load_shapes

    shapes = load_shapes(root)
    ShapeSet(shapes)  # unsupported shapes stop here, before any file is read
    store, files = memory_store(root, progress)
    return validate_store(root, store, files, shapes, extra, progress)
