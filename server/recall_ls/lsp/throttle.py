"""At most one call per interval while busy, at once otherwise, and none lost.

The server asks the client to refresh its code lenses after every change to the searchable corpus.
While indexing, the corpus changes with every backlog chunk (about once a second) and each refresh
makes the editor re-request and re-resolve every lens on screen: a throttle keeps that to one per
interval, and the one owed when indexing ends goes then. Runs on the event loop only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class Throttle:
    """Calls ``send`` for each ``request``: at once while ``busy()`` is false; while it is true, no
    sooner than ``interval`` seconds after the last call (a request that comes sooner is owed, and
    goes when the interval is over, or at the first ``flush`` once no longer busy). Owed requests
    are one: ten changes in an interval make one call."""

    def __init__(
        self,
        send: Callable[[], None],
        busy: Callable[[], bool],
        interval: float,
        call_later: Callable[[float, Callable[[], None]], Any],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self._busy = busy
        self.interval = interval
        self._call_later = call_later  # ``loop.call_later``: returns a handle with ``cancel()``
        self._clock = clock
        self._owed = False
        self._sent_at: float | None = None
        self._timer: Any = None

    def request(self) -> None:
        self._owed = True
        self.flush()

    def flush(self) -> None:
        """Make the owed call if it may go now; else make sure a timer makes it when it may."""
        if not self._owed:
            return
        now = self._clock()
        wait = 0.0 if self._sent_at is None or not self._busy() else self._sent_at + self.interval - now
        if wait > 0:
            if self._timer is None:
                self._timer = self._call_later(wait, self._due)
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._owed = False
        self._sent_at = now
        self._send()

    def _due(self) -> None:
        self._timer = None
        self.flush()
