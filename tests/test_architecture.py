"""The package's layers: no module imports itself through others, and each layer imports only from the
layers below it (the import-linter contracts in pyproject.toml; docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import grimp

from conftest import REPO


def import_cycles(package: str) -> list[list[str]]:
    """Every cycle of imports among ``package``'s modules, as the chain from a module back to itself.
    Imports inside functions count, and so do imports made only for type checkers: a module that
    needs another's types belongs beside it or below it."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=False)
    found: dict[frozenset, list[str]] = {}
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                found.setdefault(frozenset((module, imported)), [module, *back])
    return list(found.values())


def test_the_detector_finds_a_cycle_hidden_in_a_function(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic import b\n")
    (package / "b.py").write_text("def later():\n    from cyclic import a\n")
    (package / "c.py").write_text("from cyclic import d\n")
    (package / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cyclic import c\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic") == [
        ["cyclic.a", "cyclic.b", "cyclic.a"],
        ["cyclic.c", "cyclic.d", "cyclic.c"],
    ]


def test_no_module_of_csgkg_imports_itself_through_others() -> None:
    assert import_cycles("csgkg") == []


def test_the_layer_contracts_hold(capsys, monkeypatch) -> None:
    from importlinter.cli import lint_imports

    monkeypatch.chdir(REPO)
    code = lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 kept, 0 broken" in out
