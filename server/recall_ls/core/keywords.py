"""The keyword tier: an SQLite FTS5 table of every fragment's words, kept by the store.

Words are cut and folded here, in Python, the same way for fragments and queries; FTS5 stores the
folded keys (its ``ascii`` tokenizer splits them at spaces only, since keys hold no ASCII
punctuation) and ranks with BM25. Cutting in one place is what makes ``matched_words`` sound: a
fragment's word matched when its key is one of the query's, so the word is shown as the fragment
wrote it.

- A word is a run of letters, digits and combining marks; links are not words. Latin-script words
  lose their accents and case (``Café`` -> ``cafe``) and English plurals (Lucene's minimal English
  stemmer: ``notes`` -> ``note``, ``stories`` -> ``story``).
- Chinese, Japanese and Korean runs have no spaces: they are cut into overlapping two-character
  keys (Lucene's CJK bigrams), plus the run's last character alone, so every character starts a
  key and a one-character query word finds its character as a key prefix.
- A query keeps its rarest keys only (document frequency from an ``fts5vocab`` table): a draft
  paragraph OR-ed whole would make FTS5 score most of the corpus. Keys are always quoted in the
  MATCH expression: FTS5 syntax in the user's text (``"``, ``*``, ``NEAR(``, ``AND``) is words.

The table is rebuilt from the fragments when it is missing (an index made before it existed),
damaged (FTS5's integrity check fails) or out of step with the fragments.
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

TABLE = "keywords"
VOCAB = "keywords_vocab"
# The rarest keys of a query that are searched, and the documents their postings may add up to:
# measured at 100k tweets, this keeps the keyword search under 5 ms (bench/RESULTS.md).
MAX_QUERY_KEYS = 8
POSTINGS_BUDGET = 1_500
# A key in more documents than this share of the corpus says nothing about any of them.
COMMON_SHARE = 0.05
COMMON_MIN_DOCS = 50
# Query words looked up at all: a 100 KB paragraph is cut to its first this many distinct keys.
MAX_DISTINCT_KEYS = 512
MAX_KEY_CHARS = 64

_URL = re.compile(r"https?://\S+|www\.\S+")
# Letters and digits (``[^\W_]``) and the combining marks that belong inside words of many scripts.
_MARKS = ("\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
          "\u0900-\u0963\u0966-\u0dff\u0e31-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
          "\u3099\u309a\ufe20-\ufe2f")
_WORD = re.compile(f"(?:[^\\W_]|[{_MARKS}])+")
# The same words as _WORD once "_" is a space: one character class runs faster than the alternation.
_WORD_RUN = re.compile(f"[\\w{_MARKS}]+")
# ASCII punctuation, symbols, spaces and "_" to a space: what is left of an ASCII text is its words.
_ASCII_SPACES = {code: " " for code in range(128) if not chr(code).isalnum()}
_CJK_CHARS = ("\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
              "\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff")
_CJK_SPLIT = re.compile(f"([{_CJK_CHARS}\u3099\u309a]+)")
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]")

SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(keys, tokenize = 'ascii');
CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab({TABLE}, 'row');
"""


@dataclass(frozen=True, slots=True)
class Term:
    """One key of a text and where its word sits in the text (``text[start:end]``)."""

    key: str
    start: int
    end: int


def terms(text: str, query: bool = False) -> list[Term]:
    """The keys of a text in order, with their places. A query's CJK run of several characters
    has no key for its last character alone (only documents need one, for one-character queries)."""
    out: list[Term] = []
    text = _URL.sub(lambda m: " " * len(m.group()), text)
    for match in _WORD.finditer(text):
        word, base = match.group(), match.start()
        if not _CJK_RUN.search(word):
            _add_word(out, word, base)
            continue
        offset = base
        for part in _CJK_SPLIT.split(word):
            if part and _CJK_RUN.match(part):
                _add_cjk(out, part, offset, tail=not query or len(part) == 1)
            elif part:
                _add_word(out, part, offset)
            offset += len(part)
    return out


def _add_word(out: list[Term], word: str, start: int) -> None:
    key = _word_key(word)
    if key:
        out.append(Term(key, start, start + len(word)))


def _add_cjk(out: list[Term], run: str, start: int, tail: bool) -> None:
    folded = unicodedata.normalize("NFKC", run)
    if len(folded) != len(run):  # a combining sound mark merged: keep places exact, key the raw run
        folded = run
    for i in range(len(folded) if tail else len(folded) - 1):
        out.append(Term(folded[i : i + 2], start + i, start + min(i + 2, len(folded))))


def is_cjk(word: str) -> bool:
    """Holds Chinese, Japanese or Korean characters (words not set apart by spaces)."""
    return bool(_CJK_RUN.search(word))


def fold(word: str) -> str:
    """Accents and case away: ``Café`` and ``CAFE`` are ``cafe``; ``Straße`` is ``strasse``."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def stem(word: str) -> str:
    """Lucene's EnglishMinimalStemmer: plural ``s``, ``ies`` -> ``y``; nothing else."""
    if len(word) < 3 or word[-1] != "s" or not word.isascii():
        return word
    before = word[-2]
    if before in "us":
        return word
    if before == "e":
        if len(word) > 3 and word[-3] == "i" and word[-4] not in "ae":
            return word[:-3] + "y"
        if word[-3] in "iaoe":
            return word
    return word[:-1]


def index_keys(text: str) -> str:
    """What the FTS5 table holds for a text: its keys, space-separated (as ``terms`` gives them).

    Every fragment of a source goes through here while it is stored, before it is searchable: texts
    without CJK take a path with no places to keep and each distinct word folded once (100k tweets:
    12 s -> a few; bench/RESULTS.md); ASCII texts (most tweets) are cut by ``str.translate`` and
    lowered whole, 1.5x faster again."""
    if text.isascii():
        if "://" in text or "www." in text:  # every match of _URL holds one
            text = _URL.sub(" ", text)
        return " ".join(filter(None, map(_word_key, text.translate(_ASCII_SPACES).lower().split())))
    if _CJK_RUN.search(text):
        return " ".join(t.key for t in terms(text))
    return " ".join(filter(None, map(_word_key, _WORD_RUN.findall(_URL.sub(" ", text).replace("_", " ")))))


@lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str:
    key = stem(fold(word))
    return key if len(key) <= MAX_KEY_CHARS else ""


# -- queries --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeywordQuery:
    """The part of a query the keyword tier searches.

    ``weights`` holds the inverse document frequency of every distinct key of the query; ``kept``
    are the rare keys searched and shown as matched (a one-character CJK word is kept as a prefix).
    """

    kept: tuple[str, ...]
    prefixes: frozenset[str]
    weights: dict[str, float]
    mass: float

    @property
    def match(self) -> str:
        """The FTS5 MATCH expression: every key quoted, so nothing in it is FTS5 syntax."""
        return " OR ".join('"' + key.replace('"', '""') + '"' + ("*" if key in self.prefixes else "")
                           for key in self.kept)

    def held_by(self, keys: str) -> set[str]:
        """The query's keys (any of its weighed keys; a prefix key by a key it starts) among a
        fragment's stored ``keys`` (space-separated, as ``index_keys`` makes them)."""
        present = set(keys.split())
        held = self.weights.keys() & present
        if self.prefixes:
            held |= self.prefixes & {key[:1] for key in present}
        return held

    def strength(self, keys: Iterable[str]) -> float:
        """The share of the query's IDF mass that these matched keys carry (0 to 1)."""
        if self.mass <= 0:
            return 0.0
        return min(1.0, sum(self.weights.get(k, 0.0) for k in set(keys)) / self.mass)

    def matched_terms(self, text: str) -> list[Term]:
        """The terms of ``text`` that match a kept key."""
        kept = set(self.kept)
        found = []
        for term in terms(text):
            if term.key in kept:
                found.append(term)
            elif self.prefixes and term.key[:1] in self.prefixes:
                found.append(Term(term.key[:1], term.start, term.start + 1))
        return found


NO_KEYWORDS = KeywordQuery((), frozenset(), {}, 0.0)


class Frequencies:
    """Document frequencies of common keys, remembered. FTS5 counts a key's documents by walking its
    postings: ~0.5 ms for a word in most of 100k tweets, and a draft paragraph repeats such words at
    every keystroke. Rare keys are cheap to count and change meaning with one new fragment, so only
    keys in ``REMEMBER_FROM`` documents or more are kept; all are forgotten when the corpus size
    moves by ``FORGET_SHARE``."""

    REMEMBER_FROM = 50
    FORGET_SHARE = 0.05
    MAX_KEYS = 50_000

    def __init__(self) -> None:
        self._known: dict[str, int] = {}
        self._size = 0
        self._lock = threading.Lock()

    def lookup(self, db: sqlite3.Connection, keys: dict[str, bool], total: int) -> dict[str, int]:
        with self._lock:
            if abs(total - self._size) > self.FORGET_SHARE * self._size or len(self._known) > self.MAX_KEYS:
                self._known, self._size = {}, total
            known = {k: self._known[k] for k in keys if k in self._known}
        counted = document_frequency(db, {k: p for k, p in keys.items() if k not in known})
        with self._lock:
            self._known.update((k, n) for k, n in counted.items() if n >= self.REMEMBER_FROM)
        return known | counted


def plan(db: sqlite3.Connection, text: str, frequencies: Frequencies | None = None) -> KeywordQuery:
    """Choose the keys of ``text`` to search: known to the corpus, not common, rarest first."""
    keys: dict[str, bool] = {}  # key -> is a one-character CJK word (searched as a prefix)
    for word in _query_terms(text):
        keys.setdefault(word.key, len(word.key) == 1 and bool(_CJK_RUN.match(word.key)))
        if len(keys) >= MAX_DISTINCT_KEYS:
            break
    if not keys:
        return NO_KEYWORDS
    total = corpus_size(db)
    frequency = (frequencies or Frequencies()).lookup(db, keys, total)
    weights = {key: _idf(frequency.get(key, 0), total) for key in keys}
    common = max(COMMON_MIN_DOCS, COMMON_SHARE * total)
    candidates = sorted((frequency[k], k) for k in keys if 0 < frequency.get(k, 0) <= common)
    kept: list[str] = []
    postings = 0
    for df, key in candidates[:MAX_QUERY_KEYS]:
        if kept and postings + df > POSTINGS_BUDGET:
            break
        kept.append(key)
        postings += df
    prefixes = frozenset(k for k in kept if keys[k])
    return KeywordQuery(tuple(kept), prefixes, weights, sum(weights.values()))


def _query_terms(text: str) -> list[Term]:
    return terms(unicodedata.normalize("NFC", text), query=True)


def _idf(df: int, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def corpus_size(db: sqlite3.Connection) -> int:
    """How many fragments the table holds. FTS5 keeps the count as the first varint of its
    "averages" record (``_data`` row 1); counting ``_docsize`` rows instead took ~8 ms at 100k."""
    row = db.execute(f"SELECT block FROM {TABLE}_data WHERE id = 1").fetchone()
    if not row or not row[0]:
        return 0
    value = 0
    for position, byte in enumerate(row[0][:9]):
        if position == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value
    return value


def document_frequency(db: sqlite3.Connection, keys: dict[str, bool]) -> dict[str, int]:
    """How many fragments hold each key (for a prefix key: the sum over the keys it starts)."""
    found: dict[str, int] = {}
    exact = [k for k, prefix in keys.items() if not prefix]
    for start in range(0, len(exact), 500):
        chunk = exact[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(db.execute(f"SELECT term, doc FROM {VOCAB} WHERE term IN ({marks})", chunk).fetchall())
    for key in (k for k, prefix in keys.items() if prefix):
        row = db.execute(f"SELECT sum(doc) FROM {VOCAB} WHERE term >= ? AND term < ?", (key, key + "\U0010ffff"))
        found[key] = int(row.fetchone()[0] or 0)
    return found


def search(db: sqlite3.Connection, query: KeywordQuery, limit: int) -> list[tuple[int, float]]:
    """(fragment number, BM25 score, higher is better), best first."""
    if not query.kept or limit <= 0:
        return []
    rows = db.execute(
        f"SELECT rowid, -rank FROM {TABLE} WHERE {TABLE} MATCH ? ORDER BY rank LIMIT ?", (query.match, limit)
    ).fetchall()
    return [(int(num), float(score)) for num, score in rows]


def keys_of(db: sqlite3.Connection, nums: Sequence[int]) -> dict[int, str]:
    """The stored keys of these fragments."""
    found: dict[int, str] = {}
    for start in range(0, len(nums), 500):
        chunk = list(nums[start : start + 500])
        marks = ",".join("?" * len(chunk))
        found.update(db.execute(f"SELECT rowid, keys FROM {TABLE} WHERE rowid IN ({marks})", chunk).fetchall())
    return found


def matched_words(text: str, query: KeywordQuery) -> tuple[str, ...]:
    """The fragment's own words that matched the query, in order of first appearance, once each.

    Overlapping CJK keys join into one run of the text (``東京`` + ``京タ`` -> ``東京タ``)."""
    # Most hits of a draft hold none of its rare keys: their keys (cut the fast way, the same keys as
    # ``terms``) say so without placing every word.
    if not query.kept or query.held_by(index_keys(text)).isdisjoint(query.kept):
        return ()
    spans: list[list[int]] = []
    for term in query.matched_terms(text):
        if spans and term.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], term.end)
        else:
            spans.append([term.start, term.end])
    words: dict[str, None] = {}
    for start, end in spans:
        words.setdefault(text[start:end], None)
    return tuple(words)


# -- the table ------------------------------------------------------------------------------------


def add(db: sqlite3.Connection, texts: Iterable[tuple[int, str]]) -> None:
    """Index these (number, text) pairs: one statement for a whole source, not one per fragment."""
    db.executemany(f"INSERT INTO {TABLE} (rowid, keys) VALUES (?, ?)", ((num, index_keys(t)) for num, t in texts))


def remove(db: sqlite3.Connection, nums: Sequence[int]) -> None:
    marks = ",".join("?" * len(nums))
    db.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", list(nums))


def problem(db: sqlite3.Connection) -> str | None:
    """Why the table cannot be trusted (missing, damaged, out of step), or None."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (TABLE,)).fetchone()
    if not exists:
        return "missing"
    try:
        db.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('integrity-check', 0)")
        stored = corpus_size(db)
        fragments = db.execute("SELECT count(*) FROM fragments").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return f"damaged ({exc})"
    return None if stored == fragments else f"out of step ({stored} of {fragments} fragments)"


def rebuild(db: sqlite3.Connection) -> int:
    """Drop the table (and whatever is left of it) and fill a new one from the fragments. The caller
    holds a transaction. Returns how many fragments it holds."""
    for name in (VOCAB, TABLE):
        db.execute(f"DROP TABLE IF EXISTS {name}")
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    rows = db.execute("SELECT num, text FROM fragments").fetchall()
    db.executemany(f"INSERT INTO {TABLE} (rowid, keys) VALUES (?, ?)", ((n, index_keys(t)) for n, t in rows))
    return len(rows)
