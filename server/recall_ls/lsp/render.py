"""How hits read in the editor: snippets, dates, labels, Markdown for hover and documentation, inserted
text and where it goes (the one home of Insert's formats: both clients ask ``recall.insert``). The wire
items are built from these in ``recall_ls.lsp.wire``."""

from __future__ import annotations

import re
from calendar import isleap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from recall_ls.core.boosts import explain
from recall_ls.core.defaults import (
    IDLE_ON_THIS_DAY,
    RANDOM_MIN_AGE_DAYS,
    RELEVANCE_CLOSE,
    RELEVANCE_RELATED,
)
from recall_ls.core.fragments import Fragment
from recall_ls.core.keywords import is_cjk

if TYPE_CHECKING:  # the engine pulls numpy in: not before the initialize reply
    from recall_ls.core.engine import Filters, Hit
    from recall_ls.core.gems import Gems

SNIPPET = 80
# How a kind (``KIND_MEANINGS``) reads in a list of them: the filters' label in both editors' headers.
KIND_LABELS = {"tweet": "tweets", "reply": "replies", "thread": "threads", "mastodon": "Mastodon posts",
               "note": "notes", "like": "likes"}
HOVER_SNIPPET = 280
# Where a sentence ends: ., ! or ? before a space, or a CJK full stop, exclamation or question mark.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


def snippet(text: str, limit: int = SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def leading_snippet(text: str, matched: tuple[str, ...], limit: int = SNIPPET) -> str:
    """A snippet of a long text that starts at the sentence holding most of the matched words (the
    text's own start when that sentence is the first, or nothing matched)."""
    flat = " ".join(text.split())
    if len(flat) <= limit or not matched:
        return snippet(flat, limit)
    sentences = [s for s in _SENTENCE_END.split(flat) if s.strip()]
    best = max(range(len(sentences)), key=lambda i: (sum(w in sentences[i] for w in matched), -i))
    if best == 0 or not any(w in sentences[best] for w in matched):
        return snippet(flat, limit)
    return snippet("… " + " ".join(sentences[best:]), limit)


def emphasize(markdown: str, matched: tuple[str, ...]) -> str:
    """The matched words in bold. Latin words only where they stand as whole words; CJK words
    have no spaces around them."""
    if not matched:
        return markdown
    pieces = []
    for word in sorted(set(matched), key=len, reverse=True):
        escaped = re.escape(word)
        pieces.append(escaped if is_cjk(word) else rf"(?<!\w){escaped}(?!\w)")
    return re.sub("|".join(pieces), lambda m: f"**{m.group()}**", markdown)


def date_of(fragment: Fragment) -> str:
    return fragment.written[:10]


def source_label(fragment: Fragment) -> str:
    """Short name of where a fragment comes from: ``tweet``, ``mastodon``, or the note's file name;
    for a post of a self-thread its place, ``thread · 3 of 7``, and for a whole one ``thread · 7 posts``."""
    place = fragment.meta.get("thread")
    if isinstance(place, dict) and place.get("length"):
        position, length = place.get("position") or 0, place["length"]
        return f"thread · {position} of {length}" if position else f"thread · {length} posts"
    if fragment.kind == "note":
        return Path(fragment.path).name
    return fragment.kind


def filters_label(filters: Filters) -> str:
    """What the filters in effect keep, as the editors' headers say it: ``notes, tweets · 2020 to 2021``,
    ``since 2019-06``, ``threads · until 2021``; the kinds in the settings' order."""
    kinds = filters.narrowing_kinds or frozenset()
    parts = [", ".join(label for kind, label in KIND_LABELS.items() if kind in kinds)]
    if filters.since and filters.until:
        parts.append(f"{filters.since} to {filters.until}")
    elif filters.since or filters.until:
        parts.append(f"since {filters.since}" if filters.since else f"until {filters.until}")
    return " · ".join(part for part in parts if part)


def file_uri(path: str, line: int | None = None) -> str | None:
    """A file URI for a real file (not a member of a zip), with ``#L<line>`` when known."""
    if "!/" in path or not path.startswith("/"):
        return None
    uri = "file://" + quote(path)
    return f"{uri}#L{line}" if line else uri


def link_of(fragment: Fragment) -> str | None:
    return fragment.url or file_uri(fragment.path, fragment.line_start)


def relevance(score: float) -> dict:
    """How close a score reads to a person: ``{"level": 3, "label": "close"}``, 2 ``related``, 1 ``loose``."""
    if score >= RELEVANCE_CLOSE:
        return {"level": 3, "label": "close"}
    if score >= RELEVANCE_RELATED:
        return {"level": 2, "label": "related"}
    return {"level": 1, "label": "loose"}


def age_relevance(fragment: Fragment, today: date) -> dict:
    """A forgotten gem's stand-in for relevance (nothing was asked, so nothing is close): level 0 and
    how long ago it was written, ``{"level": 0, "label": "6 years ago"}``."""
    written = date_of(fragment)
    if not written:
        return {"level": 0, "label": "undated"}
    then = date.fromisoformat(written)
    # 29 February's writing is a whole number of years old on 28 February of a year without one.
    then_day = 28 if (then.month, then.day) == (2, 29) and not isleap(today.year) else then.day
    months = (today.year - then.year) * 12 + today.month - then.month - (today.day < then_day)
    if months >= 12:
        return {"level": 0, "label": _ago(months // 12, "year")}
    return {"level": 0, "label": _ago(months, "month") if months >= 1 else _ago((today - then).days, "day")}


def _ago(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def idle_label(found: Gems) -> str:
    """The live list's header over forgotten gems: ``On this day, 2019-2023``, ``Random past writing``,
    or what an ``onThisDay`` with nothing that day shows instead."""
    years = found.years
    if found.mode == IDLE_ON_THIS_DAY:
        return f"On this day, {years[-1]}-{years[0]}" if len(years) > 1 else f"On this day, {years[0]}"
    shown = "random past writing" if found.hits else f"nothing older than {RANDOM_MIN_AGE_DAYS} days yet"
    if found.asked == IDLE_ON_THIS_DAY:
        return f"Nothing written on {found.day.day} {found.day:%B} in earlier years: {shown}"
    return shown[0].upper() + shown[1:]


def hit_markdown(hit: Hit, full: bool = False) -> str:
    # Plain paragraphs, not a block quote: editors fade quotes in hovers and they become hard to read.
    fragment = hit.fragment
    text = fragment.text if full else leading_snippet(fragment.text, hit.matched, HOVER_SNIPPET)
    body = emphasize("  \n".join(_escape(line) for line in text.splitlines() if line.strip()), hit.matched)
    # "related (0.48 meaning · +0.04 words)"; a hit rebuilt from an item's data has only its score
    closeness = f"{relevance(hit.score)['label']} ({explain(hit.parts) or f'{hit.score:.2f}'})"
    facts = [f for f in (date_of(fragment), source_label(fragment), closeness) if f]
    link = link_of(fragment)
    footer = " · ".join(facts)
    if link:
        footer += f" · [open]({link})"
    return f"{body}\n\n*{footer}*"


def hover_markdown(hits: list[Hit]) -> str:
    parts = [f"**Recall** · {len(hits)} related"]
    parts += [hit_markdown(h) for h in hits]
    return "\n\n---\n\n".join(parts)


def insertion(fragment: Fragment, style: str) -> str:
    """The text ``recall.insert`` and completion put in the document, per ``insertFormat``: ``text``
    (the fragment as written), ``quote`` (a block quote, then its date and a source link) or ``link``.
    No line ends in spaces (invisible, flagged or stripped by editors) and no blank line opens or ends it."""
    lines = _trimmed_lines(fragment.text)
    link = link_of(fragment)
    if style == "link" and link:
        title = snippet(fragment.title or fragment.text, 60) if fragment.kind == "note" else snippet(fragment.text, 60)
        return f"[{_escape_brackets(title)}]({link})"
    if style == "quote":
        body = "\n".join("> " + line if line else ">" for line in lines)
        attribution = _attribution(fragment)
        return f"{body}\n>\n> — {attribution}" if attribution else body
    return "\n".join(lines)


def thread_insertion(thread: Fragment, quoted: bool) -> str:
    """``recall.insert``'s ``thread`` format, for a whole self-thread (its fragment: the posts joined in
    order, a blank line between): each post a paragraph, quoted when ``quoted``, then its date and the
    link to its first post. Placed as a quote is: a block of its own."""
    if quoted:
        return insertion(thread, "quote")
    body, attribution = "\n".join(_trimmed_lines(thread.text)), _attribution(thread)
    return f"{body}\n\n— {attribution}" if attribution else body


def _attribution(fragment: Fragment) -> str:
    """``2014-01-05 · [source](https://…)``: when and where, as far as known."""
    link = link_of(fragment)
    return " · ".join(x for x in (date_of(fragment), f"[source]({link})" if link else "") if x)


@dataclass(frozen=True)
class Placement:
    """Where inserted text goes on a line (``start``..``end``, characters of the line, replaced) and the
    text with the separators it needs."""

    start: int
    end: int
    text: str


def placement(text: str, style: str, lines: Sequence[str], row: int, character: int) -> Placement:
    """Where ``insertion`` text goes for a cursor at ``character`` of ``lines[row]`` (line endings are
    ignored). A quote is a paragraph of its own, with one blank line above and below it: after the
    cursor's line, or on a blank line in place of its spaces (four of them before ``>`` make a code
    block). Text and links go at the cursor, a space from a word on either side."""
    line, above, below = (_line(lines, i) for i in (row, row - 1, row + 1))
    if style == "quote":
        if not line.strip():
            lead = "\n" if above.strip() else ""
            return Placement(0, len(line), lead + text + ("\n" if below.strip() else ""))
        # A line of text below needs a blank line; so does a last line without a line break (the file
        # then ends with one); a blank line below is already there.
        trail = "\n" if below.strip() or not lines[row].endswith(("\n", "\r")) else ""
        return Placement(len(line), len(line), "\n\n" + text + trail)
    before, after = line[:character], line[character:]
    lead = " " if before and not before[-1].isspace() else ""
    trail = " " if after and not after[0].isspace() and after[0] not in ".,;:!?)" else ""
    return Placement(character, character, lead + text + trail)


def _line(lines: Sequence[str], row: int) -> str:
    return lines[row].rstrip("\r\n") if 0 <= row < len(lines) else ""


def _trimmed_lines(text: str) -> list[str]:
    """The text's lines without trailing spaces, and without blank lines at either end."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def _escape(text: str) -> str:
    # Past writing is shown, not interpreted: keep its HTML and link syntax inert.
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _escape_brackets(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")
