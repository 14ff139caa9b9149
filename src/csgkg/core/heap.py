"""Keep Python's cycle collector from rescanning the large graphs a build holds.

A build holds a few million small objects for its whole run (the union graph, its closure). The
cycle collector's full passes walk every object it tracks, again each time the heap has grown by
a quarter, so building those graphs triggers pass after pass over objects that can never be
garbage. :func:`long_lived` turns the automatic collector off while such objects are made and then
freezes them (:func:`gc.freeze`): later passes skip them, and a forked process (the framing of
``interventions.json``) does not touch their memory when it collects. Reference counting still frees
them as usual; only reference cycles among them wait for :func:`thaw`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Make long-lived objects inside the block without cycle collection, and freeze them after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def thaw() -> None:
    """Hand the frozen objects back to the cycle collector (when the build is done with them)."""
    gc.unfreeze()
