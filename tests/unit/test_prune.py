"""Vectors and search index files of models no longer used are removed on request, nothing else."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from recall_ls.core.embed import Embedder, resolve_model
from recall_ls.core.fragments import text_hash
from recall_ls.core.indexing import ann_folder
from recall_ls.core.prune import prune_other_models
from recall_ls.core.store import Store
from recall_ls.doctor import diagnose
from tests.helpers import fragment


def filled_store(index_dir, models: list[str]) -> Store:
    store = Store(index_dir)
    texts = ["alpha words", "beta words"]
    store.sync_fragments("/src", [fragment(f"tweet:{i}", t) for i, t in enumerate(texts)])
    for model in models:
        store.put_embeddings(model, [text_hash(t) for t in texts], np.eye(2, 4, dtype=np.float32))
        folder = ann_folder(index_dir, model)
        folder.mkdir(parents=True)
        (folder / "gen-1.ann").write_bytes(b"\0" * 64)
    return store


def test_prune_keeps_the_current_model_and_removes_the_others(tmp_path):
    store = filled_store(tmp_path / "index", ["current@1", "old@2", "older@3"])
    assert prune_other_models(store, "current@1", dry_run=True).models == {"old@2": 2, "older@3": 2}
    assert store.count_embeddings("old@2") == 2  # a dry run removes nothing
    pruned = prune_other_models(store, "current@1")
    assert pruned.models == {"old@2": 2, "older@3": 2}
    assert store.embedding_models() == {"current@1": 2}
    assert not ann_folder(store.index_dir, "old@2").exists() and ann_folder(store.index_dir, "current@1").exists()
    assert store.count_fragments() == 2
    store.close()


def test_doctor_offers_prune_and_the_cli_does_it(tmp_path):
    key = Embedder(resolve_model(None), "cpu").key
    index_dir = tmp_path / "index"
    filled_store(index_dir, [key, "old-model@abc"]).close()
    assert diagnose(index_dir, None, "cpu")["index"]["other_models"]["old-model@abc"] == 2
    result = subprocess.run(
        [sys.executable, "-m", "recall_ls", "prune", "--index-dir", str(index_dir)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "removed 2 vectors of old-model@abc" in result.stdout
    report = diagnose(index_dir, None, "cpu")["index"]
    assert "other_models" not in report and report["embedded"] == 2
