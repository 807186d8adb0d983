"""Open documents' fragments belong to a live process: a store opened after it is gone forgets them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from recall_ls.core.open_documents import PREFIX, forget_orphans, is_open_documents, this_process_source
from recall_ls.core.store import Store
from tests.helpers import fragment


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_the_open_documents_of_processes_that_are_gone_are_forgotten(tmp_path):
    store = Store(tmp_path / "index")
    host = socket.gethostname()
    sources = {
        "mine": this_process_source(),
        "dead": f"{PREFIX}:{host}:{dead_pid()}:",
        "reused pid": f"{PREFIX}:{host}:{os.getpid()}:1",  # our pid, another start time
        "legacy": PREFIX,  # written before sources named their process
        "other host": f"{PREFIX}:another-host:{os.getpid()}:1",
        "notes": str(tmp_path / "notes"),
    }
    for name, source in sources.items():
        store.sync_fragments(source, [fragment(f"note:{name}#1", f"text of {name}")])
    assert forget_orphans(store) == 3
    assert sorted(store.fragment_sources()) == sorted([sources["mine"], sources["other host"], sources["notes"]])
    store.close()


def test_open_documents_sources_are_recognised():
    assert is_open_documents(PREFIX) and is_open_documents(this_process_source())
    assert not is_open_documents("/home/me/open-documents")
