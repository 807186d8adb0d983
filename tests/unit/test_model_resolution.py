"""A model given by name is found in the local Hugging Face cache, and judged by what it loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recall_ls.core.embed import Embedder, resolve_model
from recall_ls.doctor import diagnose

NAME = "someone/minilm-copy"


@pytest.fixture
def hub_cache(tmp_path: Path, monkeypatch) -> Path:
    """A Hugging Face cache holding a copy of the bundled model under ``NAME``, laid out as the hub
    client lays it out (refs/main naming the snapshot)."""
    bundled = Path(resolve_model(None).location)
    repo = tmp_path / "hub" / ("models--" + NAME.replace("/", "--"))
    snapshot = repo / "snapshots" / "0123abcd"
    for path in bundled.rglob("*"):
        if path.is_file():
            target = snapshot / path.relative_to(bundled)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123abcd")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    return snapshot


def test_a_cached_name_resolves_to_its_snapshot_folder(hub_cache: Path):
    spec = resolve_model(NAME)
    assert Path(spec.location) == hub_cache
    assert spec.weights_file == hub_cache / "model.safetensors"


def test_a_name_not_in_the_cache_stays_a_name(hub_cache: Path):
    assert resolve_model("nobody/absent").location == "nobody/absent"


def test_doctor_judges_a_cached_model_ok(hub_cache: Path, tmp_path: Path):
    report = diagnose(tmp_path / "index", NAME, "cpu")
    assert report["model"]["weights"] == str(hub_cache / "model.safetensors")
    assert report["ok"], report["problems"]


@pytest.mark.model
def test_a_cached_model_loads_and_embeds_like_the_bundled_one(hub_cache: Path):
    cached, bundled = Embedder(resolve_model(NAME), "cpu"), Embedder(resolve_model(None), "cpu")
    text = ["Reading old notebooks is humbling"]
    assert np.allclose(cached.encode(text), bundled.encode(text), atol=1e-5)
    assert cached.key.endswith(bundled.key.split("@")[1])
