"""Named points where tests stop the process on purpose.

``RECALL_FAILPOINT=<name>`` makes the process SIGKILL itself on reaching that point: as abrupt as a
power cut, but at a known step, to prove a crash there loses nothing. ``RECALL_HOLD=<name>:<fifo>``
makes the thread that reaches the point wait until the test writes to the named pipe and closes it
(e.g. the model load, to prove the server answers while the model is still loading: no race, no
sleep). Unset (always, outside tests), each costs one dict lookup.
"""

from __future__ import annotations

import os
import signal


def failpoint(name: str) -> None:
    if os.environ.get("RECALL_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def hold(name: str) -> None:
    point, _, pipe = os.environ.get("RECALL_HOLD", "").partition(":")
    if point == name and pipe:
        with open(pipe, "rb") as released:  # blocks until the test opens the pipe to write
            released.read()  # returns when the test closes it
