"""Opt-in lifts of a match's score for time and engagement (``recencyHalfLifeDays``, ``preferEngaged``),
and the parts a score is made of, in words (``why``: the CLI's JSON, the wire's items, hover).

Both lifts are added to the match's score (on the cosine scale) and both are bounded: recency adds at
most ``RECENCY_CAP`` (a fragment written today; half that one half-life ago, a quarter two), engagement
at most ``ENGAGEMENT_CAP`` (log-scaled on likes + reposts, reaching the cap at
``ENGAGEMENT_SATURATION``). So one fragment can gain at most ``BOOST_CAP`` over another: a match better
by more than that stays above, whatever its age or its audience; the lifts only reorder near-ties.

They are applied after the gate (``minScore`` judges the match alone, so a lift never lets unrelated
writing in) and over the candidates the engine asked for (``engine.first_ask``, more in each further
round when too few survive): a fragment beyond them, which a lift might have carried into the top k,
is not looked at. Its match is then below every candidate's, so by at most a cap, usually more.

No pygls and nothing heavy: the engine imports this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

from recall_ls.core.fragments import Fragment

RECENCY_CAP = 0.05
ENGAGEMENT_CAP = 0.03
# Likes + reposts at which the engagement lift reaches its cap: a personal account's well-received
# post has tens to hundreds; beyond a thousand, more says little more about the writing.
ENGAGEMENT_SATURATION = 1000
BOOST_CAP = RECENCY_CAP + ENGAGEMENT_CAP

# The names of a score's parts, in the order ``why`` shows them.
MEANING, WORDS, RECENT, LIKED = "meaning", "words", "recent", "liked"

Parts = tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Boosts:
    """What lifts a match: ``half_life_days`` (None: age does not count), ``engaged`` (likes and reposts
    count) and the day ages are counted to (None: today in UTC, at the query)."""

    half_life_days: float | None = None
    engaged: bool = False
    today: date | None = None

    def __post_init__(self) -> None:
        if self.half_life_days is not None and not self.half_life_days > 0:
            raise ValueError(f"a half-life must be a positive number of days, not {self.half_life_days!r}")

    @property
    def active(self) -> bool:
        return self.half_life_days is not None or self.engaged

    def at_query(self) -> Boosts:
        """These boosts with ``today`` fixed, once for every candidate of a query."""
        if self.today is not None:
            return self
        return Boosts(self.half_life_days, self.engaged, datetime.now(UTC).date())

    def lifts(self, fragment: Fragment) -> Parts:
        """The fragment's lifts that are not zero, as ``why`` names them: ``(("recent", 0.03),)``."""
        parts = []
        if self.half_life_days is not None and (written := written_on(fragment)) is not None:
            age = ((self.today or datetime.now(UTC).date()) - written).days
            parts.append((RECENT, recency_lift(age, self.half_life_days)))
        if self.engaged:
            meta = fragment.meta
            parts.append((LIKED, engagement_lift(_count(meta.get("likes")), _count(meta.get("reposts")))))
        return tuple((name, lift) for name, lift in parts if lift > 0.0)


NO_BOOSTS = Boosts()


def recency_lift(age_days: float, half_life_days: float) -> float:
    """``RECENCY_CAP`` halved every ``half_life_days`` of age; a date in the future counts as today."""
    return RECENCY_CAP * 0.5 ** (max(0.0, age_days) / half_life_days)


def engagement_lift(likes: int, reposts: int) -> float:
    """Up to ``ENGAGEMENT_CAP``, log-scaled on likes + reposts: the first few count most."""
    count = max(0, likes) + max(0, reposts)
    return ENGAGEMENT_CAP * min(1.0, math.log1p(count) / math.log1p(ENGAGEMENT_SATURATION))


def written_on(fragment: Fragment) -> date | None:
    """The day a fragment was written (a note's: when it was last saved), or None when unknown."""
    try:
        return date.fromisoformat(fragment.written[:10]) if fragment.written else None
    except ValueError:
        return None


def match_parts(score: float, cosine: float | None) -> Parts:
    """A match's parts: its cosine (``meaning``) and what the words lifted it by (``words``); for a
    match by words alone (no vector yet, keyword ranking), its keyword share."""
    if cosine is None:
        return ((WORDS, score),)
    return ((MEANING, cosine), (WORDS, score - cosine)) if score > cosine else ((MEANING, cosine),)


def explain(parts: Parts) -> str:
    """What made a score, as ``why`` reads: ``0.62 meaning · +0.04 words · +0.03 recent``. The first
    part stands alone, each further one is what it added; one that adds nothing at two decimals is
    left out. No parts (nothing was asked: forgotten gems, the hidden list): empty."""
    shown = [f"{value:.2f} {name}" if not at else f"+{value:.2f} {name}"
             for at, (name, value) in enumerate(parts) if not at or round(value, 2) > 0]
    return " · ".join(shown)


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
