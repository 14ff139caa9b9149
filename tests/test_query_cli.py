"""The ``csgkg query`` and ``csgkg compare`` commands: what a practitioner types and sees."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, copy_root
from csgkg.cli.main import main

FIXTURES = Path(__file__).resolve().parent / "query-fixtures"
SCHOOL = [
    "bystander / upstander interventions",
    "changing school environments",
    "community activism",
    "context conference",
    "Contextual Safeguarding and restorative practice in schools",
    "harmful sexual behaviour school self-assessment",
    "Mentors in Violence Prevention",
    "restorative approaches in schools",
    "restorative justice",
    "Shifting Boundaries",
]


def csgkg(capsys, *args: str) -> tuple[int, str, str]:
    """Run the command line in this process; return the exit code, stdout and stderr."""
    code = main(["--root", str(REPO), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_query_list_names_every_query_with_its_summary_and_parameters(capsys) -> None:
    code, out, _ = csgkg(capsys, "query", "list", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    names = {p.stem for p in (REPO / "queries").glob("*.rq")}
    assert {r["name"] for r in rows} == names
    by_name = {r["name"]: r for r in rows}
    assert by_name["find-interventions"]["parameters"] == "[context] [harm] [role] [status] [audience]"
    assert by_name["compare-interventions"]["parameters"] == "a b"
    assert by_name["interventions-by-harm"]["summary"] == (
        "Interventions that address a harm, or a narrower harm"
    )


def test_query_list_as_a_table(capsys) -> None:
    code, out, _ = csgkg(capsys, "query", "list", "--format", "table")
    assert code == 0
    assert out.splitlines()[0].split() == ["name", "summary", "parameters"]
    count = len(list((REPO / "queries").glob("*.rq")))
    assert "coverage-gaps" in out and out.splitlines()[-1] == f"({count} rows)"


def test_query_show_documents_the_query_and_the_values_it_accepts(capsys) -> None:
    code, out, _ = csgkg(capsys, "query", "show", "interventions-by-harm")
    assert code == 0
    assert "Interventions that address a harm, or a narrower harm" in out
    assert "asking for exploitation also finds what addresses sexual or criminal exploitation" in out
    assert "harm (required): a harm" in out
    assert "sexual exploitation" in out and "teenage relationship abuse" in out  # accepted values
    assert "Example: csgkg query run interventions-by-harm --param harm=exploitation" in out
    assert "?_harm_iri" in out and "# expected:" in out  # the text itself


def test_query_run_prints_csv_with_a_header_when_not_on_a_terminal(capsys) -> None:
    code, out, err = csgkg(capsys, "query", "run", "interventions-by-context", "--param", "context=school")
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["intervention", "interventionLabel", "kind", "kindLabel", "status", "statusLabel"]
    assert [r[1] for r in rows[1:]] == SCHOOL
    assert rows[1][0] == "https://w3id.org/csgkg/id/intervention/bystander-interventions"


def test_query_run_table(capsys) -> None:
    code, out, _ = csgkg(
        capsys, "query", "run", "interventions-by-context", "-p", "context=School", "--format", "table"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "intervention",
        "interventionLabel",
        "kind",
        "kindLabel",
        "status",
        "statusLabel",
    ]
    assert set(lines[1]) <= {"-", " "}
    assert re.split(r"\s{2,}", lines[2])[:2] == [
        "intervention:bystander-interventions",
        "bystander / upstander interventions",
    ]
    assert lines[-1] == f"({len(SCHOOL)} rows)"


def test_query_run_tsv_and_json(capsys) -> None:
    _, tsv, _ = csgkg(
        capsys, "query", "run", "interventions-by-context", "-p", "context=school", "--format", "tsv"
    )
    assert tsv.splitlines()[0] == "intervention\tinterventionLabel\tkind\tkindLabel\tstatus\tstatusLabel"
    assert len(tsv.splitlines()) == len(SCHOOL) + 1
    _, text, _ = csgkg(capsys, "query", "run", "context-harm-matrix", "--format", "json")
    rows = json.loads(text)
    assert rows[0].keys() == {"context", "contextLabel", "harm", "harmLabel", "interventions"}
    assert all(isinstance(r["interventions"], int) for r in rows)


def test_query_run_markdown_is_the_expected_answer_in_the_file(capsys) -> None:
    code, out, _ = csgkg(capsys, "query", "run", "interventions-by-harm", "--example", "--format", "markdown")
    assert code == 0
    text = (REPO / "queries" / "interventions-by-harm.rq").read_text()
    block = "\n".join(f"# {line}" for line in out.splitlines())
    assert "# expected:\n" + block in text


def test_query_run_ad_hoc_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "programmes.rq"
    path.write_text(
        "PREFIX csg: <https://w3id.org/csgkg/ontology/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label WHERE { ?p a csg:Programme ; rdfs:label ?label } ORDER BY ?label\n"
    )
    code, out, _ = csgkg(capsys, "query", "run", "--file", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "label"
    assert lines[1:] == sorted(lines[1:])
    assert {"Achieving Change Together", "Mentors in Violence Prevention", "Shifting Boundaries"} <= set(
        lines[1:]
    )
    assert "restorative justice" not in lines  # an approach, not a programme


def test_query_run_print_query_shows_the_bound_text(capsys) -> None:
    code, out, _ = csgkg(capsys, "query", "run", "interventions-by-harm", "-p", "harm=CSE", "--print-query")
    assert code == 0
    assert "VALUES (?_harm_iri) { (<https://w3id.org/csgkg/vocab/harm/sexual-exploitation>) }" in out
    assert out.lstrip().startswith("#")  # the documentation comes along; the query runs anywhere


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["interventions-by-harm", "-p", "harm=sexual exploitaton"],
            "nearest valid values: sexual exploitation (harm:sexual-exploitation)",
        ),
        (["interventions-by-contxt", "-p", "context=school"], "did you mean interventions-by-context"),
        (["interventions-by-context"], "needs the parameter 'context'"),
        (["interventions-by-context", "-p", "school"], "--param needs KEY=VALUE"),
        (["interventions-by-context", "-p", "colour=red"], "has no parameter 'colour'"),
        ([], "name a stored query"),
        (
            ["similar-interventions", "-p", "intervention=Shifting Limits"],
            "nearest valid values: Shifting Boundaries (intervention:shifting-boundaries)",
        ),
    ],
)
def test_query_run_errors_exit_2_with_a_message_a_person_can_act_on(capsys, args, words) -> None:
    code, out, err = csgkg(capsys, "query", "run", *args)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and words in err


def test_a_quality_check_that_finds_problems_exits_1(tmp_path: Path, capsys) -> None:
    root = copy_root(tmp_path / "root")
    shutil.copy(FIXTURES / "Intervention-without-source.ttl", root.data_dir / "interventions")
    code = main(["--root", str(root.path), "query", "run", "intervention-without-source-violation"])
    captured = capsys.readouterr()
    assert code == 1
    assert "fixture-without-source" in captured.out
    assert "intervention-without-source-violation: 1 problem(s) found" in captured.err
    assert csgkg(capsys, "query", "run", "intervention-without-source-violation")[0] == 0


def test_compare_prints_two_interventions_side_by_side(capsys) -> None:
    code, out, _ = csgkg(capsys, "compare", "restorative justice", "multi-family group therapy")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("restorative justice (intervention:restorative-justice)  vs  ")
    header = [c.strip() for c in lines[2].strip("|").split("|")]
    assert header == ["facet", "both", "only restorative justice", "only multi-family group therapy"]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines if line.startswith("|")]
    assert ["works in context", "", "neighbourhood", "family"] in rows
    assert ["intended for", "families", "safeguarding professionals", "parents and carers"] in rows
    assert ["", "young people", "school staff", "professionals working with families"] in rows


def test_compare_in_other_formats(capsys) -> None:
    _, text, _ = csgkg(capsys, "compare", "MVP", "Shifting Boundaries", "--format", "json")
    data = json.loads(text)
    assert data["a_label"] == "Mentors in Violence Prevention"
    harms = next(f for f in data["facets"] if f["facet_label"] == "addresses harm")
    assert harms["shared"] == ["sexual harassment", "sexual violence"]
    assert harms["only_b"] == ["teenage relationship abuse"]
    _, md, _ = csgkg(capsys, "compare", "MVP", "Shifting Boundaries", "--format", "markdown")
    assert "| works in context | school | peer group |  |" in md
    _, table, _ = csgkg(capsys, "compare", "MVP", "Shifting Boundaries", "--format", "csv")
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0] == ["facet", "both", "only Mentors in Violence Prevention", "only Shifting Boundaries"]
    assert ["associated country", "United States", "England; Scotland", ""] in rows


@pytest.mark.parametrize(
    ("a", "b", "words"),
    [
        ("RJ", "restorative justice", "two different interventions"),
        (
            "RJ",
            "multi family therapy",
            "nearest valid values: multi-family group therapy (intervention:multi-family-group-therapy)",
        ),
    ],
)
def test_compare_errors(capsys, a: str, b: str, words: str) -> None:
    code, _, err = csgkg(capsys, "compare", a, b)
    assert code == 2 and words in err


def test_the_installed_command(tmp_path: Path) -> None:
    """The console script works from any folder, through the lazy extension hook of cli.py."""
    command = shutil.which("csgkg")
    base = [command] if command else [sys.executable, "-m", "csgkg"]
    help_text = subprocess.run([*base, "--help"], capture_output=True, text=True, check=True).stdout
    assert "query" in help_text and "compare" in help_text
    done = subprocess.run(
        [*base, "--root", str(REPO), "query", "run", "interventions-by-harm", "--param", "harm=CSE"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [line.split(",")[1] for line in done.stdout.splitlines()[1:]] == [
        "Achieving Change Together",
        "Cleveland Community Guardians",
        "community guardians",
        "location assessment",
        "Mentors in Violence Prevention",
        "Operation Makesafe",
        "Safeguarding on Transport",
    ]
