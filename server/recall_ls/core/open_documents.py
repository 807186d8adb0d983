"""Who owns the fragments of open documents: the process that stored them, and only while it lives.

A document open in the editor outside every configured source (a draft, unsaved text included) is
part of the corpus while it is open. Its fragments are stored like any other (the engine reads one
store), under a pseudo-source named for the process that opened it. A clean ``didClose`` removes
them, but most exits send none (Eglot never does; a crash or ``kill -9`` cannot), so whoever opens
the store forgets the open-documents sources whose process is gone. Those of a live process (a second
editor's server on the same index folder) are left alone.

A process is named by host, pid and the pid's start time (from Linux's ``/proc``), so a pid reused by
another program is not taken for the owner. A process on another host cannot be checked: its rows
stay until a process on that host opens the store.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from recall_ls.core.store import Store

log = logging.getLogger(__name__)

PREFIX = "open-documents"


def this_process_source() -> str:
    """The pseudo-source for the open documents of this process."""
    return _source(socket.gethostname(), os.getpid())


def is_open_documents(source: str) -> bool:
    return source == PREFIX or source.startswith(PREFIX + ":")


def forget_orphans(store: Store) -> int:
    """Remove the open documents of processes that are gone; returns how many fragments went."""
    removed = 0
    for source in store.fragment_sources():
        if is_open_documents(source) and not _owner_alive(source):
            removed += len(store.remove_source(source))
    if removed:
        log.info("forgot %d fragments of documents left open by processes that are gone", removed)
    return removed


def _source(host: str, pid: int) -> str:
    return f"{PREFIX}:{host}:{pid}:{_start_time(pid)}"


def _owner_alive(source: str) -> bool:
    parts = source.split(":")
    if len(parts) != 4 or not parts[2].isdigit():
        return False  # written before sources named their process: nobody owns it any more
    host, pid = parts[1], int(parts[2])
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, someone else's
    return _source(host, pid) == source


def _start_time(pid: int) -> str:
    """When ``pid`` started, in clock ticks since boot; empty where there is no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    return stat.rsplit(")", 1)[1].split()[19]
