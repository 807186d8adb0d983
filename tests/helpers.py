"""Test helpers: a tiny deterministic embedder and fragment builders.

The hashing embedder maps each word to a fixed random direction, so texts sharing words are close.
It is for plumbing and ranking tests; anything about meaning uses the real model.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from recall_ls.core.fragments import Fragment, Kind


class HashingEmbedder:
    """Duck-types ``recall_ls.core.embed.Embedder``."""

    def __init__(self, dim: int = 64, key: str = "hashing-test@1") -> None:
        self.dim = dim
        self.key = key
        self.loaded = True
        self.encoded: list[str] = []  # every text ever encoded, to assert nothing is embedded twice

    def load(self) -> None:
        pass

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)

    def _one(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            vector += self._word(word)
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode(self, texts, progress=None) -> np.ndarray:
        self.encoded.extend(texts)
        out = np.stack([self._one(t) for t in texts]) if texts else np.empty((0, self.dim), np.float32)
        if progress:
            progress(len(texts), len(texts))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self._one(text)


def fragment(fid: str, text: str, *, kind: str = Kind.TWEET, source: str = "/src", path: str = "/src/tweets.js",
             created_at: str | None = "2024-01-01T00:00:00+00:00", line: int | None = None, **meta) -> Fragment:
    return Fragment(fid, kind, text, source, path, line, line, None, created_at, None, meta)


def refuse(monkeypatch, owner, name: str, path) -> None:
    """Make ``owner.<name>(path)`` raise PermissionError for this one path, as a file or folder
    without permissions would (tests run as root, whom chmod does not stop)."""
    real = getattr(owner, name)

    def guarded(target, *args, **kwargs):
        if str(target) == str(path):
            raise PermissionError(13, "Permission denied")
        return real(target, *args, **kwargs)

    monkeypatch.setattr(owner, name, guarded)


def embedded_indexer(index_dir, texts: dict[str, str]):
    """A store and indexer (exact tier only) holding these tweets, every one embedded by the hashing
    embedder: where engine tests start from."""
    from recall_ls.core.indexing import Indexer
    from recall_ls.core.store import Store

    store = Store(index_dir)
    indexer = Indexer(store, HashingEmbedder(), ann_min_items=10_000)
    indexer.apply("/src", [fragment(fid, text) for fid, text in texts.items()])
    indexer.open()
    indexer.embed_missing()
    return store, indexer
