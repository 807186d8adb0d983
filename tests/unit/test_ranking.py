"""Hybrid ranking: both tiers fused, the gate keeps minScore's meaning, fragments without vectors are
found by their words, and keyword ranking never needs the model (deterministic hashing embedder)."""

import pytest

from recall_ls.core.engine import Engine, Exclusions, Filters, _reciprocal_rank_fusion
from recall_ls.core.indexing import Indexer
from recall_ls.core.store import Store
from tests.helpers import HashingEmbedder, embedded_indexer, fragment

EMBEDDED = {
    "t:1": "sourdough bread needs a slow cold fermentation",
    "t:2": "static typing makes code explain what it expects",
    "t:3": "long runs bring the best ideas",
    "t:4": "a garden of tomatoes and basil on the balcony",
}
# Read after the vectors were made: in the store and the keyword table, with no vector yet.
NOT_EMBEDDED = {"n:1": "The Zeppelin museum in Friedrichshafen", "n:2": "zeppelins over the lake, a note"}


class NoModel(HashingEmbedder):
    """An embedder that must not be asked for a query vector."""

    def encode_query(self, text):
        raise AssertionError("the model was asked for a vector")


@pytest.fixture
def world(tmp_path):
    store, indexer = embedded_indexer(tmp_path / "index", EMBEDDED)
    embedder = indexer.embedder
    indexer.apply("/new", [fragment(fid, text, source="/new", path="/new/notes.md", kind="note")
                           for fid, text in NOT_EMBEDDED.items()])
    hidden: set[str] = set()
    engine = Engine(store, embedder, indexer.snapshot, lambda: hidden)
    yield store, embedder, indexer, engine, hidden
    store.close()


def ids(hits):
    return [h.fragment.id for h in hits]


def test_reciprocal_rank_fusion_on_hand_made_rankings():
    cosine = {1: 0.9, 2: 0.8, 3: 0.7}
    # 1: 1/61; 2: 1/62 + 0.5/62; 3: 1/63 + 0.5/61; 4 (no vector): 0.5/63
    assert _reciprocal_rank_fusion({1, 2, 3, 4}, cosine, [3, 2, 4]) == [2, 3, 1, 4]
    # What did not pass the gate takes no rank from the others.
    assert _reciprocal_rank_fusion({1, 4}, cosine, [3, 2, 4]) == [1, 4]


def test_a_fragment_without_a_vector_is_found_by_its_words(world):
    *_, engine, _ = world
    hits = engine.search("zeppelin", k=5, min_score=0.3)
    assert set(ids(hits)) == {"n:1", "n:2"}
    assert {h.matched for h in hits} == {("Zeppelin",), ("zeppelins",)}
    assert all(h.score == 1.0 for h in hits)  # the whole query's weight: on the cosine scale, at most 1
    assert engine.search("zeppelin", k=5, min_score=0.3, ranking="semantic") == []


def test_keyword_ranking_never_asks_the_model(world):
    store, _, indexer, _, _ = world
    engine = Engine(store, NoModel(), indexer.snapshot)
    assert ids(engine.search("balcony basil", k=3, ranking="keyword")) == ["t:4"]
    assert ids(engine.related("my balcony garden", k=3, ranking="keyword")) == ["t:4"]


def test_with_nothing_embedded_hybrid_answers_by_words_without_the_model(tmp_path):
    store = Store(tmp_path / "index")
    indexer = Indexer(store, NoModel(), ann_min_items=10_000)  # never opened: no vectors at all
    indexer.apply("/src", [fragment(fid, text) for fid, text in EMBEDDED.items()])
    engine = Engine(store, indexer.embedder, indexer.snapshot)
    assert ids(engine.search("fermentation", k=3)) == ["t:1"]
    store.close()


def test_a_meaning_match_is_fused_with_a_word_match(world):
    *_, engine, _ = world
    hits = engine.related("sourdough fermentation", k=3, min_score=0.3)
    assert ids(hits)[0] == "t:1" and hits[0].matched == ("sourdough", "fermentation")
    assert hits[0].score > 0.3


def test_a_shared_word_is_not_enough_for_unrelated_text(world):
    *_, engine, _ = world
    # "bread" is in the corpus but carries a small share of this query's weight, and the meaning is far.
    assert engine.search("quantum lattice chromodynamics of bread", k=5, min_score=0.5) == []
    assert engine.search("quantum lattice chromodynamics of bread", k=5, min_score=0.5, ranking="keyword") == []


def test_meaning_only_matches_carry_no_matched_words(world):
    *_, engine, _ = world
    hits = engine.search("garden", k=10, min_score=-1.0, ranking="semantic")
    assert ids(hits)[0] == "t:4" and hits[0].matched == ("garden",)
    assert all(h.matched == () for h in hits[1:])


def test_hidden_excluded_and_filtered_keyword_hits_stay_out(world):
    *_, engine, hidden = world
    hidden.add("n:1")
    assert ids(engine.search("zeppelin", k=5)) == ["n:2"]
    assert engine.search("zeppelin", k=5, exclude=Exclusions(path="/new/notes.md")) == []
    assert engine.search("zeppelin", k=5, filters=Filters(kinds=frozenset({"tweet"}))) == []


def test_keyword_hits_without_vectors_collapse_by_text(world):
    _, _, indexer, engine, _ = world
    indexer.apply("/dup", [fragment("n:3", "Zeppelins over the lake; a NOTE!", source="/dup")])
    hits = engine.search("zeppelin lake", k=5)
    assert len(hits) == 1 and ids(hits)[0] in {"n:2", "n:3"} and hits[0].duplicates == 1


def test_a_serving_engine_asks_its_own_query_vectors_and_answers_by_words_without_one(world):
    store, embedder, indexer, _, hidden = world
    asked = []

    def not_yet(text):
        asked.append(text)  # while the model loads, a server has no vector: words answer

    engine = Engine(store, NoModel(), indexer.snapshot, lambda: hidden, query_vectors=not_yet)
    assert set(ids(engine.related("zeppelin", k=5, min_score=0.3))) == {"n:1", "n:2"} and asked == ["zeppelin"]
    ready = Engine(store, NoModel(), indexer.snapshot, lambda: hidden, query_vectors=embedder.encode_query)
    assert ids(ready.search("sourdough fermentation", k=1, min_score=0.3)) == ["t:1"]
    assert ready.fragment("t:1").text == EMBEDDED["t:1"] and ready.fragment("t:404") is None
