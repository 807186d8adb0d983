"""Modern Twitter/X archive importer (and the shared tweet normalisation), on invented fixtures.

``tests/fixtures/twitter/archive`` holds every case once: see the counts test for what each record
is there for. Broken files are written into ``tmp_path`` by the tests themselves.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from recall_ls.core import sources
from recall_ls.core.fragments import Kind
from recall_ls.core.sources import twitter
from recall_ls.core.sources import twitter_common as common
from recall_ls.core.sources.base import ImportOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "twitter"
ARCHIVE = FIXTURES / "archive"
DATA = ARCHIVE / "data"
I = "17000000000000000"  # common head of the fixture's tweet ids (19 digits: beyond a float's precision)


def by_id(report) -> dict:
    return {f.id: f for f in report.fragments}


@pytest.fixture(scope="module")
def report():
    return twitter.read(ARCHIVE, ImportOptions())


# -- what is kept and what is not --------------------------------------------------------------


def test_counts_and_skip_reasons(report):
    assert report.kind == "twitter"
    assert report.errors == []
    # tweets.js: 16 records, tweets-part1.js: 2, deleted-tweets.js: 1 more id.
    assert dict(report.skipped) == {
        "malformed": 1,  # an id written as a float
        "duplicate": 1,  # ...11 again in tweets-part1.js
        "deleted": 3,  # ...23 (listed in deleted-tweets.js), ...24 (deleted_at), ...41 (only in deleted-tweets.js)
        "edited-earlier-version": 1,  # ...21, edited into ...22
        "retweet": 1,  # ...12
        "empty": 2,  # ...16 photo only, ...17 mentions and a photo
    }
    assert sorted(by_id(report)) == [
        f"tweet:{I}{n}" for n in ("11", "13", "14", "15", "18", "19", "20", "22", "25", "31")
    ]
    assert {f.kind for f in report.fragments} == {Kind.TWEET}


def test_dispatch_through_detect():
    assert sources.detect(ARCHIVE) == sources.TWITTER
    assert len(sources.read(ARCHIVE).fragments) == 10


def test_only_named_files_are_opened(report):
    opened = sorted(Path(state.path).name for state in report.files)
    assert opened == sorted(
        ["manifest.js", "tweets.js", "tweets-part1.js", "community-tweet.js", "note-tweet.js", "deleted-tweets.js"]
    )
    # like.js is only opened when likes are asked for; direct messages and the IP audit never.
    everything = twitter.read(ARCHIVE, ImportOptions(include_likes=True, include_deleted=True, include_retweets=True))
    names = {Path(state.path).name for state in everything.files}
    assert "like.js" in names
    assert not names & {"direct-messages.js", "ip-audit.js", "Your archive.html"}
    assert everything.errors == []


def test_retweets_on_request():
    report = twitter.read(ARCHIVE, ImportOptions(include_retweets=True))
    retweet = by_id(report)[f"tweet:{I}12"]
    assert retweet.text.startswith("RT @otherperson: ")
    assert "retweet" not in report.skipped


def test_replies_off_keeps_self_threads():
    report = twitter.read(ARCHIVE, ImportOptions(include_replies=False))
    kept = by_id(report)
    # ...13 replies to someone, ...15 is a mention reply, ...17 a reply (with only a photo).
    assert report.skipped["reply"] == 3
    assert f"tweet:{I}13" not in kept and f"tweet:{I}15" not in kept
    # ...14 continues the owner's own thread: the owner's writing, kept.
    assert kept[f"tweet:{I}14"].meta["thread_parent"] == f"{I}11"
    assert report.skipped["empty"] == 1


def test_likes_on_and_off(report):
    assert not [f for f in report.fragments if f.kind == Kind.LIKE]
    with_likes = twitter.read(ARCHIVE, ImportOptions(include_likes=True))
    likes = [f for f in with_likes.fragments if f.kind == Kind.LIKE]
    assert len(likes) == 1
    like = likes[0]
    assert like.id == "like:1500000000000000001"
    assert like.text == "Someone else's words & wisdom"
    assert like.url == "https://twitter.com/i/web/status/1500000000000000001"
    assert like.path == str(DATA / "like.js") and (like.line_start, like.line_end) == (2, 8)
    assert with_likes.skipped["like-without-text"] == 1


def test_deleted_never_resurfaces_by_default(report):
    ids = by_id(report)
    for n in ("23", "24", "41"):
        assert f"tweet:{I}{n}" not in ids
    assert not any("regret" in f.text for f in report.fragments)


def test_deleted_on_request():
    report = twitter.read(ARCHIVE, ImportOptions(include_deleted=True))
    ids = by_id(report)
    assert "deleted" not in report.skipped
    # Listed in deleted-tweets.js and still in tweets.js: read from tweets.js, marked deleted.
    assert ids[f"tweet:{I}23"].meta["deleted_at"] == "2023-08-09T16:19:50+00:00"
    assert ids[f"tweet:{I}23"].path == str(DATA / "tweets.js")
    assert ids[f"tweet:{I}24"].meta["deleted_at"] == "2023-08-09T16:21:00+00:00"
    only_deleted = ids[f"tweet:{I}41"]
    assert only_deleted.path == str(DATA / "deleted-tweets.js")
    assert only_deleted.meta["deleted_at"] == "2023-08-09T17:30:00+00:00"
    assert len(report.fragments) == 13


# -- one tweet, cleaned up -----------------------------------------------------------------------


def test_entities_links_media_and_counts(report):
    tweet = by_id(report)[f"tweet:{I}11"]
    # &amp; &lt; &gt; unescaped; t.co expanded (its own '&' left alone); the trailing photo link gone.
    assert tweet.text == "Tea & toast <3 — better > anything 🍵🌙 https://example.org/tea?a=1&b=2"
    assert tweet.meta == {"is_reply": False, "lang": "en", "likes": 7, "reposts": 2}
    assert tweet.created_at == "2022-11-02T21:30:39+00:00"
    assert tweet.url == f"https://x.com/quietwriter/status/{I}11"


def test_astral_emoji_around_a_link(report):
    assert by_id(report)[f"tweet:{I}25"].text == "🙂🙂🙂 https://example.com/smile 👍"
    assert by_id(report)[f"tweet:{I}25"].meta["lang"] == "und"


def test_ids_stay_strings(report):
    # 1700000000000000011 is not a float: float("1700000000000000011") == 1.7e18.
    assert f"tweet:{I}11" in by_id(report)
    assert all(f.id.removeprefix("tweet:").isdigit() for f in report.fragments)


def test_reply_fields(report):
    ids = by_id(report)
    other = ids[f"tweet:{I}13"]
    assert other.meta["is_reply"] is True
    assert other.meta["reply_to"] == "1690000000000000001"
    assert other.meta["reply_to_user"] == "gardenfan"
    assert "thread_parent" not in other.meta
    thread = ids[f"tweet:{I}14"]
    assert thread.meta["thread_parent"] == f"{I}11" and thread.meta["reply_to_user"] == "quietwriter"
    mention = ids[f"tweet:{I}15"]
    # A mention reply without a status id: reply_to names the user.
    assert mention.meta["reply_to"] == "bakery_rosa" and "thread_parent" not in mention.meta
    assert mention.created_at == "2022-11-05T11:30:00+00:00"  # written with a -0230 offset


def test_quote_tweet(report):
    quote = by_id(report)[f"tweet:{I}18"]
    assert quote.meta["quotes"] == "https://twitter.com/someoneelse/status/1650000000000000001"
    assert quote.text == "This is exactly right https://twitter.com/someoneelse/status/1650000000000000001"


def test_note_tweet_gives_the_full_text(report):
    ids = by_id(report)
    long_post = ids[f"tweet:{I}19"]
    assert long_post.text.endswith(
        "· never, the phone\n\nMore in the essay https://example.org/essays/mornings and that is all."
    )
    assert "…" not in long_post.text
    # Posted in the same second, with the id closest to the note's: the opening words decide.
    assert ids[f"tweet:{I}20"].text == "Unrelated short tweet posted in the same second."


def test_edit_keeps_the_last_version(report):
    ids = by_id(report)
    assert f"tweet:{I}21" not in ids
    assert ids[f"tweet:{I}22"].text == "First draft of the sentence, now fixed."


def test_line_numbers_and_paths(report):
    ids = by_id(report)
    tweets_js = str(DATA / "tweets.js")
    first = ids[f"tweet:{I}11"]
    assert (first.path, first.line_start, first.line_end) == (tweets_js, 2, 76)
    assert (ids[f"tweet:{I}13"].line_start, ids[f"tweet:{I}13"].line_end) == (112, 151)
    assert (ids[f"tweet:{I}25"].line_start, ids[f"tweet:{I}25"].line_end) == (626, 670)
    part = ids[f"tweet:{I}31"]
    assert (part.path, part.line_start, part.line_end) == (str(DATA / "tweets-part1.js"), 2, 36)
    lines = (DATA / "tweets.js").read_text(encoding="utf-8").split("\n")
    for fragment in report.fragments:
        if fragment.path == tweets_js:
            record = "\n".join(lines[fragment.line_start - 1 : fragment.line_end])
            assert f'"id_str" : "{fragment.id.removeprefix("tweet:")}"' in record


# -- the ways an archive is given ------------------------------------------------------------------


def test_data_folder_and_single_file():
    assert by_id(twitter.read(DATA, ImportOptions())).keys() == by_id(twitter.read(ARCHIVE, ImportOptions())).keys()
    single = twitter.read(DATA / "tweets.js", ImportOptions())
    # Only that file, but its neighbours still give owner, long posts and deletions.
    assert f"tweet:{I}31" not in by_id(single)
    assert len(single.fragments) == 9
    assert by_id(single)[f"tweet:{I}19"].text.endswith("and that is all.")
    assert single.skipped["deleted"] == 3
    assert single.fragments[0].url.startswith("https://x.com/quietwriter/")


def _zip(folder: Path, target: Path, top: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, top + file.relative_to(folder).as_posix())
    return target


def test_zip(tmp_path):
    path = _zip(ARCHIVE, tmp_path / "archive.zip")
    assert sources.detect(path) == sources.TWITTER
    report = twitter.read(path, ImportOptions())
    assert report.errors == []
    assert by_id(report).keys() == by_id(twitter.read(ARCHIVE, ImportOptions())).keys()
    first = by_id(report)[f"tweet:{I}11"]
    assert first.path == f"{path}!/data/tweets.js" and (first.line_start, first.line_end) == (2, 76)
    # One file state for the zip, however many of its members were read.
    assert [s.path for s in report.files] == [str(path)]


def test_zip_with_a_top_folder(tmp_path):
    path = _zip(ARCHIVE, tmp_path / "twitter-2024.zip", top="twitter-2024-11-16-abc/")
    report = twitter.read(path, ImportOptions())
    assert report.errors == [] and len(report.fragments) == 10
    assert report.fragments[0].path == f"{path}!/twitter-2024-11-16-abc/data/tweets.js"


def test_older_export_bare_objects_and_account_js():
    report = twitter.read(FIXTURES / "legacy-2020", ImportOptions())
    assert report.errors == [] and len(report.fragments) == 2
    thread = by_id(report)["tweet:1250000000000000002"]
    # Owner from account.js (no manifest.js): the reply to oneself is a thread.
    assert thread.meta["thread_parent"] == "1250000000000000001"
    assert thread.url == "https://x.com/oldhandle/status/1250000000000000002"


def test_unknown_owner_gives_a_generic_url(tmp_path):
    shutil.copy(DATA / "tweets.js", tmp_path / "tweets.js")
    report = twitter.read(tmp_path, ImportOptions())
    assert by_id(report)[f"tweet:{I}11"].url == f"https://twitter.com/i/web/status/{I}11"
    # Without manifest.js or account.js the owner is unknown, so no reply can be told to be a thread.
    assert "thread_parent" not in by_id(report)[f"tweet:{I}14"].meta


# -- broken input ----------------------------------------------------------------------------------


def _archive_with(tmp_path: Path, name: str, content: bytes) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / name).write_bytes(content)
    return tmp_path


def test_truncated_file_keeps_what_came_before(tmp_path):
    whole = (DATA / "tweets.js").read_bytes()
    cut = whole[: whole.index(f'"id_str" : "{I}13"'.encode())]
    report = twitter.read(_archive_with(tmp_path, "tweets.js", cut), ImportOptions())
    assert len(report.errors) == 1
    problem = report.errors[0]
    assert problem.path == str(tmp_path / "data" / "tweets.js")
    assert problem.message.startswith("invalid JSON at line 137, column 7")
    assert "truncated" in problem.message and "2 records read before it" in problem.message
    # The records before the cut are there; the other files were read as usual.
    assert f"tweet:{I}11" in by_id(report) and f"tweet:{I}31" in by_id(report)


def test_malformed_json_names_line_and_column(tmp_path):
    broken = b'window.YTD.tweets.part0 = [\n  {\n    "tweet" : {\n      "id_str" : "1",\n      "full_text" : oops\n'
    report = twitter.read(_archive_with(tmp_path, "tweets.js", broken + b"    }\n  }\n]"), ImportOptions())
    assert len(report.errors) == 1
    assert "invalid JSON at line 5, column 21" in report.errors[0].message
    assert f"tweet:{I}31" in by_id(report)  # tweets-part1.js still read


def test_wrong_prefix(tmp_path):
    report = twitter.read(_archive_with(tmp_path, "tweets.js", b"var tweets = [ ]"), ImportOptions())
    assert len(report.errors) == 1
    assert "does not start with" in report.errors[0].message and "var tweets" in report.errors[0].message
    # tweets-part1.js still read: its own tweet, and ...11 which is no longer a duplicate.
    assert sorted(by_id(report)) == [f"tweet:{I}11", f"tweet:{I}31"]


def test_invalid_utf8(tmp_path):
    content = (DATA / "tweets.js").read_bytes().replace("🍵".encode(), b"\xff\xfe", 1)
    report = twitter.read(_archive_with(tmp_path, "tweets.js", content), ImportOptions())
    assert len(report.errors) == 1
    assert report.errors[0].message.startswith("not valid UTF-8 at line 73")
    assert len(report.fragments) == 2


def test_broken_note_and_manifest_files_are_errors_not_crashes(tmp_path):
    root = _archive_with(tmp_path, "note-tweet.js", b"window.YTD.note_tweet.part0 = [ {")
    (root / "data" / "manifest.js").write_bytes(b"window.__THAR_CONFIG = {")
    report = twitter.read(root, ImportOptions())
    assert {Path(p.path).name for p in report.errors} == {"note-tweet.js", "manifest.js"}
    assert len(report.fragments) == 10
    # No owner now: no URL with a screen name, no self-thread.
    assert by_id(report)[f"tweet:{I}11"].url == f"https://twitter.com/i/web/status/{I}11"


def test_an_object_where_a_list_belongs(tmp_path):
    report = twitter.read(_archive_with(tmp_path, "tweets.js", b'window.YTD.tweets.part0 = {"tweet": {}}'), ImportOptions())
    assert [p.message for p in report.errors] == ["expected '[' at line 1, column 27, found '{'"]


def test_empty_files_are_fine(tmp_path):
    (tmp_path / "tweets.js").write_text("window.YTD.tweets.part0 = [ ]", encoding="utf-8")
    report = twitter.read(tmp_path, ImportOptions())
    assert report.errors == [] and report.fragments == [] and not report.skipped


def test_missing_and_bad_paths_do_not_raise(tmp_path):
    assert twitter.read(tmp_path / "nope", ImportOptions()).errors
    assert twitter.read(tmp_path, ImportOptions()).errors  # an empty folder: nothing to read
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(b"not a zip")
    assert twitter.read(bad_zip, ImportOptions()).errors


# -- the shared normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Wed Nov 02 21:30:39 +0000 2022", "2022-11-02T21:30:39+00:00"),
        ("Sat Nov 05 09:00:00 -0230 2022", "2022-11-05T11:30:00+00:00"),
        ("2023-10-13T14:58:50.000Z", "2023-10-13T14:58:50+00:00"),
        ("2015-01-24 02:02:37 +0000", "2015-01-24T02:02:37+00:00"),
        ("2015-01-24 02:02:37 +0100", "2015-01-24T01:02:37+00:00"),
        ("2009-05-01 00:00:00 +0000", "2009-05-01T00:00:00+00:00"),
        ("yesterday", None),
        (None, None),
    ],
)
def test_dates(value, expected):
    assert common.iso_utc(value) == expected


def test_unescape_is_targeted():
    assert common.unescape("a &amp; b &lt;c&gt;") == "a & b <c>"
    # The user typed "&amp;": the archive holds "&amp;amp;", which must come back as "&amp;".
    assert common.unescape("&amp;amp;") == "&amp;"
    assert common.unescape("AT&T &copy") == "AT&T &copy"


def test_expand_links_tokens_not_prefixes():
    urls = {"https://t.co/abc": "https://one.example", "https://t.co/abcd": "https://two.example"}
    assert common.expand_links("x https://t.co/abcd y https://t.co/abc", urls, {}) == (
        "x https://two.example y https://one.example"
    )
    media = {"https://t.co/m1": "https://x.com/a/status/1/photo/1"}
    # Trailing media goes; a media link in the middle (rare) becomes its page.
    assert common.expand_links("look https://t.co/m1", {}, media) == "look"
    assert common.expand_links("https://t.co/m1 then words", {}, media) == "https://x.com/a/status/1/photo/1 then words"


def test_retweet_and_quote_detection():
    assert common.is_retweet_text("RT @some_one: words")
    assert not common.is_retweet_text("ART @someone")
    quoted = "https://x.com/a_b/status/123"
    assert common.quoted_status(["https://example.com", quoted]) == quoted
    assert common.quoted_status(["https://twitter.com/someone"]) is None


def test_id_string_never_goes_through_float():
    assert common.id_string({"id_str": "1700000000000000011", "id": 1.7e18}) == "1700000000000000011"
    assert common.id_string({"id": 1700000000000000011}) == "1700000000000000011"
    assert common.id_string({"id": 1.7e18}) is None
    assert common.id_string({"id_str": "1.7E+18"}) is None
    assert common.id_string({"id_str": " 42 "}) == "42"
    assert common.id_string({"id_str": "", "id": "7"}) is None  # id_str given (empty): no fallback
    assert common.id_string({"id": True}) is None and common.id_string({}) is None


def test_counts_are_whole_numbers_or_nothing():
    assert [common.count(v) for v in ("5", " 12 ", 3, "", "1.5", "-2", True, None, 2.0)] == [
        5, 12, 3, None, None, None, None, None, None]
