"""scripts/synth.py writes a complete dataset root whose injected violations are exactly what
validation reports, and on which the other commands work unchanged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from csgkg.core.root import DatasetRoot
from csgkg.io.parse import load_dataset
from csgkg.validation.run import validate


@pytest.mark.slow
def test_synthetic_registry_reports_exactly_its_injected_violations(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "synth.py"),
            "--interventions",
            "150",
            "--seed",
            "7",
            "--violations",
            "0.06",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    injected = json.loads((out / "violations.json").read_text(encoding="utf-8"))["violations"]
    assert len(injected) == 9
    expected = {tuple(e) for v in injected for e in v["expect"]}
    report = validate(load_dataset(DatasetRoot(out)))
    found = {(r.constraint, r.focus, r.path) for r in report.results}
    assert found == expected
    # and the same root answers stored queries unchanged
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "csgkg",
            "--root",
            str(out),
            "query",
            "run",
            "interventions-by-context",
            "--param",
            "context=school",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) > 10
