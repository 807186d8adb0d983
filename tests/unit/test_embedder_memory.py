"""The embedder remembers the texts it embedded last: a text is embedded once, whichever path
(a query, the writer's batch) asks first. The model is a recording stand-in: this is plumbing."""

from __future__ import annotations

import numpy as np

from recall_ls.core.embed import RECENT_VECTORS, Embedder, ModelSpec
from recall_ls.core.fragments import text_hash


class RecordingModel:
    """Answers like SentenceTransformer.encode, one fixed vector per text, and keeps every call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts, **_options):
        self.calls.append(list(texts))
        return np.stack([np.full(4, len(text), dtype=np.float32) for text in texts])


def loaded_embedder() -> tuple[Embedder, RecordingModel]:
    # fp32 named: no precision check, whose probe texts would show in the recorded calls.
    embedder = Embedder(ModelSpec("recording", "/nowhere", bundled=False), device="cpu", precision="fp32")
    model = RecordingModel()
    embedder._model, embedder._dim, embedder._device = model, 4, "cpu"
    return embedder, model


def test_the_writer_reuses_the_vector_a_query_just_made():
    embedder, model = loaded_embedder()
    typed = embedder.encode_query("the paragraph being typed")
    vectors = embedder.encode(["the paragraph being typed", "another paragraph"])
    assert model.calls == [["the paragraph being typed"], ["another paragraph"]]
    assert np.array_equal(vectors[0], typed) and vectors[1][0] == len("another paragraph")


def test_a_query_reuses_what_the_writer_just_embedded():
    embedder, model = loaded_embedder()
    embedder.encode(["settled paragraph one", "settled paragraph two"])
    assert embedder.encode_query("settled paragraph two")[0] == len("settled paragraph two")
    assert len(model.calls) == 1


def test_memory_is_bounded_and_keeps_the_latest():
    embedder, model = loaded_embedder()
    texts = [f"text {i}" for i in range(RECENT_VECTORS + 10)]
    embedder.encode(texts)
    assert embedder.recent(text_hash(texts[0])) is None
    assert embedder.recent(text_hash(texts[-1])) is not None
    embedder.encode_query(texts[0])
    assert model.calls[-1] == [texts[0]]


def test_remembered_vectors_cannot_be_changed_by_a_caller():
    embedder, _ = loaded_embedder()
    vector = embedder.encode_query("a text")
    try:
        vector[0] = 99.0
    except ValueError:
        pass
    assert embedder.encode_query("a text")[0] == len("a text")
