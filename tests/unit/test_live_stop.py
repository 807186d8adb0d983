"""Stopping the live index while its writer is still busy leaves the writer's database open."""

from __future__ import annotations

import threading

from recall_ls.core.live import LiveIndex


class FakeSession:
    def __init__(self) -> None:
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed.set()


def test_stop_does_not_close_the_store_under_a_writer_still_at_work():
    live = LiveIndex()
    session = FakeSession()
    live._session = session
    busy, release = threading.Event(), threading.Event()

    def long_write():  # a batch still embedding when the editor exits
        busy.set()
        release.wait(30)
        assert not session.closed.is_set(), "the database was closed under the writer"

    live._jobs.append(long_write)
    live._thread.start()
    assert busy.wait(30)
    live._thread.join = lambda timeout=None: None  # stop() gives up waiting at once, as after its 2 s
    live.stop()
    assert not session.closed.is_set()
    release.set()
