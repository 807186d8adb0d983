"""Why something in a source was left out: every skip reason, and what it means to a person.

Reasons are short and fixed, so a report's counts group well (``3 retweet``); the explanation is what
``scan``, ``index`` and ``doctor`` print beside each, since ``12 empty`` or ``1 edited-earlier-version``
alone read as problems when they are choices. Importers use these names; nothing else spells them.
"""

from __future__ import annotations

from recall_ls.core.sources.files import SKIPPED_FOLDERS

# Posts in archives and exports
DUPLICATE = "duplicate"
MALFORMED = "malformed"
RETWEET = "retweet"
REPLY = "reply"
EMPTY = "empty"
DELETED = "deleted"
EDITED_EARLIER_VERSION = "edited-earlier-version"
LIKE_WITHOUT_TEXT = "like-without-text"
BOOST = "boost"
PRIVATE = "private"
UNSUPPORTED_ACTIVITY = "unsupported activity"
NO_ID = "no id"
# Files in notes folders
EXCLUDED = "excluded"
BINARY = "binary"
NOT_UTF8 = "not utf-8"
UNREADABLE = "unreadable"
SYMLINK_LOOP = "symlink loop"
ALREADY_READ = "already read"
IGNORED = "ignored"
NOT_REGULAR = "not a regular file"
BROKEN_LINK = "broken link"

EXPLANATIONS = {
    DUPLICATE: "the same post twice in the archive: kept once",
    MALFORMED: "a record without the fields a post needs",
    RETWEET: "someone else's writing, indexed on request",
    REPLY: "replies, left out on request",
    EMPTY: "no text of their own: a photo, video or link alone",
    DELETED: "posts you deleted, indexed on request",
    EDITED_EARLIER_VERSION: "earlier versions of edited posts: the last version is indexed",
    LIKE_WITHOUT_TEXT: "likes whose text the archive does not hold",
    BOOST: "someone else's post you boosted",
    PRIVATE: "followers-only or direct posts, indexed on request",
    UNSUPPORTED_ACTIVITY: "activities that are not posts (follows, polls' votes)",
    NO_ID: "posts without an id to link them by",
    EXCLUDED: "matched your exclude globs",
    BINARY: "not text",
    NOT_UTF8: "not UTF-8 text: what was stored from it is kept",
    UNREADABLE: "no permission to read: what was stored from it is kept",
    SYMLINK_LOOP: "a folder link pointing back into itself",
    ALREADY_READ: "a folder reached twice through links: read once",
    IGNORED: f"hidden folders, {', '.join(sorted(SKIPPED_FOLDERS))} and other file types",
    NOT_REGULAR: "a pipe, socket or device named like a note: never opened",
    BROKEN_LINK: "a link to a file that is not there",
}


def explain(reason: str) -> str:
    """What a skip reason means; files over the size limit say so themselves."""
    return EXPLANATIONS.get(reason, "")
