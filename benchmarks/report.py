"""Write ``docs/performance.md`` from the benchmark's results (``benchmarks/results/*.json``).

Usage::

    python benchmarks/report.py            # rewrite docs/performance.md
    python benchmarks/report.py --check    # exit 1 when docs/performance.md is not what it would write

For each size, the newest result measured with this code's pipeline (a result that names its commit)
is shown, with the target each figure is held to and whether it is met. Files named
``*-two-pipelines.json`` come from before the one-pipeline build and are not shown.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
DOC = REPO / "docs" / "performance.md"

# The targets of the one-pipeline issue, by size; "real" is the real dataset.
TARGETS: dict = {
    27_000: {"build_s": 50.0, "build_gb": 1.6, "validation_s": 18.0, "contribution_s": 1.0,
             "query_s": 1.0, "query_per_intervention_s": 3.0},
    100_000: {"build_s": 150.0, "build_gb": 3.0, "edit_validate_s": 3.0, "edit_query_s": 3.0},
    "real": {"query_s": 0.5, "help_s": 0.3},
}


def fmt(seconds: float | None, timeout: float | None = None) -> str:
    """Seconds as the tables show them ("> T s" for a run stopped at its limit)."""
    if seconds is None:
        return f"> {timeout:g} s" if timeout else "-"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def shown(measured: dict | None) -> str:
    """A measurement: its median, "> limit" when stopped, or "failed"."""
    if not measured:
        return "-"
    if measured.get("failed"):
        return f"failed (exit {measured['code']})"
    return fmt(measured.get("median_s"), measured.get("timeout_s"))


def gb(measured: dict | None) -> str:
    peak = (measured or {}).get("peak_mb")
    return f"{peak / 1024:.2f} GB" if peak else "-"


def verdict(value: float | None, budget: float | None) -> str:
    if budget is None:
        return ""
    if value is None:
        return f" (target {budget:g}: not met)"
    return f" (target {budget:g}: {'met' if value <= budget else 'NOT met'})"


def judged(measured: dict | None, budget: float | None) -> str:
    value = None if not measured or measured.get("failed") else measured.get("median_s")
    return shown(measured) + verdict(value, budget)


def size_table(result: dict) -> list[str]:
    """The figures at one size, with their targets."""
    n = result["interventions"]
    target = TARGETS.get(n, {})
    build = result["build"]
    peak = (build.get("peak_mb") or 0) / 1024 or None
    rows = [
        ("triples", f"{result.get('triples', 0):,}"),
        ("build", judged(build, target.get("build_s"))),
        ("build, peak memory", gb(build) + verdict(peak, target.get("build_gb"))),
        ("validation, fast engine (first: writes the index)",
         judged(result["validation_fast"], target.get("validation_s"))),
        ("validation, fast engine (again: index in step)",
         judged(result.get("validation_fast_again"), target.get("validation_s"))),
        ("validation, pySHACL", shown(result["validation_pyshacl"])),
        ("same results as pySHACL", str(result.get("validation_identical", "pySHACL did not finish"))),
        ("one contribution", judged(result["contribution_fast"], target.get("contribution_s"))),
        ("opening the index", fmt(statistics.median(result["index_open"].get("times") or [0]))),
        ("after an edit in place: csgkg validate", judged(result.get("edit_validate"),
                                                         target.get("edit_validate_s"))),
        ("after an edit in place: a query", judged(result.get("edit_query"), target.get("edit_query_s"))),
    ]
    for name, cold in sorted(result["queries_cold"].items()):
        engines = result.get("queries_engines", {}).get(name, {})
        rows_n = engines.get("rows") or 0
        budget = target.get("query_per_intervention_s" if rows_n >= n / 2 else "query_s")
        ox, rd = engines.get("oxigraph_s"), engines.get("rdflib_s")
        detail = f"; in process: Oxigraph {fmt(ox)}, rdflib {fmt(rd, engines.get('rdflib_timeout_s'))}"
        rows.append((f"query {name} (cold; {rows_n} rows)", judged(cold, budget) + detail))
    lines = [f"### {n:,} interventions", "", "| measure | figure |", "| --- | --- |"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return lines


def real_table(real: dict) -> list[str]:
    target = TARGETS["real"]
    lines = ["### The real dataset", "", "| measure | figure |", "| --- | --- |"]
    lines.append(f"| `csgkg --help` | {judged(real['help'], target['help_s'])} |")
    for name, cold in sorted(real["queries_cold"].items()):
        lines.append(f"| query {name} (cold) | {judged(cold, target['query_s'])} |")
    return lines


def render(runs: list[dict]) -> str:
    """The Markdown of ``runs`` (benchmark result files): the newest figures for each size."""
    newest: dict = {}
    for figures in sorted(runs, key=lambda f: f.get("started", "")):
        for result in figures.get("results", []):
            newest[result["interventions"]] = (figures, result)
        if "real" in figures:
            newest["real"] = (figures, figures["real"])
    lines = [
        "# Performance",
        "",
        "Generated by `benchmarks/report.py` from the benchmark results in `benchmarks/results/`",
        "(`python benchmarks/bench.py` measures, `python benchmarks/report.py` writes this page); do not",
        "edit by hand. Each figure is a median of fresh `csgkg` processes on the machine named with it.",
        "",
    ]
    if not newest:
        return "\n".join([*lines, "No results yet."]) + "\n"
    for key in sorted(newest, key=lambda k: (k == "real", k if isinstance(k, int) else 0)):
        figures, result = newest[key]
        machine = figures.get("machine", {})
        lines += real_table(result) if key == "real" else size_table(result)
        lines += [
            "",
            f"Measured {figures.get('started', '?')} on commit {figures.get('commit') or '?'} "
            f"({machine.get('cpus', '?')} cores, Python {machine.get('python', '?')}).",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def load_runs(folder: Path = RESULTS) -> list[dict]:
    """Every result file measured with the one-pipeline code (those naming their commit)."""
    runs = []
    for path in sorted(folder.glob("*.json")):
        figures = json.loads(path.read_text(encoding="utf-8"))
        if "commit" in figures:
            runs.append(figures)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the page is up to date")
    args = parser.parse_args(argv)
    text = render(load_runs())
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print(f"{DOC} is out of date: run python benchmarks/report.py", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
