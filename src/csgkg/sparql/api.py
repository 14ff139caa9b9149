"""Ask the graph questions: the library API over the stored SPARQL queries in ``queries/``.

>>> import csgkg
>>> rows = csgkg.query("interventions-by-context", context="school")
>>> rows[0]["interventionLabel"]                                   # doctest: +SKIP
'bystander / upstander interventions'
>>> df = csgkg.query_df("context-harm-matrix")                     # doctest: +SKIP

Parameter values may be IRIs, CURIEs, slugs or labels, in any case (``harm="CSE"``); a list gives
several values, any of which may match. Values are bound as RDF terms in a ``VALUES`` block, never
spliced into the text, and every query is checked before it runs (no SERVICE, updates, LOAD, FROM).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csgkg.core.deadline import DEFAULT_QUERY_TIMEOUT, run_with_deadline
from csgkg.core.errors import CsgkgError, UsageError
from csgkg.core.root import DatasetRoot, find_root
from csgkg.core.words import article
from csgkg.io.transport import DEFAULT_MAX_ANSWER_MB
from csgkg.sparql.catalogue import StoredQuery, list_stored, load_stored
from csgkg.store.base import Result, Store, open_store

if TYPE_CHECKING:
    from rdflib import Graph

    from csgkg.sparql.compare import Comparison

RootLike = str | Path | DatasetRoot | None

DEFAULT_TIMEOUT = DEFAULT_QUERY_TIMEOUT


def as_root(root: RootLike = None) -> DatasetRoot:
    """The dataset root: ``root`` itself, the folder it names, or the one find_root finds."""
    return root if isinstance(root, DatasetRoot) else find_root(root)


def list_queries(root: RootLike = None) -> list[StoredQuery]:
    """Every stored query of the dataset, sorted by name."""
    return list_stored(as_root(root))


def get_query(name: str, root: RootLike = None) -> StoredQuery:
    """The stored query called ``name``; a UsageError names the closest names when there is none."""
    return load_stored(as_root(root), name)


def _values(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return [v for v in value if v is not None]
    return [value]


def bind_parameters(
    stored: StoredQuery, params: Mapping[str, object], root: RootLike = None, store: Store | None = None
) -> tuple[str, dict]:
    """The query text with its parameters bound (a VALUES block), and the bindings by variable.

    Unknown parameter names and missing required parameters are UsageErrors; a required parameter
    left out takes its ``#+ defaults:`` value when the query gives one.
    """
    from csgkg.sparql.binding import inject_values
    from csgkg.sparql.resolve import KINDS, resolve_values

    known = {p.name: p for p in stored.parameters}
    for name in params:
        if name not in known:
            listing = ", ".join(p.usage for p in stored.parameters) or "none"
            raise UsageError(f"query '{stored.name}' has no parameter '{name}'; its parameters: {listing}")
    bindings: dict[str, list] = {}
    defaults = stored.defaults
    for parameter in stored.parameters:
        values = _values(params.get(parameter.name))
        if not values and parameter.name in defaults:
            values = [defaults[parameter.name]]
        if not values:
            if parameter.required:
                kind = KINDS.get(parameter.name)
                what = f" ({article(kind.noun)}: an IRI, CURIE or label)" if kind else ""
                raise UsageError(f"query '{stored.name}' needs the parameter '{parameter.name}'{what}")
            continue
        store = store or open_store(as_root(root))
        bindings[parameter.variable] = resolve_values(store, parameter, values)
    return inject_values(stored.sparql, bindings), bindings


def check_stored_queries(root: RootLike = None) -> list[str]:
    """Run the safety checks on every stored query that needs no parameter, as its first run would
    (:func:`csgkg.sparql.checked.check_query` keeps the verdict under ``build/``, for that text and
    those rules only), so that the first run does not parse it; return a line for each query that
    fails them (its runs will refuse it with the same message)."""
    from csgkg.sparql.checked import check_query

    dataset_root = as_root(root)
    failed = []
    for stored in list_queries(dataset_root):
        if any(p.required and p.name not in stored.defaults for p in stored.parameters):
            continue  # bound only when run, with the values given then
        try:
            text, bindings = bind_parameters(stored, {}, dataset_root)
            check_query(text, bindings, dataset_root)
        except CsgkgError as exc:
            failed.append(f"stored query '{stored.name}' does not pass the safety checks: {exc}")
    return failed


def run_stored(
    stored: StoredQuery,
    params: Mapping[str, object] | None = None,
    root: RootLike = None,
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    backend: str = "oxigraph",
    store: Store | None = None,
    max_answer_mb: float = DEFAULT_MAX_ANSWER_MB,
) -> Result:
    """Bind, check and run ``stored`` on the dataset (its index, brought up to date with the files;
    ``backend="rdflib"`` reads the files with rdflib instead), or on the SPARQL 1.1 ``endpoint`` when
    given (the same bound text is sent); return the full :class:`Result`.

    A query still running after ``timeout`` seconds is stopped: on the dataset it runs in a child
    process that is killed then (:mod:`csgkg.core.deadline`), and a
    :class:`~csgkg.core.deadline.DeadlineExceeded` is raised (None: no limit). At an ``endpoint``
    the whole call, retries included, ends within ``timeout`` seconds (None:
    :data:`DEFAULT_TIMEOUT`), and an answer larger than ``max_answer_mb`` megabytes (1 MB =
    1,000,000 bytes) is not read; both raise an
    :class:`~csgkg.io.endpoint_errors.EndpointError` (exit code 3).
    """
    from csgkg.sparql.checked import check_query

    dataset_root = as_root(root)
    store = store or open_store(dataset_root, backend)
    text, bindings = bind_parameters(stored, params or {}, dataset_root, store)
    check_query(text, bindings, dataset_root)
    if endpoint:
        from csgkg.io.remote import run_remote_select

        columns, rows = run_remote_select(
            endpoint, text, timeout=timeout or DEFAULT_TIMEOUT, max_answer_mb=max_answer_mb
        )
        return Result(columns, [tuple(row.get(column) for column in columns) for row in rows])
    local = store
    return run_with_deadline(lambda: local.query(text), timeout, _too_long(timeout))


def _too_long(timeout: float | None) -> str:
    return (
        f"the query ran longer than {timeout or 0:g} s and was stopped: make it more selective or add "
        "LIMIT, or allow more time (--timeout S; timeout=S in Python)"
    )


def bound_query(name: str, /, *, root: RootLike = None, **params: object) -> str:
    """Stored query ``name`` with ``params`` bound: text ready for any SPARQL 1.1 endpoint."""
    from csgkg.sparql.safety import parse_checked

    text, _ = bind_parameters(get_query(name, root), params, root)
    parse_checked(text)
    return text


def _dataframe(result: Result) -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise CsgkgError("a DataFrame needs pandas: pip install pandas") from None
    return pd.DataFrame.from_records(result.records(), columns=result.columns)


def query(
    name: str,
    /,
    *,
    root: RootLike = None,
    dataframe: bool = False,
    backend: str = "oxigraph",
    timeout: float | None = DEFAULT_TIMEOUT,
    **params: object,
) -> Any:
    """Run stored query ``name`` and return its rows as a list of dicts (column -> value).

    IRIs come back as strings, counts as ints, unbound values as None. With ``dataframe=True`` the
    answer is a pandas DataFrame instead (pandas must be installed). ``root`` chooses the dataset
    (default: the nearest above the current folder, else the copy shipped with the package);
    ``backend="rdflib"`` reads the files with rdflib instead of the index (the same rows). A query
    still running after ``timeout`` seconds is stopped with a DeadlineExceeded (None: no limit).
    """
    result = run_stored(get_query(name, root), params, root, backend=backend, timeout=timeout)
    return _dataframe(result) if dataframe else result.records()


def query_df(name: str, /, *, root: RootLike = None, **params: object) -> Any:
    """Run stored query ``name`` and return a pandas DataFrame (columns in the query's order)."""
    return query(name, root=root, dataframe=True, **params)


def query_sparql(
    text: str,
    /,
    *,
    root: RootLike = None,
    dataframe: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    **params: object,
) -> Any:
    """Run an ad-hoc read-only query given as text (grlc-style ``?_name`` parameters allowed),
    stopped after ``timeout`` seconds (None: no limit)."""
    result = run_stored(StoredQuery.from_text(text), params, root, timeout=timeout)
    return _dataframe(result) if dataframe else result.records()


def run_example(stored: StoredQuery, root: RootLike = None) -> Result:
    """Run the example call written in ``stored``'s ``#+ example:`` decorator."""
    return run_stored(stored, stored.example, root)


def compare(
    a: object,
    b: object,
    *,
    root: RootLike = None,
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_answer_mb: float = DEFAULT_MAX_ANSWER_MB,
) -> Comparison:
    """Compare two interventions (IRI, CURIE or label) facet by facet: the values they share and
    those only one of them has; with ``endpoint``, the comparison runs on that SPARQL endpoint,
    within ``timeout`` seconds and ``max_answer_mb`` megabytes of answer (see :func:`run_stored`)."""
    from csgkg.io.locate import curie
    from csgkg.sparql.compare import from_result
    from csgkg.sparql.resolve import KINDS, index_for, resolve_member

    dataset_root = as_root(root)
    store = open_store(dataset_root)
    graph = store.graph()
    iri_a = resolve_member(store, KINDS["a"], a, "a")
    iri_b = resolve_member(store, KINDS["b"], b, "b")
    if iri_a == iri_b:
        raise UsageError("compare needs two different interventions")
    result = run_stored(
        get_query("compare-interventions", dataset_root),
        {"a": iri_a, "b": iri_b},
        dataset_root,
        endpoint=endpoint,
        timeout=timeout,
        store=store,
        max_answer_mb=max_answer_mb,
    )
    index = index_for(store, KINDS["a"])
    return from_result(
        result, curie(iri_a), index.names[iri_a], curie(iri_b), index.names[iri_b], facets_of(graph)
    )


def facets_of(graph: Graph) -> list[tuple[str, str]]:
    """Every facet ``compare-interventions`` compares, as (short name, label) pairs: each property
    under ``csg:facet``, and the country and organisation groups."""
    from rdflib import RDFS

    from csgkg.core.namespaces import CSG
    from csgkg.io.locate import curie

    properties = [
        *graph.subjects(RDFS.subPropertyOf, CSG.facet),
        CSG.associatedCountry,
        CSG.involvedOrganisation,
    ]
    facets = {curie(p): str(graph.value(p, RDFS.label) or curie(p)) for p in properties}
    return sorted(facets.items())
