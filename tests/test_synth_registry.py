"""scripts/synth.py is deterministic, and a registry without injected violations conforms (checked by the
fast engine, as a large registry is)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from csgkg.core.root import DatasetRoot
from csgkg.validation.fast import validate_root

SYNTH = REPO / "scripts" / "synth.py"


def synth(out: Path, n: int, seed: int, share: float) -> None:
    command = [sys.executable, str(SYNTH), "--interventions", str(n), "--seed", str(seed), "--out", str(out)]
    subprocess.run([*command, "--violations", str(share)], check=True, capture_output=True)


def contents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    synth(tmp_path / "a", 60, 3, 0.1)
    synth(tmp_path / "b", 60, 3, 0.1)
    assert contents(tmp_path / "a") == contents(tmp_path / "b")


def test_clean_registry_conforms(tmp_path: Path) -> None:
    synth(tmp_path / "clean", 40, 5, 0.0)
    report = validate_root(DatasetRoot(tmp_path / "clean"))
    assert report.conforms and not report.warnings
    record = json.loads((tmp_path / "clean" / "violations.json").read_text(encoding="utf-8"))
    assert record["violations"] == []


def test_every_intervention_has_a_claim_for_each_statement(tmp_path: Path) -> None:
    synth(tmp_path / "r", 30, 9, 0.0)
    text = next((tmp_path / "r" / "data" / "interventions").glob("*-000003.ttl")).read_text(encoding="utf-8")
    assert "a csg:Claim" in text and "csg:claimBasis" in text
    assert (tmp_path / "r" / "ontology" / "csgkg.ttl").is_file() and (tmp_path / "r" / "queries").is_dir()
