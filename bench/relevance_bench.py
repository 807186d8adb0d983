"""Relevance of each ranking, side by side on the same texts and the same model (issue 14).

    .venv/bin/python bench/relevance_bench.py [--splits dev,test] [--archives ...] [--index-dir DIR] [--out ...]

Labelled pairs from ``../shared/corpora/labeled-stsbenchmark`` (by default the dev and test splits,
held out from any tuning on train: 568 drafts, 2,776 distinct sentences; with the four default archives
about 8,200 texts, the set issue 14 quotes its numbers on):
- a draft is a pair's first sentence; its related texts are the second sentences of its pairs scored
  >= 4 (a related text identical to the draft is left out: the engine never shows a draft its own text);
- the archive is every distinct second sentence of the splits (those of pairs scored < 4 too: hard
  distractors on the same topic) plus the real tweets of the archives named, read by their importers.

The STS sentences are written as a Twitter archive (``bench/archives.py``) and everything is indexed
into a fresh index folder by the product's own path (``Session`` and ``Indexer.index``, as
``recall-ls index`` does); each draft is then asked of ``Engine.related`` (as while writing), top 10,
no score floor unless ``--min-score``, for each ranking. recall@10: the share of a draft's related texts in its top 10,
averaged over drafts; MRR@10: the mean of 1/rank of the first related text (0 when none is in the top 10).
A hit is a related text when its text, case and spacing aside, is one of them (identical texts are
collapsed by the engine into one hit). Every draft is embedded once before the rankings are asked
(timed apart), so each ranking's query time is its own: the tiers' search, fusion and row lookups.

An engine without a ``ranking`` parameter (before issue 14's keyword tier) is measured once, as
``semantic``, and the other modes are reported as skipped; a mode the engine rejects is skipped too.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from archives import Tweet, write_twitter_archive  # noqa: E402
from recall_ls.core.sources.base import ImportOptions  # noqa: E402
from recall_ls.core.session import Session  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
STS = CORPORA / "labeled-stsbenchmark"
RANKINGS = ("hybrid", "semantic", "keyword")
DEFAULT_ARCHIVES = ("twitter-andreruffert", "twitter-alrocar", "twitter-larsbrinkhoff/2021-03-22",
                    "twitter-dsajgiouawj-ja")
RELATED_SCORE = 4.0
K = 10


def normal(text: str) -> str:
    return " ".join(text.casefold().split())


def labelled_pairs(splits: list[str], draft_splits: list[str]) -> tuple[dict[str, set[str]], list[str]]:
    """Drafts (from ``draft_splits``) with their related texts, and the archive's sentences (the
    distinct second sentences of every split in ``splits``)."""
    related: dict[str, set[str]] = defaultdict(set)
    archive: dict[str, str] = {}
    for split in splits:
        for line in (STS / f"sts-{split}.csv").read_text("utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 7:
                continue
            score, first, second = float(parts[4]), parts[5].strip(), parts[6].strip()
            if not first or not second:
                continue
            archive.setdefault(normal(second), second)
            if split in draft_splits and score >= RELATED_SCORE and normal(second) != normal(first):
                related[first].add(normal(second))
    return dict(related), list(archive.values())


def build_index(index_dir: Path, sentences: list[str], archives: list[Path]) -> Session:
    """Index the STS sentences (as a Twitter archive) and the real archives, as ``recall-ls index`` does.
    The STS archive is written beside the index folder, at the same place on every run, so a kept
    index (``--index-dir``) is updated in place, not given a second copy of every sentence."""
    folder = index_dir.parent / f"{index_dir.name}-sts-archive"
    start = datetime(2015, 1, 1, tzinfo=timezone.utc)
    write_twitter_archive(folder, (Tweet(str(10_000_000 + i), text, start + timedelta(hours=i))
                                   for i, text in enumerate(sentences)))
    session = Session(index_dir, build_jobs=-1)
    started = time.perf_counter()
    result = session.indexer.index([folder, *archives], ImportOptions())
    seconds = time.perf_counter() - started
    errors = [e for s in result.sources for e in s.errors]
    print(f"indexed {session.store.count_fragments()} fragments ({result.embedded} embedded) in {seconds:.0f}s"
          f"{'; errors: ' + str(errors[:3]) if errors else ''}", file=sys.stderr, flush=True)
    return session


def rankings_of(engine) -> tuple[list[str], dict[str, str]]:
    """The modes this engine can be asked for, and a note for each it cannot."""
    if "ranking" not in inspect.signature(engine.related).parameters:
        note = "this engine has no `ranking` parameter (before issue 14's keyword tier): semantic only"
        return ["semantic"], {mode: note for mode in RANKINGS if mode != "semantic"}
    return list(RANKINGS), {}


def evaluate(engine, drafts: dict[str, set[str]], mode: str, with_parameter: bool, min_score: float) -> dict:
    recalls, reciprocal, times = [], [], []
    for draft, relevant in drafts.items():
        options = {"ranking": mode} if with_parameter else {}
        started = time.perf_counter()
        hits = engine.related(draft, K, min_score, **options)
        times.append((time.perf_counter() - started) * 1000)
        ranked = [normal(hit.fragment.text) for hit in hits[:K]]
        found = relevant & set(ranked)
        recalls.append(len(found) / len(relevant))
        first = next((rank for rank, text in enumerate(ranked, 1) if text in relevant), None)
        reciprocal.append(1 / first if first else 0.0)
    return {
        "drafts": len(drafts),
        "recall@10": round(statistics.fmean(recalls), 4),
        "mrr@10": round(statistics.fmean(reciprocal), 4),
        "query_ms_p50": round(statistics.median(times), 1),
        "query_ms_p95": round(statistics.quantiles(times, n=20)[-1], 1),
    }


def embed_all(engine, drafts: dict[str, set[str]]) -> dict:
    """Embed every draft once, timed: the embedder remembers the vectors (``RECENT_VECTORS`` of
    them), so each ranking's time below is the ranking's own, the same for every mode."""
    times = []
    for draft in drafts:
        started = time.perf_counter()
        engine.embedder.encode_query(draft)
        times.append((time.perf_counter() - started) * 1000)
    return {"query_embed_ms_p50": round(statistics.median(times), 1),
            "query_embed_ms_p95": round(statistics.quantiles(times, n=20)[-1], 1)}


def measure(session: Session, drafts: dict[str, set[str]], min_score: float) -> dict:
    engine = session.engine
    modes, skipped = rankings_of(engine)
    with_parameter = not skipped
    results: dict = {"embed": embed_all(engine, drafts)}
    print(json.dumps(results), flush=True)
    for mode in modes:
        try:
            results[mode] = evaluate(engine, drafts, mode, with_parameter, min_score)
        except (TypeError, ValueError) as exc:
            skipped[mode] = f"the engine rejected ranking={mode!r}: {exc}"
            continue
        print(json.dumps({mode: results[mode]}), flush=True)
    return {"results": results, "skipped": skipped}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splits", default="dev,test",
                        help="STS Benchmark splits whose second sentences are the archive (train, dev, test)")
    parser.add_argument("--drafts", help="splits whose pairs are asked and scored (default: --splits); "
                        "e.g. --splits train,dev,test --drafts dev,test: a bigger archive, held-out drafts")
    parser.add_argument("--archives", default=",".join(DEFAULT_ARCHIVES),
                        help="real archives under ../shared/corpora, comma-separated ('' for none)")
    parser.add_argument("--min-score", type=float, default=0.0,
                        help="minScore of every query (0: no floor, ranking alone; 0.3: the product's default)")
    parser.add_argument("--index-dir", help="index here (kept) instead of a temporary folder")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "relevance.json"))
    args = parser.parse_args()
    if not STS.is_dir():
        sys.exit(f"needs {STS} (the shared corpora)")
    splits = args.splits.split(",")
    drafts, sentences = labelled_pairs(splits, args.drafts.split(",") if args.drafts else splits)
    archives = [CORPORA / name for name in args.archives.split(",") if name]
    index_dir = Path(args.index_dir) if args.index_dir else Path(tempfile.mkdtemp(prefix="relevance-index-"))
    session = build_index(index_dir, sentences, archives)
    try:
        session.ready()
        report = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "model": session.embedder.key,
            "batches": session.embedder.batch_runtime,
            "splits": args.splits,
            "drafts": {"splits": args.drafts or args.splits, "count": len(drafts),
                       "related": sum(map(len, drafts.values()))},
            "archive": {"sts_sentences": len(sentences),
                        "real_archives": [str(a.relative_to(CORPORA)) for a in archives],
                        "fragments": session.store.count_fragments()},
            "min_score": args.min_score,
        } | measure(session, drafts, args.min_score)
    finally:
        session.close()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
