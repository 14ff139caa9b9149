"""Queries never reach the network, never change data, and parameters never change a query's shape.

Parameter values are bound as RDF terms in a VALUES block; values built to break out of a term give
an error or no rows, never other data. SERVICE, FROM, FROM NAMED and every update (LOAD included) are
refused by reading the parsed query, so escaped spellings such as ``SERVIC\\u0045`` are caught too.
"""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

import csgkg
from conftest import REPO
from csgkg.cli.main import main
from csgkg.core.errors import UsageError
from csgkg.core.root import DatasetRoot
from csgkg.sparql.binding import check_bound_values, inject_values, term_to_sparql
from csgkg.sparql.safety import QuerySyntaxError, UnsafeQueryError, parse_checked
from csgkg.store import base

INJECTIONS = [
    'school" } ?s ?p ?o {',
    "<x> } UNION { ?s ?p ?o }",
    "school> } UNION { ?s ?p ?o } #",
    "school' } ?s ?p ?o {",
    "school\\u0022 } ?s ?p ?o {",
    "school\n} ?s ?p ?o {",
    "?s",
    "*",
    "",
]

PREFIX = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
# An ad-hoc query with a text parameter (an English literal): the one place a raw value is bound.
BY_LABEL = PREFIX + "SELECT ?thing WHERE { ?thing rdfs:label ?_name_en }"
# An ad-hoc query with an IRI parameter that names no kind of thing csgkg knows.
LABEL_OF = PREFIX + "SELECT ?label WHERE { ?_thing_iri rdfs:label ?label }"


@pytest.fixture(autouse=True)
def no_evaluation_of_refused_queries(monkeypatch: pytest.MonkeyPatch):
    """Fail if a query that parse_checked refuses ever reaches the engine."""
    calls: list[object] = []
    for cls in (base.OxigraphStore, base.RdflibStore):
        original = cls.query

        def spy(self, text, original=original):
            calls.append(text)
            return original(self, text)

        monkeypatch.setattr(cls, "query", spy)
    return calls


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("interventions-by-context", "context"),
        ("interventions-by-harm", "harm"),
        ("sources-of", "intervention"),
        ("find-interventions", "audience"),
        ("compare-interventions", "b"),
    ],
)
def test_an_injection_in_a_stored_parameter_is_an_unknown_value(
    root: DatasetRoot, name: str, parameter: str, value: str, no_evaluation_of_refused_queries
) -> None:
    params = {parameter: value}
    if name == "compare-interventions":
        params["a"] = "restorative justice"
    with pytest.raises(UsageError, match="unknown"):
        csgkg.query(name, root=root, **params)
    assert no_evaluation_of_refused_queries == []


@pytest.mark.parametrize("value", INJECTIONS)
def test_an_injection_in_a_text_parameter_finds_nothing(root: DatasetRoot, value: str) -> None:
    if "\\u" in value:
        # SPARQL expands \\u escapes before parsing, even in strings: refused, not rewritten.
        with pytest.raises(UsageError, match="may not contain"):
            csgkg.query_sparql(BY_LABEL, name=value, root=root)
    else:
        assert csgkg.query_sparql(BY_LABEL, name=value, root=root) == []


def test_the_text_parameter_does_find_a_real_name(root: DatasetRoot) -> None:
    rows = csgkg.query_sparql(BY_LABEL, name="Shifting Boundaries", root=root)
    assert rows == [{"thing": "https://w3id.org/csgkg/id/intervention/shifting-boundaries"}]


@pytest.mark.parametrize(
    "value",
    ["<x> } UNION { ?s ?p ?o }", "http://e/x> } UNION { ?s ?p ?o } #", "http://e/a b", 'http://e/"'],
)
def test_an_injection_in_an_iri_parameter_is_refused(root: DatasetRoot, value: str) -> None:
    with pytest.raises(UsageError, match="IRI"):
        csgkg.query_sparql(LABEL_OF, thing=value, root=root)


def test_a_literal_is_bound_as_one_escaped_term(root: DatasetRoot) -> None:
    value = 'a" } ?s ?p ?o { "\\" \' \n'
    text = inject_values(BY_LABEL, {"_name_en": [Literal(value, lang="en")]})
    query = parse_checked(text)
    check_bound_values(query.algebra, {"_name_en": [Literal(value, lang="en")]})
    assert csgkg.query_sparql(BY_LABEL, name=value, root=root) == []


def test_a_value_that_does_not_come_back_as_bound_is_refused() -> None:
    text = inject_values(LABEL_OF, {"_thing_iri": [URIRef("http://e/one")]})
    query = parse_checked(text)
    with pytest.raises(UsageError, match="not bound as given"):
        check_bound_values(query.algebra, {"_thing_iri": [URIRef("http://e/two")]})


@pytest.mark.parametrize("iri", ["http://e/a>b", "http://e/a b", "http://e/{x}", "http://e/a\\b"])
def test_an_iri_that_could_break_out_is_never_written(iri: str) -> None:
    with pytest.raises(UsageError, match="not a valid IRI"):
        term_to_sparql(URIRef(iri))


def test_values_go_into_the_right_group_whatever_comments_and_strings_hold() -> None:
    text = (
        PREFIX + "# a comment { with braces SELECT\n"
        'SELECT ?thing (STR("{") AS ?brace) WHERE { ?thing rdfs:comment "SELECT { }" . '
        "?thing rdfs:label ?_name_en }"
    )
    bound = inject_values(text, {"_name_en": [Literal("x", lang="en")]})
    assert 'WHERE {\n  VALUES (?_name_en) { ("x"@en) }' in bound
    check_bound_values(parse_checked(bound).algebra, {"_name_en": [Literal("x", lang="en")]})


REFUSED = {
    "SERVICE": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "service, lower case": "select * where { service <http://example.org/sparql> { ?s ?p ?o } }",
    "SERVIC\\u0045": "SELECT * WHERE { SERVIC\\u0045 <http://example.org/sparql> { ?s ?p ?o } }",
    "SERVICE in \\u escapes": "SELECT * WHERE { \\u0053\\u0045RVICE <http://example.org/s> { ?s ?p ?o } }",
    "SERVICE SILENT in a subquery": (
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT <http://e/s> { ?s ?p ?o } } } }"
    ),
    "SERVICE in FILTER EXISTS": (
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://e/s> { ?s ?p ?o } } }"
    ),
    "SERVICE with a variable endpoint": "SELECT * WHERE { ?e ?p ?o SERVICE ?e { ?s ?p ?o } }",
    "FROM": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "FROM NAMED": "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "FR\\u004FM": "SELECT * FR\\u004FM <http://example.org/g> WHERE { ?s ?p ?o }",
    "ASK FROM": "ASK FROM <http://example.org/g> { ?s ?p ?o }",
    "CONSTRUCT FROM": "CONSTRUCT { ?s ?p ?o } FROM <http://e/g> WHERE { ?s ?p ?o }",
    "DESCRIBE FROM": "DESCRIBE ?s FROM <http://e/g> WHERE { ?s ?p ?o }",
    "INSERT DATA": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "INSERT WHERE": "INSERT { ?s <http://e/p> 1 } WHERE { ?s ?p ?o }",
    "LOAD": "LOAD <http://example.org/data.ttl>",
    "LO\\u0041D": "LO\\u0041D <http://example.org/data.ttl>",
    "LOAD SILENT INTO": "LOAD SILENT <http://example.org/d.ttl> INTO GRAPH <http://e/g>",
    "CLEAR": "CLEAR ALL",
    "DROP": "DROP GRAPH <http://example.org/g>",
    "CREATE": "CREATE GRAPH <http://example.org/g>",
    "COPY": "COPY DEFAULT TO <http://example.org/g>",
}


@pytest.mark.parametrize("text", list(REFUSED.values()), ids=list(REFUSED))
def test_unsafe_queries_are_refused_before_they_run(
    root: DatasetRoot, text: str, no_evaluation_of_refused_queries
) -> None:
    with pytest.raises(UnsafeQueryError, match="refused"):
        csgkg.query_sparql(text, root=root)
    assert no_evaluation_of_refused_queries == []


def test_the_words_in_comments_and_strings_are_harmless(root: DatasetRoot) -> None:
    text = (
        PREFIX + "# SERVICE <http://example.org/sparql> FROM <http://e/g> LOAD <http://e/x>\n"
        'SELECT ?s WHERE { ?s rdfs:label "SERVICE FROM NAMED LOAD INSERT"@en }'
    )
    assert csgkg.query_sparql(text, root=root) == []


def test_a_stored_query_is_checked_too(tmp_root: DatasetRoot) -> None:
    (tmp_root.queries_dir / "evil.rq").write_text(
        "#+ summary: fetches from elsewhere\n"
        "SELECT * WHERE { SERVIC\\u0045 <http://example.org/sparql> { ?s ?p ?o } }\n"
    )
    with pytest.raises(UnsafeQueryError, match="SERVICE"):
        csgkg.query("evil", root=tmp_root)


def test_an_update_says_what_it_is(root: DatasetRoot) -> None:
    with pytest.raises(UnsafeQueryError, match="updates are refused: this is a LOAD request"):
        csgkg.query_sparql("LOAD <http://example.org/data.ttl>", root=root)


def test_not_a_query_at_all_is_a_syntax_error(root: DatasetRoot) -> None:
    with pytest.raises(QuerySyntaxError, match=r"not valid SPARQL 1\.1 at line 2"):
        csgkg.query_sparql("SELECT ?s\nWHERE { ?s ?p }", root=root)
    with pytest.raises(QuerySyntaxError):
        csgkg.query_sparql("", root=root)


@pytest.mark.parametrize("text", [REFUSED["SERVIC\\u0045"], REFUSED["LO\\u0041D"], REFUSED["FROM"]])
def test_the_command_line_refuses_an_unsafe_file(tmp_path, capsys, text: str) -> None:
    path = tmp_path / "my.rq"
    path.write_text(text)
    assert main(["--root", str(REPO), "query", "run", "--file", str(path)]) == 2
    assert "refused" in capsys.readouterr().err


def test_the_command_line_refuses_an_injected_value(capsys) -> None:
    code = main(
        [
            "--root",
            str(REPO),
            "query",
            "run",
            "interventions-by-context",
            "--param",
            'context=school" } ?s ?p ?o {',
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "unknown context" in captured.err and "nearest valid values: school" in captured.err


# -- a text that passed the checks is not read again -------------------------------------------------

SAFE = "SELECT ?s WHERE { VALUES ?s { <https://w3id.org/csgkg/id/intervention/x> } ?s ?p ?o }"
SAFE_BINDINGS = {"s": [URIRef("https://w3id.org/csgkg/id/intervention/x")]}


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """Every text the slow checker reads, in order."""
    from csgkg.sparql import checked

    read: list[str] = []

    def counting(text: str):
        read.append(text)
        return parse_checked(text)

    monkeypatch.setattr(checked, "parse_checked", counting)
    return read


def test_a_checked_text_is_read_once_per_text_and_values(tmp_path, counted) -> None:
    from csgkg.sparql.checked import check_query

    root = DatasetRoot(tmp_path)
    check_query(SAFE, SAFE_BINDINGS, root)
    check_query(SAFE, SAFE_BINDINGS, root)
    assert counted == [SAFE]
    other = SAFE.replace("/x>", "/y>")
    check_query(other, {"s": [URIRef("https://w3id.org/csgkg/id/intervention/y")]}, root)
    assert counted == [SAFE, other]
    # the same text with other values is another check: the recorded verdict does not vouch for it
    with pytest.raises(UsageError):
        check_query(SAFE, {"s": [URIRef("https://w3id.org/csgkg/id/intervention/z")]}, root)
    assert len(counted) == 3


def test_a_refused_text_is_never_recorded(tmp_path, counted) -> None:
    from csgkg.sparql.checked import CHECKED_DIR, check_query

    root = DatasetRoot(tmp_path)
    unsafe = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(2):
        with pytest.raises(UnsafeQueryError):
            check_query(unsafe, {}, root)
    assert counted == [unsafe, unsafe]
    assert not (tmp_path / CHECKED_DIR).exists() or not any((tmp_path / CHECKED_DIR).iterdir())


def test_a_root_that_cannot_be_written_is_checked_every_time(tmp_path, counted) -> None:
    from csgkg.sparql.checked import check_query

    (tmp_path / "build").write_text("a file where the folder would go", encoding="utf-8")
    root = DatasetRoot(tmp_path)
    check_query(SAFE, SAFE_BINDINGS, root)
    check_query(SAFE, SAFE_BINDINGS, root)
    assert counted == [SAFE, SAFE]


def test_stored_queries_without_parameters_are_checked_ahead_and_not_read_again(tmp_path, counted) -> None:
    """check_stored_queries (which the build calls) records the verdict of every stored query that
    needs no parameter; running one afterwards reads nothing, and a query that needs a value is
    left for its run. An unsafe stored query is named, not recorded."""
    import shutil

    from csgkg.sparql.api import check_stored_queries, list_queries, run_stored

    root_path = tmp_path / "root"
    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / part, root_path / part)
    (root_path / "queries" / "unsafe-ahead.rq").write_text(
        "#+ summary: Unsafe\nSELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }\n",
        encoding="utf-8",
    )
    root = DatasetRoot(root_path)
    failed = check_stored_queries(root)
    assert len(failed) == 1 and "'unsafe-ahead'" in failed[0] and "SERVICE" in failed[0]
    stored = {s.name: s for s in list_queries(root)}
    free = [s for s in stored.values() if not any(p.required for p in s.parameters)]
    assert len(counted) == len(free) and "intervention-summary" in {s.name for s in free}
    counted.clear()
    run_stored(stored["intervention-summary"], root=root)
    assert counted == []  # checked ahead: not read again
    run_stored(stored["interventions-by-harm"], {"harm": "harm:sexual-harassment"}, root=root)
    assert len(counted) == 1  # bound with a value: checked when run
