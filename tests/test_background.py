"""The second process the build writes interventions.json in: its value, its errors, its end."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from csgkg.core.background import Background, BackgroundError


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _fail(message: str) -> None:
    raise ValueError(message)


class TwoPartError(Exception):
    """An exception whose constructor needs two arguments, as pyld's JsonLdError does."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _fail_in_two_parts() -> None:
    raise TwoPartError("could not frame", "jsonld.FrameError")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _slow_write(path: Path) -> None:
    time.sleep(3)
    path.write_text("late", encoding="utf-8")


def test_the_function_runs_in_a_second_process_and_its_value_comes_back(tmp_path: Path) -> None:
    with Background(_write, tmp_path / "out.txt", "written by the child") as job:
        assert job.forked
        assert job.result() == tmp_path / "out.txt"
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "written by the child"


def test_what_the_function_raises_is_raised_again_in_the_caller() -> None:
    with Background(_fail, "no frame for <x>") as job, pytest.raises(ValueError, match="no frame for <x>"):
        job.result()


def test_an_exception_pickle_cannot_rebuild_comes_back_as_its_text() -> None:
    expected = pytest.raises(BackgroundError, match="TwoPartError: could not frame")
    with Background(_fail_in_two_parts) as job, expected:
        job.result()


def test_a_process_that_dies_without_an_answer_is_an_error_that_says_so() -> None:
    with Background(_die) as job, pytest.raises(BackgroundError, match="exit code -9"):
        job.result()


def test_leaving_the_block_early_stops_the_process_before_it_writes(tmp_path: Path) -> None:
    target = tmp_path / "late.txt"
    with pytest.raises(RuntimeError), Background(_slow_write, target):
        raise RuntimeError("the caller's own work failed")
    time.sleep(3.5)
    assert not target.exists()
