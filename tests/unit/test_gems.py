"""Forgotten gems (``core/gems.py``): on this day with a fixed clock, a seeded random handful, and what
every list keeps (hidden, filters, one item per thread), and how the reply reads (labels, ages)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from recall_ls.core.engine import Exclusions, Filters
from recall_ls.core.fragments import Kind
from recall_ls.core.gems import Gems, Keep, days_of_year, gems, on_this_day, random_past
from recall_ls.core.store import Store
from recall_ls.lsp import render, wire
from tests.helpers import fragment

DAY = date(2025, 12, 3)


def tweet(fid: str, when: str, text: str | None = None, **meta):
    return fragment(fid, text or f"what I wrote as {fid}", created_at=f"{when}T10:00:00+00:00", **meta)


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "index")
    yield store
    store.close()


def ids(hits) -> list[str]:
    return [hit.fragment.id for hit in hits]


def test_on_this_day_takes_earlier_years_newest_first(store):
    store.sync_fragments("/src", [
        tweet("y2019", "2019-12-03"), tweet("y2023", "2023-12-03"), tweet("y2021", "2021-12-03"),
        tweet("today", "2025-12-03"), tweet("other-day", "2023-12-04"), tweet("other-month", "2023-11-03"),
    ])
    assert ids(on_this_day(store, DAY, 8)) == ["y2023", "y2021", "y2019"]


def test_the_years_share_the_list_so_one_busy_year_does_not_fill_it(store):
    busy = [tweet(f"busy{n}", "2024-12-03", text=f"busy day post number {n}") for n in range(6)]
    store.sync_fragments("/src", [*busy, tweet("quiet2018", "2018-12-03"), tweet("quiet2020", "2020-12-03")])
    found = on_this_day(store, DAY, 4)
    assert ids(found)[2:] == ["quiet2020", "quiet2018"]  # both quiet years made it
    assert [hit.fragment.created_at[:4] for hit in found] == ["2024", "2024", "2020", "2018"]


def test_29_february_shows_on_28_february_of_a_year_without_one(store):
    store.sync_fragments("/src", [tweet("leap", "2020-02-29"), tweet("28th", "2021-02-28"), tweet("1st", "2022-03-01")])
    assert days_of_year(date(2023, 2, 28)) == ["02-28", "02-29"]
    assert ids(on_this_day(store, date(2023, 2, 28), 8)) == ["28th", "leap"]
    assert ids(on_this_day(store, date(2024, 2, 29), 8)) == ["leap"]  # a leap year has its own day
    assert ids(on_this_day(store, date(2024, 2, 28), 8)) == ["28th"]


def test_hidden_filtered_and_excluded_fragments_stay_out(store):
    note = fragment("note:a", "a dated note", kind=Kind.NOTE, path="/notes/a.md", created_at="2022-12-03")
    draft = fragment("note:draft", "the draft being written", kind=Kind.NOTE, path="/notes/draft.md",
                     created_at="2023-12-03")
    store.sync_fragments("/src", [tweet("hidden", "2024-12-03"), tweet("kept", "2021-12-03"), note, draft])
    keep = Keep(Filters(kinds=frozenset({Kind.TWEET})), {"hidden"})
    assert ids(on_this_day(store, DAY, 8, keep)) == ["kept"]
    assert ids(on_this_day(store, DAY, 8, Keep(Filters(since="2022")))) == ["hidden", "note:draft", "note:a"]
    assert "note:draft" not in ids(on_this_day(store, DAY, 8, Keep(exclude=Exclusions(path="/notes/draft.md"))))


def test_a_note_takes_part_by_its_front_matter_date_never_its_files_time(store):
    undated = fragment("note:u", "an undated note", kind=Kind.NOTE, created_at=None, mtime="2024-12-03T08:00:00+00:00")
    store.sync_fragments("/src", [undated])
    assert on_this_day(store, DAY, 8) == []


def test_a_thread_and_its_posts_are_one_item_its_earliest_post(store):
    def place(position):
        return {"thread": {"id": "thread:1", "position": position, "length": 3, "first": {"id": "p1"}}}

    store.sync_fragments("/src", [
        tweet("thread:1", "2024-12-03", text="one two three joined", **place(0)),
        *(tweet(f"p{n}", "2024-12-03", text=f"post {n} of the thread", **place(n)) for n in (3, 2, 1)),
        tweet("same", "2022-12-03", text="Said twice!"), tweet("same-again", "2022-12-03", text="said twice"),
    ])
    found = on_this_day(store, DAY, 8)
    assert ids(found) == ["p1", "same-again"] or ids(found) == ["p1", "same"]
    assert found[1].duplicates == 1


def test_random_draws_older_fragments_differently_and_the_same_for_the_same_seed(store):
    old = [tweet(f"old{n}", f"{2010 + n % 10}-0{1 + n % 9}-15", text=f"old thought {n}") for n in range(60)]
    recent = [tweet(f"new{n}", "2025-11-20", text=f"recent thought {n}") for n in range(20)]
    undated_old = fragment("note:old", "an old undated note", kind=Kind.NOTE, created_at=None, mtime="2020-01-01")
    undated_new = fragment("note:new", "a fresh undated note", kind=Kind.NOTE, created_at=None, mtime="2025-12-01")
    store.sync_fragments("/src", [*old, *recent, undated_old, undated_new])
    first = ids(random_past(store, DAY, random.Random(7), 8))
    assert ids(random_past(store, DAY, random.Random(7), 8)) == first
    draws = random.Random(7)
    assert ids(random_past(store, DAY, draws, 8)) == first
    assert ids(random_past(store, DAY, draws, 8)) != first  # the next draw from the same source
    everything = ids(random_past(store, DAY, random.Random(1), 100))
    assert len(everything) == 61 and "note:old" in everything
    assert not [fid for fid in everything if fid.startswith("new") or fid == "note:new"]


def test_random_finds_the_few_a_narrow_filter_keeps(store):
    notes = [fragment(f"note:{n}", f"note text {n}", kind=Kind.NOTE, created_at=f"2019-05-0{n + 1}") for n in range(3)]
    store.sync_fragments("/src", [*(tweet(f"t{n}", "2018-01-01", text=f"tweet {n}") for n in range(500)), *notes])
    found = random_past(store, DAY, random.Random(3), 8, Keep(Filters(kinds=frozenset({Kind.NOTE}))))
    assert sorted(ids(found)) == ["note:0", "note:1", "note:2"]


def test_on_this_day_falls_back_to_random_and_off_is_nothing(store):
    store.sync_fragments("/src", [tweet("elsewhen", "2020-06-01")])
    found = gems(store, "onThisDay", DAY, random.Random(0), 8)
    assert (found.mode, found.asked, ids(found.hits)) == ("random", "onThisDay", ["elsewhen"])
    assert render.idle_label(found) == "Nothing written on 3 December in earlier years: random past writing"
    assert gems(store, "off", DAY, random.Random(0), 8) is None


def test_labels_and_ages_as_the_panels_show_them(store):
    store.sync_fragments("/src", [tweet("a", "2019-12-03"), tweet("b", "2023-12-03")])
    found = gems(store, "onThisDay", DAY, random.Random(0), 8)
    assert render.idle_label(found) == "On this day, 2019-2023"
    reply = wire.gems(found, uri="file:///draft.md")
    assert reply["idle"] == {"mode": "onThisDay", "label": "On this day, 2019-2023"}
    assert reply["range"] is None and reply["uri"] == "file:///draft.md"
    assert [item["relevance"] for item in reply["items"]] == [{"level": 0, "label": "2 years ago"},
                                                              {"level": 0, "label": "6 years ago"}]
    assert render.idle_label(Gems("random", "random", DAY, [])) == "Nothing older than 30 days yet"
    assert render.idle_label(Gems("random", "random", DAY, found.hits)) == "Random past writing"


@pytest.mark.parametrize(("written", "today", "label"), [
    ("2024-02-29", date(2025, 2, 28), "1 year ago"),
    ("2024-03-04", date(2025, 3, 3), "11 months ago"),
    ("2025-10-15", date(2025, 12, 3), "1 month ago"),
    ("2025-11-20", date(2025, 12, 3), "13 days ago"),
])
def test_an_age_in_years_months_or_days(written, today, label):
    assert render.age_relevance(tweet("x", written), today) == {"level": 0, "label": label}


def test_a_store_made_before_the_day_index_gets_it_and_the_day_query_reads_it(tmp_path):
    store = Store(tmp_path / "index")
    store.sync_fragments("/src", [tweet("a", "2019-12-03")])
    store._db.execute("DROP INDEX fragments_by_day")  # as a store of the version before it
    store.close()
    store = Store(tmp_path / "index")
    plan = store._db.execute("EXPLAIN QUERY PLAN SELECT num FROM fragments WHERE substr(created_at, 6, 5) IN ('12-03')")
    assert "fragments_by_day" in str(plan.fetchall())
    assert ids(on_this_day(store, DAY, 8)) == ["a"]
    store.close()


def test_random_draws_past_numbers_no_longer_used(store):
    store.sync_fragments("/src", [tweet(f"t{n}", "2019-04-01", text=f"thought {n}") for n in range(300)])
    kept = [tweet(f"t{n}", "2019-04-01", text=f"thought {n}") for n in range(0, 300, 15)]
    store.sync_fragments("/src", kept)  # 20 left, spread over 300 numbers
    found = ids(random_past(store, DAY, random.Random(5), 8))
    assert len(set(found)) == 8 and set(found) <= {f.id for f in kept}
    empty = Store(store.index_dir.parent / "empty")
    assert random_past(empty, DAY, random.Random(5), 8) == []
    empty.close()
