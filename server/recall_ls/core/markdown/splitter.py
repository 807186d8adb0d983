"""A Markdown note split into blocks, and split again after an edit only where it changed.

The splitting is a pure function of the text, so the language server runs it on an unsaved editor
buffer (see ``resplit``) and the notes importer on a file. A note is cut into stretches that parse
alone as they do within the whole note (``stretches.cut_points``); each stretch is cleaned up
(``cleanup``) and parsed (``blocks``) on its own, and a stretch whose text did not change keeps its
earlier parse.

Line numbers are 1-based and inclusive, in the original text (front matter lines included).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from recall_ls.core.markdown.blocks import Block, Walker, parse, plain_blocks
from recall_ls.core.markdown.cleanup import (
    blank_math_and_comments,
    blank_metadata_lines,
    may_vanish,
)
from recall_ls.core.markdown.front_matter import body_lines
from recall_ls.core.markdown.stretches import as_ranges, cut_points


def split_blocks(text: str, *, markdown: bool = True) -> list[Block]:
    """The blocks of a note, in order: fragments-to-be (``Block.indexed``), headings, tables.

    Front matter, code, HTML blocks, display math and horizontal rules yield no block; neither does
    a block whose text is empty once markup is gone (an image or an embed alone). With
    ``markdown=False`` (``.txt`` notes, see ``sources.files.is_markdown``) paragraphs are runs of non-blank lines
    and nothing is markup: indented lines or a leading ``#`` mean nothing special in plain text.
    """
    return parse_blocks(text, markdown).blocks


class Parsed(NamedTuple):
    """A note's blocks, with what the notes importer takes from its body besides them."""

    blocks: list[Block]
    first_h1: str | None
    body_tags: list[str]


def parse_blocks(text: str, markdown: bool = True, split: NoteSplit | None = None) -> Parsed:
    """The blocks of a note, the text of its first level-1 heading and the tags of its body;
    ``split``, when given, is this Markdown text's split already made (``resplit``)."""
    if not markdown:
        lines, _ = body_lines(text)
        return Parsed(plain_blocks(lines), None, [])
    split = split or resplit(text)
    tags: list[str] = []
    for stretch in split.stretches:
        tags += [tag for tag in stretch.tags if tag not in tags]
    first_h1 = next((stretch.first_h1 for stretch in split.stretches if stretch.first_h1), None)
    return Parsed(split.blocks, first_h1, tags)


@dataclass(frozen=True, slots=True)
class NoteSplit:
    """A Markdown note split into blocks, kept so that the next version of the note (an edit
    later) is split again only where it changed: see ``resplit``."""

    lines: list[str]  # front matter blanked
    front: tuple[int, str] | None
    cuts: list[int] | None  # where each stretch starts; None when the note is parsed whole
    stretches: list[_Stretch]  # one per stretch, block lines counted from the stretch's start
    placed: list[list[Block]]  # each stretch's blocks at their lines in the note
    blocks: list[Block]  # all blocks, in order


def resplit(text: str, previous: NoteSplit | None = None) -> NoteSplit:
    """The blocks of a Markdown note exactly as ``split_blocks`` gives them; with ``previous``, the
    split of an earlier version of the same note, only the stretches around the edit are read.

    The scan for cuts resumes at the last cut before the first changed line (nothing is open at a
    cut, and the lines up to it did not change) and stops at the first cut past the edit that the
    earlier version also had: from there on the lines are the same and so are their cuts. The
    stretches after it keep their parse if the headings open where they start did not change.
    """
    lines, front = body_lines(text)
    if previous is None or previous.cuts is None or front != previous.front:
        found = cut_points(lines, may_vanish)
        return _assemble(lines, front, found[0] if found else None, previous=None)
    old = previous.lines
    shortest = min(len(lines), len(old))
    first = 0  # the first changed line
    while first < shortest and lines[first] == old[first]:
        first += 1
    if first == len(lines) == len(old):
        return previous
    same_tail = 0
    while same_tail < shortest - first and lines[-1 - same_tail] == old[-1 - same_tail]:
        same_tail += 1
    shift = len(lines) - len(old)
    edit_end = len(lines) - same_tail
    kept = max(bisect_left(previous.cuts, first) - 1, 0)  # stretches before the resumed scan
    old_cut_numbers = {cut: number for number, cut in enumerate(previous.cuts)}
    found = cut_points(
        lines, may_vanish, previous.cuts[kept], lambda i: i >= edit_end and i - shift in old_cut_numbers
    )
    if found is None:
        return _assemble(lines, front, None, previous=None)
    scanned, stopped = found
    if not stopped:
        return _assemble(lines, front, previous.cuts[:kept] + scanned, previous, kept)
    rejoined = old_cut_numbers[scanned[-1] - shift]
    cuts = previous.cuts[:kept] + scanned[:-1] + [cut + shift for cut in previous.cuts[rejoined:]]
    return _assemble(lines, front, cuts, previous, kept, (rejoined, shift))


def _assemble(
    lines: list[str],
    front: tuple[int, str] | None,
    cuts: list[int] | None,
    previous: NoteSplit | None,
    kept: int = 0,
    rejoined: tuple[int, int] | None = None,
) -> NoteSplit:
    """Parse the stretches starting at ``cuts`` (the whole note when None), taking the first
    ``kept`` from ``previous`` as they are and, with ``rejoined`` = (its stretch number, line
    shift), its stretches from that one on, moved by the shift, while the headings agree."""
    starts = cuts if cuts is not None else [0]
    stretches = previous.stretches[:kept] if previous else []
    placed = previous.placed[:kept] if previous else []
    headings = stretches[-1].headings if stretches else ()
    tail_from = len(starts) if rejoined is None else len(starts) - (len(previous.cuts) - rejoined[0])
    for number, (start, stop) in enumerate(as_ranges(starts, len(lines))):
        if number < kept:
            continue
        if number >= tail_from:
            old_number, shift = rejoined
            old_headings = previous.stretches[old_number - 1].headings if old_number else ()
            if headings == old_headings:
                stretches += previous.stretches[old_number:]
                placed += previous.placed[old_number:] if not shift else [
                    _moved(blocks, shift) for blocks in previous.placed[old_number:]
                ]
                break
            tail_from = len(starts)  # the headings changed: the rest is parsed under the new ones
        # A stretch before a cut ends in a blank line; the newline keeps it a line, as in the note.
        text = "\n".join(lines[start:stop]) + ("\n" if stop < len(lines) else "")
        stretch = _parse_stretch(text, headings)
        stretches.append(stretch)
        placed.append(_moved(stretch.blocks, start))
        headings = stretch.headings
    return NoteSplit(lines, front, cuts, stretches, placed, [block for blocks in placed for block in blocks])


def _moved(blocks, shift: int) -> list[Block]:
    """The blocks ``shift`` lines further down."""
    if not shift:
        return list(blocks)
    return [Block(b.text, b.line_start + shift, b.line_end + shift, b.heading_path, b.kind) for b in blocks]


class _Stretch(NamedTuple):
    blocks: tuple[Block, ...]  # line numbers counted from the stretch's first line
    headings: tuple[tuple[int, str], ...]  # the headings open after it: the next stretch's path
    first_h1: str | None
    tags: tuple[str, ...]


@lru_cache(maxsize=4096)
def _parse_stretch(text: str, headings: tuple[tuple[int, str], ...]) -> _Stretch:
    """One stretch of a note (see ``stretches``), under the headings open where it starts. Cached:
    while a note is edited, every stretch but the edited one parses as it did a keystroke ago."""
    lines, tags = blank_metadata_lines(text.split("\n"))
    walker = Walker(parse("\n".join(blank_math_and_comments(lines))), list(headings))
    return _Stretch(tuple(walker.run()), tuple(walker.headings), walker.first_h1, tuple(tags))
