"""The command line: exit codes, the text and JSON reports, and errors a person can act on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO
from csgkg.cli.main import main

INVALID = EXAMPLES / "invalid"


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "csgkg", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_validate_the_dataset_conforms(capsys) -> None:
    assert main(["--root", str(REPO), "validate"]) == 0
    assert "Conforms: yes" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("example", "node", "prop", "words"),
    [
        (
            "Intervention-misspelt-property.ttl",
            "intervention:example-misspelt-property",
            "csg:worksInContxt",
            "Did you mean csg:worksInContext",
        ),
        (
            "Intervention-context-outside-scheme.ttl",
            "intervention:example-context-outside-scheme",
            "csg:worksInContext",
            "did you mean 'school'",
        ),
        (
            "Intervention-missing-label.ttl",
            "intervention:example-missing-label",
            "rdfs:label",
            "has no name",
        ),
        (
            "Intervention-two-evidence-statuses.ttl",
            "intervention:example-two-evidence-statuses",
            "csg:evidenceStatus",
            "more than one evidence status",
        ),
    ],
)
def test_specific_messages_name_file_line_node_and_property(
    capsys, example: str, node: str, prop: str, words: str
) -> None:
    path = INVALID / example
    assert main(["--root", str(REPO), "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert example in out and node in out and prop in out and words in out
    report = json.loads(_json(path))
    assert report["conforms"] is False
    (result,) = report["results"]
    assert Path(result["file"]).name == example
    assert isinstance(result["line"], int)
    text_lines = path.read_text(encoding="utf-8").splitlines()
    assert prop.split(":")[1] in text_lines[result["line"] - 1] or result["path"] == "rdfs:label"
    assert result["focus"] == node and result["path"] == prop and result["severity"] == "Violation"


def _json(path: Path) -> str:
    proc = run("validate", "--format", "json", str(path))
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated ;\n', encoding="utf-8")
    proc = run("validate", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {bad}:")
    line, column = proc.stderr.split(f"{bad}:", 1)[1].split(":")[:2]
    assert line.isdigit() and column.isdigit()
    assert "Traceback" not in proc.stderr


def test_unknown_file_type_exits_2(tmp_path: Path) -> None:
    odd = tmp_path / "x.csv"
    odd.write_text("a,b\n", encoding="utf-8")
    proc = run("validate", str(odd))
    assert proc.returncode == 2 and "unknown file type" in proc.stderr


def test_invalid_utf8_is_reported_with_its_byte(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes(b'@prefix ex: <http://example.org/> .\nex:a ex:b "caf\xe9" .\n')
    proc = run("validate", str(bad))
    assert proc.returncode == 2 and "byte 50" in proc.stderr


def test_remote_jsonld_context_is_never_fetched(tmp_path: Path) -> None:
    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps({"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://x/a"}))
    proc = run("validate", str(doc))
    assert proc.returncode == 2 and "never fetches" in proc.stderr


def test_build_from_a_subfolder_uses_that_root(tmp_root) -> None:
    proc = run("build", cwd=tmp_root.data_dir)
    assert proc.returncode == 0, proc.stderr
    assert "interventions: " in proc.stdout and "conforms" in proc.stdout
    assert (tmp_root.dist_dir / "csgkg.ttl").is_file()


def test_help_lists_the_commands() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("build", "validate"):
        assert command in proc.stdout
