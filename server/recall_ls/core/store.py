"""The store: one SQLite database (WAL) holding fragments, source file states, embeddings and hides.

Embeddings are keyed by (model key, text hash), so a text is embedded once per model whatever source
it came from, and a different model never reads another model's vectors. Every write is one
transaction: a process killed mid-way leaves the previous consistent state.

Each fragment also gets ``num``, an integer that is never reused (AUTOINCREMENT): the ANN index
refers to fragments by it, so a vector left in an old index file can never be mistaken for a new
fragment. A fragment whose text changes gets a new ``num``.

Schema versions: 1, the first; 2 adds ``thread_links`` (every parent link of a self-thread seen in a
source, kept after its post leaves, so that a deleted post still bridges its thread: see
``core/threads.py``). A version 1 store is brought to 2 when opened for writing, its links taken
from the fragments it holds; opened read-only it is read as it is.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import numpy as np

from recall_ls.core import keywords, threads
from recall_ls.core.failpoints import failpoint
from recall_ls.core.fragments import Fragment
from recall_ls.core.paths import ensure_private_dir
from recall_ls.core.sources.base import FileState

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
# Older versions this Recall brings up to date (a step each) or, read-only, reads as they are.
_MIGRATABLE = (1,)
DB_NAME = "recall.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    indexed_at TEXT NOT NULL,
    report TEXT NOT NULL              -- JSON: fragments, skipped reasons, errors of the last read
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fragments (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    line_start INTEGER,
    line_end INTEGER,
    url TEXT,
    created_at TEXT,
    title TEXT,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    meta TEXT NOT NULL,
    -- The same tweet may sit in two snapshots of an archive: ids are unique within a source,
    -- and the engine collapses the identical texts at query time.
    UNIQUE (source, id)
);
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,             -- float32 little-endian, L2-normalised
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hidden (id TEXT PRIMARY KEY, hidden_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS thread_links (
    source TEXT NOT NULL,
    id TEXT NOT NULL,                 -- a post that continues one of the owner's own posts
    parent TEXT NOT NULL,             -- that post's id
    PRIMARY KEY (source, id)
) WITHOUT ROWID;
"""

# A fragment's month and day as stored (``created_at`` is ISO-8601): its own index, ``fragments_by_day``.
# A store made before that index gets it when next opened for writing (no schema change: an index is
# no new data, and a Recall without it keeps the index up to date as any other); read-only, it scans.
_MONTH_DAY = "substr(created_at, 6, 5)"
# The fragments' own indexes: dropped and made again around a bulk insert (see _insert_many).
_FRAGMENT_INDEXES = {
    "fragments_by_id": "fragments (id)",
    "fragments_by_hash": "fragments (text_hash)",
    "fragments_by_date": "fragments (created_at)",
    # Month and day ("12-03"), for "on this day" (core/gems.py): queries must spell it the same.
    "fragments_by_day": f"fragments ({_MONTH_DAY})",
}
_SCHEMA += "".join(f"CREATE INDEX IF NOT EXISTS {name} ON {on};\n" for name, on in _FRAGMENT_INDEXES.items())
# A bulk insert: at least this many rows, and more than the table holds already.
_BULK_ROWS = 10_000
_FRAGMENT_COLUMNS = "num, id, source, kind, path, line_start, line_end, url, created_at, title, text, meta"


class StoreError(Exception):
    """The store cannot be opened or written; the message says which file and why."""


@dataclass(frozen=True, slots=True)
class StoredFragment:
    """A fragment as read back from the store, with its index number."""

    num: int
    fragment: Fragment


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a sync changed. A changed text counts as updated and appears in both number lists."""

    added_nums: tuple[int, ...]
    removed_nums: tuple[int, ...]
    updated: int

    @property
    def added(self) -> int:
        return len(self.added_nums) - self.updated

    @property
    def removed(self) -> int:
        return len(self.removed_nums) - self.updated


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """The SQLite store. Safe to share between threads: one connection, guarded by a lock.

    Reads are short (a few rows by number); the long jobs (embedding) happen outside any transaction,
    so one connection is enough and keeps SQLite's locking out of the picture.
    """

    def __init__(self, index_dir: Path, read_only: bool = False) -> None:
        self.index_dir = Path(index_dir)
        self.path = self.index_dir / DB_NAME
        self.read_only = read_only
        self._lock = threading.RLock()
        # Why the keyword table was rebuilt on open ("missing" for an index made before it), or None.
        self.keywords_rebuilt: str | None = None
        self._frequencies = keywords.Frequencies()
        try:
            if read_only:
                # immutable: no -shm or -wal files are created, so a read-only folder still opens.
                uri = f"file:{quote(str(self.path))}?mode=ro&immutable=1"
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            else:
                ensure_private_dir(self.index_dir)
                self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                self.keywords_rebuilt = self._check_keywords()
            # Queries read a few rows by number at random: keep pages mapped and cached. Not for a
            # read-only folder: reading its mapped pages killed the process with SIGBUS on a tmpfs
            # remounted read-only (a full scan: counting the embeddings).
            self._db.execute(f"PRAGMA mmap_size={0 if read_only else 268435456}")
            self._db.execute("PRAGMA cache_size=-32768")
            self._check_schema_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"{self.index_dir}: cannot create the index folder: {exc.strerror}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it."""
        if not self.read_only:
            with self._lock:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- schema -----------------------------------------------------------------------------------

    def _check_schema_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None and not self.read_only:
            self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif row is not None and int(row[0]) in _MIGRATABLE:
            if not self.read_only:
                self._migrate(int(row[0]))
        elif row is not None and int(row[0]) != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {row[0]}, this Recall reads version {SCHEMA_VERSION}; "
                "move the index folder away to rebuild it"
            )

    def _migrate(self, version: int) -> None:
        """Bring a store of an older schema ``version`` to ``SCHEMA_VERSION``, one transaction. The
        tables are already there (``_SCHEMA`` creates what is missing); what a version adds is filled."""
        with self._lock, self._transaction():
            if version < 2:
                for source in [r[0] for r in self._db.execute("SELECT DISTINCT source FROM fragments")]:
                    rows = self._db.execute(f"SELECT {_FRAGMENT_COLUMNS} FROM fragments WHERE source = ?", (source,))
                    links = threads.parent_links(_row_to_fragment(row) for row in rows)
                    self._put_thread_links(source, links)
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
        log.info("%s: store schema brought from version %d to %d", self.path, version, SCHEMA_VERSION)

    def _check_keywords(self) -> str | None:
        """Rebuild the keyword table from the fragments when it is missing, damaged or out of step."""
        problem = keywords.problem(self._db)
        if problem is None:
            return None
        with self._transaction():
            count = keywords.rebuild(self._db)
        if problem == "missing" and count == 0:
            return None  # a new store
        log.info("%s: keyword table %s; rebuilt from %d fragments", self.path, problem, count)
        return problem

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock, self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- sources and fragments --------------------------------------------------------------------

    def sync_fragments(
        self,
        source: str,
        fragments: Sequence[Fragment],
        files: Sequence[FileState] = (),
        only_paths: Iterable[str] | None = None,
        remove_missing: bool = True,
        keep_paths: Sequence[str] = (),
    ) -> SyncResult:
        """Make the store hold exactly ``fragments`` for ``source`` (or for ``only_paths`` of it).

        Rows belong to the ``source`` given here, whatever the fragments say. With
        ``remove_missing=False`` (a source read with errors) nothing is removed: a truncated file
        must not take what was stored from it. ``keep_paths`` (files, or folders and all below them,
        that could not be read this time) keep their rows; the rest of the source is made to match.

        Unchanged fragments keep their number; changed texts get a new one; fragments no longer
        produced are removed. One transaction.
        """
        with self._lock, self._transaction():
            existing = self._stored_fragments(source, only_paths)
            wanted = {f.id: f for f in fragments}
            kept = _under(keep_paths)
            gone = existing.keys() - wanted.keys() if remove_missing else ()
            removed = [existing[fid][0] for fid in gone if not kept(existing[fid][2])]
            new: list[Fragment] = []
            updated = 0
            for fragment in wanted.values():
                old = existing.get(fragment.id)
                if old is None:
                    new.append(fragment)
                elif old[1] != fragment.text_hash:
                    removed.append(old[0])  # a changed text gets a new number
                    new.append(fragment)
                    updated += 1
                else:
                    self._update_fields(old[0], source, fragment)
            # Before the inserts: a changed fragment's old row holds its (source, id).
            self._delete_nums(removed)
            added = self._insert_many(source, new)
            # Same transaction: the keyword tier is complete once the source is read.
            keywords.add(self._db, zip(added, (f.text for f in new)))
            failpoint("store-mid-transaction")
            self._db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                ((state.path, source, state.size, state.mtime_ns) for state in files),
            )
        return SyncResult(tuple(added), tuple(removed), updated)

    def _stored_fragments(self, source: str, only_paths: Iterable[str] | None) -> dict[str, tuple[int, str, str]]:
        """id -> (number, text hash, path) of what ``source`` holds (under ``only_paths``, if given)."""
        if only_paths is None:
            rows = self._db.execute("SELECT id, num, text_hash, path FROM fragments WHERE source = ?", (source,))
        else:
            paths = list(only_paths)
            rows = self._db.execute(
                f"SELECT id, num, text_hash, path FROM fragments WHERE source = ? AND path IN ({_marks(paths)})",
                (source, *paths),
            )
        return {fid: (num, digest, path) for fid, num, digest, path in rows.fetchall()}

    def record_source(self, source: str, kind: str, report_summary: dict) -> None:
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)",
                (source, kind, now_iso(), json.dumps(report_summary, ensure_ascii=False)),
            )

    def remove_source(self, source: str) -> tuple[int, ...]:
        """Forget a source; returns the numbers of the fragments removed."""
        with self._lock, self._transaction():
            nums = [n for (n,) in self._db.execute("SELECT num FROM fragments WHERE source = ?", (source,))]
            self._delete_nums(nums)
            self._db.execute("DELETE FROM files WHERE source = ?", (source,))
            self._db.execute("DELETE FROM sources WHERE path = ?", (source,))
            self._db.execute("DELETE FROM thread_links WHERE source = ?", (source,))
        return tuple(nums)

    def sources(self) -> list[dict]:
        with self._lock:
            rows = self._db.execute(
                "SELECT s.path, s.kind, s.indexed_at, s.report, "
                "(SELECT count(*) FROM fragments f WHERE f.source = s.path) FROM sources s ORDER BY s.path"
            ).fetchall()
        return [
            {"path": p, "kind": k, "indexed_at": at, "fragments": n, "last_read": json.loads(r)}
            for p, k, at, r, n in rows
        ]

    def paths_under(self, source: str, folder: str) -> list[str]:
        """Files of ``source`` with fragments under ``folder`` (a folder that was deleted or moved)."""
        prefix = folder.rstrip("/") + "/"
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT path FROM fragments WHERE source = ? AND substr(path, 1, ?) = ?",
                (source, len(prefix), prefix),
            ).fetchall()
        return [r[0] for r in rows]

    def _insert_many(self, source: str, fragments: Sequence[Fragment]) -> list[int]:
        """Insert these fragments with one statement; returns their numbers, in order.

        The numbers are given here rather than by SQLite so that one ``executemany`` can insert a
        whole source (100k rows one ``execute`` at a time cost a second more): the next after the
        highest ever used (``sqlite_sequence``, which AUTOINCREMENT keeps), so none is reused.
        """
        start = self._db.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'fragments'), 0),"
            " coalesce((SELECT max(num) FROM fragments), 0)) + 1"
        ).fetchone()[0]
        nums = list(range(start, start + len(fragments)))
        # Indexes made once after a bulk insert cost less than kept up row by row (100k rows into an
        # empty table: 0.75 s of CPU against 1.2 s).
        bulk = len(fragments) >= _BULK_ROWS and len(fragments) > self._db.execute(
            "SELECT count(*) FROM fragments").fetchone()[0]
        for name in _FRAGMENT_INDEXES if bulk else ():
            self._db.execute(f"DROP INDEX IF EXISTS {name}")
        self._db.executemany(
            "INSERT INTO fragments (num, id, source, kind, path, line_start, line_end, url, created_at, title,"
            " text, text_hash, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((num, f.id, source, f.kind, f.path, f.line_start, f.line_end, f.url, f.created_at, f.title,
              f.text, f.text_hash, _dump_meta(f.meta)) for num, f in zip(nums, fragments)),
        )
        for name, on in _FRAGMENT_INDEXES.items() if bulk else ():
            self._db.execute(f"CREATE INDEX {name} ON {on}")
        return nums

    def _update_fields(self, num: int, source: str, f: Fragment) -> None:
        # Same text, so the same embedding and number: only where it lives and its facts may move.
        self._db.execute(
            "UPDATE fragments SET source = ?, kind = ?, path = ?, line_start = ?, line_end = ?, url = ?,"
            " created_at = ?, title = ?, text = ?, meta = ? WHERE num = ?",
            (source, f.kind, f.path, f.line_start, f.line_end, f.url, f.created_at, f.title, f.text,
             _dump_meta(f.meta), num),
        )

    def _delete_nums(self, nums: Sequence[int]) -> None:
        for chunk in _chunks(nums, 500):
            self._db.execute(f"DELETE FROM fragments WHERE num IN ({_marks(chunk)})", chunk)
            keywords.remove(self._db, chunk)

    # -- thread links -----------------------------------------------------------------------------

    def thread_links(self, source: str) -> dict[str, str]:
        """Every parent link of a self-thread seen in ``source``: post id to parent post id."""
        with self._lock:
            return dict(self._db.execute("SELECT id, parent FROM thread_links WHERE source = ?", (source,)))

    def remember_thread_links(self, source: str, links: dict[str, str]) -> None:
        """Add these links to what ``source`` remembers (a link stays after its post leaves)."""
        if links:
            with self._lock, self._transaction():
                self._put_thread_links(source, links)

    def _put_thread_links(self, source: str, links: dict[str, str]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO thread_links VALUES (?, ?, ?)",
            ((source, child, parent) for child, parent in links.items()),
        )

    # -- keywords ---------------------------------------------------------------------------------

    def keyword_query(self, text: str) -> keywords.KeywordQuery:
        """The rare keys of ``text`` to search for (none when the keyword table cannot be read)."""
        try:
            with self._lock:
                return keywords.plan(self._db, text, self._frequencies)
        except sqlite3.DatabaseError as exc:
            log.warning("%s: keyword search unavailable: %s", self.path, exc)
            return keywords.NO_KEYWORDS

    def keyword_search(self, query: keywords.KeywordQuery, limit: int) -> list[tuple[int, float]]:
        """(fragment number, BM25 score) of the best keyword matches, best first."""
        try:
            with self._lock:
                return keywords.search(self._db, query, limit)
        except sqlite3.DatabaseError as exc:
            log.warning("%s: keyword search failed: %s", self.path, exc)
            return []

    def keyword_keys(self, nums: Sequence[int]) -> dict[int, str]:
        """The keyword table's keys of these fragments (space-separated)."""
        try:
            with self._lock:
                return keywords.keys_of(self._db, list(nums))
        except sqlite3.DatabaseError as exc:
            log.warning("%s: keyword table unreadable: %s", self.path, exc)
            return {}

    def count_fragments(self, source: str | None = None) -> int:
        with self._lock:
            if source is None:
                return self._db.execute("SELECT count(*) FROM fragments").fetchone()[0]
            return self._db.execute("SELECT count(*) FROM fragments WHERE source = ?", (source,)).fetchone()[0]

    def fragment_sources(self) -> list[str]:
        """Every source that has fragments, pseudo-sources (open documents) included."""
        with self._lock:
            return [source for (source,) in self._db.execute("SELECT DISTINCT source FROM fragments")]

    def count_texts(self) -> int:
        """Distinct texts: what the model embeds (a text in two sources is embedded once)."""
        with self._lock:
            return self._db.execute("SELECT count(DISTINCT text_hash) FROM fragments").fetchone()[0]

    def fragments_by_num(self, nums: Sequence[int]) -> dict[int, Fragment]:
        found: dict[int, Fragment] = {}
        with self._lock:
            for chunk in _chunks(list(nums), 500):
                rows = self._db.execute(
                    f"SELECT {_FRAGMENT_COLUMNS} FROM fragments WHERE num IN ({_marks(chunk)})", chunk
                )
                for row in rows:
                    found[row[0]] = _row_to_fragment(row)
        return found

    def nums_on_days(self, month_days: Sequence[str], before: str) -> list[tuple[int, str]]:
        """(number, year) of the fragments dated on any of these days of the year (``"12-03"``)
        before the date ``before`` (ISO), newest first."""
        with self._lock:
            return self._db.execute(
                f"SELECT num, substr(created_at, 1, 4) FROM fragments WHERE {_MONTH_DAY} IN ({_marks(month_days)})"
                " AND created_at < ? ORDER BY created_at DESC, num DESC", (*month_days, before)).fetchall()

    def num_span(self) -> range:
        """From the lowest fragment number in use to the highest (empty when there are none)."""
        with self._lock:  # two queries: SQLite answers each from the end of the table, one together scans
            low = self._db.execute("SELECT min(num) FROM fragments").fetchone()[0]
            high = self._db.execute("SELECT max(num) FROM fragments").fetchone()[0]
        return range(low, high + 1) if low is not None else range(0)

    def nums_dated_before(self, before: str) -> list[int]:
        """Numbers of the fragments dated before ``before`` (ISO): by ``created_at``, or, for a note
        without a date, by when its file last changed (``meta.mtime``)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT num FROM fragments WHERE created_at < ?1"
                " OR (created_at IS NULL AND json_extract(meta, '$.mtime') < ?1) ORDER BY num", (before,))
            return [num for (num,) in rows]

    def fragment_by_id(self, fragment_id: str) -> StoredFragment | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_FRAGMENT_COLUMNS} FROM fragments WHERE id = ? ORDER BY num DESC", (fragment_id,)
            ).fetchone()
        return StoredFragment(row[0], _row_to_fragment(row)) if row else None

    def iter_fragments(self, source: str | None = None) -> Iterator[StoredFragment]:
        sql = f"SELECT {_FRAGMENT_COLUMNS} FROM fragments"
        args: tuple = ()
        if source is not None:
            sql += " WHERE source = ?"
            args = (source,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY num", args).fetchall()
        for row in rows:
            yield StoredFragment(row[0], _row_to_fragment(row))

    # -- embeddings -------------------------------------------------------------------------------

    def texts_to_embed(self, model: str, limit: int) -> list[tuple[str, str]]:
        """Up to ``limit`` (text hash, text) pairs with no embedding for ``model``, newest first.

        Newest first so that, while a big archive is still indexing, recent writing is already found.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT f.text_hash, f.text FROM fragments f"
                " LEFT JOIN embeddings e ON e.model = ? AND e.text_hash = f.text_hash"
                " WHERE e.text_hash IS NULL GROUP BY f.text_hash"
                " ORDER BY max(coalesce(f.created_at, json_extract(f.meta, '$.mtime'), '')) DESC LIMIT ?",
                (model, limit),
            ).fetchall()
        return [(h, t) for h, t in rows]

    def count_missing_embeddings(self, model: str) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT count(DISTINCT f.text_hash) FROM fragments f"
                " LEFT JOIN embeddings e ON e.model = ? AND e.text_hash = f.text_hash WHERE e.text_hash IS NULL",
                (model,),
            ).fetchone()[0]

    def put_embeddings(self, model: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        with self._lock, self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                ((model, h, v.tobytes()) for h, v in zip(hashes, vectors, strict=True)),
            )

    def embedded_hashes(self, model: str, hashes: Sequence[str]) -> set[str]:
        """Which of these text hashes already have an embedding for ``model``."""
        found: set[str] = set()
        with self._lock:
            for chunk in _chunks(list(set(hashes)), 500):
                found.update(r[0] for r in self._db.execute(
                    f"SELECT text_hash FROM embeddings WHERE model = ? AND text_hash IN ({_marks(chunk)})",
                    (model, *chunk),
                ))
        return found

    def embedding(self, model: str, text_hash: str) -> np.ndarray | None:
        """The stored vector of one text for ``model``, if there is one."""
        with self._lock:
            row = self._db.execute(
                "SELECT vector FROM embeddings WHERE model = ? AND text_hash = ?", (model, text_hash)
            ).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype="<f4")

    def has_embeddings(self, model: str) -> bool:
        """Whether any text is embedded for ``model`` (one row read, however large the index)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM embeddings WHERE model = ? LIMIT 1", (model,)).fetchone() is not None

    def count_embeddings(self, model: str) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0]

    def embedding_models(self) -> dict[str, int]:
        """Every model key that has vectors here, with how many."""
        with self._lock:
            return dict(self._db.execute("SELECT model, count(*) FROM embeddings GROUP BY model").fetchall())

    def remove_embeddings(self, models: Sequence[str]) -> int:
        """Delete every vector of these models, then give the space back to the file system."""
        with self._lock:
            with self._transaction():
                removed = sum(
                    self._db.execute("DELETE FROM embeddings WHERE model = ?", (model,)).rowcount for model in models
                )
            if removed:
                self._db.execute("VACUUM")
        return removed

    def embedded_nums(self, model: str) -> np.ndarray:
        """Sorted numbers of every fragment that has an embedding for ``model``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT f.num FROM fragments f JOIN embeddings e ON e.model = ? AND e.text_hash = f.text_hash"
                " ORDER BY f.num",
                (model,),
            ).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def iter_vectors(self, model: str, dim: int, batch: int = 4096) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(nums, matrix) batches, by increasing number, of every fragment embedded with ``model``.

        Paged by number so that a million vectors never sit in memory at once.
        """
        after = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT f.num, e.vector FROM fragments f JOIN embeddings e"
                    " ON e.model = ? AND e.text_hash = f.text_hash WHERE f.num > ? ORDER BY f.num LIMIT ?",
                    (model, after, batch),
                ).fetchall()
            if not rows:
                return
            yield _as_matrix(rows, dim)
            after = rows[-1][0]

    def vectors_for_nums(self, model: str, dim: int, nums: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        return self._vectors_where(model, dim, "f.num", list(nums))

    def vectors_for_hashes(self, model: str, dim: int, hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(nums, matrix) of every fragment whose text has one of these hashes (all its copies)."""
        return self._vectors_where(model, dim, "f.text_hash", list(hashes))

    def _vectors_where(self, model: str, dim: int, column: str, values: list) -> tuple[np.ndarray, np.ndarray]:
        rows: list[tuple[int, bytes]] = []
        with self._lock:
            for chunk in _chunks(values, 500):
                # CROSS JOIN fixes the loop order: fragments by the listed keys, then each one's
                # embedding by primary key. Left to itself the planner scanned every embedding of
                # the model for each chunk (minutes at 100k).
                rows += self._db.execute(
                    "SELECT f.num, e.vector FROM fragments f CROSS JOIN embeddings e"
                    f" ON e.model = ? AND e.text_hash = f.text_hash WHERE {column} IN ({_marks(chunk)})",
                    (model, *chunk),
                ).fetchall()
        return _as_matrix(rows, dim)

    # -- hidden fragments -------------------------------------------------------------------------

    def hide(self, fragment_id: str) -> None:
        with self._lock, self._transaction():
            self._db.execute("INSERT OR REPLACE INTO hidden VALUES (?, ?)", (fragment_id, now_iso()))

    def hidden_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT id FROM hidden")}

    def hidden(self) -> list[tuple[str, str]]:
        """(id, when it was hidden) of every hidden fragment, the latest first."""
        with self._lock:
            return self._db.execute("SELECT id, hidden_at FROM hidden ORDER BY hidden_at DESC, id").fetchall()

    def unhide(self, fragment_ids: Sequence[str] | None) -> int:
        """Show these fragments again (None: every hidden one); how many were hidden."""
        with self._lock, self._transaction():
            if fragment_ids is None:
                return self._db.execute("DELETE FROM hidden").rowcount
            return self._db.executemany("DELETE FROM hidden WHERE id = ?", ((i,) for i in fragment_ids)).rowcount

    def salvage(self, damaged: Path) -> dict[str, int]:
        """Copy what can still be read from a damaged database: the embeddings (costly to make again)
        and the hidden list (the user's choices, which no source gives back). The rest comes back from
        the sources. Returns how many rows of each table were kept."""
        try:
            source = sqlite3.connect(f"file:{quote(str(damaged))}?mode=ro", uri=True)
        except sqlite3.DatabaseError:
            return dict.fromkeys(_SALVAGED, 0)
        try:
            return {table: self._copy_readable(source, table, columns) for table, columns in _SALVAGED.items()}
        finally:
            source.close()

    def _copy_readable(self, source: sqlite3.Connection, table: str, columns: str) -> int:
        """Copy the rows of ``table`` up to the first damaged page; a table each, so damage in one
        does not cost the others."""
        kept = 0
        insert = f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({_marks(columns.split(','))})"
        try:
            cursor = source.execute(f"SELECT {columns} FROM {table}")
            while rows := cursor.fetchmany(1000):
                with self._lock, self._transaction():
                    self._db.executemany(insert, rows)
                kept += len(rows)
        except sqlite3.DatabaseError:
            pass  # the rest of the table is in damaged pages, or the table itself is gone
        return kept

    def integrity_problem(self) -> str | None:
        """None when SQLite's quick check passes, else one line saying what failed. SQLite's own report
        (a line per damaged page) goes to the log."""
        try:
            with self._lock:
                rows = [r[0] for r in self._db.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            return _first_line(str(exc))
        if rows == ["ok"]:
            return None
        log.info("%s: SQLite's quick check found:\n%s", self.path, "\n".join(rows))
        return "it fails SQLite's integrity check"


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


# What a rebuild copies from a damaged store: table -> columns. Thread links too: those of deleted
# posts come back from no source.
_SALVAGED = {"embeddings": "model,text_hash,vector", "hidden": "id,hidden_at", "thread_links": "source,id,parent"}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown damage"


def _under(paths: Sequence[str]) -> Callable[[str | None], bool]:
    """Whether a path is one of ``paths`` or inside one of them."""
    exact = set(paths)
    folders = tuple(p.rstrip("/") + "/" for p in paths)
    return lambda path: path is not None and (path in exact or path.startswith(folders))


def _marks(items: Sequence) -> str:
    return ",".join("?" * len(items))


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _as_matrix(rows: Sequence[tuple[int, bytes]], dim: int) -> tuple[np.ndarray, np.ndarray]:
    nums = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), dim)
    return nums, matrix


# One encoder for every fragment's meta: ``json.dumps`` with options builds a new one per call.
_META_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _dump_meta(meta: dict) -> str:
    return _META_ENCODER.encode(meta)


def _row_to_fragment(row: tuple) -> Fragment:
    _num, fid, source, kind, path, line_start, line_end, url, created_at, title, text, meta = row
    return Fragment(fid, kind, text, source, path, line_start, line_end, url, created_at, title, json.loads(meta))


def open_store(index_dir: Path) -> tuple[Store, list[str]]:
    """Open the store, recovering from what can go wrong on disk. Returns the store and what the
    user must be told (once):

    - a damaged database (an empty file included) is moved aside, a new one created, and the
      embeddings and hidden list that can still be read are copied over (fragments come back from
      the sources, which are the truth);
    - a read-only index folder opens read-only: what is indexed is served, nothing is added.
    """
    index_dir = Path(index_dir)
    path = index_dir / DB_NAME
    damage = damage_before_open(index_dir)
    if damage is not None:
        if not _writable(index_dir):
            raise StoreError(f"{path}: the index store is damaged ({damage}) and the index folder is read-only")
        return _rebuild_damaged(index_dir, damage)
    try:
        store = Store(index_dir)
    except StoreError as exc:
        if "schema version" in str(exc):
            raise
        if path.exists() and not _writable(index_dir):
            store = Store(index_dir, read_only=True)
            return store, [f"{index_dir}: the index folder is read-only; Recall serves what is indexed and cannot add to it"]
        if not path.exists():
            raise
        return _rebuild_damaged(index_dir, _first_line(str(exc.__cause__ or exc)))
    damage = store.integrity_problem()
    if damage is None:
        return store, []
    store.close()
    return _rebuild_damaged(index_dir, damage)


def _writable(folder: Path) -> bool:
    probe = folder / f".recall-write-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def damage_before_open(index_dir: Path) -> str | None:
    """What makes the store damaged before SQLite sees it: an empty file, which SQLite would take for
    a new database (a store has its header from its first moment, so empty means lost)."""
    path = Path(index_dir) / DB_NAME
    return "the file is empty (0 bytes)" if path.is_file() and path.stat().st_size == 0 else None


def _rebuild_damaged(index_dir: Path, damage: str) -> tuple[Store, list[str]]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = index_dir / f"{DB_NAME}.damaged-{stamp}"
    for suffix in ("", "-wal", "-shm"):
        source = index_dir / (DB_NAME + suffix)
        if source.exists():
            os.replace(source, Path(str(aside) + suffix))
    # The saved search index names fragments by number, and the new store numbers them afresh.
    shutil.rmtree(index_dir / "ann", ignore_errors=True)
    store = Store(index_dir)
    kept = store.salvage(aside)
    message = (f"{index_dir / DB_NAME}: the index store was damaged ({damage}); it was moved to {aside.name} "
               f"and is rebuilt from your sources ({kept['embeddings']} embeddings and {kept['hidden']} "
               "hidden fragments kept)")
    return store, [message]
