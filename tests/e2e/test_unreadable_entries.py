"""`scan` and `index` through the real CLI over a notes folder holding what a walker trips on: a folder
near the top that the user cannot read, an unreadable note and a FIFO named like a note.

Permissions must apply to the CLI process: as root (as CI runs) it is started without the capabilities
that bypass them (setpriv, else capsh); the tests skip, saying why, when neither can do it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_DROPPED = ("dac_override", "dac_read_search")
# Exits 0 only when listing a folder of mode 000 is refused: a prefix that fails to start fails it too.
_PROBE = "import os, sys\ntry:\n    os.listdir(sys.argv[1])\nexcept PermissionError:\n    sys.exit(0)\nsys.exit(3)"


def _unprivileged_prefix(tmp_path: Path) -> list[str]:
    """The command prefix under which file permissions apply to a child process, checked on a
    folder with mode 000; skips the test when there is none."""
    if os.geteuid() != 0:
        candidates: list[list[str] | None] = [[]]
    else:
        setpriv, capsh = shutil.which("setpriv"), shutil.which("capsh")
        drops = ",".join(f"-{cap}" for cap in _DROPPED)
        candidates = [
            [setpriv, f"--inh-caps={drops}", f"--bounding-set={drops}"] if setpriv else None,
            # capsh runs its command through bash -c: the marker below is replaced by the quoted command.
            [capsh, "--drop=" + ",".join(f"cap_{cap}" for cap in _DROPPED), "--", "-c", "{}"] if capsh else None,
        ]
    locked = tmp_path / "probe-locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        for prefix in filter(None, candidates):
            probe = _command(prefix, [sys.executable, "-c", _PROBE, str(locked)])
            if subprocess.run(probe, capture_output=True, timeout=60).returncode == 0:
                return prefix
    finally:
        locked.chmod(0o700)
    pytest.skip("cannot run a process that file permissions apply to (root, without setpriv or capsh that work here)")


def _command(prefix: list[str], argv: list[str]) -> list[str]:
    if prefix and prefix[-1] == "{}":
        return [*prefix[:-1], shlex.join(argv)]
    return [*prefix, *argv]


def _recall(prefix: list[str], *args: str) -> subprocess.CompletedProcess:
    # The timeout turns a hang (a FIFO opened for reading) into a failure rather than a stuck suite.
    return subprocess.run(_command(prefix, [sys.executable, "-m", "recall_ls", *args]),
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def hostile_notes(tmp_path: Path):
    notes = tmp_path / "notes"
    (notes / "garden").mkdir(parents=True)
    (notes / "garden" / "soil.md").write_text("Compost makes the clay soil loose and dark.\n", encoding="utf-8")
    (notes / "zz-last.md").write_text("The walk goes on past what it cannot read.\n", encoding="utf-8")
    private = notes / "private"
    private.mkdir()
    (private / "diary.md").write_text("A diary entry nobody else reads.\n", encoding="utf-8")
    locked = notes / "locked.md"
    locked.write_text("A note its owner locked.\n", encoding="utf-8")
    os.mkfifo(notes / "pipe.md")
    private.chmod(0)
    locked.chmod(0)
    yield notes
    private.chmod(0o700)  # so that pytest can clean up
    locked.chmod(0o600)


def _assert_reported(source: dict, notes: Path, skipped: dict, errors: list[str]) -> None:
    assert skipped.get("unreadable") == 2, skipped  # the folder and the note, each once
    assert skipped.get("not a regular file") == 1, skipped  # the FIFO: skipped, never opened
    assert any(e.startswith(f"{notes / 'private'}: ") and "Permission denied" in e for e in errors), errors
    assert any(e.startswith(f"{notes / 'locked.md'}: ") and "Permission denied" in e for e in errors), errors
    assert not any("pipe.md" in e for e in errors), errors


def test_scan_reports_each_unreadable_entry_and_reads_the_rest(tmp_path, hostile_notes):
    prefix = _unprivileged_prefix(tmp_path)
    result = _recall(prefix, "scan", str(hostile_notes), "--json")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr  # a source with errors
    (source,) = json.loads(result.stdout)["sources"]
    assert source["kind"] == "notes"
    assert source["fragments"] == 2  # garden/soil.md and zz-last.md
    _assert_reported(source, hostile_notes, source["skipped_reasons"], source["errors"])


def test_scan_of_an_unreadable_folder_itself_is_one_clear_error(tmp_path, hostile_notes):
    prefix = _unprivileged_prefix(tmp_path)
    private = hostile_notes / "private"
    result = _recall(prefix, "scan", str(private), "--json")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    (source,) = json.loads(result.stdout)["sources"]
    assert (source["kind"], source["fragments"], source["skipped_reasons"]) == ("notes", 0, {"unreadable": 1})
    assert source["errors"] == [f"{private}: cannot list folder: Permission denied"]


@pytest.mark.model
def test_index_stores_what_it_can_read_and_does_not_blame_the_index(tmp_path, hostile_notes):
    prefix = _unprivileged_prefix(tmp_path)
    index_dir = tmp_path / "index"
    result = _recall(prefix, "index", str(hostile_notes), "--index-dir", str(index_dir), "--json", "-q")
    assert "Traceback" not in result.stderr and "cannot write the index" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    (source,) = out["sources"]
    assert source["fragments"] == source["added"] == 2
    assert out["fragments"] == out["embedded"] == 2
    _assert_reported(source, hostile_notes, source["skipped"], source["errors"])
