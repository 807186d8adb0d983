"""Forgotten gems on a store of 130k fragments (issue 13, item 4): how long a blank line's list takes.

    .venv/bin/python bench/gems_bench.py [FRAGMENTS=130000] [RUNS=30]

A synthetic store (tweets dated at random over 15 years, one fragment in 50 an undated note known by
its file's time), no model: ``on_this_day`` (the store's month-day index, then a few rows), the same
keeping notes only (none on the day: the index answers with nothing), ``random_past`` (a draw by
number, a few rows), the same keeping notes only (a rare kind: draws by number find too few, then the
list of every old fragment's number), and that list alone. Median and p95 of ``RUNS`` runs each.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from recall_ls.core.engine import Filters  # noqa: E402
from recall_ls.core.fragments import Fragment, Kind  # noqa: E402
from recall_ls.core.gems import Keep, on_this_day, random_past  # noqa: E402
from recall_ls.core.store import Store  # noqa: E402

TODAY = date(2025, 12, 3)


def corpus(count: int) -> list[Fragment]:
    rng = random.Random(1)
    start = date(2010, 1, 1)
    made = []
    for n in range(count):
        day = (start + timedelta(days=rng.randrange(5500))).isoformat()
        if n % 50 == 0:
            made.append(Fragment(f"note:{n}", Kind.NOTE, f"note {n} " * 12, "/src", f"/notes/{n}.md", 1, 1,
                                 meta={"mtime": f"{day}T08:00:00+00:00"}))
        else:
            made.append(Fragment(f"tweet:{n}", Kind.TWEET, f"tweet {n} " * 10, "/src", "/tweets.js",
                                 created_at=f"{day}T10:00:00+00:00", meta={"likes": 3}))
    return made


def timed(work: Callable[[], object], count: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(count):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (count - 1))] * 1000, result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 130_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    notes = Keep(Filters(kinds=frozenset({Kind.NOTE})))
    draws = random.Random(2)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        store.sync_fragments("/src", corpus(count))
        cases = {
            "on this day": lambda: on_this_day(store, TODAY, 8),
            "on this day, notes only": lambda: on_this_day(store, TODAY, 8, notes),
            "random": lambda: random_past(store, TODAY, draws, 8),
            "random, notes only": lambda: random_past(store, TODAY, draws, 8, notes),
            "every old fragment's number": lambda: store.nums_dated_before("2025-11-03"),
        }
        print(f"{count} fragments, {runs} runs each")
        for name, work in cases.items():
            median, p95, result = timed(work, runs)
            print(f"{name:30} median {median:7.2f} ms  p95 {p95:7.2f} ms  ({len(result)} items)")
        store.close()


if __name__ == "__main__":
    main()
