"""Time and engagement (``recencyHalfLifeDays``, ``preferEngaged``): bounded lifts that reorder
near-ties and never a much better match, and ``why``, the parts a score is made of."""

from datetime import date

import pytest

from recall_ls.core.boosts import (
    BOOST_CAP,
    ENGAGEMENT_CAP,
    RECENCY_CAP,
    Boosts,
    engagement_lift,
    explain,
    match_parts,
    recency_lift,
    written_on,
)
from recall_ls.core.engine import Engine, Hit
from recall_ls.lsp import render, wire
from tests.helpers import embedded_indexer, fragment

TODAY = date(2026, 12, 3)


def test_recency_halves_every_half_life_from_its_cap():
    assert recency_lift(0, 30) == RECENCY_CAP
    assert recency_lift(30, 30) == pytest.approx(RECENCY_CAP / 2)
    assert recency_lift(60, 30) == pytest.approx(RECENCY_CAP / 4)
    assert recency_lift(-5, 30) == RECENCY_CAP  # a date ahead of the clock counts as today
    assert 0 < recency_lift(3650, 30) < 1e-30


def test_engagement_is_log_scaled_and_never_above_its_cap():
    assert engagement_lift(0, 0) == 0.0 and engagement_lift(-3, -1) == 0.0
    lifts = [engagement_lift(n, 0) for n in (1, 10, 100, 1000)]
    assert lifts == sorted(lifts) and lifts[-1] == pytest.approx(ENGAGEMENT_CAP)
    assert (lifts[1] - lifts[0]) / 9 > 10 * (lifts[3] - lifts[2]) / 900  # a like among the first few counts most
    assert engagement_lift(1_000_000, 1_000_000) == ENGAGEMENT_CAP
    assert engagement_lift(3, 2) == engagement_lift(5, 0)  # a repost counts as a like


@pytest.mark.parametrize("half_life", [0, -30, 0.0])
def test_a_half_life_that_is_not_positive_is_refused(half_life):
    with pytest.raises(ValueError, match="positive number of days"):
        Boosts(half_life)


def test_lifts_name_their_parts_and_skip_what_is_unknown():
    boosts = Boosts(30, engaged=True, today=TODAY)
    today = fragment("t:1", "x", created_at="2026-12-03T08:00:00+00:00", likes=10, reposts=0)
    assert dict(boosts.lifts(today)) == {"recent": RECENCY_CAP, "liked": engagement_lift(10, 0)}
    undated = fragment("t:2", "x", created_at=None)
    assert boosts.lifts(undated) == ()  # no date, no likes: nothing to lift
    note = fragment("n:1", "x", created_at=None, mtime="2026-11-03T10:00:00+00:00")
    assert dict(boosts.lifts(note)) == {"recent": pytest.approx(RECENCY_CAP / 2)}
    assert written_on(fragment("t:3", "x", created_at="not a date")) is None
    assert Boosts(None, engaged=False).lifts(today) == () and not Boosts().active


def test_match_parts_split_meaning_from_the_words_lift():
    assert match_parts(0.66, 0.62) == (("meaning", 0.62), ("words", pytest.approx(0.04)))
    assert match_parts(0.62, 0.62) == (("meaning", 0.62),)
    assert match_parts(0.55, None) == (("words", 0.55),)


def test_why_reads_the_parts_that_made_the_score():
    parts = (("meaning", 0.62), ("words", 0.04), ("recent", 0.031), ("liked", 0.001))
    hit = Hit(fragment("t:1", "x"), 0.692, parts=parts)
    assert explain(hit.parts) == "0.62 meaning · +0.04 words · +0.03 recent"  # +0.00 liked: not shown
    assert explain(()) == "" and wire.item(Hit(fragment("t:1", "x"), 0.0))["why"] == ""  # nothing asked
    assert "related (0.52)" in render.hit_markdown(Hit(fragment("t:1", "x"), 0.52))  # only a score known
    assert hit.to_dict()["why"] == "0.62 meaning · +0.04 words · +0.03 recent"  # the CLI's JSON too
    assert wire.item(hit)["why"] == "0.62 meaning · +0.04 words · +0.03 recent"
    assert "close (0.62 meaning · +0.04 words · +0.03 recent)" in render.hit_markdown(hit)


TEXTS = {
    # Two near-equal answers to QUERY, the older one a little ahead by itself; and a weak one.
    "old": "sourdough bread dough rises slowly overnight",
    "new": "sourdough bread starter rises slowly overnight",
    "weak": "sourdough pancakes on a sunday",
}
QUERY = "sourdough bread rises overnight"
DATES = {"old": "2016-05-01T00:00:00+00:00", "new": "2026-11-30T00:00:00+00:00", "weak": "2026-12-03T00:00:00+00:00"}


@pytest.fixture
def engine(tmp_path):
    store, indexer = embedded_indexer(tmp_path / "index", TEXTS)
    likes = {"weak": 1_000_000}
    indexer.apply("/src", [fragment(fid, text, created_at=DATES[fid], likes=likes.get(fid, 0))
                           for fid, text in TEXTS.items()])
    yield Engine(store, indexer.embedder, indexer.snapshot)
    store.close()


def scores(hits):
    return {h.fragment.id: h.score for h in hits}


def test_recency_reorders_a_near_tie_and_says_so(engine):
    plain = engine.search(QUERY, k=3, min_score=0.1)
    base = scores(plain)
    assert [h.fragment.id for h in plain][:2] == ["old", "new"] and base["old"] - base["new"] < RECENCY_CAP / 2
    boosted = engine.search(QUERY, k=3, min_score=0.1, boosts=Boosts(30, today=TODAY))
    assert [h.fragment.id for h in boosted][:2] == ["new", "old"]
    new = next(h for h in boosted if h.fragment.id == "new")
    assert dict(new.parts)["recent"] == pytest.approx(RECENCY_CAP * 0.5 ** (3 / 30))
    assert new.score == pytest.approx(sum(value for _, value in new.parts))


def test_a_much_better_match_stays_above_any_lift(engine):
    plain = scores(engine.search(QUERY, k=3, min_score=0.1))
    assert plain["old"] - plain["weak"] > BOOST_CAP  # the premise: "weak" is much worse
    # "weak" was written today and has a million likes; "old" is ten years old with none.
    boosted = engine.search(QUERY, k=3, min_score=0.1, boosts=Boosts(1, engaged=True, today=TODAY))
    lifted = scores(boosted)
    assert lifted["weak"] - plain["weak"] == pytest.approx(BOOST_CAP)
    assert [h.fragment.id for h in boosted].index("old") < [h.fragment.id for h in boosted].index("weak")


def test_lifts_never_let_in_what_minscore_keeps_out(engine):
    plain = scores(engine.search(QUERY, k=3, min_score=0.1))
    floor = plain["weak"] + BOOST_CAP / 2  # above "weak"'s match, below its boosted score
    boosted = engine.search(QUERY, k=3, min_score=floor, boosts=Boosts(1, engaged=True, today=TODAY))
    assert "weak" not in scores(boosted)


def test_rows_read_a_page_at_a_time_give_the_order_that_reading_them_all_gives(tmp_path):
    # 60 posts near-equally related to the query, of many ages and audiences: with k=3 the engine
    # reads pages of 10 and stops once the lifted ones are sure of their place.
    query = "bread starter oven flour crust"
    texts = {f"t:{i}": f"{query} note{i} batch{i % 7}" if i % 2 else f"{query} rise{i % 5} note{i}" for i in range(60)}
    store, indexer = embedded_indexer(tmp_path / "index", texts)
    indexer.apply("/src", [fragment(fid, text, created_at=f"{2010 + i % 17}-0{1 + i % 9}-15T00:00:00+00:00",
                                    likes=(i * 37) % 300) for i, (fid, text) in enumerate(texts.items())])
    engine = Engine(store, indexer.embedder, indexer.snapshot)
    boosts = Boosts(400, engaged=True, today=TODAY)
    everything = engine.search(query, k=60, min_score=0.05)
    lifted = sorted(((h.score + sum(v for _, v in boosts.lifts(h.fragment)), h.fragment.id) for h in everything),
                    reverse=True)
    assert [fid for _, fid in lifted[:3]] != [h.fragment.id for h in everything[:3]]  # the lifts reorder
    assert [h.fragment.id for h in engine.search(query, k=3, min_score=0.05, boosts=boosts)] == [fid for _, fid in lifted[:3]]
    store.close()
