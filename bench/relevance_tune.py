"""Choose hybrid ranking's fusion by measurement, on one STS split, without touching the held-out ones.

    .venv/bin/python bench/relevance_bench.py --splits train,dev,test --drafts dev,test --index-dir /tmp/rel
    .venv/bin/python bench/relevance_tune.py --index-dir /tmp/rel --drafts train      # tune here
    .venv/bin/python bench/relevance_tune.py --index-dir /tmp/rel --drafts dev,test   # then check once

The index is the one ``relevance_bench.py`` built (the same archive, the same model). Each draft is
asked once of both tiers, deep (the meaning tier's nearest, exactly; the keyword tier's BM25 best),
with every candidate's cosine, BM25 score and keyword share (``Engine._keyword_shares``), and then
every fusion below is replayed over those candidates, offline: the engine's own exclusion (the
draft's own text), collapsing of identical and near-identical texts (its ``_dedupe_key`` and
``NEAR_DUPLICATE_COSINE``) and gate (``minScore``, ``KEYWORD_MIN_SHARE``), top 10. recall@10 and
MRR@10 as ``relevance_bench.py`` counts them. The chosen fusion is then measured through the engine
by ``relevance_bench.py``; this script only ranks the alternatives.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from relevance_bench import K, labelled_pairs, normal  # noqa: E402
from recall_ls.core.defaults import KEYWORD_MIN_SHARE  # noqa: E402
from recall_ls.core.engine import NEAR_DUPLICATE_COSINE, _dedupe_key  # noqa: E402
from recall_ls.core.fragments import text_hash  # noqa: E402
from recall_ls.core.session import Session  # noqa: E402

# Deep enough for every depth tried (the engine asks 4k + 16 = 56 of each tier for k = 10).
DEEPEST = 200


@dataclass
class Draft:
    """One draft's candidates from both tiers, as arrays over the union of both."""

    relevant: set[str]
    nums: list[int]
    cosine: np.ndarray
    bm25: np.ndarray  # 0 where the keyword tier did not return it
    share: np.ndarray
    near_rank: np.ndarray  # position in the meaning tier's answer (DEEPEST when absent)
    word_rank: np.ndarray  # position in the keyword tier's answer (DEEPEST when absent)
    texts: list[str]
    keys: list[str]
    own: np.ndarray  # the draft's own text: never shown
    twins: np.ndarray  # cosine between candidates, for near-duplicate collapsing


def collect(session: Session, drafts: dict[str, set[str]]) -> list[Draft]:
    engine, store = session.engine, session.store
    index = session.indexer.snapshot()
    out = []
    for number, (draft, relevant) in enumerate(drafts.items()):
        vector = session.embedder.encode_query(draft)
        query = store.keyword_query(draft)
        near = index.search(vector, DEEPEST)
        lexical = store.keyword_search(query, DEEPEST)
        nums = list(dict.fromkeys([n for n, _ in near] + [n for n, _ in lexical]))
        rows = store.fragments_by_num(nums)
        nums = [n for n in nums if n in rows]
        vectors = np.stack([index.vector(n) for n in nums])
        shares = engine._keyword_shares(nums, query)
        bm25, near_at, word_at = dict(lexical), {n: i for i, (n, _) in enumerate(near)}, {n: i for i, (n, _) in enumerate(lexical)}
        own_hash = text_hash(draft)
        out.append(Draft(
            relevant, nums, vectors @ vector,
            np.array([bm25.get(n, 0.0) for n in nums]), np.array([shares.get(n, 0.0) for n in nums]),
            np.array([near_at.get(n, DEEPEST) for n in nums]), np.array([word_at.get(n, DEEPEST) for n in nums]),
            [normal(rows[n].text) for n in nums], [_dedupe_key(rows[n].text) for n in nums],
            np.array([rows[n].text_hash == own_hash for n in nums]), vectors @ vectors.T,
        ))
        if number % 250 == 0:
            print(f"collected {number}/{len(drafts)}", file=sys.stderr, flush=True)
    return out


# A fusion: (draft, candidate mask, depth) -> a score per candidate (higher first); the gate is apart.
Fusion = Callable[[Draft, np.ndarray], np.ndarray]


def rrf(k: float, weight: float) -> Fusion:
    """The engine's reciprocal rank fusion: ranks among the candidates that passed."""
    def fuse(d: Draft, passed: np.ndarray) -> np.ndarray:
        score = np.zeros(len(d.nums))
        by_meaning = [i for i in np.argsort(-d.cosine, kind="stable") if passed[i]]
        for rank, i in enumerate(by_meaning):
            score[i] += 1.0 / (k + rank + 1)
        by_words = [i for i in np.argsort(d.word_rank, kind="stable") if passed[i] and d.word_rank[i] < DEEPEST]
        for rank, i in enumerate(by_words):
            score[i] += weight / (k + rank + 1)
        return score
    return fuse


def mix_share(weight: float) -> Fusion:
    """Cosine plus ``weight`` times the share of the query's rare-word weight the fragment holds."""
    return lambda d, passed: d.cosine + weight * d.share


def lift_share(weight: float) -> Fusion:
    """Cosine lifted toward 1 by the matched share: cos + w * share * (1 - cos), never above 1."""
    return lambda d, passed: d.cosine + weight * d.share * (1 - d.cosine)


def lift_or_words(weight: float) -> Fusion:
    """``lift_share``, or the keyword share itself where that is higher and passes the keyword gate
    (a fragment related by its words whatever its meaning, as one with no vector yet is)."""
    def fuse(d: Draft, passed: np.ndarray) -> np.ndarray:
        by_words = np.where(d.share >= KEYWORD_MIN_SHARE, d.share, -1.0)
        return np.maximum(d.cosine + weight * d.share * (1 - d.cosine), by_words)
    return fuse


def mix_bm25(weight: float) -> Fusion:
    """Cosine plus ``weight`` times BM25 divided by the query's best BM25 among the candidates."""
    def fuse(d: Draft, passed: np.ndarray) -> np.ndarray:
        top = d.bm25[passed].max(initial=0.0)
        return d.cosine + (weight * d.bm25 / top if top > 0 else 0.0)
    return fuse


def semantic(d: Draft, passed: np.ndarray) -> np.ndarray:
    return d.cosine.copy()


def keyword(d: Draft, passed: np.ndarray) -> np.ndarray:
    return -d.word_rank.astype(float)


def ranked(d: Draft, fusion: Fusion, depth: int, min_score: float, tiers: str, gate: bool) -> list[str]:
    """The top ``K`` texts, as the engine would show them."""
    pool = np.zeros(len(d.nums), dtype=bool)
    if tiers != "keyword":
        pool |= d.near_rank < depth
    if tiers != "semantic":
        pool |= d.word_rank < depth
    meaning = d.cosine if tiers != "keyword" else np.full(len(d.nums), -1.0)
    words = d.share if tiers != "semantic" else np.zeros(len(d.nums))
    passed = pool & ((meaning >= min_score) | (words >= max(min_score, KEYWORD_MIN_SHARE) if gate else False))
    score = fusion(d, passed)
    kept: list[int] = []
    for i in np.argsort(-score, kind="stable"):
        if not passed[i] or d.own[i]:
            continue
        if any(d.keys[i] and d.keys[i] == d.keys[j] or d.twins[i, j] >= NEAR_DUPLICATE_COSINE for j in kept):
            continue
        kept.append(i)
        if len(kept) == K:
            break
    return [d.texts[i] for i in kept]


def measure(drafts: list[Draft], fusion: Fusion, depth: int, min_score: float, tiers: str, gate: bool) -> dict:
    recalls, reciprocal = [], []
    for d in drafts:
        texts = ranked(d, fusion, depth, min_score, tiers, gate)
        recalls.append(len(d.relevant & set(texts)) / len(d.relevant))
        first = next((rank for rank, text in enumerate(texts, 1) if text in d.relevant), None)
        reciprocal.append(1 / first if first else 0.0)
    return {"recall@10": round(statistics.fmean(recalls), 4), "mrr@10": round(statistics.fmean(reciprocal), 4)}


def complement(drafts: list[Draft]) -> dict:
    """What words could add at best: the related texts meaning's top 10 misses, and how many of
    those the keyword tier's top 10 (or any of its candidates) holds."""
    missed = by_words = anywhere = total = 0
    for d in drafts:
        shown = set(ranked(d, semantic, 56, 0.0, "semantic", True))
        words = set(ranked(d, keyword, 56, 0.0, "keyword", True))
        lost = d.relevant - shown
        total += len(d.relevant)
        missed += len(lost)
        by_words += len(lost & words)
        anywhere += len(lost & {t for t, rank in zip(d.texts, d.word_rank) if rank < DEEPEST})
    return {"related": total, "missed_by_meaning_top10": missed, "of_those_in_keyword_top10": by_words,
            "of_those_in_keyword_top200": anywhere}


def candidates() -> dict[str, tuple[Fusion, str]]:
    found: dict[str, tuple[Fusion, str]] = {"semantic": (semantic, "semantic"), "keyword": (keyword, "keyword")}
    for k, weight in ((60, 0.5), (30, 0.5), (60, 0.2), (30, 0.2), (10, 0.2), (10, 0.1)):
        found[f"rrf k={k} w={weight}"] = (rrf(k, weight), "hybrid")
    for weight in (0.1, 0.2, 0.3, 0.4, 0.5):
        found[f"cos+{weight}*share"] = (mix_share(weight), "hybrid")
        found[f"cos+{weight}*share*(1-cos)"] = (lift_share(weight), "hybrid")
        found[f"max(cos+{weight}*share*(1-cos), gated share)"] = (lift_or_words(weight), "hybrid")
        found[f"cos+{weight}*bm25/max"] = (mix_bm25(weight), "hybrid")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", required=True, help="an index relevance_bench.py built (--index-dir)")
    parser.add_argument("--splits", default="train,dev,test", help="the splits that index's archive holds")
    parser.add_argument("--drafts", default="train", help="the splits whose drafts are asked (tune on train)")
    parser.add_argument("--depths", default="56", help="candidates taken from each tier")
    parser.add_argument("--min-scores", default="0.0,0.3", help="minScore values (the gate applies at each)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "relevance_tune.json"))
    args = parser.parse_args()
    drafts, _ = labelled_pairs(args.splits.split(","), args.drafts.split(","))
    session = Session(Path(args.index_dir))
    session.ready()
    try:
        collected = collect(session, drafts)
    finally:
        session.close()
    rows = []
    for name, (fusion, tiers) in candidates().items():
        for depth in map(int, args.depths.split(",")):
            for min_score in map(float, args.min_scores.split(",")):
                for gate in (True, False) if min_score > 0 and tiers == "hybrid" else (True,):
                    row = {"fusion": name, "depth": depth, "min_score": min_score, "gate": gate}
                    rows.append(row | measure(collected, fusion, depth, min_score, tiers, gate))
    rows.sort(key=lambda r: (r["min_score"], -r["recall@10"], -r["mrr@10"]))
    report = {"drafts": args.drafts, "count": len(collected), "complement": complement(collected), "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1))
    print(json.dumps(report["complement"]))
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
