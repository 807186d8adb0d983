"""Mastodon export importer: the owner's own posts from ``outbox.json``.

A Mastodon export (a folder, or the ``.zip`` as downloaded) holds ``outbox.json``, an ActivityStreams
``OrderedCollection`` whose ``orderedItems`` are ``Create`` activities (the owner's posts, HTML in
``content``) and ``Announce`` activities (boosts of other people's posts: not the owner's writing, and
the export holds only their URL). ``actor.json`` names the owner.

Only public and unlisted posts are indexed unless ``include_private`` is set: followers-only and
direct posts were never meant for everyone, and recall may surface them in a public draft.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from recall_ls.core.fragments import Fragment, Kind
from recall_ls.core.sources import skips
from recall_ls.core.sources.archive import ArchiveFiles
from recall_ls.core.sources.base import ImportOptions, SourceReport

OUTBOX = "outbox.json"
ACTOR = "actor.json"

PUBLIC_ADDRESSES = frozenset(
    {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
)

_POST_TYPES = frozenset({"Note", "Question", "Article", "Page"})


# --------------------------------------------------------------------------------------------
# Reading the files


def read(path: Path, options: ImportOptions | None = None) -> SourceReport:
    """Every post of the Mastodon export at ``path`` (``outbox.json``, its folder or the zip)."""
    options = options or ImportOptions()
    path = Path(path).expanduser().absolute()
    report = SourceReport(str(path), "mastodon")
    try:
        files, outbox_name = _open(path)
    except OSError as exc:
        report.error(str(path), f"cannot open: {exc.strerror or exc}")
        return report
    except Exception as exc:  # a damaged zip raises zipfile.BadZipFile and friends
        report.error(str(path), f"cannot open: {exc}")
        return report
    with files:
        display = files.display(outbox_name)
        if not files.exists(outbox_name):
            report.error(display, "no outbox.json found")
            return report
        try:
            raw = files.read_bytes(outbox_name)
            state = files.state(outbox_name)
        except OSError as exc:
            report.error(display, f"cannot read: {exc.strerror or exc}")
            return report
        outbox = _load_json(raw, display, report)
        if outbox is None:
            return report
        owner = _owner(files, outbox_name, outbox)
        report.files.append(state)
        _read_outbox(outbox, owner, display, str(path), options, report)
    return report


def _open(path: Path) -> tuple[ArchiveFiles, str]:
    """The archive holding the outbox and the outbox's name inside it."""
    if path.is_file() and not path.name.lower().endswith(".zip"):
        return ArchiveFiles(path.parent), path.name
    return ArchiveFiles(path), OUTBOX


def _owner(files: ArchiveFiles, outbox_name: str, outbox: dict[str, Any]) -> str | None:
    """The account that wrote the outbox: ``actor.json``'s id, else the actor of its activities."""
    folder = outbox_name.rpartition("/")[0]
    actor_name = f"{folder}/{ACTOR}" if folder else ACTOR
    if files.exists(actor_name):
        try:
            actor = json.loads(files.read_bytes(actor_name).decode("utf-8-sig"))
        except (OSError, ValueError):
            actor = None
        if isinstance(actor, dict) and isinstance(actor.get("id"), str):
            return actor["id"]
    if isinstance(outbox.get("actor"), str):
        return outbox["actor"]
    items = outbox.get("orderedItems")
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("actor"), str):
            return item["actor"]
    return None


def _merge_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook: some exports repeat ``orderedItems``; keep every list instead of the last."""
    merged: dict[str, Any] = {}
    for key, value in pairs:
        if key in merged and isinstance(merged[key], list) and isinstance(value, list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged


def _load_json(raw: bytes, display: str, report: SourceReport) -> dict[str, Any] | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error(display, f"not valid UTF-8 at byte {exc.start}")
        return None
    try:
        data = json.loads(text, object_pairs_hook=_merge_repeated_keys)
    except json.JSONDecodeError as exc:
        report.error(
            display,
            f"invalid JSON at line {exc.lineno}, column {exc.colno} (character {exc.pos}): {exc.msg}"
            + (" (the file looks truncated)" if exc.pos >= len(text.rstrip()) else ""),
        )
        return None
    except RecursionError:
        report.error(display, "invalid JSON: nested too deeply")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("orderedItems"), list):
        report.error(display, "not a Mastodon outbox: no orderedItems list")
        return None
    return data


# --------------------------------------------------------------------------------------------
# Activities to fragments


def _read_outbox(
    outbox: dict[str, Any],
    owner: str | None,
    display: str,
    source: str,
    options: ImportOptions,
    report: SourceReport,
) -> None:
    seen: set[str] = set()
    for item in outbox["orderedItems"]:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "Announce":
            report.skip(skips.BOOST)
            continue
        post = item.get("object") if isinstance(item, dict) else None
        if kind != "Create" or not isinstance(post, dict) or post.get("type") not in _POST_TYPES:
            report.skip(skips.UNSUPPORTED_ACTIVITY)
            continue
        fragment, reason = _fragment(item, post, owner, display, source, options)
        if fragment is None:
            report.skip(reason or skips.EMPTY)
            continue
        # The same post twice (a repeated orderedItems holding overlapping pages) is indexed once.
        if fragment.id in seen:
            report.skip(skips.DUPLICATE)
            continue
        seen.add(fragment.id)
        report.fragments.append(fragment)


def _fragment(
    activity: dict[str, Any],
    post: dict[str, Any],
    owner: str | None,
    display: str,
    source: str,
    options: ImportOptions,
) -> tuple[Fragment | None, str | None]:
    """The fragment of one ``Create``, or None and the reason it is left out."""
    visibility = _visibility(post, activity, owner)
    if visibility in ("followers", "direct") and not options.include_private:
        return None, skips.PRIVATE
    lang, html = _content(post)
    text = html_to_text(html)
    if not text:
        return None, skips.EMPTY
    reply_to = post.get("inReplyTo") if isinstance(post.get("inReplyTo"), str) else None
    thread_parent = reply_to if reply_to and _is_own(reply_to, owner) else None
    if reply_to and not thread_parent and not options.include_replies:
        return None, skips.REPLY
    key = _str(post.get("id")) or _str(post.get("url")) or _str(activity.get("id"))
    if key is None:
        return None, skips.NO_ID
    meta: dict[str, Any] = {"visibility": visibility, "is_reply": reply_to is not None}
    if reply_to:
        meta["reply_to"] = reply_to
    if thread_parent:
        meta["thread_parent"] = f"mastodon:{thread_parent}"
    if lang:
        meta["lang"] = lang
    if _str(post.get("summary")):
        meta["summary"] = html_to_text(post["summary"])
    tags = _hashtags(post.get("tag"))
    if tags:
        meta["tags"] = tags
    meta["sensitive"] = bool(post.get("sensitive"))
    fragment = Fragment(
        id=f"mastodon:{key}",
        kind=Kind.MASTODON,
        text=text,
        source=source,
        path=display,
        url=_url(post) or key,
        created_at=iso_utc(post.get("published") or activity.get("published")),
        meta=meta,
    )
    return fragment, None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _addresses(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _visibility(post: dict[str, Any], activity: dict[str, Any], owner: str | None) -> str:
    """``public``, ``unlisted``, ``followers`` or ``direct``, from the post's addressing."""
    holder = post if ("to" in post or "cc" in post) else activity
    to, cc = _addresses(holder.get("to")), _addresses(holder.get("cc"))
    if PUBLIC_ADDRESSES.intersection(to):
        return "public"
    if PUBLIC_ADDRESSES.intersection(cc):
        return "unlisted"
    followers = f"{owner}/followers" if owner else None
    if any(a == followers or a.endswith("/followers") for a in to + cc):
        return "followers"
    return "direct"


def _is_own(status: str, owner: str | None) -> bool:
    return bool(owner) and status.startswith(f"{owner}/")


def _content(post: dict[str, Any]) -> tuple[str | None, str]:
    """The post's language (from ``contentMap``) and its HTML."""
    content_map = post.get("contentMap")
    lang = None
    html = post.get("content") if isinstance(post.get("content"), str) else ""
    if isinstance(content_map, dict) and content_map:
        lang = next(iter(content_map))
        if not html and isinstance(content_map[lang], str):
            html = content_map[lang]
    return lang, html


def _url(post: dict[str, Any]) -> str | None:
    url = post.get("url")
    if isinstance(url, list):  # some servers send several links; the first is the HTML page
        url = next((u.get("href") if isinstance(u, dict) else u for u in url), None)
    elif isinstance(url, dict):
        url = url.get("href")
    return _str(url)


def _hashtags(tags: Any) -> list[str]:
    names = []
    for tag in tags if isinstance(tags, list) else ():
        if isinstance(tag, dict) and tag.get("type") == "Hashtag" and _str(tag.get("name")):
            name = tag["name"].lstrip("#")
            if name and name not in names:
                names.append(name)
    return names


def iso_utc(value: Any) -> str | None:
    """ISO-8601 in UTC (``2022-11-08T03:07:14+00:00``), or None when ``value`` is not a timestamp."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------
# HTML to text

_BLOCK_TAGS = frozenset(
    {"p", "div", "blockquote", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_SPACES = re.compile(r"[ \t\r\n\f]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    """Mastodon's status HTML as the text a person sees, with full URLs instead of shortened ones."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._pre = 0
        # Inside a link: its href and whether Mastodon shortened its visible text.
        self._link_href: str | None = None
        self._link_parts: list[str] = []
        self._link_shortened = False
        self._link_depth = 0

    def _emit(self, text: str) -> None:
        if self._link_depth:
            self._link_parts.append(text)
        else:
            self.parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._emit("\n")
        elif tag in _BLOCK_TAGS:
            self._emit("\n\n")
            if tag == "pre":
                self._pre += 1
        elif tag == "li":
            self._emit("\n")
        elif tag == "a":
            if self._link_depth == 0:
                self._link_href = dict(attrs).get("href")
                self._link_parts = []
                self._link_shortened = False
            self._link_depth += 1
        elif tag == "span" and self._link_depth:
            classes = (dict(attrs).get("class") or "").split()
            if "invisible" in classes or "ellipsis" in classes:
                self._link_shortened = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            if tag == "pre" and self._pre:
                self._pre -= 1
            self._emit("\n\n")
        elif tag == "a" and self._link_depth:
            self._link_depth -= 1
            if self._link_depth == 0:
                self._close_link()

    def _close_link(self) -> None:
        visible = "".join(self._link_parts)
        if self._link_shortened and self._link_href:
            visible = self._link_href
        self.parts.append(visible)

    def handle_data(self, data: str) -> None:
        self._emit(data if self._pre else _SPACES.sub(" ", data))

    def text(self) -> str:
        if self._link_depth:
            self._close_link()
        joined = "".join(self.parts)
        lines = (line.strip() for line in joined.split("\n"))
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str | None) -> str:
    """Plain text of a status: paragraphs separated by a blank line, ``<br>`` as a newline."""
    if not html:
        return ""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()
