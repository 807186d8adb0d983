"""What the user's filters and the opt-in lifts cost the engine itself, in one process, without the
query embed or the server around it.

    .venv/bin/python bench/narrowed_bench.py [--sizes 10000,100000] [--queries 200] [--rounds 3]

An index as ``server_bench.py --narrowed`` prepares it (fragments dated across fifteen years, with
likes and reposts); real tweets, each with a suffix, are ranked (``Engine.rank``, their vectors made
beforehand) under four settings, taking turns query by query so that all see the machine alike:
``plain`` (the defaults), ``filters`` (kinds narrowed and ``since``, as ``NARROWED``), ``boosts``
(``recencyHalfLifeDays`` and ``preferEngaged``) and ``both``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from core_bench import real_texts  # noqa: E402
from recall_ls.core.boosts import Boosts  # noqa: E402
from recall_ls.core.embed import Embedder, limit_blas_threads, resolve_model  # noqa: E402
from recall_ls.core.engine import NO_FILTERS, Engine, Filters  # noqa: E402
from recall_ls.core.indexing import Indexer  # noqa: E402
from recall_ls.core.store import Store  # noqa: E402
from server_bench import NARROWED, percentiles, prepare_index  # noqa: E402

FILTERS = Filters(kinds=frozenset(NARROWED["kinds"]), since=NARROWED["since"])
BOOSTS = Boosts(NARROWED["recencyHalfLifeDays"], NARROWED["preferEngaged"])
MODES = {"plain": (NO_FILTERS, Boosts()), "filters": (FILTERS, Boosts()), "boosts": (NO_FILTERS, BOOSTS),
         "both": (FILTERS, BOOSTS)}


def timed(engine: Engine, queries: list[tuple[str, np.ndarray]], rounds: int) -> dict:
    samples: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(rounds):
        for text, vector in queries:
            for mode, (filters, boosts) in MODES.items():
                started = time.perf_counter()
                engine.rank(text, vector, 8, 0.3, filters, boosts=boosts)
                samples[mode].append((time.perf_counter() - started) * 1000)
    return {mode: percentiles(values) for mode, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    limit_blas_threads()
    embedder = Embedder(resolve_model(None), fast_queries=True)
    embedder.load()
    texts = [f.text for f in real_texts(2000)]
    base = embedder.encode(texts)
    rng = np.random.default_rng(2)
    chosen = [texts[i] + " (draft)" for i in rng.choice(len(texts), args.queries, replace=False)]
    queries = [(text, embedder.encode_query(text)) for text in chosen]
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "index"
            prepare_index(folder, size, embedder, texts, base, varied=True)
            store = Store(folder)
            indexer = Indexer(store, embedder)
            indexer.open()
            entry = {"size": size, "rank_ms": timed(Engine(store, embedder, indexer.snapshot), queries, args.rounds)}
            store.close()
        print(json.dumps(entry), flush=True)


if __name__ == "__main__":
    main()
