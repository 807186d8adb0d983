"""Queries through onnxruntime: the same vectors as torch, the export made once and reused, and torch
whenever the ONNX path cannot be trusted. Real bundled model."""

from __future__ import annotations

import logging
import sys

import numpy as np
import pytest

from recall_ls.core import onnx_queries
from recall_ls.core.embed import Embedder, resolve_model
from recall_ls.core.onnx_queries import OnnxQueryEncoder, OnnxUnavailable
from recall_ls.doctor import diagnose

pytestmark = pytest.mark.model

TEXTS = [
    "Rereading old journals, I keep finding ideas I had forgotten.",
    "A heron fishing at the river mouth at dawn",
    "x",
    "Émoji 🙂 and accents: naïve café, 東京",
]


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    # fp32 batches: the reference the ONNX path is held to (bf16 batches differ in the 5th decimal).
    embedder = Embedder(resolve_model(None), precision="fp32")
    embedder.load()
    return embedder


def prepare(embedder: Embedder, cache_dir) -> OnnxQueryEncoder:
    return OnnxQueryEncoder.prepare(embedder._model, embedder.key, cache_dir, threads=1)


def exported_files(cache_dir) -> list:
    return sorted((cache_dir / "onnx").glob("*.onnx"))


def test_an_embedder_for_queries_uses_onnxruntime_with_torchs_vectors(tmp_path, monkeypatch, torch_embedder):
    monkeypatch.setenv("RECALL_CACHE_DIR", str(tmp_path))
    embedder = Embedder(resolve_model(None), fast_queries=True)
    embedder.load()
    assert embedder.query_runtime == "onnxruntime"
    assert [p.name for p in exported_files(tmp_path)] == [f"{embedder.key}-v{onnx_queries.EXPORT_FORMAT}.onnx"]
    reference = torch_embedder.encode(TEXTS)
    for text, expected in zip(TEXTS, reference, strict=True):
        vector = embedder.encode_query(text)
        assert vector.dtype == np.float32 and vector.shape == expected.shape
        assert float(vector @ expected) > 0.9999
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_doctor_tells_whether_the_export_is_made(tmp_path, monkeypatch, torch_embedder):
    monkeypatch.setenv("RECALL_CACHE_DIR", str(tmp_path / "cache"))
    before = diagnose(tmp_path / "index", None, "cpu")["queries"]
    assert before["onnxruntime"] and before["exported"] is False
    prepare(torch_embedder, tmp_path / "cache")
    after = diagnose(tmp_path / "index", None, "cpu")["queries"]
    assert after["exported"] is True and after["export"] == str(exported_files(tmp_path / "cache")[0])


def test_the_export_is_made_once_and_reused(tmp_path, monkeypatch, torch_embedder):
    prepare(torch_embedder, tmp_path)
    (exported,) = exported_files(tmp_path)

    def no_second_export(*_args):
        raise AssertionError("exported again although the cached file is good")

    monkeypatch.setattr(onnx_queries, "_export", no_second_export)
    encoder = prepare(torch_embedder, tmp_path)
    assert exported_files(tmp_path) == [exported]
    assert float(encoder.encode([TEXTS[0]])[0] @ torch_embedder.encode([TEXTS[0]])[0]) > 0.9999


def test_a_damaged_export_is_made_again(tmp_path, torch_embedder, caplog):
    prepare(torch_embedder, tmp_path)
    (exported,) = exported_files(tmp_path)
    exported.write_bytes(b"not an onnx file")
    with caplog.at_level(logging.INFO, logger="recall_ls.core.onnx_queries"):
        encoder = prepare(torch_embedder, tmp_path)
    assert "exporting it again" in caplog.text and str(exported) in caplog.text
    assert exported.stat().st_size > 1_000_000
    assert float(encoder.encode([TEXTS[1]])[0] @ torch_embedder.encode([TEXTS[1]])[0]) > 0.9999


def test_vectors_that_differ_from_torchs_are_refused(tmp_path, monkeypatch, torch_embedder):
    monkeypatch.setattr(onnx_queries, "MIN_AGREEMENT", 1.5)  # no runtime agrees that well
    with pytest.raises(OnnxUnavailable, match="differ from torch"):
        prepare(torch_embedder, tmp_path)


def test_without_onnxruntime_queries_stay_on_torch(tmp_path, monkeypatch, torch_embedder, caplog):
    monkeypatch.setenv("RECALL_CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed
    embedder = Embedder(resolve_model(None), fast_queries=True)
    with caplog.at_level(logging.INFO, logger="recall_ls.core.embed"):
        embedder.load()
    assert embedder.query_runtime == "torch"
    assert "onnxruntime is not installed" in caplog.text
    assert not (tmp_path / "onnx").exists()
    expected = torch_embedder.encode([TEXTS[0]])[0]
    assert float(embedder.encode_query(TEXTS[0]) @ expected) > 0.9999


def test_an_unwritable_cache_leaves_queries_on_torch(tmp_path, monkeypatch, torch_embedder, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("RECALL_CACHE_DIR", str(blocker))
    embedder = Embedder(resolve_model(None), fast_queries=True)
    with caplog.at_level(logging.INFO, logger="recall_ls.core.embed"):
        embedder.load()
    assert embedder.query_runtime == "torch"
    assert f"cannot write to {blocker / 'onnx'}" in caplog.text
    assert embedder.encode_query(TEXTS[2]).shape == (embedder.dim,)
