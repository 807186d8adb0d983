"""Engine and indexer plumbing over a real store, with the deterministic hashing embedder."""

import threading

import pytest

from recall_ls.core.engine import Engine, Exclusions, Filters
from recall_ls.core.indexing import Indexer
from recall_ls.core.store import Store
from tests.helpers import HashingEmbedder, embedded_indexer, fragment

TEXTS = {
    "tweet:1": "sourdough bread needs a slow cold fermentation",
    "tweet:2": "static typing makes code explain what it expects",
    "tweet:3": "long runs bring the best ideas",
    "tweet:4": "Sourdough bread needs a slow, cold fermentation!",  # near-identical to 1
    "tweet:5": "a garden of tomatoes and basil on the balcony",
}


@pytest.fixture
def world(tmp_path):
    store, indexer = embedded_indexer(tmp_path / "index", TEXTS)
    embedder = indexer.embedder
    engine = Engine(store, embedder, indexer.snapshot, lambda: store.hidden_ids())
    yield store, embedder, indexer, engine
    store.close()


def ids(hits):
    return [h.fragment.id for h in hits]


def test_related_finds_the_overlapping_text_and_collapses_duplicates(world):
    *_, engine = world
    hits = engine.related("my sourdough fermentation notes", k=3, min_score=0.2)
    assert ids(hits)[0] in {"tweet:1", "tweet:4"}
    assert not {"tweet:1", "tweet:4"} <= set(ids(hits))  # the two near-identical texts are one hit
    assert hits[0].duplicates == 1


def test_min_score_means_nothing_rather_than_noise(world):
    *_, engine = world
    assert engine.search("quantum chromodynamics lattice", k=5, min_score=0.5) == []


def test_a_text_never_finds_itself(world):
    *_, engine = world
    assert "tweet:2" not in ids(engine.related(TEXTS["tweet:2"], k=5, min_score=0.0))


def test_exclusions_by_id_and_by_place(world):
    *_, engine = world
    hits = engine.search("sourdough", k=5, min_score=0.1, exclude=Exclusions(ids=frozenset({"tweet:1", "tweet:4"})))
    assert not {"tweet:1", "tweet:4"} & set(ids(hits))


def test_filters_by_kind_date_and_path(world):
    store, _, indexer, engine = world
    indexer.apply("/notes", [fragment("note:a", "sourdough starter feeding schedule", kind="note", source="/notes",
                                       path="/notes/bread.md", created_at="2020-05-01T00:00:00+00:00", line=3)])
    indexer.embed_missing()
    assert ids(engine.search("sourdough", k=5, min_score=0.1, filters=Filters(kinds=frozenset({"note"})))) == ["note:a"]
    assert "note:a" not in ids(engine.search("sourdough", k=5, min_score=0.1, filters=Filters(since="2021")))
    assert ids(engine.search("sourdough", k=5, min_score=0.1, filters=Filters(path_glob="*/bread.md"))) == ["note:a"]


def test_hidden_fragments_never_show(world):
    store, *_, engine = world
    store.hide("tweet:3")
    assert "tweet:3" not in ids(engine.search("long runs ideas", k=5, min_score=0.0))


def test_deleted_fragments_never_come_back(world):
    store, _, indexer, engine = world
    indexer.apply("/src", [fragment(fid, t) for fid, t in TEXTS.items() if fid != "tweet:5"])
    assert "tweet:5" not in ids(engine.search("tomatoes basil balcony", k=5, min_score=0.0))


def test_restart_embeds_nothing_again(world, tmp_path):
    store, embedder, indexer, _ = world
    before = len(embedder.encoded)
    again = Indexer(store, embedder, ann_min_items=10_000)
    again.apply("/src", [fragment(fid, text) for fid, text in TEXTS.items()])
    again.open()
    assert again.embed_missing() == 0 and len(embedder.encoded) == before
    assert again.snapshot().size == len(TEXTS)


def test_interrupted_embedding_resumes_where_it_stopped(tmp_path):
    store = Store(tmp_path / "i")
    embedder = HashingEmbedder()
    indexer = Indexer(store, embedder)
    many = [fragment(f"t:{i}", f"text number {i} about things", created_at=f"2020-01-01T00:00:{i % 60:02d}+00:00")
            for i in range(600)]
    indexer.apply("/s", many)
    indexer.open()
    stop = threading.Event()

    def stop_after_first_chunk(progress):
        if progress.done >= 256:
            stop.set()

    first = indexer.embed_missing(stop_after_first_chunk, stop)
    assert first == 256
    resumed = Indexer(store, embedder)
    resumed.open()
    assert resumed.snapshot().size == 256  # what was committed is searchable after a restart
    assert resumed.embed_missing() == 600 - 256
    assert len(embedder.encoded) == 600  # nothing embedded twice


def eighty_embedded(tmp_path):
    """A store of 80 embedded texts, and its indexer with annoy due from 50 items."""
    store = Store(tmp_path / "i")
    embedder = HashingEmbedder()
    indexer = Indexer(store, embedder, ann_min_items=50)
    indexer.apply("/s", [fragment(f"t:{i}", f"word{i} common") for i in range(80)])
    indexer.open()
    indexer.embed_missing()
    return store, embedder, indexer


def test_annoy_build_swaps_in_and_keeps_newer_vectors(tmp_path):
    store, embedder, indexer = eighty_embedded(tmp_path)
    assert indexer.needs_build()
    indexer.build(trees=5)
    snap = indexer.snapshot()
    assert snap.ann is not None and len(snap.ann.nums) == 80 and len(snap.fresh_nums) == 0
    indexer.apply("/s", [fragment(f"t:{i}", f"word{i} common") for i in range(81)])
    indexer.embed_missing()
    assert len(indexer.snapshot().fresh_nums) == 1
    engine = Engine(store, embedder, indexer.snapshot)
    assert ids(engine.search("word80", k=1, min_score=0.0)) == ["t:80"]
    assert ids(engine.search("word7", k=1, min_score=0.0)) == ["t:7"]
    reopened = Indexer(store, embedder, ann_min_items=50)
    assert reopened.open().size == 81


def test_a_source_read_with_errors_loses_nothing_stored(tmp_path):
    from pathlib import Path

    from recall_ls.core.sources.base import ImportOptions

    archive = tmp_path / "archive" / "data"
    archive.mkdir(parents=True)
    records = [{"tweet": {"id_str": str(100 + i), "full_text": f"tweet number {i} about gardening",
                          "created_at": "Wed Nov 02 21:30:39 +0000 2022", "lang": "en"}} for i in range(5)]
    import json

    tweets = archive / "tweets.js"
    tweets.write_text("window.YTD.tweets.part0 = " + json.dumps(records, indent=2), encoding="utf-8")
    store = Store(tmp_path / "index")
    indexer = Indexer(store, HashingEmbedder())
    first = indexer.read_sources(Path(tmp_path / "archive"), ImportOptions())
    assert first[0].fragments == 5 and not first[0].errors
    tweets.write_text(tweets.read_text()[: len(tweets.read_text()) // 2], encoding="utf-8")  # truncated
    second = indexer.read_sources(Path(tmp_path / "archive"), ImportOptions())
    assert second[0].errors and "tweets.js" in second[0].errors[0]
    assert second[0].removed == 0
    assert store.count_fragments() == 5


def test_results_come_from_past_the_first_candidates_when_those_are_excluded(tmp_path):
    store = Store(tmp_path / "index")
    embedder = HashingEmbedder()
    indexer = Indexer(store, embedder, ann_min_items=10_000)
    # The closest 30 texts are in the document being written; the 3 wanted are further away.
    indexer.apply("/notes", [fragment(f"note:{i}", f"sourdough bread fermentation starter {i}", kind="note",
                                      source="/notes", path="/notes/draft.md", line=i + 1) for i in range(30)])
    indexer.apply("/src", [fragment(f"tweet:{i}", f"sourdough loaf number {i} from the bakery") for i in range(3)])
    indexer.open()
    indexer.embed_missing()
    engine = Engine(store, embedder, indexer.snapshot)
    hits = engine.related("sourdough bread fermentation starter", k=3, min_score=0.0,
                          exclude=Exclusions(path="/notes/draft.md"))
    assert sorted(ids(hits)) == ["tweet:0", "tweet:1", "tweet:2"]
    store.close()


def test_a_damaged_annoy_generation_is_rebuilt_whatever_the_corpus_size(tmp_path):
    store, embedder, indexer = eighty_embedded(tmp_path)
    indexer.build(trees=5)
    ann_file = next((tmp_path / "i" / "ann").glob("*/gen-1.ann"))
    data = bytearray(ann_file.read_bytes())
    data[:64] = bytes(64)
    ann_file.write_bytes(bytes(data))
    # Reopened with a threshold above the corpus (the user removed writing, or the default applies).
    reopened = Indexer(store, embedder, ann_min_items=10_000)
    snapshot = reopened.open()
    assert snapshot.ann is None and snapshot.size == 80  # served exactly from the store meanwhile
    assert len(reopened.problems) == 1 and str(ann_file) in reopened.problems[0]
    assert reopened.needs_build()
    reopened.build(trees=5)
    assert reopened.snapshot().ann is not None and not reopened.ann_files.problem
    assert not reopened.needs_build() and not ann_file.exists()
    assert ids(Engine(store, embedder, reopened.snapshot).search("word7", k=1, min_score=0.0)) == ["t:7"]


def test_the_cycle_collector_is_paused_while_sources_are_read_and_restored_after(tmp_path, monkeypatch):
    import gc
    from pathlib import Path

    from recall_ls.core import sources
    from recall_ls.core.sources.base import ImportOptions
    from recall_ls.core.store import StoreError

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("# A note\n\nAbout gardening in the rain.\n", encoding="utf-8")
    indexer = Indexer(Store(tmp_path / "index"), HashingEmbedder())
    read_all, seen = sources.read_all, []

    def watched(*args):
        seen.append(gc.isenabled())
        return read_all(*args)

    monkeypatch.setattr(sources, "read_all", watched)
    assert gc.isenabled()
    assert indexer.read_sources(Path(tmp_path / "notes"), ImportOptions())[0].fragments == 1
    assert seen == [False] and gc.isenabled()

    def full_disk(*_args, **_kwargs):
        raise StoreError("disk full")

    monkeypatch.setattr(indexer.store, "sync_fragments", full_disk)
    with pytest.raises(StoreError):
        indexer.read_sources(Path(tmp_path / "notes"), ImportOptions())
    assert gc.isenabled()  # back on after a failed write too
    gc.disable()  # a caller that turned it off keeps it off
    try:
        with pytest.raises(StoreError):
            indexer.read_sources(Path(tmp_path / "notes"), ImportOptions())
        assert not gc.isenabled()
    finally:
        gc.enable()
