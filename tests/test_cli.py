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
    assert proc.returncode == 2 and "unknown file type '.csv'" in proc.stderr
    # the YAML form is one of the types a contribution may have, and the message says so
    assert ".yaml (the YAML form)" in proc.stderr and ".ttl (Turtle)" in proc.stderr


def test_validate_help_names_the_yaml_form() -> None:
    proc = run("validate", "--help")
    assert proc.returncode == 0 and "YAML form" in " ".join(proc.stdout.split())


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


@pytest.mark.slow
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


# --- the package's own copy of the dataset is never written ----------------------------------------


@pytest.fixture
def packaged_copy(tmp_root, tmp_path: Path, monkeypatch):
    """A run outside any dataset, with a private copy of the dataset standing in for the package's."""
    import csgkg.core.root

    monkeypatch.setattr(csgkg.core.root, "packaged_root", lambda: tmp_root.path)
    monkeypatch.delenv("CSGKG_ROOT", raising=False)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    return tmp_root


@pytest.mark.parametrize("command", [["build"], ["site"], ["add", "CONTRIBUTION"]])
def test_commands_that_write_refuse_the_packaged_copy(packaged_copy, capsys, command: list[str]) -> None:
    contribution = EXAMPLES / "contributions" / "valid" / "peer-listening-scheme.ttl"
    args = [str(contribution) if a == "CONTRIBUTION" else a for a in command]
    before = sorted(str(p) for p in packaged_copy.path.rglob("*") if "build" not in p.parts)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "internal error" not in err
    assert str(packaged_copy.path) in err and "--root" in err
    assert sorted(str(p) for p in packaged_copy.path.rglob("*") if "build" not in p.parts) == before
    assert main(["validate", str(contribution)]) == 0  # reading the packaged copy is still fine


@pytest.mark.parametrize("command", [["validate"], ["add", "x.ttl"], ["build"], ["new", "intervention", "X"]])
def test_a_wrong_root_is_a_csgkg_error_not_an_internal_one(tmp_path: Path, capsys, command) -> None:
    for root in (tmp_path / "missing", tmp_path):
        assert main(["--root", str(root), *command]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: --root {root}") and "internal error" not in err


# --- validate --format json: one JSON document for every outcome ------------------------------------


def _json_error(*args: str, cwd: Path = REPO) -> dict:
    proc = run("--root", str(REPO), "validate", "--format", "json", *args, cwd=cwd)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    document = json.loads(proc.stdout)
    assert document["conforms"] is False and "results" not in document
    assert set(document["error"]) == {"kind", "message", "file", "line", "column"}
    return document["error"]


def test_json_reports_a_syntax_error_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    turtle = '@prefix csg: <https://w3id.org/csgkg/ontology/> .\ncsg:a csg:b "open .\n'
    bad.write_text(turtle, encoding="utf-8")
    error = _json_error(str(bad))
    assert error["kind"] == "syntax" and error["file"] == str(bad)
    assert error["line"] == 2 and isinstance(error["column"], int)
    assert "Turtle syntax error" in error["message"]


def test_json_reports_missing_and_refused_files(tmp_path: Path) -> None:
    missing = _json_error(str(tmp_path / "absent.ttl"))
    assert missing["kind"] == "missing" and missing["file"].endswith("absent.ttl") and missing["line"] is None
    rdfxml = tmp_path / "x.rdf"
    rdfxml.write_text("<rdf:RDF/>", encoding="utf-8")
    refused = _json_error(str(rdfxml))
    assert refused["kind"] == "refused" and "RDF/XML is not accepted" in refused["message"]
    (tmp_path / "link.ttl").symlink_to(EXAMPLES / "contributions" / "valid" / "peer-listening-scheme.ttl")
    assert _json_error(str(tmp_path / "link.ttl"))["kind"] == "refused"


def test_json_reports_a_wrong_root(tmp_path: Path) -> None:
    proc = run("--root", str(tmp_path), "validate", "--format", "json")
    assert proc.returncode == 2
    error = json.loads(proc.stdout)["error"]
    assert error["kind"] == "root" and str(tmp_path) in error["message"]


# --- wording --------------------------------------------------------------------------------------


def test_counts_take_the_number_of_their_noun() -> None:
    from csgkg.publish.pipeline import BuildResult
    from csgkg.validation.run import ValidationReport, ValidationResult

    warning = ValidationResult("f.ttl", 1, "intervention:x", None, "shapes:s", "Warning", "m")
    violation = ValidationResult("f.ttl", 1, "intervention:x", None, "shapes:s", "Violation", "m")
    assert "(0 violations, 1 warning;" in BuildResult(ValidationReport([warning])).summary()
    three = ValidationReport([violation, warning, warning])
    assert "(1 violation, 2 warnings;" in BuildResult(three).summary()


def test_a_concept_of_another_scheme_is_named_with_the_right_article(tmp_path: Path, capsys) -> None:
    text = (EXAMPLES / "valid" / "Programme-complete.ttl").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.ttl"
    wrong.write_text(
        text.replace("evidence:promising-not-tested ;", "audience:young-people ;", 1),
        encoding="utf-8",
    )
    assert main(["--root", str(REPO), "validate", str(wrong)]) == 1
    out = capsys.readouterr().out
    assert "is an audience (audience:young-people), not an evidence status." in out


def test_every_message_counts_and_names_with_the_same_english() -> None:
    from csgkg.core.words import article, plural

    assert [plural(n, "warning") for n in (0, 1, 2)] == ["0 warnings", "1 warning", "2 warnings"]
    assert plural(1, "query", "queries") == "1 query" and plural(3, "query", "queries") == "3 queries"
    assert [article(n) for n in ("evidence status", "audience", "harm", "intervention type", "unit")] == [
        "an evidence status", "an audience", "a harm", "an intervention type", "a unit"
    ]


def test_json_reports_a_syntax_error_in_the_dataset_itself(tmp_root) -> None:
    (tmp_root.data_dir / "interventions" / "zz-broken.ttl").write_text('broken "x .\n', encoding="utf-8")
    proc = run("--root", str(tmp_root.path), "validate", "--format", "json")
    assert proc.returncode == 2, proc.stderr
    error = json.loads(proc.stdout)["error"]
    assert error["kind"] == "syntax" and error["file"].endswith("zz-broken.ttl") and error["line"] == 1


def test_a_site_outside_the_packaged_copy_may_be_written(packaged_copy, tmp_path: Path) -> None:
    from csgkg.core.root import PackagedRootError, find_root
    from csgkg.publish.site import require_writable_site

    packaged = find_root()
    require_writable_site(packaged, tmp_path / "site")  # the user's own folder: allowed
    for out in (None, packaged.path / "dist" / "site"):
        with pytest.raises(PackagedRootError):
            require_writable_site(packaged, out)


# -- claims: an RDF file is judged as it is; --claims-from-source records them, and says so -----------

WITHOUT_CLAIM = INVALID / "Intervention-statement-without-claim.ttl"


def test_a_turtle_statement_without_claim_is_a_violation(capsys) -> None:
    """The verdict on a Turtle file is SHACL's: no claim is made for it behind the user's back."""
    assert main(["--root", str(REPO), "validate", str(WITHOUT_CLAIM)]) == 1
    captured = capsys.readouterr()
    assert "rule: shapes:Intervention-statement-has-claim" in captured.out
    assert "--claims-from-source" in captured.out  # the message offers the option
    assert "Conforms: no (1 violation" in captured.out


def test_claims_from_source_records_the_missing_claim_and_says_so(capsys) -> None:
    assert main(["--root", str(REPO), "validate", "--claims-from-source", str(WITHOUT_CLAIM)]) == 0
    captured = capsys.readouterr()
    assert "Conforms: yes" in captured.out
    assert "--claims-from-source would record 1 claim citing the intervention's only source" in captured.err


def test_add_writes_claims_from_source_only_when_asked(tmp_root, capsys) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    from csgkg.core.namespaces import CSG, PREFIXES

    root = ["--root", str(tmp_root.path)]
    assert main([*root, "add", str(WITHOUT_CLAIM)]) == 1
    assert "nothing was added" in capsys.readouterr().err
    written = tmp_root.data_dir / "interventions" / "example-statement-without-claim.ttl"
    assert not written.exists()

    assert main([*root, "add", "--claims-from-source", str(WITHOUT_CLAIM)]) == 0
    captured = capsys.readouterr()
    assert "--claims-from-source recorded 1 claim" in captured.err
    graph = Graph().parse(written, format="turtle")
    claim = URIRef(PREFIXES["claim"] + "example-statement-without-claim.worksInContext.neighbourhood")
    assert (claim, RDF.type, CSG.Claim) in graph
    assert graph.value(claim, CSG.hasSource) == URIRef(PREFIXES["source"] + "example-statement-without-claim")
    assert graph.value(claim, CSG.claimBasis) == CSG.StatedBySource
