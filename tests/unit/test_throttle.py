"""The code lens refresh throttle on its own: at once when idle, one per interval while busy, and
the call held back goes when the interval is over or when the busy spell ends. A fake clock and a
fake timer make it deterministic."""

from __future__ import annotations

from recall_ls.lsp.throttle import Throttle


class Timers:
    """``loop.call_later`` on a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pending: list[list] = []  # [when, callback, cancelled]

    def call_later(self, delay: float, callback):
        entry = [self.now + delay, callback, False]
        self.pending.append(entry)

        class Handle:
            def cancel(self) -> None:
                entry[2] = True

        return Handle()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = [e for e in self.pending if e[0] <= self.now and not e[2]]
        self.pending = [e for e in self.pending if e not in due and not e[2]]
        for entry in due:
            entry[1]()


def make(busy: list[bool]):
    sent: list[float] = []
    timers = Timers()
    throttle = Throttle(lambda: sent.append(timers.now), lambda: busy[0], 5.0, timers.call_later, lambda: timers.now)
    return throttle, timers, sent


def test_idle_every_request_goes_at_once():
    throttle, timers, sent = make([False])
    for _ in range(3):
        throttle.request()
        timers.advance(0.1)
    assert sent == [0.0, 0.1, 0.2]
    assert not timers.pending


def test_busy_one_call_per_interval_however_many_requests():
    throttle, timers, sent = make([True])
    throttle.request()  # the first goes at once: nothing went in the last interval
    for _ in range(40):  # a change every 0.5 s for 20 s, as backlog chunks are
        timers.advance(0.5)
        throttle.request()
    timers.advance(5)  # the request made at 20 s, right after the call of 20 s, goes at 25 s
    assert sent == [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]


def test_the_call_held_back_goes_when_the_busy_spell_ends():
    busy = [True]
    throttle, timers, sent = make(busy)
    throttle.request()
    timers.advance(1)
    throttle.request()  # held back: the last went 1 s ago
    assert sent == [0.0]
    busy[0] = False
    throttle.flush()  # indexing ended
    assert sent == [0.0, 1.0]
    timers.advance(10)  # the timer it had set was cancelled: nothing more
    assert sent == [0.0, 1.0]


def test_a_flush_with_nothing_owed_sends_nothing():
    busy = [True]
    throttle, timers, sent = make(busy)
    throttle.request()
    busy[0] = False
    throttle.flush()
    timers.advance(10)
    assert sent == [0.0]
