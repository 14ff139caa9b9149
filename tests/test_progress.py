"""Long work shows rich progress bars on a terminal and prints nothing extra in pipes or CI."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import copy_root

# The bar of the files read: "indexing files" when the index is written anew (validation then takes
# what it read), "reading files" when the index is up to date and validation reads them itself.
BAR_TEXTS = ("indexing files", "reading files")


def has_bar(output: str) -> bool:
    """True when ``output`` shows a bar of files read."""
    return any(text in output for text in BAR_TEXTS)


def run_on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``csgkg args`` with standard output and error on a pseudo-terminal; its exit code and output."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "csgkg", *args], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def quiet_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CSGKG_PROGRESS")}
    env["TERM"] = "xterm"
    env["COLUMNS"] = "120"
    return env


def test_validation_shows_a_bar_with_counts_on_a_terminal(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root").path
    vocab = list((root / "ontology" / "vocab").glob("*.ttl"))
    files = 1 + len(vocab) + len(list((root / "data").rglob("*.ttl")))
    for bar in BAR_TEXTS:  # no index yet, then an index in step with the files
        code, output = run_on_terminal(["--root", str(root), "validate", "--engine", "fast"], quiet_env())
        assert code == 0, output
        assert bar in output
        assert f"{files}/{files}" in output  # the count of files read, as the bar ends
        assert "Conforms: yes" in output


def test_no_bar_in_a_pipe_or_in_ci(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root").path
    args = [sys.executable, "-m", "csgkg", "--root", str(root), "validate", "--engine", "fast"]
    piped = subprocess.run(args, capture_output=True, text=True, env=quiet_env(), check=False)
    assert piped.returncode == 0
    assert not has_bar(piped.stdout + piped.stderr)
    ci = quiet_env() | {"CI": "true"}
    code, output = run_on_terminal(["--root", str(root), "validate", "--engine", "fast"], ci)
    assert code == 0 and not has_bar(output)
    off = quiet_env() | {"CSGKG_PROGRESS": "0"}
    code, output = run_on_terminal(["--root", str(root), "validate", "--engine", "fast"], off)
    assert code == 0 and not has_bar(output)
