"""Where to put the default ``minScore``: cosine of the bundled model on labeled sentence pairs.

    .venv/bin/python bench/calibrate_min_score.py [../shared/corpora/labeled-stsbenchmark/sts-dev.csv]

STS Benchmark pairs carry a human similarity score from 0 (unrelated) to 5 (same meaning). A good
floor keeps pairs people call related (>= 2: "not equivalent, but share some details") and drops the
unrelated ones (< 1). Prints, for candidate floors, the share of each group kept.

Then the keyword gate of hybrid ranking (``KEYWORD_MIN_SHARE``): a pair also passes when the second
sentence's words carry that share of the first's rare-word weight (IDF over every sentence of the
file, as the store's keyword tier computes it). Printed: what each share floor adds to ``minScore``
alone, for related and unrelated pairs, and what it keeps by itself (fragments not yet embedded).

Last, hybrid ranking (``core/engine.py``): what its gate (the two above together, ``gate``) keeps of
each group at each floor, beside what the same floor would keep if it applied to hybrid's lifted
score (``lifted``: the cosine lifted by the keyword share) instead.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from recall_ls.core.defaults import DEFAULT_MIN_SCORE  # noqa: E402
from recall_ls.core.embed import Embedder, resolve_model  # noqa: E402
from recall_ls.core.engine import gate, lifted  # noqa: E402
from recall_ls.core.fragments import Fragment  # noqa: E402
from recall_ls.core.keywords import index_keys  # noqa: E402
from recall_ls.core.store import Store  # noqa: E402


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
    share = keyword_shares(pairs)
    keyword_gate(share, cosine, gold)
    hybrid_floor(share, cosine, gold)


def keyword_shares(pairs: list[tuple[float, str, str]]) -> np.ndarray:
    """Each pair's share of the first sentence's rare-word weight found in the second."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        texts = sorted({t for _, a, b in pairs for t in (a, b)})
        store.sync_fragments("/sts", [Fragment(f"s:{i}", "note", t, "/sts", "/sts") for i, t in enumerate(texts)])
        shares = []
        for _, left, right in pairs:
            query = store.keyword_query(left)
            present = set(index_keys(right).split())
            shares.append(query.strength(k for k in query.weights if k in present))
        store.close()
    return np.array(shares)


def keyword_gate(share: np.ndarray, cosine: np.ndarray, gold: np.ndarray) -> None:
    related, unrelated = gold >= 2.0, gold < 1.0
    by_meaning = cosine >= DEFAULT_MIN_SCORE
    print(f"\nkeyword gate beside minScore {DEFAULT_MIN_SCORE}: kept by cosine or share (by share alone)")
    print("share  related kept        unrelated kept")
    for floor in (0.3, 0.4, 0.5, 0.6, 0.7):
        passed = by_meaning | (share >= max(floor, DEFAULT_MIN_SCORE))
        alone = share >= floor
        print(f"{floor:5.2f}  {np.mean(passed[related]):6.1%} ({np.mean(alone[related]):5.1%})"
              f"  {np.mean(passed[unrelated]):6.1%} ({np.mean(alone[unrelated]):5.1%})")


def hybrid_floor(share: np.ndarray, cosine: np.ndarray, gold: np.ndarray) -> None:
    related, unrelated = gold >= 2.0, gold < 1.0
    numbers = list(range(len(cosine)))
    by_meaning, by_words = dict(enumerate(map(float, cosine))), dict(enumerate(map(float, share)))
    lift = np.array([lifted(c, s) for c, s in zip(cosine, share)])
    print("\nhybrid: the gate as built (cosine or share), or the floor on the lifted score instead")
    print("floor  gate: related  unrelated   lifted >= floor: related  unrelated")
    for floor in (0.3, 0.31, 0.32, 0.33, 0.34, 0.35):
        kept = np.isin(numbers, list(gate(numbers, by_meaning, by_words, floor)))
        print(f"{floor:5.2f}  {np.mean(kept[related]):13.1%}  {np.mean(kept[unrelated]):9.1%}"
              f"  {np.mean(lift[related] >= floor):24.1%}  {np.mean(lift[unrelated] >= floor):9.1%}")


if __name__ == "__main__":
    main()
