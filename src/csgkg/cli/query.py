"""The ``csgkg query`` and ``csgkg compare`` commands: a thin layer over :mod:`csgkg.sparql.api`."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from csgkg.cli import values
from csgkg.core.deadline import DEFAULT_QUERY_TIMEOUT as DEFAULT_TIMEOUT
from csgkg.core.errors import InputError, UsageError
from csgkg.core.words import article
from csgkg.io.transport import DEFAULT_MAX_ANSWER_MB

FORMATS = ("table", "csv", "tsv", "json", "markdown")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``query list|show|run`` and ``compare`` to the ``csgkg`` command line."""
    query = sub.add_parser(
        "query",
        help="list, show and run the stored questions (SPARQL queries in queries/)",
        description="Ask the graph the stored questions. 'csgkg query list' shows them all.",
    )
    actions = query.add_subparsers(dest="query_command", metavar="ACTION", required=True)

    p = actions.add_parser("list", help="every stored query: name, summary and parameters")
    p.add_argument("--format", choices=FORMATS, help="output format (default: table on a terminal, else csv)")
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser("show", help="a stored query's documentation, accepted values and text")
    p.add_argument("name", metavar="NAME", help="the query's name, e.g. interventions-by-context")
    p.set_defaults(handler=cmd_show)

    p = actions.add_parser(
        "run",
        help="run a stored query, or an ad-hoc read-only query with --file",
        description=(
            "Run a stored query by name, or an ad-hoc query with --file. Give parameters as "
            "--param key=value; a value may be an IRI, a CURIE (context:school) or a label "
            "(school, CSE), in any case. Repeat a parameter to accept any of several values."
        ),
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="the stored query's name")
    p.add_argument("--file", metavar="FILE", help="run the read-only SPARQL query in FILE instead")
    p.add_argument(
        "--param", "-p", action="append", default=[], metavar="KEY=VALUE", help="a parameter value"
    )
    p.add_argument("--example", action="store_true", help="use the parameters of the query's example")
    p.add_argument("--format", choices=FORMATS, help="output format (default: table on a terminal, else csv)")
    p.add_argument(
        "--print-query",
        action="store_true",
        help="print the query with its parameters bound (for another endpoint); do not run it",
    )
    _remote_options(p)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "compare",
        help="compare two interventions side by side",
        description="Compare two interventions, named by label, CURIE or IRI, facet by facet.",
    )
    p.add_argument("a", metavar="A", help='the first intervention, e.g. "restorative justice"')
    p.add_argument("b", metavar="B", help='the second intervention, e.g. "multi-family group therapy"')
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="table (side by side, the default), markdown, json, or csv/tsv",
    )
    _remote_options(p)
    p.set_defaults(handler=cmd_compare)


def _remote_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="run on this SPARQL 1.1 query endpoint instead of the embedded graph (credentials from "
        "CSGKG_USER/CSGKG_PASSWORD, CSGKG_TOKEN or ~/.netrc)",
    )
    parser.add_argument(
        "--timeout",
        type=values.seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="stop after S seconds, on the dataset or at --endpoint (there: the whole call, retries "
        f"included, however slowly the server answers) (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-answer-mb",
        type=values.megabytes,
        default=DEFAULT_MAX_ANSWER_MB,
        metavar="N",
        help="with --endpoint: stop reading an answer larger than N megabytes (1 MB = 1,000,000 "
        f"bytes) (default {DEFAULT_MAX_ANSWER_MB:g})",
    )




def _root(args: argparse.Namespace):
    from csgkg.core.root import find_root

    return find_root(getattr(args, "root", None))


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    return "table" if sys.stdout.isatty() else "csv"


def parse_params(items: list[str]) -> dict[str, list[str]]:
    """``["context=school", "harm=CSE"]`` -> ``{"context": ["school"], "harm": ["CSE"]}``."""
    params: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param needs KEY=VALUE, e.g. --param context=school (got {item!r})")
        params.setdefault(key.strip(), []).append(value.strip())
    return params


def cmd_list(args: argparse.Namespace) -> int:
    """Print every stored query with its summary and parameters."""
    from rdflib import Literal

    from csgkg.sparql.api import list_queries
    from csgkg.sparql.formats import render
    from csgkg.store.base import Result

    rows = [
        (
            Literal(q.name),
            Literal(q.summary),
            Literal(" ".join(p.usage for p in q.parameters)),
        )
        for q in list_queries(_root(args))
    ]
    result = Result(["name", "summary", "parameters"], rows)
    fmt = _format(args)
    if fmt == "table":
        from csgkg.sparql.formats import to_table

        sys.stdout.write(to_table(result, width=80))
    else:
        sys.stdout.write(render(result, fmt))
    return 0


def _accepted_values(root, name: str) -> list[str]:
    from csgkg.sparql.resolve import KINDS, index_for
    from csgkg.store.base import open_store

    kind = KINDS.get(name)
    if kind is None:
        return []
    store = open_store(root)
    index = index_for(store, kind)
    return sorted(index.names.values(), key=str.casefold)


def _example_call(stored) -> str:
    parts = [f"csgkg query run {stored.name}"]
    for key, value in stored.example.items():
        text = str(value)
        parts.append(f'--param {key}="{text}"' if " " in text else f"--param {key}={text}")
    return " ".join(parts)


def cmd_show(args: argparse.Namespace) -> int:
    """Print a stored query's documentation, its parameters and the values they accept, its text."""
    from csgkg.sparql.api import get_query
    from csgkg.sparql.resolve import KINDS

    root = _root(args)
    stored = get_query(args.name, root)
    out = [stored.name, "=" * len(stored.name), stored.summary, ""]
    if stored.description:
        out += [textwrap.fill(stored.description, width=100), ""]
    if stored.parameters:
        out.append("Parameters (IRI, CURIE or label, any case; repeat to accept several values):")
        for parameter in stored.parameters:
            kind = KINDS.get(parameter.name)
            noun = kind.noun if kind else parameter.type
            need = "required" if parameter.required else "optional"
            default = stored.defaults.get(parameter.name)
            extra = f", default {default}" if default else ""
            out.append(f"  {parameter.name} ({need}{extra}): {article(noun)}")
            values = _accepted_values(root, parameter.name)
            if values:
                out.append(
                    textwrap.fill(
                        "accepted: " + "; ".join(values),
                        width=100,
                        initial_indent="    ",
                        subsequent_indent="      ",
                    )
                )
    else:
        out.append("Parameters: none")
    if stored.tags:
        out.append(f"Tags: {', '.join(stored.tags)}")
    out.append(f"Example: {_example_call(stored)}")
    if stored.path is not None:
        out.append(f"File: {stored.path}")
    out += ["", stored.text.rstrip()]
    print("\n".join(out))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run a stored or ad-hoc query and print its answer; a quality check with rows exits 1."""
    from csgkg.sparql.api import bind_parameters, get_query, run_stored
    from csgkg.sparql.catalogue import StoredQuery
    from csgkg.sparql.formats import render
    from csgkg.sparql.safety import parse_checked

    root = _root(args)
    if args.file and args.name:
        raise UsageError("give either a stored query's NAME or --file FILE, not both")
    if args.file:
        path = Path(args.file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read the query: {exc}") from None
        stored = StoredQuery.from_text(text, name=path.stem, path=path)
    elif args.name:
        stored = get_query(args.name, root)
    else:
        raise UsageError("name a stored query (see 'csgkg query list') or give --file FILE")
    params: dict[str, list[str]] = {}
    if args.example:
        params.update({k: [str(v)] for k, v in stored.example.items()})
    params.update(parse_params(args.param))
    if args.print_query:
        text, _ = bind_parameters(stored, params, root)
        parse_checked(text)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    result = run_stored(
        stored,
        params,
        root,
        endpoint=args.endpoint,
        timeout=args.timeout,
        max_answer_mb=args.max_answer_mb,
    )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    sys.stdout.write(render(result, _format(args)))
    if stored.is_violation_check and len(result):
        print(f"{stored.name}: {len(result)} problem(s) found", file=sys.stderr)
        return 1
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Print two interventions side by side."""
    from csgkg.sparql import compare as side_by_side
    from csgkg.sparql.api import compare

    comparison = compare(
        args.a,
        args.b,
        root=_root(args),
        endpoint=args.endpoint,
        timeout=args.timeout,
        max_answer_mb=args.max_answer_mb,
    )
    fmt = args.format or "table"
    if fmt == "table":
        sys.stdout.write(side_by_side.to_text(comparison))
    elif fmt == "markdown":
        sys.stdout.write(side_by_side.to_markdown(comparison))
    elif fmt == "json":
        sys.stdout.write(json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(side_by_side.to_delimited(comparison, "," if fmt == "csv" else "\t"))
    return 0
