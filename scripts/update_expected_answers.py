"""Check, or rewrite, the expected answers written at the end of each stored query.

Every ``queries/*.rq`` carries an example call (``#+ example:``) and, after a line ``# expected:``,
the answer as a Markdown table in comments. The test suite checks that the answer on the real data
is still that table. When the data changes on purpose, review the differences this script shows and
then write the new answers with ``--write``::

    python scripts/update_expected_answers.py            # show what differs (exit 1 if any)
    python scripts/update_expected_answers.py --write    # rewrite the expected answers
    python scripts/update_expected_answers.py --write interventions-by-harm   # only some queries
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from csgkg.core.root import find_root
from csgkg.sparql.api import run_example
from csgkg.sparql.catalogue import StoredQuery, list_stored
from csgkg.sparql.decorators import EXPECTED_MARKER
from csgkg.sparql.formats import to_markdown


def expected_block(stored: StoredQuery, root) -> list[str]:
    """The ``# expected:`` block for the current answer of ``stored``'s example."""
    table = to_markdown(run_example(stored, root)).splitlines()
    return [EXPECTED_MARKER, *(f"# {line}" for line in table)]


def replace_block(text: str, block: list[str]) -> str:
    """``text`` with its expected block replaced by ``block`` (appended when it has none)."""
    lines = text.rstrip("\n").splitlines()
    if EXPECTED_MARKER in (line.strip() for line in lines):
        start = next(i for i, line in enumerate(lines) if line.strip() == EXPECTED_MARKER)
        end = start + 1
        while end < len(lines) and lines[end].startswith("# |"):
            end += 1
        lines[start:end] = block
    else:
        lines += [
            "",
            "# The answer of the example call on the real data, checked by tests/test_queries.py:",
            *block,
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these queries (default: all)")
    parser.add_argument("--write", action="store_true", help="rewrite the files")
    parser.add_argument("--root", default=None, help="dataset root (default: this checkout)")
    args = parser.parse_args(argv)
    root = find_root(args.root or Path(__file__).resolve().parent.parent)
    changed = 0
    for stored in list_stored(root):
        if args.names and stored.name not in args.names:
            continue
        assert stored.path is not None
        new = replace_block(stored.text, expected_block(stored, root))
        if new == stored.text:
            continue
        changed += 1
        if args.write:
            stored.path.write_text(new, encoding="utf-8")
            print(f"wrote {stored.path.relative_to(root.path)}")
        else:
            sys.stdout.writelines(
                difflib.unified_diff(
                    stored.text.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile=f"{stored.name}.rq (expected)",
                    tofile=f"{stored.name}.rq (actual)",
                )
            )
    if not args.write and changed:
        print(f"{changed} expected answer(s) differ; review, then run with --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
