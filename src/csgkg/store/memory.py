"""Hand memory freed by a large in-memory store back to the operating system.

Dropping a large Oxigraph in-memory store frees its memory inside the process, but the C allocator
keeps most of it for later use, so the process would still hold it while the on-disk index is
bulk-loaded. ``malloc_trim`` (glibc) returns it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


def give_back_memory() -> bool:
    """Collect garbage, then return free heap memory to the system; False where the C library has no
    ``malloc_trim`` (not glibc), which changes nothing else."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
    return True
