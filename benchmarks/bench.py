"""Benchmark csgkg on synthetic registries and on the real dataset.

Usage::

    python benchmarks/bench.py [--sizes 1000,27000] [--runs 3] [--workdir DIR] [--json FILE]
    python benchmarks/report.py          # docs/performance.md from benchmarks/results/*.json

For each size N it writes two registries with ``scripts/synth.py`` (one clean, one with 1% injected
violations) and measures, each as a fresh ``csgkg`` process (wall clock and peak memory, from
``/usr/bin/time`` when it is there):

- ``csgkg build`` on the clean registry (load, validate, infer, serialise, bundle, index);
- whole-dataset validation of the faulty one with the fast engine (first from no index, which it
  writes, then again with the index in step) and with pySHACL (the baseline; stopped after
  ``--pyshacl-timeout`` seconds and reported as "> T"), and whether the two engines give the same
  results;
- one contribution (``csgkg validate FILE``, a valid programme);
- every stored query with its example, from a cold start on the built registry; and, for the
  ratio, the same query text in one process on the index (Oxigraph) and on the files read by rdflib;
- opening the index (every file's stamp compared with the manifest);
- after one data file is edited in place: the next ``csgkg validate`` and the next query.

On the real dataset it measures every stored query from a cold start and ``csgkg --help``.
Each figure is the median of ``--runs`` runs (slow baselines and builds above 10,000 interventions
run once). The figures are written as JSON into ``benchmarks/results/`` (with the commit they were
measured on); ``benchmarks/report.py`` turns them into ``docs/performance.md``.
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
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
sys.path.insert(0, str(Path(__file__).resolve().parent))
CONTRIBUTION = REPO / "tests" / "examples" / "valid" / "Programme-complete.ttl"


def group_memory_mb(group: int) -> float:
    """The memory of the processes of process group ``group``: the sum of their proportional set
    sizes (shared pages split between the processes sharing them, so a fork's copy-on-write pages
    count once), in MB; 0 when none is left."""
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue  # ended meanwhile, or not ours to read
    return total_kb / 1024


class GroupSampler(threading.Thread):
    """Samples :func:`group_memory_mb` every 50 ms while a command runs; ``peak_mb`` is the largest."""

    def __init__(self, group: int) -> None:
        super().__init__(daemon=True)
        self.group = group
        self.peak_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_mb = max(self.peak_mb, group_memory_mb(self.group))


def run(command: list[str], env: dict | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Run ``command``; its wall time, peak memory (MB), exit code and output.

    The peak memory is the larger of the largest resident size of one process (``/usr/bin/time``)
    and the largest sampled memory of the command's whole process group (:func:`group_memory_mb`):
    ``csgkg build`` writes ``interventions.json`` in a second process, whose memory counts too."""
    timer = shutil.which("time") and Path("/usr/bin/time").exists()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *command] if timer else command
        start = time.perf_counter()
        # A session of its own, so that a stopped run takes its whole process group with it: killing
        # /usr/bin/time alone would leave the measured command running and slowing what comes next.
        process = subprocess.Popen(
            full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
        )
        sampler = GroupSampler(process.pid)
        sampler.start()
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_group(process)
            return {"seconds": None, "timeout": timeout, "code": None, "stdout": "", "peak_mb": None}
        finally:
            sampler.done.set()
            sampler.join()
        wall = time.perf_counter() - start
        peak = None
        if timer:
            try:
                fields = stats.read().split()
                peak = int(fields[-1]) / 1024
            except (ValueError, IndexError):
                peak = None
        if sampler.peak_mb:
            peak = max(peak or 0.0, sampler.peak_mb)
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
    command = [sys.executable, str(REPO / "benchmarks" / "bench_child.py"), mode, str(root), *args]
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
    # The faulty registry has violations: validation exits with status 1. The first run, from no
    # index, writes the index too.
    shutil.rmtree(faulty / "build", ignore_errors=True)
    fast = measure(csgkg(faulty, "validate", "--engine", "fast", "--format", "json"), 1, expect=(1,))
    # Again, with the index written by the first run in step with the files: the whole validation
    # without the one-off writing of the index.
    again = measure(csgkg(faulty, "validate", "--engine", "fast", "--format", "json"), slow, expect=(1,))
    step(1)
    base = measure(
        csgkg(faulty, "validate", "--engine", "pyshacl", "--format", "json"),
        1,
        timeout=args.pyshacl_timeout,
        expect=(1,),
    )
    step(1)
    result["validation_fast"] = strip(fast)
    result["validation_fast_again"] = strip(again)
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
    step = report.task(f"N={n:,}: after editing one file in place", total=2)
    edited = sorted((clean / "data" / "interventions").glob("*.ttl"))[-1]
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\n# edited in place by the benchmark\n")
    result["edit_validate"] = strip(measure(csgkg(clean, "validate"), 1))
    step(1)
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("# and again\n")
    query = csgkg(clean, "query", "run", "interventions-by-context", "--example", "--format", "csv")
    result["edit_query"] = strip(measure(query, 1))
    step(1)
    if not args.keep:
        shutil.rmtree(clean, ignore_errors=True)
        shutil.rmtree(faulty, ignore_errors=True)
    return result


def bench_real(args: argparse.Namespace, report: Any) -> dict:
    """The real dataset (a copy): every stored query from a cold start, and ``csgkg --help``."""
    work = Path(tempfile.mkdtemp(prefix="csgkg-bench-real-"))
    root = work / "root"
    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / part, root / part)
    subprocess.run(csgkg(root, "build"), check=True, capture_output=True)
    names = [
        line.split(",", 1)[0]
        for line in run(csgkg(root, "query", "list", "--format", "csv"))["stdout"].splitlines()[1:]
    ]
    step = report.task("real dataset: stored queries (cold)", total=len(names))
    cold = {}
    for name in names:
        command = csgkg(root, "query", "run", name, "--example", "--format", "csv")
        cold[name] = strip(measure(command, args.runs, timeout=args.query_timeout))
        step(1)
    helped = strip(measure([sys.executable, "-m", "csgkg", "--help"], args.runs))
    shutil.rmtree(work, ignore_errors=True)
    return {"queries_cold": cold, "help": helped}


def strip(measured: dict) -> dict:
    """A measurement without its captured output."""
    return {k: v for k, v in measured.items() if k not in ("stdout", "stderr")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,27000", help="interventions, comma-separated")
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
    parser.add_argument("--no-real", action="store_true", help="skip the real dataset")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    from report import render  # benchmarks/report.py

    from csgkg.core.progress import reporter

    work = args.workdir or Path(tempfile.mkdtemp(prefix="csgkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    out = args.json or RESULTS / f"{started[:10]}-{args.sizes.replace(',', '-')}.json"
    figures: dict[str, Any] = {"started": started, "commit": commit(), "machine": machine(), "results": []}
    with reporter() as shown:
        if not args.no_real:
            figures["real"] = bench_real(args, shown)
        for n in (int(s) for s in args.sizes.split(",")):
            figures["results"].append(bench_size(n, args, work, shown))
            out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(render([figures]))
    print(f"\nfigures written to {out}; run benchmarks/report.py to regenerate docs/performance.md")
    return 0


def commit() -> str | None:
    """The commit the figures were measured on (with "+changes" when the tree differs from it)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "ontology", "shapes", "queries"],
                               cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


def machine() -> dict:
    """The machine the figures come from."""
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load_average": os.getloadavg()}


if __name__ == "__main__":
    sys.exit(main())
