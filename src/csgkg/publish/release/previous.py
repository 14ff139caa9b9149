"""Find the previous release that ``CHANGES.md`` compares with: an older ``dist/`` folder, or the
dataset as it was at a git tag (by default the newest tag that is not the current commit)."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from csgkg.core.errors import CsgkgError
from csgkg.core.namespaces import new_graph
from csgkg.core.root import DatasetRoot
from csgkg.publish.release.version import ReleaseError

# The files of an older dist/ that hold the whole graph, in order of preference.
GRAPH_FILES = (("csgkg.nt", "nt"), ("csgkg.ttl", "turtle"))


@dataclass
class PreviousRelease:
    """An earlier release: where it comes from (in words) and its graph."""

    described_as: str
    graph: Graph


def from_folder(folder: Path) -> PreviousRelease:
    """The release in ``folder``, an older ``dist/`` holding ``csgkg.nt`` or ``csgkg.ttl``."""
    for name, fmt in GRAPH_FILES:
        path = folder / name
        if path.is_file():
            graph = new_graph()
            try:
                graph.parse(path, format=fmt)
            except Exception as exc:
                raise ReleaseError(f"{path}: cannot read the previous release: {exc}") from None
            return PreviousRelease("the release in the folder given with --since", graph)
    names = " or ".join(name for name, _ in GRAPH_FILES)
    raise ReleaseError(f"{folder}: not a csgkg release folder: it has no {names}")


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False, timeout=60)


def _text(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8", "replace").strip()


def _repository(root: DatasetRoot) -> tuple[Path, str] | None:
    """The top folder of the git work tree holding ``root`` and ``root``'s path inside it."""
    try:
        top = _git(root.path, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return None
    if top.returncode != 0:
        return None
    top_path = Path(_text(top)).resolve()
    try:
        inside = root.path.resolve().relative_to(top_path).as_posix()
    except ValueError:
        return None
    return top_path, "" if inside == "." else inside + "/"


def newest_tag(root: DatasetRoot) -> str | None:
    """The newest git tag (by date) that does not point at the current commit, if any."""
    repo = _repository(root)
    if repo is None:
        return None
    top, _ = repo
    head = _text(_git(top, "rev-parse", "HEAD"))
    listing = _git(top, "for-each-ref", "--sort=-creatordate", "--format=%(refname:short)", "refs/tags")
    for tag in _text(listing).splitlines():
        commit = _text(_git(top, "rev-list", "-n", "1", tag))
        if tag and commit != head:
            return tag
    return None


def from_tag(root: DatasetRoot, tag: str) -> PreviousRelease:
    """The dataset as it was at git tag ``tag``: its ontology and data, loaded into one graph."""
    from csgkg.io.parse import load_dataset

    repo = _repository(root)
    if repo is None:
        raise ReleaseError(f"--since {tag!r}: not a folder, and {root.path} is not in a git repository")
    top, prefix = repo
    if _git(top, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}").returncode != 0:
        raise ReleaseError(f"--since {tag!r}: neither a folder nor a git tag of {top}")
    archive = _git(top, "archive", "--format=tar", tag, "--", f"{prefix}ontology", f"{prefix}data")
    if archive.returncode != 0:
        message = archive.stderr.decode("utf-8", "replace").strip()
        raise ReleaseError(
            f"cannot read the dataset at tag {tag!r}: {message}; compare with another release "
            "with --since TAG or --since DIR (an older dist/)"
        )
    with tempfile.TemporaryDirectory(prefix="csgkg-previous-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        try:
            graph = load_dataset(DatasetRoot(Path(folder) / prefix)).graph()
        except CsgkgError as exc:
            raise ReleaseError(
                f"cannot read the dataset at tag {tag!r}: {exc}; compare with another release "
                "with --since TAG or --since DIR (an older dist/)"
            ) from None
    return PreviousRelease(f"the release tagged `{tag}`", graph)


def find_previous(root: DatasetRoot, since: str | Path | None = None) -> PreviousRelease | None:
    """The release to compare with: ``since`` (a folder or a git tag), else the newest git tag
    that is not the current commit, else None (this is the first release)."""
    if since is not None:
        if Path(since).is_dir():
            return from_folder(Path(since))
        return from_tag(root, str(since))
    tag = newest_tag(root)
    return from_tag(root, tag) if tag else None
