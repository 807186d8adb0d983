"""The VS Code client in real VS Code (code-server in headless chromium), against the real server and model.

The test itself is ``e2e.test.mjs`` (Node's test runner driving playwright-core); this runs it under pytest.
``clients/vscode/scripts/test.sh`` installs what it needs: code-server into ``clients/vscode/.e2e/``, the
extension's npm packages, chromium, and the packaged ``recall.vsix``. Without them the test is skipped.
Screenshots and logs go to ``test-artifacts/vscode/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

HERE = Path(__file__).resolve().parent
CLIENT = ROOT / "clients" / "vscode"
CODE_SERVER = Path(os.environ.get("RECALL_CODE_SERVER", CLIENT / ".e2e" / "code-server" / "node_modules" / ".bin" / "code-server"))
VSIX = Path(os.environ.get("RECALL_VSIX", CLIENT / "recall.vsix"))
PLAYWRIGHT = CLIENT / "node_modules" / "playwright-core"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
RECALL_LS = ROOT / ".venv" / "bin" / "recall-ls"
NODE = shutil.which("node")
SETUP = "run clients/vscode/scripts/test.sh once"

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(NODE is None, reason="node not found"),
    pytest.mark.skipif(not CODE_SERVER.exists(), reason=f"code-server not installed at {CODE_SERVER} ({SETUP})"),
    pytest.mark.skipif(not VSIX.exists(), reason=f"extension not packaged at {VSIX} ({SETUP})"),
    pytest.mark.skipif(not PLAYWRIGHT.exists(), reason=f"playwright-core not installed ({SETUP})"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"chromium not found at {CHROMIUM}"),
    pytest.mark.skipif(not RECALL_LS.exists(), reason="recall-ls not installed (make setup)"),
]


def test_vscode_end_to_end() -> None:
    result = subprocess.run(
        [NODE, "--test", "--test-reporter=spec", str(HERE / "e2e.test.mjs")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"end-to-end test failed:\n{result.stdout[-12000:]}\n{result.stderr[-4000:]}"
