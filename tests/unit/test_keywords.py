"""The keyword tier: words cut and folded for every language we index, FTS5 syntax as plain words,
the table rebuilt when missing or damaged, and the words that matched mapped back to the text."""

import sqlite3

import numpy as np
import pytest

from recall_ls.core import keywords
from recall_ls.core.keywords import matched_words, terms
from recall_ls.core.store import Store
from tests.conftest import CORPORA, requires_corpora
from tests.helpers import fragment


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "index")
    yield s
    s.close()


def found(store, text, limit=10):
    query = store.keyword_query(text)
    return query, [num for num, _ in store.keyword_search(query, limit)]


def ids(store, nums):
    rows = store.fragments_by_num(nums)
    return [rows[n].id for n in nums]


def keys(text):
    return [t.key for t in terms(text)]


def test_english_words_fold_case_and_plurals_and_keep_their_places():
    text = "Stories of the NOTES I wrote, https://t.co/abc123 again"
    assert keys(text) == ["story", "of", "the", "note", "i", "wrote", "again"]
    first = terms(text)[0]
    assert text[first.start : first.end] == "Stories"  # links are not words; places stay exact


def test_accents_fold_both_ways(store):
    store.sync_fragments("/src", [fragment("t:1", "Meet me at the Cafe Müller"), fragment("t:2", "nothing here")])
    query, nums = found(store, "café muller")
    assert ids(store, nums) == ["t:1"]
    assert matched_words("Meet me at the Cafe Müller", query) == ("Cafe", "Müller")


def test_japanese_runs_are_cut_into_overlapping_pairs(store):
    assert keys("東京タワー") == ["東京", "京タ", "タワ", "ワー", "ー"]
    assert [t.key for t in terms("東京タワー", query=True)] == ["東京", "京タ", "タワ", "ワー"]
    texts = {"t:1": "昨日は東京タワーに行った", "t:2": "今日は猫と遊んだ", "t:3": "iPhone買った"}
    store.sync_fragments("/src", [fragment(i, t) for i, t in texts.items()])
    query, nums = found(store, "東京タワー")
    assert ids(store, nums) == ["t:1"]
    assert matched_words(texts["t:1"], query) == ("東京タワー",)
    query, nums = found(store, "猫")  # one character: found as the start of a pair
    assert ids(store, nums) == ["t:2"] and matched_words(texts["t:2"], query) == ("猫",)
    query, nums = found(store, "買った iphone")  # a Latin word glued to a Japanese run
    assert ids(store, nums)[0] == "t:3" and matched_words(texts["t:3"], query) == ("iPhone", "買った")


@requires_corpora
def test_real_japanese_tweets_are_found_by_a_word_of_theirs(store):
    from recall_ls.core.sources import read_all
    from recall_ls.core.sources.base import ImportOptions

    reports = read_all(CORPORA / "twitter-dsajgiouawj-ja", ImportOptions())
    tweets = [f for report in reports for f in report.fragments]
    assert len(tweets) > 500
    store.sync_fragments("/ja", tweets)
    checked = 0
    for tweet in tweets[::50]:
        pairs = [t for t in terms(tweet.text) if len(t.key) == 2 and ord(t.key[0]) > 0x3000]
        inside = [(a, b) for a, b in zip(pairs, pairs[1:]) if b.start == a.start + 1]
        if not inside:
            continue
        word = tweet.text[inside[0][0].start : inside[0][1].end]  # three characters from inside the tweet
        query, nums = found(store, word, limit=1000)
        assert tweet.id in ids(store, nums), word
        assert any(word in m for m in matched_words(tweet.text, query)), (word, matched_words(tweet.text, query))
        checked += 1
    assert checked >= 5


def test_emoji_and_punctuation_are_not_words_but_do_no_harm(store):
    store.sync_fragments("/src", [fragment("t:1", "party 🎉🎉 tonight!!!")])
    assert keys("party 🎉🎉 tonight!!!") == ["party", "tonight"]
    assert found(store, "🎉🎉 ... !!!")[1] == []
    assert ids(store, found(store, "🎉 party")[1]) == ["t:1"]


BAD_QUERIES = ['"', '"unbalanced quote', "near*", "NEAR(future", "AND", "OR NOT", "^future", "keys:future",
               "(future", "a - b + c", "*", "''", "🙂🙂", "...!?", "", "   ", "x" * 300,
               "future " * 20_000]  # ~140 KB


@pytest.mark.parametrize("bad", BAD_QUERIES, ids=lambda q: repr(q[:20]))
def test_fts_syntax_in_a_query_is_plain_words(store, bad):
    store.sync_fragments("/src", [fragment("t:1", "the near future AND the past"), fragment("t:2", "other")])
    query, nums = found(store, bad)  # never an error
    for word in ("near", "future", "and"):
        if word in bad.lower():
            assert ids(store, nums) == ["t:1"]


def test_a_query_keeps_its_rarest_words(store):
    common = [fragment(f"c:{i}", f"the same words every day {i}") for i in range(120)]
    store.sync_fragments("/src", [*common, fragment("r:1", "the same zeppelin")])
    query, nums = found(store, "the same zeppelin words")
    assert query.kept == ("zeppelin",)  # "the", "same", "words" are in most fragments: not searched
    assert ids(store, nums) == ["r:1"]


def test_every_write_keeps_the_table_in_step(store):
    store.sync_fragments("/src", [fragment("t:1", "alpha zebra"), fragment("t:2", "beta")])
    store.sync_fragments("/src", [fragment("t:1", "alpha yak"), fragment("t:3", "gamma zebra")])
    assert ids(store, found(store, "zebra")[1]) == ["t:3"]
    assert ids(store, found(store, "yak")[1]) == ["t:1"]
    store.remove_source("/src")
    assert found(store, "alpha gamma")[1] == []
    assert keywords.problem(store._db) is None


def _populate(path):
    store = Store(path)
    store.sync_fragments("/src", [fragment(f"t:{i}", f"walrus number {i} swims") for i in range(50)])
    store.put_embeddings("m@1", ["h1", "h2"], np.eye(2, 4, dtype=np.float32))
    store.close()


def test_an_index_made_before_the_keyword_table_gets_it_on_open(tmp_path):
    _populate(tmp_path / "index")
    db = sqlite3.connect(tmp_path / "index" / "recall.sqlite3")
    db.executescript("DROP TABLE keywords_vocab; DROP TABLE keywords;")
    db.close()
    store = Store(tmp_path / "index")
    assert store.keywords_rebuilt == "missing"
    assert len(found(store, "walrus")[1]) == 10
    store.close()


def test_a_damaged_keyword_table_is_rebuilt_and_nothing_else_is_lost(tmp_path):
    _populate(tmp_path / "index")
    db = sqlite3.connect(tmp_path / "index" / "recall.sqlite3")
    db.execute("UPDATE keywords_data SET block = zeroblob(length(block)) WHERE id > 10")
    db.commit()
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("INSERT INTO keywords (keywords, rank) VALUES ('integrity-check', 0)")
    db.close()
    store = Store(tmp_path / "index")
    assert store.keywords_rebuilt.startswith("damaged")
    assert store.count_fragments() == 50 and store.count_embeddings("m@1") == 2
    assert len(found(store, "walrus", limit=100)[1]) == 50
    store.close()
    assert Store(tmp_path / "index").keywords_rebuilt is None  # once rebuilt, it stays sound


MIXED = [
    "Café MÜLLER's stories: https://example.com/x?y=1 notes, ideas & 2024",
    "東京タワーで朝ごはん, then a walk",
    "Straße, naïve façade, ﬁne ligatures, İstanbul, ΣΟΦΙΑ, emoji 🙂 and #hashtags @you",
    "", "   ", "a" * 80 + " ok",
    # ASCII texts take a path of their own: punctuation, "_", tabs, links and plurals in it.
    "snake_case_NAMES\tand\nTABS; www.example.org/a_b WWW.Caps.com (notes!) ftp://x.y/z stories' 42nd",
    "señor_ñandú: naïve_words, http://x.es/año and más",
]


@requires_corpora
def test_index_keys_are_the_keys_of_terms_on_real_archives():
    from recall_ls.core.sources import read_all
    from recall_ls.core.sources.base import ImportOptions

    texts = list(MIXED)
    for name in ("twitter-alrocar", "twitter-andreruffert", "twitter-dsajgiouawj-ja"):
        texts += [f.text for report in read_all(CORPORA / name, ImportOptions()) for f in report.fragments]
    for text in texts:
        assert keywords.index_keys(text) == " ".join(t.key for t in terms(text)), text


def test_index_keys_are_the_keys_of_terms():
    for text in MIXED:
        assert keywords.index_keys(text) == " ".join(t.key for t in terms(text)), text
