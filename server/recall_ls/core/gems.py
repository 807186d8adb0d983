"""Forgotten gems: past writing the live list shows when the cursor's paragraph is blank (``idle``).

``onThisDay``: what was written on today's month and day in earlier years, newest year first. The
store finds them through its ``fragments_by_day`` index (a few rows, not a scan of every fragment).
The years share the list (a round each, newest first), so one busy year does not fill it. Writing of
29 February also shows on 28 February of a year without one. Notes take part by the date in their
front matter only: a file's modification time says when it was last touched (a sync, a checkout, a
copy), not when its thought was written. On a day with nothing, a ``random`` handful shows instead,
and the reply says both (``Gems.asked``): an empty panel helps nobody find a forgotten gem.

``random``: a handful drawn from writing at least ``RANDOM_MIN_AGE_DAYS`` old (a note without a date
by its file's modification time: an undated note not touched for a month is not fresh writing), a new
draw from the caller's random source each time.

Both keep what every list keeps: hidden fragments and the ``exclude``d (the document being written)
never show, the filters apply, a thread and its posts are one item (its earliest post that came up),
identical texts one item (counted in ``duplicates``). Gems have no score: nothing was asked.
"""

from __future__ import annotations

import random
from calendar import isleap
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from recall_ls.core.defaults import (
    IDLE_OFF,
    IDLE_ON_THIS_DAY,
    IDLE_RANDOM,
    RANDOM_MIN_AGE_DAYS,
)
from recall_ls.core.engine import (
    NO_FILTERS,
    Exclusions,
    Filters,
    Hit,
    dedupe_key,
    shown,
    thread_id,
)
from recall_ls.core.fragments import Fragment
from recall_ls.core.store import Store


@dataclass(frozen=True, slots=True)
class Gems:
    """What a blank paragraph shows: ``mode`` says what the hits are, ``asked`` what the setting
    asked for (``onThisDay`` on a day with nothing shows ``random``), ``day`` the day asked about."""

    mode: str
    asked: str
    day: date
    hits: list[Hit]

    @property
    def years(self) -> list[int]:
        """The years the hits were written in, newest first."""
        return sorted({int(h.fragment.created_at[:4]) for h in self.hits if h.fragment.created_at}, reverse=True)


@dataclass(frozen=True, slots=True)
class Keep:
    """What every gem list leaves out, as for related lists: hidden ids, the filters, the exclusions."""

    filters: Filters = NO_FILTERS
    hidden: Collection[str] = ()
    exclude: Exclusions | None = None

    def accept(self, fragment: Fragment) -> bool:
        return shown(fragment, self.filters, self.exclude, self.hidden)


def gems(store: Store, mode: str, today: date, rng: random.Random, k: int, keep: Keep = Keep()) -> Gems | None:
    """The gems ``mode`` asks for (None for ``off``)."""
    if mode == IDLE_OFF or k <= 0:
        return None
    if mode == IDLE_ON_THIS_DAY:
        hits = on_this_day(store, today, k, keep)
        if hits:
            return Gems(IDLE_ON_THIS_DAY, mode, today, hits)
    return Gems(IDLE_RANDOM, mode, today, random_past(store, today, rng, k, keep))


def on_this_day(store: Store, today: date, k: int, keep: Keep = Keep()) -> list[Hit]:
    """Up to ``k`` items written on ``today``'s month and day in earlier years: a round over the
    years (newest first) takes each year's newest item not taken yet, until ``k``; newest first."""
    by_year: dict[str, list[int]] = {}
    for num, year in store.nums_on_days(days_of_year(today), f"{today.year:04d}"):
        if len(by_year.setdefault(year, [])) < 4 * k:  # enough to fill k after filters and folding
            by_year[year].append(num)
    rows = store.fragments_by_num([num for nums in by_year.values() for num in nums])
    years = [fold([rows[n] for n in nums if n in rows and keep.accept(rows[n])]) for nums in by_year.values()]
    chosen = [hit for round_ in _rounds(years) for hit in round_][:k]
    return newest_first(chosen)


def days_of_year(today: date) -> list[str]:
    """The month-days (``"12-03"``) that count as ``today``: 28 February also holds 29 February in a
    year without one."""
    days = [f"{today.month:02d}-{today.day:02d}"]
    if (today.month, today.day) == (2, 28) and not isleap(today.year):
        days.append("02-29")
    return days


def random_past(store: Store, today: date, rng: random.Random, k: int, keep: Keep = Keep()) -> list[Hit]:
    """Up to ``k`` items drawn by ``rng`` from writing older than ``RANDOM_MIN_AGE_DAYS``; newest first.

    First by number: a number drawn from the store's span is a fragment drawn at random (or a number
    no longer used: skipped), a few rows read, where listing every old fragment's number costs 40-90
    ms at 130k (bench/RESULTS.md). When that finds too few (filters that keep a rare kind), the draw is
    from that list, made again four times larger until it holds ``k`` or all of it."""
    cutoff = (today - timedelta(days=RANDOM_MIN_AGE_DAYS)).isoformat()
    first = size = 4 * k + 16
    span = store.num_span()
    while size <= 16 * first and size < len(span):
        hits = _kept(store, rng.sample(span, size), cutoff, keep)
        if len(hits) >= k:
            return newest_first(hits[:k])
        size *= 4
    old = store.nums_dated_before(cutoff)
    size = first
    while True:
        hits = _kept(store, rng.sample(old, min(size, len(old))), cutoff, keep)
        if len(hits) >= k or size >= len(old):
            return newest_first(hits[:k])
        size *= 4


def _kept(store: Store, drawn: list[int], cutoff: str, keep: Keep) -> list[Hit]:
    """The drawn numbers' fragments older than ``cutoff`` that ``keep`` accepts, folded, in draw order."""
    rows = store.fragments_by_num(drawn)
    return fold([rows[n] for n in drawn if n in rows and rows[n].written < cutoff and keep.accept(rows[n])])


def fold(fragments: Sequence[Fragment]) -> list[Hit]:
    """One item per thread (its earliest post among these; the whole thread's fragment only when
    none of its posts is) and per text (the others counted in ``duplicates``), in the given order."""
    kept: list[Hit] = []
    places: dict[str, int] = {}  # a thread's id or a text's key -> its item in ``kept``
    for fragment in fragments:
        keys = [key for key in (thread_id(fragment), "text:" + dedupe_key(fragment.text)) if key]
        place = next((places[key] for key in keys if key in places), None)
        if place is None:
            place = len(kept)
            kept.append(Hit(fragment, 0.0))
        elif thread_id(fragment) and thread_id(fragment) == thread_id(kept[place].fragment):
            if _thread_rank(fragment) < _thread_rank(kept[place].fragment):
                kept[place] = replace(kept[place], fragment=fragment)
        else:
            kept[place] = replace(kept[place], duplicates=kept[place].duplicates + 1)
        for key in keys:  # a later post of its thread, or its text again, folds into this item
            places.setdefault(key, place)
    return kept


def newest_first(hits: list[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: h.fragment.written, reverse=True)


def _thread_rank(fragment: Fragment) -> float:
    """Which of a thread's fragments shows it: its earliest post, the whole thread's (position 0) last."""
    position = fragment.meta["thread"].get("position") or 0
    return position if position > 0 else float("inf")


def _rounds(years: list[list[Hit]]):
    """The i-th item of each year (in the years' order), for i = 0, 1, ..."""
    for i in range(max(map(len, years), default=0)):
        yield [items[i] for items in years if i < len(items)]

