"""The modern Twitter/X "Your archive" export (``data/tweets.js`` and friends).

Accepts the archive folder (holding ``data/``), the ``data/`` folder itself, a single tweets file, or
the ``.zip`` as downloaded. Only these files are ever opened, by name: the tweets files
(``tweets.js``, ``tweet.js``, ``tweets-partN.js``), ``community-tweet.js``, ``note-tweet.js`` (full
text of long posts), ``deleted-tweets.js`` (to keep deleted writing out, or in when asked),
``like.js`` (only when likes are asked for), ``manifest.js`` and ``account.js`` (the owner's name and
account id). Direct messages, the IP audit and the other private files are never read.

What is left out, counted in ``report.skipped``: ``malformed`` (a record with no id or text),
``duplicate``, ``deleted``, ``edited-earlier-version`` (an edited tweet is kept in its last version
only), ``retweet``, ``reply``, ``empty`` (nothing but media), and for likes ``like-without-text``.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recall_ls.core.fragments import Fragment, Kind
from recall_ls.core.sources import skips
from recall_ls.core.sources import twitter_common as common
from recall_ls.core.sources.archive import ArchiveFiles
from recall_ls.core.sources.base import ImportOptions, SourceReport
from recall_ls.core.sources.twitter_common import Owner, Tweet

KIND = "twitter"

PREFIX = re.compile(r"^\s*window\.(?:YTD\.[A-Za-z_]+\.part\d+|__THAR_CONFIG)\s*=\s*")
_EXPECTED = "'window.YTD.<name>.partN = '"

_TWEETS = re.compile(r"^tweets?(?:-part(\d+))?\.js$")
_COMMUNITY = re.compile(r"^community-tweets?(?:-part(\d+))?\.js$")
_NOTES = re.compile(r"^note-tweets?(?:-part(\d+))?\.js$")
_DELETED = re.compile(r"^deleted-tweets?(?:-part(\d+))?\.js$")
_LIKES = re.compile(r"^likes?(?:-part(\d+))?\.js$")
_OWNER_FILES = ("manifest.js", "account.js")

# Long posts are matched to their truncated tweet by creation time; a note and a tweet that share a
# second but no opening words are not the same post.
_MIN_COMMON_PREFIX = 10


def read(path: Path, options: ImportOptions) -> SourceReport:
    """Every fragment of the archive at ``path``. Never raises: problems go to ``report.errors``."""
    report = SourceReport(str(path), KIND)
    try:
        archive, folder, only = _open(Path(path))
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        report.error(str(path), f"cannot open: {exc}")
        return report
    with archive:
        _Import(archive, folder, only, options, report).run()
    return report


def _open(path: Path) -> tuple[ArchiveFiles, str, list[str] | None]:
    """The archive, the folder in it that holds the ``.js`` files, and the one file asked for, if any."""
    if path.is_file() and path.suffix.lower() != ".zip":
        return ArchiveFiles(path.parent), "", [path.name]
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    archive = ArchiveFiles(path)
    wanted = (_TWEETS, _NOTES, _DELETED, _LIKES)
    in_data = any(n in _OWNER_FILES or any(p.match(n) for p in wanted) for n in archive.names("data"))
    return archive, "data/" if in_data else "", None


def _ordered(names: list[str], pattern: re.Pattern[str]) -> list[str]:
    """Matching names, the unnumbered file first, then the parts in numeric order (part10 after part9)."""
    found = [(int(m.group(1) or -1), n) for n in names if (m := pattern.match(n))]
    return [n for _, n in sorted(found)]


@dataclass(slots=True)
class _Note:
    id: str
    text: str
    created_at: str
    urls: dict[str, str]


class _Import:
    """One reading of one archive: the files, the owner, and the report being filled."""

    def __init__(
        self, archive: ArchiveFiles, folder: str, only: list[str] | None, options: ImportOptions, report: SourceReport
    ) -> None:
        self.archive = archive
        self.folder = folder
        self.options = options
        self.report = report
        self.names = archive.names(folder)
        if only is not None:
            self.tweet_files = only
        else:
            self.tweet_files = _ordered(self.names, _TWEETS) + _ordered(self.names, _COMMUNITY)
        self._states: set[str] = set()
        # Every id of each edit group (by its key, the initial version's id): earlier versions'
        # ids are told to the last one, which replies to an earlier version continue.
        self._edit_ids: dict[str, set[str]] = defaultdict(set)

    # -- files --

    def load(self, name: str, key: str) -> Iterator[tuple[dict[str, Any] | None, str, int, int]]:
        """``(record, display path, first line, last line)`` for each element of a ``.js`` file.

        ``key`` is the wrapper key (``tweet``, ``like``...); a record is None when an element is not
        an object. A file that cannot be read becomes one error; the records before it still count.
        """
        parsed, display = self.parse(name)
        if parsed is None:
            return
        for element, first, last in parsed.records:
            yield common.unwrap(element, key), display, first, last

    def parse(self, name: str, container: str = "[") -> tuple[common.JsRecords | None, str]:
        full = self.folder + name
        display = self.archive.display(full)
        try:
            data = self.archive.read_bytes(full)
            state = self.archive.state(full)
        except (OSError, KeyError, zipfile.BadZipFile, RuntimeError) as exc:
            self.report.error(display, f"cannot read: {exc}")
            return None, display
        if state.path not in self._states:  # a zip is one file however many members are read
            self._states.add(state.path)
            self.report.files.append(state)
        parsed = common.parse_js(data, PREFIX, _EXPECTED, container)
        if parsed.error:
            self.report.error(display, parsed.error)
        return parsed, display

    # -- the steps --

    def run(self) -> None:
        owner = self.owner()
        tweets, edit_groups = self.tweets()
        # After the deletions: a deleted long post (kept on request) gets its full text too.
        tweets = self.without_deleted(tweets, edit_groups)
        notes = [note for name in _ordered(self.names, _NOTES) for note in self.notes(name)]
        if notes:
            _merge_notes(tweets, notes)
        tweets = self.last_versions(tweets, edit_groups)
        common.select(tweets, self.options, owner, self.report)
        if self.options.include_likes:
            for name in _ordered(self.names, _LIKES):
                self.likes(name)
        if not self.tweet_files and not _ordered(self.names, _DELETED):
            where = self.archive.display(self.folder.rstrip("/")) if self.folder else str(self.archive.root)
            self.report.error(where, "no tweets.js, tweet.js or tweets-partN.js found")

    def owner(self) -> Owner:
        """The owner from ``manifest.js`` (``userInfo``), else from ``account.js``."""
        if "manifest.js" in self.names:
            parsed, _ = self.parse("manifest.js", "{")
            info = parsed.value.get("userInfo") if parsed and isinstance(parsed.value, dict) else None
            if isinstance(info, dict) and (info.get("userName") or info.get("accountId")):
                return Owner(common.clean_str(info.get("userName")), common.id_string(info, "accountId", None))
        if "account.js" in self.names:
            for record, *_ in self.load("account.js", "account"):
                if record is not None and (record.get("username") or record.get("accountId")):
                    return Owner(common.clean_str(record.get("username")), common.id_string(record, "accountId", None))
        return Owner()

    def tweets(self) -> tuple[list[Tweet], dict[str, str]]:
        """Every tweet of the tweets files once, and for edited ones the key of their edit group."""
        tweets: list[Tweet] = []
        groups: dict[str, str] = {}
        seen: set[str] = set()
        for name in self.tweet_files:
            for record, display, first, last in self.load(name, "tweet"):
                tweet = common.tweet_from_api(record, display, first, last) if record is not None else None
                if tweet is None:
                    self.report.skip(skips.MALFORMED)
                    continue
                if tweet.id in seen:
                    self.report.skip(skips.DUPLICATE)
                    continue
                seen.add(tweet.id)
                tweets.append(tweet)
                self.note_edits(record, tweet.id, groups)
        return tweets, groups

    def note_edits(self, record: dict[str, Any], tweet_id: str, groups: dict[str, str]) -> None:
        """Remember the edit group of an edited tweet: its key in ``groups``, every id of it here."""
        members = _edit_members(record, tweet_id)
        if len(members) > 1:
            # Ids grow with time, so the initial version has the smallest: every member agrees on the key.
            group = groups[tweet_id] = min(members, key=int)
            self._edit_ids[group].update(members)

    def notes(self, name: str) -> Iterator[_Note]:
        for record, *_ in self.load(name, "noteTweet"):
            core = record.get("core") if record is not None else None
            created = common.iso_utc(record.get("createdAt")) if record is not None else None
            if not isinstance(core, dict) or not isinstance(core.get("text"), str) or created is None:
                continue
            urls = {
                u["shortUrl"]: u["expandedUrl"]
                for u in core.get("urls") or []
                if isinstance(u, dict) and isinstance(u.get("shortUrl"), str) and isinstance(u.get("expandedUrl"), str)
            }
            yield _Note(common.id_string(record, "noteTweetId", None) or "", core["text"], created, urls)

    def without_deleted(self, tweets: list[Tweet], groups: dict[str, str]) -> list[Tweet]:
        """Leave deleted tweets out, or with ``include_deleted`` add those of ``deleted-tweets.js``.

        By default ``deleted-tweets.js`` is read only for its ids: a tweet deleted after it was
        archived must not come back through ``tweets.js``. Each deleted id is counted once.
        """
        deleted: dict[str, Tweet] = {}
        for name in _ordered(self.names, _DELETED):
            for record, display, first, last in self.load(name, "tweet"):
                tweet = common.tweet_from_api(record, display, first, last) if record is not None else None
                if tweet is None:
                    self.report.skip(skips.MALFORMED)
                    continue
                tweet.deleted_at = tweet.deleted_at or "unknown"
                if tweet.id not in deleted:
                    deleted[tweet.id] = tweet
                    if tweet.id not in groups:
                        self.note_edits(record, tweet.id, groups)
        if self.options.include_deleted:
            known = {t.id: t for t in tweets}
            for tweet_id, tweet in deleted.items():
                if tweet_id in known:
                    known[tweet_id].deleted_at = known[tweet_id].deleted_at or tweet.deleted_at
                else:
                    tweets.append(tweet)
            return tweets
        kept = []
        for tweet in tweets:
            if tweet.deleted_at or tweet.id in deleted:
                deleted.pop(tweet.id, None)
                self.report.skip(skips.DELETED)
            else:
                kept.append(tweet)
        for _ in deleted:  # deleted tweets that tweets.js no longer holds
            self.report.skip(skips.DELETED)
        return kept

    def last_versions(self, tweets: list[Tweet], groups: dict[str, str]) -> list[Tweet]:
        """Keep each edited tweet in its last version only: the highest id of its edit group."""
        last: dict[str, int] = {}
        for tweet in tweets:
            group = groups.get(tweet.id)
            if group is not None:
                last[group] = max(last.get(group, 0), int(tweet.id))
        kept = []
        for tweet in tweets:
            group = groups.get(tweet.id)
            if group is not None and int(tweet.id) != last[group]:
                self.report.skip(skips.EDITED_EARLIER_VERSION)
                continue
            if group is not None:  # a reply to an earlier version continues this one (core/threads.py)
                tweet.extra[common.EDIT_IDS] = sorted(self._edit_ids[group] - {tweet.id}, key=int)
            kept.append(tweet)
        return kept

    def likes(self, name: str) -> None:
        """Other people's tweets the owner liked: only their text and link are in the archive."""
        seen = {f.id for f in self.report.fragments}
        for record, display, first, last in self.load(name, "like"):
            tweet_id = common.id_string(record, "tweetId", None) if record is not None else None
            if tweet_id is None:
                self.report.skip(skips.MALFORMED)
                continue
            text = record.get("fullText")
            text = common.unescape(text).strip() if isinstance(text, str) else ""
            if not text:
                self.report.skip(skips.LIKE_WITHOUT_TEXT)
                continue
            fragment_id = f"like:{tweet_id}"
            if fragment_id in seen:
                self.report.skip(skips.DUPLICATE)
                continue
            seen.add(fragment_id)
            url = record.get("expandedUrl")
            self.report.fragments.append(
                Fragment(
                    id=fragment_id,
                    kind=Kind.LIKE,
                    text=text,
                    source=self.report.path,
                    path=display,
                    line_start=first,
                    line_end=last,
                    url=url if isinstance(url, str) and url else common.tweet_url(tweet_id, None),
                )
            )


def _edit_members(record: dict[str, Any], tweet_id: str) -> set[str]:
    """Every id of the edit group a record belongs to (the record's own alone when never edited).

    An initial version carries ``edit_info.initial.editTweetIds``; a later one
    ``edit_info.edit.initialTweetId`` (and ``editControlInitial.editTweetIds``).
    """
    info = record.get("edit_info")
    if not isinstance(info, dict):
        return {tweet_id}
    ids: list[str] = []
    initial = None
    if isinstance(info.get("initial"), dict):
        ids = info["initial"].get("editTweetIds") or []
    elif isinstance(info.get("edit"), dict):
        edit = info["edit"]
        initial = common.id_string(edit, "initialTweetId", None)
        control = edit.get("editControlInitial")
        ids = (control.get("editTweetIds") if isinstance(control, dict) else None) or []
    members = {i for i in ids if isinstance(i, str) and i.isdigit()} | {tweet_id}
    if initial:
        members.add(initial)
    return members


def _merge_notes(tweets: list[Tweet], notes: list[_Note]) -> None:
    """Give long posts their full text from ``note-tweet.js``.

    A note and its tweet share the creation second but not the id. Threads post several tweets in
    the same second, so among tweets and notes of one second the pairs are made by the longest
    common opening (the tweet holds the note's first ~270 characters, after a reply's @mentions,
    which the note leaves out), then by the closest id.
    """
    by_time: dict[str, list[Tweet]] = defaultdict(list)
    for tweet in tweets:
        if tweet.created_at:
            by_time[tweet.created_at].append(tweet)
    notes_by_time: dict[str, list[_Note]] = defaultdict(list)
    for note in notes:
        notes_by_time[note.created_at].append(note)
    for when, group in notes_by_time.items():
        candidates = by_time.get(when, [])
        pairs = []
        for note in group:
            expanded = common.expand_links(note.text, note.urls, {})
            for tweet in candidates:
                body = common.split_mentions(tweet.text)[1]
                shared = _common_prefix(body, expanded)
                if shared and shared >= min(_MIN_COMMON_PREFIX, len(body), len(expanded)):
                    distance = abs(int(tweet.id) - int(note.id)) if note.id else 0
                    pairs.append((-shared, distance, id(tweet), tweet, note, expanded))
        pairs.sort(key=lambda p: p[:3])
        used_tweets: set[int] = set()
        used_notes: set[int] = set()
        for _, _, _, tweet, note, expanded in pairs:
            if id(tweet) in used_tweets or id(note) in used_notes:
                continue
            used_tweets.add(id(tweet))
            used_notes.add(id(note))
            # The note leaves out the @mentions a reply opens with; keep them like any other reply.
            tweet.text = common.split_mentions(tweet.text)[0] + expanded
            tweet.quotes = tweet.quotes or common.quoted_status(note.urls.values())
            if note.id:
                tweet.extra["note_tweet"] = note.id


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a, b):
        if x != y:
            break
        size += 1
    return size
