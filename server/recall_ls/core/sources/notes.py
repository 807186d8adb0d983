"""Notes importer: a folder (or one file) of Markdown and plain-text notes, such as an Obsidian vault.

A note becomes one fragment per paragraph, per top-level list item (its nested items included) and
per paragraph of a blockquote or callout. Headings are not fragments: they form the ``heading_path``
of the blocks below them. Code, HTML blocks, display math and tables are left out because they embed
poorly and are rarely what a person wants recalled while writing prose.

The splitting is a pure function of the text (``split_blocks``), so the language server can run it on
an unsaved editor buffer and find the paragraph under the cursor with ``block_at_line``.

Line numbers are 1-based and inclusive, in the original file (front matter lines included).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from recall_ls.core.fragments import Fragment, Kind, normalize_for_hash
from recall_ls.core.sources import skips
from recall_ls.core.sources.base import (
    FileState,
    ImportOptions,
    NotARegularFile,
    Problem,
    SourceReport,
    is_regular,
    read_regular,
    too_large_reason,
)
from recall_ls.core.sources.stretches import as_ranges, cut_points

NOTE_SUFFIXES = (".md", ".markdown", ".txt")
IGNORED_FOLDERS = frozenset({".git", "node_modules"})
INDEXED_KINDS = frozenset({"paragraph", "list_item", "quote"})

# Skips of a note that is there but could not be read: what was stored from it is kept.
_NOT_READ = frozenset({skips.UNREADABLE, skips.NOT_UTF8})

_BINARY_SNIFF_BYTES = 8192
_DIGEST_CHARS = 12


# --------------------------------------------------------------------------------------------
# Blocks


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of a note: ``kind`` is paragraph, list_item, quote (fragments), heading or table."""

    text: str
    line_start: int
    line_end: int
    heading_path: tuple[str, ...]
    kind: str

    @property
    def indexed(self) -> bool:
        return self.kind in INDEXED_KINDS


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """``[[target|alias]]`` shows its alias (else its target); ``![[embed]]`` shows nothing."""
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    end = src.find("]]", start)
    if end < 0 or "\n" in src[start:end] or end == start:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        target, _, alias = src[start:end].partition("|")
        token.content = "" if embed else (alias or target.rstrip("\\")).strip()
    state.pos = end + 2
    return True


def _math_inline_rule(state: StateInline, silent: bool) -> bool:
    """``$x$`` kept verbatim, so Markdown never eats ``_``, ``*`` or ``\\`` inside math.

    Pandoc's rule keeps prices apart from math: no space after the opening ``$``, none before
    the closing one, and no digit right after it. Display math (``$$``) is gone before parsing.
    """
    src, pos, end = state.src, state.pos, state.posMax
    if src[pos] != "$" or src.startswith("$$", pos):
        return False
    start = pos + 1
    if start >= end or src[start].isspace():
        return False
    search = start
    while True:
        close = src.find("$", search, end)
        if close < 0:
            return False
        after = src[close + 1] if close + 1 < end else ""
        if src[close - 1] not in " \t\n\\" and not after.isdigit():
            break
        search = close + 1
    if not silent:
        token = state.push("math_inline", "", 0)
        token.content = src[pos : close + 1]
    state.pos = close + 1
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.inline.ruler.before("escape", "wikilink", _wikilink_rule)
    md.inline.ruler.before("escape", "math_inline", _math_inline_rule)
    return md


# One parser for the process: MarkdownIt keeps no per-parse state on the instance.
_MD = _parser()

_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]:?")
_COMMENT_INLINE = re.compile(r"%%.*?%%", re.S)
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*\Z")
_CALLOUT = re.compile(r"\A\s*\[![\w-]+\][+-]?[ \t]*")
_TASK = re.compile(r"^\[[ xX/-]\][ \t]+", re.M)
_BR = re.compile(r"<br\s*/?>", re.I)


def _inline_text(token: Token) -> str:
    """Plain text of an inline token: markup gone, link text kept, math and code verbatim."""
    parts: list[str] = []
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            parts.append(_COMMENT_INLINE.sub("", _FOOTNOTE_REF.sub("", child.content)))
        elif kind in ("code_inline", "math_inline", "wikilink"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "html_inline" and _BR.fullmatch(child.content.strip()):
            parts.append("\n")
        # Images, emphasis markers, link markup and other inline HTML contribute nothing.
    return "".join(parts)


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return _BLOCK_ID.sub("", text).strip()


# --- Display math, comments and front matter are blanked before parsing, keeping line numbers.

_PREFIX = re.compile(r"^((?:[ \t]*>)*[ \t]*)(.*)$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")


_TAG = re.compile(r"(?<![\w&#])#([A-Za-z_][\w/-]*)")
_TAGS_AND_LINKS = r"(?:\s*(?:#[A-Za-z_][\w/-]*|\[\[[^\]]*\]\]),?)+\s*"
_HASHTAGS_ONLY = r"(?:\s*#[A-Za-z_][\w/-]*,?)+\s*"
# Metadata written in the body, as older vaults do: a lower-case property holding only tags and
# links or nothing (``tags: #a #b``, ``parent: [[x]]``, ``parent:``), ``Tags:``/``Parent:``, a line
# of hashtags alone, or a Dataview inline field (``key:: value``). It is not prose; a capitalised
# ``See: [[x]]`` or a line holding only a link is the author's sentence and stays.
_METADATA_LINE = re.compile(
    rf"^(?:[a-z][\w-]*\s*:(?:{_TAGS_AND_LINKS})?|(?i:tags?|parents?|up|aliases|alias|related)\s*:{_TAGS_AND_LINKS}"
    rf"|{_HASHTAGS_ONLY}|[A-Za-z][\w -]*::\s.*)$"
)


def _blank_metadata_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """Blank body metadata lines (see ``_METADATA_LINE``) outside code; the hashtags they held."""
    out = list(lines)
    tags: list[str] = []
    fence: str | None = None
    for i, line in enumerate(out):
        rest = line.strip()
        if fence is not None:
            if rest.startswith(fence):
                fence = None
            continue
        opened = _FENCE.match(rest)
        if opened:
            fence = opened.group(1)
        elif line[:1] not in (" ", "\t", ">") and _METADATA_LINE.match(rest):
            tags.extend(tag for tag in _TAG.findall(rest) if tag not in tags)
            out[i] = ""
    return out, tags


def _blank_math_and_comments(lines: list[str]) -> list[str]:
    """Blank ``$$`` display math and ``%%`` comment blocks, keeping line count and ``>`` prefixes.

    markdown-it knows neither. Obsidian opens display math at any ``$$``, even mid-line
    (``functions$$`` ... ``$$Then``), so pairs are found anywhere outside code; the text around a
    pair stays, and a multi-line pair leaves blank lines that split the prose into paragraphs, as
    the rendered note does. A ``$$`` without its partner before the next blank line is a typo or a
    literal and is left alone rather than swallow the note. Fenced code is never scanned.
    """
    out = list(lines)
    fence: str | None = None
    i = 0
    while i < len(out):
        prefix, rest = _split_prefix(out[i])
        if fence is not None:
            if rest.startswith(fence) and not rest.strip().strip(fence[0]):
                fence = None
            i += 1
            continue
        opened = _FENCE.match(rest)
        if opened:
            fence = opened.group(1)
            i += 1
            continue
        if rest.startswith("%%"):
            i = _blank_comment(out, i)
            continue
        i = _blank_math_from(out, i, len(prefix))
    return out


def _split_prefix(line: str) -> tuple[str, str]:
    prefix, rest = _PREFIX.match(line).groups()  # type: ignore[union-attr]
    return prefix, rest


def _blank_comment(out: list[str], i: int) -> int:
    """Blank the ``%%`` comment starting line ``i``; the index of the line after it."""
    rest = _split_prefix(out[i])[1]
    if "%%" in rest[2:]:
        last: int | None = i
    else:
        last = next((j for j in range(i + 1, len(out)) if "%%" in out[j]), None)
    if last is None:
        return i + 1
    for j in range(i, last + 1):
        out[j] = _split_prefix(out[j])[0]
    return last + 1


def _blank_math_from(out: list[str], i: int, column: int) -> int:
    """Blank every ``$$`` pair starting on line ``i``; the index of the next line to scan."""
    while True:
        start = _find_marker(out[i], column)
        if start is None:
            return i + 1
        close = _find_close(out, i, start + 2)
        if close is None:
            return i + 1
        j, end = close
        if j == i:
            out[i] = out[i][:start] + " " + out[i][end:]
            column = start + 1
            continue
        out[i] = out[i][:start]
        for k in range(i + 1, j):
            out[k] = _split_prefix(out[k])[0]
        prefix = _split_prefix(out[j])[0]
        # Keep what follows the closing marker, at the prefix's position: ``$$Then`` -> ``Then``.
        out[j] = prefix + out[j][end:]
        i, column = j, len(prefix)


def _find_marker(line: str, column: int) -> int | None:
    """Column of the first ``$$`` at or after ``column`` outside inline code and escapes."""
    if "$$" not in line[column:]:
        return None  # most lines: no need to walk them character by character
    k = column
    while k < len(line) - 1:
        char = line[k]
        if char == "\\":
            k += 2
        elif char == "`":
            run = len(line) - len(line[k:].lstrip("`"))
            ticks = line[k:run]
            end = line.find(ticks, run)
            k = run if end < 0 else end + len(ticks)
        elif line.startswith("$$", k):
            return k
        else:
            k += 1
    return None


def _find_close(out: list[str], i: int, column: int) -> tuple[int, int] | None:
    """Line and end column of the ``$$`` closing a pair opened before ``column`` on line ``i``."""
    for j in range(i, len(out)):
        line = out[j]
        if j > i:
            if not _split_prefix(line)[1].strip():
                return None
            column = len(_split_prefix(line)[0])
        found = line.find("$$", column)
        if found >= 0:
            return j, found + 2
    return None


def _front_matter_end(lines: list[str]) -> tuple[int, str] | None:
    """Index of the line closing a leading ``---`` (YAML) or ``+++`` (TOML) block, and its kind."""
    if not lines:
        return None
    first = lines[0].rstrip()
    if first not in ("---", "+++"):
        return None
    closers = ("---", "...") if first == "---" else ("+++",)
    for j in range(1, len(lines)):
        if lines[j].rstrip() in closers:
            return j, "yaml" if first == "---" else "toml"
    return None


def _lines(text: str) -> list[str]:
    # markdown-it normalises line ends the same way, so its line maps match these lines.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def split_blocks(text: str, *, markdown: bool = True) -> list[Block]:
    """The blocks of a note, in order: fragments-to-be (``Block.indexed``), headings, tables.

    Front matter, code, HTML blocks, display math and horizontal rules yield no block; neither does
    a block whose text is empty once markup is gone (an image or an embed alone). With
    ``markdown=False`` (``.txt`` notes, see ``is_markdown``) paragraphs are runs of non-blank lines
    and nothing is markup: indented lines or a leading ``#`` mean nothing special in plain text.
    """
    return _parse_blocks(text, markdown).blocks


def is_markdown(path: str | Path) -> bool:
    """Whether a note file is Markdown (else plain text), by its suffix."""
    return not str(path).lower().endswith(".txt")


class _Parsed(NamedTuple):
    blocks: list[Block]
    first_h1: str | None
    body_tags: list[str]


def _parse_blocks(text: str, markdown: bool = True, split: NoteSplit | None = None) -> _Parsed:
    """The blocks of a note, the text of its first level-1 heading and the tags of its body;
    ``split``, when given, is this Markdown text's split already made (``resplit``)."""
    if not markdown:
        lines, _ = _body_lines(text)
        return _Parsed(_plain_blocks(lines), None, [])
    split = split or resplit(text)
    tags: list[str] = []
    for stretch in split.stretches:
        tags += [tag for tag in stretch.tags if tag not in tags]
    first_h1 = next((stretch.first_h1 for stretch in split.stretches if stretch.first_h1), None)
    return _Parsed(split.blocks, first_h1, tags)


def _body_lines(text: str) -> tuple[list[str], tuple[int, str] | None]:
    """The note's lines with its front matter blanked (line numbers kept), and where that ends."""
    lines = _lines(text)
    front = _front_matter_end(lines)
    if front is not None:
        lines[: front[0] + 1] = [""] * (front[0] + 1)
    return lines, front


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
    lines, front = _body_lines(text)
    if previous is None or previous.cuts is None or front != previous.front:
        found = cut_points(lines, _may_vanish)
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
        lines, _may_vanish, previous.cuts[kept], lambda i: i >= edit_end and i - shift in old_cut_numbers
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


def _may_vanish(line: str) -> bool:
    """Whether the cleanup passes may blank this line: a metadata line, display math, a comment."""
    rest = line.strip()
    return rest.startswith(("$$", "%%")) or _METADATA_LINE.match(rest) is not None


class _Stretch(NamedTuple):
    blocks: tuple[Block, ...]  # line numbers counted from the stretch's first line
    headings: tuple[tuple[int, str], ...]  # the headings open after it: the next stretch's path
    first_h1: str | None
    tags: tuple[str, ...]


@lru_cache(maxsize=4096)
def _parse_stretch(text: str, headings: tuple[tuple[int, str], ...]) -> _Stretch:
    """One stretch of a note (see ``stretches``), under the headings open where it starts. Cached:
    while a note is edited, every stretch but the edited one parses as it did a keystroke ago."""
    lines, tags = _blank_metadata_lines(text.split("\n"))
    walker = _Walker(_MD.parse("\n".join(_blank_math_and_comments(lines))), list(headings))
    return _Stretch(tuple(walker.run()), tuple(walker.headings), walker.first_h1, tuple(tags))


def _plain_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    start: int | None = None
    for number, line in enumerate(lines + [""], start=1):
        if line.strip() and start is None:
            start = number
        elif not line.strip() and start is not None:
            text = _tidy("\n".join(lines[start - 1 : number - 1]))
            if text:
                blocks.append(Block(text, start, number - 1, (), "paragraph"))
            start = None
    return blocks


class _Walker:
    """Turns markdown-it's flat token stream into blocks, tracking the headings above each."""

    def __init__(self, tokens: list[Token], headings: list[tuple[int, str]]) -> None:
        self.tokens = tokens
        self.blocks: list[Block] = []
        self.headings = headings
        self.first_h1: str | None = None

    def run(self) -> list[Block]:
        self._container(0, len(self.tokens), quoted=False)
        return self.blocks

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def _close(self, i: int) -> int:
        """Index of the token closing the one opened at ``i``."""
        level, depth = self.tokens[i].level, 0
        for j in range(i, len(self.tokens)):
            token = self.tokens[j]
            if token.level == level:
                depth += token.nesting
                if depth == 0:
                    return j
        return len(self.tokens) - 1

    def _add(self, text: str, token: Token, end_line: int | None, kind: str) -> None:
        text = _tidy(text if kind == "table" else _drop_lazy_table(text))
        if text and token.map:
            self.blocks.append(Block(text, token.map[0] + 1, end_line or token.map[1], self.path, kind))

    def _container(self, start: int, stop: int, quoted: bool) -> None:
        """Blocks of the tokens ``start:stop``, all children of one document or blockquote."""
        i = start
        while i < stop:
            token = self.tokens[i]
            kind = token.type
            if kind in ("heading_open", "paragraph_open"):
                text = _inline_text(self.tokens[i + 1])
                if quoted:
                    # A callout's ``[!type]`` opens its first block, which may be a setext heading.
                    self._add(_CALLOUT.sub("", text, count=1) if i == start else text, token, None, "quote")
                elif kind == "heading_open":
                    self._heading(int(token.tag[1:]), _tidy(text), token)
                else:
                    self._add(text, token, None, "paragraph")
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self._list(i, self._close(i))
            elif kind == "blockquote_open":
                self._container(i + 1, self._close(i), quoted=True)
            elif kind == "table_open" and not quoted:
                self._add(_table_text(self.tokens, i, self._close(i)), token, None, "table")
            if token.nesting == 1:
                i = self._close(i)
            i += 1

    def _heading(self, level: int, title: str, token: Token) -> None:
        if level == 1 and title and self.first_h1 is None:
            self.first_h1 = title
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        if title and token.map:
            self.blocks.append(Block(title, token.map[0] + 1, token.map[1], self.path, "heading"))
        self.headings.append((level, title))

    def _list(self, start: int, stop: int) -> None:
        """One block per item of this list, holding the text of everything nested in it."""
        i = start + 1
        while i < stop:
            if self.tokens[i].type == "list_item_open":
                close = self._close(i)
                self._list_item(i, close)
                i = close
            i += 1

    def _list_item(self, start: int, stop: int) -> None:
        texts: list[str] = []
        last_line = 0
        skip_until = -1
        for j in range(start + 1, stop):
            token = self.tokens[j]
            if token.map:
                last_line = max(last_line, token.map[1])
            if j <= skip_until:
                continue
            if token.type == "table_open":
                skip_until = self._close(j)
            elif token.type == "inline":
                texts.append(_inline_text(token))
        text = _TASK.sub("", "\n".join(texts))
        self._add(text, self.tokens[start], last_line or None, "list_item")


_TABLE_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _drop_lazy_table(text: str) -> str:
    """Without the rows of a table glued to a paragraph (``> [!example]`` then ``| a | b |`` lines
    without ``>`` continue the callout's paragraph, as CommonMark's lazy lines do)."""
    lines = text.split("\n")
    if not any("|" in line and _TABLE_DELIMITER.match(line.strip()) for line in lines):
        return text
    return "\n".join(line for line in lines if not line.lstrip().startswith("|"))


def _table_text(tokens: list[Token], start: int, stop: int) -> str:
    rows: list[str] = []
    cells: list[str] = []
    for token in tokens[start:stop]:
        if token.type == "inline":
            cells.append(" ".join(_inline_text(token).split()))
        elif token.type == "tr_close":
            rows.append(" | ".join(cells))
            cells = []
    return "\n".join(rows)


def block_at_line(blocks: list[Block], line: int, *, lookback: int = 0) -> Block | None:
    """The block holding 1-based ``line``, or None on a line no block covers (a blank line, code).

    With ``lookback`` > 0 a line just below a block (at most that many lines) answers that block:
    a language server may want the paragraph just finished when the cursor sits on the empty
    line after it. Blocks must be in document order, as ``split_blocks`` returns them.
    """
    index = bisect_right([block.line_start for block in blocks], line) - 1
    if index < 0:
        return None
    block = blocks[index]
    if line <= block.line_end + max(lookback, 0):
        return block
    return None


# --------------------------------------------------------------------------------------------
# Front matter


def parse_front_matter(text: str, problems: list[str] | None = None) -> tuple[dict[str, Any], int]:
    """The front matter of a note as a dict, and the 1-based line where the body starts.

    A YAML (``---``) block that strict YAML rejects is read the way Obsidian and other note apps read
    it: line by line, ``key: value`` with everything after the first ``: `` the value (placeholders
    like ``{{title}}`` and ``[[wikilinks]]`` kept as text), ``- item`` lines a list under the key
    above. A TOML (``+++``) block that does not parse yields ``{}``. What was read leniently or
    ignored is appended to ``problems`` when given (a warning: the note itself is read). The body
    still starts after the block: its lines are never note text.
    """
    lines = _lines(text)
    front = _front_matter_end(lines)
    if front is None:
        return {}, 1
    end, kind = front
    source = "\n".join(lines[1:end])
    try:
        if kind == "yaml":
            data = yaml.load(source, Loader=_YAML_LOADER) if source.strip() else {}
        else:
            data = tomllib.loads(source)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        data = _loose_front_matter(lines[1:end]) if kind == "yaml" else {}
        if problems is not None:
            what = "read line by line" if data else "ignored"
            problems.append(f"front matter {what}: {_describe(exc)}")
        return data, end + 2
    if data is None:
        data = {}
    if not isinstance(data, dict):
        if problems is not None:
            problems.append("front matter ignored: not a mapping of keys to values")
        data = {}
    return {str(key): value for key, value in data.items()}, end + 2


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LOOSE_KEY = re.compile(r"^([^\s:#-][^:]*?):(?:\s+(.*))?$")
_LOOSE_ITEM = re.compile(r"^\s*-\s+(.*)$")


def _loose_front_matter(lines: list[str]) -> dict[str, Any]:
    """``key: value`` lines as note apps read them when the block is not strict YAML."""
    data: dict[str, Any] = {}
    key = None
    for line in lines:
        item = _LOOSE_ITEM.match(line)
        if item and key is not None:
            listed = data[key] if isinstance(data[key], list) else []
            data[key] = [*listed, _unquote(item.group(1))]
            continue
        pair = _LOOSE_KEY.match(line)
        if pair:
            key = pair.group(1).strip()
            data[key] = _unquote(pair.group(2) or "")
    return data


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _describe(exc: Exception) -> str:
    """A parse error in one line, with its line number in the note (the block starts on line 2)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"invalid YAML at line {mark.line + 2}: {problem}"
    return " ".join(str(exc).split())


def _get(front: dict[str, Any], *names: str) -> Any:
    """The value of the first key present among ``names``, ignoring case."""
    lowered = {key.lower(): value for key, value in front.items()}
    for name in names:
        value = lowered.get(name)
        if value not in (None, "", []):
            return value
    return None


_WIKILINK = re.compile(r"!?\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")


def _plain(value: Any) -> str:
    """A front-matter value as text: ``[[link|alias]]`` as ``alias``; lists flattened."""
    if isinstance(value, list):
        return ", ".join(filter(None, (_plain(v) for v in value)))
    text = str(value)
    return _WIKILINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), text).strip()


def _flatten(value: Any) -> list[Any]:
    # YAML reads an unquoted ``[[tag]]`` as a list inside a list.
    if isinstance(value, (list, tuple, set)):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def front_matter_tags(front: dict[str, Any]) -> list[str]:
    """Tags from ``tags``/``Tags``/``tag``: a list, or a string split on commas and spaces."""
    value = _get(front, "tags", "tag")
    if value is None:
        return []
    tags: list[str] = []
    for item in _flatten(value):
        if item is None:
            continue
        for tag in re.split(r"[,\s]+", _plain(item)):
            tag = tag.lstrip("#")
            if tag and tag not in tags:
                tags.append(tag)
    return tags


def iso_date(value: Any) -> str | None:
    """ISO-8601 UTC of a front-matter date; a date alone is midnight UTC; None when not a date."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        moment = _parse_date_string(value.strip())
        if moment is None:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _parse_date_string(text: str) -> datetime | None:
    text = text.strip("\"'")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in ("%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M:%S %z", "%d %B %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------------------------
# Fragments of one text


def fragments_from_text(
    text: str,
    path: str,
    source: str,
    relative_path: str,
    *,
    mtime: str | None = None,
    markdown: bool | None = None,
    split: NoteSplit | None = None,
) -> tuple[list[Fragment], list[str]]:
    """The fragments of one note and the warnings met (a front matter that is not strict YAML).

    ``path`` is the file the fragments point at, ``source`` the root the user registered and
    ``relative_path`` the note's path under it (POSIX): ids are ``note:<relative_path>#<digest>``.
    ``mtime`` (ISO-8601), when the note was read from disk, goes to ``meta["mtime"]`` so the store
    can date notes whose front matter holds no date. ``markdown`` defaults to what the suffix of
    ``relative_path`` says. ``split``: the text's ``resplit`` already made (an open document's, by
    the keystroke path), used instead of splitting it again.
    """
    problems: list[str] = []
    front, _ = parse_front_matter(text, problems)
    markdown = is_markdown(relative_path) if markdown is None else markdown
    blocks, first_h1, body_tags = _parse_blocks(text, markdown, split)
    title = _title(front, first_h1, relative_path)
    created_at = iso_date(_get(front, "date", "created", "created_at", "updated", "modified"))
    tags = front_matter_tags(front)
    tags += [tag for tag in body_tags if tag not in tags]
    seen: Counter[str] = Counter()
    fragments = []
    for block in blocks:
        if not block.indexed:
            continue
        digest = _digest(block)
        seen[digest] += 1
        suffix = "" if seen[digest] == 1 else f"-{seen[digest]}"
        meta: dict[str, Any] = {
            "heading_path": list(block.heading_path),
            "tags": tags,
            "block_kind": block.kind,
            "words": len(block.text.split()),
        }
        if mtime:
            meta["mtime"] = mtime
        fragments.append(
            Fragment(
                id=f"note:{relative_path}#{digest}{suffix}",
                kind=Kind.NOTE,
                text=block.text,
                source=source,
                path=path,
                line_start=block.line_start,
                line_end=block.line_end,
                created_at=created_at,
                title=title,
                meta=meta,
            )
        )
    return fragments, problems


def _digest(block: Block) -> str:
    # The heading path and text, never the line: a paragraph that moves keeps its id.
    key = "\x1f".join(block.heading_path) + "\x1e" + normalize_for_hash(block.text)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def _title(front: dict[str, Any], first_h1: str | None, relative_path: str) -> str:
    title = _get(front, "title")
    if title is not None and _plain(title):
        return _plain(title)
    return first_h1 or PurePosixPath(relative_path).stem


# --------------------------------------------------------------------------------------------
# Files


@dataclass(slots=True)
class NoteFile:
    """What reading one note file gave: fragments and state, or why it was skipped."""

    path: str
    fragments: list[Fragment] = field(default_factory=list)
    state: FileState | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # read, but not all of it as written
    skipped: str | None = None

    @property
    def unread(self) -> bool:
        """There, but not read (unreadable, not UTF-8): what was stored from it stays."""
        return self.skipped in _NOT_READ


def is_note_path(relative_path: str) -> bool:
    """Whether a path under a notes root is one the importer reads (suffix, not hidden or ignored).

    A file watcher uses it to ignore events the full walk would never have looked at.
    """
    parts = PurePosixPath(relative_path).parts
    if not parts or not parts[-1].lower().endswith(NOTE_SUFFIXES):
        return False
    return not any(part.startswith(".") or part in IGNORED_FOLDERS for part in parts)


def read_file(path: Path, root: Path, options: ImportOptions | None = None) -> NoteFile:
    """Read one note below ``root`` (the source folder), e.g. again after it changed on disk."""
    options = options or ImportOptions()
    path, root = Path(path).absolute(), Path(root).absolute()
    display = str(path)
    result = NoteFile(display)
    relative = _relative(path, root)
    if not is_note_path(relative):
        result.skipped = skips.IGNORED
        return result
    if options.excluded(relative):
        result.skipped = skips.EXCLUDED
        return result
    read = _read_bytes(path, options, result)
    if read is None:
        return result
    raw, st = read
    if b"\0" in raw[:_BINARY_SNIFF_BYTES]:
        result.skipped = skips.BINARY
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.skipped = skips.NOT_UTF8
        result.problems.append(Problem(display, f"not valid UTF-8 at byte {exc.start}"))
        return result
    mtime = datetime.fromtimestamp(st.st_mtime, timezone.utc).isoformat(timespec="seconds")
    fragments, warnings = fragments_from_text(text, display, str(root), relative, mtime=mtime)
    result.fragments = fragments
    result.warnings.extend(Problem(display, message) for message in warnings)
    result.state = FileState(display, st.st_size, st.st_mtime_ns)
    return result


def _read_bytes(path: Path, options: ImportOptions, result: NoteFile) -> tuple[bytes, os.stat_result] | None:
    """The bytes of a note and its stat; None, with the reason in ``result``, when it is not read."""
    try:
        st = path.stat()
        if not is_regular(st):
            result.skipped = skips.NOT_REGULAR
        elif st.st_size > options.max_file_bytes:
            result.skipped = too_large_reason(options.max_file_bytes)
        else:
            return read_regular(path), st
    except NotARegularFile:
        result.skipped = skips.NOT_REGULAR
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and path.is_symlink():
            result.skipped = skips.BROKEN_LINK
        else:
            result.skipped = skips.UNREADABLE
            result.problems.append(Problem(result.path, f"cannot read: {exc.strerror or exc}"))
    return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def read(path: Path, options: ImportOptions | None = None) -> SourceReport:
    """Every fragment of the notes folder (walked recursively) or single note file at ``path``."""
    options = options or ImportOptions()
    path = Path(path).expanduser().absolute()
    report = SourceReport(str(path), "notes", unread=[])
    try:
        folder = stat.S_ISDIR(path.stat().st_mode)
    except FileNotFoundError:
        report.error(str(path), "does not exist")
        return report
    except OSError as exc:
        _unreadable(report, str(path), f"cannot read: {exc.strerror or exc}")
        return report
    if folder:
        _walk(path, options, report)
    else:
        _collect(report, read_file(path, path.parent, options))
    return report


def _unreadable(report: SourceReport, path: str, message: str) -> None:
    """A folder or file that could not be read: one skip, and one error saying why."""
    report.skip(skips.UNREADABLE, path)
    report.error(path, message)
    report.not_read(path)


def _collect(report: SourceReport, note: NoteFile) -> None:
    if note.skipped is not None:
        report.skip(note.skipped, note.path)
    if note.unread:
        report.not_read(note.path)
    report.fragments.extend(note.fragments)
    report.errors.extend(note.problems)
    report.warnings.extend(note.warnings)
    if note.state is not None:
        report.files.append(note.state)


def _walk(root: Path, options: ImportOptions, report: SourceReport) -> None:
    """Depth-first, sorted walk; symlinked folders are followed once, never into a loop."""
    visited = {os.path.realpath(root)}
    # Each entry: a folder to list, and the real paths of the folders above it (for loops).
    stack: list[tuple[str, tuple[str, ...]]] = [(str(root), (os.path.realpath(root),))]
    while stack:
        folder, ancestors = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            _unreadable(report, folder, f"cannot list folder: {exc.strerror or exc}")
            continue
        subfolders: list[tuple[str, tuple[str, ...]]] = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name in IGNORED_FOLDERS:
                continue
            relative = _relative(Path(entry.path), root)
            if _is_dir(entry):
                if options.excluded(relative):
                    report.skip(skips.EXCLUDED, entry.path)
                    continue
                real = os.path.realpath(entry.path)
                if real in ancestors:
                    report.skip(skips.SYMLINK_LOOP, entry.path)
                elif real in visited:
                    report.skip(skips.ALREADY_READ, entry.path)
                else:
                    visited.add(real)
                    subfolders.append((entry.path, ancestors + (real,)))
            elif entry.name.lower().endswith(NOTE_SUFFIXES):
                _collect(report, read_file(Path(entry.path), root, options))
        stack.extend(reversed(subfolders))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
