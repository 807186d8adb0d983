"""Sources: find out what a path holds and turn it into fragments, one module per format.

``detect(path)`` names the format of a folder, a file or a downloaded ``.zip``; ``read(path, options)``
runs the matching importer. Formats: ``twitter`` (the modern "Your archive" export), ``grailbird``
(the legacy export), ``twitter-csv`` (legacy ``tweets.csv``), ``mastodon`` (``outbox.json``) and
``notes`` (a folder or file of Markdown and text).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections import Counter
from dataclasses import replace
from collections.abc import Callable
from pathlib import Path

from recall_ls.core.sources.base import ImportOptions, SourceReport
from recall_ls.core.sources.files import GRAILBIRD_FOLDERS, GRAILBIRD_MONTH, has_note_suffix, is_skipped

TWITTER = "twitter"
GRAILBIRD = "grailbird"
TWITTER_CSV = "twitter-csv"
MASTODON = "mastodon"
NOTES = "notes"

_TWEETS_FILE = re.compile(r"^(tweets?|tweets-part\d+)\.js$")


def _detect_archive(has_file: Callable[[str], bool], has_months: Callable[[str], bool]) -> str | None:
    """Format of an archive root, given whether a relative file exists and whether a relative
    folder holds Grailbird month files (``2014_03.js``)."""
    for prefix in ("data/", ""):
        if any(has_file(prefix + n) for n in ("tweets.js", "tweet.js", "tweets-part1.js", "manifest.js")):
            return TWITTER
    # "" too: the user may point at the data/js/tweets folder itself.
    if any(has_months(folder) for folder in GRAILBIRD_FOLDERS):
        return GRAILBIRD
    if has_file("tweets.csv") or has_file("data/tweets.csv"):
        return TWITTER_CSV
    if has_file("outbox.json"):
        return MASTODON
    return None


def _is(test: Callable[[], bool]) -> bool:
    """``path.is_dir()`` and the like, False for what cannot be looked at (a folder without read
    or search permission): the notes importer reports such a folder, with its reason, once."""
    try:
        return test()
    except OSError:
        return False


def detect(path: Path) -> str | None:
    """The format of ``path``, or None when it holds nothing Recall can read."""
    if _is(path.is_dir):
        def has_months(folder: str) -> bool:
            target = path / folder
            return _is(lambda: any(GRAILBIRD_MONTH.match(p.name) for p in target.iterdir()))

        return _detect_archive(lambda name: _is((path / name).is_file), has_months) or NOTES
    if not _is(path.is_file):
        return None
    name = path.name.lower()
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        # Accept zips whose content sits under one top folder as well as flat ones.
        relative = set(names) | {n.split("/", 1)[1] for n in names if "/" in n}

        def has_months(folder: str) -> bool:
            return any(n.startswith(folder) and GRAILBIRD_MONTH.match(n[len(folder):]) for n in relative)

        return _detect_archive(relative.__contains__, has_months)
    if _TWEETS_FILE.match(name):
        return TWITTER
    if GRAILBIRD_MONTH.match(name):
        return GRAILBIRD
    if name == "tweets.csv":
        return TWITTER_CSV
    if name.endswith(".json") and "outbox" in name:
        return MASTODON
    if has_note_suffix(name):
        return NOTES
    return None


def discover(path: Path, max_depth: int = 3) -> list[tuple[Path, str]]:
    """The sources a path holds, as (path, format) pairs.

    An archive, an export or a single file is one source. A folder of notes may also hold archives
    (a downloaded Twitter export next to the notes, an ``outbox.json`` folder, a ``.zip``): each of
    those, found up to ``max_depth`` folders down, is a source of its own, and the folder itself is
    the notes source around them.
    """
    path = Path(path).expanduser().resolve()
    kind = detect(path)
    if kind != NOTES or not path.is_dir():
        return [(path, kind)] if kind else []
    found: list[tuple[Path, str]] = []
    _find_archives(path, max_depth, found)
    return found + [(path, NOTES)]


def _find_archives(folder: Path, depth: int, found: list[tuple[Path, str]]) -> None:
    if depth <= 0:
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return  # the notes importer reports unreadable folders with their reason
    for entry in entries:
        if is_skipped(entry.name):
            continue
        child = Path(entry.path)
        if _is(lambda: entry.is_dir(follow_symlinks=False)):
            kind = detect(child)
            if kind != NOTES:
                found.append((child, kind))
            else:
                _find_archives(child, depth - 1, found)
        elif entry.name.lower().endswith((".zip", ".json")) and _is(lambda: entry.is_file(follow_symlinks=False)):
            kind = detect(child)
            if kind is not None and kind != NOTES:
                found.append((child, kind))


def read_all(path: Path, options: ImportOptions | None = None) -> list[SourceReport]:
    """Read every source ``discover`` finds under ``path``; the notes skip the archives' folders."""
    options = options or ImportOptions()
    found = discover(path)
    if not found:
        return [read(path, options)]
    reports = []
    for source, kind in found:
        if kind == NOTES:
            inner = tuple(
                other.relative_to(source).as_posix()
                for other, other_kind in found
                if other_kind != NOTES and other.is_relative_to(source)
            )
            report = read(source, replace(options, exclude=options.exclude + inner))
            # The archives inside are sources of their own, not files the user chose to skip.
            owned = [str(source / glob) for glob in inner]
            kept = [p for p in report.skipped_files if p.path not in owned]
            report.skipped["excluded"] -= len(report.skipped_files) - len(kept)
            report.skipped += Counter()  # drops reasons counted down to zero
            report.skipped_files = kept
            report.incidental = bool(inner) and report.empty
            reports.append(report)
        else:
            reports.append(read(source, options))
    return reports


def read(path: Path, options: ImportOptions | None = None) -> SourceReport:
    """Read every fragment of the source at ``path``. Never raises for bad data: see ``errors``."""
    options = options or ImportOptions()
    path = Path(path).expanduser().resolve()
    kind = detect(path)
    if kind is None:
        report = SourceReport(str(path), "unknown")
        report.error(str(path), _not_a_source(path))
        return report
    # Imported here, not at the top: each importer is only loaded when its format is met.
    if kind == TWITTER:
        from recall_ls.core.sources import twitter as importer
    elif kind == GRAILBIRD:
        from recall_ls.core.sources import grailbird as importer
    elif kind == TWITTER_CSV:
        from recall_ls.core.sources import twitter_csv as importer
    elif kind == MASTODON:
        from recall_ls.core.sources import mastodon as importer
    else:
        from recall_ls.core.sources import notes as importer
    try:
        return importer.read(path, options)
    except (OSError, MemoryError) as exc:
        # Importers report what they cannot read file by file; this is the net under them, so that
        # one source never ends the run (nor is blamed on the index folder) and the next is read.
        report = SourceReport(str(path), kind)
        reason = "not enough memory" if isinstance(exc, MemoryError) else exc.strerror or exc
        report.error(str(path), f"cannot read: {reason}")
        return report


def _not_a_source(path: Path) -> str:
    """Why ``detect`` found nothing at ``path``, in words."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "is not a regular file (a FIFO, socket or device): not read"
    return "is not an archive, an outbox.json or a notes folder"
