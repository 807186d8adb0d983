"""What every importer takes and returns: import options and the per-source report.

An importer is a module with ``read(path, options) -> SourceReport``. It never raises for bad data:
a problem with one file becomes an entry in ``errors`` naming the file, and the other files are read.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from recall_ls.core.fragments import Fragment
from recall_ls.core.settings import setting

DEFAULT_MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What to take from a source, as settings (``recall_ls.core.settings``). The defaults index only
    the owner's own public writing."""

    include_replies: bool = setting(True, "Index replies (replies continuing your own threads are always kept).")
    include_retweets: bool = setting(False, "Index retweets (not your writing).")
    include_likes: bool = setting(False, "Index liked tweets (other people's writing).")
    include_deleted: bool = setting(False, "Index tweets you deleted.")
    # Private: never indexed unless asked.
    include_private: bool = setting(False, "Index Mastodon followers-only and direct posts.")
    # Matched against the path relative to the source root.
    exclude: tuple[str, ...] = setting(
        (),
        "Globs of note files to skip (`drafts/**`, `*.tmp.md`); a glob without `/` matches a file or "
        "folder name anywhere.",
    )
    max_file_bytes: int = setting(
        DEFAULT_MAX_FILE_BYTES, "Note files larger than this are skipped (and listed with the reason).", minimum=0
    )

    def excluded(self, relative_path: str) -> bool:
        return is_excluded(relative_path, self.exclude)


def is_excluded(relative_path: str, globs: tuple[str, ...] | list[str]) -> bool:
    """True when a path relative to its source root matches one of the user's exclude globs.

    A glob without a slash matches the file name or any folder name at any depth (like .gitignore);
    a glob with a slash matches the whole relative path, ``*`` spanning folders (``drafts/**``).
    """
    posix = PurePosixPath(relative_path)
    for glob in globs:
        glob = glob.strip().rstrip("/")
        if not glob:
            continue
        if "/" in glob:
            if fnmatch.fnmatchcase(str(posix), glob):
                return True
        elif any(fnmatch.fnmatchcase(part, glob) for part in posix.parts):
            return True
    return False


def too_large_reason(limit: int) -> str:
    """Skip reason for files over ``limit`` bytes; the same text for every file of a run."""
    if limit >= 1_000_000:
        return f"larger than {limit / 1_000_000:.1f} MB"
    if limit >= 1_000:
        return f"larger than {limit / 1_000:.0f} KB"
    return f"larger than {limit} bytes"


class NotARegularFile(OSError):
    """A FIFO, socket or device where a file was expected: never read (a FIFO would block forever)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(f"{path} is not a regular file")


def is_regular(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode)


def read_regular(path: str | Path) -> bytes:
    """The bytes of a regular file. Opened without blocking and checked once open, so that a FIFO
    put in the file's place after the caller looked raises ``NotARegularFile`` instead of hanging."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb") as handle:
        if not is_regular(os.fstat(fd)):
            raise NotARegularFile(path)
        return handle.read()


@dataclass(frozen=True, slots=True)
class FileState:
    """What the store remembers of a source file to know, next run, whether it changed."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be read, or read only in part. ``message`` says what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(slots=True)
class SourceReport:
    """Everything one source yielded: fragments, what was left out and why, and what went wrong."""

    path: str
    kind: str
    fragments: list[Fragment] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_files: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # something was not read
    warnings: list[Problem] = field(default_factory=list)  # read, though not all as written
    files: list[FileState] = field(default_factory=list)
    # Files and folders not read this time (unreadable, not UTF-8): what the store holds from them
    # stays, and everything else is brought up to date (a deleted note leaves). None when the importer
    # cannot tell which records its errors hid (a damaged archive file): nothing is removed then.
    unread: list[str] | None = None
    # A notes folder read only because archives sit in it, with nothing of its own: not worth listing
    # as a source ("notes, 0 fragments" beside the archive read as a failure).
    incidental: bool = False

    @property
    def empty(self) -> bool:
        return not (self.fragments or self.files or self.errors or self.warnings or self.skipped)

    def skip(self, reason: str, path: str | None = None) -> None:
        """Count something left out on purpose; a skipped file is also listed by name."""
        self.skipped[reason] += 1
        if path is not None:
            self.skipped_files.append(Problem(path, reason))

    def error(self, path: str, message: str) -> None:
        self.errors.append(Problem(path, message))

    def not_read(self, path: str) -> None:
        """``path`` (a file or a folder) is there but was not read: what is stored from it stays."""
        if self.unread is None:
            self.unread = []
        self.unread.append(path)
