"""Read and check contributed files: the one code path behind `csgkg validate FILE` and `csgkg add`."""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from csgkg.contribution.claims import add_implicit_claims
from csgkg.contribution.formwords import reword_form_results
from csgkg.contribution.limits import Limits, rebase_memory_limit, run_limited
from csgkg.contribution.policy import check_contribution
from csgkg.contribution.prescan import Scan, prescan
from csgkg.contribution.yamlform import parse_yaml_form
from csgkg.core.errors import InputError
from csgkg.core.files import process_alive
from csgkg.core.root import DatasetRoot
from csgkg.fastshacl.keys import KeyTable, open_keys
from csgkg.io.parse import SourceFile, guess_format, load_dataset, load_shapes, parse_text, read_text
from csgkg.store.base import OxigraphStore
from csgkg.store.index import index_dir, open_index
from csgkg.validation.run import ValidationReport, choose_engine, validate

YAML_SUFFIXES = (".yaml", ".yml")
TERM = re.compile(r"[^\s,()\[\]{}]+")


def read_contribution(
    path: Path, root: DatasetRoot, graph: Graph, limits: Limits, claims_from_source: bool = False
) -> tuple[SourceFile, int]:
    """Read one contributed file (Turtle, N-Triples, JSON-LD or the YAML form) into a SourceFile;
    ``graph`` is the dataset (the YAML form looks names up in it). Returns the file and how many claims
    were made for it.

    The limits on size, terms, statements and nesting are checked before anything is parsed. The YAML
    form is a form: it records a claim for each statement it makes. An RDF file is taken as it is (its
    verdict is what the shapes say about it), unless ``claims_from_source`` asks to record, for an
    intervention citing exactly one source, that source as the claim of each statement lacking one.
    """
    try:
        status = path.lstat()
    except OSError as exc:
        missing = isinstance(exc, FileNotFoundError)
        raise InputError(
            path, f"cannot read the file: {exc.strerror or exc}", kind="missing" if missing else "input"
        ) from None
    if stat.S_ISLNK(status.st_mode):
        raise InputError(
            path, "this is a symbolic link: a contribution is read only from a regular file", kind="refused"
        )
    if not stat.S_ISREG(status.st_mode):
        raise InputError(
            path, "this is not a regular file (a device, pipe or folder): give a Turtle, N-Triples, JSON-LD "
            "or YAML file", kind="refused"
        )
    size = status.st_size
    if size > limits.max_bytes:
        raise InputError(
            path,
            f"the file is {size:,} bytes, over the limit of {limits.max_bytes:,} bytes; split it, or raise "
            "the limit with --max-bytes",
            kind="refused",
        )
    yaml_form = {suffix: "the YAML form" for suffix in YAML_SUFFIXES}
    fmt = None if path.suffix.lower() in YAML_SUFFIXES else guess_format(path, also=yaml_form)
    text = read_text(path)
    terms = sum(1 for _ in TERM.finditer(text))
    if terms > limits.max_terms:
        raise InputError(
            path,
            f"the file holds {terms:,} terms, more than the {limits.max_terms:,} a contribution may have; "
            "a contribution describes a few new entries (very long lists or collections are refused)",
            kind="refused",
        )
    _check_scan(path, prescan(text, path.suffix), limits)
    if fmt is None:
        return parse_yaml_form(text, path, graph), 0
    parsed = parse_text(text, path, fmt, root)
    made = add_implicit_claims(parsed) if claims_from_source else 0
    return SourceFile(path=path, kind="contribution", text=text, graph=parsed), made


def _check_scan(path: Path, scan: Scan, limits: Limits) -> None:
    """Refuse a file whose pre-scan finds more statements or deeper nesting than ``limits`` allow."""
    if scan.statements > limits.max_triples:
        raise InputError(
            path,
            f"the file holds about {scan.statements:,} statements (counted before reading it), more than "
            f"the {limits.max_triples:,} a contribution may have; split it into several files, or raise "
            "the limit with --max-triples (or CSGKG_MAX_TRIPLES)",
        )
    if scan.depth > limits.max_depth:
        raise InputError(
            path,
            f"the file nests too deeply: {scan.depth:,} levels of nested blocks ([ ], ( ), {{ }} or YAML "
            f"lists and mappings), more than the {limits.max_depth:,} a contribution may have; flatten it "
            "(give nested entries their own IRI), or raise the limit with CSGKG_MAX_DEPTH",
        )


@dataclass
class CheckResult:
    """The report on contributed files and the files as read (graphs in RDF)."""

    report: ValidationReport
    sources: list[SourceFile]
    # Claims recorded from an intervention's one source (``claims_from_source``), per file.
    claims_made: dict[Path, int] = field(default_factory=dict)


def remove_abandoned_copies(folder: Path) -> None:
    """Remove the copies of the index made by checks whose process is gone (a check stopped by its time
    or memory limit is killed before it can remove its own copy)."""
    for copy in folder.glob(".check-*"):
        pid = copy.name.split("-")[1]
        if pid.isdigit() and process_alive(int(pid)):
            continue
        shutil.rmtree(copy, ignore_errors=True)


@contextmanager
def _index_copy(root: DatasetRoot) -> Iterator[tuple[OxigraphStore, KeyTable | None]]:
    """A writable copy of the index, brought up to date first (a RocksDB checkpoint: hard links, a
    millisecond), with the index's key table when it was written for these files; removed afterwards."""
    index = open_index(root)
    folder = index_dir(root)
    remove_abandoned_copies(folder)
    copy = Path(tempfile.mkdtemp(prefix=f".check-{os.getpid()}-", dir=folder))
    shutil.rmtree(copy)
    index.store.backup(str(copy))
    store = ox.Store(str(copy))
    try:
        yield OxigraphStore(root, store, index.files), open_keys(folder, index.state.keys)
    finally:
        del store
        shutil.rmtree(copy, ignore_errors=True)


def _read(
    root: DatasetRoot, paths: list[Path], graph: Graph, limits: Limits, claims_from_source: bool
) -> tuple[list, list, dict[Path, int]]:
    """The contributed files read (with the dataset open, so the memory limit now bounds only the
    contribution's work), the instance-data policy's results on them and the claims made per file."""
    rebase_memory_limit()
    read = [read_contribution(path, root, graph, limits, claims_from_source) for path in paths]
    sources = [source for source, _ in read]
    made = {source.path: count for source, count in read if count}
    return sources, [r for source in sources for r in check_contribution(source, graph)], made


def _check(
    root: DatasetRoot, paths: list[Path], limits: Limits, engine: str, claims_from_source: bool = False
) -> CheckResult:
    """Read the files, apply the instance-data policy, and validate them with the dataset, their nodes
    and the nodes they refer to as focus nodes: with the fast engine on a copy of the index, or with
    pySHACL on the dataset read by rdflib."""
    if engine == "fast":
        from csgkg.validation.fast import validate_store

        with _index_copy(root) as (store, keys):
            sources, policy, made = _read(root, paths, store.graph(), limits, claims_from_source)
            if not any(r.constraint == "policy:safe-iri" for r in policy):
                shapes = load_shapes(root)
                shacl = validate_store(root, store.ox, store.files, shapes, extra=sources, keys=keys)
                results = _in_form_words(policy + shacl.results, sources)
                return CheckResult(ValidationReport(results, engine="fast"), sources, made)
    # pySHACL: asked for, or the files hold an IRI Oxigraph cannot store (the policy result says so).
    dataset = load_dataset(root)
    sources, policy, made = _read(root, paths, dataset.graph(), limits, claims_from_source)
    results = _in_form_words(policy + validate(dataset, sources).results, sources)
    return CheckResult(ValidationReport(results), sources, made)


def _in_form_words(results: list, sources: list[SourceFile]) -> list:
    """The results located in a YAML form, in the form's words (its fields, not RDF properties)."""
    forms = [source.path for source in sources if source.path.suffix.lower() in YAML_SUFFIXES]
    return reword_form_results(results, forms) if forms else results


def check_files(
    root: DatasetRoot,
    paths: list[Path],
    limits: Limits | None = None,
    engine: str = "auto",
    claims_from_source: bool = False,
) -> CheckResult:
    """Read and validate ``paths`` together with the dataset of ``root`` in a worker process within
    ``limits``; ``engine`` as for :func:`csgkg.validation.run.validate_root` ("auto" is the fast engine).
    ``claims_from_source`` as for :func:`read_contribution`."""
    chosen = choose_engine(engine)
    limits = limits or Limits.from_env()
    what = ", ".join(str(p) for p in paths)
    hint = (
        "the contribution may be too large or complex to check: split it into smaller files, or raise the "
        "time limit with --timeout (or CSGKG_TIMEOUT)"
    )
    if engine == "pyshacl":
        hint += "; the fast engine (--engine fast) checks much faster than pySHACL on a large dataset"
    arguments = (root, [Path(p) for p in paths], limits, chosen, claims_from_source)
    return run_limited(_check, arguments, limits, what, hint, deferred=True)
