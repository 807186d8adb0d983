"""The SQLite store: sync semantics, numbers never reused, embeddings keyed by model and text."""

import os
import sqlite3
import stat

import numpy as np
import pytest

from recall_ls.core.store import DB_NAME, Store, StoreError, open_store
from tests.helpers import fragment


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "index")
    yield s
    s.close()


def test_index_folder_is_private_to_the_user(store):
    assert stat.S_IMODE(os.stat(store.index_dir).st_mode) == 0o700


def test_sync_adds_keeps_changes_and_removes(store):
    first = store.sync_fragments("/src", [fragment("tweet:1", "alpha"), fragment("tweet:2", "beta")])
    assert first.added == 2 and first.removed == 0
    nums = {f.fragment.id: f.num for f in store.iter_fragments()}

    second = store.sync_fragments("/src", [fragment("tweet:1", "alpha"), fragment("tweet:3", "gamma")])
    assert (second.added, second.updated, second.removed) == (1, 0, 1)
    after = {f.fragment.id: f.num for f in store.iter_fragments()}
    assert after["tweet:1"] == nums["tweet:1"]  # unchanged text keeps its number
    assert "tweet:2" not in after

    third = store.sync_fragments("/src", [fragment("tweet:1", "alpha edited"), fragment("tweet:3", "gamma")])
    assert third.updated == 1
    renumbered = {f.fragment.id: f.num for f in store.iter_fragments()}
    assert renumbered["tweet:1"] > max(after.values())  # a changed text gets a fresh number


def test_numbers_are_never_reused(store):
    store.sync_fragments("/src", [fragment("a", "one"), fragment("b", "two")])
    top = max(f.num for f in store.iter_fragments())
    store.sync_fragments("/src", [])
    store.sync_fragments("/src", [fragment("c", "three")])
    assert min(f.num for f in store.iter_fragments()) > top


def test_added_numbers_are_the_rows_stored_and_their_keyword_rows(store):
    store.sync_fragments("/src", [fragment("a", "one")])
    sync = store.sync_fragments("/src", [fragment("a", "one changed"), fragment("b", "pelicans"), fragment("c", "walrus")])
    stored = {f.fragment.id: f.num for f in store.iter_fragments()}
    assert list(sync.added_nums) == [stored["a"], stored["b"], stored["c"]]
    assert store.keyword_keys(sync.added_nums) == {
        stored["a"]: "one changed", stored["b"]: "pelican", stored["c"]: "walrus"}


def _indexes(store) -> set[str]:
    rows = store._db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'fragments'")
    return {name for (name,) in rows if not name.startswith("sqlite_autoindex")}


def test_a_bulk_insert_leaves_the_indexes_as_they_were(store, monkeypatch):
    from recall_ls.core import store as store_module

    monkeypatch.setattr(store_module, "_BULK_ROWS", 3)
    indexes = _indexes(store)
    assert indexes == {"fragments_by_id", "fragments_by_hash", "fragments_by_date", "fragments_by_day"}
    store.sync_fragments("/src", [fragment(f"t{n}", f"text {n}") for n in range(5)])
    assert _indexes(store) == indexes
    plan = store._db.execute("EXPLAIN QUERY PLAN SELECT num FROM fragments WHERE text_hash = 'x'").fetchall()
    assert "fragments_by_hash" in str(plan)

    def broken(*_args):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_module.keywords, "add", broken)  # fails after the rows went in
    with pytest.raises(sqlite3.OperationalError):
        store.sync_fragments("/other", [fragment(f"o{n}", f"other {n}") for n in range(9)])
    assert _indexes(store) == indexes and store.count_fragments() == 5


def test_sync_limited_to_paths_leaves_other_files_alone(store):
    def note(fid, text, path):
        return fragment(fid, text, source="/notes", path=path)

    store.sync_fragments("/notes", [note("n:a", "a", "/notes/a.md"), note("n:b", "b", "/notes/b.md")])
    store.sync_fragments("/notes", [note("n:a2", "a2", "/notes/a.md")], only_paths=["/notes/a.md"])
    assert {f.fragment.id for f in store.iter_fragments()} == {"n:a2", "n:b"}


def test_same_id_in_two_sources_is_kept_in_both(store):
    store.sync_fragments("/archive-2021", [fragment("tweet:1", "same tweet", source="/archive-2021")])
    store.sync_fragments("/archive-2023", [fragment("tweet:1", "same tweet", source="/archive-2023")])
    assert store.count_fragments() == 2


def test_embeddings_are_keyed_by_model_and_shared_by_equal_texts(store):
    store.sync_fragments("/a", [fragment("x", "shared text", source="/a")])
    store.sync_fragments("/b", [fragment("y", "shared text", source="/b"), fragment("z", "other", source="/b")])
    todo = store.texts_to_embed("model-a", 10)
    assert sorted(t for _, t in todo) == ["other", "shared text"]  # equal texts embedded once
    vectors = np.eye(2, 4, dtype=np.float32)
    store.put_embeddings("model-a", [h for h, _ in todo], vectors)
    assert store.texts_to_embed("model-a", 10) == []
    assert len(store.texts_to_embed("model-b", 10)) == 2  # another model never reads these
    nums, matrix = store.vectors_for_hashes("model-a", 4, [todo[0][0]])
    assert matrix.shape[1] == 4 and len(nums) >= 1
    assert np.array_equal(store.embedding("model-a", todo[1][0]), vectors[1])  # one text's vector
    assert store.embedding("model-b", todo[1][0]) is None


def test_texts_to_embed_come_newest_first(store):
    store.sync_fragments("/s", [
        fragment("old", "old text", created_at="2010-01-01T00:00:00+00:00"),
        fragment("new", "new text", created_at="2024-01-01T00:00:00+00:00"),
        fragment("mid", "mid text", created_at="2018-01-01T00:00:00+00:00"),
    ])
    assert [t for _, t in store.texts_to_embed("m", 10)] == ["new text", "mid text", "old text"]


def test_iter_vectors_pages_through_everything(store):
    store.sync_fragments("/s", [fragment(str(i), f"text {i}") for i in range(25)])
    todo = store.texts_to_embed("m", 100)
    store.put_embeddings("m", [h for h, _ in todo], np.ones((len(todo), 3), dtype=np.float32))
    pages = list(store.iter_vectors("m", 3, batch=10))
    assert [len(n) for n, _ in pages] == [10, 10, 5]
    assert np.all(np.diff(np.concatenate([n for n, _ in pages])) > 0)


def test_hidden_ids_persist(tmp_path):
    store = Store(tmp_path / "i")
    store.hide("tweet:9")
    store.close()
    assert Store(tmp_path / "i").hidden_ids() == {"tweet:9"}


def test_a_store_that_is_not_sqlite_is_a_clear_error(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "recall.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="recall.sqlite3"):
        Store(folder)


def scribble_over_an_index_page(index_dir):
    """Garbage over one page of an index of the fragments table: SQLite's check reports it over several
    lines; the tables themselves still read."""
    with sqlite3.connect(index_dir / DB_NAME) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'fragments_by_id'").fetchone()[0]
    db.close()
    with open(index_dir / DB_NAME, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x5a" * page_size)


def test_a_damaged_store_keeps_its_hidden_list_and_embeddings_through_the_rebuild(tmp_path):
    index_dir = tmp_path / "i"
    store = Store(index_dir)
    store.sync_fragments("/src", [fragment(f"t:{n}", f"text number {n}") for n in range(40)])
    store.put_embeddings("m@1", ["h1", "h2"], np.eye(2, 4, dtype=np.float32))
    store.hide("t:3")
    store.hide("t:7")
    store.close()
    scribble_over_an_index_page(index_dir)
    (index_dir / "ann" / "m@1").mkdir(parents=True)  # a search index numbered by the damaged store

    rebuilt, messages = open_store(index_dir)
    assert rebuilt.hidden_ids() == {"t:3", "t:7"}  # the user's choices: no source gives them back
    assert rebuilt.count_embeddings("m@1") == 2 and rebuilt.count_fragments() == 0  # fragments: from the sources
    assert not (index_dir / "ann").exists()  # the new store numbers fragments afresh
    (message,) = messages
    assert "\n" not in message  # one line, not SQLite's report of every damaged page
    assert "store was damaged (it fails SQLite's integrity check)" in message and str(index_dir / DB_NAME) in message
    assert "2 embeddings and 2 hidden fragments kept" in message
    assert list(index_dir.glob(f"{DB_NAME}.damaged-*"))
    rebuilt.close()
    _, again = open_store(index_dir)
    assert again == []


def test_an_empty_store_file_is_damaged_and_rebuilt(tmp_path):
    index_dir = tmp_path / "i"
    Store(index_dir).close()
    (index_dir / DB_NAME).write_bytes(b"")  # what a full disk or a bad copy leaves
    store, messages = open_store(index_dir)
    (message,) = messages
    assert "store was damaged (the file is empty (0 bytes))" in message and "rebuilt from your sources" in message
    assert [p.stat().st_size for p in index_dir.glob(f"{DB_NAME}.damaged-*")] == [0]
    store.hide("t:1")  # the new store works
    assert store.hidden_ids() == {"t:1"} and (index_dir / DB_NAME).stat().st_size > 0
