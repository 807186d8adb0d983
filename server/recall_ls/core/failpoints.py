"""Named points where tests kill the process on purpose, to prove a crash there loses nothing.

``RECALL_FAILPOINT=<name>`` makes the process SIGKILL itself on reaching that point: as abrupt as a
power cut, but at a known step. Unset (always, outside tests), a failpoint costs one dict lookup.
"""

from __future__ import annotations

import os
import signal


def failpoint(name: str) -> None:
    if os.environ.get("RECALL_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
