"""Legacy ``tweets.csv`` importer, on an invented file."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from recall_ls.core import sources
from recall_ls.core.sources import twitter_csv
from recall_ls.core.sources.base import ImportOptions

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "tweets.csv"
GRAILBIRD = Path(__file__).resolve().parents[1] / "fixtures" / "grailbird" / "archive"


def by_id(report) -> dict:
    return {f.id: f for f in report.fragments}


@pytest.fixture(scope="module")
def report():
    return twitter_csv.read(CSV, ImportOptions())


def test_counts_and_skip_reasons(report):
    assert report.kind == "twitter-csv"
    assert dict(report.skipped) == {
        "malformed": 1,  # tweet_id 7.00000000000001E+17, as a spreadsheet re-saves it
        "retweet": 2,  # one with retweeted_status_id, one only "RT @" in the text
        "empty": 1,  # a photo alone
    }
    assert sorted(by_id(report)) == [
        "tweet:1234567",
        "tweet:700000000000000001",
        "tweet:700000000000000004",
        "tweet:700000000000000005",
        "tweet:700000000000000007",
        "tweet:700000000000000010",
        "tweet:700000000000000011",
    ]
    # The re-saved id is worth telling the user about, once.
    assert len(report.errors) == 1 and "1 rows have no usable tweet_id" in report.errors[0].message


def test_dispatch():
    assert sources.detect(CSV) == sources.TWITTER_CSV
    assert len(sources.read(CSV).fragments) == 7


def test_text_links_and_quotes(report):
    ids = by_id(report)
    assert ids["tweet:700000000000000001"].text == "Reading about bridges & tunnels https://example.net/bridges"
    # Link paired by position, the trailing photo dropped, the astral emoji untouched.
    assert ids["tweet:700000000000000010"].text == "Sunset 🌅 https://example.net/sun"
    quote = ids["tweet:700000000000000007"]
    assert quote.meta["quotes"] == "https://twitter.com/other/status/650000000000000001"


def test_replies_dates_urls(report):
    ids = by_id(report)
    reply = ids["tweet:700000000000000004"]
    assert reply.meta == {"is_reply": True, "reply_to": "600000000000000001"}
    assert ids["tweet:700000000000000011"].meta["reply_to"] == "999"  # no status id, no screen name in a CSV
    assert reply.created_at == "2016-05-04T10:00:00+00:00"
    assert ids["tweet:1234567"].meta["date_only"] is True
    # No user_details.js next to the CSV: the owner is unknown.
    assert reply.url == "https://twitter.com/i/web/status/700000000000000004"


def test_line_numbers_follow_multiline_rows(report):
    ids = by_id(report)
    assert (ids["tweet:700000000000000001"].line_start, ids["tweet:700000000000000001"].line_end) == (2, 2)
    multiline = ids["tweet:700000000000000005"]
    assert (multiline.line_start, multiline.line_end) == (6, 7)
    assert multiline.text == 'First line\nSecond line of a thought, with "quotes"'
    assert (ids["tweet:700000000000000007"].line_start, ids["tweet:700000000000000007"].line_end) == (9, 9)
    assert multiline.path == str(CSV)


def test_options():
    assert twitter_csv.read(CSV, ImportOptions(include_replies=False)).skipped["reply"] == 2
    with_retweets = by_id(twitter_csv.read(CSV, ImportOptions(include_retweets=True)))
    assert with_retweets["tweet:700000000000000002"].text.startswith("RT @engineer: ")


def test_in_a_legacy_archive_folder_and_zip(tmp_path):
    root = tmp_path / "legacy"
    shutil.copytree(GRAILBIRD / "data", root / "data")
    shutil.copy(CSV, root / "data" / "tweets.csv")
    # The month files win detection; the CSV importer can still be pointed at the folder.
    report = twitter_csv.read(root, ImportOptions())
    assert len(report.fragments) == 7
    # Owner from data/js/user_details.js: URLs carry the screen name.
    assert report.fragments[0].url.startswith("https://x.com/sketchpad_sam/status/")
    archive = tmp_path / "csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(CSV, "tweets.csv")
    assert sources.detect(archive) == sources.TWITTER_CSV
    zipped = twitter_csv.read(archive, ImportOptions())
    assert len(zipped.fragments) == 7 and zipped.fragments[0].path == f"{archive}!/tweets.csv"


def test_bad_files(tmp_path):
    wrong = tmp_path / "wrong" / "tweets.csv"
    wrong.parent.mkdir()
    wrong.write_text("id,body\n1,hello\n", encoding="utf-8")
    report = twitter_csv.read(wrong, ImportOptions())
    assert report.fragments == [] and "no column tweet_id, text" in report.errors[0].message
    latin = tmp_path / "latin" / "tweets.csv"
    latin.parent.mkdir()
    latin.write_bytes(CSV.read_bytes().replace("🌅".encode(), b"\xe9", 1))
    report = twitter_csv.read(latin, ImportOptions())
    assert report.fragments == [] and report.errors[0].message.startswith("not valid UTF-8 at line 12")
    empty = tmp_path / "empty" / "tweets.csv"
    empty.parent.mkdir()
    empty.write_text("", encoding="utf-8")
    assert "empty file" in twitter_csv.read(empty, ImportOptions()).errors[0].message
    assert twitter_csv.read(tmp_path / "missing.csv", ImportOptions()).errors
    assert twitter_csv.read(tmp_path, ImportOptions()).errors  # a folder with no tweets.csv at its top
