"""Self-threads on real exports (``../shared/corpora``), checked against the raw records.

The raw files are read here without the importers: the owner's account id from ``manifest.js``, each
record's ``in_reply_to_status_id_str`` and ``in_reply_to_user_id_str``. A thread's posts after its
first must each reply, as the owner, to a post of the same thread (or to one that is not there,
where the thread marks a gap); every self-reply whose parent is in the archive must be in a thread;
replies to other people (most of larsbrinkhoff's 74% replies) start a thread at most.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from recall_ls.core import sources, threads

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"

pytestmark = [
    pytest.mark.corpora,
    pytest.mark.skipif(not CORPORA.is_dir(), reason=f"real corpora not found at {CORPORA}"),
]

_PREFIX = re.compile(r"^\s*window\.[A-Za-z_.0-9]+\s*=\s*")


def _raw(path: Path) -> object:
    return json.loads(_PREFIX.sub("", path.read_text(encoding="utf-8"), count=1))


@pytest.mark.parametrize("archive", ["twitter-larsbrinkhoff/2021-03-22", "twitter-alrocar"])
def test_modern_archive_threads_follow_the_raw_reply_chains(archive):
    data = CORPORA / archive / "data"
    owner = _raw(data / "manifest.js")["userInfo"]["accountId"]
    tweets_file = next(p for p in (data / "tweets.js", data / "tweet.js") if p.exists())
    raw = {r["tweet"]["id_str"]: r["tweet"] for r in _raw(tweets_file)}
    report = sources.read(CORPORA / archive)
    found = threads.reconstruct(report.fragments)
    kept = {f.id.removeprefix("tweet:") for f in report.fragments}
    members: set[str] = set()
    for thread in found:
        ids = [post.id.removeprefix("tweet:") for post in thread.posts]
        members.update(ids)
        for position, tweet_id in enumerate(ids[1:], 2):
            record = raw[tweet_id]
            assert record.get("in_reply_to_user_id_str") == owner, (thread.id, tweet_id)
            parent = record["in_reply_to_status_id_str"]
            assert parent in ids[: position - 1] or (parent not in kept and position in thread.gaps), (thread.id, tweet_id)
    self_replies = {i for i in kept if raw[i].get("in_reply_to_user_id_str") == owner
                    and raw[i].get("in_reply_to_status_id_str") in kept}
    assert self_replies <= members
    replies = [i for i in kept if raw[i].get("in_reply_to_status_id_str") or raw[i].get("in_reply_to_user_id_str")]
    others = [i for i in replies if raw[i].get("in_reply_to_user_id_str") != owner]
    first_posts = {thread.posts[0].id.removeprefix("tweet:") for thread in found}
    assert not (set(others) & (members - first_posts))
    assert len(found) >= 50 and max(len(thread.posts) for thread in found) >= 10


def test_larsbrinkhoff_mostly_replies_to_others_few_threads():
    report = sources.read(CORPORA / "twitter-larsbrinkhoff/2021-03-22")
    replies = sum(1 for f in report.fragments if f.meta.get("is_reply"))
    in_threads = sum(len(thread.posts) for thread in threads.reconstruct(report.fragments))
    assert replies / len(report.fragments) > 0.7
    assert in_threads / len(report.fragments) < 0.4


def test_grailbird_and_mastodon_threads_are_in_order_and_whole():
    for archive in ("twitter-grailbird-06b", "mastodon-dealingwith"):
        report = sources.read(CORPORA / archive)
        threading = threads.with_threads(report.fragments)
        assert len(threading.threads) >= 30, archive
        for thread in threading.threads:
            dates = [post.created_at for post in thread.posts]
            assert dates == sorted(dates), thread.id
        by_id = {f.id: f for f in threading.fragments}
        for thread in threading.threads:
            for position, post in enumerate(thread.posts, 1):
                assert by_id[post.id].meta["thread"]["position"] == position
            assert by_id[thread.id].text.count("\n\n") >= len(thread.posts) - 1
