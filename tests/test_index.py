"""The index build/index/: written from the files, kept in step with them by the one freshness rule
(every file's size and modification time), and the same answers through it as from the files read by
rdflib (stored queries, contribution checks)."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import EXAMPLES, copy_root
from csgkg.contribution.check import check_files
from csgkg.core.manifest import scan
from csgkg.core.root import DatasetRoot
from csgkg.io.parse import load_dataset
from csgkg.publish.pipeline import build
from csgkg.sparql.api import list_queries, query, run_example, run_stored
from csgkg.store.index import State, open_index, store_dir

pytestmark = pytest.mark.slow  # each test builds the on-disk index of a private root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """A copy of the dataset, built (so with its index)."""
    root = copy_root(tmp_path_factory.mktemp("indexed") / "root")
    assert build(root).ok
    return root


def test_build_writes_the_index_beside_dist(built: DatasetRoot) -> None:
    assert store_dir(built).is_dir()
    assert not (built.dist_dir / "store").exists()
    state = State.read(built)
    assert state is not None and state.manifest == scan(built.path)
    index = open_index(built)
    assert index.update.action == "none"
    assert len(index.store) > 1000
    graphs = [g.value for g in index.store.named_graphs()]
    data_graph = next(g for g in graphs if g.startswith("urn:csgkg:file:data/"))
    assert index.files.get(data_graph).path.is_file()
    verdict = {"digest": state.manifest.digest(), "conforms": True, "violations": 0, "warnings": 0}
    assert index.verdict == verdict


def _row(record: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in record.items()))


def _answers(root: DatasetRoot, backend: str) -> dict:
    return {
        s.name: Counter(map(_row, run_stored(s, s.example, root, backend=backend).records()))
        for s in list_queries(root)
    }


def test_every_stored_query_gives_the_same_rows_on_the_index_and_on_rdflib(built: DatasetRoot) -> None:
    assert _answers(built, "oxigraph") == _answers(built, "rdflib")


@pytest.mark.parametrize(
    "example",
    [
        "invalid/Intervention-missing-label.ttl",
        "invalid/Intervention-duplicate-label.ttl",
        "valid/Programme-complete.ttl",
    ],
)
def test_contribution_check_with_the_index_answers_as_pyshacl(built: DatasetRoot, example: str) -> None:
    path = EXAMPLES / example
    fast = check_files(built, [path], engine="fast").report
    plain = check_files(built, [path], engine="pyshacl").report
    assert [r.as_json() for r in fast.results] == [r.as_json() for r in plain.results]


# --- the freshness rule: every kind of change is seen by the next command ---------------------------


def _contexts(root: DatasetRoot, context: str = "family") -> set[str]:
    return {r["interventionLabel"] for r in query("interventions-by-context", root=root, context=context)}


@pytest.fixture
def root(tmp_path: Path) -> DatasetRoot:
    """A fresh built copy of the dataset, for tests that change its files."""
    root = copy_root(tmp_path / "root")
    assert build(root).ok
    return root


def _add_family(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert "csg:worksInContext context:school" in text
    school = "csg:worksInContext context:school"
    return text.replace(school, "csg:worksInContext context:family , context:school", 1)


def test_a_file_edited_in_place_changes_the_next_answer(root: DatasetRoot) -> None:
    path = root.data_dir / "interventions" / "shifting-boundaries.ttl"
    assert "Shifting Boundaries" not in _contexts(root)
    with path.open("r+", encoding="utf-8") as handle:  # the same inode, as many editors save
        new = _add_family(path)
        handle.seek(0)
        handle.write(new)
        handle.truncate()
    assert "Shifting Boundaries" in _contexts(root)
    assert open_index(root).update.action == "none"  # the index is now in step again


def test_an_edit_keeping_size_and_time_but_not_nanoseconds_is_seen(root: DatasetRoot) -> None:
    path = root.data_dir / "interventions" / "shifting-boundaries.ttl"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("context:school", "context:family", 1), encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1))  # same size, 1 ns later
    assert path.stat().st_size == before.st_size
    assert open_index(root).update.changes.changed == ["data/interventions/shifting-boundaries.ttl"]


def _school(root: DatasetRoot) -> set[str]:
    return _contexts(root, "school")


def test_added_removed_and_renamed_files_are_seen(root: DatasetRoot) -> None:
    folder = root.data_dir / "interventions"
    source = folder / "shifting-boundaries.ttl"
    text = source.read_text(encoding="utf-8")
    moved = folder / "zz-renamed.ttl"
    os.replace(source, moved)  # renamed: the same triples, from another file
    index = open_index(root)
    assert index.update.changes.added == ["data/interventions/zz-renamed.ttl"]
    assert index.update.changes.removed == ["data/interventions/shifting-boundaries.ttl"]
    assert "Shifting Boundaries" in _school(root)
    moved.unlink()  # removed
    assert "Shifting Boundaries" not in _school(root)
    (folder / "added.ttl").write_text(text, encoding="utf-8")  # added
    assert "Shifting Boundaries" in _school(root)


def test_a_changed_vocabulary_is_seen(root: DatasetRoot) -> None:
    path = root.vocab_dir / "context.ttl"
    text = path.read_text(encoding="utf-8")
    assert '"family"@en' in text
    path.write_text(text.replace('"family"@en', '"families and carers"@en', 1), encoding="utf-8")
    labels = {r["contextLabel"] for r in query("context-harm-matrix", root=root)}
    assert "families and carers" in labels and "family" not in labels


def test_a_changed_shape_drops_the_verdict_and_the_key_table(root: DatasetRoot) -> None:
    assert open_index(root).verdict is not None and open_index(root).state.keys is not None
    shape = sorted(root.shapes_dir.glob("*.ttl"))[0]
    shape.write_text(shape.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    index = open_index(root)
    assert index.update.action == "none"  # the store holds the same files
    assert index.verdict is None and index.state.keys is None


def test_many_changes_rebuild_the_index_and_say_so(root: DatasetRoot) -> None:
    for path in sorted(root.data_dir.rglob("*.ttl")):
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    index = open_index(root)
    assert index.update.action == "rebuilt"
    assert index.update.describe().startswith("index: written anew")
    assert _answers(root, "oxigraph") == _answers(root, "rdflib")


def test_a_dataset_with_violations_is_indexed_and_queries_say_it_does_not_validate(root: DatasetRoot) -> None:
    path = root.data_dir / "interventions" / "shifting-boundaries.ttl"
    path.write_text(_add_family(path).replace("context:family ,", "context:famly ,"), encoding="utf-8")
    result = build(root)
    assert not result.ok
    stored = list_queries(root)[0]
    answer = run_example(stored, root)
    assert any("does not validate" in note for note in answer.notes)
    assert open_index(root).update.action == "none"  # the failed build brought the index up to date


# --- the key table (csgkg.fastshacl.keys) -------------------------------------------------------------


def test_build_writes_a_key_table_that_names_existing_labels(built: DatasetRoot) -> None:
    from rdflib import Literal

    from csgkg.fastshacl.keys import keyed_constraints, open_keys
    from csgkg.fastshacl.model import ShapeSet
    from csgkg.io.parse import load_shapes
    from csgkg.store.index import index_dir
    from csgkg.validation.fast import analysis_cache

    keys = open_keys(index_dir(built), open_index(built).state.keys)
    assert keys is not None
    unique = [
        c
        for c in keyed_constraints(ShapeSet(load_shapes(built)), analysis_cache(built))
        if str(c.spec.node).endswith("Intervention-label-unique")
    ]
    assert len(unique) == 1 and keys.covers(unique[0])
    found = keys.nodes(unique[0], [Literal("shifting boundaries")])
    assert found == ["<https://w3id.org/csgkg/id/intervention/shifting-boundaries>"]
    assert keys.nodes(unique[0], [Literal("no such intervention name")]) == []


def test_contribution_check_uses_the_key_table(built: DatasetRoot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The duplicate name is found through the table, and the slow per-node query is not run."""
    from csgkg.fastshacl.components import Planner

    def refuse(*args, **kwargs):
        raise AssertionError("the per-focus-node query ran although the key table covers it")

    calls = []
    keyed = Planner.keyed_rows

    def spy(self, constraint, target):
        calls.append(str(constraint.spec.node))
        return keyed(self, constraint, target)

    monkeypatch.setattr(Planner, "keyed_rows", spy)
    monkeypatch.setattr(Planner, "substituted_rows", _only_unkeyed(Planner.substituted_rows, refuse))
    from csgkg.contribution.check import _check  # in this process (no worker), to see the calls
    from csgkg.contribution.limits import Limits

    path = EXAMPLES / "invalid" / "Intervention-duplicate-label.ttl"
    report = _check(built, [path], Limits.from_env(), "fast").report
    assert any(c.endswith("Intervention-label-unique") for c in calls)
    assert [r.constraint for r in report.results] == ["shapes:Intervention-label-unique"]


def _only_unkeyed(original, refuse):
    def run(self, constraint, target):
        if self.keys is not None and self.keys.covers(constraint):
            refuse()
        return original(self, constraint, target)

    return run


def test_an_update_drops_the_key_table_and_answers_stay_the_same(root: DatasetRoot) -> None:
    data = sorted((root.data_dir / "interventions").glob("*.ttl"))[0]
    data.write_text(data.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    index = open_index(root)
    assert index.update.action == "updated" and index.state.keys is None  # no longer matches
    path = EXAMPLES / "invalid" / "Intervention-duplicate-label.ttl"
    fast = check_files(root, [path], engine="fast").report
    plain = check_files(root, [path], engine="pyshacl").report
    assert [r.as_json() for r in fast.results] == [r.as_json() for r in plain.results]


def test_copies_left_by_killed_checks_are_removed(built: DatasetRoot) -> None:
    from csgkg.contribution.check import remove_abandoned_copies
    from csgkg.store.index import index_dir

    folder = index_dir(built)
    dead = folder / ".check-999999999-abc"  # no such process
    mine = folder / f".check-{os.getpid()}-abc"  # a check still running
    for copy in (dead, mine):
        copy.mkdir()
        (copy / "CURRENT").write_text("x", encoding="utf-8")
    remove_abandoned_copies(folder)
    assert not dead.exists() and mine.exists()
    mine.joinpath("CURRENT").unlink()
    mine.rmdir()


def test_add_with_the_fast_engine_writes_what_pyshacl_accepts(tmp_path: Path, capsys) -> None:
    """`csgkg add --engine fast` (the path large registries take) refuses and adds as pySHACL does."""
    from csgkg.cli.main import main

    contributions = EXAMPLES / "contributions"
    fast_root = copy_root(tmp_path / "fast")
    plain_root = copy_root(tmp_path / "plain")
    assert build(fast_root).ok
    invalid = contributions / "invalid" / "unknown-context.yaml"
    before = _digest(fast_root.data_dir)
    assert main(["--root", str(fast_root.path), "add", "--engine", "fast", str(invalid)]) == 1
    assert "is not a known context" in capsys.readouterr().out
    assert _digest(fast_root.data_dir) == before
    valid = [str(p) for p in sorted((contributions / "valid").iterdir())]
    assert main(["--root", str(fast_root.path), "add", "--engine", "fast", *valid]) == 0
    assert main(["--root", str(plain_root.path), "add", "--engine", "pyshacl", *valid]) == 0
    capsys.readouterr()
    assert _digest(fast_root.data_dir) == _digest(plain_root.data_dir) != before
    assert validate_root_conforms(fast_root)


def _digest(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def validate_root_conforms(root: DatasetRoot) -> bool:
    from csgkg.validation.run import validate

    return validate(load_dataset(root)).conforms


def test_file_uri_is_the_resolved_file_uri(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The base IRI the store gives a file equals ``path.resolve().as_uri()``, for odd names, a
    symlinked folder, a symlinked file and a relative path."""
    from csgkg.store.loading import file_uri

    real = tmp_path / "real folder"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)
    names = ["plain.ttl", "with space.ttl", "ünïcode.ttl", "per%cent#hash.ttl"]
    for name in names:
        (real / name).write_text("", encoding="utf-8")
    (real / "link.ttl").symlink_to(tmp_path / "real folder" / "plain.ttl")
    monkeypatch.chdir(tmp_path)
    paths = [real / n for n in names] + [tmp_path / "linked" / n for n in names]
    paths += [real / "link.ttl", Path("real folder") / "plain.ttl"]
    for path in paths:
        assert file_uri(path) == path.resolve().as_uri(), path


def test_every_command_reads_the_same_files(root: DatasetRoot) -> None:
    """One list of the dataset's files (the manifest's): an editor's hidden lock file under data/ is
    read neither by the index nor by validation, which read every .ttl file before."""
    from csgkg.validation.run import validate_root

    (root.data_dir / "interventions" / ".#shifting-boundaries.ttl").write_text("not turtle", encoding="utf-8")
    assert open_index(root).update.action == "none"
    assert validate_root(root).conforms
    assert validate_root(root, engine="pyshacl").conforms


def test_the_files_of_one_kind_are_those_of_the_whole_manifest(root: DatasetRoot) -> None:
    """Listing one part (vocabularies, shapes) walks only its folders, and lists what the whole
    manifest lists for it."""
    whole = scan(root.path)
    for kind in ("ontology", "vocab", "shapes", "data", "other"):
        part = scan(root.path, (kind,))
        assert sorted(part.files) == whole.of_kinds(kind) and part.files, kind
    assert root.vocab_files() == [root.path / p for p in whole.of_kinds("vocab")]
    assert not any(p.startswith("data/") for p in scan(root.path, ("vocab", "shapes")).files)


def _triples(store) -> set[tuple[str, ...]]:
    """The store's triples as text, every blank node as "_:" (each read labels them anew)."""

    def text(term) -> str:
        return "_:" if str(term).startswith("_:") else str(term)

    return {(text(q.subject), text(q.predicate), text(q.object)) for q in store}


def test_validation_after_a_rebuild_takes_the_triples_the_rebuild_read(tmp_path: Path) -> None:
    from csgkg.store import loading

    root = copy_root(tmp_path / "root")
    open_index(root)  # no index yet: every file is read and the store is written anew
    kept = loading._JUST_READ[str(root.path)][2]
    store, _ = loading.memory_store(root)
    assert store is kept  # taken, not read again ...
    assert str(root.path) not in loading._JUST_READ  # ... and only once
    fresh, _ = loading.memory_store(root)
    assert fresh is not kept and _triples(fresh) == _triples(kept)  # the same triples as a new read


def test_a_file_changed_after_the_rebuild_is_read_again(tmp_path: Path) -> None:
    from csgkg.store import loading

    root = copy_root(tmp_path / "root")
    open_index(root)
    kept = loading._JUST_READ[str(root.path)][2]
    path = root.data_dir / "interventions" / "shifting-boundaries.ttl"
    path.write_text(_add_family(path), encoding="utf-8")
    store, _ = loading.memory_store(root)
    assert store is not kept
    family = "<https://w3id.org/csgkg/vocab/context/family>"
    subject = "<https://w3id.org/csgkg/id/intervention/shifting-boundaries>"
    assert (subject, "<https://w3id.org/csgkg/ontology/worksInContext>", family) in _triples(store)
    assert (subject, "<https://w3id.org/csgkg/ontology/worksInContext>", family) not in _triples(kept)


def test_validate_reads_each_file_once_when_the_index_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csgkg.store import loading
    from csgkg.validation.run import validate_root

    root = copy_root(tmp_path / "root")
    reads: Counter[str] = Counter()
    original = loading.load_file

    def counted(store, stored, root_, bulk=False):
        reads[stored.relative] += 1
        return original(store, stored, root_, bulk)

    monkeypatch.setattr(loading, "load_file", counted)
    report = validate_root(root, engine="fast")
    assert report.conforms
    assert reads and set(reads.values()) == {1}


def test_validation_runs_while_the_store_is_written_and_gives_the_same_report(tmp_path: Path) -> None:
    """When the index is written anew, the function given as ``meanwhile`` is called once, after
    every file was read and before the store is in place; when it is up to date, not at all. A
    whole validation gives the same results either way."""
    from csgkg.validation.run import validate_root

    root = copy_root(tmp_path / "root")
    seen: list[bool] = []
    index = open_index(root, meanwhile=lambda: seen.append(store_dir(root).is_dir()))
    assert index.update.action == "rebuilt" and seen == [False]  # called while the store was written
    assert open_index(root, meanwhile=lambda: seen.append(True)).update.action == "none"
    assert seen == [False]
    shutil.rmtree(store_dir(root).parent)
    first = validate_root(root)  # checked while the store is written
    again = validate_root(root)  # the index in step: checked after
    assert first.index_update is not None and first.index_update.startswith("index: written anew")
    assert again.index_update is None
    assert first.to_json() == again.to_json() and first.conforms
    assert _answers(root, "oxigraph") == _answers(root, "rdflib")


def test_an_error_while_the_store_is_written_still_leaves_a_whole_index(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")

    def fail() -> None:
        raise RuntimeError("validation failed")

    with pytest.raises(RuntimeError, match="validation failed"):
        open_index(root, meanwhile=fail)
    index = open_index(root)
    assert index.update.action == "none"  # the store and its state were written all the same
    assert _answers(root, "oxigraph") == _answers(root, "rdflib")
