"""The build's large graphs are made without cycle collection and then frozen (csgkg.core.heap)."""

from __future__ import annotations

import gc

import pytest

from csgkg.core.heap import long_lived, thaw


@pytest.fixture(autouse=True)
def _restore_collector():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_objects_made_in_the_block_are_frozen_and_collection_resumes() -> None:
    gc.enable()
    thaw()
    with long_lived():
        assert not gc.isenabled()
        made = [{"n": i} for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)
    thaw()
    assert gc.get_freeze_count() == 0


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    with long_lived():
        pass
    assert not gc.isenabled()


def test_collection_resumes_when_the_block_fails() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), long_lived():
        raise RuntimeError("stop")
    assert gc.isenabled()
