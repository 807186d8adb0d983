"""The precision batches (indexing) are embedded in: fp32, or a reduced one where the hardware runs
it natively and this model's vectors stay the same.

- CPU: bf16 autocast, only on a CPU whose flags (``/proc/cpuinfo``) say it computes bf16 natively
  (``amx_bf16``, ``avx512_bf16``); elsewhere torch emulates it, slower than fp32. Never assumed.
- CUDA: fp16 autocast, then bf16 where the GPU supports it.
- Either only after a check on this machine: probe texts embedded in fp32 and in the reduced
  precision, each text's two vectors at cosine >= ``MIN_COSINE`` and each text's nearest probe the
  same; otherwise fp32, with the reason. ``$RECALL_BATCH_PRECISION=fp32`` forces fp32.

Queries (one text) stay in fp32, the reference. The verdict is recorded in the per-user cache so
that ``doctor``, which never loads the model, can say which path indexing takes and why.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from recall_ls.core.onnx_queries import LONG_PROBE
from recall_ls.core.onnx_queries import PROBES as ODD_PROBES

log = logging.getLogger(__name__)

ENV = "RECALL_BATCH_PRECISION"
SETTINGS = ("auto", "fp32")
# Issue 14 measured bf16 at cosine >= 0.9999 to fp32: below this, reduced precision changes results.
MIN_COSINE = 0.999
NATIVE_BF16_FLAGS = ("amx_bf16", "avx512_bf16")
_TORCH_DTYPES = {"bf16": "bfloat16", "fp16": "float16"}
# Paraphrase pairs: each text's nearest probe is its pair by a wide margin in fp32, so a changed
# nearest neighbour is a real change, not a tie broken the other way.
PAIRED_PROBES = (
    "Rereading my old notes, I keep finding ideas I had forgotten I ever had.",
    "Going through old journals I found thoughts I no longer remembered having.",
    "The train was delayed again this morning, so I missed the meeting.",
    "Missed today's meeting because my train was late once more.",
    "A heron stood fishing at the river mouth at dawn.",
    "At sunrise a grey heron was catching fish where the river meets the sea.",
    "Compilers turn source code into machine instructions.",
    "A compiler translates programs into code the processor can run.",
    "Baking sourdough bread takes patience and a lively starter.",
    "My sourdough loaf needs a strong starter and a long, slow rise.",
)


@dataclass(frozen=True, slots=True)
class Hardware:
    """What reduced precisions this device runs natively (``label`` names why), best first."""

    device_type: str  # "cpu" | "cuda" | "mps" ...
    dtypes: tuple[str, ...]
    label: str  # "avx512_bf16", a GPU's name, or why there is nothing to try


@dataclass(frozen=True, slots=True)
class Check:
    """One reduced precision against fp32 on the probe texts."""

    dtype: str
    cosine: float  # the lowest, over the probes
    neighbours_same: bool
    seconds: float

    @property
    def passed(self) -> bool:
        return self.cosine >= MIN_COSINE and self.neighbours_same


@dataclass(frozen=True, slots=True)
class BatchPrecision:
    """The precision chosen for batches, and why."""

    dtype: str  # "fp32" | "bf16" | "fp16"
    device_type: str
    reason: str
    cosine: float | None = None

    def describe(self) -> str:
        """``bf16 (avx512_bf16, checked: cos 0.99998)`` or ``fp32: no native bf16 on this CPU``."""
        return f"fp32: {self.reason}" if self.dtype == "fp32" else f"{self.dtype} ({self.reason})"

    def autocast(self):
        if self.dtype == "fp32":
            return contextlib.nullcontext()
        import torch

        return torch.autocast(self.device_type, dtype=getattr(torch, _TORCH_DTYPES[self.dtype]))


FP32 = BatchPrecision("fp32", "cpu", "the reference")


def setting() -> str:
    """``$RECALL_BATCH_PRECISION``: ``auto`` (the default) or ``fp32``; anything else is reported and
    read as ``auto``."""
    value = os.environ.get(ENV, "auto").strip().lower() or "auto"
    if value not in SETTINGS:
        log.warning("%s=%s is not one of %s: using auto", ENV, value, ", ".join(SETTINGS))
        return "auto"
    return value


def cpu_bf16_flags(cpuinfo: str | None = None) -> tuple[str, ...]:
    """The native-bf16 flags this CPU declares (``/proc/cpuinfo``; none where it cannot be read)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text("utf-8", errors="replace")
        except OSError:
            return ()
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return tuple(flag for flag in NATIVE_BF16_FLAGS if flag in flags)


def hardware(device: str, cpu_flags: Sequence[str] | None = None) -> Hardware:
    """What ``device`` could run in reduced precision. ``cpu_flags`` defaults to this CPU's."""
    device_type = device.split(":")[0]
    if device_type == "cpu":
        flags = tuple(cpu_flags) if cpu_flags is not None else cpu_bf16_flags()
        if not flags:
            return Hardware("cpu", (), "no native bf16 on this CPU")
        return Hardware("cpu", ("bf16",), "+".join(flags))
    if device_type == "cuda":
        import torch

        index = torch.device(device).index or 0
        dtypes = ("fp16", "bf16") if torch.cuda.is_bf16_supported() else ("fp16",)
        return Hardware("cuda", dtypes, torch.cuda.get_device_name(index))
    return Hardware(device_type, (), f"reduced precision is not tried on {device_type}")


def choose(hw: Hardware, requested: str, check: Callable[[str], Check] | None) -> BatchPrecision:
    """The first of ``hw.dtypes`` that passes ``check``, else fp32 with the reason (``check`` is
    called only when there is a reduced precision to try)."""
    if requested == "fp32":
        return BatchPrecision("fp32", hw.device_type, f"forced by {ENV}=fp32")
    if not hw.dtypes:
        return BatchPrecision("fp32", hw.device_type, hw.label)
    failures = []
    for dtype in hw.dtypes:
        try:
            result = check(dtype)
        except Exception as exc:  # a faster path, never a reason to fail
            failures.append(f"{dtype} check failed ({exc})")
            continue
        if result.passed:
            return BatchPrecision(dtype, hw.device_type, f"{hw.label}, checked: cos {result.cosine:.5f}", result.cosine)
        neighbours = "" if result.neighbours_same else ", nearest neighbours differ"
        failures.append(f"{dtype} differs from fp32 on {hw.label} (cos {result.cosine:.5f}{neighbours})")
    return BatchPrecision("fp32", hw.device_type, "; ".join(failures))


def encode(model, texts: Sequence[str], precision: BatchPrecision) -> np.ndarray:
    """L2-normalised float32 vectors of ``texts``, embedded as one batch in ``precision``."""
    if precision.dtype == "fp32":
        vectors = model.encode(list(texts), batch_size=len(texts), convert_to_numpy=True, normalize_embeddings=True,
                               show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)
    with precision.autocast():
        vectors = model.encode(list(texts), batch_size=len(texts), convert_to_tensor=True, normalize_embeddings=False,
                               show_progress_bar=False)
    # Normalised in fp32: a bf16 norm is off by up to 0.4 %, which would skew every cosine.
    vectors = vectors.float().cpu().numpy()
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def check(model, dtype: str, device_type: str) -> Check:
    """Embed the probe texts in fp32 and in ``dtype``; compare each text's vectors and neighbours."""
    # The long probe alone: in one batch with it, the short ones would be padded to its length.
    batches = ([*PAIRED_PROBES, *ODD_PROBES], [LONG_PROBE])
    started = time.perf_counter()
    reference = np.vstack([encode(model, texts, FP32) for texts in batches])
    trial = BatchPrecision(dtype, device_type, "being checked")
    reduced = np.vstack([encode(model, texts, trial) for texts in batches])
    cosine = float(np.min(np.sum(reference * reduced, axis=1)))
    paired = len(PAIRED_PROBES)
    return Check(dtype, cosine, _nearest(reference[:paired]) == _nearest(reduced[:paired]),
                 time.perf_counter() - started)


def _nearest(vectors: np.ndarray) -> list[int]:
    similarities = vectors @ vectors.T
    np.fill_diagonal(similarities, -np.inf)
    return [int(i) for i in similarities.argmax(axis=1)]


# -- the verdict, kept for doctor --------------------------------------------------------------------


def record_path(cache_dir: Path, model_key: str, device_type: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in model_key)
    return cache_dir / "precision" / f"{safe}-{device_type}.json"


def record(path: Path, precision: BatchPrecision, hw: Hardware, torch_version: str) -> None:
    """Write the verdict atomically; a cache that cannot be written costs only doctor's answer."""
    entry = asdict(precision) | {"hardware": hw.label, "torch": torch_version, "describe": precision.describe(),
                                 "checked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entry, out, indent=2)
        os.replace(temporary, path)
    except OSError as exc:
        log.debug("could not record the batch precision in %s: %s", path, exc)


def recorded(path: Path, hw: Hardware, torch_version: str) -> dict | None:
    """The verdict last recorded for this model, if it was reached on this hardware and torch."""
    try:
        entry = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("hardware") != hw.label or entry.get("torch") != torch_version:
        return None
    return entry
