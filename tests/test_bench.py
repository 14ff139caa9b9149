"""scripts/bench.py stops a run at its time limit together with everything the run started.

Only the stopping is tested here; the figures the benchmark prints are not asserted by any test.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

from conftest import REPO


def load_bench():
    """scripts/bench.py as a module."""
    spec = importlib.util.spec_from_file_location("csgkg_bench", REPO / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["csgkg_bench"] = module
    spec.loader.exec_module(module)
    return module


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
