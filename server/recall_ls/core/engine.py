"""The engine: related past writing for a text, and search for a query.

It reads a snapshot of the vector index and the store; it never writes. Results below the minimum
score are dropped (nothing is better than noise), identical or near-identical texts are collapsed
into the best of them, a self-thread and its posts are one item (the post shown in its place),
hidden fragments and the query's own fragment never show.

Two tiers answer (``ranking``): meaning (cosine in the vector index) and words (BM25 over the
store's keyword table, ``core/keywords.py``). ``hybrid`` takes the candidates of both and scores each
by its cosine lifted toward 1 by the share of the query's rare-word weight it holds (``lifted``): on
the cosine scale, never below the cosine. The gate keeps ``minScore``'s meaning: a candidate shows
when its cosine reaches it, or when its words carry ``KEYWORD_MIN_SHARE`` (and at least
``minScore``) of the query's rare-word weight. A fragment with no vector yet (the backlog), or any
under ``keyword`` ranking, scores that share; without the model, hybrid answers by words only.

Opt-in lifts for recency and engagement (``core/boosts.py``, bounded) are added after the gate and
reorder the candidates asked for; each hit keeps the parts of its score (``Hit.parts``, ``why``).
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Callable, Collection
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from recall_ls.core import keywords
from recall_ls.core.boosts import (
    BOOST_CAP,
    NO_BOOSTS,
    Boosts,
    Parts,
    explain,
    match_parts,
)
from recall_ls.core.defaults import (
    DEFAULT_MIN_SCORE,
    DEFAULT_RANKING,
    DEFAULT_TOP_K,
    KEYWORD_MIN_SHARE,
    KIND_MEANINGS,
    RANKINGS,
)
from recall_ls.core.embed import Embedder
from recall_ls.core.fragments import Fragment, Kind, normalize_for_hash
from recall_ls.core.index import VectorIndex
from recall_ls.core.keywords import KeywordQuery
from recall_ls.core.store import Store

# Two hits this close are the same thought said twice (a cross-post, a re-tweeted draft).
NEAR_DUPLICATE_COSINE = 0.97
_URL = re.compile(r"https?://\S+")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Hybrid's score: cos + KEYWORD_LIFT * share * (1 - cos). Chosen on STS Benchmark train drafts
# (bench/relevance_tune.py) over reciprocal rank fusion (k 10-60, weights 0.1-0.5), cosine plus a
# share or a normalised BM25; reported on held-out dev + test (bench/RESULTS.md "Relevance").
KEYWORD_LIFT = 0.3


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrow results by kind, ISO date range (inclusive, by prefix) and a glob on the file path."""

    kinds: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    path_glob: str | None = None

    def accept(self, fragment: Fragment) -> bool:
        if self.kinds and filter_kind(fragment) not in self.kinds:
            return False
        if self.since or self.until:
            date = fragment.written
            if not date:
                return False
            if self.since and date[: len(self.since)] < self.since:
                return False
            if self.until and date[: len(self.until)] > self.until:
                return False
        if self.path_glob and not fnmatch.fnmatch(fragment.path, self.path_glob):
            return False
        return True

    @property
    def narrowing_kinds(self) -> frozenset[str] | None:
        """The kinds kept when that narrows results; None when it does not: no kinds (``accept``
        keeps all), or all of them but likes, which are few and indexed only when asked for."""
        return self.kinds if self.kinds and not self.kinds >= _ALL_BUT_LIKES else None

    @property
    def active(self) -> bool:
        """Whether they narrow what shows (the editors say so): more than leaving out likes."""
        return bool(self.narrowing_kinds or self.since or self.until or self.path_glob)


_ALL_BUT_LIKES = frozenset(kind for kind in KIND_MEANINGS if kind != Kind.LIKE)


def filter_kind(fragment: Fragment) -> str:
    """The fragment's kind as the ``kinds`` filter sees it (``KIND_MEANINGS``): ``reply`` for a reply to
    someone else; a post continuing the author's own thread keeps its kind."""
    if fragment.meta.get("is_reply") and fragment.kind != Kind.THREAD:
        place = fragment.meta.get("thread")
        if not (isinstance(place, dict) and (place.get("position") or 0) > 1):
            return "reply"
    return fragment.kind


NO_FILTERS = Filters()


@dataclass(frozen=True, slots=True)
class Words:
    """The words tier's answer for a text (``Engine.words``): its keyword query, the ``asked`` best
    keyword matches (number, BM25) under ``ranking``, and their keyword shares."""

    text: str
    query: KeywordQuery
    asked: int
    ranking: str
    lexical: list[tuple[int, float]]
    shares: dict[int, float]

    def answers(self, text: str, asked: int, ranking: str) -> bool:
        return self.text == text and self.asked == asked and self.ranking == ranking


@dataclass(frozen=True, slots=True)
class Hit:
    fragment: Fragment
    score: float
    duplicates: int = 0
    # The fragment's own words that matched the query's (folded, plurals stemmed), in order of
    # first appearance; empty for a match by meaning alone.
    matched: tuple[str, ...] = ()
    # What the score is made of, in order (``core/boosts.py``): the match's cosine (``meaning``) and
    # keyword lift (``words``), then any opt-in lifts (``recent``, ``liked``); they add up to ``score``.
    parts: Parts = ()

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
            "matched": list(self.matched),
            "duplicates": self.duplicates,  # near-identical texts folded into this one
            "why": explain(self.parts),  # what made the score: "0.62 meaning · +0.03 recent"
            # Its self-thread, for a post of one or a whole one: {id, position, length, first}.
            "thread": f.meta.get("thread"),
        }


@dataclass(frozen=True, slots=True)
class Exclusions:
    """What must not come back for a query: its own fragment(s), by id, text or place. A ``path``
    without ``lines`` excludes the whole file."""

    ids: frozenset[str] = frozenset()
    # Texts as ``normalize_for_hash`` gives them: the same text whatever ``text_hash`` would say,
    # without hashing every candidate of every keystroke.
    texts: frozenset[str] = frozenset()
    path: str | None = None
    lines: tuple[int, int] | None = None

    def reject(self, fragment: Fragment) -> bool:
        if fragment.id in self.ids or (self.texts and normalize_for_hash(fragment.text) in self.texts):
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
    # How a query's text becomes a vector, when meaning is asked for and something is embedded:
    # by default the embedder (loading the model if it must); a server passes its own, which
    # never waits for the model (None: words alone answer) and reuses stored vectors.
    query_vectors: Callable[[str], np.ndarray | None] | None = None
    # Where ``search`` has a query's words searched while its vector is made: the model releases the
    # GIL while it runs, so on a second core the keyword tier adds nothing to the keystroke (a
    # server passes one thread for it). None: one after the other.
    words_beside: Executor | None = None

    def search(
        self,
        query: str,
        k: int = DEFAULT_TOP_K,
        min_score: float = DEFAULT_MIN_SCORE,
        filters: Filters = NO_FILTERS,
        exclude: Exclusions | None = None,
        ranking: str = DEFAULT_RANKING,
        *,
        own_text: bool = False,
        boosts: Boosts = NO_BOOSTS,
    ) -> list[Hit]:
        """Fragments closest to a short query, by ``ranking``. With ``own_text`` (the query is a text
        being written: ``related``) a fragment with the same text is that text itself and never shows."""
        if not query.strip():
            return []
        if own_text:
            own = frozenset({normalize_for_hash(query)})
            exclude = (Exclusions(texts=own) if exclude is None else
                       Exclusions(exclude.ids, exclude.texts | own, exclude.path, exclude.lines))
        words = self._words_beside(query, k, ranking)
        vector = self.query_vector(query, ranking)
        return self.rank(query, vector, k, min_score, filters, exclude, ranking, boosts=boosts,
                         words=words.result() if words is not None else None)

    def _words_beside(self, text: str, k: int, ranking: str) -> Future[Words] | None:
        """The words tier's first answer, under way on ``words_beside``; None where there is none
        (or it was shut down: the server is stopping, and this query's words are asked in turn)."""
        if self.words_beside is None or k <= 0:
            return None
        try:
            return self.words_beside.submit(self.words, text, first_ask(k), ranking)
        except RuntimeError:
            return None

    def related(self, text: str, *args: Any, **kwargs: Any) -> list[Hit]:
        """Past fragments related to a text being written: ``search`` (same arguments) with ``own_text``."""
        return self.search(text, *args, own_text=True, **kwargs)

    def query_vector(self, text: str, ranking: str) -> np.ndarray | None:
        """The text's vector, or None when meaning cannot help: keyword ranking, or nothing is
        embedded yet (so a search answers without loading the model)."""
        if ranking == "keyword" or self.snapshot().size == 0:
            return None
        if self.query_vectors is not None:
            return self.query_vectors(text)
        return self.embedder.encode_query(text)

    def fragment(self, fragment_id: str) -> Fragment | None:
        """A stored fragment by id (a result's details, an insertion), or None if it is gone."""
        stored = self.store.fragment_by_id(fragment_id)
        return stored.fragment if stored is not None else None

    def rank(
        self,
        text: str,
        vector: np.ndarray | None,
        k: int,
        min_score: float,
        filters: Filters = NO_FILTERS,
        exclude: Exclusions | None = None,
        ranking: str = DEFAULT_RANKING,
        *,
        boosts: Boosts = NO_BOOSTS,
        words: Words | None = None,
    ) -> list[Hit]:
        """The ranking itself, for callers that already hold the query's vector (None: by words).
        ``boosts`` reorder the candidates asked for (see ``core/boosts.py`` for what that leaves out);
        ``words``: the words tier's first answer (``words``), when already asked."""
        if ranking not in RANKINGS:
            raise ValueError(f"unknown ranking {ranking!r}: expected one of {', '.join(RANKINGS)}")
        if k <= 0:
            return []
        asked = first_ask(k)
        if words is None or not words.answers(text, asked, ranking):
            words = self.words(text, asked, ranking)
        query, shares = words.query, dict(words.shares)
        index = self.snapshot()
        meaning = vector is not None and ranking != "keyword" and index.size > 0
        by_words = ranking != "semantic" and bool(query.kept)
        if not (meaning or by_words):
            return []
        hidden = self.hidden()
        lexical = words.lexical
        while True:
            near = index.search(vector, asked) if meaning else []
            candidates = self._fuse(near, lexical, index, vector, query, min_score, ranking, shares)
            hits = self._hits(candidates, boosts, index, k, filters, exclude, hidden)
            near_done = not meaning or len(near) < asked or asked >= index.size or near[-1][1] < min_score
            if len(hits) >= k or (near_done and len(lexical) < asked):
                return [replace(h, matched=keywords.matched_words(h.fragment.text, query)) for h in hits]
            asked *= 4
            lexical = self.store.keyword_search(query, asked) if by_words else []

    def words(self, text: str, asked: int, ranking: str) -> Words:
        """The words tier for a text: its rare keys, the ``asked`` best keyword matches and their
        keyword shares. Needs no vector: ``search`` runs it while the vector is made."""
        query = self.store.keyword_query(text)
        lexical = self.store.keyword_search(query, asked) if ranking != "semantic" and query.kept else []
        shares = self._keyword_shares([num for num, _ in lexical], query) if ranking != "semantic" else {}
        return Words(text, query, asked, ranking, lexical, shares)

    def nearest(
        self,
        vector: np.ndarray,
        k: int,
        min_score: float,
        filters: Filters = NO_FILTERS,
        exclude: Exclusions | None = None,
        *,
        boosts: Boosts = NO_BOOSTS,
    ) -> list[Hit]:
        """By meaning alone, for callers that hold only a vector (no text, so no words)."""
        index = self.snapshot()
        if index.size == 0 or k <= 0:
            return []
        hidden = self.hidden()
        asked = first_ask(k)
        while True:
            candidates = [(num, score, match_parts(score, score)) for num, score in index.search(vector, asked)
                          if score >= min_score]
            hits = self._hits(candidates, boosts, index, k, filters, exclude, hidden)
            exhausted = len(candidates) < asked or asked >= index.size
            if len(hits) >= k or exhausted:
                return hits
            asked *= 4

    def _fuse(self, near, lexical, index, vector, query: KeywordQuery, min_score: float, ranking: str,
              shares: dict[int, float]):
        """(number, score, parts) of the candidates that pass the gate, best first. The score is on
        the cosine scale: the cosine (``semantic``), the keyword share (``keyword``), the lifted cosine
        (``hybrid``; the share for a fragment with no vector yet). ``shares``: the keyword shares
        known so far, completed here."""
        cosine = dict(near) if ranking != "keyword" else {}
        if vector is not None and ranking != "keyword":
            cosine |= index.cosines([num for num, _ in lexical if num not in cosine], vector)
        nums = list(dict.fromkeys([n for n, _ in near] + [n for n, _ in lexical]))
        if ranking != "semantic":
            shares |= self._keyword_shares([num for num in nums if num not in shares], query)
        passed = gate(nums, cosine, shares, min_score)
        if ranking == "keyword":
            return [(num, passed[num], match_parts(passed[num], None)) for num, _ in lexical if num in passed]
        ranked = sorted(passed.items(), key=lambda item: -item[1])
        return [(num, score, match_parts(score, cosine.get(num))) for num, score in ranked]

    def _hits(self, candidates, boosts: Boosts, index, k, filters, exclude, hidden) -> list[Hit]:
        """The first ``k`` items of the candidates (best first by their match), in the order their
        lifts make. Rows are read a page at a time, as ``_resolve`` does: a candidate not read yet can
        rise at most ``BOOST_CAP`` above its match, so the read ones lifted past that bound are sure of
        their place; once they make ``k`` items the rest is never read."""
        if not boosts.active:
            return self._resolve(candidates, None, index, k, filters, exclude, hidden)
        boosts = boosts.at_query()
        read: dict[int, Fragment] = {}
        lifted: list = []
        page = _page(k)
        for start in range(0, len(candidates), page):
            chunk = candidates[start : start + page]
            read |= self.store.fragments_by_num([num for num, _, _ in chunk])
            for num, score, parts in chunk:
                if shown(read.get(num), filters, exclude, hidden):  # the others: never lifted, never sorted
                    lifts = boosts.lifts(read[num])
                    lifted.append((num, score + sum(lift for _, lift in lifts), parts + lifts))
            rest = start + page < len(candidates)
            # Keyword ranking lists its candidates in BM25's order, not by score: the best of the rest.
            bound = max(score for _, score, _ in candidates[start + page :]) + BOOST_CAP if rest else -math.inf
            sure = sorted((c for c in lifted if c[1] > bound), key=lambda candidate: -candidate[1])
            if len(sure) < k and rest:
                continue  # fewer than k sure of their place cannot make k items: read on
            hits = self._resolve(sure, read, index, k, filters, exclude, hidden)
            if len(hits) >= k or not rest:
                return hits
        return []

    def _keyword_shares(self, nums: list[int], query: KeywordQuery) -> dict[int, float]:
        """Each fragment's share of the query's rare-word weight, from its stored keys."""
        if not nums:
            return {}
        return {num: query.strength(query.held_by(keys)) for num, keys in self.store.keyword_keys(nums).items()}

    def _resolve(self, candidates, read, index, k, filters, exclude, hidden) -> list[Hit]:
        """The first ``k`` items of the candidates (best first): hidden, filtered out and excluded ones
        dropped, a thread and its posts one item, near-duplicates folded. ``read``: their rows, when
        already read (else read here a page at a time: most queries are done within the first)."""
        kept: list[tuple[Hit, str, np.ndarray | None]] = []
        threads: dict[str, int] = {}  # thread id -> its place in ``kept``
        page = _page(k)
        for start in range(0, len(candidates), page):
            chunk = candidates[start : start + page]
            rows = read if read is not None else self.store.fragments_by_num([num for num, _, _ in chunk])
            for num, score, parts in chunk:
                fragment = rows.get(num)
                if not shown(fragment, filters, exclude, hidden):
                    continue
                thread = thread_id(fragment)
                if thread in threads:  # a thread and its posts are one item: the first came better
                    hit, key, vector = kept[threads[thread]]
                    kept[threads[thread]] = (in_its_thread(hit, fragment), key, vector)
                    continue
                key = dedupe_key(fragment.text)
                vector = index.vector(num)
                twin = _find_duplicate(kept, key, vector)
                if twin is not None:
                    hit, twin_key, twin_vector = kept[twin]
                    kept[twin] = (replace(hit, duplicates=hit.duplicates + 1), twin_key, twin_vector)
                    continue
                if thread is not None:
                    threads[thread] = len(kept)
                kept.append((Hit(fragment, float(score), parts=parts), key, vector))
                if len(kept) >= k:
                    return [hit for hit, _, _ in kept]
        return [hit for hit, _, _ in kept]


def shown(fragment: Fragment | None, filters: Filters, exclude: Exclusions | None, hidden: Collection[str]) -> bool:
    """Whether a fragment may show in a list (related items, gems): still stored, not hidden, kept by
    the filters, not excluded."""
    if fragment is None or fragment.id in hidden or not filters.accept(fragment):
        return False
    return exclude is None or not exclude.reject(fragment)


def _page(k: int) -> int:
    """How many candidates' rows are read at once: enough for most queries to finish in the first."""
    return 2 * k + 4


def first_ask(k: int) -> int:
    """How many candidates each tier is first asked for, to show ``k``: more than k, since some are
    deleted, hidden, filtered, excluded or duplicates. Filters do not widen it: when too few survive,
    the ranking asks four times more. Most filters keep much of the corpus (a date range, tweets and
    notes), and asking 12k first put their keystroke path over its bar at 100k (bench/RESULTS.md,
    issue 13); a narrow one (notes among 100k tweets) pays one more round instead."""
    return k * 4 + 16


def gate(nums: list[int], cosine: dict[int, float], share: dict[int, float], min_score: float) -> dict[int, float]:
    """The score of each candidate that passes, as calibrated (bench/RESULTS.md): it passes when its
    cosine reaches ``min_score`` or its words carry ``KEYWORD_MIN_SHARE`` (and ``min_score``) of the
    query's rare-word weight. Scored by its cosine lifted by that share; one related by its words
    alone scores at least ``min_score``; one with no cosine (no vector yet, or keyword ranking),
    its share. Applying ``min_score`` to the lifted score instead let more unrelated text through."""
    floor = max(min_score, KEYWORD_MIN_SHARE)
    passed: dict[int, float] = {}
    for num in nums:
        by_words = share.get(num, 0.0)
        if num not in cosine:
            if by_words >= floor:
                passed[num] = by_words
        elif cosine[num] >= min_score:
            passed[num] = lifted(cosine[num], by_words)
        elif by_words >= floor:
            passed[num] = max(lifted(cosine[num], by_words), min_score)
    return passed


def lifted(cosine: float, share: float) -> float:
    """Hybrid's score of a fragment with a vector: its cosine, lifted toward 1 by ``share`` (the
    query's rare-word weight it holds, 0 to 1). Never below the cosine, never above 1."""
    return cosine + KEYWORD_LIFT * share * (1.0 - cosine)


def thread_id(fragment: Fragment) -> str | None:
    """The self-thread a fragment belongs to (a post of it, or the thread's own fragment)."""
    thread = fragment.meta.get("thread")
    return thread.get("id") if isinstance(thread, dict) else None


def in_its_thread(hit: Hit, other: Fragment) -> Hit:
    """One item for a thread hit and a hit on one of its posts: the better score (``hit``'s, which
    ranked first), showing the post in its place in the thread rather than the whole thread."""
    if hit.fragment.kind == Kind.THREAD and other.kind != Kind.THREAD:
        return replace(hit, fragment=other)
    return hit


def dedupe_key(text: str) -> str:
    """Texts equal once links, punctuation, case and spacing are ignored are the same text."""
    return _NOT_WORD.sub(" ", _URL.sub(" ", text.casefold())).strip()


def _find_duplicate(kept, key: str, vector: np.ndarray | None) -> int | None:
    for position, (_, other_key, other_vector) in enumerate(kept):
        if key and key == other_key:
            return position
        if vector is not None and other_vector is not None and float(vector @ other_vector) >= NEAR_DUPLICATE_COSINE:
            return position
    return None
