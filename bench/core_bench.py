"""Benchmark of the core (issue: indexing throughput, query latency, ANN recall, memory).

    .venv/bin/python bench/core_bench.py [--sizes 10000,100000,1000000] [--texts 2000] [--out bench/out/core.json]

1. Indexing: the full pipeline (read, store, embed, index) on real tweets against raw
   ``model.encode`` of the same texts in the same run.
2. Search latency, the query embed excluded: ``Engine.nearest`` (index search + store lookup +
   dedupe), at each size. Sizes beyond the real texts reuse real embeddings with small noise.
3. ANN recall@10 against exact search, for a few ``search_k``, and exact numpy search for comparison.
4. RSS after each size. 5. The faster path: the pipeline with the batch precision the product
   chooses on this machine (bf16 where the CPU has it natively and the check passes) against fp32
   forced, and the two paths' agreement (cosine, top-10 neighbours).

``--sizes ""`` runs only the indexing parts (1 and 5), a couple of minutes.

Needs ../shared/corpora for real texts (falls back to examples/ with a warning).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from recall_ls.core import sources  # noqa: E402
from recall_ls.core.embed import Embedder, limit_blas_threads, resolve_model  # noqa: E402
from recall_ls.core.engine import Engine  # noqa: E402
from recall_ls.core.fragments import Fragment  # noqa: E402
from recall_ls.core.index import ANN_TREES, AnnFiles, VectorIndex  # noqa: E402
from recall_ls.core.indexing import Indexer  # noqa: E402
from recall_ls.core.sources.base import ImportOptions  # noqa: E402
from recall_ls.core.store import Store  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def real_texts(limit: int) -> list[Fragment]:
    paths = [CORPORA / "twitter-andreruffert", CORPORA / "twitter-alrocar", CORPORA / "twitter-grailbird-06b"]
    if not CORPORA.is_dir():
        print("warning: ../shared/corpora absent; using examples/", file=sys.stderr)
        paths = [ROOT / "examples"]
    fragments: list[Fragment] = []
    for path in paths:
        fragments += sources.read(path, ImportOptions()).fragments
        if len(fragments) >= limit:
            break
    return fragments[:limit]


def forget(embedder: Embedder) -> None:
    """Drop the embedder's memory of recent vectors, so that a timed run embeds every text."""
    with embedder._recent_lock:
        embedder._recent.clear()


def pipeline_seconds(embedder: Embedder, fragments: list[Fragment]) -> float:
    """The full pipeline into a fresh store: store the fragments, embed them, index them."""
    forget(embedder)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        indexer = Indexer(store, embedder)
        started = time.perf_counter()
        indexer.apply("/bench", fragments)
        indexer.open()
        indexer.embed_missing()
        seconds = time.perf_counter() - started
        store.close()
    return seconds


def bench_indexing(embedder: Embedder, fragments: list[Fragment]) -> dict:
    texts = [f.text for f in fragments]
    embedder.encode(texts[:128])  # warm up: the first batches pay for allocations

    def raw_encode() -> float:
        forget(embedder)
        started = time.perf_counter()
        embedder.encode(texts)
        return time.perf_counter() - started

    raw_before = raw_encode()
    pipeline_s = pipeline_seconds(embedder, fragments)
    # Raw encode timed before and after the pipeline: the faster of the two, so machine noise
    # cannot flatter the pipeline.
    raw_s = min(raw_before, raw_encode())
    unique = len({f.text_hash for f in fragments})
    return {
        "texts": len(texts),
        "unique_texts": unique,
        "batches": embedder.batch_runtime,
        "raw_encode_per_s": round(len(texts) / raw_s, 1),
        "pipeline_per_s": round(len(fragments) / pipeline_s, 1),
        "pipeline_vs_raw": round((len(fragments) / pipeline_s) / (len(texts) / raw_s), 3),
    }


def bench_precision(fragments: list[Fragment], rounds: int) -> dict:
    """Indexing throughput (the full pipeline) with the precision the product chooses on this machine
    (``auto``: bf16 on native-bf16 CPUs once checked) against fp32 forced, on the same texts, runs
    alternating; and how far the two paths' vectors and neighbours differ."""
    embedders = {name: Embedder(resolve_model(None), device="cpu", precision=name) for name in ("fp32", "auto")}
    texts = [f.text for f in fragments]
    for embedder in embedders.values():
        embedder.encode(texts[:128])  # loads, chooses the precision (auto runs its check), warms up
    timings: dict[str, list[float]] = {name: [] for name in embedders}
    for turn in range(rounds):
        for name in (("fp32", "auto") if turn % 2 == 0 else ("auto", "fp32")):
            timings[name].append(len(fragments) / pipeline_seconds(embedders[name], fragments))
    sample = texts[:1000]
    vectors = {}
    for name, embedder in embedders.items():
        forget(embedder)
        vectors[name] = embedder.encode(sample)
    agreement = (vectors["fp32"] * vectors["auto"]).sum(axis=1)
    overlap = []
    for q in range(0, len(sample), max(1, len(sample) // 50)):
        a = set(np.argsort(-(vectors["fp32"] @ vectors["fp32"][q]))[1:11])
        b = set(np.argsort(-(vectors["auto"] @ vectors["auto"][q]))[1:11])
        overlap.append(len(a & b) / 10)
    # Each round's two runs sit side by side in time: their ratio is what load on a shared machine
    # disturbs least.
    ratios = sorted(a / f for a, f in zip(timings["auto"], timings["fp32"], strict=True))
    return {
        "texts": len(fragments),
        "auto_path": embedders["auto"].batch_runtime,
        "fp32_pipeline_per_s": [round(v, 1) for v in timings["fp32"]],
        "auto_pipeline_per_s": [round(v, 1) for v in timings["auto"]],
        "speedup_per_round": [round(r, 2) for r in ratios],
        "speedup_median": round(statistics.median(ratios), 2),
        "cosine_min": round(float(agreement.min()), 5),
        "cosine_mean": round(float(agreement.mean()), 6),
        "top10_overlap_mean": round(float(np.mean(overlap)), 3),
    }


def synthetic(base: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` vectors: the real ones, then noisy copies of them (noise of ~0.3 of a unit vector)."""
    picks = rng.integers(0, len(base), size)
    out = base[picks] + rng.standard_normal((size, base.shape[1])).astype(np.float32) * (0.3 / np.sqrt(base.shape[1]))
    out[: min(size, len(base))] = base[: min(size, len(base))]
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def bench_size(size: int, base: np.ndarray, queries: np.ndarray, rng, folder: Path, search_ks: list[int]) -> dict:
    dim = base.shape[1]
    vectors = synthetic(base, size, rng)
    store = Store(folder)
    fragments = [Fragment(f"b:{i}", "tweet", f"text {i}", "/bench", "/bench/t.js", None, None, None,
                          "2020-01-01T00:00:00+00:00", None, {}) for i in range(size)]
    store.sync_fragments("/bench", fragments)
    nums = np.arange(1, size + 1, dtype=np.int64)
    del fragments
    result: dict = {"size": size}

    exact = VectorIndex(dim).with_fresh(nums, vectors)
    truth = {}
    samples = []
    for q, query in enumerate(queries):
        started = time.perf_counter()
        hits = exact.search(query, 10)
        samples.append((time.perf_counter() - started) * 1000)
        truth[q] = {n for n, _ in hits}
    result["exact_search_ms"] = percentiles(samples)

    if size >= 50_000:
        files = AnnFiles(folder / "ann", dim)
        started = time.perf_counter()
        files.build(iter([(nums, vectors)]), trees=ANN_TREES, jobs=-1)
        result["annoy_build_s"] = round(time.perf_counter() - started, 1)
        result["annoy_file_mb"] = round(sum(p.stat().st_size for p in (folder / "ann").glob("gen-*")) / 2**20, 1)
        sweep = {}
        for search_k in search_ks:
            tier = files.load(search_k=search_k)
            index = VectorIndex(dim, tier)
            samples, recall = [], []
            for q, query in enumerate(queries):
                started = time.perf_counter()
                hits = index.search(query, 10)
                samples.append((time.perf_counter() - started) * 1000)
                recall.append(len({n for n, _ in hits} & truth[q]) / 10)
            sweep[search_k] = {**percentiles(samples), "recall@10": round(float(np.mean(recall)), 4)}
        result["annoy"] = sweep
        del exact
        chosen = files.load()
        snapshot = VectorIndex(dim, chosen)
    else:
        snapshot = exact
    # The engine end to end (index + store lookup + dedupe), the query embed excluded.
    engine = Engine(store, embedder=None, snapshot=lambda: snapshot)  # type: ignore[arg-type]
    samples = []
    for query in queries:
        started = time.perf_counter()
        engine.nearest(query, 8, 0.0)
        samples.append((time.perf_counter() - started) * 1000)
    result["engine_nearest_ms"] = percentiles(samples)
    result["rss_mb"] = round(rss_mb(), 1)
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--texts", type=int, default=2000, help="real texts to embed")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--precision-rounds", type=int, default=6, help="pipeline runs per precision, alternating")
    parser.add_argument("--precision-texts", type=int, default=1000, help="texts per pipeline run there")
    parser.add_argument("--search-k", default="10000,20000,40000,80000")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "core.json"))
    args = parser.parse_args()
    limit_blas_threads()
    rng = np.random.default_rng(7)
    embedder = Embedder(resolve_model(None))
    embedder.load()
    import torch

    report: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}",
        "date": time.strftime("%Y-%m-%d"),
        "model": embedder.key,
    }
    fragments = real_texts(args.texts)
    report["indexing"] = bench_indexing(embedder, fragments)
    print(json.dumps(report["indexing"]), flush=True)
    report["precision"] = bench_precision(fragments[: args.precision_texts], args.precision_rounds)
    print(json.dumps(report["precision"]), flush=True)

    base = embedder.encode([f.text for f in fragments])
    query_texts = [f.text[: max(20, len(f.text) // 2)] for f in fragments[:: max(1, len(fragments) // args.queries)]]
    started = time.perf_counter()
    queries = np.stack([embedder.encode_query(t) for t in query_texts])
    report["query_embed_ms_mean"] = round((time.perf_counter() - started) * 1000 / len(queries), 2)
    report["sizes"] = []
    for size in (int(s) for s in args.sizes.split(",") if s):
        with tempfile.TemporaryDirectory() as folder:
            result = bench_size(size, base, queries, rng, Path(folder), [int(k) for k in args.search_k.split(",")])
        print(json.dumps(result), flush=True)
        report["sizes"].append(result)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print(f"written {args.out}")


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
