"""Cleanup before parsing: the lines of a note that markdown-it would misread are blanked.

Body metadata lines (``tags: #a #b``, ``key:: value``), display math (``$$``) and Obsidian's ``%%``
comments are not prose, and markdown-it knows none of them. Each pass blanks lines (or parts of
lines) and never removes one, so line numbers stay those of the note; a ``>`` quote prefix is kept
so a quote or callout is not cut in two.
"""

from __future__ import annotations

import re

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


def blank_metadata_lines(lines: list[str]) -> tuple[list[str], list[str]]:
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


def blank_math_and_comments(lines: list[str]) -> list[str]:
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


def may_vanish(line: str) -> bool:
    """Whether the cleanup passes may blank this line: a metadata line, display math, a comment."""
    rest = line.strip()
    return rest.startswith(("$$", "%%")) or _METADATA_LINE.match(rest) is not None
