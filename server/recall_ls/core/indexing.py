"""The indexer: the one writer of the store and the vector index.

Sources are read into the store; texts with no embedding for the model are embedded newest first in
chunks, each committed on its own, so results are useful while a big archive is still indexing and an
interrupted run resumes where it stopped; the vector index snapshot follows every change, and the
annoy tier is rebuilt when the fresh tier has grown.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from recall_ls.core import sources, threads
from recall_ls.core.embed import Embedder
from recall_ls.core.failpoints import failpoint
from recall_ls.core.fragments import Fragment
from recall_ls.core.index import ANN_MIN_ITEMS, ANN_TREES, AnnFiles, VectorIndex
from recall_ls.core.sources.base import FileState, ImportOptions, SourceReport
from recall_ls.core.store import Store, SyncResult

log = logging.getLogger(__name__)

EMBED_CHUNK = 256
# Rebuild the annoy tier once the exact tier is this large, or this share of the annoy tier.
REBUILD_FRESH_MIN = 5_000
REBUILD_FRESH_SHARE = 0.10


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of indexing, for progress bars and ``$/progress``."""

    stage: str  # "reading" | "embedding" | "building"
    done: int
    total: int
    message: str = ""
    # The share of its task's 0-100 scale this step covers: a task of several steps shows one bar.
    span: tuple[int, int] = (0, 100)
    least: int = 0  # what the bar already showed: a step that starts lower does not move it back

    @property
    def percent(self) -> int:
        low, high = self.span
        return max(self.least, low + (high - low) * self.done // self.total if self.total else high)


ProgressCallback = Callable[[Progress], None]


@dataclass(slots=True)
class SourceSummary:
    """What reading one source did, for the CLI and ``recall.status``."""

    path: str
    kind: str
    fragments: int  # as read from the source; thread fragments are counted in ``threads``
    threads: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def of(cls, report: SourceReport, sync: SyncResult | None = None, threads: int = 0) -> SourceSummary:
        return cls(
            path=report.path,
            kind=report.kind,
            fragments=len(report.fragments),
            threads=threads,
            added=sync.added if sync else 0,
            updated=sync.updated if sync else 0,
            removed=sync.removed if sync else 0,
            skipped=dict(report.skipped),
            skipped_files=[str(p) for p in report.skipped_files],
            errors=[str(p) for p in report.errors],
            warnings=[str(p) for p in report.warnings],
        )


@dataclass(slots=True)
class IndexResult:
    """What one indexing run did: per-source summaries and how many texts it embedded."""

    sources: list[SourceSummary]
    embedded: int
    interrupted: bool = False

    def to_dict(self) -> dict:
        return {"sources": [s.to_dict() for s in self.sources], "embedded": self.embedded,
                "interrupted": self.interrupted}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while sources are read and stored.

    Reading an archive makes millions of objects (decoded records, tweets, fragments) that all stay
    alive until they are stored, and every collection walks the ones made so far: with it running,
    reading 100k tweets took 4.3-5.0 s of CPU, paused 2.6 (bench/RESULTS.md). Reference counting
    still frees what is dropped; the few cycles made meanwhile wait for the next collection. Process-
    wide, so it is restored only when it was on: a caller that turned it off keeps it off.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def model_folder_name(model_key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", model_key)


def ann_folder(index_dir: Path, model_key: str) -> Path:
    """Where the search index files of one model live."""
    return Path(index_dir) / "ann" / model_folder_name(model_key)


class Indexer:
    """Owns every write. Readers call ``snapshot()`` and get an immutable ``VectorIndex``."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        ann_min_items: int | None = None,
        build_jobs: int = 1,
    ) -> None:
        self.store = store
        self.embedder = embedder
        # RECALL_ANN_MIN_ITEMS lowers the size at which annoy is built (tests of the build path).
        self.ann_min_items = ann_min_items or int(os.environ.get("RECALL_ANN_MIN_ITEMS", ANN_MIN_ITEMS))
        self.problems: list[str] = []  # found while opening: tell the user once
        self.build_jobs = build_jobs
        self._snapshot: VectorIndex | None = None
        # Guards the snapshot swap: an annoy build runs outside it and merges in at the end.
        self._lock = threading.RLock()
        self._ann: AnnFiles | None = None

    # -- the snapshot -----------------------------------------------------------------------------

    def snapshot(self) -> VectorIndex:
        """The current index; empty until the model is loaded and ``open()`` ran."""
        current = self._snapshot
        return current if current is not None else VectorIndex(dim=1)

    @property
    def is_open(self) -> bool:
        return self._snapshot is not None

    @property
    def ann_files(self) -> AnnFiles:
        if self._ann is None:
            folder = ann_folder(self.store.index_dir, self.embedder.key)
            self._ann = AnnFiles(folder, self.embedder.dim)
        return self._ann

    def open(self) -> VectorIndex:
        """Load the saved annoy tier and put every other stored vector in the fresh tier."""
        model, dim = self.embedder.key, self.embedder.dim
        ann = self.ann_files.load()
        if self.ann_files.problem:
            self.problems.append(self.ann_files.problem)
        embedded = self.store.embedded_nums(model)
        missing = np.setdiff1d(embedded, ann.nums, assume_unique=True) if ann else embedded
        nums, vectors = self.store.vectors_for_nums(model, dim, missing.tolist())
        with self._lock:
            self._snapshot = VectorIndex(dim, ann, nums, vectors.copy())
        return self._snapshot

    def _update(self, change: Callable[[VectorIndex], VectorIndex]) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot = change(self._snapshot)

    # -- reading sources --------------------------------------------------------------------------

    def read_sources(self, path: Path, options: ImportOptions) -> list[SourceSummary]:
        """Read every source under ``path`` (see ``sources.discover``) and make the store match. A
        notes folder around archives that holds no notes is not a source (what it held before goes)."""
        summaries = []
        with collector_paused():
            for report in sources.read_all(path, options):
                if report.incidental:
                    self.remove_source(report.path)
                else:
                    summaries.append(self.store_report(report))
        return summaries

    def store_report(self, report: SourceReport) -> SourceSummary:
        """Make the store match one source's report. Problems are in the summary, never raised."""
        if report.kind == "unknown":
            return SourceSummary.of(report)
        # A source read with errors may have yielded only part of its fragments. Notes name what they
        # could not read, which keeps its fragments while deleted notes leave; an archive cannot say
        # which records a bad file hid, so then nothing is removed.
        scoped = not report.errors or report.unread is not None
        fragments, thread_count = self.threaded(report)
        sync = self.apply(report.path, fragments, report.files, remove_missing=scoped,
                          keep_paths=report.unread or ())
        summary = SourceSummary.of(report, sync, thread_count)
        self.store.record_source(report.path, report.kind, summary.to_dict())
        return summary

    def threaded(self, report: SourceReport) -> tuple[list[Fragment], int]:
        """The source's fragments with its self-threads (each member told its place, one fragment more
        per thread), and how many threads. Every source is threaded whole, so an edit re-threads what
        it changed; the links of posts seen before bridge posts deleted since. New links are
        remembered first, a transaction of their own: at worst one is remembered for a post that a
        crash kept from being stored, and a link is never wrong."""
        if report.kind not in threads.THREAD_FORMATS:
            return report.fragments, 0
        remembered = self.store.thread_links(report.path)
        threading = threads.with_threads(report.fragments, remembered)
        new = {child: parent for child, parent in threading.links.items() if remembered.get(child) != parent}
        self.store.remember_thread_links(report.path, new)
        return threading.fragments, len(threading.threads)

    def apply(
        self,
        source: str,
        fragments: Sequence[Fragment],
        files: Sequence[FileState] = (),
        only_paths: Sequence[str] | None = None,
        remove_missing: bool = True,
        keep_paths: Sequence[str] = (),
    ) -> SyncResult:
        """Store these fragments for ``source`` and bring the snapshot in line: removed numbers leave
        the fresh tier, new numbers whose text is already embedded join it at once."""
        sync = self.store.sync_fragments(source, fragments, files, only_paths, remove_missing, keep_paths)
        if self._snapshot is not None and (sync.added_nums or sync.removed_nums):
            removed = np.asarray(sync.removed_nums, dtype=np.int64)
            nums, vectors = self.store.vectors_for_nums(self.embedder.key, self.embedder.dim, sync.added_nums)
            self._update(lambda index: index.without(removed).with_fresh(nums, vectors))
        return sync

    def remove_source(self, source: str) -> int:
        removed = np.asarray(self.store.remove_source(source), dtype=np.int64)
        self._update(lambda index: index.without(removed))
        return len(removed)

    # -- embedding --------------------------------------------------------------------------------

    def embed_missing(
        self,
        progress: ProgressCallback | None = None,
        stop: threading.Event | None = None,
        chunk_size: int = EMBED_CHUNK,
        max_chunks: int | None = None,
    ) -> int:
        """Embed stored texts that have no vector for the model, newest first, one committed chunk
        at a time (all of them, or ``max_chunks`` chunks). Returns how many texts were embedded."""
        model = self.embedder.key
        total = self.store.count_missing_embeddings(model) if progress else 0
        done = chunks = 0
        while not (stop and stop.is_set()) and (max_chunks is None or chunks < max_chunks):
            batch = self.store.texts_to_embed(model, chunk_size)
            if not batch:
                break

            def report(encoded: int, _: int, base: int = done) -> None:
                if progress:
                    progress(Progress("embedding", base + encoded, total, f"{base + encoded}/{total} texts"))

            self._embed_and_store(batch, report)
            done += len(batch)
            chunks += 1
        return done

    def embed_fragments(self, fragments: Sequence[Fragment], limit: int | None = None) -> int:
        """Embed just these fragments' texts if they lack a vector: the text being written goes
        ahead of any backlog. With ``limit``, more missing texts than that are left to the backlog.
        Returns how many texts were embedded."""
        if not fragments:
            return 0
        have = self.store.embedded_hashes(self.embedder.key, [f.text_hash for f in fragments])
        missing = {f.text_hash: f.text for f in fragments if f.text_hash not in have}
        if not missing or (limit is not None and len(missing) > limit):
            return 0
        self._embed_and_store(list(missing.items()))
        return len(missing)

    def _embed_and_store(self, batch: list[tuple[str, str]], progress=None) -> None:
        model = self.embedder.key
        hashes = [h for h, _ in batch]
        vectors = self.embedder.encode([t for _, t in batch], progress)
        self.store.put_embeddings(model, hashes, vectors)
        failpoint("after-embedding-chunk")
        nums, stored = self.store.vectors_for_hashes(model, self.embedder.dim, hashes)
        self._update(lambda index: index.with_fresh(nums, stored.copy()))

    # -- the annoy tier ---------------------------------------------------------------------------

    def needs_build(self) -> bool:
        index = self.snapshot()
        if self.store.read_only:
            return False
        if self.ann_files.unusable:
            return True  # a damaged generation stays on disk, and in ``doctor``, until one replaces it
        if index.size < self.ann_min_items:
            return False
        ann_size = len(index.ann.nums) if index.ann else 0
        return ann_size == 0 or len(index.fresh_nums) >= max(REBUILD_FRESH_MIN, REBUILD_FRESH_SHARE * ann_size)

    def build(self, progress: ProgressCallback | None = None, trees: int = ANN_TREES) -> int:
        """Rebuild the annoy tier from the store and swap it in; vectors that arrived meanwhile stay
        in the fresh tier. Safe to run in a background thread while the snapshot keeps changing."""
        if progress:
            progress(Progress("building", 0, 1, "building the search index"))
        files = self.ann_files
        count = files.build(self.store.iter_vectors(self.embedder.key, self.embedder.dim), trees, self.build_jobs)
        ann = files.load()
        if ann is None:
            raise RuntimeError(f"{files.folder}: the index just built does not load")
        with self._lock:
            index = self.snapshot()
            keep = ~np.isin(index.fresh_nums, ann.nums)
            self._snapshot = VectorIndex(index.dim, ann, index.fresh_nums[keep], index.fresh_vectors[keep])
        if progress:
            progress(Progress("building", 1, 1, f"search index of {count} vectors"))
        return count

    def build_if_needed(self, progress: ProgressCallback | None = None) -> bool:
        if not self.needs_build():
            return False
        self.build(progress)
        return True

    # -- everything -------------------------------------------------------------------------------

    def index(
        self,
        paths: Sequence[Path],
        options: ImportOptions,
        progress: ProgressCallback | None = None,
        stop: threading.Event | None = None,
    ) -> IndexResult:
        """Read every source, embed what is new, and build the annoy tier if it is due."""
        summaries = []
        for position, path in enumerate(paths):
            if progress:
                progress(Progress("reading", position, len(paths), f"reading {path}"))
            summaries += self.read_sources(Path(path), options)
        self.embedder.load()
        if not self.is_open:
            self.open()
        embedded = self.embed_missing(progress, stop)
        interrupted = bool(stop and stop.is_set())
        if not interrupted:
            self.build_if_needed(progress)
        return IndexResult(summaries, embedded, interrupted)
