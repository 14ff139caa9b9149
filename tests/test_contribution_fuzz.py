"""Property-based tests: random damage to a valid contribution never crashes `csgkg add`, always exits
0, 1 or 2, and never changes data/ unless the result is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, copy_root
from csgkg.cli.main import main
from test_contributions import tree_digest

VALID_TURTLE = (EXAMPLES / "contributions" / "valid" / "peer-listening-scheme.ttl").read_bytes()
VALID_YAML = (EXAMPLES / "contributions" / "valid" / "safer-streets-programme.yaml").read_bytes()


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory):
    return copy_root(tmp_path_factory.mktemp("fuzz") / "root")


def drop_lines(data: bytes, picks: list[int]) -> bytes:
    lines = data.splitlines(keepends=True)
    for pick in picks:
        if lines:
            lines.pop(pick % len(lines))
    return b"".join(lines)


def change_iri(data: bytes, at: int, text: str) -> bytes:
    marks = [i for i in range(len(data)) if data[i : i + 1] in (b"<", b":")]
    if not marks:
        return data
    i = marks[at % len(marks)] + 1
    return data[:i] + text.encode("utf-8", "surrogatepass") + data[i:]


def insert_garbage(data: bytes, at: int, garbage: bytes) -> bytes:
    at %= len(data) + 1
    return data[:at] + garbage + data[at:]


def truncate(data: bytes, at: int) -> bytes:
    return data[: at % (len(data) + 1)]


MUTATION = st.one_of(
    st.builds(lambda picks: ("drop", picks), st.lists(st.integers(0, 500), min_size=1, max_size=4)),
    st.builds(lambda at, text: ("iri", (at, text)), st.integers(0, 500), st.text(max_size=12)),
    st.builds(
        lambda at, junk: ("garbage", (at, junk)), st.integers(0, 5000), st.binary(min_size=1, max_size=16)
    ),
    st.builds(lambda at: ("truncate", at), st.integers(0, 5000)),
)


def apply(data: bytes, mutation: tuple) -> bytes:
    kind, arg = mutation
    if kind == "drop":
        return drop_lines(data, arg)
    if kind == "iri":
        return change_iri(data, *arg)
    if kind == "garbage":
        return insert_garbage(data, *arg)
    return truncate(data, arg)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from([("x.ttl", VALID_TURTLE), ("x.yaml", VALID_YAML)]), mutation=MUTATION)
def test_mutated_contribution_never_crashes_or_damages_data(
    fuzz_root, tmp_path: Path, source, mutation
) -> None:
    name, data = source
    path = tmp_path / name
    path.write_bytes(apply(data, mutation))
    before = tree_digest(fuzz_root.data_dir)
    existing = {p for p in fuzz_root.data_dir.rglob("*.ttl")}
    code = main(["--root", str(fuzz_root.path), "add", str(path)])
    assert code in (0, 1, 2)
    if code != 0:
        assert tree_digest(fuzz_root.data_dir) == before
    else:
        added = {p for p in fuzz_root.data_dir.rglob("*.ttl")} - existing
        assert added, "a successful add writes at least one file"
        for new in added:  # keep the root as it was for the next example
            new.unlink()
