"""What the three Twitter importers share: reading the JS files, dates, text cleanup, filtering.

The modern export (``tweets.js``), the legacy Grailbird export (``data/js/tweets/YYYY_MM.js``) and the
legacy ``tweets.csv`` all hold the same kind of record. Each importer turns its records into
:class:`Tweet` values; :func:`select` then applies the import options the same way for all three, and
:func:`to_fragment` makes the fragments. Nothing here raises for bad data: problems are returned as
messages for the importer to put in its report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from recall_ls.core.fragments import Fragment, Kind
from recall_ls.core.sources import skips
from recall_ls.core.sources.base import ImportOptions, SourceReport

# -- reading ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class JsRecords:
    """The elements of a ``prefix = [ ... ]`` file with the lines each spans, and what went wrong.

    ``error`` is set when the file could be read only in part (or not at all); ``records`` then holds
    the elements read before the problem, so a truncated file still yields its first records.
    """

    records: list[tuple[Any, int, int]] = field(default_factory=list)
    value: Any = None  # the whole value when the file holds an object rather than an array
    error: str | None = None


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def decode_utf8(data: bytes) -> tuple[str | None, str | None]:
    """The text of a file, or None and a message saying where the bytes stop being UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, f"not valid UTF-8 at line {line}, byte {column} of the line (offset {exc.start})"
    # A byte-order mark is legal UTF-8 but would defeat the prefix pattern.
    return text.removeprefix("\ufeff"), None


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"


def parse_js(data: bytes, prefix: re.Pattern[str], expected: str, container: str = "[") -> JsRecords:
    """Parse ``<prefix>[ ... ]`` element by element, or ``<prefix>{ ... }`` when ``container`` is ``{``.

    Decoding one element at a time (rather than the whole array) gives each element's line range for
    free and keeps the elements before a syntax error. ``expected`` names the prefix in messages.
    Plain JSON with no prefix at all is accepted too: some tools re-save archives that way.
    """
    result = JsRecords()
    text, problem = decode_utf8(data)
    if text is None:
        result.error = problem
        return result
    match = prefix.match(text)
    if match:
        pos = match.end()
    else:
        pos = _WS.match(text).end()
        if not text.startswith(("[", "{"), pos):
            head = text[pos:pos + 40].split("\n", 1)[0]
            result.error = f"does not start with {expected} (starts with {head!r})"
            return result
    pos = _WS.match(text, pos).end()
    if pos >= len(text):
        result.error = "no data after the prefix (empty or truncated file)"
        return result
    if text[pos] != container:
        result.error = f"expected '{container}' at {_where(text, pos)}, found {text[pos]!r}"
        return result
    try:
        if container == "{":
            result.value, end = _DECODER.raw_decode(text, pos)
            _check_tail(text, end, result)
            return result
        end = _read_array(text, pos + 1, result)
    except json.JSONDecodeError as exc:
        done = f"; {len(result.records)} records read before it" if result.records else ""
        # An archive cut short by a failed download ends in the middle of a record.
        cut = "" if text.rstrip().endswith(("]", "];", "}", "};")) else "; the file looks truncated"
        result.error = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{cut}{done}"
        return result
    except _Truncated:
        result.error = f"the file ends before the list is closed: truncated? ({len(result.records)} records read)"
        return result
    if result.error is None and end is not None:
        _check_tail(text, end, result)
    return result


class _Truncated(Exception):
    pass


def _read_array(text: str, pos: int, result: JsRecords) -> int | None:
    """Read the elements after ``[``; return the offset after ``]`` (None when an error was set)."""
    length = len(text)
    line, counted = 1, 0  # line number at offset ``counted``; counting forward only keeps it linear
    pos = _WS.match(text, pos).end()
    if pos >= length:
        raise _Truncated
    if text[pos] == "]":
        return pos + 1
    while True:
        value, end = _DECODER.raw_decode(text, pos)
        line += text.count("\n", counted, pos)
        first = line
        line += text.count("\n", pos, end)
        counted = end
        result.records.append((value, first, line))
        pos = _WS.match(text, end).end()
        if pos >= length:
            raise _Truncated
        if text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()
            if pos >= length:
                raise _Truncated
            if text[pos] == "]":  # a trailing comma: not JSON, but harmless
                return pos + 1
            continue
        if text[pos] == "]":
            return pos + 1
        result.error = f"expected ',' or ']' at {_where(text, pos)}, found {text[pos]!r}"
        return None


def _check_tail(text: str, end: int, result: JsRecords) -> None:
    rest = text[end:].strip().lstrip(";").strip()
    if rest:
        result.error = f"unexpected text after the data at {_where(text, end + text[end:].index(rest[0]))}"


def unwrap(element: Any, key: str) -> dict[str, Any] | None:
    """``{"tweet": {...}}`` gives the inner object; a bare object is returned as it is."""
    if not isinstance(element, dict):
        return None
    inner = element.get(key)
    if isinstance(inner, dict) and len(element) == 1:
        return inner
    return element


# -- dates -----------------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
# "Wed Nov 02 21:30:39 +0000 2022": parsed by hand because strptime's %a/%b follow the locale.
_API_DATE = re.compile(r"^[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$")
# "2015-01-24 02:02:37 +0000" (Grailbird, tweets.csv)
_LEGACY_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ?([+-])(\d{2}):?(\d{2})$")


def parse_datetime(value: Any) -> datetime | None:
    """Any of the three archive date formats as an aware UTC datetime; None when unreadable."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        match = _API_DATE.match(value)
        if match:
            month, day, hh, mm, ss, sign, oh, om, year = match.groups()
            if month not in _MONTHS:
                return None
            if oh == om == "00":  # every date in real archives: made in UTC at once
                return datetime(int(year), _MONTHS[month], int(day), int(hh), int(mm), int(ss), tzinfo=timezone.utc)
            moment = datetime(int(year), _MONTHS[month], int(day), int(hh), int(mm), int(ss))
            return _to_utc(moment, sign, oh, om)
        match = _LEGACY_DATE.match(value)
        if match:
            year, month, day, hh, mm, ss, sign, oh, om = match.groups()
            moment = datetime(int(year), int(month), int(day), int(hh), int(mm), int(ss))
            return _to_utc(moment, sign, oh, om)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _to_utc(moment: datetime, sign: str, hours: str, minutes: str) -> datetime:
    if hours == minutes == "00":  # every date in real archives: no zone to make per tweet
        return moment.replace(tzinfo=timezone.utc)
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    return moment.replace(tzinfo=timezone(-offset if sign == "-" else offset)).astimezone(timezone.utc)


def iso_utc(value: Any) -> str | None:
    """``2022-11-02T21:30:39+00:00`` for any archive date, None when unreadable."""
    moment = parse_datetime(value)
    return moment.isoformat(timespec="seconds") if moment else None


# Legacy exports kept only the day of tweets older than the first snowflake ids (4 November 2010).
_DATE_ONLY_BEFORE = "2010-11-05"


def mark_date_only(tweet: Tweet) -> None:
    """Say so when a legacy tweet's midnight time is a stand-in for "some time that day"."""
    when = tweet.created_at
    if when and when < _DATE_ONLY_BEFORE and when[11:19] == "00:00:00":
        tweet.extra["date_only"] = True


# -- text ------------------------------------------------------------------------------------------

# Twitter escapes exactly these in tweet text; a targeted replacement leaves any other '&' alone.
_ENTITY = re.compile(r"&(amp|lt|gt|quot|#39);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'"}
TCO = re.compile(r"https?://t\.co/[A-Za-z0-9]+")
_STATUS_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]+)/status(?:es)?/(\d+)", re.I)
_RETWEET = re.compile(r"^RT @[A-Za-z0-9_]+")
_LEADING_MENTIONS = re.compile(r"^\s*(?:@[A-Za-z0-9_]+\s*)*")


def unescape(text: str) -> str:
    """Undo the HTML escaping of tweet text (``&amp; &lt; &gt;``, and quotes in old archives)."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def expand_links(text: str, urls: Mapping[str, str], media: Mapping[str, str]) -> str:
    """Replace t.co links by the URLs they stand for and drop the media links that trail the text.

    Links are matched as whole tokens rather than by entity ``indices``: the indices count code
    points while some tools re-save them as UTF-16 units, and a token cannot be off by one.
    A media link that does not trail (rare) becomes its page URL so no t.co link is left.
    """
    if "t.co/" not in text:
        return text.strip()
    while True:
        stripped = text.rstrip()
        match = _last_token(stripped)
        if match is None or match.end() != len(stripped) or match.group(0) not in media:
            break
        text = stripped[: match.start()]
    return TCO.sub(lambda m: urls.get(m.group(0)) or media.get(m.group(0)) or m.group(0), text).strip()


def _last_token(text: str) -> re.Match[str] | None:
    cut = text.rfind("t.co/")
    if cut < 0:
        return None
    return TCO.search(text, max(0, cut - 8))


def quoted_status(expanded_urls: Iterable[str]) -> str | None:
    """The first URL pointing at a tweet: the only sign of a quote tweet in the archive."""
    for url in expanded_urls:
        if url and _STATUS_URL.match(url):
            return url
    return None


def is_retweet_text(text: str) -> bool:
    return _RETWEET.match(text) is not None


def split_mentions(text: str) -> tuple[str, str]:
    """``("@a @b ", "the rest")``: the leading @mentions a reply starts with, and its body."""
    cut = _LEADING_MENTIONS.match(text).end()
    return text[:cut], text[cut:]


def has_words(text: str) -> bool:
    """False for a text that is empty once the leading @mentions of a reply are set aside.

    A reply holding only a photo leaves ``@someone`` after the media link is dropped: nothing of the
    owner's writing is there to recall.
    """
    return bool(split_mentions(text)[1].strip())


def entity_links(entities: Any, extended: Any = None) -> tuple[dict[str, str], dict[str, str]]:
    """``(urls, media)``: t.co link to expanded URL, for ``entities.urls`` and for the media lists."""
    urls: dict[str, str] = {}
    media: dict[str, str] = {}
    for container in (entities, extended):
        if not isinstance(container, dict):
            continue
        for kind, target in (("urls", urls), ("media", media)):
            items = container.get(kind)
            if not isinstance(items, list):
                continue
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("url"), str):
                    expanded = item.get("expanded_url") or item.get("expandedUrl")
                    target[item["url"]] = expanded if isinstance(expanded, str) else ""
    return urls, media


# -- records ---------------------------------------------------------------------------------------

def id_string(record: Mapping[str, Any], key: str = "id_str", fallback: str | None = "id") -> str | None:
    """A tweet id as a string of digits, or None.

    ``id_str`` first. A JSON integer is exact in Python, so a numeric ``id`` is accepted, but never a
    float (``1.5e17``): that id already lost its precision when some tool re-saved the archive.
    """
    value = record.get(key)
    if value is None and fallback is not None:
        value = record.get(fallback)
    if isinstance(value, str):  # the usual case first: every read tweet has three ids
        value = value.strip()
        return value if value.isdecimal() else None  # isdecimal: the digits ``\d`` matches
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def count(value: Any) -> int | None:
    """``"5"`` or ``5`` as an int (archives write counts as strings); None otherwise."""
    if isinstance(value, str):
        return int(value) if value.strip().isdecimal() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def clean_str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


@dataclass(frozen=True, slots=True)
class Owner:
    """The archive's account, for tweet URLs and to tell a self-thread from a reply to someone else."""

    screen_name: str | None = None
    account_id: str | None = None


# ``meta`` of the last version of an edited tweet: the ids of its earlier versions (and of any other
# version its edit record names), so that a reply to an earlier version still continues it.
EDIT_IDS = "edit_ids"


@dataclass(slots=True)
class Tweet:
    """One tweet as every importer sees it, text already cleaned."""

    id: str
    text: str
    path: str
    line_start: int | None = None
    line_end: int | None = None
    created_at: str | None = None
    lang: str | None = None
    likes: int | None = None
    reposts: int | None = None
    reply_to_status: str | None = None
    reply_to_user_id: str | None = None
    reply_to_screen_name: str | None = None
    retweet: bool = False
    quotes: str | None = None
    screen_name: str | None = None  # the author, when the record says (Grailbird's ``user``)
    deleted_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # more meta, e.g. ``date_only``

    @property
    def is_reply(self) -> bool:
        return bool(self.reply_to_status or self.reply_to_user_id or self.reply_to_screen_name)

    def thread_parent(self, owner: Owner) -> str | None:
        """The owner's own tweet this one continues, when it is a reply to the owner."""
        if not self.reply_to_status:
            return None
        if owner.account_id and self.reply_to_user_id:
            return self.reply_to_status if self.reply_to_user_id == owner.account_id else None
        # Without the account id, the screen name is the next best sign (names can change, ids not).
        name = owner.screen_name or self.screen_name
        if name and self.reply_to_screen_name and self.reply_to_screen_name.lower() == name.lower():
            return self.reply_to_status
        return None


def tweet_from_api(obj: Mapping[str, Any], path: str, line_start: int | None, line_end: int | None) -> Tweet | None:
    """A :class:`Tweet` from an API v1.1 shaped object (modern ``tweet`` or Grailbird); None without an id.

    The modern export names the text ``full_text``, Grailbird ``text``.
    """
    tweet_id = id_string(obj)
    raw = obj.get("full_text")
    if not isinstance(raw, str):
        raw = obj.get("text")
    if tweet_id is None or not isinstance(raw, str):
        return None
    urls, media = entity_links(obj.get("entities"), obj.get("extended_entities"))
    user = obj.get("user") if isinstance(obj.get("user"), dict) else {}
    return Tweet(
        id=tweet_id,
        text=expand_links(unescape(raw), urls, media),
        path=path,
        line_start=line_start,
        line_end=line_end,
        created_at=iso_utc(obj.get("created_at")),
        lang=clean_str(obj.get("lang")),
        likes=count(obj.get("favorite_count")),
        reposts=count(obj.get("retweet_count")),
        reply_to_status=id_string(obj, "in_reply_to_status_id_str", "in_reply_to_status_id"),
        reply_to_user_id=id_string(obj, "in_reply_to_user_id_str", "in_reply_to_user_id"),
        reply_to_screen_name=clean_str(obj.get("in_reply_to_screen_name")),
        retweet=is_retweet_text(raw) or isinstance(obj.get("retweeted_status"), dict),
        quotes=quoted_status(urls.values()),
        screen_name=clean_str(user.get("screen_name")),
        deleted_at=iso_utc(obj.get("deleted_at")) or clean_str(obj.get("deleted_at")),
    )


# -- selecting and building fragments --------------------------------------------------------------


def tweet_url(tweet_id: str, screen_name: str | None) -> str:
    if screen_name:
        return f"https://x.com/{screen_name}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"


def to_fragment(tweet: Tweet, owner: Owner, source: str) -> Fragment:
    meta: dict[str, Any] = {"is_reply": tweet.is_reply}
    if tweet.lang:
        meta["lang"] = tweet.lang  # pseudo codes (und, qme, zxx) kept: they say what the text is
    if tweet.likes is not None:
        meta["likes"] = tweet.likes
    if tweet.reposts is not None:
        meta["reposts"] = tweet.reposts
    if tweet.is_reply:
        meta["reply_to"] = tweet.reply_to_status or tweet.reply_to_screen_name or tweet.reply_to_user_id
        if tweet.reply_to_screen_name:
            meta["reply_to_user"] = tweet.reply_to_screen_name
    parent = tweet.thread_parent(owner)
    if parent:
        meta["thread_parent"] = parent
    if tweet.quotes:
        meta["quotes"] = tweet.quotes
    if tweet.deleted_at:
        meta["deleted_at"] = tweet.deleted_at
    meta.update(tweet.extra)
    return Fragment(
        id=f"tweet:{tweet.id}",
        kind=Kind.TWEET,
        text=tweet.text,
        source=source,
        path=tweet.path,
        line_start=tweet.line_start,
        line_end=tweet.line_end,
        url=tweet_url(tweet.id, tweet.screen_name or owner.screen_name),
        created_at=tweet.created_at,
        meta=meta,
    )


def select(tweets: Iterable[Tweet], options: ImportOptions, owner: Owner, report: SourceReport) -> None:
    """Add to ``report`` a fragment for each tweet the options keep, and count the others by reason.

    Reasons, checked in this order: ``duplicate`` (an id already seen), ``retweet``, ``reply``, ``empty``.
    A reply to the owner's own tweet continues a thread: it is the owner's writing and is kept even
    when replies are left out.
    """
    seen: set[str] = set()
    for tweet in tweets:
        if tweet.id in seen:
            report.skip(skips.DUPLICATE)
            continue
        seen.add(tweet.id)
        if tweet.retweet and not options.include_retweets:
            report.skip(skips.RETWEET)
        elif tweet.is_reply and not options.include_replies and not tweet.thread_parent(owner):
            report.skip(skips.REPLY)
        elif not has_words(tweet.text):
            report.skip(skips.EMPTY)
        else:
            report.fragments.append(to_fragment(tweet, owner, report.path))
