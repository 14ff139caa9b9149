"""The in-process measurements of benchmarks/bench.py, each run in a child process of its own.

Usage::

    python benchmarks/bench_child.py index ROOT RUNS       # open the index (freshness check + store)
    python benchmarks/bench_child.py queries ROOT TIMEOUT  # each stored query on Oxigraph and on rdflib

Prints one line of JSON.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from csgkg.core.root import DatasetRoot


class Late(Exception):
    """A query ran past its time."""


def _alarm(*_: object) -> None:
    raise Late


def index_open(root: DatasetRoot, runs: int) -> dict:
    """Seconds to open the index (every file's stamp compared with the manifest, then the store)."""
    from csgkg.store.index import forget_open, open_index

    times = []
    for _ in range(runs):
        forget_open(root)
        start = time.perf_counter()
        open_index(root)
        times.append(time.perf_counter() - start)
    return {"times": times}


def queries(root: DatasetRoot, timeout: float) -> dict:
    """Each stored query's example, run in this process on the index (Oxigraph) and on the files read
    by rdflib (read once, not timed), with the rows each gives."""
    from csgkg.sparql.api import bind_parameters, list_queries
    from csgkg.store.base import open_store

    oxigraph = open_store(root, "oxigraph")
    rdflib = open_store(root, "rdflib")
    rdflib.graph()
    signal.signal(signal.SIGALRM, _alarm)
    out: dict = {}
    for stored in list_queries(root):
        text, _ = bind_parameters(stored, stored.example, root, oxigraph)
        entry: dict = {}
        for name, store in (("oxigraph", oxigraph), ("rdflib", rdflib)):
            signal.setitimer(signal.ITIMER_REAL, timeout)
            start = time.perf_counter()
            try:
                rows = len(store.query(text))
                entry[f"{name}_s"] = time.perf_counter() - start
                entry["rows"] = rows
            except Late:
                entry[f"{name}_s"] = None
                entry[f"{name}_timeout_s"] = timeout
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        out[stored.name] = entry
    return out


def main(argv: list[str]) -> int:
    mode, root = argv[0], DatasetRoot(Path(argv[1]))
    if mode == "index":
        result = index_open(root, int(argv[2]))
    elif mode == "queries":
        result = queries(root, float(argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
