"""The README's Emacs set-up, for real: Emacs with eglot runs ``recall-ls serve`` on a Markdown buffer.

The snippet is read from README.md itself (so the documented lines are the tested ones) and loaded into
``emacs --batch`` with a sandboxed HOME whose ``~/notes`` holds the examples; ``eglot_case.el`` then
checks hover, completion after a typed word (through Emacs's completion styles, where eglot 1.9 once
failed with "Internal error: ... does not match") and xref's apropos search. Skipped when Emacs or
eglot is missing (``make test-emacs`` installs Debian's emacs-nox, elpa-eglot and elpa-markdown-mode).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

HERE = Path(__file__).resolve().parent
VENV_BIN = ROOT / ".venv" / "bin"
EMACS = shutil.which("emacs")
TIMEOUT = int(os.environ.get("RECALL_EMACS_TIMEOUT", "240"))

pytestmark = [pytest.mark.model, pytest.mark.skipif(EMACS is None, reason="emacs not installed (make test-emacs)")]


def readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"Emacs with eglot.*?```elisp\n(.*?)```", readme, re.S)
    assert match, "README.md has no elisp block after 'Emacs with eglot'"
    return match.group(1)


def has_eglot() -> bool:
    probe = subprocess.run([EMACS, "--batch", "--eval", "(require 'eglot)"], capture_output=True, timeout=60)
    return probe.returncode == 0


def test_readme_eglot_setup_gives_hover_completion_and_search(tmp_path):
    if not has_eglot():
        pytest.skip("eglot is not installed (Emacs 28: elpa-eglot)")
    home = tmp_path / "home"
    shutil.copytree(EXAMPLES, home / "notes")
    snippet = tmp_path / "readme-snippet.el"
    snippet.write_text(readme_snippet(), encoding="utf-8")
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")]),
        "RECALL_INDEX_DIR": str(tmp_path / "index"),
        "RECALL_TEST_TIMEOUT": str(TIMEOUT - 30),
    }
    result = subprocess.run(
        [EMACS, "--batch", "-l", str(snippet), "-l", str(HERE / "eglot_case.el")],
        cwd=home, env=env, capture_output=True, text=True, timeout=TIMEOUT,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "PASS" in output, output[-4000:]
