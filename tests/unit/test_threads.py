"""Self-thread reconstruction (core/threads.py) on fixtures written for it, and threads through indexing.

tests/fixtures/threads holds a Grailbird archive (a chain across month files, a month file missing
in the middle of a chain, a cycle of parent ids, replies to another account), a Mastodon outbox with
self-replies, a ``tweets.csv`` with parent ids but no ``user_details.js``, and a Twitter/X archive
whose thread start was edited after a reply to its first version.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from recall_ls.core import sources, threads
from recall_ls.core.fragments import Kind
from recall_ls.core.indexing import Indexer
from recall_ls.core.store import SCHEMA_VERSION, Store, StoreError
from tests.conftest import ROOT
from tests.helpers import HashingEmbedder, fragment

FIXTURES = ROOT / "tests" / "fixtures" / "threads"


def _threads(path: Path) -> dict[str, threads.Thread]:
    report = sources.read(path)
    assert not report.errors, report.errors
    return {thread.id: thread for thread in threads.reconstruct(report.fragments)}


def _ids(thread: threads.Thread) -> list[str]:
    return [post.id for post in thread.posts]


def test_grailbird_chain_across_month_files_in_order():
    found = _threads(FIXTURES / "grailbird")
    bridges = found["thread:tweet:100"]
    assert _ids(bridges) == ["tweet:100", "tweet:110", "tweet:120"]
    assert {Path(post.path).name for post in bridges.posts} == {"2014_01.js", "2014_02.js"}
    assert bridges.gaps == ()


def test_a_missing_month_file_roots_the_rest_at_the_missing_post():
    found = _threads(FIXTURES / "grailbird")
    # 210 sat in the absent 2014_03.js: 220 and 230 stay one thread, with a gap before its first post;
    # 200, whose continuation is lost, is no thread.
    kitchen = found["thread:tweet:210"]
    assert _ids(kitchen) == ["tweet:220", "tweet:230"]
    assert kitchen.gaps == (1,)
    assert not any("tweet:200" in _ids(thread) for thread in found.values())


def test_a_cycle_of_parent_ids_is_cut_at_its_earliest_post():
    found = _threads(FIXTURES / "grailbird")
    assert _ids(found["thread:tweet:300"]) == ["tweet:300", "tweet:310"]


def test_replies_to_another_account_are_not_threads_but_may_start_one():
    found = _threads(FIXTURES / "grailbird")
    assert not any("tweet:420" in _ids(thread) for thread in found.values())
    # The owner continued their own reply to @friend: that continuation is a thread.
    reply = found["thread:tweet:400"]
    assert _ids(reply) == ["tweet:400", "tweet:410"]
    whole = threads.thread_fragment(reply)
    assert whole.meta["is_reply"] is True
    assert whole.text == "@friend I disagree, the tunnel was cheaper.\n\nAnd it took half the time to build."
    assert set(found) == {"thread:tweet:100", "thread:tweet:210", "thread:tweet:300", "thread:tweet:400"}


def test_mastodon_self_replies():
    found = _threads(FIXTURES / "mastodon")
    assert list(found) == ["thread:mastodon:https://example.social/users/ada/statuses/1"]
    tomatoes = next(iter(found.values()))
    assert [post.id.rsplit("/", 1)[1] for post in tomatoes.posts] == ["1", "2", "3"]


def test_tweets_csv_without_owner_threads_on_parents_in_the_file():
    found = _threads(FIXTURES / "csv")
    assert list(found) == ["thread:tweet:800000000000000001"]
    assert _ids(found["thread:tweet:800000000000000001"])[-1] == "tweet:800000000000000003"


def test_thread_fragment_and_places():
    report = sources.read(FIXTURES / "grailbird")
    threading = threads.with_threads(report.fragments)
    by_id = {f.id: f for f in threading.fragments}
    whole = by_id["thread:tweet:100"]
    assert whole.kind == Kind.THREAD
    assert whole.created_at == "2014-01-31T22:00:00+00:00"
    assert whole.url == by_id["tweet:100"].url
    assert whole.text.split("\n\n") == [
        "Why small bridges fail: a thread about load and rust.",
        "First, water gets into the joints and nobody looks.",
        "Second, the inspections are paper only.",
    ]
    assert whole.meta["posts"] == ["tweet:100", "tweet:110", "tweet:120"]
    assert by_id["tweet:110"].meta["thread"] == {
        "id": "thread:tweet:100", "position": 2, "length": 3,
        "first": {"id": "tweet:100", "snippet": "Why small bridges fail: a thread about load and rust.",
                  "url": by_id["tweet:100"].url},
    }
    assert whole.meta["thread"]["position"] == threads.WHOLE
    assert "thread" not in by_id["tweet:200"].meta
    # Posts keep their place in the list; the thread fragments come after them.
    assert [f.id for f in threading.fragments[: len(report.fragments)]] == [f.id for f in report.fragments]


def test_a_thousand_post_thread_needs_no_recursion():
    posts = [fragment("tweet:1", "post 1", created_at=None)]
    posts += [fragment(f"tweet:{n}", f"post {n}", created_at=None, is_reply=True, thread_parent=str(n - 1))
              for n in range(2, 1001)]
    # Deepest first: a walk from the last post climbs all 999 links at once.
    (thread,) = threads.reconstruct(reversed(posts))
    assert len(thread.posts) == 1000
    assert _ids(thread)[:3] == ["tweet:1", "tweet:2", "tweet:3"]
    assert _ids(thread)[-1] == "tweet:1000"
    # ... and reads back whole from its last post, in order.
    stored = {f.id: f for f in threads.with_threads(posts).fragments}
    whole = threads.expand("tweet:1000", stored.get, hidden=())
    assert whole.length == 1000 and [post.id for post in whole.posts] == _ids(thread)


def test_two_replies_to_one_post_are_one_thread_in_date_order():
    posts = [
        fragment("tweet:10", "root", created_at="2024-01-01T00:00:00+00:00"),
        fragment("tweet:30", "second answer", created_at="2024-01-01T00:03:00+00:00", is_reply=True, thread_parent="10"),
        fragment("tweet:20", "first answer", created_at="2024-01-01T00:01:00+00:00", is_reply=True, thread_parent="10"),
        fragment("tweet:40", "on the first", created_at="2024-01-01T00:02:00+00:00", is_reply=True, thread_parent="20"),
    ]
    (thread,) = threads.reconstruct(posts)
    assert _ids(thread) == ["tweet:10", "tweet:20", "tweet:40", "tweet:30"]


def test_a_remembered_link_bridges_a_deleted_post():
    posts = [
        fragment("tweet:1", "start", created_at="2024-01-01T00:00:00+00:00"),
        fragment("tweet:3", "end", created_at="2024-01-01T00:02:00+00:00", is_reply=True, thread_parent="2"),
    ]
    assert threads.reconstruct(posts) == []  # nothing known of 2: two lone posts
    (thread,) = threads.reconstruct(posts, {"tweet:2": "tweet:1"})
    assert thread.id == "thread:tweet:1" and _ids(thread) == ["tweet:1", "tweet:3"] and thread.gaps == (2,)


def test_a_reply_to_an_earlier_version_of_an_edited_tweet_continues_its_last_version():
    report = sources.read(FIXTURES / "twitter-edited")
    assert not report.errors and report.skipped["edited-earlier-version"] == 1
    by_id = {f.id: f for f in report.fragments}
    kept = by_id["tweet:1744283045852086273"]  # the start, edited at 09:01; the first version (...4193846273) left out
    assert kept.text.startswith("Sourdough") and kept.meta["edit_ids"] == ["1744282794193846273"]
    (thread,) = threads.reconstruct(report.fragments)
    # The reply of 09:00:30 named the first version: it still follows the start, which takes its
    # place by its first version's time, and no gap is left.
    assert _ids(thread) == ["tweet:1744283045852086273", "tweet:1744282920022966273", "tweet:1744284052485046273"]
    assert thread.gaps == ()
    assert thread.id == "thread:tweet:1744283045852086273"
    # Without the edit's ids the reply would start a thread of its own at the missing first version.
    unedited = [threads._with_meta(f, {k: v for k, v in f.meta.items() if k != "edit_ids"}) for f in report.fragments]
    (broken,) = threads.reconstruct(unedited)
    assert broken.id == "thread:tweet:1744282794193846273" and broken.gaps == (1,)


def test_expand_reads_a_stored_thread_whole_leaving_hidden_posts_out():
    threading = threads.with_threads(sources.read(FIXTURES / "grailbird").fragments)
    stored = {f.id: f for f in threading.fragments}
    for asked in ("tweet:110", "thread:tweet:100"):  # a post of it, or the thread itself
        whole = threads.expand(asked, stored.get, hidden=())
        assert whole.id == "thread:tweet:100" and whole.length == 3
        assert [post.id for post in whole.posts] == ["tweet:100", "tweet:110", "tweet:120"]
        assert (whole.gaps, whole.hidden) == (0, 0)
    hidden = threads.expand("tweet:100", stored.get, hidden={"tweet:110"})
    assert [post.id for post in hidden.posts] == ["tweet:100", "tweet:120"] and hidden.hidden == 1
    # A post gone from the store since the thread was stored counts as a gap, as a missing one does.
    del stored["tweet:120"]
    assert threads.expand("tweet:100", stored.get, hidden=()).gaps == 1
    assert threads.expand("thread:tweet:210", stored.get, hidden=()).gaps == 1  # its first post never seen
    alone = threads.expand("tweet:200", stored.get, hidden=())
    assert alone.id is None and [post.id for post in alone.posts] == ["tweet:200"]
    assert threads.expand("tweet:999", stored.get, hidden=()) is None


def test_snippet_cuts_at_a_word():
    assert threads.snippet("one two three four", 9) == "one two…"
    assert threads.snippet("  short\ntext ") == "short text"


# -- through the indexer and the store -------------------------------------------------------------


def _indexer(index_dir: Path) -> Indexer:
    return Indexer(Store(index_dir), HashingEmbedder())


def test_indexing_stores_threads_and_rethreads_after_a_deletion(tmp_path):
    archive = tmp_path / "archive"
    shutil.copytree(FIXTURES / "grailbird", archive)
    indexer = _indexer(tmp_path / "index")
    (summary,) = indexer.read_sources(archive, sources.ImportOptions())
    assert summary.threads == 4
    stored = indexer.store.fragment_by_id("thread:tweet:100").fragment
    assert stored.kind == Kind.THREAD and stored.meta["posts"] == ["tweet:100", "tweet:110", "tweet:120"]
    assert indexer.store.fragment_by_id("tweet:120").fragment.meta["thread"]["position"] == 3

    # The user deletes the middle post of the first thread from its month file.
    february = archive / "data" / "js" / "tweets" / "2014_02.js"
    prefix, records = february.read_text().split("=", 1)
    kept_records = [record for record in json.loads(records) if record["id_str"] != "110"]
    february.write_text(f"{prefix}= {json.dumps(kept_records)}")
    indexer.read_sources(archive, sources.ImportOptions())

    store = indexer.store
    assert store.fragment_by_id("tweet:110") is None and store.fragment_by_id("tweet:115") is None
    kept = store.fragment_by_id("thread:tweet:100").fragment
    assert kept.meta["posts"] == ["tweet:100", "tweet:120"] and kept.meta["gaps"] == [2]
    assert "water gets into the joints" not in kept.text
    assert store.fragment_by_id("tweet:120").fragment.meta["thread"] == {
        **kept.meta["thread"], "position": 2,
    }


def test_an_edited_archive_rethreads_what_changed(tmp_path):
    archive = tmp_path / "archive"
    shutil.copytree(FIXTURES / "grailbird", archive)
    indexer = _indexer(tmp_path / "index")
    indexer.read_sources(archive, sources.ImportOptions())
    february = archive / "data" / "js" / "tweets" / "2014_02.js"
    prefix, records = february.read_text().split("=", 1)
    records = json.loads(records)
    # A post's text is corrected, and the thread gets one more post, replying to its last.
    records[0]["text"] = "@thread_writer First, rain gets into the joints and nobody looks."
    records.append({**records[1], "id_str": "130", "id": 130, "created_at": "2014-02-02 10:00:00 +0000",
                    "text": "@thread_writer Third, the money goes to new bridges.", "in_reply_to_status_id_str": "120"})
    february.write_text(f"{prefix}= {json.dumps(records)}")
    indexer.read_sources(archive, sources.ImportOptions())

    store = indexer.store
    whole = store.fragment_by_id("thread:tweet:100").fragment
    assert whole.meta["posts"] == ["tweet:100", "tweet:110", "tweet:120", "tweet:130"]
    assert whole.text.split("\n\n")[1:] == [
        "First, rain gets into the joints and nobody looks.",
        "Second, the inspections are paper only.",
        "Third, the money goes to new bridges.",
    ]
    # Every post is told the thread's new length; the other threads are as they were.
    assert [store.fragment_by_id(f"tweet:{n}").fragment.meta["thread"]["length"] for n in (100, 110, 120, 130)] == [4] * 4
    assert store.fragment_by_id("thread:tweet:300").fragment.meta["posts"] == ["tweet:300", "tweet:310"]


def test_a_thread_that_stops_being_one_leaves_the_store(tmp_path):
    archive = tmp_path / "archive"
    shutil.copytree(FIXTURES / "csv", archive)
    indexer = _indexer(tmp_path / "index")
    indexer.read_sources(archive, sources.ImportOptions())
    assert indexer.store.fragment_by_id("thread:tweet:800000000000000001") is not None
    csv = archive / "tweets.csv"
    csv.write_text("\n".join(line for line in csv.read_text().splitlines() if "00000002," not in line
                             and "00000003," not in line) + "\n")
    indexer.read_sources(archive, sources.ImportOptions())
    assert indexer.store.fragment_by_id("thread:tweet:800000000000000001") is None
    assert "thread" not in indexer.store.fragment_by_id("tweet:800000000000000001").fragment.meta
    indexer.remove_source(str(archive))
    assert indexer.store.thread_links(str(archive)) == {}


def _version_one_store(index_dir: Path) -> None:
    """A store as Recall wrote it before threads: schema version 1, no thread_links table."""
    store = Store(index_dir)
    store.sync_fragments("/src", [
        fragment("tweet:1", "start"),
        fragment("tweet:2", "more", is_reply=True, thread_parent="1"),
    ])
    store._db.execute("DROP TABLE thread_links")
    store._db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    store.close()


def test_a_version_one_store_is_migrated_with_its_links(tmp_path):
    _version_one_store(tmp_path)
    read_only = Store(tmp_path, read_only=True)  # read as it is, not written
    assert read_only.get_meta("schema_version") == "1"
    read_only.close()
    store = Store(tmp_path)
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
    assert store.thread_links("/src") == {"tweet:2": "tweet:1"}
    assert store.fragment_by_id("tweet:2") is not None


def test_a_store_of_a_newer_schema_is_refused(tmp_path):
    Store(tmp_path).set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(StoreError, match="schema version"):
        Store(tmp_path)


def test_a_thread_and_its_posts_are_one_item_showing_the_post(tmp_path):
    from recall_ls.core.engine import Engine

    indexer = _indexer(tmp_path / "index")
    indexer.read_sources(FIXTURES / "grailbird", sources.ImportOptions())
    indexer.open()
    indexer.embed_missing()
    engine = Engine(indexer.store, indexer.embedder, indexer.snapshot)
    post = indexer.store.fragment_by_id("tweet:120").fragment
    whole = indexer.store.fragment_by_id("thread:tweet:100").fragment

    # Semantic: the post's own text ranks the post first, then its thread: one item, the post.
    hits = engine.search(post.text, k=10, min_score=-1.0, ranking="semantic")
    in_thread = [hit for hit in hits if hit.fragment.meta.get("thread", {}).get("id") == "thread:tweet:100"]
    assert [hit.fragment.id for hit in in_thread] == ["tweet:120"]

    # The whole thread's text ranks the thread fragment first: the item still shows a post in its
    # place, at the thread's score.
    hits = engine.search(whole.text, k=10, min_score=-1.0, ranking="semantic")
    in_thread = [hit for hit in hits if hit.fragment.meta.get("thread", {}).get("id") == "thread:tweet:100"]
    assert len(in_thread) == 1 and in_thread[0].fragment.kind != Kind.THREAD
    assert in_thread[0].score == pytest.approx(1.0, abs=1e-4)
