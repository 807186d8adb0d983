"""Which files the sources read and which folders no walker enters: the one home of these rules.

The notes importer's walk, ``discover``'s search for archives inside a notes folder, the file
watchers (watchdog's and the editor's) and the live index's walk of a folder moved in all ask here,
so that a file the full read skips is skipped by every other path too. Why a file was skipped is
``skips``; the Markdown of a note is ``recall_ls.core.markdown``.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

# A note is a file with one of these suffixes (compared lower-cased); ``.txt`` is plain text.
NOTE_SUFFIXES = (".md", ".markdown", ".txt")
PLAIN_TEXT_SUFFIX = ".txt"
# The same, as the glob an editor's file watcher takes.
NOTE_GLOB = "**/*.{" + ",".join(suffix.lstrip(".") for suffix in NOTE_SUFFIXES) + "}"
# Folders of tools, never of writing. Hidden names (``.git``, ``.obsidian``, ``.trash``) are skipped too.
SKIPPED_FOLDERS = frozenset({"node_modules"})

# The legacy Twitter export keeps one file per month (``2014_03.js``), in one of these folders
# relative to what the user pointed at (the archive root, ``data/``, ``data/js/`` or the folder itself).
GRAILBIRD_MONTH = re.compile(r"^\d{4}_\d{2}\.js$")
GRAILBIRD_FOLDERS = ("data/js/tweets/", "js/tweets/", "tweets/", "")


def is_skipped(name: str) -> bool:
    """Whether a file or folder of this name is passed over by every walk: hidden, or a tool's."""
    return name.startswith(".") or name in SKIPPED_FOLDERS


def has_note_suffix(name: str) -> bool:
    """Whether a file name is a note's by its suffix (``notes.MD`` is one)."""
    return name.lower().endswith(NOTE_SUFFIXES)


def is_note_path(relative_path: str) -> bool:
    """Whether a path under a notes root is one the importer reads (suffix, not hidden or ignored).

    A file watcher uses it to ignore events the full walk would never have looked at.
    """
    parts = PurePosixPath(relative_path).parts
    if not parts or not has_note_suffix(parts[-1]):
        return False
    return not any(is_skipped(part) for part in parts)


def is_markdown(path: str | Path) -> bool:
    """Whether a note file is Markdown (else plain text), by its suffix."""
    return not str(path).lower().endswith(PLAIN_TEXT_SUFFIX)
