"""End-to-end through the real CLI and the real bundled model: index, search, related, resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import CORPORA, EXAMPLES, requires_corpora

pytestmark = pytest.mark.model


def recall(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "recall_ls", *args], capture_output=True, text=True, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"recall-ls {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def examples_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("examples-index")
    out = recall("index", str(EXAMPLES), "--index-dir", str(index_dir), "--json")
    return index_dir, json.loads(out.stdout)


def search(index_dir, text, *extra):
    return json.loads(recall("search", text, "--index-dir", str(index_dir), "--json", *extra).stdout)


def test_examples_index_reads_every_source(examples_index):
    _, result = examples_index
    kinds = {s["kind"] for s in result["sources"]}
    assert kinds == {"notes", "twitter"} or len(result["sources"]) == 1
    assert result["embedded"] == result["fragments"] > 20


def test_a_paraphrase_finds_the_tweet(examples_index):
    index_dir, _ = examples_index
    hits = search(index_dir, "Going back through my old journals, I found the same thought written down several times", "-k", "3")
    assert any("same idea three times" in h["text"] for h in hits), hits
    hit = next(h for h in hits if "same idea three times" in h["text"])
    assert set(hit) >= {"id", "score", "text", "kind", "source", "location", "url", "created_at"}
    assert hit["url"].startswith("https://x.com/sample_writer/status/")


def test_a_note_paragraph_is_found_with_its_location(examples_index):
    index_dir, _ = examples_index
    hits = search(index_dir, "my tomato plants cracked after a storm", "-k", "3", "--kind", "note")
    assert hits and "tomatoes split" in hits[0]["text"]
    assert hits[0]["location"].endswith("balcony.md:8")


def test_related_to_a_line_excludes_the_paragraph_itself(examples_index):
    index_dir, _ = examples_index
    note = EXAMPLES / "notes" / "writing-habits.md"
    hits = json.loads(recall("related", f"{note}:9", "--index-dir", str(index_dir), "--json", "-k", "5").stdout)
    assert hits, "the daily-writing paragraph has a related long post"
    assert all(not h["location"].startswith(f"{note}:9") for h in hits)
    assert any("writing habit" in h["text"] for h in hits)


def test_nothing_below_the_minimum_score(examples_index):
    index_dir, _ = examples_index
    assert search(index_dir, "carburettor torque specifications for a 1972 tractor", "--min-score", "0.6") == []


def test_search_says_why_and_takes_the_opt_in_lifts(examples_index):
    index_dir, _ = examples_index
    query = "Going back through my old journals, I found the same thought written down several times"
    plain = search(index_dir, query, "-k", "3")
    assert all(h["why"].split(" ")[1] in ("meaning", "words") and "recent" not in h["why"] for h in plain)
    lifted = search(index_dir, query, "-k", "3", "--recency", "36500", "--prefer-engaged")
    assert all("recent" in h["why"] for h in lifted)  # a century's half-life: every dated post lifted
    before = {h["id"]: h["score"] for h in plain}
    assert all(h["score"] > before[h["id"]] for h in lifted if h["id"] in before) and before.keys() & {h["id"] for h in lifted}
    refused = recall("search", query, "--index-dir", str(index_dir), "--recency", "0", check=False)
    assert refused.returncode == 2 and "--recency: expected a positive number of days, got '0'" in refused.stderr


def test_restart_re_embeds_nothing(examples_index):
    index_dir, first = examples_index
    again = json.loads(recall("index", str(EXAMPLES), "--index-dir", str(index_dir), "--json").stdout)
    assert again["embedded"] == 0
    assert again["fragments"] == first["fragments"]


def test_kill_during_indexing_then_resume_loses_nothing(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for n in range(12):
        (notes / f"day-{n}.md").write_text(
            "\n\n".join(f"Entry {n}-{i}: thought number {i} of day {n} about topic {i * 7 % 13}." for i in range(60)),
            encoding="utf-8",
        )
    index_dir = tmp_path / "index"
    database = index_dir / "recall.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "recall_ls", "index", str(notes), "--index-dir", str(index_dir), "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        committed = 0
        deadline = time.monotonic() + 300
        while committed < 256 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)  # polling another process's progress: there is no message to wait on
            if database.exists():
                with sqlite3.connect(database) as db:
                    try:
                        committed = db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
                    except sqlite3.OperationalError:  # the file is there, its tables not yet
                        continue
        assert process.poll() is None, "indexing finished before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    with sqlite3.connect(database) as db:
        stored_before = db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    assert 256 <= stored_before < 720
    resumed = json.loads(recall("index", str(notes), "--index-dir", str(index_dir), "--json").stdout)
    assert resumed["fragments"] == 720
    assert resumed["embedded"] == 720 - stored_before  # what was stored is not embedded again
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 720


@requires_corpora
def test_a_paraphrase_of_a_real_tweet_is_in_the_top_3(tmp_path):
    archive = CORPORA / "twitter-andreruffert"
    index_dir = tmp_path / "index"
    recall("index", str(archive), "--index-dir", str(index_dir), "-q")
    hits = search(index_dir, "put noopener on links that open in a new tab", "-k", "3")
    assert any("noopener" in h["text"] for h in hits), [h["text"][:80] for h in hits]


def test_scan_of_a_vault_whose_front_matter_is_not_strict_yaml_exits_0_with_warnings(tmp_path):
    (tmp_path / "vision.md").write_text("---\ntitle: 10 Year Vision: Write of Passage\n---\nTen years from now.\n")
    (tmp_path / "plain.md").write_text("Nothing special here.\n")
    result = recall("scan", str(tmp_path), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning: " in result.stdout and "vision.md: front matter read line by line" in result.stdout
    assert "error:" not in result.stdout
    payload = json.loads(recall("scan", str(tmp_path), "--json").stdout)
    assert payload["sources"][0]["errors"] == [] and len(payload["sources"][0]["warnings"]) == 1
