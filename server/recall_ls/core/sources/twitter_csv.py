"""The legacy ``tweets.csv`` shipped with old Twitter exports.

Columns: ``tweet_id, in_reply_to_status_id, in_reply_to_user_id, timestamp, source, text,
retweeted_status_id, retweeted_status_user_id, retweeted_status_timestamp, expanded_urls``.
Accepts the file itself, a folder or ``.zip`` holding ``tweets.csv`` or ``data/tweets.csv``.
The owner (for tweet URLs and threads) comes from ``data/js/user_details.js`` when it is there.

The CSV has no entities: ``expanded_urls`` lists the URLs of the text's t.co links in order, media
pages (``.../status/<id>/photo/1``) included, so links are paired with URLs by position, and only
when the counts agree. Ids are kept as strings; a spreadsheet that re-saved the file may have turned
them into ``4.5E+17``: those rows are left out and the file gets one error saying so.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from recall_ls.core.sources import skips
from recall_ls.core.sources import twitter_common as common
from recall_ls.core.sources.archive import ArchiveFiles, read_archive
from recall_ls.core.sources.base import ImportOptions, SourceReport
from recall_ls.core.sources.grailbird import read_user_details
from recall_ls.core.sources.twitter_common import Owner, Tweet

KIND = "twitter-csv"

_NAMES = ("tweets.csv", "data/tweets.csv")
_REQUIRED = ("tweet_id", "text")
_MEDIA_PAGE = re.compile(r"/status(?:es)?/\d+/(?:photo|video)/\d+$")


def read(path: Path, options: ImportOptions) -> SourceReport:
    """Every fragment of the ``tweets.csv`` at (or in) ``path``. Never raises: see ``report.errors``."""
    return read_archive(path, KIND, options, _find, "no tweets.csv found", _read_csv)


def _find(archive: ArchiveFiles) -> list[str]:
    return [name for name in _NAMES if archive.exists(name)][:1]


def _read_csv(archive: ArchiveFiles, names: list[str], options: ImportOptions, report: SourceReport) -> None:
    owner = _owner(archive, names[0], report)
    common.select(_rows(archive, names[0], report), options, owner, report)


def _owner(archive: ArchiveFiles, name: str, report: SourceReport) -> Owner:
    base = name.rpartition("/")[0]
    for candidate in ("data/js/user_details.js", "js/user_details.js"):
        owner = read_user_details(archive, f"{base}/{candidate}" if base else candidate, report)
        if owner.screen_name or owner.account_id:
            return owner
    return Owner()


def _rows(archive: ArchiveFiles, name: str, report: SourceReport) -> list[Tweet]:
    display = archive.display(name)
    try:
        data = archive.read_bytes(name)
        report.files.append(archive.state(name))
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError) as exc:
        report.error(display, f"cannot read: {exc}")
        return []
    text, problem = common.decode_utf8(data)
    if text is None:
        report.error(display, problem or "not valid UTF-8")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    tweets: list[Tweet] = []
    bad_ids = 0
    try:
        header = next(reader, None)
        if header is None:
            report.error(display, "empty file: no header row")
            return []
        columns = {cell.strip().lower(): i for i, cell in enumerate(header)}
        missing = [c for c in _REQUIRED if c not in columns]
        if missing:
            report.error(display, f"not a Twitter tweets.csv: no column {', '.join(missing)} in the header")
            return []
        previous = reader.line_num
        for row in reader:
            first, last, previous = previous + 1, reader.line_num, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            tweet = _tweet(row, columns, display, first, last)
            if tweet is None:
                bad_ids += 1
                report.skip(skips.MALFORMED)
                continue
            tweets.append(tweet)
    except csv.Error as exc:
        report.error(display, f"invalid CSV at line {reader.line_num}: {exc} ({len(tweets)} rows read before it)")
    if bad_ids:
        report.error(
            display, f"{bad_ids} rows have no usable tweet_id (a spreadsheet may have re-saved ids as numbers)"
        )
    return tweets


def _tweet(row: list[str], columns: dict[str, int], display: str, first: int, last: int) -> Tweet | None:
    def cell(column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    tweet_id = common.id_string({"id": cell("tweet_id")}, "id", None)
    raw = cell("text")
    if tweet_id is None:
        return None
    urls, media, quoted = _links(raw, cell("expanded_urls"))
    tweet = Tweet(
        id=tweet_id,
        text=common.expand_links(common.unescape(raw), urls, media),
        path=display,
        line_start=first,
        line_end=last,
        created_at=common.iso_utc(cell("timestamp")),
        reply_to_status=common.id_string({"id": cell("in_reply_to_status_id")}, "id", None),
        reply_to_user_id=common.id_string({"id": cell("in_reply_to_user_id")}, "id", None),
        retweet=bool(cell("retweeted_status_id")) or common.is_retweet_text(raw),
        quotes=quoted,
    )
    common.mark_date_only(tweet)
    return tweet


def _links(text: str, expanded: str) -> tuple[dict[str, str], dict[str, str], str | None]:
    """``(urls, media, quoted)``: the text's t.co links paired by position with ``expanded_urls``.

    A multi-photo tweet repeats its media page once per photo but its text holds one link, hence
    the duplicates are dropped before pairing. When the counts still differ the links stay as they
    are rather than risk pointing one at the wrong URL.
    """
    targets = list(dict.fromkeys(u.strip() for u in expanded.split(",") if u.strip()))
    quoted = common.quoted_status(u for u in targets if not _MEDIA_PAGE.search(u))
    tokens = list(dict.fromkeys(common.TCO.findall(text)))
    urls: dict[str, str] = {}
    media: dict[str, str] = {}
    if tokens and len(tokens) == len(targets):
        for token, target in zip(tokens, targets):
            (media if _MEDIA_PAGE.search(target) else urls)[token] = target
    return urls, media, quoted
