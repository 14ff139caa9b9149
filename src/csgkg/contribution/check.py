"""Read and check contributed files: the one code path behind `csgkg validate FILE` and `csgkg add`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..loader import Dataset, SourceFile, guess_format, parse_text, read_text
from ..validation import ValidationReport, validate
from .claims import add_implicit_claims
from .limits import Limits, run_limited
from .policy import check_contribution
from .yamlform import parse_yaml_form

YAML_SUFFIXES = (".yaml", ".yml")
TERM = re.compile(r"[^\s,()\[\]{}]+")


def read_contribution(path: Path, dataset: Dataset, limits: Limits) -> SourceFile:
    """Read one contributed file (Turtle, N-Triples, JSON-LD or the YAML form) into a SourceFile.

    The size limit is checked before anything is parsed.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None
    if size > limits.max_bytes:
        raise InputError(
            path,
            f"the file is {size:,} bytes, over the limit of {limits.max_bytes:,} bytes; split it, or raise "
            "the limit with --max-bytes",
        )
    text = read_text(path)
    terms = sum(1 for _ in TERM.finditer(text))
    if terms > limits.max_terms:
        raise InputError(
            path,
            f"the file holds {terms:,} terms, more than the {limits.max_terms:,} a contribution may have; "
            "a contribution describes a few new entries (very long lists or collections are refused)",
        )
    if path.suffix.lower() in YAML_SUFFIXES:
        source = parse_yaml_form(text, path, dataset.graph())
    else:
        graph = parse_text(text, path, guess_format(path), dataset.root)
        source = SourceFile(path=path, kind="contribution", text=text, graph=graph)
    add_implicit_claims(source.graph)
    return source


@dataclass
class CheckResult:
    """The report on contributed files and the files as read (graphs in RDF)."""

    report: ValidationReport
    sources: list[SourceFile]


def _check(dataset: Dataset, paths: list[Path], limits: Limits) -> CheckResult:
    sources = [read_contribution(path, dataset, limits) for path in paths]
    dataset_graph = dataset.graph()
    policy = [r for source in sources for r in check_contribution(source, dataset_graph)]
    shacl = validate(dataset, sources)
    return CheckResult(ValidationReport(policy + shacl.results), sources)


def check_files(dataset: Dataset, paths: list[Path], limits: Limits | None = None) -> CheckResult:
    """Read and validate ``paths`` together with ``dataset`` in a worker process within ``limits``."""
    limits = limits or Limits.from_env()
    what = ", ".join(str(p) for p in paths)
    hint = "on a large dataset the fast engine (--engine fast) is much quicker and needs far less memory"
    return run_limited(_check, (dataset, [Path(p) for p in paths], limits), limits, what, hint)
