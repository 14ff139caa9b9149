"""Write files and folders so that a reader never sees half of one: the one atomic-write helper."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def umask() -> int:
    """The process umask (read without changing it for long)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, content: str | bytes, *, fsync: bool = True) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same folder, then rename it into
    place: ``path`` holds either the old content or the new, never part of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; what csgkg writes is for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class FileExistsConflict(FileExistsError):
    """A file :func:`write_new_files` was to create appeared meanwhile (another writer won)."""


def _staged(path: Path, data: bytes) -> Path:
    """``data`` in a new, fsynced temporary file beside ``path``, readable by everyone."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~umask())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_new_files(contents: dict[Path, str | bytes]) -> list[Path]:
    """Create every file of ``contents``, all or nothing: none may exist yet. Each is written to a
    temporary file first, then linked into place (a link fails when the name is taken, so two writers
    can never both create it); on any failure every file created here is removed again, so the
    folders are left exactly as they were. Returns the created paths, sorted."""
    staged: list[tuple[Path, Path]] = []
    done: list[Path] = []
    try:
        for path, content in sorted(contents.items()):
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            staged.append((_staged(path, data), path))
        for tmp, path in staged:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExistsConflict(f"{path} appeared while writing; nothing was written") from None
            done.append(path)
        for folder in sorted({path.parent for path in done}):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    except BaseException:
        for path in done:
            path.unlink(missing_ok=True)
        raise
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return done


@contextmanager
def replaced_folder(target: Path) -> Iterator[Path]:
    """A new, empty folder beside ``target`` to fill; when the block ends without an error it replaces
    ``target`` whole (the old one is moved aside, then removed), else it is removed and ``target`` is
    left as it was. Readers see the old folder or the new one, never a mix."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target.parent, target.name)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-{os.getpid()}-", dir=target.parent))
    try:
        yield fresh
        os.chmod(fresh, 0o777 & ~umask())
        if target.exists() and _exchange(fresh, target):
            shutil.rmtree(fresh, ignore_errors=True)  # now the old folder
            return
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-{os.getpid()}-", dir=target.parent))
            os.replace(target, old / target.name)
        os.replace(fresh, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where the
    system cannot, and the caller then renames twice."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def remove_stale_temporaries(folder: Path, name: str) -> None:
    """Remove what an interrupted :func:`replaced_folder` for ``folder/name`` left behind: the
    temporary folders of processes that are gone (a running one keeps its own)."""
    for leftover in Path(folder).glob(f".{name}-*-*-*"):
        pid = leftover.name.removeprefix(f".{name}-").split("-")[1]
        if pid.isdigit() and process_alive(int(pid)):
            continue
        shutil.rmtree(leftover, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` is still running (the owner of a temporary file or folder)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
