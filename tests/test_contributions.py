"""Contributions: templates, the YAML form, checking, adding, and hostile input.

The corpus in examples/contributions/invalid/ pairs each file with the exit code and the message it must
give (examples/contributions/expected.json). Tests that add run on a private copy of the dataset.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO
from csgkg.cli.main import main
from csgkg.io.parse import load_dataset
from csgkg.validation.run import validate

CONTRIBUTIONS = EXAMPLES / "contributions"
EXPECTED = json.loads((CONTRIBUTIONS / "expected.json").read_text(encoding="utf-8"))
VALID = sorted((CONTRIBUTIONS / "valid").iterdir())


def tree_digest(folder: Path) -> str:
    """A digest of every file's path and bytes under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def run(*args: str, cwd: Path = REPO, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "csgkg", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def test_every_invalid_contribution_has_an_expectation() -> None:
    assert sorted(p.name for p in (CONTRIBUTIONS / "invalid").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_contribution_gives_its_message(capsys, name: str) -> None:
    code, words = EXPECTED[name]
    assert main(["--root", str(REPO), "validate", str(CONTRIBUTIONS / "invalid" / name)]) == code
    captured = capsys.readouterr()
    assert words in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_contribution_in_every_format_conforms(capsys, path: Path) -> None:
    assert main(["--root", str(REPO), "validate", str(path)]) == 0, capsys.readouterr().out


def test_add_writes_canonical_files_and_the_dataset_still_validates(tmp_root, capsys) -> None:
    files = [str(p) for p in VALID]
    assert main(["--root", str(tmp_root.path), "add", *files]) == 0, capsys.readouterr()
    added = tmp_root.data_dir / "interventions" / "safer-streets-programme.ttl"
    text = added.read_text(encoding="utf-8")
    assert "claim:safer-streets-programme.addressesHarm.criminal-exploitation" in text
    assert (tmp_root.data_dir / "organisations" / "example-youth-trust.ttl").is_file()
    assert (tmp_root.data_dir / "sources" / "lunchtime-club-note.ttl").is_file()
    for slug in ("peer-listening-scheme", "night-bus-mentors", "lunchtime-club"):
        assert (tmp_root.data_dir / "interventions" / f"{slug}.ttl").is_file()
    report = validate(load_dataset(tmp_root))
    assert report.conforms, [r.as_json() for r in report.violations]
    # adding the same again is refused, and nothing changes
    before = tree_digest(tmp_root.data_dir)
    assert main(["--root", str(tmp_root.path), "add", files[0]]) == 1
    assert tree_digest(tmp_root.data_dir) == before


def test_add_refuses_invalid_input_and_leaves_data_unchanged(tmp_root) -> None:
    before = tree_digest(tmp_root.data_dir)
    for name, (code, _) in sorted(EXPECTED.items()):
        assert main(["--root", str(tmp_root.path), "add", str(CONTRIBUTIONS / "invalid" / name)]) == code
    # a valid file together with an invalid one: nothing at all is added
    both = [str(VALID[0]), str(CONTRIBUTIONS / "invalid" / "unknown-context.yaml")]
    assert main(["--root", str(tmp_root.path), "add", *both]) == 1
    assert tree_digest(tmp_root.data_dir) == before


def test_new_writes_templates_that_validate_to_clear_todo_messages(tmp_path: Path) -> None:
    for fmt, suffix in (("turtle", "ttl"), ("yaml", "yaml")):
        proc = run("--root", str(REPO), "new", "intervention", "Safer Streets", "--format", fmt, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        template = tmp_path / f"safer-streets.{suffix}"
        text = template.read_text(encoding="utf-8")
        assert "school" in text and "sexual-harassment" in text and "promising-not-tested" in text
        check = run("--root", str(REPO), "validate", str(template), cwd=tmp_path)
        assert check.returncode == 1
        assert "TODO placeholder" in check.stdout and "is not a known context" in check.stdout
    assert run("--root", str(REPO), "new", "intervention", "Safer Streets", cwd=tmp_path).returncode == 2


def test_yaml_template_filled_in_is_added(tmp_root, tmp_path: Path) -> None:
    proc = run(
        "--root", str(tmp_root.path), "new", "intervention", "Walking Bus", "--format", "yaml", cwd=tmp_path
    )
    assert proc.returncode == 0
    form = tmp_path / "walking-bus.yaml"
    text = form.read_text(encoding="utf-8")
    text = text.replace(
        "TODO: in your own words, what it is, who takes part and how it works.",
        "A made-up scheme in which parents walk pupils to school along agreed routes.",
    )
    for field, value in (
        ("contexts", "neighbourhood"),
        ("harms", "serious-violence"),
        ("delivered_by", "youth-worker"),
        ("intended_for", "young-people"),
    ):
        text = text.replace(f"{field}: [TODO]", f"{field}: [{value}]")
    text = text.replace("evidence_status: TODO", "evidence_status: promising-not-tested")
    text = text.replace("intervention_types: []", "intervention_types: [youth-organising]")
    text = text.replace("TODO the title of the page or publication", "Walking bus note")
    text = text.replace("https://example.org/TODO", "https://example.org/walking-bus")
    form.write_text(text, encoding="utf-8")
    add = run("--root", str(tmp_root.path), "add", str(form), cwd=tmp_path)
    assert add.returncode == 0, add.stdout + add.stderr
    assert (tmp_root.data_dir / "interventions" / "walking-bus.ttl").is_file()


# --- hostile input ---------------------------------------------------------------------------------


def _check(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return run("--root", str(REPO), "validate", *extra, str(path), timeout=90)


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.ttl"
    big.write_bytes(
        b'<https://w3id.org/csgkg/id/intervention/x> <http://p> "' + b"x" * (50 * 1024 * 1024) + b'" .\n'
    )
    proc = _check(big)
    assert proc.returncode == 2 and "over the limit of 10,485,760 bytes" in proc.stderr
    small = tmp_path / "small.ttl"
    small.write_text("<http://a> <http://b> <http://c> .\n" * 100, encoding="utf-8")
    proc = _check(small, "--max-bytes", "1000")
    assert proc.returncode == 2 and "over the limit of 1,000 bytes" in proc.stderr


def test_million_item_collection_is_refused(tmp_path: Path) -> None:
    items = " ".join(str(i) for i in range(1_000_000))
    path = tmp_path / "list.ttl"
    path.write_text(
        f"<https://w3id.org/csgkg/id/intervention/x> <http://p> ( {items} ) .\n", encoding="utf-8"
    )
    proc = _check(path)
    assert proc.returncode == 2 and "more than the 200,000 a contribution may have" in proc.stderr


def test_deep_nesting_is_reported_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.ttl"
    path.write_text(
        "<http://s> <http://p> " + "[ <http://p> " * 300 + "1" + " ]" * 300 + " .\n", encoding="utf-8"
    )
    proc = _check(path)
    assert proc.returncode in (1, 2), proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "nests too deeply" in proc.stderr or "blank node" in proc.stdout


def test_invalid_utf8_names_the_byte_and_a_bom_is_tolerated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(b'<http://s> <http://p> "caf\xc3" .\n')
    proc = _check(bad)
    assert proc.returncode == 2 and "byte 26" in proc.stderr
    bom = tmp_path / "bom.ttl"
    bom.write_bytes(b"\xef\xbb\xbf" + (CONTRIBUTIONS / "valid" / "peer-listening-scheme.ttl").read_bytes())
    assert _check(bom).returncode == 0



# Work for the limited worker: module-level functions, since the worker imports them by name.
def slow(_: int) -> None:
    import time

    time.sleep(30)


def greedy(n: int) -> int:
    return len(bytearray(n))


def killed(_: int) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def exits(code: int) -> None:
    os._exit(code)


def connect(port: int) -> None:
    socket.create_connection(("127.0.0.1", port), timeout=1)


def test_a_check_that_runs_too_long_is_stopped(tmp_path: Path, monkeypatch) -> None:
    from csgkg.contribution import limits
    from csgkg.core.errors import InputError

    with pytest.raises(InputError, match=r"took longer than 1 s and was stopped; try the fast engine$"):
        limits.run_limited(slow, (1,), limits.Limits(timeout=1), "slow.ttl", hint="try the fast engine")


def test_memory_is_bounded(tmp_path: Path) -> None:
    from csgkg.contribution import limits
    from csgkg.core.errors import InputError

    bounded = limits.Limits(memory=256 * 1024**2)
    with pytest.raises(InputError, match=r"ran out of the memory allowed for a check \(256 MB .*; try less$"):
        limits.run_limited(greedy, (2 * 1024**3,), bounded, "greedy.ttl", hint="try less")


def test_a_worker_that_dies_is_explained(tmp_path: Path) -> None:
    """A worker that ends without an answer (killed, or crashed on its memory limit) gets a message
    saying how it ended and which limit to raise, not a bare "stopped unexpectedly"."""
    from csgkg.contribution import limits
    from csgkg.core.errors import InputError

    with pytest.raises(InputError) as info:
        bounded = limits.Limits(timeout=10, memory=512 * 1024**2)
        limits.run_limited(killed, (1,), bounded, "big.ttl", hint="try --engine fast")
    message = str(info.value)
    assert "big.ttl" in message and "signal SIGKILL" in message
    assert "512 MB" in message and "CSGKG_MEMORY" in message and message.endswith("try --engine fast")
    with pytest.raises(InputError, match=r"exit status 3 .*CSGKG_MEMORY"):
        limits.run_limited(exits, (3,), limits.Limits(timeout=10), "big.ttl")
    with pytest.raises(InputError, match=r"exit status 4 .*no memory limit"):
        limits.run_limited(exits, (4,), limits.Limits(timeout=10, memory=0), "big.ttl")


def test_no_network_connection_is_attempted(tmp_path: Path) -> None:
    """A local listener stands in for the network: contexts, imports and bases pointing at it are never
    fetched, so it never sees a connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    hits: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append("connection")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/ctx.jsonld"
    files = {
        "ctx.jsonld": json.dumps({"@context": url, "@id": "https://w3id.org/csgkg/id/intervention/x"}),
        "scoped.jsonld": json.dumps(
            {"@context": {"p": {"@id": "http://p", "@context": url}}, "p": {"@id": "x"}}
        ),
        "import.jsonld": json.dumps({"@context": {"@import": url}, "@id": "http://x"}),
        "base.ttl": f"@base <{url}> .\n<x> <http://p> <y> .\n",
        "form.yaml": f"id: net\nkind: programme\nname: Net\nsources: [{url}]\ncontexts: [{url}]\n",
    }
    try:
        for name, text in files.items():
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
            proc = _check(path)
            assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr, (name, proc.stderr)
    finally:
        stop.set()
        thread.join(2)
        server.close()
    assert hits == []


WORKER_PROBE = """
import sys, threading
from csgkg.contribution import limits
from csgkg.core.errors import InputError
if sys.argv[1] == "thread":
    threading.Thread(target=threading.Event().wait, daemon=True).start()
print(limits._worker_context().get_start_method())
print(limits.run_limited(sorted, ([3, 1, 2],), limits.Limits(timeout=20), "probe.ttl"))
try:
    limits.run_limited(bytearray, (2 * 1024**3,), limits.Limits(timeout=20, memory=256 * 1024**2), "big.ttl")
except InputError as exc:
    print(str(exc).split(":", 1)[1].split("(")[0].strip())
"""


@pytest.mark.parametrize(("mode", "method"), [("alone", "fork"), ("thread", "forkserver")])
def test_the_worker_is_forked_from_the_caller_only_while_it_runs_one_thread(mode: str, method: str) -> None:
    """A caller with one thread forks the worker itself; one with another thread (as a store
    starts) uses the clean server process. Either way the worker answers and its memory is bounded."""
    proc = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE, mode], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [method, "[1, 2, 3]", "ran out of the memory allowed for a check"]


def test_network_access_inside_the_worker_is_refused() -> None:
    from csgkg.contribution import limits
    from csgkg.core.errors import CsgkgError

    with pytest.raises(CsgkgError, match="network access was attempted"):
        limits.run_limited(connect, (9,), limits.Limits(timeout=10), "net.ttl")


# --- IRIs that could not be stored as written --------------------------------------------------------

BAD_IRIS = [
    "https://w3id.org/csgkg/id/intervention/#",  # an empty last segment
    "https://w3id.org/csgkg/id/intervention/",
    "https://w3id.org/csgkg/id/intervention/../../x",  # outside its namespace once normalised
    "https://w3id.org/csgkg/id/intervention/caf\u00e9\u202etxt.exe",  # a right-to-left override
    "https://w3id.org/csgkg/id/intervention/" + "a" * 300,  # longer than a file name may be
    "https://w3id.org/csgkg/id/intervention/a/b",  # not directly under its namespace
    "https://w3id.org/csgkg/id/organisation/youth-trust",  # another namespace
]


@pytest.mark.parametrize("iri", BAD_IRIS, ids=range(len(BAD_IRIS)))
def test_add_never_names_a_file_after_an_iri_that_is_not_a_slug(tmp_root, iri: str) -> None:
    from rdflib import URIRef

    from csgkg.contribution.add import AddError, file_for

    with pytest.raises(AddError, match="cannot be stored"):
        file_for(tmp_root, URIRef(iri), "interventions")
    assert file_for(tmp_root, URIRef("https://w3id.org/csgkg/id/intervention/a-b-2"), "interventions") == (
        tmp_root.data_dir / "interventions" / "a-b-2.ttl"
    )


@pytest.mark.parametrize("local", ["#", "Example_Programme", "x/../../example", "a" * 300])
def test_validate_refuses_what_add_could_not_store(tmp_root, tmp_path: Path, capsys, local: str) -> None:
    """The intervention IRI rule fires, so `csgkg add` writes nothing and every later command works."""
    text = (EXAMPLES / "valid" / "Programme-complete.ttl").read_text(encoding="utf-8")
    bad = text.replace("intervention:example-programme-complete", f"<https://w3id.org/csgkg/id/intervention/{local}>")
    contribution = tmp_path / "bad.ttl"
    contribution.write_text(bad, encoding="utf-8")
    before = tree_digest(tmp_root.data_dir)
    assert main(["--root", str(tmp_root.path), "add", str(contribution)]) == 1
    assert "shapes:Intervention-iri-slug" in capsys.readouterr().out
    assert tree_digest(tmp_root.data_dir) == before
    assert main(["--root", str(tmp_root.path), "validate"]) == 0


def test_the_turtle_template_parses_with_every_optional_line_filled_in(tmp_path: Path) -> None:
    """Uncommenting the optional lines, as the template says to, never meets an undeclared prefix."""
    import re

    from rdflib import Graph

    from csgkg.contribution.scaffold import turtle_template
    from csgkg.core.root import DatasetRoot

    text = turtle_template("Night Walk", load_dataset(DatasetRoot(REPO)).graph())
    filled = re.sub(r"^    # (csg:\w+ [\w-]+:)\.\.\. ;$", r"    \1TODO ;", text, flags=re.M)
    assert filled != text  # there were optional lines to fill in
    code = re.sub(r"(?m)^#.*$|\"[^\"]*\"|<[^>]*>", "", filled)  # no comments, texts or IRIs
    used = set(re.findall(r"(?<![\w<\"])([a-z][\w-]*):[\w-]", code))
    declared = set(re.findall(r"^@prefix ([\w-]+):", filled, flags=re.M))
    assert used <= declared
    Graph().parse(data=filled, format="turtle")


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero"])
def test_a_contribution_is_read_only_from_a_regular_file(tmp_path: Path, capsys, target: str) -> None:
    """A link is refused before anything is read: nothing of the file it points to is quoted, and a
    link to an endless device does not run into the memory limit."""
    link = tmp_path / "contribution.ttl"
    link.symlink_to(target)
    assert main(["--root", str(REPO), "validate", str(link)]) == 2
    err = capsys.readouterr().err
    assert "symbolic link" in err and "root" not in err.replace(str(tmp_path), "")


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("address", ["javascript:alert(1)", "ftp://example.org/page"])
def test_an_address_of_another_scheme_is_a_violation(
    tmp_path: Path, capsys, engine: str, address: str
) -> None:
    """pySHACL read focus IRIs of schemes other than http(s) as CURIEs and failed with a TypeError."""
    text = (EXAMPLES / "invalid" / "Organisation-without-name.ttl").read_text(encoding="utf-8")
    text = text.replace("<https://example.org/about>", f"<{address}>")
    named = '    a csg:Organisation ;\n    rdfs:label "Named"@en ;\n'
    text = text.replace("    a csg:Organisation ;\n", named)
    contribution = tmp_path / "org.ttl"
    contribution.write_text(text, encoding="utf-8")
    assert main(["--root", str(REPO), "validate", "--engine", engine, str(contribution)]) == 1
    out = capsys.readouterr().out
    assert "rule: shapes:Source-url" in out and "Organisation-label" not in out


def test_a_typo_leads_with_did_you_mean_and_what_follows_uses_short_names(tmp_path: Path, capsys) -> None:
    # one typo in a statement whose claim still names the right value: the unknown value comes first,
    # then what follows from it (the claim that no longer matches, the statement that has no claim),
    # in the short names the rest of the report uses
    text = (EXAMPLES / "valid" / "Programme-complete.ttl").read_text(encoding="utf-8")
    statement = "csg:worksInContext context:neighbourhood ;"
    typo = tmp_path / "typo.ttl"
    typo.write_text(text.replace(statement, "csg:worksInContext context:Scool ;"), encoding="utf-8")
    assert main(["--root", str(REPO), "validate", "--format", "json", str(typo)]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    assert [r["constraint"] for r in results] == [
        "shapes:Intervention-context-in-scheme",
        "shapes:Intervention-claim-stated",
        "shapes:Intervention-statement-has-claim",
    ]
    assert results[0]["message"].startswith("context 'Scool' is not a known context; did you mean 'school'?")
    assert results[1]["message"].startswith(
        "A claim (claim:example-programme-complete.worksInContext.neighbourhood) records csg:worksInContext "
        "context:neighbourhood for this intervention"
    )
    assert main(["--root", str(REPO), "validate", str(typo)]) == 1
    out = capsys.readouterr().out
    assert "https://w3id.org/" not in out
    assert out.index("did you mean 'school'") < out.index("A claim (claim:")


def test_new_transliterates_a_name_into_an_ascii_slug(tmp_path: Path) -> None:
    proc = run("--root", str(REPO), "new", "intervention", "Café Straße Project", "--format", "yaml",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    form = (tmp_path / "cafe-strasse-project.yaml").read_text(encoding="utf-8")
    assert "id: cafe-strasse-project " in form and "name: Café Straße Project" in form
    turtle = run("--root", str(REPO), "new", "intervention", "Children’s Café", cwd=tmp_path)
    assert turtle.returncode == 0, turtle.stderr
    assert "intervention:childrens-cafe\n" in (tmp_path / "childrens-cafe.ttl").read_text(encoding="utf-8")
    assert run("--root", str(REPO), "new", "intervention", "?!", cwd=tmp_path).returncode == 2


def test_new_warns_when_the_name_the_iri_or_the_source_exists(tmp_path: Path, capsys) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from csgkg.contribution.scaffold import already_in_dataset
    from csgkg.core.namespaces import CSG, PREFIXES, new_graph

    new = ["--root", str(REPO), "new", "intervention"]
    assert main([*new, "shifting boundaries", "-o", str(tmp_path / "a.ttl")]) == 0
    err = capsys.readouterr().err
    assert "warning: intervention:shifting-boundaries already exists in the dataset" in err
    assert "warning: the name 'shifting boundaries' is already used by intervention:shifting-" in err
    assert (tmp_path / "a.ttl").is_file()  # a warning, not a refusal
    assert main([*new, "A Thing Nobody Made", "-o", str(tmp_path / "b.ttl")]) == 0
    assert "warning" not in capsys.readouterr().err
    # a source with the template's source IRI, and a name used by an intervention with another IRI
    graph = new_graph()
    graph.add((URIRef(PREFIXES["source"] + "walking-bus-source"), RDF.type, CSG.Source))
    other = URIRef(PREFIXES["intervention"] + "school-walking-bus")
    graph.add((other, RDF.type, CSG.Programme))
    graph.add((other, RDFS.label, Literal("Walking Bus", lang="en")))
    warnings = already_in_dataset("walking bus", graph)
    assert len(warnings) == 2
    assert warnings[0].startswith("the name 'walking bus' is already used by intervention:school-walking-bus")
    assert warnings[1].startswith("source:walking-bus-source already exists in the dataset")


# -- the YAML form in its own words -----------------------------------------------------------------

SAFER_STREETS = CONTRIBUTIONS / "valid" / "safer-streets-programme.yaml"


def test_a_form_warning_names_the_form_field_and_its_line(tmp_path: Path, capsys) -> None:
    text = SAFER_STREETS.read_text(encoding="utf-8")
    form = tmp_path / "no-type.yaml"
    form.write_text(text.replace("intervention_types: [youth-organising]", "intervention_types: []"))
    assert main(["--root", str(REPO), "validate", "--format", "json", str(form)]) == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["constraint"] == "shapes:Intervention-type-recommended"
    assert result["field"] == "intervention_types" and result["path"] == "csg:interventionType"
    field_line = text.splitlines().index("intervention_types: [youth-organising]") + 1
    assert result["line"] == field_line
    assert "intervention_types" in result["message"] and "csg:" not in result["message"]
    assert main(["--root", str(REPO), "validate", str(form)]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"Warning at \S*{form.name}:{field_line}  intervention_types\n", out), out


def test_a_turtle_warning_still_names_the_property(tmp_path: Path, capsys) -> None:
    text = (CONTRIBUTIONS / "valid" / "peer-listening-scheme.ttl").read_text(encoding="utf-8")
    assert "csg:interventionType itype:peer-education ;" in text
    text = text.replace("csg:interventionType itype:peer-education ;", "")
    claim = r"claim:peer-listening-scheme\.interventionType\.peer-education\n.*?StatedBySource \.\n"
    text, removed = re.subn(claim, "", text, flags=re.S)
    assert removed == 1
    turtle = tmp_path / "no-type.ttl"
    turtle.write_text(text, encoding="utf-8")
    assert main(["--root", str(REPO), "validate", "--format", "json", str(turtle)]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    typed = [r for r in results if r["constraint"] == "shapes:Intervention-type-recommended"]
    assert typed and typed[0]["field"] is None and "csg:interventionType" in typed[0]["message"]


@pytest.mark.parametrize(
    ("broken", "opened", "words"),
    [
        ("contexts: [neighbourhood, community", "contexts:", "the list opened with '['"),
        ('name: "Safer Streets Programme', "name:", "has no closing quote"),
    ],
)
def test_a_yaml_syntax_error_points_at_the_line_of_the_mistake(
    tmp_path: Path, capsys, broken: str, opened: str, words: str
) -> None:
    """PyYAML notices an unclosed list or quotation lines later; the message names the line it opened."""
    text = SAFER_STREETS.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(opened))
    original = text.splitlines()[line - 1]
    form = tmp_path / "broken.yaml"
    form.write_text(text.replace(original, broken), encoding="utf-8")
    assert main(["--root", str(REPO), "validate", str(form)]) == 2
    err = capsys.readouterr().err
    assert f"broken.yaml:{line}:" in err and "YAML syntax error" in err and words in err
