"""Read-only access to the files of an archive, whether it is a folder or the ``.zip`` as downloaded.

Importers ask for files by their name inside the archive (``data/tweets.js``) and never list or
open anything else, so private files (direct messages, IP audit) are never read.

A zip is read within a budget: a member may expand to ``MAX_MEMBER_BYTES`` and the members read from
one zip to ``MAX_ZIP_BYTES`` together, far above any real export (100,000 tweets are about 300 MB) and
far below what a zip bomb of a few kilobytes asks for. The sizes the zip states are checked first, and
what is inflated is counted as it comes, since a zip can state sizes it does not hold.
"""

from __future__ import annotations

import errno
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from recall_ls.core.sources.base import (
    FileState,
    ImportOptions,
    SourceReport,
    read_regular,
    too_large_reason,
)

MAX_MEMBER_BYTES = 500_000_000
MAX_ZIP_BYTES = 1_000_000_000
_CHUNK = 1 << 20


class TooLarge(OSError):
    """A zip member past the budget: the importers report it as any file they cannot read."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.EFBIG, message)

    def __str__(self) -> str:
        return self.strerror


class ArchiveFiles:
    """A folder or a zip, addressed by POSIX names relative to its root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        self._inflated = 0  # bytes read from the zip's members so far, against MAX_ZIP_BYTES
        if root.is_file():
            self._zip = zipfile.ZipFile(root)
            # Some zips wrap everything in one top folder (``twitter-2022-11-02-abc/data/...``).
            names = self._zip.namelist()
            tops = {n.split("/", 1)[0] for n in names if "/" in n}
            if len(tops) == 1 and not any("/" not in n for n in names if not n.endswith("/")):
                top = next(iter(tops))
                if not any(n.startswith("data/") for n in names):
                    self._prefix = top + "/"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> ArchiveFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def names(self, folder: str = "") -> list[str]:
        """File names directly inside ``folder`` (not recursive), sorted."""
        folder = folder.strip("/")
        if self._zip is not None:
            base = self._prefix + (folder + "/" if folder else "")
            found = []
            for name in self._zip.namelist():
                if name.startswith(base) and not name.endswith("/"):
                    rest = name[len(base):]
                    if "/" not in rest:
                        found.append(rest)
            return sorted(found)
        target = self.root / folder
        try:
            return sorted(entry.name for entry in os.scandir(target) if entry.is_file())
        except (FileNotFoundError, NotADirectoryError):
            return []

    def exists(self, name: str) -> bool:
        folder, _, base = name.rpartition("/")
        return base in self.names(folder)

    def read_bytes(self, name: str) -> bytes:
        if self._zip is not None:
            return self._read_member(self._zip.getinfo(self._prefix + name))
        return read_regular(self.root / name)

    def _read_member(self, info: zipfile.ZipInfo) -> bytes:
        """A member's bytes, inflated chunk by chunk within the budget (``TooLarge`` past it)."""
        assert self._zip is not None
        member_limit, zip_left = MAX_MEMBER_BYTES, MAX_ZIP_BYTES - self._inflated
        self._check(info.file_size, member_limit, zip_left)
        parts, size = [], 0
        with self._zip.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                self._check(size, member_limit, zip_left)
                parts.append(chunk)
        self._inflated += size
        return b"".join(parts)

    @staticmethod
    def _check(size: int, member_limit: int, zip_left: int) -> None:
        if size > member_limit:
            raise TooLarge(f"{too_large_reason(member_limit)} once unzipped, the most Recall reads from one "
                           "file of a zip (a damaged zip, or one made to fill memory?)")
        if size > zip_left:
            raise TooLarge(f"with the files read before it, {too_large_reason(MAX_ZIP_BYTES)} once unzipped, the "
                           "most Recall reads from one zip (a damaged zip, or one made to fill memory?)")

    def display(self, name: str) -> str:
        """The path a person can act on: a real file path, or ``archive.zip!/data/tweets.js``."""
        if self._zip is not None:
            return f"{self.root}!/{self._prefix}{name}"
        return str(self.root / name)

    def state(self, name: str) -> FileState:
        """Size and mtime of the real file holding ``name`` (the zip itself for a zip)."""
        target = self.root if self._zip is not None else self.root / name
        st = target.stat()
        return FileState(self.display(name) if self._zip is None else str(self.root), st.st_size, st.st_mtime_ns)


# Reads the files ``find`` named in an opened archive into the report.
ArchiveReader = Callable[[ArchiveFiles, list[str], ImportOptions, SourceReport], None]


def read_archive(
    path: Path,
    kind: str,
    options: ImportOptions,
    find: Callable[[ArchiveFiles], list[str]],
    missing: str,
    reader: ArchiveReader,
) -> SourceReport:
    """The report of one archive source: open it, find the files to read (``missing`` is the error
    when there are none) and hand them to ``reader``, the archive closed after."""
    report = SourceReport(str(path), kind)
    opened = open_archive(Path(path), report, find)
    if opened is None:
        return report
    archive, names = opened
    with archive:
        if names:
            reader(archive, names, options, report)
        else:
            report.error(str(path), missing)
    return report


def open_archive(
    path: Path, report: SourceReport, find: Callable[[ArchiveFiles], list[str]]
) -> tuple[ArchiveFiles, list[str]] | None:
    """Open what the user pointed at (a zip, a folder, or one file of an archive) and the names of
    the files to read in it: ``find``'s answer for an archive, the file itself when given one.
    None when it cannot be opened; the reason is in ``report``."""
    try:
        if path.is_file() and path.suffix.lower() != ".zip":
            return ArchiveFiles(path.parent), [path.name]
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist")
        archive = ArchiveFiles(path)
        return archive, find(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        report.error(str(path), f"cannot open: {exc}")
        return None
