"""Time every stored query from a cold start of ``csgkg``: a new process per run, median of several.

Usage::

    python scripts/bench_queries.py [--runs 5] [--budget 0.5] [--root DIR] [--no-bytecode]

Each run is ``csgkg query run NAME --example --format csv`` in a fresh Python process, timed by wall
clock from the start of the process to its exit: it includes starting Python, importing rdflib,
loading the graph (``dist/csgkg.nt`` when it is newer than the sources, else the Turtle sources),
parsing, checking and running the query, and printing the answer. Run ``csgkg build`` first to time
the normal case. Python's bytecode cache is allowed (an installed package has one) unless
``--no-bytecode`` is given. Timings on a shared machine vary: run it when the machine is idle.
Exits 1 when a median exceeds the budget.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def time_command(
    command: list[str], runs: int, env: dict[str, str] | None = None
) -> tuple[list[float], list[float], str]:
    """Wall and CPU (user + system) times of ``runs`` runs of ``command``, and the last output.

    The CPU time says what the wall time would be on an idle machine: on a busy one the wall time
    also counts the waiting for a core.
    """
    walls: list[float] = []
    cpus: list[float] = []
    output = ""
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
        output = done.stdout
    return walls, cpus, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per query (default 5)")
    parser.add_argument("--budget", type=float, default=0.5, help="seconds allowed per query (default 0.5)")
    parser.add_argument("--root", default=None, help="dataset root (default: this checkout)")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as it is (default: allow Python's bytecode cache, as an "
        "installed package has it)",
    )
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if not args.no_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)

    from csgkg.root import find_root
    from csgkg.sparql.catalogue import list_stored
    from csgkg.sparql.engine import built_graph_file

    root = find_root(args.root or Path(__file__).resolve().parent.parent)
    built = built_graph_file(root)
    graph_source = (
        f"built graph {built.relative_to(root.path)}" if built else "Turtle sources (dist/ missing or stale)"
    )
    csgkg = [sys.executable, "-m", "csgkg", "--root", str(root.path)]

    rows: list[tuple[str, float, float, float, float, int]] = []
    time_command([*csgkg, "query", "list"], 1, env)  # warm the disk and the bytecode cache
    walls, cpus, _ = time_command([*csgkg, "--help"], args.runs, env)
    median = statistics.median
    rows.append(("(csgkg --help: start-up only)", median(walls), min(walls), max(walls), median(cpus), 0))
    for stored in list_stored(root):
        walls, cpus, output = time_command(
            [*csgkg, "query", "run", stored.name, "--example", "--format", "csv"], args.runs, env
        )
        count = max(0, len(output.splitlines()) - 1)
        rows.append((stored.name, median(walls), min(walls), max(walls), median(cpus), count))

    width = max(len(r[0]) for r in rows)
    cache = "off" if env.get("PYTHONDONTWRITEBYTECODE") else "on"
    print(f"cold start, {args.runs} runs each, graph from {graph_source}, bytecode cache {cache}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'query':<{width}}  median s  min s   max s   cpu s   rows")
    print(f"{'-' * width}  --------  ------  ------  ------  ----")
    for name, wall, low, high, cpu, count in rows:
        print(f"{name:<{width}}  {wall:8.3f}  {low:6.3f}  {high:6.3f}  {cpu:6.3f}  {count:4d}")
    queries = rows[1:]
    worst = max(queries, key=lambda r: r[1])
    print(
        f"median over queries: {median(r[1] for r in queries):.3f} s wall, "
        f"{median(r[4] for r in queries):.3f} s cpu; slowest: {worst[0]} at {worst[1]:.3f} s "
        f"(budget {args.budget} s)"
    )
    return 0 if worst[1] < args.budget else 1


if __name__ == "__main__":
    sys.exit(main())
