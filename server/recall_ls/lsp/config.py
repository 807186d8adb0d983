"""Recall's settings: one typed schema with defaults, layered from the places a user may set them.

Precedence, highest first:
1. the client's live settings: ``workspace/configuration`` (section ``recall``) or the ``settings``
   of ``workspace/didChangeConfiguration``; these follow the user's edits, so they win;
2. ``initializationOptions`` sent when the server starts;
3. ``recall.toml`` at the workspace root, or ``[tool.recall]`` in its ``pyproject.toml``;
4. the defaults below.

Each setting (name, type, default, allowed values, meaning) is a field of ``Options`` below or of
the core's ``ImportOptions`` (see ``recall_ls.core.settings``). Names are camelCase on the wire and in
files (``topK``); snake_case is accepted too. A bad value is reported (the caller shows the message,
once while the value stays) and its default used; the other keys still apply. Clients pass the user's
values through as they are: the server alone judges them.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recall_ls.core.boosts import ENGAGEMENT_CAP, RECENCY_CAP
from recall_ls.core.defaults import (
    DATE_FILTER,
    DEFAULT_IDLE,
    DEFAULT_KINDS,
    DEFAULT_MIN_SCORE,
    DEFAULT_RANKING,
    DEFAULT_TOP_K,
    IDLE_MEANINGS,
    KIND_MEANINGS,
    RANKING_MEANINGS,
)
from recall_ls.core.settings import Setting, camel, schema, setting
from recall_ls.core.sources.base import ImportOptions

if TYPE_CHECKING:
    from recall_ls.core.boosts import Boosts
    from recall_ls.core.engine import Filters

INSERT_FORMAT_MEANINGS = {
    "text": "The fragment's text as it is.",
    "quote": "A Markdown quote, with its date and a link to the source.",
    "link": "A Markdown link to the source.",
}
INSERT_FORMATS = tuple(INSERT_FORMAT_MEANINGS)


@dataclass(frozen=True, slots=True)
class Options(ImportOptions):
    """Every setting, at its default: the server's own here, what to take from a source inherited
    from the core's ``ImportOptions``. VS Code's contributions and docs/configuration.md are written
    from these fields (``python -m recall_ls.lsp.settings_doc``)."""

    sources: tuple[str, ...] = setting(
        (),
        "Archives (folder or `.zip`), `outbox.json` exports and notes folders to index. Relative paths are "
        "from the workspace root; `~` and `${workspaceFolder}` expand. When set, sources no longer listed "
        "are removed from the index; when empty, the index keeps what `recall-ls index` put there.",
        path=True,
        scope="resource",
    )
    index_dir: str | None = setting(
        None,
        "Where the index lives. Empty: the per-user data folder (`~/.local/share/recall-ls/index` on "
        "Linux; `$RECALL_INDEX_DIR` overrides). Folders Recall creates are private (mode 700); an existing "
        "folder is never chmodded, only warned about when other users can read it.",
        path=True,
        expected="a folder path",
        scope="machine-overridable",
        shown_default="per-user data folder",
    )
    model: str | None = setting(
        None,
        "Another sentence-transformers model: a local folder, or a name already in the Hugging Face cache "
        "(never downloaded). Empty: the bundled all-MiniLM-L6-v2.",
        expected="a model name or folder",
        scope="machine-overridable",
        shown_default="bundled all-MiniLM-L6-v2",
    )
    device: str = setting(
        "auto",
        "Where the model runs: `auto` (CUDA when present), `cpu`, `cuda`, `cuda:N` or `mps`.",
        pattern=r"auto|cpu|mps|cuda(:\d+)?",
        expected="auto, cpu, cuda, cuda:N or mps",
    )
    top_k: int = setting(DEFAULT_TOP_K, "How many related fragments to show.", minimum=1, maximum=100)
    min_score: float = setting(
        DEFAULT_MIN_SCORE,
        'The floor of "related enough": nothing below it is shown. A fragment passes when its meaning '
        "(cosine similarity) reaches it, or when the words it shares with your text carry at least half "
        "(and at least `minScore`) of your text's rare-word weight (calibrated on STS Benchmark, see "
        "`bench/RESULTS.md`).",
        minimum=-1.0,
        maximum=1.0,
    )
    ranking: str = setting(
        DEFAULT_RANKING,
        "How related writing is ranked. Changing it applies at once, without a restart.",
        choices=RANKING_MEANINGS,
    )
    debounce_ms: int = setting(
        250,
        "How long typing must pause (milliseconds) before the related list is pushed and the edit is indexed.",
        minimum=0,
    )
    insert_format: str = setting(
        "text", "What completion and **Insert** (`recall.insert`) put in the document.", choices=INSERT_FORMAT_MEANINGS
    )
    kinds: tuple[str, ...] = setting(
        DEFAULT_KINDS,
        "Which of your past writing to show, on every surface (the list, hover, completion, code lens "
        "counts, symbol search); applies at once, without re-indexing.",
        choices=KIND_MEANINGS,
    )
    since: str = setting(
        "",
        "Show only writing from this date on: `2019`, `2019-06` or `2019-06-30`; empty: no limit.",
        pattern=f"({DATE_FILTER})?",
        expected="a date (YYYY, YYYY-MM or YYYY-MM-DD) or nothing",
        shown_default="no limit",
    )
    until: str = setting(
        "",
        "Show only writing up to this date, inclusive: `2021`, `2021-12` or `2021-12-31`; empty: no limit.",
        pattern=f"({DATE_FILTER})?",
        expected="a date (YYYY, YYYY-MM or YYYY-MM-DD) or nothing",
        shown_default="no limit",
    )
    recency_half_life_days: float | None = setting(
        None,
        f"Let recent writing win ties: a fragment's score gains up to +{RECENCY_CAP} when written today, half that "
        "one half-life (in days) ago, a quarter two; a much better match still comes first. Empty: off. "
        "Applies at once, without a restart.",
        number=True,
        above=0,
        expected="a positive number of days, or nothing (off)",
        shown_default="off",
    )
    prefer_engaged: bool = setting(
        False,
        "Let well-received posts win ties: the likes and reposts stored in the archive lift a fragment's "
        f"score a little (at most +{ENGAGEMENT_CAP}, the first few count most), never above a much better match.",
    )
    idle: str = setting(
        DEFAULT_IDLE,
        "What the live list shows when the cursor's paragraph is blank (a new line, an empty document): "
        "forgotten gems. The `kinds`, `since` and `until` filters and hidden fragments apply to them too.",
        choices=IDLE_MEANINGS,
    )
    code_lens: bool = setting(True, "Show a code lens above each paragraph with how many related fragments it has.")
    code_lens_min_words: int = setting(5, "Paragraphs shorter than this many words get no code lens.", minimum=0)

    def import_options(self) -> ImportOptions:
        return ImportOptions(**{f.name: getattr(self, f.name) for f in dataclasses.fields(ImportOptions)})

    def filters(self) -> Filters:
        """What every query keeps, from ``kinds``, ``since`` and ``until``."""
        from recall_ls.core.engine import Filters

        kinds = None if set(self.kinds) >= set(KIND_MEANINGS) else frozenset(self.kinds)
        return Filters(kinds=kinds, since=self.since or None, until=self.until or None)

    def boosts(self) -> Boosts:
        """What lifts a match besides it, from ``recencyHalfLifeDays`` and ``preferEngaged``."""
        from recall_ls.core.boosts import Boosts

        return Boosts(self.recency_half_life_days, self.prefer_engaged)


DEFAULTS = Options()
SCHEMA: tuple[Setting, ...] = schema(Options)
_SETTINGS = {s.name: s for s in SCHEMA}
# Settings of the editor clients that share the ``recall`` section; not the server's to judge.
CLIENT_ONLY = {"server", "trace", "plaintext", "panel", "status_bar"}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(slots=True)
class Layered:
    """The raw layers, kept apart so that a change to one is re-merged with the others."""

    client: dict[str, Any] = field(default_factory=dict)
    initialization: dict[str, Any] = field(default_factory=dict)
    file: dict[str, Any] = field(default_factory=dict)

    told: frozenset[str] = frozenset()  # the problems of the last build

    def merged(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for layer in (self.file, self.initialization, self.client):
            out.update({_snake(k): v for k, v in layer.items() if v is not None})
        return out

    def build(self, root: Path | None) -> tuple[Options, list[str]]:
        """The options of all layers, and the problems the last build did not have: a bad value is
        told once, not again at every configuration change, and anew when it changes or comes back."""
        options, problems = build_options(self.merged(), root)
        fresh = [problem for problem in problems if problem not in self.told]
        self.told = frozenset(problems)
        return options, fresh


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
        if key in CLIENT_ONLY or value is None:  # null: the default, as in ``Layered.merged``
            continue
        if key not in _SETTINGS:
            problems.append(f"recall.{camel(key)} is not a Recall setting (ignored)")
            continue
        spec = _SETTINGS[key]
        try:
            values[key] = _coerce(spec, value, root)
        except ValueError as exc:
            problems.append(f"recall.{spec.wire}: {exc}; using the default {spec.shown_default or _show(spec.default)}")
    reversed_range = _reversed_dates(values)
    if reversed_range:
        problems.append(reversed_range)
        values.pop("since"), values.pop("until")
    return Options(**values), problems


def _reversed_dates(values: dict[str, Any]) -> str | None:
    """The message for a ``since`` after ``until`` (which would hide everything), or None. Dates
    of different precision compare by their common prefix: ``since`` 2021-06 and ``until`` 2021 agree."""
    since, until = values.get("since") or "", values.get("until") or ""
    common = min(len(since), len(until))
    if not common or since[:common] <= until[:common]:
        return None
    return f"recall.since ({since}) is after recall.until ({until}): nothing would show; using no date limit"


def _coerce(spec: Setting, value: Any, root: Path | None) -> Any:
    """The value as the setting's type, or ValueError saying what was expected."""
    if spec.kind == "array":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"expected a list of strings, got {_show(value)}")
        unknown = [i for i in items if spec.choices and i not in spec.values]
        if unknown:
            raise ValueError(f"unknown {', '.join(map(_show, unknown))}: expected any of {', '.join(spec.values)}")
        return tuple(_expand_path(i, root) for i in items if i.strip()) if spec.path else tuple(items)
    if spec.kind == "string":
        return _text(spec, value, root)
    if spec.kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {_show(value)}")
        return value
    whole = spec.kind == "integer"
    if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
        raise ValueError(f"expected {_number_words(spec)}, got {_show(value)}")
    too_low = (spec.minimum is not None and value < spec.minimum) or (spec.above is not None and value <= spec.above)
    if too_low:
        raise ValueError(f"expected {_number_words(spec)}, got {_show(value)}")
    if spec.maximum is not None and value > spec.maximum:
        if whole:  # more than the most (topK 500) means the most, not the default
            return int(spec.maximum)
        raise ValueError(f"expected {_number_words(spec)}, got {_show(value)}")
    return value if whole else float(value)


def _text(spec: Setting, value: Any, root: Path | None) -> str | None:
    valid = isinstance(value, str) and (not spec.choices or value in spec.values)
    if not valid or (spec.pattern and not re.fullmatch(spec.pattern, value)):
        wanted = spec.expected or (f"one of {', '.join(spec.values)}" if spec.choices else "a string")
        raise ValueError(f"expected {wanted}, got {_show(value)}")
    if spec.default is not None:
        return value
    if not value.strip():  # empty: Recall's own choice (the default folder, the bundled model)
        return None
    return _expand_path(value, root) if spec.path else value.strip()


def _number_words(spec: Setting) -> str:
    if spec.expected:
        return spec.expected
    if spec.kind == "integer":
        return {0: "a non-negative whole number", 1: "a positive whole number"}.get(spec.minimum, "a whole number")
    if spec.minimum is not None and spec.maximum is not None:
        return f"a number between {spec.minimum:g} and {spec.maximum:g}"
    return "a number"


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
