"""The keyword tier at scale: writing, the migration (rebuild from the fragments), the check on open,
and one query (choosing its rare keys, then the BM25 search), p50 and p95.

    .venv/bin/python bench/keyword_bench.py [N=100000]

Fragments are two STS Benchmark sentences each (``../shared/corpora/labeled-stsbenchmark``), queries
three: a draft paragraph of ~30 words. No model is involved.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from recall_ls.core import keywords  # noqa: E402
from recall_ls.core.fragments import Fragment  # noqa: E402
from recall_ls.core.store import Store  # noqa: E402

STS = ROOT.parent / "shared" / "corpora" / "labeled-stsbenchmark"


def sentences() -> list[str]:
    found = []
    for name in ("sts-train.csv", "sts-dev.csv", "sts-test.csv"):
        with (STS / name).open(encoding="utf-8") as handle:
            found += [t for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if len(row) >= 7
                      for t in row[5:7]]
    return found


def timed(label: str, work) -> None:
    started = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - started:.2f} s", "" if result is None else f"({result})")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    pool, rnd = sentences(), random.Random(1)
    texts = [f"{rnd.choice(pool)} {rnd.choice(pool)}" for _ in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        fragments = [Fragment(f"t:{i}", "tweet", t, "/src", "/src") for i, t in enumerate(texts)]
        timed(f"store {count} fragments with their keywords", lambda: store.sync_fragments("/src", fragments).added)
        db = store._db
        timed("check on open (integrity check)", lambda: keywords.problem(db))
        def migrate():
            with store._transaction():
                return keywords.rebuild(db)
        timed("rebuild from the fragments (migration)", migrate)
        queries = [" ".join(rnd.choice(pool) for _ in range(3)) for _ in range(400)]
        for query in queries[:100]:  # warm: the common keys' frequencies are remembered
            store.keyword_search(store.keyword_query(query), 64)
        plans, searches = [], []
        for query in queries[100:]:
            started = time.perf_counter()
            plan = store.keyword_query(query)
            planned = time.perf_counter()
            store.keyword_search(plan, 64)
            plans.append(planned - started)
            searches.append(time.perf_counter() - planned)
        for label, values in (("choose keys", plans), ("BM25 search", searches),
                              ("both", [a + b for a, b in zip(plans, searches, strict=True)])):
            values.sort()
            print(f"{label}: p50 {values[len(values) // 2] * 1e3:.2f} ms, p95 {values[int(len(values) * 0.95)] * 1e3:.2f} ms")
        store.close()


if __name__ == "__main__":
    main()
