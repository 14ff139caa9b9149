"""The ``csgkg`` command line: a thin layer over the library API; it holds no logic of its own."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from csgkg.core.errors import CsgkgError

Handler = Callable[[argparse.Namespace], int]


def _root(args: argparse.Namespace):
    from csgkg.core.root import find_root

    return find_root(args.root)


def cmd_build(args: argparse.Namespace) -> int:
    """Validate the dataset and write dist/."""
    from csgkg.api import build
    from csgkg.core.progress import reporter
    from csgkg.validation.text import display_path, format_text

    root = _root(args)
    with reporter() as shown:
        result = build(root, since=getattr(args, "since", None), reporter=shown)
    if not result.ok:
        print(format_text(result.report), file=sys.stderr)
        print("build stopped: fix the violations above; dist/ was not written", file=sys.stderr)
        print(result.summary())
        return 1
    print(f"dataset root: {root.path}")
    print(result.summary())
    for path in result.written:
        print(f"wrote {display_path(str(path))}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the dataset, or contributed files together with it."""
    from csgkg.api import check, validate
    from csgkg.cli.contribute import limits_from, print_claims_made
    from csgkg.core.progress import validation_progress
    from csgkg.validation.report import error_json
    from csgkg.validation.text import format_text

    engine = getattr(args, "engine", "auto")
    try:
        root = _root(args)
        if args.files:
            checked = check(
                args.files,
                root,
                engine=engine,
                limits=limits_from(args),
                claims_from_source=args.claims_from_source,
            )
            report = checked.report
            if args.format != "json":
                print_claims_made(checked.claims_made, "would record")
        else:
            with validation_progress() as progress:
                report = validate(root, engine=engine, progress=progress)
    except CsgkgError as exc:
        if args.format != "json" or args.debug:
            raise
        print(error_json(exc))
        return exc.exit_code
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report.to_json() if args.format == "json" else format_text(report))
    return 0 if report.conforms else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="csgkg",
        description="Build, validate, query and publish the Contextual Safeguarding Knowledge Graph.",
    )
    parser.add_argument(
        "--root",
        metavar="DIR",
        help="dataset root (a folder with ontology/ and data/); default: the nearest one above the "
        "current directory, else the copy shipped with the package",
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="validate the dataset and write the release files to dist/")
    p.add_argument(
        "--since",
        metavar="DIR|TAG",
        help="the previous release CHANGES.md compares with: an older dist/ folder or a git tag "
        "(default: the newest tag that is not the current commit)",
    )
    p.set_defaults(handler=cmd_build)

    p = sub.add_parser(
        "validate", help="validate the dataset, or files (Turtle, N-Triples, JSON-LD, YAML form) with it"
    )
    p.add_argument(
        "files", nargs="*", metavar="FILE", help="Turtle, N-Triples, JSON-LD or YAML form (.yaml) files"
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    from csgkg.cli.contribute import add_claims_option, add_engine_option, add_limit_options

    add_engine_option(p)
    add_limit_options(p)
    add_claims_option(p)
    p.set_defaults(handler=cmd_validate)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """The ``register`` functions of the other command modules."""
    from csgkg.cli import contribute, endpoint, query, site

    return [contribute.register, query.register, endpoint.register, site.register]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 violations, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # rdflib logs warnings about odd IRIs itself; csgkg reports them as results instead.
    logging.getLogger("rdflib").setLevel(logging.DEBUG if args.debug else logging.ERROR)
    try:
        return args.handler(args)
    except CsgkgError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line; --debug shows the traceback
        if args.debug:
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
