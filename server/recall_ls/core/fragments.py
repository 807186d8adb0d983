"""The fragment: one piece of past writing (a tweet, a post, a paragraph or list item of a note).

Every importer produces fragments; everything downstream (store, embeddings, index, engine, LSP)
consumes them. A fragment is a plain immutable value so it can cross threads freely.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any


class Kind:
    """Fragment kinds. Plain strings on purpose: they are stored, filtered on and sent to clients."""

    TWEET = "tweet"
    MASTODON = "mastodon"
    NOTE = "note"
    LIKE = "like"  # other people's tweets the user liked; only when asked for
    THREAD = "thread"  # a self-thread's posts joined, besides the posts themselves (core/threads.py)

    ALL = (TWEET, MASTODON, NOTE, LIKE, THREAD)


@dataclass(frozen=True, slots=True)
class Fragment:
    """One unit of past writing.

    ``id`` is stable across runs: ``tweet:<id_str>``, ``mastodon:<status url>``,
    ``note:<path>#<digest>`` where the digest depends on the heading path and the text, not the line,
    so a note whose paragraphs move keeps its ids. ``path`` is the absolute file the fragment was read
    from (for a zip, ``archive.zip!/data/tweets.js``); lines are 1-based and inclusive.
    ``created_at`` is ISO-8601 in UTC (``2022-11-02T21:30:39+00:00``) or None when unknown.
    ``meta`` holds optional facts: ``reply_to`` (status id or user), ``thread_parent`` (id of the
    owner's own tweet this one continues), ``lang``, ``likes``, ``reposts``, ``tags``,
    ``heading_path`` (list of headings above a note paragraph), ``visibility``, ``summary`` (content warning),
    ``thread`` (``{id, position, length, first: {id, snippet, url}}`` on every post of a self-thread and
    on the thread's own fragment, position 0 there; see ``core/threads.py``).
    """

    id: str
    kind: str
    text: str
    source: str
    path: str
    line_start: int | None = None
    line_end: int | None = None
    url: str | None = None
    created_at: str | None = None
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)

    @property
    def written(self) -> str:
        """When it was written, as far as known (ISO): its date, or for an undated note its file's
        modification time; "" when neither is known."""
        stamp = self.created_at or self.meta.get("mtime")
        return stamp if isinstance(stamp, str) else ""

    @property
    def location(self) -> str:
        """Where the fragment lives, for people: ``file:line`` or the URL."""
        if self.line_start is not None:
            return f"{self.path}:{self.line_start}"
        return self.url or self.path


def normalize_for_hash(text: str) -> str:
    """The form of a text that decides whether two texts need separate embeddings."""
    return unicodedata.normalize("NFC", text).strip()


def text_hash(text: str) -> str:
    """Content address of a text: embeddings are keyed by it, so equal texts are embedded once."""
    return hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()[:32]
