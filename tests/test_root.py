"""Commands find their dataset: --root, the nearest root above the current folder, or the package's."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from csgkg.core.root import RootNotFoundError, find_root, packaged_root


def test_explicit_root_wins(tmp_root) -> None:
    assert find_root(tmp_root.path).path == tmp_root.path


def test_nearest_root_above_the_current_folder(tmp_root) -> None:
    start = tmp_root.path / "data" / "interventions"
    assert find_root(start=start).path == tmp_root.path


def test_packaged_copy_when_no_root_is_near(tmp_path: Path) -> None:
    found = find_root(start=tmp_path)
    assert found.path == packaged_root()
    assert found.ontology_file.is_file()


def test_explicit_root_that_is_not_a_dataset_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RootNotFoundError, match="ontology/ and a data/"):
        find_root(tmp_path)


def test_repository_is_a_root() -> None:
    assert find_root(start=REPO / "src").path == REPO
