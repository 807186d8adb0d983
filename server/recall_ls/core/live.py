"""The live index: what a long-running server needs on top of the indexer.

One writer thread owns every write: loading the model, reading sources, the text of open documents
(unsaved text included), embedding the backlog, annoy builds. Callers only enqueue work; document
updates are coalesced per document (the latest text wins), so a storm of edits costs one update and the
queue never grows past the number of open documents. Edited documents go before the backlog, and the
backlog is embedded in small chunks so an edit never waits long behind it.

Readers (hover, completion, the live list) use ``engine`` from any thread: it reads an immutable
snapshot of the index. The engine is there as soon as the store is open: the keyword tier answers
while sources are read and then while the model loads (on its own thread, once they are read);
meaning joins once the model is loaded, and improves as the backlog is embedded. Events (state,
progress, problems, index changes) go to one listener callback, called from the writer thread.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from recall_ls.core.embed import ModelError
from recall_ls.core.engine import Engine
from recall_ls.core.indexing import Progress
from recall_ls.core.live_status import LiveReport, LiveStatus, SessionReport, Tiers
from recall_ls.core.open_documents import is_open_documents, this_process_source
from recall_ls.core.session import Session
from recall_ls.core.sources import NOTES, discover
from recall_ls.core.sources.base import ImportOptions, is_excluded
from recall_ls.core.sources.files import is_note_path, is_skipped
from recall_ls.core.sources.notes import fragments_from_text, read_file
from recall_ls.core.store import StoreError, now_iso
from recall_ls.core.watch import Change, SourceWatcher

if TYPE_CHECKING:
    from recall_ls.core.fragments import Fragment
    from recall_ls.core.markdown.splitter import NoteSplit

log = logging.getLogger(__name__)

# Small chunks while serving: an edit waits at most one chunk (~0.5 s on 2 cores) behind the backlog.
LIVE_EMBED_CHUNK = 48
# File changes are applied this many at a time, so an edit never waits behind a storm.
FILE_SLICE = 200
# One 0-100 scale for a whole indexing, each step its share of it, so the bar (``$/progress``, the
# status percent) never runs backwards from reading to embedding: reading is quick next to embedding.
PROGRESS_SPANS = {"reading": (0, 20), "embedding": (20, 95), "building": (95, 100)}


@dataclass(frozen=True, slots=True)
class LiveSettings:
    """Everything the writer needs to know about the configuration."""

    index_dir: Path
    model: str | None = None
    device: str = "auto"
    sources: tuple[Path, ...] = ()
    import_options: ImportOptions = field(default_factory=ImportOptions)


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """``kind``: ``state`` (detail = starting|loading-model|indexing|ready|error), ``progress``
    (progress set, or None when it ends), ``problem`` (path + detail, each reported once),
    ``changed`` (the searchable corpus changed: refresh code lenses and panels)."""

    kind: str
    detail: str = ""
    path: str = ""
    progress: Progress | None = None

    @property
    def text(self) -> str:
        """A problem as the user reads it: its path first, unless the message already names it
        (a source's errors and the index's own messages do: the path shown twice read as a bug)."""
        return self.detail if not self.path or self.path in self.detail else f"{self.path}: {self.detail}"


Listener = Callable[[LiveEvent], None]


@dataclass(frozen=True, slots=True)
class _Document:
    path: str
    text: str
    closed: bool = False
    split: NoteSplit | None = None  # the text's Markdown split, made by the keystroke path


def _note_files_under(folder: Path, root: Path, options: ImportOptions) -> list[Path]:
    """Note files in a folder that appeared at once (moved in): no event came for its files."""
    found = []
    for directory, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not is_skipped(f)]
        for name in files:
            path = Path(directory) / name
            relative = path.relative_to(root).as_posix()
            if is_note_path(relative) and not is_excluded(relative, options.exclude):
                found.append(path)
    return found


class LiveIndex:
    def __init__(self, listener: Listener | None = None) -> None:
        self._listener = listener or (lambda event: None)
        self._wake = threading.Condition()
        self._jobs: deque[Callable[[], None]] = deque()
        self._documents: OrderedDict[str, _Document] = OrderedDict()
        self._open_paths: set[str] = set()  # files open in the editor: their buffer is the truth
        self._open_source = this_process_source()  # where open documents outside the sources are stored
        self._documents_in_flight = 0  # taken from ``_documents`` by the writer, not yet applied
        self._file_changes: OrderedDict[str, Change] = OrderedDict()
        self._storm_total = 0
        self._watcher: SourceWatcher | None = None
        self._session: Session | None = None
        self._settings: LiveSettings | None = None
        self._reported: set[tuple[str, str]] = set()
        self._backlog = False
        self._backlog_total = 0
        self._backlog_done = 0
        self._keywords_ready = False  # the configured sources were read: every fragment is in the keyword tier
        self._model_requested = False  # the model load of this session has started (after its first read)
        self._counts = (0, 0, 0)  # fragments, distinct texts, texts without a vector: counted by the writer
        # Bumped after every change to the searchable corpus, so clients can tell old answers from new.
        self.revision = 0
        self._cancel = threading.Event()
        self._stopping = False
        self.state = "starting"
        self.progress: Progress | None = None
        self.last_error: str | None = None
        self._thread = threading.Thread(target=self._run, name="recall-writer", daemon=True)
        # With a second core, a query's words are searched there while its vector is made.
        self._words_beside = ThreadPoolExecutor(1, thread_name_prefix="recall-words") if usable_cores() > 1 else None

    # -- what callers do --------------------------------------------------------------------------

    def start(self, settings: LiveSettings) -> None:
        self._settings = settings
        self._enqueue(self._open)
        self._thread.start()

    def configure(self, settings: LiveSettings) -> None:
        """Apply new settings: a new index folder, model or device reopens; new sources re-read."""
        previous, self._settings = self._settings, settings
        if previous is None:
            return
        if (previous.index_dir, previous.model, previous.device) != (settings.index_dir, settings.model, settings.device):
            self._enqueue(self._open)
        elif (previous.sources, previous.import_options) != (settings.sources, settings.import_options):
            self._enqueue(self._read_sources)

    def reindex(self) -> None:
        self._cancel.clear()
        self._enqueue(self._read_sources)

    def cancel_indexing(self) -> None:
        """Stop embedding the backlog (until the next reindex); open documents stay live."""
        self._cancel.set()

    def update_document(self, uri: str, path: str, text: str, split: NoteSplit | None = None) -> None:
        """The text of an open document is corpus. ``split``: this text's ``resplit``, when the
        caller made it already (the keystroke path does, incrementally): the writer reuses it."""
        with self._wake:
            self._documents[uri] = _Document(path, text, split=split)
            self._documents.move_to_end(uri)
            self._open_paths.add(path)
            self._wake.notify()

    def close_document(self, uri: str, path: str) -> None:
        with self._wake:
            self._documents[uri] = _Document(path, "", closed=True)
            self._open_paths.discard(path)
            self._wake.notify()

    def file_event(self, path: str, gone: bool = False) -> None:
        """A change the editor saw (``workspace/didChangeWatchedFiles``): same path as watchdog's."""
        if self._watcher is not None:
            self._watcher.event(path, gone)

    def files_changed(self, changes: list[Change]) -> None:
        """Called by the watcher with a coalesced batch; the writer applies it."""
        with self._wake:
            for change in changes:
                self._file_changes.pop(change.path, None)
                self._file_changes[change.path] = change
            self._storm_total = max(self._storm_total, len(self._file_changes))
            self._wake.notify()

    def hide(self, fragment_id: str) -> None:
        # Not queued to the writer: one row in its own table, unrelated to the index, and the user
        # expects the next answer to leave the fragment out already. The store serialises writes.
        session = self._session
        if session is not None:
            session.hide(fragment_id)
            self._emit(LiveEvent("changed"))

    def unhide(self, fragment_ids: Sequence[str] | None) -> int:
        """Show hidden fragments again (None: all); like ``hide``, at once and not through the writer."""
        session = self._session
        if session is None:
            return 0
        count = session.unhide(fragment_ids)
        self._emit(LiveEvent("changed"))
        return count

    def hidden(self) -> list[tuple[str, str, Fragment | None]]:
        """(id, when hidden, the fragment if the index still holds it) of every hidden fragment."""
        session = self._session
        if session is None:
            return []
        store = session.store
        return [(fid, at, found.fragment if (found := store.fragment_by_id(fid)) else None) for fid, at in store.hidden()]

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._cancel.set()
            self._wake.notify()
        if self._watcher is not None:
            self._watcher.stop()
        if self._words_beside is not None:
            self._words_beside.shutdown(wait=False, cancel_futures=True)
        if self._thread.is_alive():
            # At most one chunk (~0.5 s) is in flight; every write is a transaction, so a writer
            # still busy after this is safe to abandon.
            self._thread.join(timeout=2)
        # An abandoned writer keeps its session: closing the database under it turned its last
        # write into an error at every slow exit. The process is ending; SQLite needs no close.
        if self._session is not None and not self._thread.is_alive():
            self._session.close()

    # -- what readers use -------------------------------------------------------------------------

    @property
    def engine(self) -> Engine | None:
        """The engine, once the store is open (None before: callers answer with nothing). Until
        ``meaning_ready`` it ranks by words: pass it no vector."""
        session = self._session
        return session.engine if session is not None else None

    @property
    def meaning_ready(self) -> bool:
        """The model is loaded and the stored vectors are searchable."""
        session = self._session
        return session is not None and session.embedder.loaded and session.indexer.is_open

    def tiers(self) -> Tiers:
        """How complete each tier is, from the writer's last count (cheap: pushed with every status)."""
        fragments, texts, missing = self._counts
        meaning = self.meaning_ready
        return Tiers(self._keywords_ready, fragments, meaning and missing == 0, texts - missing if meaning else 0, texts)

    def tiers_message(self) -> str:
        """The tiers in words: ``keywords ready, meaning 12%``."""
        tiers = self.tiers()
        words = "keywords ready" if tiers.keywords_ready else "reading sources"
        if tiers.meaning_ready:
            return f"{words}, meaning ready"
        if not self.meaning_ready:
            return f"{words}, meaning 0% (loading the model)"
        return f"{words}, meaning {int(100 * tiers.embedded / max(tiers.texts, 1))}%"

    @property
    def pending_documents(self) -> int:
        """Document updates queued or being applied: not yet searchable."""
        return len(self._documents) + self._documents_in_flight

    @property
    def session(self) -> Session | None:
        return self._session

    def _query_vector(self, session: Session, text: str) -> np.ndarray | None:
        """The engine's query vectors while serving: None until meaning is ready (a keystroke never
        waits for the model: words answer), then remembered from a recent query or write, else
        stored (the paragraphs of open documents are), else embedded now."""
        if session is not self._session or not self.meaning_ready:
            return None
        embedder = session.embedder
        return embedder.encode_query(text, stored=lambda key: session.store.embedding(embedder.key, key))

    def status(self) -> LiveStatus:
        """Where the live index is now, from what it holds in memory (no store query)."""
        session = self._session
        return LiveStatus(
            state=self.state,
            message=(self.last_error or "") if self.state == "error" else self.tiers_message(),
            tiers=self.tiers(),
            progress=self.progress,
            revision=self.revision,
            pending_documents=self.pending_documents,
            searchable=session.indexer.snapshot().size if session is not None else 0,
        )

    def report(self) -> LiveReport:
        """The status, and what the open index holds (counted in the store)."""
        session, settings = self._session, self._settings
        opened = None
        if session is not None:
            embedder, store = session.embedder, session.store
            opened = SessionReport(
                index_dir=str(store.index_dir), model_name=embedder.spec.name, model_location=embedder.spec.location,
                model_loaded=embedder.loaded, query_runtime=embedder.query_runtime,
                batch_runtime=embedder.batch_runtime, fragments=store.count_fragments(),
                embedded=store.count_embeddings(embedder.key), hidden=len(store.hidden_ids()),
                sources=store.sources() + self._open_documents_entry(session),
            )
        configured = tuple(str(p) for p in settings.sources) if settings else ()
        return LiveReport(self.status(), self.last_error, configured, opened)

    def _open_documents_entry(self, session: Session) -> list[dict]:
        count = session.store.count_fragments(self._open_source)
        return [{"path": "open documents", "kind": "open-documents", "fragments": count}] if count else []

    # -- the writer thread ------------------------------------------------------------------------

    def _enqueue(self, job: Callable[[], None]) -> None:
        with self._wake:
            self._jobs.append(job)
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                # Documents wait while there is no session (the model is loading, or failed to).
                while not (self._stopping or self._jobs or self._documents_due() or self._files_due()
                           or self._backlog_due()):
                    self._wake.wait()
                if self._stopping:
                    return
                documents: list[tuple[str, _Document]] = []
                files: list[Change] = []
                job = None
                if self._documents_due():
                    documents = list(self._documents.items())
                    self._documents.clear()
                    self._documents_in_flight = len(documents)
                elif self._files_due():
                    while self._file_changes and len(files) < FILE_SLICE:
                        files.append(self._file_changes.popitem(last=False)[1])
                elif self._jobs:
                    job = self._jobs.popleft()
            try:
                if documents:
                    try:
                        self._apply_documents(documents)
                    finally:
                        self._documents_in_flight = 0
                elif files:
                    self._apply_file_changes(files)
                elif job is not None:
                    job()
                else:
                    self._embed_backlog_chunk()
            except (sqlite3.OperationalError, OSError) as exc:
                self._write_failed(exc)
            except Exception as exc:  # the writer must outlive any one failure
                log.exception("recall writer: %s", exc)
                self._problem("recall", f"internal error: {exc}")

    def _write_failed(self, exc: Exception) -> None:
        """The disk is full or the folder read-only: say so once, stop retrying the backlog, and
        keep answering from what is indexed. Edits are still tried (cheap) in case space comes back."""
        self._backlog = False
        where = self._session.store.index_dir if self._session else "the index folder"
        reason = getattr(exc, "strerror", None) or str(exc)
        self._problem(str(where), f"cannot write the index ({reason}); Recall keeps serving what is indexed")
        self._set_progress(None)
        self._set_state("ready")

    def _documents_due(self) -> bool:
        return bool(self._documents) and self._session is not None

    def _files_due(self) -> bool:
        # While sources are read from scratch (a job is queued), the read covers the changes too.
        return bool(self._file_changes) and self._session is not None

    def _backlog_due(self) -> bool:
        return self._backlog and not self._cancel.is_set() and self.meaning_ready

    def _open(self) -> None:
        """Open the store and serve its keyword tier at once; the model loads on its own thread once
        the sources are read, and joins (``_model_loaded``) when it is ready. Not while they are read:
        in one process the two take turns at the GIL, and a 100k archive's words took 20 s to become
        searchable instead of 13 (bench/RESULTS.md); the model waits for small sources a moment only."""
        settings = self._settings
        assert settings is not None
        if self._session is not None:
            self._session.close()
            self._session = None
        self._keywords_ready = False
        self._set_state("starting")
        try:
            # A server embeds one paragraph per keystroke: worth the ONNX export (once per model).
            session = Session(settings.index_dir, settings.model, settings.device, fast_queries=True)
        except (ModelError, StoreError) as exc:
            self.last_error = str(exc)
            self._problem(str(settings.index_dir), str(exc))
            self._set_state("error")
            return
        session.engine = replace(session.engine, query_vectors=partial(self._query_vector, session),
                                 words_beside=self._words_beside)
        self._session = session
        self._model_requested = False
        self.last_error = None
        for problem in session.problems:
            self._problem(str(settings.index_dir), problem)
        self._count()
        self._emit(LiveEvent("changed"))
        if session.store.read_only:
            self._keywords_ready = True  # serve what is there; nothing can be added
            self._after_sources()
            return
        self._read_sources()

    def _load_model(self, session: Session) -> None:
        started = time.monotonic()

        def load() -> None:
            try:
                session.embedder.load()
            except Exception as exc:  # a model that cannot load leaves the keyword tier serving
                # Bound now: ``exc`` is unset once this block ends, before the writer runs the job.
                self._enqueue(lambda error=exc: self._model_failed(session, error))
                return
            log.info("model %s loaded in %.1fs (queries: %s)", session.embedder.key, time.monotonic() - started,
                     session.embedder.query_runtime)
            self._enqueue(lambda: self._model_loaded(session))

        threading.Thread(target=load, name="recall-model", daemon=True).start()

    def _model_loaded(self, session: Session) -> None:
        if session is not self._session:
            return  # the settings changed meanwhile: that session is closed
        session.ready()  # opens the saved vector index (the model is loaded)
        for problem in session.indexer.problems:
            self._problem(str(session.store.index_dir), problem)
        self._count()
        self._emit(LiveEvent("changed"))
        if self._keywords_ready:
            self._after_sources()

    def _model_failed(self, session: Session, exc: Exception) -> None:
        if session is not self._session:
            return
        self.last_error = str(exc)
        self._problem(str(session.store.index_dir), f"{exc}; Recall answers by keywords only")
        self._set_progress(None)
        self._set_state("error")

    def _read_sources(self) -> None:
        session, settings = self._session, self._settings
        if session is None or settings is None:
            return
        self._set_state("indexing")
        discovered = [found for path in settings.sources for found in discover(path)]
        configured = {str(path) for path, _ in discovered}
        if settings.sources:
            # Configured sources are the truth: forget the ones the user took out.
            for known in session.store.sources():
                if known["path"] not in configured and not is_open_documents(known["path"]):
                    session.indexer.remove_source(known["path"])
        for position, path in enumerate(settings.sources):
            self._set_progress(Progress("reading", position, len(settings.sources), f"reading {path.name}"))
            for summary in session.indexer.read_sources(path, settings.import_options):
                for error in summary.errors:
                    self._problem(summary.path, error)
            self._emit(LiveEvent("changed"))
        self._watch(discovered, settings.import_options)
        self._keywords_ready = True
        self._count()
        self._emit(LiveEvent("changed"))
        self._after_sources()

    def _after_sources(self) -> None:
        """Every fragment is in the keyword tier: embed the backlog once the model is loaded."""
        session = self._session
        assert session is not None
        if not self.meaning_ready:
            if not self._model_requested:
                self._model_requested = True
                self._load_model(session)
            if self.state != "error":
                self._set_progress(None)
                self._set_state("loading-model")
            return
        if session.store.read_only:
            self._set_state("ready")
            return
        self._backlog = True
        self._cancel.clear()
        self._set_state("indexing")  # embedding the backlog (it was loading-model when the model came late)
        self._backlog_total = session.store.count_missing_embeddings(session.embedder.key)
        self._backlog_done = 0
        self._after_backlog_chunk(0)

    def _count(self) -> None:
        session = self._session
        if session is not None:
            store = session.store
            self._counts = (store.count_fragments(), store.count_texts(), store.count_missing_embeddings(session.embedder.key))

    def _embed_backlog_chunk(self) -> None:
        session = self._session
        assert session is not None
        chunk = session.indexer.embed_missing(chunk_size=LIVE_EMBED_CHUNK, max_chunks=1)
        self._after_backlog_chunk(chunk)

    def _after_backlog_chunk(self, embedded: int) -> None:
        session = self._session
        assert session is not None
        self._backlog_done += embedded
        if embedded:
            self._emit(LiveEvent("changed"))
        remaining = session.store.count_missing_embeddings(session.embedder.key) if embedded or self._backlog else 0
        if embedded or self._backlog:
            self._counts = (self._counts[0], self._counts[1], remaining)
        if remaining:
            total = max(self._backlog_total, self._backlog_done + remaining)
            self._set_progress(Progress("embedding", self._backlog_done, total, f"{self._backlog_done}/{total} texts"))
            return
        self._backlog = False
        if session.indexer.needs_build():
            self._set_progress(Progress("building", 0, 1, "building the search index"))
            session.indexer.build()
            self._emit(LiveEvent("changed"))
        self._set_progress(None)
        self._set_state("ready")

    def _watch(self, discovered: list[tuple[Path, str]], options: ImportOptions) -> None:
        if self._watcher is None:
            self._watcher = SourceWatcher(self.files_changed)
        for problem in self._watcher.watch(discovered, options):
            self._problem(str(discovered[0][0]) if discovered else "", problem)

    def _apply_file_changes(self, changes: list[Change]) -> None:
        """Re-read what changed on disk: a note file alone, an archive whole. Only texts that are
        new are embedded (a moved or unchanged paragraph keeps its vector)."""
        session, settings = self._session, self._settings
        assert session is not None and settings is not None
        remaining = len(self._file_changes)
        if self._storm_total > FILE_SLICE:
            done = self._storm_total - remaining
            self._set_progress(Progress("reading", done, self._storm_total, f"{done}/{self._storm_total} changed files"))
        touched = []
        for source in sorted({c.source for c in changes if c.kind != NOTES}):
            for summary in session.indexer.read_sources(Path(source), settings.import_options):
                for error in summary.errors:
                    self._problem(summary.path, error)
        for change in changes:
            if change.kind == NOTES and change.path not in self._open_paths:
                touched += self._apply_note_change(session, settings, change)
        # A saved note is findable at once (by its words, and by meaning once the model is loaded);
        # a storm of new texts goes to the backlog, in chunks.
        if self.meaning_ready:
            session.indexer.embed_fragments(touched, limit=2 * LIVE_EMBED_CHUNK)
        self._count()
        if not remaining:
            self._storm_total = 0
        if self._counts[2] and self.meaning_ready:
            if not self._backlog:
                self._backlog = True
                self._backlog_total = self._backlog_done = 0
                self._set_state("indexing")
        elif not remaining:
            self._set_progress(None)
        self._emit(LiveEvent("changed"))

    def _apply_note_change(self, session: Session, settings: LiveSettings, change: Change) -> list:
        root = Path(change.source)
        if change.folder:
            if change.gone:
                paths = session.store.paths_under(change.source, change.path)
                session.indexer.apply(change.source, [], only_paths=paths)
                return []
            touched = []
            for path in _note_files_under(Path(change.path), root, settings.import_options):
                touched += self._apply_note_change(session, settings, Change(change.source, NOTES, str(path)))
            return touched
        path = Path(change.path)
        if change.gone or not path.exists():
            session.indexer.apply(change.source, [], only_paths=[change.path])
            return []
        note = read_file(path, root, settings.import_options)
        for problem in note.problems:
            self._problem(problem.path, problem.message)
        if note.unread:  # as in a full read: what was stored from it stays until it reads again
            return []
        # A note that became too large or excluded leaves the index.
        state = [note.state] if note.state else []
        session.indexer.apply(change.source, note.fragments, state, only_paths=[change.path])
        return note.fragments

    def _apply_documents(self, documents: list[tuple[str, _Document]]) -> None:
        session, settings = self._session, self._settings
        assert session is not None and settings is not None
        changed: list = []
        for uri, document in documents:
            if document.closed:
                self._close(session, settings, document.path)
                continue
            source, relative = self._place(settings, document.path)
            # Unsaved text is dated now: it is the newest writing there is.
            fragments, _problems = fragments_from_text(
                document.text, document.path, source, relative, mtime=now_iso(), split=document.split
            )
            session.indexer.apply(source, fragments, only_paths=[document.path])
            changed += fragments
        if changed and self.meaning_ready:
            session.indexer.embed_fragments(changed)
        self._count()
        self._documents_in_flight = 0  # before the event: the status it pushes says they are in
        self._emit(LiveEvent("changed"))

    def _close(self, session: Session, settings: LiveSettings, path: str) -> None:
        """A closed document falls back to what is on disk: re-read if it is in a source, else dropped."""
        source, relative = self._place(settings, path)
        if is_open_documents(source) or not Path(path).is_file():
            session.indexer.apply(source, [], only_paths=[path])
            return
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._problem(path, f"cannot re-read after closing: {exc}")
            return
        fragments, _ = fragments_from_text(text, path, source, relative)
        session.indexer.apply(source, fragments, only_paths=[path])
        if self.meaning_ready:
            session.indexer.embed_fragments(fragments)

    def _place(self, settings: LiveSettings, path: str) -> tuple[str, str]:
        """(source, path relative to it) for a document: the notes folder that holds it, if any."""
        candidate = Path(path)
        for root in settings.sources:
            root = root.expanduser().resolve()
            if root.is_dir():
                try:
                    return str(root), candidate.resolve().relative_to(root).as_posix()
                except ValueError:
                    continue
        # Keyed by the whole path: two open notes.md in different folders are two documents.
        return self._open_source, candidate.absolute().as_posix()

    # -- events -----------------------------------------------------------------------------------

    def _emit(self, event: LiveEvent) -> None:
        if event.kind == "changed":
            self.revision += 1
        try:
            self._listener(event)
        except Exception:  # a broken listener must not stop the writer
            log.exception("recall listener failed on %s", event)

    def _set_state(self, state: str) -> None:
        self.state = state
        self._emit(LiveEvent("state", state))

    def _set_progress(self, progress: Progress | None) -> None:
        if progress is not None:  # placed on the one scale, never below what was shown
            shown = self.progress.percent if self.progress is not None else 0
            progress = replace(progress, span=PROGRESS_SPANS[progress.stage], least=shown)
        self.progress = progress
        self._emit(LiveEvent("progress", progress=progress))

    def _problem(self, path: str, message: str) -> None:
        """Tell the user about a problem once, however often it recurs."""
        key = (path, str(message))
        if key in self._reported:
            log.info("%s: %s", path, message)
            return
        self._reported.add(key)
        self._emit(LiveEvent("problem", str(message), path=path))


def usable_cores() -> int:
    """The cores this process may run on (its affinity, where the system says), at least 1."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # macOS and Windows have no affinity call
        return os.cpu_count() or 1
