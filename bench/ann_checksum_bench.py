"""Cost of checking the annoy files by content before they are loaded (issue 16).

    .venv/bin/python bench/ann_checksum_bench.py [--items 100000] [--dim 384]

Builds a generation of ``--items`` random unit vectors (the file's size depends on the number of
items, the dimension and the trees, not on the values), then times ``AnnFiles.verify`` (size and
SHA-256 of both files) and ``AnnFiles.load`` (verify + memory-map): warm, and cold for this file
alone (its pages dropped from the page cache with ``posix_fadvise``, nothing else's).
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

from recall_ls.core.embed import file_sha256  # noqa: E402
from recall_ls.core.index import ANN_TREES, AnnFiles  # noqa: E402


def drop_from_cache(folder: Path) -> None:
    for path in folder.glob("gen-*"):
        with open(path, "rb") as handle:
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def timed(action, runs: int, before=lambda: None) -> float:
    samples = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        files = AnnFiles(Path(tmp), args.dim)
        started = time.perf_counter()
        vectors = rng.standard_normal((args.items, args.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        files.build(iter([(np.arange(args.items), vectors)]), trees=ANN_TREES, jobs=-1)
        build_s = time.perf_counter() - started
        ann = next(Path(tmp).glob("gen-*.ann"))
        result = {
            "items": args.items, "dim": args.dim, "trees": ANN_TREES,
            "ann_file_mb": round(ann.stat().st_size / 2**20, 1),
            "build_s_including_checksums": round(build_s, 1),
            "sha256_ann_file_warm_s": timed(lambda: file_sha256(ann), args.runs),
            "verify_warm_s": timed(files.verify, args.runs),
            "verify_cold_s": timed(files.verify, args.runs, lambda: drop_from_cache(Path(tmp))),
            "load_warm_s": timed(files.load, args.runs),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
