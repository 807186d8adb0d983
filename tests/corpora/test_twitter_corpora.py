"""The Twitter importers on real exports (``../shared/corpora``): exact counts and known edge cases.

The expected numbers were computed once, independently of the importers, with jq over the raw files
(prefix removed with ``sed '1s/^window\\.YTD\\.[a-z_]*\\.part[0-9]* = //'``, Grailbird month files with
``tail -n +2``), applying the rules in the same order as the importer:
- deleted: the record has ``deleted_at``, or its id is in ``deleted-tweets.js``;
- edited-earlier-version: among the present ids of its ``editTweetIds`` list, not the greatest
  (compared as zero-padded strings: jq numbers are doubles and would lose the ids' precision);
- retweet: ``full_text`` starts with ``RT @`` (Grailbird: or the record has ``retweeted_status``);
- reply: ``in_reply_to_status_id_str`` or ``in_reply_to_user_id_str`` is set, unless
  ``in_reply_to_user_id_str`` is the owner's ``accountId`` (from ``manifest.js``) with a status id;
- empty: once every media ``url`` (``entities.media`` and ``extended_entities.media``) is cut out of
  the text (``split(u) | join("")``), nothing but leading @mentions and white space is left.
Likes: records of ``like.js`` with a non-blank ``fullText``. No text from these corpora is quoted
here: where a text matters, the expectation is derived from the raw file at run time.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from recall_ls.core import sources
from recall_ls.core.fragments import Kind
from recall_ls.core.sources.base import ImportOptions, SourceReport

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"

pytestmark = [
    pytest.mark.corpora,
    pytest.mark.skipif(not CORPORA.is_dir(), reason=f"real corpora not found at {CORPORA}"),
]

ANDRE = "twitter-andreruffert"
ALROCAR = "twitter-alrocar"
LARS_2021 = "twitter-larsbrinkhoff/2021-03-22"
LARS_2023 = "twitter-larsbrinkhoff/2023-08-20"
JA = "twitter-dsajgiouawj-ja"
EDGE = "fixtures-edgecases"
GRAILBIRD = "twitter-grailbird-06b"

_YTD_PREFIX = re.compile(r"^window\.YTD\.[a-z_]+\.part\d+ = ")


def _read(name: str, **options) -> SourceReport:
    return sources.read(CORPORA / name, ImportOptions(**options))


def _by_id(report) -> dict:
    return {f.id: f for f in report.fragments}


def _raw(path: Path) -> list:
    """A YTD file's elements, parsed here independently of the importer."""
    return json.loads(_YTD_PREFIX.sub("", path.read_text(encoding="utf-8"), count=1))


# -- what is and is not indexed, by default -------------------------------------------------------

DEFAULTS = {
    # jq: 1986 records; 643 start "RT @"; 5 media only.
    ANDRE: (1338, {"retweet": 643, "empty": 5}),
    # jq: 1223 records; 5 earlier versions of edited tweets; 12 retweets; 119 media only (mostly
    # photo replies, lang qme).
    ALROCAR: (1087, {"edited-earlier-version": 5, "retweet": 12, "empty": 119}),
    # jq: 1827 records (tweet.js, singular); 14 retweets; 16 media only.
    LARS_2021: (1797, {"retweet": 14, "empty": 16}),
    # No tweets file at all: 25 records in deleted-tweets.js, none of which may come back.
    LARS_2023: (0, {"deleted": 25}),
    # jq: 1163 records; 29 retweets; 18 media only.
    JA: (1116, {"retweet": 29, "empty": 18}),
    # jq: 23 records; 1 with deleted_at; 1 earlier version; 3 retweets; 2 media only (qme, zxx).
    EDGE: (16, {"deleted": 1, "edited-earlier-version": 1, "retweet": 3, "empty": 2}),
    # jq over 118 month files: 20930 records; 10882 with retweeted_status + 235 more starting
    # "RT @" = 11117 retweets; 4 media only.
    GRAILBIRD: (9809, {"retweet": 11117, "empty": 4}),
}


@pytest.mark.parametrize("name", list(DEFAULTS))
def test_default_counts(name):
    report = _read(name)
    fragments, skipped = DEFAULTS[name]
    assert report.errors == []
    assert dict(report.skipped) == skipped
    assert len(report.fragments) == fragments
    assert len({f.id for f in report.fragments}) == fragments  # ids are unique within a source
    assert {f.kind for f in report.fragments} <= {Kind.TWEET}


def test_kinds_detected():
    assert {name: sources.detect(CORPORA / name) for name in DEFAULTS} == {
        ANDRE: "twitter", ALROCAR: "twitter", LARS_2021: "twitter", LARS_2023: "twitter", JA: "twitter",
        EDGE: "twitter", GRAILBIRD: "grailbird",
    }


# -- with other options ------------------------------------------------------------------------------

REPLIES_OFF = {
    # jq: replies (status or user id set) minus self-threads (user id = manifest accountId, with a
    # status id), among the tweets not already left out as deleted/earlier/retweet; "empty" then
    # counts only what is left.
    ANDRE: (852, {"retweet": 643, "reply": 488, "empty": 3}),
    ALROCAR: (750, {"edited-earlier-version": 5, "retweet": 12, "reply": 407, "empty": 49}),
    LARS_2021: (797, {"retweet": 14, "reply": 1003, "empty": 13}),
    JA: (977, {"retweet": 29, "reply": 139, "empty": 18}),
    # Owner id 30257040 (user_details.js): 3122 non-retweet replies, 61 of them self-threads.
    GRAILBIRD: (6751, {"retweet": 11117, "reply": 3061, "empty": 1}),
}


@pytest.mark.parametrize("name", list(REPLIES_OFF))
def test_replies_off_counts(name):
    report = _read(name, include_replies=False)
    fragments, skipped = REPLIES_OFF[name]
    assert report.errors == []
    assert dict(report.skipped) == skipped
    assert len(report.fragments) == fragments


# jq: kept tweets replying to the owner's own account id with a status id.
THREADS = {ANDRE: 63, ALROCAR: 393, LARS_2021: 391, JA: 109, GRAILBIRD: 61}


@pytest.mark.parametrize("name", list(THREADS))
def test_self_threads(name):
    report = _read(name)
    assert sum("thread_parent" in f.meta for f in report.fragments) == THREADS[name]


# jq: like.js records with a non-blank fullText (andreruffert has one without fullText).
LIKES = {ANDRE: (1358, 1), JA: (4012, 0), LARS_2021: (8, 0), LARS_2023: (12, 0)}


@pytest.mark.parametrize("name", list(LIKES))
def test_likes_only_when_asked(name):
    liked, without_text = LIKES[name]
    assert not [f for f in _read(name).fragments if f.kind == Kind.LIKE]
    report = _read(name, include_likes=True)
    likes = [f for f in report.fragments if f.kind == Kind.LIKE]
    assert len(likes) == liked
    assert report.skipped["like-without-text"] == without_text
    assert all(f.id.startswith("like:") and f.url for f in likes)


def test_deleted_only_when_asked():
    report = _read(LARS_2023, include_deleted=True)
    # jq over deleted-tweets.js: 25 records, 1 retweet, none media only.
    assert dict(report.skipped) == {"retweet": 1}
    assert len(report.fragments) == 24
    assert all(f.meta.get("deleted_at") for f in report.fragments)
    assert all(f.path.endswith("deleted-tweets.js") for f in report.fragments)


def test_retweets_when_asked():
    report = _read(ANDRE, include_retweets=True)
    assert dict(report.skipped) == {"empty": 5}
    assert len(report.fragments) == 1986 - 5


# -- long posts -------------------------------------------------------------------------------------


def test_every_long_post_gets_its_full_text():
    notes = [e["noteTweet"] for e in _raw(CORPORA / ALROCAR / "data" / "note-tweet.js")]
    report = _read(ALROCAR)
    merged = {f.meta["note_tweet"]: f for f in report.fragments if "note_tweet" in f.meta}
    # 41 notes, several posted in the same second as other tweets of a thread: each found its tweet.
    assert sorted(merged) == sorted(n["noteTweetId"] for n in notes)
    for note in notes:
        expected = note["core"]["text"]
        for url in note["core"]["urls"]:
            expected = expected.replace(url["shortUrl"], url["expandedUrl"])
        assert merged[note["noteTweetId"]].text.endswith(expected.strip())


# -- the edge cases of fixtures-edgecases/index.json ---------------------------------------------------


@pytest.fixture(scope="module")
def edge():
    index = {case["case"]: case["id_str"] for case in json.loads((CORPORA / EDGE / "index.json").read_text())}
    raw = {e["tweet"]["id_str"]: e["tweet"] for e in _raw(CORPORA / EDGE / "tweets.js")}
    return index, raw, _by_id(_read(EDGE))


def test_edge_excluded(edge):
    index, _, kept = edge
    for case in ("retweet_truncated_no_original", "retweet_short", "spanish",  # retweets
                 "lang_qme_media_only", "lang_zxx_link_only",  # nothing but media
                 "edit_initial_version", "deleted_tweet(deleted_at)"):
        assert f"tweet:{index[case]}" not in kept, case


def test_edge_replies(edge):
    index, raw, kept = edge
    reply = kept[f"tweet:{index['reply_to_other']}"]
    assert reply.meta["is_reply"] is True
    assert reply.meta["reply_to"] == raw[index["reply_to_other"]]["in_reply_to_status_id_str"]
    mention = kept[f"tweet:{index['mention_reply_without_status_id']}"]
    assert mention.meta["reply_to"] == raw[index["mention_reply_without_status_id"]]["in_reply_to_screen_name"]
    assert "self_reply_thread" in index and f"tweet:{index['self_reply_thread']}" in kept
    # The thread shows with its owner known: the same tweet in its own archive.
    lars = _by_id(_read(LARS_2021))[f"tweet:{index['self_reply_thread']}"]
    assert lars.meta["thread_parent"] == raw[index["self_reply_thread"]]["in_reply_to_status_id_str"]


def test_edge_links_media_and_entities(edge):
    index, raw, kept = edge
    for case in ("photo_media_tco_hidden", "video_or_gif_media", "multi_photo", "quote_tweet_via_url",
                 "html_entity_amp_gt", "html_entity_lt", "emoji_astral", "hashtag"):
        text = kept[f"tweet:{index[case]}"].text
        assert "t.co/" not in text, case
        assert not re.search(r"&(amp|lt|gt);", text), case
    quote = kept[f"tweet:{index['quote_tweet_via_url']}"]
    assert quote.meta["quotes"] == raw[index["quote_tweet_via_url"]]["entities"]["urls"][0]["expanded_url"]
    assert quote.meta["quotes"] in quote.text
    assert ">" in kept[f"tweet:{index['html_entity_amp_gt']}"].text
    assert "<" in kept[f"tweet:{index['html_entity_lt']}"].text
    astral = raw[index["emoji_astral"]]
    assert astral["entities"]["urls"][0]["expanded_url"] in kept[f"tweet:{index['emoji_astral']}"].text
    # A photo link trailing the text is gone, the words stay.
    photo = raw[index["multi_photo"]]
    words = photo["full_text"].replace(photo["entities"]["media"][0]["url"], "").strip()
    assert kept[f"tweet:{index['multi_photo']}"].text == words


def test_edge_languages_and_newlines(edge):
    index, _, kept = edge
    assert kept[f"tweet:{index['german']}"].meta["lang"] == "de"
    assert kept[f"tweet:{index['japanese']}"].meta["lang"] == "ja"
    # The "spanish" case is a retweet (left out); another Spanish tweet stands in for it.
    assert kept[f"tweet:{index['photo_media_tco_hidden']}"].meta["lang"] == "es"
    assert "\n" in kept[f"tweet:{index['newlines_in_text']}"].text


def test_edge_note_tweet_and_edit(edge):
    index, raw, kept = edge
    note = _raw(CORPORA / EDGE / "note-tweet.js")[0]["noteTweet"]
    long_post = kept[f"tweet:{index['note_tweet_truncated_in_tweets_js']}"]
    assert long_post.text == note["core"]["text"]
    assert len(long_post.text) > len(raw[index["note_tweet_truncated_in_tweets_js"]]["full_text"])
    edited = kept[f"tweet:{index['edited_version']}"]
    group = raw[index["edited_version"]]["edit_info"]["edit"]["editControlInitial"]["editTweetIds"]
    assert group == [index["edit_initial_version"], index["edited_version"]]
    assert edited.url.endswith(index["edited_version"])


# -- files, lines, zips and speed -----------------------------------------------------------------------


def test_line_ranges_hold_their_record():
    report = _read(ANDRE)
    lines = (CORPORA / ANDRE / "data" / "tweets.js").read_text(encoding="utf-8").split("\n")
    for fragment in report.fragments:
        record = lines[fragment.line_start - 1 : fragment.line_end]
        tweet_id = fragment.id.removeprefix("tweet:")
        # The tweet's own id_str sits at the record's own indentation (6 spaces).
        assert f'      "id_str" : "{tweet_id}",' in record, fragment.id


def test_only_the_named_files_are_read():
    for name in (ANDRE, ALROCAR, LARS_2023):
        report = _read(name, include_likes=True, include_deleted=True)
        read = {Path(s.path).name for s in report.files}
        assert read <= {"tweets.js", "tweet.js", "community-tweet.js", "note-tweet.js", "deleted-tweets.js",
                        "like.js", "manifest.js", "account.js"}, name


def test_zip_as_downloaded(tmp_path):
    archive = tmp_path / "twitter-archive.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted((CORPORA / ALROCAR).rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(CORPORA / ALROCAR).as_posix())
    zipped = sources.read(archive)
    assert zipped.errors == []
    folder = _read(ALROCAR)
    assert [(f.id, f.text, f.line_start) for f in zipped.fragments] == [
        (f.id, f.text, f.line_start) for f in folder.fragments
    ]
    assert zipped.fragments[0].path.startswith(f"{archive}!/data/tweets.js")


def test_reading_everything():
    # How fast this is belongs to bench/ (first_result_bench.py), never to a test.
    total = sum(len(_read(name, include_likes=True).fragments) for name in DEFAULTS)
    assert total > 20_000
