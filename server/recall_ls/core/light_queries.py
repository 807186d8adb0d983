"""Query vectors with neither torch nor sentence-transformers loaded: a cold process answers in a second.

Importing sentence-transformers (and torch with it) takes 4-7 s, which every `recall-ls search` paid
for one short text. What a query needs is smaller: the model's tokenizer (its ``tokenizer.json``,
through the ``tokenizers`` library that sentence-transformers' fast tokenizer is), the transformer the
server already exported to ONNX (``onnx_queries.py``), and pooling and normalising, done here in numpy
as the model's ``1_Pooling`` configuration says.

It serves only models whose modules are exactly a Transformer, a Pooling (mean, CLS or max) and
optionally a Normalize, and only after it was checked against torch on the probe texts by a process
that had the real model loaded (``record_check``): the check is kept beside the export, tied to that
file's size and modification time, so a replaced export is never trusted unchecked.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np

from recall_ls.core.onnx_queries import MIN_AGREEMENT, OnnxUnavailable, open_session

log = logging.getLogger(__name__)

CHECK_FORMAT = 1
_SUPPORTED_MODULES = ("sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling")
_NORMALIZE = "sentence_transformers.models.Normalize"
_POOLING_KEYS = {"cls": "pooling_mode_cls_token", "max": "pooling_mode_max_tokens", "mean": "pooling_mode_mean_tokens"}


class LightQueryEncoder:
    """Tokenizer + exported transformer + numpy pooling; vectors L2-normalised like torch's path."""

    def __init__(self, tokenizer, session, pooling: str, dim: int) -> None:
        self._tokenizer = tokenizer
        self._session = session
        self._inputs = [node.name for node in session.get_inputs()]
        self._pooling = pooling
        self.dim = dim

    @classmethod
    def open(cls, model_folder: Path, export: Path, threads: int = 1, checked: bool = True) -> LightQueryEncoder:
        """The encoder for the model in ``model_folder`` over its ONNX ``export``. Unless ``checked`` is
        False (the check itself), raises ``OnnxUnavailable`` when no valid check is recorded."""
        if checked and not is_checked(export):
            raise OnnxUnavailable(f"{export} has not been checked for queries without torch")
        pooling, max_length, dim = _model_layout(Path(model_folder))
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise OnnxUnavailable(f"{exc.name} is not installed") from exc
        tokenizer = Tokenizer.from_file(str(Path(model_folder) / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=max_length)
        tokenizer.enable_padding()
        return cls(tokenizer, open_session(onnxruntime, export, threads), pooling, dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (tokens,) = self._session.run(None, {name: arrays[name] for name in self._inputs})
        mask = arrays["attention_mask"][:, :, None].astype(np.float32)
        if self._pooling == "cls":
            vectors = tokens[:, 0]
        elif self._pooling == "max":
            vectors = np.where(mask > 0, tokens, -1e9).max(axis=1)
        else:
            vectors = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        vectors = vectors.astype(np.float32, copy=False)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def record_check(model_folder: Path, export: Path, reference, texts: list[str]) -> float:
    """Compare this encoder with ``reference`` (the loaded model's own normalised vectors of
    ``texts``) and, when they agree, record it beside ``export``. Returns the lowest cosine; raises
    ``OnnxUnavailable`` when this model's layout is not one this encoder handles or they disagree."""
    encoder = LightQueryEncoder.open(model_folder, export, checked=False)
    one_by_one = np.vstack([encoder.encode([text]) for text in texts])
    agreement = float(np.min(np.sum(one_by_one * np.asarray(reference), axis=1)))
    if agreement < MIN_AGREEMENT:
        raise OnnxUnavailable(f"queries without torch differ from torch's (cosine {agreement:.6f})")
    stat = export.stat()
    record = {"format": CHECK_FORMAT, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "agreement": agreement}
    temporary = _check_path(export).with_suffix(".tmp")
    temporary.write_text(json.dumps(record), encoding="utf-8")
    os.replace(temporary, _check_path(export))
    return agreement


def _check_path(export: Path) -> Path:
    return export.with_name(export.name + ".light.json")


def is_checked(export: Path) -> bool:
    """A check of this encoder over ``export`` is recorded, for the file as it is now."""
    try:
        record = json.loads(_check_path(export).read_text(encoding="utf-8"))
        stat = export.stat()
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("format") == CHECK_FORMAT
        and record.get("size") == stat.st_size
        and record.get("mtime_ns") == stat.st_mtime_ns
    )


def _model_layout(folder: Path) -> tuple[str, int, int]:
    """The pooling mode, maximum sequence length and dimension of a model this encoder can serve."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OnnxUnavailable(f"{folder} is not a sentence-transformers model folder this path reads: {exc}") from exc
    types = [module.get("type") for module in modules]
    if tuple(types[:2]) != _SUPPORTED_MODULES or any(t != _NORMALIZE for t in types[2:]):
        raise OnnxUnavailable(f"{folder}: modules {types} need sentence-transformers")
    modes = [mode for mode, key in _POOLING_KEYS.items() if pooling.get(key)]
    if len(modes) != 1 or pooling.get("pooling_mode_mean_sqrt_len_tokens"):
        raise OnnxUnavailable(f"{folder}: pooling {pooling} needs sentence-transformers")
    return modes[0], int(config.get("max_seq_length") or 512), int(pooling["word_embedding_dimension"])
