"""Hybrid ranking: both tiers fused, the gate keeps minScore's meaning, fragments without vectors are
found by their words, and keyword ranking never needs the model (deterministic hashing embedder)."""

import pytest

from recall_ls.core.engine import KEYWORD_LIFT, Engine, Exclusions, Filters, gate, lifted
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


def test_the_lift_keeps_the_cosine_scale():
    assert lifted(0.6, 0.0) == 0.6  # no words matched: meaning alone
    assert lifted(0.6, 1.0) == pytest.approx(0.6 + KEYWORD_LIFT * 0.4)
    assert lifted(0.6, 0.5) < lifted(0.6, 1.0) < 1.0
    assert lifted(1.0, 1.0) == 1.0 and lifted(-0.2, 1.0) > -0.2


def test_hybrid_scores_on_hand_made_candidates():
    cosine = {1: 0.80, 2: 0.78, 3: 0.40, 4: 0.28, 6: 0.10}
    # 2 holds half the query's rare-word weight, 3 most of it, 4 a little, 6 more than the keyword
    # gate asks; 5 and 7 have no vector yet.
    share = {2: 0.5, 3: 0.9, 4: 0.3, 5: 0.6, 6: 0.6, 7: 0.4}
    passed = gate([1, 2, 3, 4, 5, 6, 7], cosine, share, min_score=0.3)
    assert passed[1] == 0.80  # meaning alone
    assert passed[2] == pytest.approx(0.78 + KEYWORD_LIFT * 0.5 * 0.22)  # its words lift it past 1
    assert passed[3] == pytest.approx(0.40 + KEYWORD_LIFT * 0.9 * 0.60)
    assert passed[5] == 0.6  # no vector: found by its words, scored by their share
    assert passed[6] == 0.3  # related by its words alone (lifted 0.26): shown at minScore, after meaning
    assert sorted(passed, key=lambda n: -passed[n]) == [2, 1, 5, 3, 6]
    # 4's words lift it over minScore (0.28 -> 0.34), but minScore judges its meaning, and its words
    # carry too little of the query for the keyword gate; so does 7's, with no vector.
    assert {4, 7}.isdisjoint(passed)
    assert gate([4], cosine, share, min_score=0.28) == {4: pytest.approx(0.28 + KEYWORD_LIFT * 0.3 * 0.72)}


def test_without_words_hybrid_is_the_cosine_and_minscore_its_floor():
    cosine = {1: 0.5, 2: 0.31, 3: 0.29}
    assert gate([1, 2, 3], cosine, {}, min_score=0.3) == {1: 0.5, 2: 0.31}


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


@pytest.mark.parametrize("ranking", ["hybrid", "semantic", "keyword"])
def test_words_searched_beside_the_vector_rank_as_in_turn(world, ranking):
    from concurrent.futures import ThreadPoolExecutor

    class Counted(ThreadPoolExecutor):
        asked: list[str] = []

        def submit(self, fn, text, *args):
            self.asked.append(text)
            return super().submit(fn, text, *args)

    store, embedder, indexer, engine, hidden = world
    queries = ["sourdough fermentation", "zeppelin lake", "my balcony garden", "quantum bread", "ideas"]
    with Counted(1) as beside:
        parallel = Engine(store, embedder, indexer.snapshot, lambda: hidden, words_beside=beside)
        for query in queries:
            for k in (1, 3, 10):  # 10: more than the corpus, so the ranking asks again past the first answer
                expected = engine.related(query, k=k, min_score=0.2, ranking=ranking)
                assert parallel.related(query, k=k, min_score=0.2, ranking=ranking) == expected
    assert Counted.asked == [query for query in queries for _ in range(3)]
    # Shut down (the server stopping): the words are asked in turn, and the answer is the same.
    assert parallel.related(queries[0], k=3, ranking=ranking) == engine.related(queries[0], k=3, ranking=ranking)


def test_the_kinds_filter_tells_replies_to_others_from_a_threads_own_posts():
    from recall_ls.core.engine import filter_kind

    place = {"id": "thread:tweet:1", "length": 3, "first": {}}
    assert filter_kind(fragment("tweet:1", "a tweet")) == "tweet"
    assert filter_kind(fragment("tweet:2", "@ada a reply", is_reply=True)) == "reply"
    assert filter_kind(fragment("tweet:3", "and so on", is_reply=True, thread=place | {"position": 2})) == "tweet"
    # A thread that began as a reply to someone else: its first post is a reply, the thread a thread.
    assert filter_kind(fragment("tweet:4", "@bob first", is_reply=True, thread=place | {"position": 1})) == "reply"
    assert filter_kind(fragment("thread:tweet:4", "all", kind="thread", is_reply=True, thread=place | {"position": 0})) == "thread"
    only_replies = Filters(kinds=frozenset({"reply"}))
    assert only_replies.accept(fragment("tweet:2", "@ada a reply", is_reply=True))
    assert not only_replies.accept(fragment("tweet:1", "a tweet"))
