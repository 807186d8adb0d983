"""Batches in reduced precision only where the hardware runs it natively and a check against fp32
passes; otherwise fp32 with the reason, which ``recall.status`` and ``doctor`` repeat.

The decision is tested with injected CPU flags and fake checks; the real check and the embedder's
choice run on the real model at the end (bf16 autocast runs even without native support, slowly)."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import torch

from recall_ls.core import batch_precision
from recall_ls.core.batch_precision import Check, Hardware, check, choose, cpu_bf16_flags, hardware
from recall_ls.core.embed import Embedder, resolve_model
from recall_ls.doctor import diagnose

CPUINFO = """processor\t: 0
model name\t: Some CPU
flags\t\t: fpu vme sse2 avx2 avx512f avx512bw avx512_vnni {extra}
bugs\t\t: spectre_v1
"""


def passing(cosine: float = 0.99998):
    calls: list[str] = []

    def fake(dtype: str) -> Check:
        calls.append(dtype)
        return Check(dtype, cosine, True, 0.01)

    return fake, calls


def never(dtype: str) -> Check:
    raise AssertionError(f"no check expected, got one for {dtype}")


@pytest.mark.parametrize(("extra", "expected"), [
    ("", ()),
    ("avx512_bf16", ("avx512_bf16",)),
    ("amx_tile amx_bf16 amx_int8 avx512_bf16", ("amx_bf16", "avx512_bf16")),
    ("avx512_bf16x avx_vnni", ()),  # a flag is a whole word, not a prefix
])
def test_native_bf16_is_read_from_the_cpu_flags(extra, expected):
    assert cpu_bf16_flags(CPUINFO.format(extra=extra)) == expected


def test_no_native_bf16_means_fp32_without_a_check():
    chosen = choose(hardware("cpu", cpu_flags=()), "auto", never)
    assert chosen.dtype == "fp32"
    assert chosen.describe() == "fp32: no native bf16 on this CPU"


def test_native_bf16_is_used_once_the_check_passes():
    fake, calls = passing(0.99998)
    chosen = choose(hardware("cpu", cpu_flags=("avx512_bf16",)), "auto", fake)
    assert calls == ["bf16"]
    assert chosen.dtype == "bf16" and chosen.device_type == "cpu"
    assert chosen.describe() == "bf16 (avx512_bf16, checked: cos 0.99998)"


@pytest.mark.parametrize(("cosine", "neighbours_same", "reason"), [
    (0.99812, True, "bf16 differs from fp32 on amx_bf16+avx512_bf16 (cos 0.99812)"),
    (0.99999, False, "bf16 differs from fp32 on amx_bf16+avx512_bf16 (cos 0.99999, nearest neighbours differ)"),
])
def test_a_failed_check_keeps_fp32_and_says_why(cosine, neighbours_same, reason):
    chosen = choose(hardware("cpu", cpu_flags=("amx_bf16", "avx512_bf16")), "auto",
                    lambda dtype: Check(dtype, cosine, neighbours_same, 0.01))
    assert chosen.dtype == "fp32" and chosen.describe() == f"fp32: {reason}"


def test_a_check_that_raises_keeps_fp32():
    def broken(dtype: str) -> Check:
        raise RuntimeError("autocast is not supported here")

    chosen = choose(hardware("cpu", cpu_flags=("avx512_bf16",)), "auto", broken)
    assert chosen.describe() == "fp32: bf16 check failed (autocast is not supported here)"


def test_fp32_can_be_forced():
    chosen = choose(hardware("cpu", cpu_flags=("avx512_bf16",)), "fp32", never)
    assert chosen.describe() == "fp32: forced by RECALL_BATCH_PRECISION=fp32"


def test_cuda_tries_fp16_then_bf16():
    gpu = Hardware("cuda", ("fp16", "bf16"), "NVIDIA H200")
    calls = []

    def fp16_fails(dtype: str) -> Check:
        calls.append(dtype)
        return Check(dtype, 0.998 if dtype == "fp16" else 0.99997, True, 0.01)

    chosen = choose(gpu, "auto", fp16_fails)
    assert calls == ["fp16", "bf16"]
    assert chosen.describe() == "bf16 (NVIDIA H200, checked: cos 0.99997)"
    assert choose(gpu, "auto", passing(0.99999)[0]).describe() == "fp16 (NVIDIA H200, checked: cos 0.99999)"


def test_other_devices_stay_fp32():
    assert choose(hardware("mps"), "auto", never).describe() == "fp32: reduced precision is not tried on mps"


@pytest.mark.parametrize(("value", "expected"), [("fp32", "fp32"), (" FP32 ", "fp32"), ("", "auto"), ("auto", "auto")])
def test_the_environment_setting(monkeypatch, value, expected):
    monkeypatch.setenv("RECALL_BATCH_PRECISION", value)
    assert batch_precision.setting() == expected


def test_a_bad_environment_setting_is_reported_and_auto_used(monkeypatch, caplog):
    monkeypatch.setenv("RECALL_BATCH_PRECISION", "bf16-always")
    with caplog.at_level(logging.WARNING):
        assert batch_precision.setting() == "auto"
    assert "RECALL_BATCH_PRECISION=bf16-always is not one of auto, fp32" in caplog.text


class AutocastRecorder:
    """Answers like SentenceTransformer.encode and notes whether each call ran under CPU autocast."""

    def __init__(self) -> None:
        self.autocast: list[bool] = []

    def encode(self, texts, convert_to_tensor=False, **_options):
        self.autocast.append(torch.is_autocast_enabled("cpu"))
        vectors = torch.stack([torch.full((4,), float(len(text) + 1)) for text in texts])
        return vectors if convert_to_tensor else vectors.numpy()


@pytest.fixture
def native_bf16(monkeypatch, tmp_path):
    """This CPU claims avx512_bf16; the check passes without a model; the cache is a temporary one."""
    monkeypatch.setattr(batch_precision, "cpu_bf16_flags", lambda cpuinfo=None: ("avx512_bf16",))
    monkeypatch.setattr(batch_precision, "check", lambda model, dtype, device_type: Check(dtype, 0.99995, True, 0.0))
    monkeypatch.setenv("RECALL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RECALL_BATCH_PRECISION", raising=False)
    folder = tmp_path / "fake-model"
    folder.mkdir()
    return folder


def fake_embedder(folder, precision=None) -> tuple[Embedder, AutocastRecorder]:
    embedder = Embedder(resolve_model(str(folder)), device="cpu", precision=precision)
    model = AutocastRecorder()
    embedder._model, embedder._dim, embedder._device = model, 4, "cpu"
    return embedder, model


def test_batches_run_under_autocast_and_queries_do_not(native_bf16):
    embedder, model = fake_embedder(native_bf16)
    assert embedder.batch_runtime is None  # chosen with the first batch
    vectors = embedder.encode(["one text", "two texts"])
    assert embedder.batch_runtime == "bf16 (avx512_bf16, checked: cos 0.99995)"
    assert model.autocast == [True]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0) and vectors.dtype == np.float32
    embedder.encode_query("a query")
    assert model.autocast == [True, False]


def test_doctor_repeats_the_recorded_verdict(native_bf16, tmp_path):
    before = diagnose(tmp_path / "index", str(native_bf16), "cpu")["batches"]
    assert before == {"precision": "bf16 on avx512_bf16 if it agrees with fp32, else fp32", "checked_at": None}
    embedder, _ = fake_embedder(native_bf16)
    embedder.encode(["a text"])
    after = diagnose(tmp_path / "index", str(native_bf16), "cpu")["batches"]
    assert after["precision"] == "bf16 (avx512_bf16, checked: cos 0.99995)" and after["checked_at"]


def test_doctor_without_native_bf16_or_with_fp32_forced(native_bf16, tmp_path, monkeypatch):
    monkeypatch.setenv("RECALL_BATCH_PRECISION", "fp32")
    forced = diagnose(tmp_path / "index", str(native_bf16), "cpu")["batches"]
    assert forced == {"precision": "fp32: forced by RECALL_BATCH_PRECISION=fp32"}
    embedder, model = fake_embedder(native_bf16)
    embedder.encode(["a text"])
    assert model.autocast == [False] and embedder.batch_runtime == "fp32: forced by RECALL_BATCH_PRECISION=fp32"
    monkeypatch.delenv("RECALL_BATCH_PRECISION")
    monkeypatch.setattr(batch_precision, "cpu_bf16_flags", lambda cpuinfo=None: ())
    plain = diagnose(tmp_path / "index", str(native_bf16), "cpu")["batches"]
    assert plain == {"precision": "fp32: no native bf16 on this CPU"}


def test_a_verdict_from_other_hardware_is_not_repeated(native_bf16, tmp_path, monkeypatch):
    fake_embedder(native_bf16)[0].encode(["a text"])
    monkeypatch.setattr(batch_precision, "cpu_bf16_flags", lambda cpuinfo=None: ("amx_bf16", "avx512_bf16"))
    report = diagnose(tmp_path / "index", str(native_bf16), "cpu")["batches"]
    assert report["checked_at"] is None


@pytest.fixture(scope="module")
def real_model():
    embedder = Embedder(resolve_model(None), device="cpu", precision="fp32")
    embedder.load()
    return embedder


@pytest.mark.model
def test_the_real_check_compares_bf16_with_fp32(real_model):
    # Runs bf16 autocast whether or not this CPU has it natively (emulated, it is only slower).
    result = check(real_model._model, "bf16", "cpu")
    assert result.dtype == "bf16" and result.neighbours_same
    assert 0.999 <= result.cosine < 1.0  # bf16 rounds: the vectors are close, never identical
    assert result.passed


@pytest.mark.model
def test_the_embedder_chooses_by_this_machines_cpu(real_model, tmp_path, monkeypatch):
    monkeypatch.setenv("RECALL_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("RECALL_BATCH_PRECISION", raising=False)
    embedder = Embedder(resolve_model(None), device="cpu")
    texts = ["Rereading old journals, I keep finding ideas I had forgotten.", "A heron fishing at dawn", "x"]
    vectors = embedder.encode(texts)
    if cpu_bf16_flags():
        assert embedder.batch_runtime.startswith(f"bf16 ({'+'.join(cpu_bf16_flags())}, checked: cos 0.99")
    else:
        assert embedder.batch_runtime == "fp32: no native bf16 on this CPU"
    reference = real_model.encode(texts)
    assert np.min(np.sum(vectors * reference, axis=1)) >= 0.999
