"""Command-line verbs for contributions: `new` and `add` (and the file mode of `validate`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """The options that bound the checking of untrusted files."""
    parser.add_argument(
        "--max-bytes", type=int, help="largest file accepted (default 10 MB, or CSGKG_MAX_BYTES)"
    )
    parser.add_argument(
        "--max-triples",
        type=int,
        help="most statements a file may hold, counted before reading (default 2000, or CSGKG_MAX_TRIPLES)",
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds allowed for the check (default 30, or CSGKG_TIMEOUT)"
    )


def limits_from(args: argparse.Namespace):
    """Limits from the command line and the environment."""
    from csgkg.contribution.limits import Limits

    return Limits.from_env(max_bytes=args.max_bytes, max_triples=args.max_triples, timeout=args.timeout)


def cmd_new(args: argparse.Namespace) -> int:
    """Write a template for a new intervention."""
    from csgkg.contribution.scaffold import already_in_dataset, slug_for, turtle_template, yaml_template
    from csgkg.core.errors import UsageError
    from csgkg.core.root import find_root
    from csgkg.io.parse import load_dataset

    graph = load_dataset(find_root(args.root)).graph()
    yaml_form = args.format == "yaml"
    text = (yaml_template if yaml_form else turtle_template)(args.name, graph)
    out = Path(args.output or f"{slug_for(args.name)}.{'yaml' if yaml_form else 'ttl'}")
    if out.exists() and not args.force:
        raise UsageError(f"{out} already exists; choose another name with -o or use --force")
    for warning in already_in_dataset(args.name, graph):
        print(f"warning: {warning}", file=sys.stderr)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: fill it in, then run `csgkg validate {out}` and `csgkg add {out}`")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Validate contributed files and, only if they conform, write them into data/."""
    from csgkg.api import add
    from csgkg.validation.text import display_path, format_text

    result = add(
        [Path(f) for f in args.files],
        root=args.root,
        engine=args.engine,
        limits=limits_from(args),
        claims_from_source=args.claims_from_source,
    )
    print_claims_made(result.claims_made, "recorded" if result.report.conforms else "would record")
    if not result.report.conforms:
        print(format_text(result.report))
        print("nothing was added: fix the violations above and run `csgkg add` again", file=sys.stderr)
        return 1
    for path in result.written:
        print(f"added {display_path(str(path))}")
    if result.report.warnings:
        print(format_text(result.report))
    return 0


def add_claims_option(parser: argparse.ArgumentParser) -> None:
    """The --claims-from-source option of ``validate`` and ``add``."""
    parser.add_argument(
        "--claims-from-source",
        action="store_true",
        help="in a Turtle, N-Triples or JSON-LD file, record an intervention's only source as the claim of "
        "each of its statements that has no claim (the YAML form always records its claims)",
    )


def print_claims_made(made: dict[Path, int], verb: str) -> None:
    """Say, per file, how many claims --claims-from-source recorded (or would record)."""
    from csgkg.core.words import plural
    from csgkg.validation.text import display_path

    for path, count in made.items():
        print(
            f"{display_path(str(path))}: --claims-from-source {verb} {plural(count, 'claim')} citing the "
            "intervention's only source",
            file=sys.stderr,
        )


def add_engine_option(parser: argparse.ArgumentParser) -> None:
    """The --engine option of ``validate`` and ``add``."""
    parser.add_argument(
        "--engine",
        choices=("auto", "pyshacl", "fast"),
        default="auto",
        help="validation engine: the fast engine (pySHACL's results, with SPARQL on Oxigraph) or pySHACL "
        "itself; auto (default) is the fast engine, and pySHACL for shapes the fast engine does not support",
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `new` and `add` subcommands."""
    p = sub.add_parser("new", help="write a template for a new intervention")
    p.add_argument("what", choices=("intervention",), help="what to create")
    p.add_argument("name", help='the name of the intervention, e.g. "Safer Streets Programme"')
    p.add_argument("--format", choices=("turtle", "yaml"), default="turtle", help="template format")
    p.add_argument("-o", "--output", help="file to write (default: the name as a slug, in this folder)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("add", help="validate files and add each new intervention to data/")
    p.add_argument("files", nargs="+", metavar="FILE", help="Turtle, N-Triples, JSON-LD or YAML form files")
    add_engine_option(p)
    add_limit_options(p)
    add_claims_option(p)
    p.set_defaults(handler=cmd_add)
