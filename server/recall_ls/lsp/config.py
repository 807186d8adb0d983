"""Recall's settings: one typed schema with defaults, layered from the places a user may set them.

Precedence, highest first:
1. the client's live settings: ``workspace/configuration`` (section ``recall``) or the ``settings``
   of ``workspace/didChangeConfiguration``; these follow the user's edits, so they win;
2. ``initializationOptions`` sent when the server starts;
3. ``recall.toml`` at the workspace root, or ``[tool.recall]`` in its ``pyproject.toml``;
4. the defaults below.

Names are camelCase on the wire and in files (``topK``); snake_case is accepted too. A bad value is
reported (the caller shows the message) and its default used; the other keys still apply.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recall_ls.core.defaults import DEFAULT_MIN_SCORE, DEFAULT_RANKING, DEFAULT_TOP_K, RANKINGS
from recall_ls.core.sources.base import DEFAULT_MAX_FILE_BYTES, ImportOptions

INSERT_FORMATS = ("text", "quote", "link")


@dataclass(frozen=True, slots=True)
class Options:
    """Every setting, at its default. ``docs/configuration.md`` lists them for users."""

    sources: tuple[str, ...] = ()
    index_dir: str | None = None
    model: str | None = None
    device: str = "auto"
    top_k: int = DEFAULT_TOP_K
    min_score: float = DEFAULT_MIN_SCORE
    ranking: str = DEFAULT_RANKING
    include_replies: bool = True
    include_retweets: bool = False
    include_likes: bool = False
    include_deleted: bool = False
    include_private: bool = False
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    debounce_ms: int = 250
    insert_format: str = "text"
    code_lens: bool = True
    code_lens_min_words: int = 5

    def import_options(self) -> ImportOptions:
        return ImportOptions(
            include_replies=self.include_replies,
            include_retweets=self.include_retweets,
            include_likes=self.include_likes,
            include_deleted=self.include_deleted,
            include_private=self.include_private,
            exclude=self.exclude,
            max_file_bytes=self.max_file_bytes,
        )


DEFAULTS = Options()
_FIELDS = {f.name: f for f in dataclasses.fields(Options)}
# Settings of the editor clients that share the ``recall`` section; not the server's to judge.
CLIENT_ONLY = {"server", "trace", "plaintext", "panel", "status_bar"}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(slots=True)
class Layered:
    """The raw layers, kept apart so that a change to one is re-merged with the others."""

    client: dict[str, Any] = field(default_factory=dict)
    initialization: dict[str, Any] = field(default_factory=dict)
    file: dict[str, Any] = field(default_factory=dict)

    def merged(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for layer in (self.file, self.initialization, self.client):
            out.update({_snake(k): v for k, v in layer.items() if v is not None})
        return out


def read_workspace_file(root: Path | None) -> tuple[dict[str, Any], list[str]]:
    """Settings from ``recall.toml`` or ``pyproject.toml`` ``[tool.recall]`` at the workspace root."""
    if root is None:
        return {}, []
    for name, section in (("recall.toml", ()), ("pyproject.toml", ("tool", "recall"))):
        path = root / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return {}, [f"{path}: cannot read settings: {exc}"]
        for key in section:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if data:
            return dict(data), []
    return {}, []


def build_options(raw: dict[str, Any], root: Path | None = None) -> tuple[Options, list[str]]:
    """Typed options from a merged dict of snake_case keys, and one message per bad or unknown key.

    Relative paths in ``sources`` and ``indexDir`` are taken from the workspace root; ``~`` and
    ``${workspaceFolder}`` are expanded.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in CLIENT_ONLY:
            continue
        if key not in _FIELDS:
            problems.append(f"recall.{camel(key)} is not a Recall setting (ignored)")
            continue
        try:
            values[key] = _coerce(key, value, root)
        except ValueError as exc:
            default = getattr(DEFAULTS, key)
            problems.append(f"recall.{camel(key)}: {exc}; using the default {_show(default)}")
    return Options(**values), problems


def _coerce(key: str, value: Any, root: Path | None) -> Any:
    default = getattr(DEFAULTS, key)
    if key in ("sources", "exclude"):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"expected a list of strings, got {_show(value)}")
        if key == "sources":
            return tuple(_expand_path(i, root) for i in items if i.strip())
        return tuple(items)
    if key == "index_dir":
        if not isinstance(value, str):
            raise ValueError(f"expected a folder path, got {_show(value)}")
        return _expand_path(value, root) if value.strip() else None
    if key == "model":
        if not isinstance(value, str):
            raise ValueError(f"expected a model name or folder, got {_show(value)}")
        return value.strip() or None
    if key == "device":
        if not isinstance(value, str) or not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", value):
            raise ValueError(f"expected auto, cpu, cuda, cuda:N or mps, got {_show(value)}")
        return value
    if key in ("insert_format", "ranking"):
        allowed = INSERT_FORMATS if key == "insert_format" else RANKINGS
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {_show(value)}")
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {_show(value)}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if key == "top_k" else 0):
            raise ValueError(f"expected a {'positive' if key == 'top_k' else 'non-negative'} whole number, got {_show(value)}")
        return min(value, 100) if key == "top_k" else value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float) or not -1.0 <= value <= 1.0:
            raise ValueError(f"expected a number between -1 and 1, got {_show(value)}")
        return float(value)
    raise ValueError(f"unsupported value {_show(value)}")


def _expand_path(value: str, root: Path | None) -> str:
    if root is not None:
        value = value.replace("${workspaceFolder}", str(root))
    path = Path(value).expanduser()
    if not path.is_absolute() and root is not None:
        path = root / path
    return str(path)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, tuple) else repr(list(value))
    return text if len(text) <= 60 else text[:57] + "..."
