"""Where a Markdown note can be cut into stretches that parse the same alone as in the whole note.

The language server splits the open document into paragraphs on every keystroke; parsing a long note
whole each time costs tens of milliseconds. Cut at the right places, a note parses as the sum of its
stretches, so a stretch whose text did not change keeps its earlier parse and an edit re-parses one.

A cut goes before a line that starts at column 0 after a blank line: there CommonMark closes every
open paragraph, list item and block quote, so nothing before the cut changes how the line parses.
Only a few constructs run on across such a line: fenced code and the HTML blocks that end at a
marker (``<!--`` to ``-->``, ``<pre>``, ``<script>``, ...). They are followed from their opening
line; no cut falls inside one. Where this reading could go wrong, the note is not cut at all:
reference definitions (``[x]: url`` and footnotes) act on the whole note; a fence or HTML block
opened with 1-3 spaces may sit inside a list item, where it ends with the item, not at its marker;
one right below an HTML block or a table line may belong to it and open nothing.

Obsidian's ``%%`` comments run on too, and are followed the same way. Fenced code that is indented
or quoted is not followed (it may sit in a list item or a quote): such a note is not cut. The
caller blanks front matter first; display math (``$$``) never runs past a blank line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_REFERENCE_DEFINITION = re.compile(r"^[ \t>]*\[[^\]]+\]:")
# HTML blocks of CommonMark kinds 1-5, which end at a marker rather than at a blank line.
_HTML_OPEN = re.compile(r"^( {0,3})(?:<(script|pre|style|textarea)(?:\s|>|$)|<!--|<\?|<![A-Za-z]|<!\[CDATA\[)", re.IGNORECASE)
_HTML_CLOSE = {"script": "</script>", "pre": "</pre>", "style": "</style>", "textarea": "</textarea>"}


def as_ranges(cuts: list[int], length: int) -> list[tuple[int, int]]:
    """``(start, stop)`` line index ranges of the stretches that begin at ``cuts``."""
    return list(zip(cuts, cuts[1:] + [length], strict=True))


def cut_points(
    lines: list[str],
    may_vanish: Callable[[str], bool],
    start: int = 0,
    stop_at: Callable[[int], bool] | None = None,
) -> tuple[list[int], bool] | None:
    """Where the stretches of ``lines`` start, from line ``start`` on (``start`` first): each parses
    on its own as it does within the whole note. None when the note must not be cut. No cut goes
    before a line that ``may_vanish`` (the caller's cleanup may blank it: then it closes nothing).

    ``start`` is 0 or a cut of this very text: nothing is open there, so the scan may begin there.
    ``stop_at(i)``, when given, ends the scan at the first cut ``i`` it accepts, before reading
    line ``i`` (the caller knows the rest: it has scanned those lines from a cut before). The
    second value says whether the scan stopped so.
    """
    scan = _Scan(previous_blank=start == 0 or not lines[start - 1].strip(" \t"))
    cuts = [start]
    try:
        for i in range(start, len(lines)):
            line = lines[i]
            if not scan.enter(line):
                continue
            if scan.starts_run and i != start and line[:1] not in (" ", "\t") and not may_vanish(line):
                cuts.append(i)
                if stop_at is not None and stop_at(i):
                    return cuts, True
            scan.leave(line)
    except _Uncuttable:
        return None
    return cuts, False


class _Uncuttable(Exception):
    """A line that ``cut_points``' reading of the note could get wrong: the note is not cut."""


class _Scan:
    """What ``cut_points`` knows at a line: the block it is in, and what the lines above allow."""

    def __init__(self, previous_blank: bool) -> None:
        self.closer: str | None = None  # what ends the fence, HTML block or comment we are in
        self.fence: str | None = None
        self.run_may_swallow = False  # the lines since the last blank one may be an HTML block or a table
        # CommonMark's blank line holds spaces and tabs only (a no-break space is text).
        self.previous_blank = previous_blank
        self.starts_run = False

    def enter(self, line: str) -> bool:
        """Read a line up to where a cut before it would go: whether one may (it is not blank and
        not inside a block). Raises ``_Uncuttable``."""
        self.starts_run = self.previous_blank
        blank = self.previous_blank = not line.strip(" \t")
        unquoted = line.lstrip(" \t>")
        if unquoted[:1] == "[" and _REFERENCE_DEFINITION.match(line):
            raise _Uncuttable
        if self.closer is not None:
            if _closes(line, self.closer, self.fence):
                self.closer = self.fence = None
            elif unquoted.startswith((self.fence[:3],) if self.fence else ("```", "~~~", "%%")):
                # The cleanup passes know neither HTML blocks nor comments inside fences: they may
                # take this line for the end of the fence, or for the start of one or of a comment.
                raise _Uncuttable
            return False
        if unquoted.startswith(("```", "~~~")) and line[:1] in (" ", "\t", ">"):
            raise _Uncuttable  # fenced code that is indented or quoted: in a list item or a quote, maybe
        if unquoted.startswith("%%") and "%%" not in unquoted[2:]:
            self.closer = "%%"  # an Obsidian comment runs to the next line holding ``%%``
            return False
        return not blank

    def leave(self, line: str) -> None:
        """Read the rest of a line ``enter`` let through: the fence or HTML block it opens."""
        # Whether an earlier line of this run may have opened an HTML block or a table.
        swallowing = self.run_may_swallow and not self.starts_run
        self.run_may_swallow = swallowing or line.lstrip(" ").startswith("<") or "|" in line
        if line[:1] not in (" ", "`", "~", "<"):
            return
        opened = _FENCE_OPEN.match(line)
        if opened:
            if opened.group(1) or swallowing or (opened.group(2)[0] == "`" and "`" in opened.group(3)):
                # Maybe inside a list item, an HTML block or a table, or not a fence at all (a
                # backtick in its info string) though the cleanup passes take it for one.
                raise _Uncuttable
            self.fence = self.closer = opened.group(2)
            return
        html = _HTML_OPEN.match(line)
        if html:
            if html.group(1) or swallowing:
                raise _Uncuttable
            self.closer = _html_closer(line, html.group(2))
            if _closes(line[html.end() :], self.closer, None):
                self.closer = None


def _html_closer(line: str, tag: str | None) -> str:
    if tag:
        return _HTML_CLOSE[tag.lower()]
    stripped = line.lstrip(" ")
    if stripped.startswith("<!--"):
        return "-->"
    if stripped.startswith("<?"):
        return "?>"
    if stripped.startswith("<![CDATA["):
        return "]]>"
    return ">"


def _closes(line: str, closer: str, fence: str | None) -> bool:
    if fence is None:
        return closer in line.lower()
    stripped = line.strip(" \t")
    indent = len(line) - len(line.lstrip(" "))
    return indent <= 3 and stripped.startswith(fence) and not stripped.strip(fence[0])
