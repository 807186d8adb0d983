"""The store: one SQLite database (WAL) holding fragments, source file states, embeddings and hides.

Embeddings are keyed by (model key, text hash), so a text is embedded once per model whatever source
it came from, and a different model never reads another model's vectors. Every write is one
transaction: a process killed mid-way leaves the previous consistent state.

Each fragment also gets ``num``, an integer that is never reused (AUTOINCREMENT): the ANN index
refers to fragments by it, so a vector left in an old index file can never be mistaken for a new
fragment. A fragment whose text changes gets a new ``num``.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import numpy as np

from recall_ls.core import keywords
from recall_ls.core.failpoints import failpoint
from recall_ls.core.fragments import Fragment
from recall_ls.core.sources.base import FileState

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
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
CREATE INDEX IF NOT EXISTS fragments_by_id ON fragments (id);
CREATE INDEX IF NOT EXISTS fragments_by_hash ON fragments (text_hash);
CREATE INDEX IF NOT EXISTS fragments_by_date ON fragments (created_at);
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,             -- float32 little-endian, L2-normalised
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hidden (id TEXT PRIMARY KEY, hidden_at TEXT NOT NULL);
"""

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
        elif row is not None and int(row[0]) != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {row[0]}, this Recall reads version {SCHEMA_VERSION}; "
                "move the index folder away to rebuild it"
            )

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
    ) -> SyncResult:
        """Make the store hold exactly ``fragments`` for ``source`` (or for ``only_paths`` of it).

        Rows belong to the ``source`` given here, whatever the fragments say. With
        ``remove_missing=False`` (a source read with errors) nothing is removed: a truncated file
        must not take what was stored from it.

        Unchanged fragments keep their number; changed texts get a new one; fragments no longer
        produced are removed. One transaction.
        """
        with self._lock, self._transaction():
            if only_paths is None:
                rows = self._db.execute("SELECT id, num, text_hash FROM fragments WHERE source = ?", (source,))
            else:
                paths = list(only_paths)
                rows = self._db.execute(
                    f"SELECT id, num, text_hash FROM fragments WHERE source = ? AND path IN ({_marks(paths)})",
                    (source, *paths),
                )
            existing = {fid: (num, digest) for fid, num, digest in rows.fetchall()}
            wanted = {f.id: f for f in fragments}
            removed = [existing[fid][0] for fid in existing.keys() - wanted.keys()] if remove_missing else []
            added: list[int] = []
            updated = 0
            for fragment in wanted.values():
                old = existing.get(fragment.id)
                if old is None:
                    added.append(self._insert(source, fragment))
                elif old[1] != fragment.text_hash:
                    removed.append(old[0])
                    self._delete_nums([old[0]])
                    added.append(self._insert(source, fragment))
                    updated += 1
                else:
                    self._update_fields(old[0], source, fragment)
            self._delete_nums(removed)
            failpoint("store-mid-transaction")
            for state in files:
                self._db.execute(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                    (state.path, source, state.size, state.mtime_ns),
                )
        return SyncResult(tuple(added), tuple(removed), updated)

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

    def _insert(self, source: str, f: Fragment) -> int:
        cursor = self._db.execute(
            "INSERT INTO fragments (id, source, kind, path, line_start, line_end, url, created_at, title,"
            " text, text_hash, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (f.id, source, f.kind, f.path, f.line_start, f.line_end, f.url, f.created_at, f.title,
             f.text, f.text_hash, _dump_meta(f.meta)),
        )
        keywords.add(self._db, cursor.lastrowid, f.text)  # same transaction: complete once the source is read
        return cursor.lastrowid

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

    def count_fragments(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM fragments").fetchone()[0]

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

    def salvage_embeddings(self, damaged: Path) -> int:
        """Copy every embedding that can still be read from a damaged database; returns how many."""
        kept = 0
        try:
            source = sqlite3.connect(f"file:{quote(str(damaged))}?mode=ro", uri=True)
        except sqlite3.DatabaseError:
            return 0
        try:
            cursor = source.execute("SELECT model, text_hash, vector FROM embeddings")
            while True:
                try:
                    rows = cursor.fetchmany(1000)
                except sqlite3.DatabaseError:
                    break  # the rest of the table is in damaged pages
                if not rows:
                    break
                with self._lock, self._transaction():
                    self._db.executemany("INSERT OR IGNORE INTO embeddings VALUES (?, ?, ?)", rows)
                kept += len(rows)
        except sqlite3.DatabaseError:
            pass
        finally:
            source.close()
        return kept

    def integrity_problem(self) -> str | None:
        """None when SQLite's quick check passes, else what it found."""
        try:
            with self._lock:
                result = self._db.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return None if result == "ok" else result


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _marks(items: Sequence) -> str:
    return ",".join("?" * len(items))


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _as_matrix(rows: Sequence[tuple[int, bytes]], dim: int) -> tuple[np.ndarray, np.ndarray]:
    nums = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), dim)
    return nums, matrix


def _dump_meta(meta: dict) -> str:
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":"), default=str)


def _row_to_fragment(row: tuple) -> Fragment:
    _num, fid, source, kind, path, line_start, line_end, url, created_at, title, text, meta = row
    return Fragment(fid, kind, text, source, path, line_start, line_end, url, created_at, title, json.loads(meta))


def open_store(index_dir: Path) -> tuple[Store, list[str]]:
    """Open the store, recovering from what can go wrong on disk. Returns the store and what the
    user must be told (once):

    - a damaged database is moved aside, a new one created, and the embeddings that can still be
      read are copied over (fragments come back from the sources, which are the truth);
    - a read-only index folder opens read-only: what is indexed is served, nothing is added.
    """
    index_dir = Path(index_dir)
    path = index_dir / DB_NAME
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
        return _rebuild_damaged(index_dir, str(exc.__cause__ or exc))
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


def _rebuild_damaged(index_dir: Path, damage: str) -> tuple[Store, list[str]]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = index_dir / f"{DB_NAME}.damaged-{stamp}"
    for suffix in ("", "-wal", "-shm"):
        source = index_dir / (DB_NAME + suffix)
        if source.exists():
            os.replace(source, Path(str(aside) + suffix))
    store = Store(index_dir)
    kept = store.salvage_embeddings(aside)
    message = (f"{index_dir / DB_NAME}: the index store was damaged ({damage}); it was moved to {aside.name} "
               f"and is rebuilt from your sources ({kept} embeddings could be kept)")
    return store, [message]


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` readable only by the user (past writing may include private notes)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
