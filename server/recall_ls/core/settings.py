"""How a setting is declared, once: its name, type, default, allowed values and meaning.

A setting is a field of a frozen dataclass made with ``setting()``: the field gives its name
(snake_case here, camelCase on the wire: ``top_k`` is ``topK``), its type (the type of its default)
and its default; the ``Setting`` in the field's metadata gives the rest. The core's ``ImportOptions``
(what to take from a source) and the server's ``Options`` (every setting) are such dataclasses. From
``schema(Options)`` the server checks what clients send (``recall_ls.lsp.config``) and
``python -m recall_ls.lsp.settings_doc`` writes VS Code's contributions and the table of
docs/configuration.md (a test fails when either drifts from the schema).

No heavy imports: the CLI and the core import this.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

_META = "recall.setting"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting as users see it. ``name`` and ``default`` come from the dataclass field."""

    description: str  # Markdown: VS Code's settings editor and docs/configuration.md show it
    name: str = ""
    default: Any = None
    minimum: float | None = None
    above: float | None = None  # an exclusive minimum: a value must be greater (JSON's exclusiveMinimum)
    maximum: float | None = None  # a whole number above it is taken as the maximum
    choices: tuple[tuple[str, str], ...] = ()  # (value, what it means), for a setting with a few values
    pattern: str | None = None  # a string setting must match this whole
    expected: str | None = None  # the words of a bad value's message, where the type alone says too little
    path: bool = False  # a path or paths: ``~`` and ``${workspaceFolder}`` expand, relative to the workspace
    scope: str | None = None  # where VS Code lets it be set (``machine-overridable``: a path of this machine)
    shown_default: str | None = None  # docs: what an empty default means ("per-user data folder")
    number: bool = False  # a number that is off by default (``None``; ``null`` on the wire)

    @property
    def wire(self) -> str:
        return camel(self.name)

    @property
    def kind(self) -> str:
        """The JSON type of its values: ``boolean``, ``integer``, ``number``, ``array`` or ``string``."""
        default = self.default
        if self.number:
            return "number"
        if isinstance(default, bool):
            return "boolean"
        if isinstance(default, int):
            return "integer"
        if isinstance(default, float):
            return "number"
        return "array" if isinstance(default, tuple) else "string"  # None: an optional string

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _meaning in self.choices)


def setting(default: Any, description: str, *, choices: dict[str, str] | None = None, **details: Any) -> Any:
    """A dataclass field that is a setting (``details``: the other fields of ``Setting``)."""
    meta = Setting(description, choices=tuple((choices or {}).items()), **details)
    return dataclasses.field(default=default, metadata={_META: meta})


def schema(options_class: type) -> tuple[Setting, ...]:
    """The settings of a dataclass of ``setting()`` fields: the class's own first, then those it
    inherits (the core's import options are details, listed after what the server itself reads)."""
    inherited = {f.name for base in options_class.__mro__[1:] if dataclasses.is_dataclass(base) for f in dataclasses.fields(base)}
    fields = sorted(dataclasses.fields(options_class), key=lambda f: f.name in inherited)
    return tuple(
        dataclasses.replace(f.metadata[_META], name=f.name, default=f.default) for f in fields if _META in f.metadata
    )


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
