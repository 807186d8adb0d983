"""Time to the first useful result on a big archive (issue 14): from ``initialize`` until
``workspace/symbol`` returns a tweet for each of four of the archive's rarer words.

    .venv/bin/python bench/first_result_bench.py [--tweets 100000] [--timeout 1800] [--out ...]
    .venv/bin/python bench/first_result_bench.py --in-process [--rounds 3]   # the read and store alone

The archive: the real tweets of ``../shared/corpora`` (the owner's own, as the importers read them
by default), repeated with variations until it holds ``--tweets`` tweets, written as a Twitter
archive (``bench/archives.py``). A copy ends with a short suffix of its own (so it is a text of
its own, embedded like any other) and is dated a few minutes after its original, so copies stay
where their original was in the archive's time order.

The words: four words of 7+ letters that occur in exactly one real tweet (so in one tweet per
copy), one from each quarter of the archive's time order, newest to oldest: indexing embeds newest
first, so the quarters show how the wait grows with how far back a tweet lies.

``--in-process``: no server and no model; the same archive read into a fresh store by the indexer
(``Indexer.read_sources``, the server's path), timed in CPU seconds (which a busy machine moves
less than wall seconds) and wall seconds, ``--rounds`` times.

The server: ``recall-ls serve`` over stdio with a fresh index folder and the archive as its source,
driven by pytest-lsp's client (as ``bench/server_bench.py``). Each word is asked again after every
``recall/status`` the server sends (and at least every 2 s); a word is found
when a returned symbol points at a tweet (its line in ``tweets.js``) that contains it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from lsprotocol import types  # noqa: E402
from pytest_lsp import client_capabilities  # noqa: E402
from pytest_lsp.client import make_test_lsp_client  # noqa: E402

from archives import Tweet, write_twitter_archive  # noqa: E402
from recall_ls.core import sources  # noqa: E402
from recall_ls.core.sources.base import ImportOptions  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
ARCHIVES = ("twitter-grailbird-06b", "twitter-andreruffert", "twitter-alrocar", "twitter-larsbrinkhoff/2021-03-22",
            "twitter-dsajgiouawj-ja")
SUFFIXES = ("again", "still true", "(revisited)", "#throwback", "— noted", "(thread)", "still thinking about this",
            "(from the archive)", "looking back", "a year on", "(reposted)", "once more")
WORD = re.compile(r"(?<![\w@#/.])([a-z]{7,})(?![\w/.])")


def real_tweets() -> list[tuple[str, datetime]]:
    """Every real tweet the importers keep by default, oldest first."""
    found = []
    for name in ARCHIVES:
        for fragment in sources.read(CORPORA / name, ImportOptions()).fragments:
            if fragment.created_at:
                found.append((fragment.text, datetime.fromisoformat(fragment.created_at)))
    return sorted(found, key=lambda pair: pair[1])


def synthetic_archive(base: list[tuple[str, datetime]], size: int) -> list[Tweet]:
    copies = -(-size // len(base))
    tweets = []
    for copy in range(copies):
        suffix = "" if copy == 0 else " " + SUFFIXES[(copy - 1) % len(SUFFIXES)] + (
            f" {copy}" if copy > len(SUFFIXES) else "")
        for text, moment in base:
            if len(tweets) == size:
                return tweets
            tweets.append(Tweet(str(1_000_000_000 + len(tweets)), text + suffix, moment + timedelta(minutes=copy)))
    return tweets


def rare_words(base: list[tuple[str, datetime]], seed: int = 14) -> list[str]:
    """One word per quarter of the time order (newest quarter first) found in exactly one tweet."""
    words_of = [set(WORD.findall(text.casefold())) for text, _ in base]
    frequency = Counter(word for words in words_of for word in words)
    common = {w for suffix in SUFFIXES for w in suffix.split()}
    rng = random.Random(seed)
    chosen = []
    quarter = len(base) // 4
    for q in (3, 2, 1, 0):
        candidates = sorted({w for words in words_of[q * quarter : (q + 1) * quarter] for w in words
                             if frequency[w] == 1 and w not in common})
        chosen.append(rng.choice(candidates))
    return chosen


async def status_of(client) -> dict:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))


async def first_results(archive: Path, texts_by_line: dict[int, str], words: list[str], timeout: float) -> dict:
    client = make_test_lsp_client()
    news = asyncio.Condition()
    heard = [0]
    timeline: list[dict] = []  # each change of the server's state or status message, timed

    async def on_news(params):
        state, message = getattr(params, "state", None), getattr(params, "message", None)
        if not timeline or (timeline[-1]["state"], timeline[-1]["message"]) != (state, message):
            timeline.append({"s": round(time.perf_counter() - started, 2), "state": state, "message": message})
        async with news:
            heard[0] += 1
            news.notify_all()

    client.feature("recall/status")(on_news)  # pytest-lsp's client takes $/progress itself
    client.feature("workspace/codeLens/refresh")(lambda params: None)
    client.feature("client/registerCapability")(lambda params: None)
    await client.start_io(sys.executable, "-m", "recall_ls", "serve")
    index_dir = Path(tempfile.mkdtemp(prefix="first-result-index-"))
    started = time.perf_counter()
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={"indexDir": str(index_dir), "sources": [str(archive)]},
    ))
    report: dict = {"initialize_reply_s": round(time.perf_counter() - started, 2), "words": {}}
    waiting = list(words)
    while waiting and time.perf_counter() - started < timeout:
        async with news:
            seen = heard[0]
        for word in list(waiting):
            symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=word)) or []
            lines = [s.location.range.start.line + 1 for s in symbols if s.location.uri.endswith("tweets.js")]
            if any(word in texts_by_line.get(line, "").casefold() for line in lines):
                status = await status_of(client)
                report["words"][word] = {"seconds": round(time.perf_counter() - started, 2), "status": {
                    key: status.get(key) for key in ("state", "fragments", "embedded", "searchable", "indexing")}}
                print(json.dumps({word: report["words"][word]}), flush=True)
                waiting.remove(word)
        if waiting:
            async with news:
                try:
                    await asyncio.wait_for(news.wait_for(lambda: heard[0] > seen), 2.0)
                except TimeoutError:
                    pass
    report["not_found"] = waiting
    report["all_four_s"] = None if waiting else max(entry["seconds"] for entry in report["words"].values())
    final = await status_of(client)
    report["status_at_end"] = {key: final.get(key) for key in ("state", "fragments", "embedded", "searchable", "model")}
    report["timeline"] = timeline[:40] + timeline[-5:] if len(timeline) > 45 else timeline
    await client.shutdown_session()
    return report


def read_in_process(archive: Path, rounds: int) -> dict:
    """CPU and wall seconds of reading the archive into a fresh store, each round in a new folder."""
    from recall_ls.core.indexing import Indexer
    from recall_ls.core.store import Store

    runs = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="first-result-store-") as folder:
            store = Store(Path(folder))
            cpu, wall = time.process_time(), time.perf_counter()
            Indexer(store, None).read_sources(archive, ImportOptions())  # no embedder: nothing is embedded
            runs.append({"cpu_s": round(time.process_time() - cpu, 2), "wall_s": round(time.perf_counter() - wall, 2),
                         "fragments": store.count_fragments(), "load": round(os.getloadavg()[0], 2)})
            store.close()
        print(json.dumps(runs[-1]), flush=True)
    return {"read_and_store": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=1800, help="give up after this many seconds")
    parser.add_argument("--out", help="default: bench/out/first_result.json (--in-process: first_result_in_process.json)")
    parser.add_argument("--in-process", action="store_true", help="time the read and store alone, no server")
    parser.add_argument("--rounds", type=int, default=3, help="with --in-process: how many times")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"needs {CORPORA} (the shared corpora)")
    base = real_tweets()
    if args.tweets < len(base):  # fewer than the real ones: evenly spread over their time range
        base = [base[i * len(base) // args.tweets] for i in range(args.tweets)]
    tweets = synthetic_archive(base, args.tweets)
    words = rare_words(base)
    with tempfile.TemporaryDirectory() as scratch:
        archive = write_twitter_archive(Path(scratch) / "archive", tweets)
        # One record per line, after the opening line: a tweet's line in tweets.js.
        texts_by_line = {position + 2: tweet.text.casefold() for position, tweet in enumerate(tweets)}
        report = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "tweets": len(tweets), "real_tweets": len(base), "words": words,
        } | (read_in_process(archive, args.rounds) if args.in_process
             else asyncio.run(first_results(archive, texts_by_line, words, args.timeout)))
    out = Path(args.out or ROOT / "bench" / "out" / f"first_result{'_in_process' if args.in_process else ''}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
