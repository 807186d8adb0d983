"""``recall-ls search`` answers without importing torch or sentence-transformers: from the keyword tier
(``--ranking keyword``, or nothing embedded yet), and by meaning through the checked ONNX export once
one is in the cache; a wrong index folder is told at once and nothing is made there."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from recall_ls.core.embed import Embedder, resolve_model
from recall_ls.core.store import Store
from tests.conftest import EXAMPLES
from tests.helpers import fragment

# Runs the CLI in a fresh interpreter, then says which heavy modules it imported.
PROBE = """
import json, sys
from recall_ls.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def search(index_dir, *args, cache=None):
    env = os.environ | ({"RECALL_CACHE_DIR": str(cache)} if cache else {})
    result = subprocess.run([sys.executable, "-c", PROBE, "search", "--index-dir", str(index_dir), "--json", *args],
                            capture_output=True, text=True, timeout=300, env=env)
    probe = json.loads(result.stderr.strip().splitlines()[-1])
    assert probe["code"] == 0, result.stderr
    return json.loads(result.stdout), probe["heavy"]


@pytest.fixture
def index_dir(tmp_path):
    store = Store(tmp_path / "index")
    store.sync_fragments("/src", [fragment("t:1", "Our Zeppelin ride over Lake Constance"),
                                  fragment("t:2", "a quiet day of reading")])
    store.close()
    return tmp_path / "index"


def test_keyword_ranking_answers_without_the_model(index_dir):
    hits, heavy = search(index_dir, "zeppelins", "--ranking", "keyword")
    assert [h["id"] for h in hits] == ["t:1"] and hits[0]["matched"] == ["Zeppelin"]
    assert heavy == []


def test_nothing_embedded_yet_answers_by_words_without_the_model(index_dir):
    hits, heavy = search(index_dir, "lake constance")
    assert [h["id"] for h in hits] == ["t:1"] and hits[0]["matched"] == ["Lake", "Constance"]
    assert heavy == []


@pytest.mark.model
def test_once_something_is_embedded_hybrid_loads_the_model_when_no_export_is_checked(index_dir, tmp_path):
    store = Store(index_dir)
    key = Embedder(resolve_model(None)).key
    [(digest, _)] = store.texts_to_embed(key, 1)
    store.put_embeddings(key, [digest], np.ones((1, 384), dtype=np.float32) / np.sqrt(384))
    store.close()
    _, heavy = search(index_dir, "lake constance", cache=tmp_path / "empty-cache")
    assert "torch" in heavy


@pytest.mark.model
def test_a_cold_search_embeds_its_query_without_the_model_as_torch_would(tmp_path):
    cache, index = tmp_path / "cache", tmp_path / "index"
    indexed = subprocess.run([sys.executable, "-m", "recall_ls", "index", str(EXAMPLES), "--index-dir", str(index), "-q"],
                             capture_output=True, text=True, timeout=600, env=os.environ | {"RECALL_CACHE_DIR": str(cache)})
    assert indexed.returncode == 0, indexed.stderr
    assert list((cache / "onnx").glob("*.light.json")), "indexing exports and checks the query path once"
    query = ("Going back through my old journals, I found the same thought", "--ranking", "semantic", "-k", "5")
    fast, heavy = search(index, *query, cache=cache)
    assert heavy == []
    slow, heavy = search(index, *query, cache=tmp_path / "no-export-yet")
    assert "torch" in heavy
    assert [h["id"] for h in fast] == [h["id"] for h in slow] and fast
    assert all(abs(a["score"] - b["score"]) < 1e-3 for a, b in zip(fast, slow, strict=True))


def test_a_wrong_index_folder_is_told_at_once_and_nothing_is_made(tmp_path):
    missing = tmp_path / "typo" / "index"
    for command in (["search", "anything"], ["related", str(EXAMPLES / "notes" / "reading.txt")]):
        result = subprocess.run([sys.executable, "-c", PROBE, *command, "--index-dir", str(missing)],
                                capture_output=True, text=True, timeout=60)
        assert f"no index in {missing}" in result.stderr
        assert json.loads(result.stderr.strip().splitlines()[-1]) == {"code": 1, "heavy": []}
        assert not (tmp_path / "typo").exists()


def test_the_index_folder_can_come_from_a_recall_toml_in_the_current_folder(index_dir, tmp_path):
    (tmp_path / "recall.toml").write_text('indexDir = "index"\n')  # relative to the file's folder
    env = {k: v for k, v in os.environ.items() if k != "RECALL_INDEX_DIR"}
    result = subprocess.run([sys.executable, "-m", "recall_ls", "search", "zeppelins", "--ranking", "keyword", "--json"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert [h["id"] for h in json.loads(result.stdout)] == ["t:1"]
