"""A cold ``recall-ls search`` against the import it no longer pays for (issue 15's benchmark).

    .venv/bin/python bench/cli_bench.py [--tweets 10000] [--runs 5] [--index-dir DIR]

Indexes a Twitter archive of ``--tweets`` real tweets (``bench/archives.py``, from ../shared/corpora)
into a fresh index folder with ``recall-ls index`` (which also prepares the checked ONNX export the
search then uses), then times, alternating so a shared machine's load moves both alike: a cold
``recall-ls search`` process (hybrid ranking: its query embedded by meaning), the same with
``--ranking keyword``, and ``python -c "import sentence_transformers"``, which every search paid for
before. Prints the medians and the ratio; the target is a search at most 0.4x the import.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archives import write_twitter_archive  # noqa: E402
from first_result_bench import real_tweets, synthetic_archive  # noqa: E402

QUERY = "rereading old notes I find ideas I had forgotten"


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tweets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--index-dir", help="reuse this index (made when missing)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        index = Path(args.index_dir or Path(scratch) / "index")
        recall = [sys.executable, "-m", "recall_ls"]
        if not (index / "recall.sqlite3").exists():
            base = real_tweets()
            archive = write_twitter_archive(Path(scratch) / "archive", synthetic_archive(base, args.tweets))
            subprocess.run([*recall, "index", str(archive), "--index-dir", str(index), "-q"], check=True)
        commands = {
            "search (hybrid)": [*recall, "search", QUERY, "--index-dir", str(index)],
            "search (keyword)": [*recall, "search", QUERY, "--index-dir", str(index), "--ranking", "keyword"],
            "import sentence_transformers": [sys.executable, "-c", "import sentence_transformers"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(wall(command))
    medians = {name: round(statistics.median(values), 2) for name, values in times.items()}
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "tweets": args.tweets, "runs": args.runs, "median_s": medians,
        "search_over_import": round(medians["search (hybrid)"] / medians["import sentence_transformers"], 2),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
