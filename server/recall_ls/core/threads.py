"""Self-threads: chains of the owner's own replies to their own posts, read back as one piece of writing.

A post continues a thread when its parent is one of the owner's own posts: the importers say so in
``meta["thread_parent"]`` (the Twitter importers compare the reply's account id, or screen name, with
the archive owner's; the Mastodon importer compares ``inReplyTo`` with the actor). An archive holds
only its owner's posts, so a reply whose parent is a post of the same archive is a self-reply too,
even when the owner is unknown (a ``tweets.csv`` without ``user_details.js``). Replies to other
people are not threads. Posts are grouped under the topmost post their chain of parents reaches
(the root), whatever archive file each sits in, and ordered by date, then by id; a thread is a group
with two or more posts present. Branches (two replies to the same post) belong to the same thread.

Bad input, decided here:

- A post in the middle that is missing (deleted, or in a month file absent from the archive) does not
  split the thread when its own parent is known: the indexer remembers every parent link it has seen
  (``remembered``), so a post deleted since the last import still bridges the posts around it. The
  thread keeps its id, and ``gaps`` names the positions a missing post precedes. When nothing is
  known of a missing post (never seen), the posts after it form a thread of their own, rooted at
  the missing post: its id does not change when the post comes back, the gap marks position 1.
- A reply to a post that is in no archive (a deleted thread start, another snapshot) roots its
  thread at that post, with a gap before position 1, as above.
- A cycle of parent ids (damaged data) is cut at its earliest post, which becomes a root: no hang.
- A reply to an earlier version of an edited tweet (Twitter/X keeps every version; the importer
  only the last, which lists the others' ids in ``meta["edit_ids"]``) continues the last version.
- Chains are walked iteratively, so a 1,000-post thread needs no recursion.

The thread's id is ``thread:`` and its root's post id, stable while posts after the first change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from recall_ls.core.fragments import Fragment, Kind
from recall_ls.core.sources import GRAILBIRD, MASTODON, TWITTER, TWITTER_CSV
from recall_ls.core.sources.twitter_common import EDIT_IDS, split_mentions

# Source formats whose posts can form threads.
THREAD_FORMATS = frozenset({TWITTER, GRAILBIRD, TWITTER_CSV, MASTODON})
THREAD_PREFIX = "thread:"
SNIPPET_CHARS = 80
# The whole thread, as opposed to one of its posts (1..length), in ``meta["thread"]["position"]``.
WHOLE = 0

_POST_KINDS = frozenset({Kind.TWEET, Kind.MASTODON})
_PREFIXES = {Kind.TWEET: "tweet:", Kind.MASTODON: "mastodon:"}
_TRAILING_DIGITS = re.compile(r"(\d+)/?$")
_TWITTER_EPOCH_MS = 1288834974657  # the snowflake ids' epoch, 2010-11-04T01:42:54.657Z


@dataclass(frozen=True, slots=True)
class Thread:
    """The posts of one thread that are present, in order. ``gaps``: 1-based positions that a missing
    post precedes (position 1 when the thread starts with a post that is not there)."""

    id: str
    posts: tuple[Fragment, ...]
    gaps: tuple[int, ...] = ()

    def place(self, position: int, first: dict[str, Any] | None = None) -> dict[str, Any]:
        """What a post at ``position`` (or ``WHOLE``) knows of its thread: ``meta["thread"]``.
        ``first``: ``self.first()``, when the caller already has it (one snippet per thread)."""
        return {"id": self.id, "position": position, "length": len(self.posts), "first": dict(first or self.first())}

    def first(self) -> dict[str, Any]:
        post = self.posts[0]
        return {"id": post.id, "snippet": snippet(post.text), "url": post.url}


@dataclass(frozen=True, slots=True)
class Threading:
    """What threading one source gives: its fragments (thread members carrying ``meta["thread"]``,
    then one fragment per thread), the threads, and the parent links seen now (to remember)."""

    fragments: list[Fragment]
    threads: list[Thread]
    links: dict[str, str]


def parent_id(post: Fragment, present: Mapping[str, Any] | set[str]) -> str | None:
    """The id of the owner's own post that ``post`` continues, or None.

    Twitter importers store the bare status id, Mastodon the prefixed id: both end up as post ids.
    """
    prefix = _PREFIXES.get(post.kind)
    if prefix is None:
        return None
    parent = post.meta.get("thread_parent")
    if isinstance(parent, str) and parent:
        return parent if parent.startswith(prefix) else prefix + parent
    # The owner may be unknown (tweets.csv alone): a parent in the same archive is the owner's post.
    target = post.meta.get("reply_to")
    if post.meta.get("is_reply") and isinstance(target, str) and prefix + target in present:
        return prefix + target
    return None


def parent_links(posts: Iterable[Fragment]) -> dict[str, str]:
    """Post id to parent post id for every post that continues one of the owner's own posts."""
    return _links(_posts(posts))


def _links(present: dict[str, Fragment]) -> dict[str, str]:
    versions = _edited_versions(present)
    links = {}
    for post in present.values():
        parent = parent_id(post, present)
        if parent is not None:
            parent = versions.get(parent, parent)
            if parent != post.id:
                links[post.id] = parent
    return links


def _edited_versions(present: dict[str, Fragment]) -> dict[str, str]:
    """The post id of every earlier version of an edited tweet to the kept (last) version's id: a
    reply to an earlier version continues the kept one, rather than leaving a gap."""
    return {
        _PREFIXES[Kind.TWEET] + earlier: post.id
        for post in present.values()
        if (earlier_ids := post.meta.get(EDIT_IDS))
        for earlier in earlier_ids
    }


def reconstruct(fragments: Iterable[Fragment], remembered: Mapping[str, str] | None = None) -> list[Thread]:
    """Every thread of two or more posts among ``fragments``, ordered by its first post's date.

    ``remembered``: parent links of posts seen before (post id to parent id); only those of posts
    that are not among ``fragments`` are used, to bridge deleted posts.
    """
    return _reconstruct(_posts(fragments), remembered or {})[0]


def with_threads(fragments: Iterable[Fragment], remembered: Mapping[str, str] | None = None) -> Threading:
    """``fragments`` with thread members told their place, plus one ``thread`` fragment per thread."""
    fragments = list(fragments)
    threads, links = _reconstruct(_posts(fragments), remembered or {})
    places = {}
    for thread in threads:
        first = thread.first()
        for position, post in enumerate(thread.posts, 1):
            places[post.id] = thread.place(position, first)
    out = []
    for fragment in fragments:
        place = places.get(fragment.id)
        if place is not None and fragment.kind in _POST_KINDS:
            fragment = _with_meta(fragment, {**fragment.meta, "thread": place})
        out.append(fragment)
    out.extend(thread_fragment(thread) for thread in threads)
    return Threading(out, threads, links)


def thread_fragment(thread: Thread) -> Fragment:
    """The searchable fragment of a whole thread: its posts joined in order (a blank line between),
    dated by and linked to its first post. A continuation's leading @mentions (the owner's own handle
    on older tweets) are left out of the joined text."""
    first = thread.posts[0]
    parts = [first.text] + [_continuation(post) for post in thread.posts[1:]]
    meta: dict[str, Any] = {
        "thread": thread.place(WHOLE),
        "posts": [post.id for post in thread.posts],
        "gaps": list(thread.gaps),
        # A thread may begin as a reply to someone else: filters on replies can tell.
        "is_reply": bool(first.meta.get("is_reply")) and first.meta.get("thread_parent") is None,
    }
    for key in ("lang", "reply_to", "reply_to_user"):
        if key in first.meta:
            meta[key] = first.meta[key]
    return Fragment(
        id=thread.id,
        kind=Kind.THREAD,
        text="\n\n".join(parts),
        source=first.source,
        path=first.path,
        line_start=first.line_start,
        line_end=first.line_end,
        url=first.url,
        created_at=first.created_at,
        meta=meta,
    )


@dataclass(frozen=True, slots=True)
class Expanded:
    """A stored thread read back whole (``recall.thread``): ``id`` the thread's (None when the fragment
    asked for is in no thread: ``posts`` is then that fragment alone); ``length`` its posts as
    stored; ``posts`` those to show, in order; ``gaps`` the places a post is missing (deleted, in a
    month file absent, or gone from the index since); ``hidden`` the posts left out as hidden."""

    id: str | None
    length: int
    posts: tuple[Fragment, ...]
    gaps: int = 0
    hidden: int = 0


def expand(fragment_id: str, stored: Callable[[str], Fragment | None], hidden: Collection[str]) -> Expanded | None:
    """The whole thread of a stored fragment (a post of it, or the thread's own fragment), read with
    ``stored`` (a fragment by id); None when no fragment has ``fragment_id``. Hidden posts are left
    out and counted: the user asked not to see them, and ``recall.hidden`` lists them."""
    fragment = stored(fragment_id)
    if fragment is None:
        return None
    place = fragment.meta.get("thread")
    whole = stored(place["id"]) if isinstance(place, dict) and isinstance(place.get("id"), str) else None
    post_ids = whole.meta.get("posts") if whole is not None and whole.kind == Kind.THREAD else None
    if not isinstance(post_ids, list):
        return Expanded(None, 1, (fragment,))
    found = [post for post_id in post_ids if isinstance(post_id, str) and (post := stored(post_id)) is not None]
    shown = tuple(post for post in found if post.id not in hidden)
    gaps = len(whole.meta.get("gaps") or ()) + len(post_ids) - len(found)
    return Expanded(whole.id, len(post_ids), shown, gaps, len(found) - len(shown))


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of a text on one line, cut at a word, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,.;:") + "…"


# -- reconstruction --------------------------------------------------------------------------------


def _posts(fragments: Iterable[Fragment]) -> dict[str, Fragment]:
    """The posts among ``fragments`` by id; the first of two with one id wins (an importer dedupes)."""
    posts: dict[str, Fragment] = {}
    for fragment in fragments:
        if fragment.kind in _POST_KINDS:
            posts.setdefault(fragment.id, fragment)
    return posts


def _reconstruct(posts: dict[str, Fragment], remembered: Mapping[str, str]) -> tuple[list[Thread], dict[str, str]]:
    current = _links(posts)
    links = {child: parent for child, parent in remembered.items() if child not in posts and child != parent}
    links.update(current)
    roots, kept = _roots(links, posts)
    groups: dict[str, list[Fragment]] = {}
    for post_id, root in roots.items():  # every post with a parent link, and every root
        if post_id in posts:
            groups.setdefault(root, []).append(posts[post_id])
    threads = []
    for root, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=_order)
        gaps = tuple(
            position for position, post in enumerate(members, 1)
            if (parent := kept.get(post.id)) is not None and parent not in posts
        )
        threads.append(Thread(THREAD_PREFIX + root, tuple(members), gaps))
    threads.sort(key=lambda thread: _order(thread.posts[0]))
    return threads, current


def _roots(links: Mapping[str, str], posts: Mapping[str, Fragment]) -> tuple[dict[str, str], dict[str, str]]:
    """``(roots, kept)``: the root of every id with a parent link, and the links kept once cycles are
    cut. Each chain is walked iteratively, each link once (a walk stops at an id whose root is
    known). A walk that meets itself found a cycle: its earliest post loses its parent link (it
    becomes a root) and the walk starts again."""
    kept = dict(links)
    roots: dict[str, str] = {}
    for start in list(kept):
        while start not in roots:
            path: list[str] = []
            on_path: set[str] = set()
            node = start
            while node not in roots and node in kept and node not in on_path:
                path.append(node)
                on_path.add(node)
                node = kept[node]
            if node in on_path:
                cycle = path[path.index(node):]
                del kept[min(cycle, key=lambda member: _order_of(member, posts))]
                continue
            root = roots.setdefault(node, node)  # ``node`` has no parent: a root of itself
            for member in path:
                roots[member] = root
    return roots, kept


def _order(post: Fragment) -> tuple[str, int, str]:
    """Date first; then the number in the id (tweet ids and Mastodon status numbers grow with time),
    which orders posts of one second, and of legacy archives that kept only the day. An edited
    tweet takes its place by its first version: replies to that version may predate the edit."""
    earlier = post.meta.get(EDIT_IDS)
    if earlier:
        first = min(int(tweet_id) for tweet_id in earlier)
        return _snowflake_time(first), first, post.id
    match = _TRAILING_DIGITS.search(post.id)
    return post.created_at or "", int(match.group(1)) if match else 0, post.id


def _snowflake_time(tweet_id: int) -> str:
    """When a tweet was posted, from its id (ids since November 2010 hold their milliseconds since
    Twitter's epoch in their high bits), in the importers' date format."""
    moment = datetime.fromtimestamp(((tweet_id >> 22) + _TWITTER_EPOCH_MS) / 1000, tz=UTC)
    return moment.isoformat(timespec="seconds")


def _order_of(post_id: str, posts: Mapping[str, Fragment]) -> tuple[str, int, str]:
    post = posts.get(post_id)
    if post is not None:
        return _order(post)
    match = _TRAILING_DIGITS.search(post_id)
    return "", int(match.group(1)) if match else 0, post_id


def _with_meta(fragment: Fragment, meta: dict[str, Any]) -> Fragment:
    # Field by field: ``dataclasses.replace`` looks the fields up on every call, a third of the time.
    f = fragment
    return Fragment(f.id, f.kind, f.text, f.source, f.path, f.line_start, f.line_end, f.url, f.created_at, f.title, meta)


def _continuation(post: Fragment) -> str:
    if post.kind != Kind.TWEET:
        return post.text
    body = split_mentions(post.text)[1].strip()
    return body or post.text
