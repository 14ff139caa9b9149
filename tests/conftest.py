"""Shared fixtures: the real dataset root, its loaded dataset and its validation report."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from csgkg.core.root import DatasetRoot
from csgkg.io.parse import Dataset, load_dataset
from csgkg.validation.run import ValidationReport, validate

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"
SEED = REPO.parent / "shared" / "seeds" / "promising-responses-and-interventions.md"


@pytest.fixture(scope="session")
def root() -> DatasetRoot:
    """The repository's own dataset root."""
    return DatasetRoot(REPO)


@pytest.fixture(scope="session")
def dataset(root: DatasetRoot) -> Dataset:
    """The real dataset, loaded once."""
    return load_dataset(root)


@pytest.fixture(scope="session")
def report(dataset: Dataset) -> ValidationReport:
    """The validation report of the real dataset, computed once."""
    return validate(dataset)


def copy_root(target: Path) -> DatasetRoot:
    """Copy the dataset sources (not dist/) into ``target`` and return it as a root."""
    for folder in ("ontology", "data", "shapes", "queries"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return DatasetRoot(target)


@pytest.fixture
def tmp_root(tmp_path: Path) -> DatasetRoot:
    """A private copy of the dataset root that a test may build into or change."""
    return copy_root(tmp_path / "root")


def load_script(path: str) -> ModuleType:
    """The script at ``path`` (relative to the repository, e.g. ``scripts/synth.py``) as a module,
    registered as ``csgkg_<name>`` so that its dataclasses can be pickled."""
    name = "csgkg_" + Path(path).stem
    spec = importlib.util.spec_from_file_location(name, REPO / path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_synth() -> ModuleType:
    """scripts/synth.py as a module."""
    return load_script("scripts/synth.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium (through the ``browser`` fixture, also behind ``page`` and
    ``phone``) is marked ``browser``, so that ``scripts/test --quick`` can leave it out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
