"""The engine: related past writing for a text, and search for a query.

It reads a snapshot of the vector index and the store; it never writes. Results below the minimum
score are dropped (nothing is better than noise), identical or near-identical texts are collapsed
into the best of them, hidden fragments and the query's own fragment never show.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import numpy as np

from recall_ls.core.defaults import DEFAULT_MIN_SCORE, DEFAULT_TOP_K
from recall_ls.core.embed import Embedder
from recall_ls.core.fragments import Fragment, text_hash
from recall_ls.core.index import VectorIndex
from recall_ls.core.store import Store

# Two hits this close are the same thought said twice (a cross-post, a re-tweeted draft).
NEAR_DUPLICATE_COSINE = 0.97
_URL = re.compile(r"https?://\S+")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrow results by kind, ISO date range (inclusive, by prefix) and a glob on the file path."""

    kinds: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    path_glob: str | None = None

    def accept(self, fragment: Fragment) -> bool:
        if self.kinds and fragment.kind not in self.kinds:
            return False
        if self.since or self.until:
            date = fragment.created_at or fragment.meta.get("mtime")
            if date is None:
                return False
            if self.since and date[: len(self.since)] < self.since:
                return False
            if self.until and date[: len(self.until)] > self.until:
                return False
        if self.path_glob and not fnmatch.fnmatch(fragment.path, self.path_glob):
            return False
        return True

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.since or self.until or self.path_glob)


NO_FILTERS = Filters()


@dataclass(frozen=True, slots=True)
class Hit:
    fragment: Fragment
    score: float
    duplicates: int = 0

    def to_dict(self) -> dict:
        f = self.fragment
        return {
            "id": f.id,
            "score": round(self.score, 4),
            "text": f.text,
            "kind": f.kind,
            "source": f.source,
            "location": f.location,
            "url": f.url,
            "created_at": f.created_at,
            "title": f.title,
        }


@dataclass(frozen=True, slots=True)
class Exclusions:
    """What must not come back for a query: its own fragment(s), by id, text or place. A ``path``
    without ``lines`` excludes the whole file."""

    ids: frozenset[str] = frozenset()
    text_hashes: frozenset[str] = frozenset()
    path: str | None = None
    lines: tuple[int, int] | None = None

    def reject(self, fragment: Fragment) -> bool:
        if fragment.id in self.ids or fragment.text_hash in self.text_hashes:
            return True
        if self.path is None or fragment.path != self.path:
            return False
        if self.lines is None:
            return True
        if not fragment.line_start:
            return False
        start, end = self.lines
        return fragment.line_start <= end and (fragment.line_end or fragment.line_start) >= start


@dataclass
class Engine:
    """Answers queries over whatever ``snapshot()`` returns at the moment of the query."""

    store: Store
    embedder: Embedder
    snapshot: Callable[[], VectorIndex]
    hidden: Callable[[], Collection[str]] = field(default=lambda: ())

    def search(
        self,
        query: str,
        k: int = DEFAULT_TOP_K,
        min_score: float = DEFAULT_MIN_SCORE,
        filters: Filters = NO_FILTERS,
        exclude: Exclusions | None = None,
    ) -> list[Hit]:
        """Fragments closest in meaning to a short query."""
        if not query.strip():
            return []
        return self.nearest(self.embedder.encode_query(query), k, min_score, filters, exclude)

    def related(
        self,
        text: str,
        k: int = DEFAULT_TOP_K,
        min_score: float = DEFAULT_MIN_SCORE,
        filters: Filters = NO_FILTERS,
        exclude: Exclusions | None = None,
    ) -> list[Hit]:
        """Past fragments related to a text being written; a fragment with the same text is the
        text itself and never shows."""
        if not text.strip():
            return []
        own = Exclusions(text_hashes=frozenset({text_hash(text)}))
        if exclude is not None:
            own = Exclusions(exclude.ids, exclude.text_hashes | own.text_hashes, exclude.path, exclude.lines)
        return self.nearest(self.embedder.encode_query(text), k, min_score, filters, own)

    def nearest(
        self,
        vector: np.ndarray,
        k: int,
        min_score: float,
        filters: Filters = NO_FILTERS,
        exclude: Exclusions | None = None,
    ) -> list[Hit]:
        """The ranking itself, for callers that already hold the query's vector."""
        index = self.snapshot()
        if index.size == 0 or k <= 0:
            return []
        hidden = self.hidden()
        # Ask for more than k: some numbers are deleted, hidden, filtered, excluded or duplicates.
        asked = k * (12 if filters.active else 4) + 16
        while True:
            candidates = [(num, score) for num, score in index.search(vector, asked) if score >= min_score]
            hits = self._resolve(candidates, index, k, filters, exclude, hidden)
            exhausted = len(candidates) < asked or asked >= index.size
            if len(hits) >= k or exhausted:
                return hits
            asked *= 4

    def _resolve(self, candidates, index, k, filters, exclude, hidden) -> list[Hit]:
        kept: list[tuple[Hit, str, np.ndarray | None]] = []
        # Rows are read a page at a time, best first: most queries are done within the first page.
        page = 2 * k + 4
        for start in range(0, len(candidates), page):
            rows = self.store.fragments_by_num([num for num, _ in candidates[start : start + page]])
            for num, score in candidates[start : start + page]:
                fragment = rows.get(num)
                if fragment is None or fragment.id in hidden or not filters.accept(fragment):
                    continue
                if exclude is not None and exclude.reject(fragment):
                    continue
                key = _dedupe_key(fragment.text)
                vector = index.vector(num)
                twin = _find_duplicate(kept, key, vector)
                if twin is not None:
                    hit, twin_key, twin_vector = kept[twin]
                    kept[twin] = (Hit(hit.fragment, hit.score, hit.duplicates + 1), twin_key, twin_vector)
                    continue
                kept.append((Hit(fragment, float(score)), key, vector))
                if len(kept) >= k:
                    return [hit for hit, _, _ in kept]
        return [hit for hit, _, _ in kept]


def _dedupe_key(text: str) -> str:
    """Texts equal once links, punctuation, case and spacing are ignored are the same text."""
    return _NOT_WORD.sub(" ", _URL.sub(" ", text.casefold())).strip()


def _find_duplicate(kept, key: str, vector: np.ndarray | None) -> int | None:
    for position, (_, other_key, other_vector) in enumerate(kept):
        if key and key == other_key:
            return position
        if vector is not None and other_vector is not None and float(vector @ other_vector) >= NEAR_DUPLICATE_COSINE:
            return position
    return None
