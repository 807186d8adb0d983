"""The live index's writer at the edges: stopped while still busy, and a model that cannot load."""

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


class FailingEmbedder:
    key = "broken@0"

    def load(self) -> None:
        from recall_ls.core.embed import ModelError

        raise ModelError("cannot load model broken: its weights are damaged")


class SessionWithBrokenModel(FakeSession):
    embedder = FailingEmbedder()


def test_a_model_that_cannot_load_is_an_error_the_user_is_told_and_words_keep_serving():
    told, failed = [], threading.Event()

    def listen(event):
        told.append(event)
        if event.kind == "state" and event.detail == "error":
            failed.set()

    live = LiveIndex(listener=listen)
    live._session = session = SessionWithBrokenModel()
    session.store = type("Store", (), {"index_dir": "/index"})()
    live._thread.start()
    live._load_model(session)  # the load thread queues the failure; the writer applies it
    assert failed.wait(30)
    assert "weights are damaged" in live.last_error
    assert any("answers by keywords only" in event.detail for event in told if event.kind == "problem")
    live.stop()
