"""Front matter: the ``---`` (YAML) or ``+++`` (TOML) block a note may open with, and the dates and
tags it holds.

Where the block ends is all the Markdown splitter needs (its lines are blanked, so line numbers stay
those of the file); the notes importer reads the values: a title, a date, tags. A block that strict
YAML rejects is still read, line by line, as note apps read it.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, date, datetime
from typing import Any

import yaml


def front_matter_end(lines: list[str]) -> tuple[int, str] | None:
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


def note_lines(text: str) -> list[str]:
    """A note's lines, without a byte order mark, whatever its line ends."""
    # markdown-it normalises line ends the same way, so its line maps match these lines.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def body_lines(text: str) -> tuple[list[str], tuple[int, str] | None]:
    """The note's lines with its front matter blanked (line numbers kept), and where that ends."""
    lines = note_lines(text)
    front = front_matter_end(lines)
    if front is not None:
        lines[: front[0] + 1] = [""] * (front[0] + 1)
    return lines, front


def parse_front_matter(text: str, problems: list[str] | None = None) -> tuple[dict[str, Any], int]:
    """The front matter of a note as a dict, and the 1-based line where the body starts.

    A YAML (``---``) block that strict YAML rejects is read the way Obsidian and other note apps read
    it: line by line, ``key: value`` with everything after the first ``: `` the value (placeholders
    like ``{{title}}`` and ``[[wikilinks]]`` kept as text), ``- item`` lines a list under the key
    above. A TOML (``+++``) block that does not parse yields ``{}``. What was read leniently or
    ignored is appended to ``problems`` when given (a warning: the note itself is read). The body
    still starts after the block: its lines are never note text.
    """
    lines = note_lines(text)
    front = front_matter_end(lines)
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


def front_value(front: dict[str, Any], *names: str) -> Any:
    """The value of the first key present among ``names``, ignoring case."""
    lowered = {key.lower(): value for key, value in front.items()}
    for name in names:
        value = lowered.get(name)
        if value not in (None, "", []):
            return value
    return None


_WIKILINK = re.compile(r"!?\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")


def plain_value(value: Any) -> str:
    """A front-matter value as text: ``[[link|alias]]`` as ``alias``; lists flattened."""
    if isinstance(value, list):
        return ", ".join(filter(None, (plain_value(v) for v in value)))
    text = str(value)
    return _WIKILINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), text).strip()


def _flatten(value: Any) -> list[Any]:
    # YAML reads an unquoted ``[[tag]]`` as a list inside a list.
    if isinstance(value, (list, tuple, set)):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def front_matter_tags(front: dict[str, Any]) -> list[str]:
    """Tags from ``tags``/``Tags``/``tag``: a list, or a string split on commas and spaces."""
    value = front_value(front, "tags", "tag")
    if value is None:
        return []
    tags: list[str] = []
    for item in _flatten(value):
        if item is None:
            continue
        for tag in re.split(r"[,\s]+", plain_value(item)):
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
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


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
