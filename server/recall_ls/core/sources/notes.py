"""Notes importer: a folder (or one file) of Markdown and plain-text notes, such as an Obsidian vault.

A note becomes one fragment per paragraph, per top-level list item (its nested items included) and
per paragraph of a blockquote or callout. Headings are not fragments: they form the ``heading_path``
of the blocks below them. Code, HTML blocks, display math and tables are left out because they embed
poorly and are rarely what a person wants recalled while writing prose.

The splitting into blocks is ``recall_ls.core.markdown`` (the language server runs it on unsaved
buffers too); its front matter gives a note's title, date and tags. This module turns blocks into
fragments and walks and reads note files; which files are notes is ``sources.files``.

Line numbers are 1-based and inclusive, in the original file (front matter lines included).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from recall_ls.core.fragments import Fragment, Kind, normalize_for_hash
from recall_ls.core.markdown.blocks import Block
from recall_ls.core.markdown.front_matter import (
    front_matter_tags,
    front_value,
    iso_date,
    parse_front_matter,
    plain_value,
)
from recall_ls.core.markdown.splitter import NoteSplit, parse_blocks
from recall_ls.core.sources import skips
from recall_ls.core.sources.base import (
    FileState,
    ImportOptions,
    NotARegularFile,
    Problem,
    SourceReport,
    is_regular,
    read_regular,
    too_large_reason,
)
from recall_ls.core.sources.files import (
    has_note_suffix,
    is_markdown,
    is_note_path,
    is_skipped,
)

# Skips of a note that is there but could not be read: what was stored from it is kept.
_NOT_READ = frozenset({skips.UNREADABLE, skips.NOT_UTF8})

_BINARY_SNIFF_BYTES = 8192
_DIGEST_CHARS = 12
# Front matter keys that date a note, the first one present winning.
_DATE_KEYS = ("date", "created", "created_at", "updated", "modified")


# --------------------------------------------------------------------------------------------
# Fragments of one text


def fragments_from_text(
    text: str,
    path: str,
    source: str,
    relative_path: str,
    *,
    mtime: str | None = None,
    markdown: bool | None = None,
    split: NoteSplit | None = None,
) -> tuple[list[Fragment], list[str]]:
    """The fragments of one note and the warnings met (a front matter that is not strict YAML).

    ``path`` is the file the fragments point at, ``source`` the root the user registered and
    ``relative_path`` the note's path under it (POSIX): ids are ``note:<relative_path>#<digest>``.
    ``mtime`` (ISO-8601), when the note was read from disk, goes to ``meta["mtime"]`` so the store
    can date notes whose front matter holds no date. ``markdown`` defaults to what the suffix of
    ``relative_path`` says. ``split``: the text's ``resplit`` already made (an open document's, by
    the keystroke path), used instead of splitting it again.
    """
    problems: list[str] = []
    front, _ = parse_front_matter(text, problems)
    parsed = parse_blocks(text, is_markdown(relative_path) if markdown is None else markdown, split)
    tags = front_matter_tags(front)
    tags += [tag for tag in parsed.body_tags if tag not in tags]
    note_fragment = partial(  # what every fragment of the note shares
        Fragment,
        kind=Kind.NOTE,
        source=source,
        path=path,
        created_at=iso_date(front_value(front, *_DATE_KEYS)),
        title=_title(front, parsed.first_h1, relative_path),
    )
    seen: Counter[str] = Counter()
    fragments = []
    for block in parsed.blocks:
        if not block.indexed:
            continue
        digest = _digest(block)
        seen[digest] += 1
        suffix = "" if seen[digest] == 1 else f"-{seen[digest]}"
        fragment_id = f"note:{relative_path}#{digest}{suffix}"
        meta = _meta(block, tags, mtime)
        fragments.append(note_fragment(id=fragment_id, text=block.text, line_start=block.line_start,
                                       line_end=block.line_end, meta=meta))
    return fragments, problems


def _meta(block: Block, tags: list[str], mtime: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "heading_path": list(block.heading_path),
        "tags": tags,
        "block_kind": block.kind,
        "words": len(block.text.split()),
    }
    if mtime:
        meta["mtime"] = mtime
    return meta


def _digest(block: Block) -> str:
    # The heading path and text, never the line: a paragraph that moves keeps its id.
    key = "\x1f".join(block.heading_path) + "\x1e" + normalize_for_hash(block.text)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def _title(front: dict[str, Any], first_h1: str | None, relative_path: str) -> str:
    title = front_value(front, "title")
    if title is not None and plain_value(title):
        return plain_value(title)
    return first_h1 or PurePosixPath(relative_path).stem


# --------------------------------------------------------------------------------------------
# Files


@dataclass(slots=True)
class NoteFile:
    """What reading one note file gave: fragments and state, or why it was skipped."""

    path: str
    fragments: list[Fragment] = field(default_factory=list)
    state: FileState | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # read, but not all of it as written
    skipped: str | None = None

    @property
    def unread(self) -> bool:
        """There, but not read (unreadable, not UTF-8): what was stored from it stays."""
        return self.skipped in _NOT_READ


def read_file(path: Path, root: Path, options: ImportOptions | None = None) -> NoteFile:
    """Read one note below ``root`` (the source folder), e.g. again after it changed on disk."""
    options = options or ImportOptions()
    path, root = Path(path).absolute(), Path(root).absolute()
    display = str(path)
    result = NoteFile(display)
    relative = _relative(path, root)
    if not is_note_path(relative):
        result.skipped = skips.IGNORED
        return result
    if options.excluded(relative):
        result.skipped = skips.EXCLUDED
        return result
    read = _read_bytes(path, options, result)
    if read is None:
        return result
    raw, st = read
    if b"\0" in raw[:_BINARY_SNIFF_BYTES]:
        result.skipped = skips.BINARY
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.skipped = skips.NOT_UTF8
        result.problems.append(Problem(display, f"not valid UTF-8 at byte {exc.start}"))
        return result
    mtime = datetime.fromtimestamp(st.st_mtime, UTC).isoformat(timespec="seconds")
    fragments, warnings = fragments_from_text(text, display, str(root), relative, mtime=mtime)
    result.fragments = fragments
    result.warnings.extend(Problem(display, message) for message in warnings)
    result.state = FileState(display, st.st_size, st.st_mtime_ns)
    return result


def _read_bytes(path: Path, options: ImportOptions, result: NoteFile) -> tuple[bytes, os.stat_result] | None:
    """The bytes of a note and its stat; None, with the reason in ``result``, when it is not read."""
    try:
        st = path.stat()
        if not is_regular(st):
            result.skipped = skips.NOT_REGULAR
        elif st.st_size > options.max_file_bytes:
            result.skipped = too_large_reason(options.max_file_bytes)
        else:
            return read_regular(path), st
    except NotARegularFile:
        result.skipped = skips.NOT_REGULAR
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and path.is_symlink():
            result.skipped = skips.BROKEN_LINK
        else:
            result.skipped = skips.UNREADABLE
            result.problems.append(Problem(result.path, f"cannot read: {exc.strerror or exc}"))
    return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def read(path: Path, options: ImportOptions | None = None) -> SourceReport:
    """Every fragment of the notes folder (walked recursively) or single note file at ``path``."""
    options = options or ImportOptions()
    path = Path(path).expanduser().absolute()
    report = SourceReport(str(path), "notes", unread=[])
    try:
        folder = stat.S_ISDIR(path.stat().st_mode)
    except FileNotFoundError:
        report.error(str(path), "does not exist")
        return report
    except OSError as exc:
        _unreadable(report, str(path), f"cannot read: {exc.strerror or exc}")
        return report
    if folder:
        _walk(path, options, report)
    else:
        _collect(report, read_file(path, path.parent, options))
    return report


def _unreadable(report: SourceReport, path: str, message: str) -> None:
    """A folder or file that could not be read: one skip, and one error saying why."""
    report.skip(skips.UNREADABLE, path)
    report.error(path, message)
    report.not_read(path)


def _collect(report: SourceReport, note: NoteFile) -> None:
    if note.skipped is not None:
        report.skip(note.skipped, note.path)
    if note.unread:
        report.not_read(note.path)
    report.fragments.extend(note.fragments)
    report.errors.extend(note.problems)
    report.warnings.extend(note.warnings)
    if note.state is not None:
        report.files.append(note.state)


def _walk(root: Path, options: ImportOptions, report: SourceReport) -> None:
    """Depth-first, sorted walk; symlinked folders are followed once, never into a loop."""
    visited = {os.path.realpath(root)}
    # Each entry: a folder to list, and the real paths of the folders above it (for loops).
    stack: list[tuple[str, tuple[str, ...]]] = [(str(root), (os.path.realpath(root),))]
    while stack:
        folder, ancestors = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            _unreadable(report, folder, f"cannot list folder: {exc.strerror or exc}")
            continue
        subfolders: list[tuple[str, tuple[str, ...]]] = []
        for entry in entries:
            if is_skipped(entry.name):
                continue
            relative = _relative(Path(entry.path), root)
            if _is_dir(entry):
                if options.excluded(relative):
                    report.skip(skips.EXCLUDED, entry.path)
                    continue
                real = os.path.realpath(entry.path)
                if real in ancestors:
                    report.skip(skips.SYMLINK_LOOP, entry.path)
                elif real in visited:
                    report.skip(skips.ALREADY_READ, entry.path)
                else:
                    visited.add(real)
                    subfolders.append((entry.path, ancestors + (real,)))
            elif has_note_suffix(entry.name):
                _collect(report, read_file(Path(entry.path), root, options))
        stack.extend(reversed(subfolders))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
