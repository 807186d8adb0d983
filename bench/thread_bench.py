"""Self-thread reconstruction against parsing, on the largest real archive (issue 13: at most 10 % more).

    .venv/bin/python bench/thread_bench.py [ARCHIVE=../shared/corpora/twitter-grailbird-06b] [RUNS=5]

Parse: ``sources.read`` of the archive (every month file, the owner, selection, fragments).
Threads: what the indexer adds for it (``Indexer.threaded``): reading the links the store remembers,
``threads.with_threads`` (links, roots, order, each member's place, one fragment per thread) and
remembering new links (the first run writes them all: it is timed apart; later runs, a re-read of an
unchanged archive, write none). The best of ``RUNS`` runs of each, and the median; no model is involved.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from recall_ls.core import sources  # noqa: E402
from recall_ls.core.indexing import Indexer  # noqa: E402
from recall_ls.core.store import Store  # noqa: E402

ARCHIVE = ROOT.parent / "shared" / "corpora" / "twitter-grailbird-06b"
TARGET = 0.10


def runs(work: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    archive = Path(sys.argv[1]) if len(sys.argv) > 1 else ARCHIVE
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    report = sources.read(archive)
    parse = runs(lambda: sources.read(archive), count)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        indexer = Indexer(store, embedder=None)  # threading never reaches the model
        first = runs(lambda: indexer.threaded(report), 1)
        thread = runs(lambda: indexer.threaded(report), count)
        fragments, found = indexer.threaded(report)
        links = len(store.thread_links(report.path))
        store.close()
    members = sum(1 for f in fragments if "thread" in f.meta) - found
    print(f"{archive.name}: {len(report.fragments)} fragments, {found} threads of {members} posts, {links} links")
    print(f"first threading (writes every link): {first[0] * 1000:.1f} ms")
    print(f"parse:   best {min(parse) * 1000:8.1f} ms, median {statistics.median(parse) * 1000:8.1f} ms")
    print(f"threads: best {min(thread) * 1000:8.1f} ms, median {statistics.median(thread) * 1000:8.1f} ms")
    share = min(thread) / min(parse)
    print(f"threads / parse: {share:.1%} (target at most {TARGET:.0%}: {'met' if share <= TARGET else 'missed'})")


if __name__ == "__main__":
    main()
