"""Benchmark csgkg on synthetic registries: build, validation, a contribution, stored queries, exports.

Usage::

    python scripts/bench.py [--sizes 1000,10000,100000] [--runs 3] [--workdir DIR] [--json bench-results.json]

For each size N it writes two registries with ``scripts/synth.py`` (one clean, one with 1% injected
violations) and measures, each as a fresh ``csgkg`` process (wall clock and peak memory, from
``/usr/bin/time`` when it is there):

- ``csgkg build`` on the clean registry (it writes the index ``build/index/``);
- whole-dataset validation of the faulty one with the fast engine and with pySHACL (the baseline;
  it is stopped after ``--pyshacl-timeout`` seconds and reported as "> T"), and whether the two
  engines give the same results;
- one-contribution validation (``csgkg validate FILE``, a valid programme) with the index;
- every stored query with its example, from a cold start on the built registry (stopped after
  ``--query-timeout`` seconds); and, for the ratio, the execution of the same query text in one
  process on Oxigraph (the index) and on plain rdflib (the graph read once; on each engine a query is
  stopped after ``--rdflib-timeout`` seconds);
- opening the index (the quick freshness check and the store);
- each export format, timed in one process with the code the build uses at that size.

Each figure is the median of ``--runs`` runs (slow baselines and builds above 10,000 interventions run
once). Other work on the machine makes single runs noisy: the medians are what to compare. A table
is printed and every figure is written as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CONTRIBUTION = REPO / "tests" / "examples" / "valid" / "Programme-complete.ttl"
TARGETS = {
    "query_s": 1.0,
    "query_per_intervention_s": 3.0,
    "query_ratio": 20.0,
    "index_open_s": 1.0,
    "validation_s": 18.0,
    "validation_ratio": 7.0,
    "contribution_s": 1.0,
    "build_s": 60.0,
    "build_gb": 2.0,
}


def run(command: list[str], env: dict | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Run ``command``; its wall time, peak memory (MB), exit code and output."""
    timer = shutil.which("time") and Path("/usr/bin/time").exists()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *command] if timer else command
        start = time.perf_counter()
        # A session of its own, so that a stopped run takes its whole process group with it: killing
        # /usr/bin/time alone would leave the measured command running and slowing what comes next.
        process = subprocess.Popen(
            full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_group(process)
            return {"seconds": None, "timeout": timeout, "code": None, "stdout": "", "peak_mb": None}
        wall = time.perf_counter() - start
        peak = None
        if timer:
            try:
                fields = stats.read().split()
                peak = int(fields[-1]) / 1024
            except (ValueError, IndexError):
                peak = None
    return {
        "seconds": wall,
        "code": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
        "peak_mb": peak,
    }


def stop_group(process: subprocess.Popen) -> None:
    """Kill ``process`` and every process of its group, and wait for it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def measure(
    command: list[str],
    runs: int,
    env: dict | None = None,
    timeout: float | None = None,
    expect: tuple[int, ...] = (0,),
) -> dict:
    """The median wall time and the largest peak memory of ``runs`` runs of ``command``.

    A run that ends with an exit status outside ``expect`` failed: its time is not a measurement, so
    the result has no median, ``failed`` is set and ``error`` holds the last line it printed."""
    results = []
    for _ in range(runs):
        results.append(run(command, env, timeout))
        if results[-1]["seconds"] is None or results[-1]["code"] not in expect:
            break  # stopped at the time limit, or failed: more runs would end the same way
    failed = [r for r in results if r["seconds"] is not None and r["code"] not in expect]
    times = [r["seconds"] for r in results if r["seconds"] is not None and r["code"] in expect]
    peaks = [r["peak_mb"] for r in results if r["peak_mb"] is not None]
    measured = {
        "median_s": statistics.median(times) if times and not failed else None,
        "runs": len(results),
        "timed_out": any(r["seconds"] is None for r in results),
        "timeout_s": timeout,
        "peak_mb": max(peaks) if peaks else None,
        "code": results[-1]["code"],
        "stdout": results[-1]["stdout"],
        "stderr": results[-1].get("stderr", ""),
    }
    if failed:
        lines = (failed[-1].get("stderr") or "").strip().splitlines()
        measured.update(failed=True, error=lines[-1] if lines else f"exit status {failed[-1]['code']}")
    return measured


def csgkg(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "csgkg", "--root", str(root), *args]


def synth(n: int, seed: int, out: Path, share: float) -> float:
    start = time.perf_counter()
    command = [sys.executable, str(REPO / "scripts" / "synth.py"), "--interventions", str(n)]
    command += ["--seed", str(seed), "--out", str(out), "--violations", str(share)]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def count_triples(root: Path) -> int:
    nt = root / "dist" / "csgkg.nt"
    with nt.open("rb") as handle:
        return sum(1 for _ in handle)


# --- in-process measurements (run in a child Python so that memory is counted separately) ------------


def child(mode: str, root: Path, *args: str, timeout: float | None = None) -> dict:
    command = [sys.executable, str(REPO / "scripts" / "bench_child.py"), mode, str(root), *args]
    done = run(command, timeout=timeout)
    if done["code"] != 0:
        return {"error": (done.get("stderr") or "timeout")[-2000:], "peak_mb": done["peak_mb"]}
    data = json.loads(done["stdout"].strip().splitlines()[-1])
    data["peak_mb"] = done["peak_mb"]
    return data


# --- one size ----------------------------------------------------------------------------------------


def bench_size(n: int, args: argparse.Namespace, work: Path, report: Any) -> dict:
    """Every measurement at ``n`` interventions."""
    slow = 1 if n > 10_000 else args.runs
    result: dict[str, Any] = {"interventions": n}
    clean, faulty = work / f"clean-{n}", work / f"faulty-{n}"
    step = report.task(f"N={n:,}: registries", total=2)
    for root, share in ((clean, 0.0), (faulty, args.violations)):
        if not (root / "data").is_dir():
            result.setdefault("synth_s", {})[root.name] = synth(n, args.seed, root, share)
        step(1)
    step = report.task(f"N={n:,}: build", total=1)
    shutil.rmtree(clean / "build", ignore_errors=True)
    result["build"] = strip(measure(csgkg(clean, "build"), slow))
    result["triples"] = count_triples(clean)
    step(1)
    step = report.task(f"N={n:,}: validation", total=2)
    # The faulty registry has violations: validation exits with status 1.
    fast = measure(csgkg(faulty, "validate", "--engine", "fast", "--format", "json"), slow, expect=(1,))
    step(1)
    base = measure(
        csgkg(faulty, "validate", "--engine", "pyshacl", "--format", "json"),
        1,
        timeout=args.pyshacl_timeout,
        expect=(1,),
    )
    step(1)
    result["validation_fast"] = strip(fast)
    result["validation_pyshacl"] = strip(base)
    if fast["stdout"] and base["stdout"]:
        result["validation_identical"] = json.loads(fast["stdout"]) == json.loads(base["stdout"])
    result["validation_results"] = len(json.loads(fast["stdout"])["results"]) if fast["stdout"] else None
    step = report.task(f"N={n:,}: one contribution", total=2)
    result["contribution_fast"] = strip(
        measure(csgkg(clean, "validate", "--engine", "fast", str(CONTRIBUTION)), args.runs)
    )
    step(1)
    result["contribution_pyshacl"] = strip(
        measure(
            csgkg(clean, "validate", "--engine", "pyshacl", str(CONTRIBUTION)),
            1,
            # The contribution check's own limits (30 s, 1 GB beyond the dataset) would stop pySHACL
            # on a large registry; the baseline gets the bench's time limit and no memory limit.
            env={**os.environ, "CSGKG_MEMORY": "0", "CSGKG_TIMEOUT": str(args.pyshacl_timeout)},
            timeout=args.pyshacl_timeout,
        )
    )
    step(1)
    result["index_open"] = child("index", clean, str(args.runs))
    names = [
        line.split(",", 1)[0]
        for line in run(csgkg(clean, "query", "list", "--format", "csv"))["stdout"].splitlines()[1:]
    ]
    step = report.task(f"N={n:,}: stored queries (cold)", total=len(names))
    cold = {}
    for name in names:
        command = csgkg(clean, "query", "run", name, "--example", "--format", "csv")
        cold[name] = strip(measure(command, args.runs, timeout=args.query_timeout))
        step(1)
    result["queries_cold"] = cold
    step = report.task(f"N={n:,}: queries in process (Oxigraph, rdflib)", total=1)
    result["queries_engines"] = child("queries", clean, str(args.rdflib_timeout))
    step(1)
    step = report.task(f"N={n:,}: exports", total=1)
    result["exports"] = child("exports", clean)
    step(1)
    if not args.keep:
        shutil.rmtree(clean, ignore_errors=True)
        shutil.rmtree(faulty, ignore_errors=True)
    return result


def strip(measured: dict) -> dict:
    """A measurement without its captured output."""
    return {k: v for k, v in measured.items() if k not in ("stdout", "stderr")}


# --- the table ---------------------------------------------------------------------------------------


def shown(measured: dict) -> str:
    """A measurement as the table shows it: its median, "> limit" when stopped, or "failed"."""
    if measured.get("failed"):
        return f"failed (exit {measured['code']})"
    return fmt(measured["median_s"], measured.get("timeout_s"))


def fmt(seconds: float | None, timeout: float | None = None) -> str:
    if seconds is None:
        return f"> {timeout:g} s" if timeout else "-"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def table(results: list[dict]) -> str:
    """The results as a Markdown table, one column per size."""
    sizes = [r["interventions"] for r in results]
    rows: list[tuple[str, list[str]]] = []

    def add(label: str, values: list[str]) -> None:
        rows.append((label, values))

    add("triples", [f"{r['triples']:,}" for r in results])
    add("build (wall)", [shown(r["build"]) for r in results])
    add("build (peak memory)", [f"{(r['build']['peak_mb'] or 0) / 1024:.2f} GB" for r in results])
    add(
        "index open (quick check + store)",
        [fmt(statistics.median(r["index_open"].get("times", [0]))) for r in results],
    )
    add("validate, fast engine", [shown(r["validation_fast"]) for r in results])
    add("validate, pySHACL", [shown(r["validation_pyshacl"]) for r in results])
    add(
        "validate: ratio pySHACL / fast",
        [ratio(r["validation_pyshacl"], r["validation_fast"]) for r in results],
    )
    add("validate: identical results", [str(r.get("validation_identical", "n/a")) for r in results])
    add(
        "validate, fast engine (peak memory)",
        [f"{(r['validation_fast']['peak_mb'] or 0) / 1024:.2f} GB" for r in results],
    )
    add("one contribution, fast engine + index", [shown(r["contribution_fast"]) for r in results])
    add("one contribution, pySHACL", [shown(r["contribution_pyshacl"]) for r in results])
    names = sorted(results[0]["queries_cold"])
    for name in names:
        values = []
        for r in results:
            engines = r["queries_engines"].get(name, {})
            ox_s, rd_s = engines.get("oxigraph_s"), engines.get("rdflib_s")
            rd = fmt(rd_s, engines.get("rdflib_timeout_s"))
            if rd_s and ox_s:
                x = f"{rd_s / ox_s:,.0f}x"
            elif ox_s and engines.get("rdflib_timeout_s"):
                x = f"> {engines['rdflib_timeout_s'] / ox_s:,.0f}x"
            else:
                x = "-"
            values.append(
                f"{shown(r['queries_cold'][name])} (ox {fmt(ox_s)}, rdflib {rd}, {x}; "
                f"{engines.get('rows', '?')} rows)"
            )
        add(f"query {name}", values)
    for export in sorted({k for r in results for k in r["exports"] if k not in ("peak_mb",)}):
        add(f"export {export}", [fmt(r["exports"].get(export)) for r in results])
    header = "| measure | " + " | ".join(f"N = {n:,}" for n in sizes) + " |"
    line = "| --- | " + " | ".join("---" for _ in sizes) + " |"
    return "\n".join([header, line, *(f"| {label} | " + " | ".join(values) + " |" for label, values in rows)])


def ratio(slow: dict, fast: dict) -> str:
    if fast["median_s"] is None:
        return "-"
    if slow["median_s"] is None:
        return f"> {slow['timeout_s'] / fast['median_s']:.0f}x" if slow.get("timeout_s") else "-"
    return f"{slow['median_s'] / fast['median_s']:.1f}x"


def targets(result: dict) -> list[tuple[str, bool | None, str]]:
    """Each target of the issue at this size: (what, met, measured)."""
    out = []
    n = result["interventions"]
    for name, cold in result["queries_cold"].items():
        engines = result["queries_engines"].get(name, {})
        rows = engines.get("rows") or 0
        budget = TARGETS["query_per_intervention_s"] if rows >= n / 2 else TARGETS["query_s"]
        met = False if cold.get("timed_out") or cold.get("failed") else ok(cold["median_s"], budget)
        out.append((f"query {name} <= {budget:g} s cold", met, shown(cold)))
        ox_s, rd_s = engines.get("oxigraph_s"), engines.get("rdflib_s")
        if ox_s:
            measured = (rd_s or engines.get("rdflib_timeout_s") or 0) / ox_s
            out.append(
                (f"query {name} >= 20x rdflib", measured >= TARGETS["query_ratio"], f"{measured:,.0f}x")
            )
    opened = statistics.median(result["index_open"].get("times", [float("inf")]))
    out.append(("index opens < 1 s", opened < TARGETS["index_open_s"], fmt(opened)))
    fast, base = result["validation_fast"], result["validation_pyshacl"]
    out.append(("validation <= 18 s", met_by(fast, TARGETS["validation_s"]), shown(fast)))
    slow_s = base["median_s"] or base.get("timeout_s")
    if fast["median_s"] and slow_s:
        out.append(("validation >= 7x pySHACL", slow_s / fast["median_s"] >= 7, ratio(base, fast)))
    out.append(
        (
            "validation identical to pySHACL",
            result.get("validation_identical"),
            str(result.get("validation_identical", "pySHACL did not finish")),
        )
    )
    out.append(
        (
            "one contribution < 1 s",
            met_by(result["contribution_fast"], TARGETS["contribution_s"]),
            shown(result["contribution_fast"]),
        )
    )
    build = result["build"]
    out.append(("build <= 60 s", met_by(build, TARGETS["build_s"]), shown(build)))
    peak = (build["peak_mb"] or 0) / 1024
    out.append(("build <= 2 GB peak", peak <= 2.0, f"{peak:.2f} GB"))
    return out


def met_by(measured: dict, budget: float) -> bool | None:
    """Whether a measurement is within ``budget`` seconds (a failed run never is)."""
    return False if measured.get("failed") else ok(measured["median_s"], budget)


def ok(value: float | None, budget: float) -> bool | None:
    return None if value is None else value <= budget


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="interventions, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs of each fast measurement (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--violations", type=float, default=0.01, help="share of faulty interventions")
    parser.add_argument(
        "--pyshacl-timeout", type=float, default=900.0, help="seconds before pySHACL is stopped"
    )
    parser.add_argument(
        "--rdflib-timeout", type=float, default=60.0, help="seconds before an rdflib query is stopped"
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=60.0,
        help="seconds before a stored query from a cold start (csgkg query run) is stopped",
    )
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where registries are written (default: a temp folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the registries")
    parser.add_argument(
        "--json", type=Path, default=Path("bench-results.json"), help="where to write the figures"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    from csgkg.progress import reporter

    work = args.workdir or Path(tempfile.mkdtemp(prefix="csgkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    with reporter() as shown:
        for n in (int(s) for s in args.sizes.split(",")):
            results.append(bench_size(n, args, work, shown))
            args.json.write_text(
                json.dumps({"started": started, "machine": machine(), "results": results}, indent=2) + "\n"
            )
    print(table(results))
    print()
    for result in results:
        print(f"targets at N = {result['interventions']:,}:")
        for what, met, measured in targets(result):
            state = {True: "met", False: "NOT met", None: "n/a"}[met]
            print(f"  {state:8s} {what}: {measured}")
    print(f"\nfigures written to {args.json}")
    return 0


def machine() -> dict:
    """The machine the figures come from."""
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load_average": os.getloadavg()}


if __name__ == "__main__":
    sys.exit(main())
