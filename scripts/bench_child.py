"""The in-process measurements of scripts/bench.py, run in a child process of their own.

Usage::

    python scripts/bench_child.py index ROOT RUNS       # open the index RUNS times
    python scripts/bench_child.py queries ROOT TIMEOUT  # each stored query on Oxigraph and on rdflib
    python scripts/bench_child.py exports ROOT          # each export format, as the build writes it

Prints one line of JSON.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from csgkg.root import DatasetRoot


class Late(Exception):
    """A query ran past its time."""


def _alarm(*_: object) -> None:
    raise Late


def index_open(root: DatasetRoot, runs: int) -> dict:
    """Seconds to open the index (quick freshness check and the store), ``runs`` times."""
    from csgkg.store.index import open_index

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        opened = open_index(root)
        times.append(time.perf_counter() - start)
        if opened is None:
            raise SystemExit("the index is missing or stale")
        del opened
    return {"times": times}


def queries(root: DatasetRoot, timeout: float) -> dict:
    """Each stored query's example: run on the index (Oxigraph), then on rdflib (graph read once)."""
    from csgkg.queries import bind_parameters, list_queries
    from csgkg.store.queries import index_graph

    texts = {s.name: bind_parameters(s, s.example, root)[0] for s in list_queries(root)}
    graph = index_graph(root)
    if graph is None:
        raise SystemExit("the index is missing or stale")
    out: dict = {}
    signal.signal(signal.SIGALRM, _alarm)
    for name, text in texts.items():
        signal.setitimer(signal.ITIMER_REAL, timeout)
        start = time.perf_counter()
        try:
            rows = len(graph.run(text))
            out[name] = {"oxigraph_s": time.perf_counter() - start, "rows": rows}
        except Late:
            out[name] = {"oxigraph_s": None, "oxigraph_timeout_s": timeout}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    os.environ["CSGKG_INDEX"] = "0"
    from csgkg.sparql.engine import dataset_graph, execute
    from csgkg.sparql.safety import parse_checked

    start = time.perf_counter()
    rdflib_graph = dataset_graph(root)
    out["_rdflib_load_s"] = time.perf_counter() - start
    for name, text in texts.items():
        query = parse_checked(text)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        start = time.perf_counter()
        try:
            execute(rdflib_graph, query)
            out[name]["rdflib_s"] = time.perf_counter() - start
        except Late:
            out[name]["rdflib_s"] = None
            out[name]["rdflib_timeout_s"] = timeout
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return out


def exports(root: DatasetRoot) -> dict:
    """Seconds to write each export format, with the code the build uses at this size."""
    from csgkg.build import LARGE_FILES
    from csgkg.validation import count_data_files

    tmp = Path(tempfile.mkdtemp())
    out: dict = {}
    if count_data_files(root) > LARGE_FILES:
        from csgkg.store.export import write_jsonld, write_ntriples, write_turtle
        from csgkg.store.loading import memory_store

        store, files = memory_store(root)
        steps = [
            ("csgkg.nt", lambda: write_ntriples(store, [f.graph for f in files], tmp / "g.nt")),
            ("csgkg.ttl", lambda: write_turtle(tmp / "g.nt", tmp / "g.ttl")),
            ("csgkg.jsonld (expanded)", lambda: write_jsonld(tmp / "g.nt", tmp / "g.jsonld")),
        ]
    else:
        from csgkg.export import load_context, to_jsonld, to_ntriples, to_turtle
        from csgkg.inference import owl_rl_closure
        from csgkg.loader import load_dataset

        graph = load_dataset(root).graph()
        axioms = root.path / "ontology" / "imports" / "skos-axioms.ttl"
        steps = [
            ("csgkg.ttl", lambda: to_turtle(graph)),
            ("csgkg.nt", lambda: to_ntriples(graph)),
            ("csgkg.jsonld", lambda: to_jsonld(graph, load_context(root.context_file))),
            ("csgkg-inferred.ttl", lambda: to_turtle(owl_rl_closure(graph, axioms))),
        ]
    for name, make in steps:
        start = time.perf_counter()
        make()
        out[name] = time.perf_counter() - start
    return out


def main() -> int:
    mode, root = sys.argv[1], DatasetRoot(Path(sys.argv[2]))
    if mode == "index":
        out = index_open(root, int(sys.argv[3]))
    elif mode == "queries":
        out = queries(root, float(sys.argv[3]))
    else:
        out = exports(root)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
