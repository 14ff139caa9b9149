"""benchmarks/bench.py stops a run at its time limit together with everything the run started, and
never reports the time of a failed run as a measurement.

The figures the benchmark prints are not asserted by any test.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from conftest import REPO, load_script


def load_bench():
    """benchmarks/bench.py as a module."""
    return load_script("benchmarks/bench.py")


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_stopped_run_leaves_no_process_behind(tmp_path: Path) -> None:
    bench = load_bench()
    pid_file = tmp_path / "pid"
    # The measured command (under /usr/bin/time when the machine has it) starts a grandchild that
    # would outlive a kill of the direct child alone.
    script = (
        "import os, subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        f"open({str(pid_file)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}'); "
        "time.sleep(60)"
    )
    result = bench.run([sys.executable, "-c", script], timeout=2)
    assert result["seconds"] is None and result["timeout"] == 2
    pids = [int(p) for p in pid_file.read_text().split()]
    deadline = time.monotonic() + 5
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in pids), "a process of the stopped run is still running"


def test_a_finished_run_reports_its_output_and_code() -> None:
    bench = load_bench()
    result = bench.run([sys.executable, "-c", "import sys; print('done'); sys.exit(3)"], timeout=30)
    assert result["code"] == 3
    assert result["stdout"].strip() == "done"
    assert result["seconds"] is not None and result["seconds"] > 0
    assert os.path.exists("/usr/bin/time") == (result["peak_mb"] is not None)


def test_a_failed_run_is_not_a_measurement() -> None:
    """A run that exits with an unexpected status (as the pySHACL contribution baseline did when its
    worker hit the memory limit) is reported as failed, with its message, and gets no time."""
    bench = load_bench()
    script = "import sys; sys.stderr.write('error: out of memory\\n'); sys.exit(2)"
    failed = bench.measure([sys.executable, "-c", script], runs=3, timeout=30)
    assert failed["failed"] and failed["median_s"] is None and failed["code"] == 2
    assert failed["runs"] == 1 and failed["error"] == "error: out of memory"
    report = _report()
    assert report.shown(failed) == "failed (exit 2)"
    assert report.judged(failed, 1000.0) == "failed (exit 2) (target 1000: not met)"
    # Validation of a registry with violations exits with 1: expected there, so it is measured.
    expected = bench.measure([sys.executable, "-c", "import sys; sys.exit(1)"], runs=2, expect=(1,))
    assert not expected.get("failed") and expected["median_s"] is not None and expected["runs"] == 2
    assert report.judged(expected, 1000.0).endswith("(target 1000: met)")


def _report():
    return load_script("benchmarks/report.py")


def test_the_performance_page_is_generated_from_the_committed_results() -> None:
    report = _report()
    assert (REPO / "docs" / "performance.md").read_text(encoding="utf-8") == report.render(report.load_runs())


def test_the_report_holds_each_figure_to_its_target() -> None:
    report = _report()
    cold = {"median_s": 0.4, "runs": 3, "timed_out": False, "timeout_s": 60, "peak_mb": 90, "code": 0}
    slow = {**cold, "median_s": 0.7}
    figures = {
        "started": "2026-12-04T00:00:00",
        "commit": "abc1234",
        "machine": {"cpus": 2, "python": "3.11"},
        "real": {"queries_cold": {"fast-one": cold, "slow-one": slow}, "help": {**cold, "median_s": 0.2}},
        "results": [],
    }
    text = report.render([figures])
    assert "| query fast-one (cold) | 0.40 s (target 0.5: met) |" in text
    assert "| query slow-one (cold) | 0.70 s (target 0.5: NOT met) |" in text
    assert "| `csgkg --help` | 0.20 s (target 0.3: met) |" in text
    assert "commit abc1234" in text
