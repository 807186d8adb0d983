"""Legacy Grailbird export importer (``data/js/tweets/YYYY_MM.js``), on invented fixtures."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from recall_ls.core import sources
from recall_ls.core.fragments import Kind
from recall_ls.core.sources import grailbird
from recall_ls.core.sources.base import ImportOptions

ARCHIVE = Path(__file__).resolve().parents[1] / "fixtures" / "grailbird" / "archive"
TWEETS = ARCHIVE / "data" / "js" / "tweets"


def by_id(report) -> dict:
    return {f.id: f for f in report.fragments}


@pytest.fixture(scope="module")
def report():
    return grailbird.read(ARCHIVE, ImportOptions())


def test_counts_and_skip_reasons(report):
    assert report.kind == "grailbird"
    assert report.errors == []
    # 2010_10.js: 2 records, 2014_03.js: 6.
    assert dict(report.skipped) == {
        "retweet": 2,  # one with retweeted_status, one old manual "RT @name" without it
        "empty": 1,  # a photo alone
    }
    assert sorted(by_id(report)) == [
        "tweet:28000000001",
        "tweet:445000000000000102",
        "tweet:445000000000000103",
        "tweet:445000000000000105",
        "tweet:445000000000000123",
    ]
    assert {f.kind for f in report.fragments} == {Kind.TWEET}


def test_every_accepted_path_gives_the_same_tweets(report, tmp_path):
    expected = by_id(report).keys()
    for path in (ARCHIVE / "data", TWEETS):
        assert sources.detect(path) == sources.GRAILBIRD
        assert by_id(sources.read(path)).keys() == expected
    single = grailbird.read(TWEETS / "2010_10.js", ImportOptions())
    assert list(by_id(single)) == ["tweet:28000000001"]
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(ARCHIVE.rglob("*")):
            zf.write(file, file.relative_to(ARCHIVE).as_posix())
    assert sources.detect(archive) == sources.GRAILBIRD
    zipped = grailbird.read(archive, ImportOptions())
    assert zipped.errors == [] and by_id(zipped).keys() == expected
    assert by_id(zipped)["tweet:28000000001"].path == f"{archive}!/data/js/tweets/2010_10.js"


def test_text_entities_links_and_dates(report):
    ids = by_id(report)
    old = ids["tweet:28000000001"]
    assert old.text == "Walking to work in the rain & loving it"
    # Before November 2010 only the day was kept.
    assert old.created_at == "2010-10-12T00:00:00+00:00" and old.meta["date_only"] is True
    sketch = ids["tweet:445000000000000123"]
    assert sketch.text == "New sketchbook 📓 > old sketchbook https://example.com/paper"
    assert sketch.created_at == "2014-03-10T17:00:00+00:00"  # written as 12:00 -0500
    assert "date_only" not in sketch.meta
    assert sketch.url == "https://x.com/sketchpad_sam/status/445000000000000123"


def test_replies_threads_and_quotes(report):
    ids = by_id(report)
    thread = ids["tweet:445000000000000102"]
    assert thread.meta["thread_parent"] == "445000000000000099" and thread.meta["is_reply"] is True
    mention = ids["tweet:445000000000000103"]
    assert mention.meta["reply_to"] == "neighbour" and "thread_parent" not in mention.meta
    assert ids["tweet:445000000000000105"].meta["quotes"] == "https://twitter.com/designer/status/444000000000000001"


def test_replies_off():
    report = grailbird.read(ARCHIVE, ImportOptions(include_replies=False))
    assert report.skipped["reply"] == 1
    assert "tweet:445000000000000102" in by_id(report)  # the self-thread stays


def test_retweets_on_request_use_the_original_text():
    report = grailbird.read(ARCHIVE, ImportOptions(include_retweets=True))
    ids = by_id(report)
    full = ids["tweet:445000000000000101"]
    assert full.text == (
        "RT @designer: Grids are a tool, not a cage. Use them like a scaffold, then take the scaffold down "
        "when the work can stand on its own. https://example.com/grids"
    )
    assert ids["tweet:27900000002"].text == "RT @oldfriend Great talk tonight on typography"


def test_line_numbers(report):
    ids = by_id(report)
    assert (ids["tweet:28000000001"].path, ids["tweet:28000000001"].line_start, ids["tweet:28000000001"].line_end) == (
        str(TWEETS / "2010_10.js"),
        3,
        25,
    )
    assert (ids["tweet:445000000000000105"].line_start, ids["tweet:445000000000000105"].line_end) == (193, 225)


def test_owner_from_the_tweets_when_user_details_is_absent(tmp_path):
    shutil.copy(TWEETS / "2014_03.js", tmp_path / "2014_03.js")
    report = grailbird.read(tmp_path, ImportOptions())
    thread = by_id(report)["tweet:445000000000000102"]
    assert thread.url.startswith("https://x.com/sketchpad_sam/")
    assert thread.meta["thread_parent"] == "445000000000000099"


def test_broken_month_files(tmp_path):
    folder = tmp_path / "data" / "js" / "tweets"
    shutil.copytree(TWEETS, folder)
    cut = b'Grailbird.data.tweets_2011_01 = \n[ {\n  "id_str" : "1",\n  "text" : "cut'
    (folder / "2011_01.js").write_bytes(cut)
    (folder / "2011_02.js").write_bytes(b"window.YTD.tweets.part0 = [ ]")
    latin1 = b'Grailbird.data.tweets_2011_03 = [ {"id_str": "5", "text": "caf\xe9"} ]'
    (folder / "2011_03.js").write_bytes(latin1)
    report = grailbird.read(tmp_path, ImportOptions())
    messages = {Path(p.path).name: p.message for p in report.errors}
    assert set(messages) == {"2011_01.js", "2011_02.js", "2011_03.js"}
    assert "line 4" in messages["2011_01.js"]
    assert "does not start with 'Grailbird.data.tweets_YYYY_MM = '" in messages["2011_02.js"]
    assert messages["2011_03.js"].startswith("not valid UTF-8 at line 1")
    assert len(report.fragments) == 5  # the good months are all there


def test_nothing_to_read(tmp_path):
    assert grailbird.read(tmp_path, ImportOptions()).errors
    assert grailbird.read(tmp_path / "missing", ImportOptions()).errors
