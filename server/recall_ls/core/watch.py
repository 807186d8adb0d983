"""Watching the sources on disk: watchdog observers, events filtered and coalesced per file.

Every raw event (from watchdog, or from the editor's ``workspace/didChangeWatchedFiles``) goes through
``SourceMap.classify``: a path no source would read (a hidden folder, ``node_modules``, an excluded
glob, a file that is not a note) is dropped at once, so ignored churn costs nothing. The rest is kept
in a dict keyed by path (the latest event wins) and handed over in one batch once events pause, so a
``git checkout`` of thousands of files becomes a few batches, not thousands of updates.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from recall_ls.core.sources import NOTES
from recall_ls.core.sources.base import ImportOptions
from recall_ls.core.sources.files import is_note_path, is_skipped

log = logging.getLogger(__name__)

QUIET_SECONDS = 0.15  # a batch goes out once events pause this long...
MAX_WAIT_SECONDS = 1.0  # ...or once the oldest pending event is this old, whatever keeps coming


@dataclass(frozen=True, slots=True)
class Change:
    """One file (or folder) of one source that changed. Archives are re-read whole: ``path`` is the
    source itself. ``gone`` means deleted or moved away; ``folder`` means everything under ``path``."""

    source: str
    kind: str
    path: str
    gone: bool = False
    folder: bool = False


class SourceMap:
    """Which source a path belongs to, and whether that source would read it."""

    def __init__(self, sources: list[tuple[Path, str]], options: ImportOptions) -> None:
        # Longest roots first: an archive inside a notes folder claims its own files.
        self.sources = sorted(((p.resolve(), k) for p, k in sources), key=lambda s: -len(str(s[0])))
        self.options = options

    def classify(self, path: str, gone: bool = False, folder: bool = False) -> Change | None:
        target = Path(path)
        for root, kind in self.sources:
            if target == root or root in target.parents:
                if kind != NOTES:
                    # An archive or export: any file of it changing means reading it again.
                    return Change(str(root), kind, str(root))
                if target == root and not root.is_dir():
                    return Change(str(root), kind, str(root), gone)  # a single note file as source
                relative = target.relative_to(root).as_posix()
                if folder:
                    hidden = any(is_skipped(p) for p in Path(relative).parts)
                    return None if hidden or self.options.excluded(relative) else Change(str(root), kind, path, gone, True)
                if not is_note_path(relative) or self.options.excluded(relative):
                    return None
                return Change(str(root), kind, path, gone)
        return None

    @property
    def watch_roots(self) -> list[tuple[Path, bool]]:
        """(folder, recursive) pairs to observe: folders themselves, a file source's parent folder."""
        roots: dict[Path, bool] = {}
        for root, _ in self.sources:
            if root.is_dir():
                roots[root] = True
            else:
                roots.setdefault(root.parent, False)
        # A folder already watched recursively covers the ones inside it.
        return [(r, rec) for r, rec in roots.items() if not any(o != r and ro and o in r.parents for o, ro in roots.items())]


class Coalescer:
    """Collects changes and calls ``flush`` with one batch once they pause (or wait too long)."""

    def __init__(self, flush: Callable[[list[Change]], None]) -> None:
        self._flush = flush
        self._pending: dict[str, Change] = {}
        self._first = self._last = 0.0
        self._wake = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="recall-watch", daemon=True)
        self._thread.start()

    def add(self, change: Change) -> None:
        with self._wake:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._last = now
            self._pending[change.path] = change
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and not self._pending:
                    self._wake.wait()
                if self._stopping:
                    return
                now = time.monotonic()
                due = min(self._last + QUIET_SECONDS, self._first + MAX_WAIT_SECONDS)
                if now < due:
                    self._wake.wait(due - now)
                    continue
                batch = list(self._pending.values())
                self._pending.clear()
            try:
                self._flush(batch)
            except Exception:  # a failing consumer must not stop the watching
                log.exception("recall: handling file changes failed")


class SourceWatcher:
    """watchdog observers over the sources, feeding a coalescer."""

    def __init__(self, on_changes: Callable[[list[Change]], None]) -> None:
        self.map = SourceMap([], ImportOptions())
        self._coalescer = Coalescer(on_changes)
        self._observer = None

    def watch(self, sources: list[tuple[Path, str]], options: ImportOptions) -> list[str]:
        """Observe these sources (replacing what was observed). Returns problems, one per folder
        that cannot be watched (the rest are still watched)."""
        from watchdog.observers import Observer

        self._stop_observer()
        self.map = SourceMap(sources, options)
        observer = Observer()
        handler = _Handler(self)
        problems = []
        for root, recursive in self.map.watch_roots:
            try:
                observer.schedule(handler, str(root), recursive=recursive)
            except OSError as exc:
                problems.append(f"{root}: cannot watch for changes: {exc.strerror or exc}")
        observer.daemon = True
        observer.start()
        self._observer = observer
        return problems

    def event(self, path: str, gone: bool = False, folder: bool = False) -> None:
        change = self.map.classify(path, gone, folder)
        if change is not None:
            self._coalescer.add(change)

    def stop(self) -> None:
        self._stop_observer()
        self._coalescer.stop()

    def _stop_observer(self) -> None:
        # Not joined: its threads are daemons and wait up to a second on inotify; an exiting
        # server must not wait for them (editors kill servers that are slow to exit).
        if self._observer is not None:
            self._observer.stop()
            self._observer = None


class _Handler:
    """watchdog's callback interface, reduced to what Recall needs: created/modified/deleted/moved."""

    def __init__(self, watcher: SourceWatcher) -> None:
        self.watcher = watcher

    def dispatch(self, event) -> None:
        kind = event.event_type
        if kind in ("opened", "closed_no_write"):
            return
        folder = event.is_directory
        if kind == "moved":
            self.watcher.event(event.src_path, gone=True, folder=folder)
            self.watcher.event(event.dest_path, folder=folder)
        elif kind == "deleted":
            self.watcher.event(event.src_path, gone=True, folder=folder)
        elif not folder or kind == "created":
            self.watcher.event(event.src_path, folder=folder)
