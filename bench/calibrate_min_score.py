"""Where to put the default ``minScore``: cosine of the bundled model on labeled sentence pairs.

    .venv/bin/python bench/calibrate_min_score.py [../shared/corpora/labeled-stsbenchmark/sts-dev.csv]

STS Benchmark pairs carry a human similarity score from 0 (unrelated) to 5 (same meaning). A good
floor keeps pairs people call related (>= 2: "not equivalent, but share some details") and drops the
unrelated ones (< 1). Prints, for candidate floors, the share of each group kept.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from recall_ls.core.embed import Embedder, resolve_model  # noqa: E402


def main() -> None:
    default = ROOT.parent / "shared" / "corpora" / "labeled-stsbenchmark" / "sts-dev.csv"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    pairs = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 7:
                pairs.append((float(row[4]), row[5], row[6]))
    embedder = Embedder(resolve_model(None))
    left = embedder.encode([p[1] for p in pairs])
    right = embedder.encode([p[2] for p in pairs])
    cosine = (left * right).sum(axis=1)
    gold = np.array([p[0] for p in pairs])
    related, unrelated = cosine[gold >= 2.0], cosine[gold < 1.0]
    print(f"{len(pairs)} pairs: {len(related)} related (gold >= 2), {len(unrelated)} unrelated (gold < 1)")
    print("floor  related kept  unrelated kept")
    for floor in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        print(f"{floor:5.2f}  {np.mean(related >= floor):12.1%}  {np.mean(unrelated >= floor):14.1%}")


if __name__ == "__main__":
    main()
