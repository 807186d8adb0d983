"""Queries without the model loaded: trusted only after a recorded check against torch, for the export
file as it is, and only for models whose layout numpy pooling reproduces."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from recall_ls.core import light_queries
from recall_ls.core.embed import Embedder, resolve_model
from recall_ls.core.onnx_queries import OnnxUnavailable, export_path

TEXTS = ["Rereading old journals, I keep finding ideas I had forgotten.", "x", "東京 naïve café 🙂"]


def test_models_with_other_modules_or_pooling_are_left_to_sentence_transformers(tmp_path):
    bundled = Path(resolve_model(None).location)
    folder = tmp_path / "model"
    shutil.copytree(bundled, folder)
    modules = json.loads((folder / "modules.json").read_text())
    (folder / "modules.json").write_text(json.dumps([*modules, {"type": "sentence_transformers.models.Dense"}]))
    with pytest.raises(OnnxUnavailable, match="need sentence-transformers"):
        light_queries._model_layout(folder)
    (folder / "modules.json").write_text(json.dumps(modules))
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling | {"pooling_mode_cls_token": True}))
    with pytest.raises(OnnxUnavailable, match="pooling"):
        light_queries._model_layout(folder)


@pytest.mark.model
def test_checked_once_it_embeds_as_torch_does_and_a_changed_export_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("RECALL_CACHE_DIR", str(tmp_path))
    loaded = Embedder(resolve_model(None), "cpu", fast_queries=True, precision="fp32")
    loaded.load()  # exports, checks against torch, records the check
    export = export_path(tmp_path, loaded.key)
    assert light_queries.is_checked(export)
    cold = Embedder(resolve_model(None), "cpu", light_queries=True)
    for text, expected in zip(TEXTS, loaded.encode(TEXTS), strict=True):
        assert float(cold.encode_query(text) @ expected) > 0.9999
    assert not cold.loaded and cold.dim == 384  # never loaded the model
    os.utime(export, ns=(export.stat().st_atime_ns, export.stat().st_mtime_ns + 10**9))  # a replaced file
    assert not light_queries.is_checked(export)
    again = Embedder(resolve_model(None), "cpu", light_queries=True)
    vector = again.encode_query(TEXTS[0])
    assert again.loaded and np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)  # fell back to the model
