"""Shared test fixtures: where the examples and the real corpora are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPORA = ROOT.parent / "shared" / "corpora"

requires_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason=f"real corpora not found at {CORPORA}")
