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


def test_the_packaged_copy_is_marked_and_a_chosen_root_is_not(tmp_root, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CSGKG_ROOT", raising=False)
    assert find_root(start=tmp_path).packaged
    assert not find_root(tmp_root.path).packaged
    assert not find_root(start=tmp_root.path / "data").packaged


def test_csgkg_root_names_the_dataset(tmp_root, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CSGKG_ROOT", str(tmp_root.path))
    found = find_root(start=tmp_path)
    assert found.path == tmp_root.path and not found.packaged
    monkeypatch.setenv("CSGKG_ROOT", str(tmp_path / "nowhere"))
    with pytest.raises(RootNotFoundError, match=r"CSGKG_ROOT .*no such folder"):
        find_root(start=tmp_path)


def test_a_wrong_root_is_a_csgkg_error(tmp_path: Path) -> None:
    from csgkg.core.errors import CsgkgError

    with pytest.raises(CsgkgError, match="no such folder"):
        find_root(tmp_path / "missing")
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(CsgkgError, match="a file, not a folder"):
        find_root(tmp_path / "file")


def test_the_packaged_copy_refuses_writes_and_says_where_and_how(tmp_path: Path, monkeypatch) -> None:
    from csgkg.core.root import PackagedRootError

    monkeypatch.delenv("CSGKG_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    packaged = find_root()
    with pytest.raises(PackagedRootError) as caught:
        packaged.require_writable("csgkg add", "data")
    message = str(caught.value)
    assert str(packaged.path / "data") in message and "--root" in message
    find_root(REPO).require_writable("csgkg add", "data")  # a chosen root is written as asked
