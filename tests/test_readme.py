"""The README's Python examples run, and give the answers it shows (on the real data)."""

from __future__ import annotations

import doctest
import re
import shlex

from conftest import REPO
from csgkg.cli.main import main


def test_the_readme_examples_give_what_the_readme_shows(monkeypatch) -> None:
    monkeypatch.chdir(REPO)  # csgkg finds the dataset from the current folder
    result = doctest.testfile(
        str(REPO / "README.md"),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
    )
    assert result.attempted >= 8
    assert result.failed == 0


def console_examples(text: str) -> list[tuple[list[str], str]]:
    """Each ```console block of ``text`` that runs ``csgkg``: its arguments and the output it shows."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        command, _, output = block.partition("\n")
        if command.startswith("$ csgkg "):
            examples.append((shlex.split(command[len("$ csgkg ") :]), output))
    return examples


def test_the_readme_validate_example_is_what_validate_prints(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)  # the example's paths are relative to the repository
    monkeypatch.delenv("CSGKG_ROOT", raising=False)
    examples = console_examples((REPO / "README.md").read_text(encoding="utf-8"))
    validations = [(args, shown) for args, shown in examples if args[0] == "validate"]
    assert validations
    for args, shown in validations:
        main(args)
        assert capsys.readouterr().out == shown, f"csgkg {' '.join(args)}"
