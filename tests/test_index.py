"""The persistent index build/index/: written by the build, fresh or stale, kept up to date, and the
same answers through it as without it (stored queries, contribution checks)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import EXAMPLES, copy_root, load_synth
from csgkg.build import build
from csgkg.contribution.check import check_files
from csgkg.fastshacl.contribution import check_files_fast
from csgkg.loader import load_dataset
from csgkg.queries import list_queries, run_example
from csgkg.root import DatasetRoot
from csgkg.sparql.engine import dataset_graph
from csgkg.store.index import (
    fresh_manifest,
    open_index,
    open_index_with_keys,
    store_dir,
    sync_index,
    union_store_dir,
)
from csgkg.store.queries import IndexGraph


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DatasetRoot:
    """A copy of the dataset, built (so with its index)."""
    root = copy_root(tmp_path_factory.mktemp("indexed") / "root")
    assert build(root).ok
    return root


def test_build_writes_the_index_beside_dist(built: DatasetRoot) -> None:
    assert store_dir(built).is_dir()
    assert not (built.dist_dir / "store").exists()
    opened = open_index(built, full=True)
    assert opened is not None
    store, files = opened
    assert len(store) > 1000
    assert (
        files.get(next(iter(f for f in _graph_names(store) if f.startswith("urn:csgkg:file:data/"))))
        is not None
    )


def _graph_names(store) -> list[str]:
    return [g.value for g in store.named_graphs()]


def test_queries_use_the_index_and_answer_the_same(
    built: DatasetRoot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(dataset_graph(built), IndexGraph)
    assert not dataset_graph(built).graphs  # the union store, not the graph per file
    indexed = {s.name: Counter(map(_row, run_example(s, built).records())) for s in list_queries(built)}
    monkeypatch.setenv("CSGKG_INDEX", "0")
    assert not isinstance(dataset_graph(built), IndexGraph)
    plain = {s.name: Counter(map(_row, run_example(s, built).records())) for s in list_queries(built)}
    assert indexed == plain


def _row(record: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in record.items()))


@pytest.mark.parametrize(
    "example",
    [
        "invalid/Intervention-missing-label.ttl",
        "invalid/Intervention-duplicate-label.ttl",
        "valid/Programme-complete.ttl",
    ],
)
def test_contribution_check_with_the_index_answers_the_same(built: DatasetRoot, example: str) -> None:
    path = EXAMPLES / example
    fast = check_files_fast(built, [path]).report
    plain = check_files(load_dataset(built), [path]).report
    assert [r.as_json() for r in fast.results] == [r.as_json() for r in plain.results]


def test_a_changed_file_makes_the_index_stale_then_sync_updates_it(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")
    assert build(root).ok
    assert fresh_manifest(root) is not None
    data = sorted((root.data_dir / "interventions").glob("*.ttl"))[0]
    text = data.read_text(encoding="utf-8")
    new = data.with_suffix(".new")
    new.write_text(text + "\n# edited\n", encoding="utf-8")
    os.replace(new, data)  # saved by replacing the file, as csgkg and most editors do
    assert fresh_manifest(root) is None  # the quick check sees the folder change
    synced = sync_index(root)
    assert synced is not None
    store, _ = synced
    del store
    assert fresh_manifest(root, full=True) is not None


def test_a_new_file_is_seen_by_the_quick_check(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")
    assert build(root).ok
    (root.data_dir / "sources" / "zz-new.ttl").write_text(
        '<https://w3id.org/csgkg/id/source/zz> <http://purl.org/dc/terms/title> "x"@en .\n', encoding="utf-8"
    )
    assert fresh_manifest(root) is None
    assert open_index(root) is None


# --- the key table (csgkg.fastshacl.keys) -------------------------------------------------------------


def test_build_writes_a_key_table_that_names_existing_labels(built: DatasetRoot) -> None:
    from rdflib import Literal

    from csgkg.fastshacl.engine import analysis_cache
    from csgkg.fastshacl.keys import keyed_constraints
    from csgkg.fastshacl.model import ShapeSet
    from csgkg.loader import load_shapes

    opened = open_index_with_keys(built)
    assert opened is not None
    keys = opened[2]
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
    from csgkg.contribution.limits import Limits
    from csgkg.fastshacl.contribution import _check  # in this process (no worker), to see the calls

    path = EXAMPLES / "invalid" / "Intervention-duplicate-label.ttl"
    report = _check(built, [path], Limits.from_env()).report
    assert any(c.endswith("Intervention-label-unique") for c in calls)
    assert [r.constraint for r in report.results] == ["shapes:Intervention-label-unique"]


def _only_unkeyed(original, refuse):
    def run(self, constraint, target):
        if self.keys is not None and self.keys.covers(constraint):
            refuse()
        return original(self, constraint, target)

    return run


def test_sync_drops_the_key_table_and_answers_stay_the_same(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")
    assert build(root).ok
    data = sorted((root.data_dir / "interventions").glob("*.ttl"))[0]
    data.write_text(data.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    synced = sync_index(root)
    assert synced is not None
    del synced
    opened = open_index_with_keys(root)
    assert opened is not None and opened[2] is None  # the table no longer matches the index
    path = EXAMPLES / "invalid" / "Intervention-duplicate-label.ttl"
    fast = check_files_fast(root, [path]).report
    plain = check_files(load_dataset(root), [path]).report
    assert [r.as_json() for r in fast.results] == [r.as_json() for r in plain.results]


def test_the_union_store_holds_each_triple_of_the_files_once(built: DatasetRoot) -> None:
    import pyoxigraph as ox

    from csgkg.fastshacl.terms import to_triple

    union = ox.Store.read_only(str(union_store_dir(built)))
    assert not list(union.named_graphs())
    stored = Graph()
    for quad in union:
        stored.add(to_triple(quad))
    assert len(stored) == len(union)
    assert isomorphic(stored, load_dataset(built).graph())  # the same triples, blank nodes aside


def test_sync_drops_the_union_store_and_queries_read_the_graphs(tmp_path: Path) -> None:
    root = copy_root(tmp_path / "root")
    assert build(root).ok
    data = sorted((root.data_dir / "interventions").glob("*.ttl"))[0]
    text = data.read_text(encoding="utf-8")
    label = text.split('rdfs:label "', 1)[1].split('"', 1)[0]
    data.write_text(
        text.replace(f'rdfs:label "{label}"', f'rdfs:label "{label} (renamed)"'), encoding="utf-8"
    )
    synced = sync_index(root)
    assert synced is not None
    del synced
    assert not union_store_dir(root).exists()
    graph = dataset_graph(root)
    assert isinstance(graph, IndexGraph) and graph.graphs
    answer = run_example(next(s for s in list_queries(root) if s.name == "intervention-summary"), root)
    names = {str(r["interventionLabel"]) for r in answer.records()}
    assert f"{label} (renamed)" in names and label not in names


def test_a_large_build_writes_the_union_store_from_its_ntriples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above LARGE_FILES data files the build stays in Oxigraph and loads the union store from
    dist/csgkg.nt; the stored queries answer there as they do on the files."""
    import csgkg.build

    synth = load_synth()
    synth.synthesise(30, 11, tmp_path / "root", 0.0)
    root = DatasetRoot(tmp_path / "root")
    monkeypatch.setattr(csgkg.build, "LARGE_FILES", 10)
    result = build(root)
    assert result.ok and any("OWL 2 RL inference skipped" in n for n in result.notes)
    assert union_store_dir(root).is_dir()
    assert not dataset_graph(root).graphs
    indexed = {s.name: Counter(map(_row, run_example(s, root).records())) for s in list_queries(root)}
    monkeypatch.setenv("CSGKG_INDEX", "0")
    plain = {s.name: Counter(map(_row, run_example(s, root).records())) for s in list_queries(root)}
    assert indexed == plain


def test_copies_left_by_killed_checks_are_removed(built: DatasetRoot) -> None:
    from csgkg.fastshacl.contribution import remove_abandoned_copies
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


# --- the names table (csgkg.store.names) --------------------------------------------------------------


def test_the_names_table_resolves_every_name_as_the_graph_does(built: DatasetRoot) -> None:
    """Every name of every member of every kind of parameter resolves to the same members, and a
    misspelt one gets the same suggestions, through the table as through the rdflib graph."""
    from csgkg.loader import load_dataset
    from csgkg.sparql.resolve import KINDS, build_index, index_for, nearest
    from csgkg.store.queries import index_graph

    indexed = index_graph(built)
    assert indexed is not None and indexed.names_table is not None
    graph = load_dataset(built).graph()
    checked = 0
    for kind in {k.noun: k for k in KINDS.values()}.values():
        plain = build_index(graph, kind)
        table = index_for(indexed, kind)
        assert table is not plain and type(table).__name__ == "TableIndex"
        for tier in plain.tiers:
            for key in tier:
                assert table.lookup(key) == plain.lookup(key), (kind.noun, key)
                checked += 1
        for member in plain.names:
            assert table.display(member) == plain.display(member)
            assert table.names[member] == plain.names[member]
        assert sorted(table.names.values()) == sorted(plain.names.values())
        assert set(table.names) == set(plain.names) and len(table.names) == len(plain.names)
        for typo in ("scool", "shifting bondaries", "zzz"):
            assert nearest(table, typo) == nearest(plain, typo)
    assert checked > 200


def test_a_parameter_names_the_same_member_with_or_without_the_index(
    built: DatasetRoot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csgkg.errors import UsageError
    from csgkg.queries import bind_parameters, get_query

    stored = get_query("compare-interventions", built)
    params = {"a": "Shifting Boundaries", "b": "mentors-in-violence-prevention"}
    with_index = bind_parameters(stored, params, built)
    with pytest.raises(UsageError) as on_index:
        bind_parameters(stored, {"a": "shifting bondaries", "b": "x"}, built)
    monkeypatch.setenv("CSGKG_INDEX", "0")
    assert bind_parameters(stored, params, built) == with_index
    with pytest.raises(UsageError) as plain:
        bind_parameters(stored, {"a": "shifting bondaries", "b": "x"}, built)
    assert str(on_index.value) == str(plain.value)


def test_add_with_the_fast_engine_writes_what_pyshacl_accepts(tmp_path: Path, capsys) -> None:
    """`csgkg add --engine fast` (the path large registries take) refuses and adds as pySHACL does."""
    from csgkg.cli import main

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
    from csgkg.validation import validate

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


def test_memory_of_a_dropped_store_goes_back_to_the_system(tmp_path: Path) -> None:
    """The large build drops its in-memory store before bulk-loading the index; without
    malloc_trim the process kept about 80% of the store's memory (1.8 of 2.2 GB at 100,000)."""
    import subprocess
    import sys

    synth = load_synth()
    synth.synthesise(1000, 3, tmp_path / "root", 0.0)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from csgkg.root import DatasetRoot\n"
        "from csgkg.store.loading import memory_store\n"
        "from csgkg.store.memory import give_back_memory\n"
        "def rss(): return int(open('/proc/self/statm').read().split()[1])\n"
        "base = rss()\n"
        "store, files = memory_store(DatasetRoot(Path(sys.argv[1])))\n"
        "loaded = rss()\n"
        "del store, files\n"
        "print(give_back_memory(), base, loaded, rss())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "root")], capture_output=True, text=True, check=True
    ).stdout.split()
    trimmed, base, loaded, after = out[0] == "True", *map(int, out[1:])
    assert trimmed and loaded - base > 5000  # pages: the store took more than 20 MB
    assert after - base < (loaded - base) / 2, (base, loaded, after)
