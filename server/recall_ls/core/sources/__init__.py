"""Sources: find out what a path holds and turn it into fragments, one module per format.

``detect(path)`` names the format of a folder, a file or a downloaded ``.zip``; ``read(path, options)``
runs the matching importer. Formats: ``twitter`` (the modern "Your archive" export), ``grailbird``
(the legacy export), ``twitter-csv`` (legacy ``tweets.csv``), ``mastodon`` (``outbox.json``) and
``notes`` (a folder or file of Markdown and text).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from recall_ls.core.sources.base import ImportOptions, SourceReport

TWITTER = "twitter"
GRAILBIRD = "grailbird"
TWITTER_CSV = "twitter-csv"
MASTODON = "mastodon"
NOTES = "notes"

_TWEETS_FILE = re.compile(r"^(tweets?|tweets-part\d+)\.js$")
_GRAILBIRD_MONTH = re.compile(r"^\d{4}_\d{2}\.js$")
NOTE_SUFFIXES = (".md", ".markdown", ".txt")


def _detect_archive(has_file: Callable[[str], bool], has_months: Callable[[str], bool]) -> str | None:
    """Format of an archive root, given whether a relative file exists and whether a relative
    folder holds Grailbird month files (``2014_03.js``)."""
    for prefix in ("data/", ""):
        if any(has_file(prefix + n) for n in ("tweets.js", "tweet.js", "tweets-part1.js", "manifest.js")):
            return TWITTER
    # "" too: the user may point at the data/js/tweets folder itself.
    if any(has_months(folder) for folder in ("data/js/tweets/", "js/tweets/", "tweets/", "")):
        return GRAILBIRD
    if has_file("tweets.csv") or has_file("data/tweets.csv"):
        return TWITTER_CSV
    if has_file("outbox.json"):
        return MASTODON
    return None


def detect(path: Path) -> str | None:
    """The format of ``path``, or None when it holds nothing Recall can read."""
    if path.is_dir():
        def has_months(folder: str) -> bool:
            target = path / folder
            return target.is_dir() and any(_GRAILBIRD_MONTH.match(p.name) for p in target.iterdir())

        return _detect_archive(lambda name: (path / name).is_file(), has_months) or NOTES
    if not path.is_file():
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
            return any(n.startswith(folder) and _GRAILBIRD_MONTH.match(n[len(folder):]) for n in relative)

        return _detect_archive(relative.__contains__, has_months)
    if _TWEETS_FILE.match(name):
        return TWITTER
    if _GRAILBIRD_MONTH.match(name):
        return GRAILBIRD
    if name == "tweets.csv":
        return TWITTER_CSV
    if name.endswith(".json") and "outbox" in name:
        return MASTODON
    if name.endswith(NOTE_SUFFIXES):
        return NOTES
    return None


def read(path: Path, options: ImportOptions | None = None) -> SourceReport:
    """Read every fragment of the source at ``path``. Never raises for bad data: see ``errors``."""
    options = options or ImportOptions()
    path = Path(path).expanduser().resolve()
    kind = detect(path)
    if kind is None:
        report = SourceReport(str(path), "unknown")
        what = "does not exist" if not path.exists() else "is not an archive, an outbox.json or a notes folder"
        report.error(str(path), what)
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
    return importer.read(path, options)
