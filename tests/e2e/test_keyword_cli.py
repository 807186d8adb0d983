"""``recall-ls search`` answers from the keyword tier without importing torch or
sentence-transformers: with ``--ranking keyword``, and on an index where nothing is embedded yet."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from recall_ls.core.embed import Embedder, resolve_model
from recall_ls.core.store import Store
from tests.helpers import fragment

# Runs the CLI in a fresh interpreter, then says which heavy modules it imported.
PROBE = """
import json, sys
from recall_ls.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def search(index_dir, *args):
    result = subprocess.run([sys.executable, "-c", PROBE, "search", "--index-dir", str(index_dir), "--json", *args],
                            capture_output=True, text=True, timeout=300)
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
def test_once_something_is_embedded_hybrid_loads_the_model(index_dir):
    store = Store(index_dir)
    key = Embedder(resolve_model(None)).key
    [(digest, _)] = store.texts_to_embed(key, 1)
    store.put_embeddings(key, [digest], np.ones((1, 384), dtype=np.float32) / np.sqrt(384))
    store.close()
    _, heavy = search(index_dir, "lake constance")
    assert "torch" in heavy
