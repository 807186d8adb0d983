"""Markdown text as blocks: paragraphs, list items, quotes, headings and tables, with their lines.

markdown-it (CommonMark, plus tables, strikethrough, Obsidian's ``[[wikilinks]]`` and ``$math$``)
gives a flat token stream; ``Walker`` turns it into blocks, each with its text once markup is gone
and the path of headings above it. Headings and tables are blocks too, but only paragraphs, list
items and quotes are ``indexed`` (become fragments). Plain-text notes have paragraphs only.

The lines a parser would misread (display math, comments, body metadata) are blanked first, in
``cleanup``; ``splitter`` puts the two together for a whole note.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

INDEXED_KINDS = frozenset({"paragraph", "list_item", "quote"})


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


def parse(text: str) -> list[Token]:
    """markdown-it's tokens for ``text``, for ``Walker``."""
    return _MD.parse(text)


_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]:?")
_COMMENT_INLINE = re.compile(r"%%.*?%%", re.DOTALL)
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*\Z")
_CALLOUT = re.compile(r"\A\s*\[![\w-]+\][+-]?[ \t]*")
_TASK = re.compile(r"^\[[ xX/-]\][ \t]+", re.MULTILINE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


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


def plain_blocks(lines: list[str]) -> list[Block]:
    """The paragraphs of a plain-text note: runs of non-blank lines, nothing read as markup."""
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


class Walker:
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
