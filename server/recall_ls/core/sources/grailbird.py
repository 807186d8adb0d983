"""The legacy Twitter export ("Grailbird", until 2019): one ``data/js/tweets/YYYY_MM.js`` per month.

Each month file is ``Grailbird.data.tweets_2014_03 = [ ... ]`` holding bare API v1.1 tweet objects
(``text``, not ``full_text``; ids both as numbers and as ``id_str``, the string is the one used).
Accepts the archive root, its ``data`` folder, the ``data/js/tweets`` folder, a single month file, or
the ``.zip``. Only the month files and ``user_details.js`` (the owner) are opened.

Retweets carry ``retweeted_status`` (with the original text, which is used when retweets are asked
for) or, for old manual retweets, only a text starting ``RT @``. Before November 2010 the archive
kept only the day of a tweet: its time reads ``00:00:00``, and the fragment says ``date_only``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from recall_ls.core.sources import skips
from recall_ls.core.sources import twitter_common as common
from recall_ls.core.sources.archive import ArchiveFiles, read_archive
from recall_ls.core.sources.base import ImportOptions, SourceReport
from recall_ls.core.sources.files import GRAILBIRD_FOLDERS, GRAILBIRD_MONTH
from recall_ls.core.sources.twitter_common import Owner, Tweet

KIND = "grailbird"

PREFIX = re.compile(r"^\s*Grailbird\.data\.tweets_\d{4}_\d{2}\s*=\s*")
_EXPECTED = "'Grailbird.data.tweets_YYYY_MM = '"
_USER_PREFIX = re.compile(r"^\s*var\s+user_details\s*=\s*")


def read(path: Path, options: ImportOptions) -> SourceReport:
    """Every fragment of the Grailbird archive at ``path``. Never raises: see ``report.errors``."""
    missing = "no month files (data/js/tweets/YYYY_MM.js) found"
    return read_archive(path, KIND, options, _find_months, missing, _read_months)


def _read_months(archive: ArchiveFiles, months: list[str], options: ImportOptions, report: SourceReport) -> None:
    owner = _owner(archive, months[0][: months[0].rfind("/") + 1], report)
    tweets = (t for name in months for t in _month(archive, name, options, report))
    common.select(_with_owner(tweets, owner), options, owner, report)


def _find_months(archive: ArchiveFiles) -> list[str]:
    for folder in GRAILBIRD_FOLDERS:
        months = [folder + n for n in archive.names(folder) if GRAILBIRD_MONTH.match(n)]
        if months:
            return sorted(months)
    return []


def _owner(archive: ArchiveFiles, folder: str, report: SourceReport) -> Owner:
    """The owner from ``user_details.js`` next to the ``tweets`` folder, when it is within reach."""
    if not folder.endswith("tweets/"):
        return Owner()
    return read_user_details(archive, folder[: -len("tweets/")] + "user_details.js", report)


def read_user_details(archive: ArchiveFiles, name: str, report: SourceReport) -> Owner:
    """The owner named by a legacy ``user_details.js`` (``var user_details = {...}``), if it exists."""
    if not archive.exists(name):
        return Owner()
    data = _read(archive, name, report)
    if data is None:
        return Owner()
    parsed = common.parse_js(data, _USER_PREFIX, "'var user_details = '", "{")
    if parsed.error or not isinstance(parsed.value, dict):
        report.error(archive.display(name), parsed.error or "not an object")
        return Owner()
    return Owner(common.clean_str(parsed.value.get("screen_name")), common.id_string(parsed.value, "id", None))


def _with_owner(tweets: Iterator[Tweet], owner: Owner) -> Iterator[Tweet]:
    """Tweets lacking a ``user`` object take the owner's screen name for their URL."""
    for tweet in tweets:
        if tweet.screen_name is None:
            tweet.screen_name = owner.screen_name
        yield tweet


def _read(archive: ArchiveFiles, name: str, report: SourceReport) -> bytes | None:
    try:
        data = archive.read_bytes(name)
        state = archive.state(name)
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError) as exc:
        report.error(archive.display(name), f"cannot read: {exc}")
        return None
    if not any(s.path == state.path for s in report.files):  # a zip counts once
        report.files.append(state)
    return data


def _month(archive: ArchiveFiles, name: str, options: ImportOptions, report: SourceReport) -> Iterator[Tweet]:
    data = _read(archive, name, report)
    if data is None:
        return
    display = archive.display(name)
    parsed = common.parse_js(data, PREFIX, _EXPECTED)
    if parsed.error:
        report.error(display, parsed.error)
    for record, first, last in parsed.records:
        tweet = common.tweet_from_api(record, display, first, last) if isinstance(record, dict) else None
        if tweet is None:
            report.skip(skips.MALFORMED)
            continue
        if tweet.retweet and options.include_retweets:
            _full_retweet_text(tweet, record)
        common.mark_date_only(tweet)
        yield tweet


def _full_retweet_text(tweet: Tweet, record: dict[str, Any]) -> None:
    """A retweet's own text is cut at 140 characters; Grailbird keeps the original whole."""
    original = record.get("retweeted_status")
    if not isinstance(original, dict) or not isinstance(original.get("text"), str):
        return
    user = original.get("user") if isinstance(original.get("user"), dict) else {}
    author = common.clean_str(user.get("screen_name"))
    urls, media = common.entity_links(original.get("entities"), original.get("extended_entities"))
    text = common.expand_links(common.unescape(original["text"]), urls, media)
    tweet.text = f"RT @{author}: {text}" if author else text
    tweet.quotes = tweet.quotes or common.quoted_status(urls.values())
