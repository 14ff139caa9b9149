"""The stored queries of a dataset: one ``.rq`` file per question in ``queries/``.

Parameters follow the grlc convention, read from the query's variables: ``?_name`` is a required
parameter ``name``, ``?__name`` an optional one, and a suffix gives the type of value grlc would
substitute (``?_context_iri``: an IRI). Quality checks are the queries named ``*-violation``: each
must return no row.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from csgkg.core.errors import UsageError
from csgkg.core.root import DatasetRoot
from csgkg.sparql.decorators import (
    DecoratorError,
    ExpectedAnswer,
    parse_decorators,
    parse_expected,
    query_text,
)
from csgkg.sparql.lexer import expand_unicode_escapes, variables

VIOLATION_SUFFIX = "-violation"

# grlc's reading of a parameter variable: _name or __name, then an optional type (and user type).
_PARAMETER = re.compile(
    r"^(?P<required>_{1,2})(?P<name>[^_]+)(?:_(?P<type>[A-Za-z0-9]+))?(?:_(?P<extra>[A-Za-z0-9]+))?$"
)


@dataclass(frozen=True)
class Parameter:
    """One parameter of a query: its name, its variable, whether it is required, its type."""

    name: str
    variable: str
    required: bool
    type: str = "string"
    datatype: str | None = None
    lang: str | None = None

    @property
    def usage(self) -> str:
        """``name`` for a required parameter, ``[name]`` for an optional one."""
        return self.name if self.required else f"[{self.name}]"


def parameters_of(text: str) -> list[Parameter]:
    """The parameters of a query, in order of first use, read from its variables as grlc does."""
    found: dict[str, Parameter] = {}
    body = query_text(expand_unicode_escapes(text))
    for var in variables(body):
        match = _PARAMETER.match(var)
        if not match or match.group("name") in found:
            continue
        kind = (match.group("type") or "").lower()
        extra = match.group("extra")
        datatype = lang = None
        ptype = "string"
        if kind in ("iri", "number", "literal", "string"):
            ptype = kind
        elif kind and extra:
            datatype = f"{kind}:{extra}"
        elif len(kind) == 2:
            lang = kind
        elif kind:
            datatype = f"xsd:{kind}"
        found[match.group("name")] = Parameter(
            name=match.group("name"),
            variable=var,
            required=match.group("required") == "_",
            type=ptype,
            datatype=datatype,
            lang=lang,
        )
    return list(found.values())


@dataclass
class StoredQuery:
    """A query file with its decorators, parameters, example call and expected answer."""

    name: str
    text: str
    path: Path | None = None
    decorators: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> StoredQuery:
        """Read a ``.rq`` file."""
        text = path.read_text(encoding="utf-8")
        try:
            decorators = parse_decorators(text)
        except DecoratorError as exc:
            raise DecoratorError(f"{path}: {exc}") from None
        return cls(name=path.stem, text=text, path=path, decorators=decorators)

    @classmethod
    def from_text(cls, text: str, name: str = "ad-hoc query", path: Path | None = None) -> StoredQuery:
        """A query given as text (``csgkg query run --file``)."""
        return cls(name=name, text=text, path=path, decorators=parse_decorators(text))

    @property
    def summary(self) -> str:
        return str(self.decorators.get("summary") or "").strip()

    @property
    def description(self) -> str:
        return str(self.decorators.get("description") or "").strip()

    @property
    def tags(self) -> list[str]:
        tags = self.decorators.get("tags") or []
        return [str(t) for t in (tags if isinstance(tags, list) else [tags])]

    @property
    def defaults(self) -> dict[str, str]:
        """Default parameter values from ``#+ defaults:`` (a list of one-key mappings in grlc)."""
        raw = self.decorators.get("defaults") or []
        items = raw if isinstance(raw, list) else [raw]
        out: dict[str, str] = {}
        for item in items:
            if isinstance(item, dict):
                out.update({str(k): str(v) for k, v in item.items()})
        return out

    @property
    def example(self) -> dict[str, Any]:
        """The parameters of the example call (``#+ example:``), possibly empty."""
        raw = self.decorators.get("example") or {}
        if isinstance(raw, list):
            merged: dict[str, Any] = {}
            for item in raw:
                if isinstance(item, dict):
                    merged.update(item)
            raw = merged
        return dict(raw) if isinstance(raw, dict) else {}

    @cached_property
    def expected(self) -> ExpectedAnswer | None:
        """The expected answer of the example call, if the file gives one."""
        return parse_expected(self.text)

    @cached_property
    def parameters(self) -> list[Parameter]:
        return parameters_of(self.text)

    @property
    def is_violation_check(self) -> bool:
        """True for a quality check, which must return no row."""
        return self.name.endswith(VIOLATION_SUFFIX)

    @property
    def sparql(self) -> str:
        """The query text without the ``#+`` decorator lines."""
        return query_text(self.text)

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``, or a UsageError listing the parameters there are."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise UsageError(f"query '{self.name}' has no parameter '{name}'; its parameters: {known}")


def query_files(root: DatasetRoot) -> list[Path]:
    """The ``.rq`` files of ``root``, sorted by name."""
    return sorted(root.queries_dir.glob("*.rq"))


def list_stored(root: DatasetRoot) -> list[StoredQuery]:
    """Every stored query of ``root``, sorted by name."""
    return [StoredQuery.from_file(path) for path in query_files(root)]


def load_stored(root: DatasetRoot, name: str) -> StoredQuery:
    """The stored query called ``name`` (with or without ``.rq``), or a UsageError naming the
    closest names."""
    name = name.removesuffix(".rq")
    path = root.queries_dir / f"{name}.rq"
    if path.is_file() and path.parent == root.queries_dir:
        return StoredQuery.from_file(path)
    names = [p.stem for p in query_files(root)]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    # Also the names that share a distinctive word (one used by at most two names), so that
    # "interventions-by-role" suggests "interventions-by-delivery-role".
    counts: dict[str, int] = {}
    for other in names:
        for word in set(other.split("-")):
            counts[word] = counts.get(word, 0) + 1
    rare = {w for w in name.split("-") if len(w) > 2 and counts.get(w, 0) <= 2}
    close = [n for n in names if rare & set(n.split("-")) and n not in close] + close
    close = close[:3]
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UsageError(f"no stored query called '{name}'{hint} (see 'csgkg query list')")
