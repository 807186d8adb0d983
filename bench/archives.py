"""Archives for benchmarks, written in the Twitter/X "Your archive" format the importers read.

Benchmarks index through the product's own path (importer, store, indexer, engine); what they
index is written here as a real export would be: ``data/tweets.js`` as
``window.YTD.tweets.part0 = [{"tweet": {...}}, ...]`` with string ids, the archive's date format,
and ``full_text`` HTML-escaped for ``& < >`` only, plus a ``manifest.js`` naming the owner.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

OWNER = "bench_writer"
OWNER_ID = "100000001"


@dataclass(frozen=True, slots=True)
class Tweet:
    id_str: str
    text: str
    created_at: datetime


def escaped(text: str) -> str:
    """As archives store ``full_text``: only ``& < >`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def twitter_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y")


def record(tweet: Tweet) -> dict:
    text = escaped(tweet.text)
    return {"tweet": {
        "id_str": tweet.id_str, "id": tweet.id_str, "full_text": text, "created_at": twitter_date(tweet.created_at),
        "display_text_range": ["0", str(len(tweet.text))], "lang": "und", "retweeted": False,
        "favorite_count": "0", "retweet_count": "0", "truncated": False,
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
    }}


def write_twitter_archive(folder: Path, tweets: Iterable[Tweet]) -> Path:
    """Write an archive of ``tweets`` under ``folder``; returns ``folder`` (what to index)."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    manifest = {"userInfo": {"accountId": OWNER_ID, "userName": OWNER, "displayName": "Bench"}}
    (data / "manifest.js").write_text(f"window.__THAR_CONFIG = {json.dumps(manifest)}", encoding="utf-8")
    with (data / "tweets.js").open("w", encoding="utf-8") as out:
        out.write("window.YTD.tweets.part0 = [")
        for position, tweet in enumerate(tweets):
            out.write(("," if position else "") + "\n" + json.dumps(record(tweet), ensure_ascii=False))
        out.write("\n]")
    return folder
