"""Shared test fixtures: where the examples and the real corpora are."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPORA = ROOT.parent / "shared" / "corpora"
# The example tweet "A good error message…" inserted as a quote: the server's tests and both editors'
# end-to-end suites compare what Insert puts in a document with this file.
INSERTED_QUOTE = ROOT / "tests" / "fixtures" / "insert" / "error-message-quote.md"

requires_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason=f"real corpora not found at {CORPORA}")


@pytest.fixture
def small_filesystem(tmp_path, request):
    """A tmpfs of a few MB (4, or the size a test asks for with indirect parametrization): can be
    filled, and remounted read-only (root bypasses chmod)."""
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    size = getattr(request, "param", "4m")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip()}): needs root")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)
