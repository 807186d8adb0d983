"""Query vectors on the CPU through onnxruntime: the same model, 1.7x faster for one text.

A keystroke's query is one short text. torch runs the transformer eagerly, and for one text of ~30
tokens much of its time goes to dispatching operators one by one; onnxruntime runs the same graph
optimised (bench/query_embed_bench.py: p50 16.4 -> 9.7 ms on 2 cores; cosine between the two
runtimes' vectors of a text 0.9999999).

- The model's transformer (the first sentence-transformers module) is exported to ONNX once, into
  the per-user cache, under the model key (which carries the weights' checksum): a file written
  under a temporary name and renamed into place.
- Tokenising and everything after the transformer (pooling, normalising, any dense layer) stay the
  sentence-transformers modules of the loaded model, so the two runtimes cannot drift apart there.
- Before use, its vectors are compared with torch's on probe texts; any difference, and any failure
  to export or load, leaves queries on torch, with the reason logged.

Batches (indexing) stay on torch, the reference: the gain is where one short text leaves torch's
per-operator overhead to dominate.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Bumped when the exported graph's inputs or outputs change, so an old cached file is not reused.
EXPORT_FORMAT = 1
OPSET = 17
# A protobuf file cannot exceed 2 GB; larger models would need external weight files.
MAX_EXPORT_BYTES = 1_500_000_000
# Same text, two runtimes: cosines measured at 0.9999999; anything below this is a real difference.
MIN_AGREEMENT = 0.9999
PROBES = (
    "",
    "ok",
    "Rereading my old notes, I keep finding ideas I had forgotten I ever had.",
    "Café au lait ☕ — naïve façades, 東京, emoji 🙂 and a link https://example.com/a?b=c",
)
# Past the model's maximum sequence length: cut the same way, every position embedding in use.
LONG_PROBE = " ".join(["a long paragraph that runs past the maximum sequence length"] * 40)


class OnnxUnavailable(Exception):
    """The ONNX path cannot serve this model here; the message says why (torch is used instead)."""


class OnnxQueryEncoder:
    """Encodes texts with an exported transformer run by onnxruntime and the model's own pooling."""

    def __init__(self, model, session, input_names: list[str]) -> None:
        self._model = model
        self._after_transformer = list(model)[1:]  # pooling, normalising, any dense layer
        self._session = session
        self._input_names = input_names

    @classmethod
    def prepare(cls, model, model_key: str, cache_dir: Path, threads: int) -> OnnxQueryEncoder:
        """Export (or reuse) the model's transformer and check it against torch. Raises
        ``OnnxUnavailable`` when it cannot be used."""
        try:
            import onnxruntime
        except ImportError as exc:
            raise OnnxUnavailable("onnxruntime is not installed") from exc
        transformer = model[0]
        if getattr(transformer, "module_output_name", "token_embeddings") != "token_embeddings" or not hasattr(
            transformer, "model"
        ):
            raise OnnxUnavailable(f"the first module ({type(transformer).__name__}) is not a text transformer")
        probe = model.preprocess(["probe"])
        input_names = [name for name, value in probe.items() if hasattr(value, "dtype")]
        path = export_path(cache_dir, model_key)
        cached = path.is_file()
        if not cached:
            _export(transformer.model, probe, input_names, path)
        try:
            session = open_session(onnxruntime, path, threads)
        except OnnxUnavailable as exc:
            if not cached:
                raise
            # A damaged file, or one an incompatible exporter wrote: made anew.
            log.info("%s; exporting it again", exc)
            _export(transformer.model, probe, input_names, path)
            session = open_session(onnxruntime, path, threads)
        expected = [node.name for node in session.get_inputs()]
        if sorted(expected) != sorted(input_names):
            raise OnnxUnavailable(f"{path} takes {expected}, the tokenizer gives {input_names}")
        encoder = cls(model, session, input_names)
        encoder._check_against_torch()
        return encoder

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        features = self._model.preprocess(texts)
        feed = {name: features[name].numpy().astype(np.int64, copy=False) for name in self._input_names}
        (token_embeddings,) = self._session.run(None, feed)
        features["token_embeddings"] = torch.from_numpy(token_embeddings)
        with torch.inference_mode():
            for module in self._after_transformer:
                features = module(features)
        vectors = features["sentence_embedding"].numpy().astype(np.float32, copy=False)
        # As torch's path does with normalize_embeddings=True, whether or not the model normalises.
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _check_against_torch(self) -> None:
        texts = [*PROBES, LONG_PROBE]
        reference = self._model.encode(texts, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
        one_by_one = np.vstack([self.encode([text]) for text in texts])
        # Padded to the longest of the short ones: the mask must make padding irrelevant.
        batched = np.vstack([self.encode(list(PROBES)), one_by_one[-1:]])
        for name, vectors in (("one by one", one_by_one), ("batched", batched)):
            agreement = float(np.min(np.sum(vectors * reference, axis=1)))
            if agreement < MIN_AGREEMENT:
                raise OnnxUnavailable(f"its vectors differ from torch's ({name}: cosine {agreement:.6f})")


def export_path(cache_dir: Path, model_key: str) -> Path:
    """Where the export of the model known by ``model_key`` (name and weights checksum) is kept."""
    return cache_dir / "onnx" / f"{_safe(model_key)}-v{EXPORT_FORMAT}.onnx"


def open_session(onnxruntime, path: Path, threads: int):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Spinning threads wait for work by burning a core: on a small machine they starve torch's
    # pool and the editor (p90 rose 3-5x).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:
        path.unlink(missing_ok=True)
        raise OnnxUnavailable(f"cannot load {path}: {exc}") from exc


def _export(transformer, probe: dict, input_names: list[str], path: Path) -> None:
    import torch

    size = sum(p.numel() * p.element_size() for p in transformer.parameters())
    if size > MAX_EXPORT_BYTES:
        raise OnnxUnavailable(f"the model is too large to export ({size / 1e9:.1f} GB)")

    class LastHiddenState(torch.nn.Module):
        """The transformer called by keyword, as sentence-transformers calls it; token vectors out."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *inputs):
            return self.transformer(**dict(zip(input_names, inputs, strict=True)), return_dict=True)[0]

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    except OSError as exc:
        raise OnnxUnavailable(f"cannot write to {path.parent}: {exc}") from exc
    os.close(handle)
    axes = {name: {0: "batch", 1: "tokens"} for name in [*input_names, "token_embeddings"]}
    try:
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer notes about shapes; the check against torch decides
            torch.onnx.export(
                LastHiddenState().eval(), tuple(probe[name] for name in input_names), temporary, dynamo=False,
                input_names=input_names, output_names=["token_embeddings"], dynamic_axes=axes, opset_version=OPSET,
            )
        os.replace(temporary, path)
    except Exception as exc:
        raise OnnxUnavailable(f"export to {path} failed: {exc}") from exc
    finally:
        Path(temporary).unlink(missing_ok=True)
    log.info("exported the model's transformer to %s for fast queries", path)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.@" else "_" for c in name)
