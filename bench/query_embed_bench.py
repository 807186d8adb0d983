"""Benchmark of embedding one text (a query): torch against onnxruntime, same model, same texts.

    .venv/bin/python bench/query_embed_bench.py [--texts 300] [--out bench/out/query_embed.json]

Each text is embedded once per runtime, alone, as the server embeds the paragraph being typed; the
runtimes take turns text by text so both see the same machine. Reported: p50 / p95 per runtime, by
text length, and the lowest cosine between the two runtimes' vectors of a text.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from core_bench import percentiles, real_texts  # noqa: E402
from recall_ls.core.embed import Embedder, limit_blas_threads, resolve_model  # noqa: E402
from recall_ls.core.onnx_queries import OnnxQueryEncoder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "query_embed.json"))
    args = parser.parse_args()
    limit_blas_threads()
    embedder = Embedder(resolve_model(None))
    embedder.load()
    import torch

    model = embedder._model
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        onnx = OnnxQueryEncoder.prepare(model, embedder.key, Path(cache), threads=torch.get_num_threads())
        prepare_s = time.perf_counter() - started
        texts = [" ".join(f.text.split()) for f in real_texts(4 * args.texts) if len(f.text.split()) >= 6][: args.texts]
        runtimes = {
            "torch": lambda text: model.encode([text], convert_to_numpy=True, normalize_embeddings=True,
                                               show_progress_bar=False)[0],
            "onnxruntime": lambda text: onnx.encode([text])[0],
        }
        for encode in runtimes.values():  # warm up: first calls allocate
            for text in texts[:10]:
                encode(text + " (warm)")
        samples: dict[str, list[float]] = {name: [] for name in runtimes}
        vectors: dict[str, list[np.ndarray]] = {name: [] for name in runtimes}
        for text in texts:
            for name, encode in runtimes.items():
                began = time.perf_counter()
                vectors[name].append(encode(text))
                samples[name].append((time.perf_counter() - began) * 1000)
    lengths = [len(model.tokenizer(text)["input_ids"]) for text in texts]
    by_length = {}
    for low, high in ((0, 32), (32, 64), (64, 512)):
        chosen = [i for i, n in enumerate(lengths) if low <= n < high]
        if chosen:
            by_length[f"{low}-{high} tokens ({len(chosen)} texts)"] = {
                name: round(statistics.median(samples[name][i] for i in chosen), 2) for name in runtimes
            }
    agreement = np.sum(np.stack(vectors["torch"]) * np.stack(vectors["onnxruntime"]), axis=1)
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}",
        "date": time.strftime("%Y-%m-%d"),
        "model": embedder.key,
        "texts": len(texts),
        "tokens_p50": statistics.median(lengths),
        "ms": {name: percentiles(values) for name, values in samples.items()},
        "p50_ms_by_length": by_length,
        "min_cosine_between_runtimes": round(float(agreement.min()), 7),
        "onnx_prepare_s_first_time": round(prepare_s, 2),
    }
    print(json.dumps(report, indent=2))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
