"""Writes the settings schema where users read it: VS Code's ``contributes.configuration`` in
clients/vscode/package.json and the table of docs/configuration.md.

    python -m recall_ls.lsp.settings_doc          # rewrite both from the schema
    python -m recall_ls.lsp.settings_doc --check  # exit 1, naming the file, when one has drifted

The schema is the fields of ``recall_ls.lsp.config.Options`` (see ``recall_ls.core.settings``); edit
a setting there, then run this. VS Code's own settings (``recall.server.path``, ``recall.trace.server``,
``recall.plaintext``) are the client's: they stay in package.json as they are. tests/unit/
test_settings_schema.py runs the check.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from recall_ls.core.settings import Setting
from recall_ls.lsp.config import SCHEMA

REPO = Path(__file__).resolve().parents[3]
PACKAGE_JSON = REPO / "clients" / "vscode" / "package.json"
CONFIGURATION_MD = REPO / "docs" / "configuration.md"
TABLE_BEGIN = (
    "<!-- The table is written from the settings schema by `python -m recall_ls.lsp.settings_doc`: edit a "
    "setting in server/recall_ls/lsp/config.py (or core/sources/base.py), not here. -->"
)
TABLE_END = "<!-- end of the generated table -->"


def wire_default(spec: Setting) -> Any:
    """The default as a client writes it: a list for a tuple, "" for Recall's own choice (None), null
    for a number that is off."""
    if spec.default is None:
        return None if spec.number else ""
    return list(spec.default) if isinstance(spec.default, tuple) else spec.default


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def contribution(spec: Setting) -> dict[str, Any]:
    """One ``recall.*`` property of VS Code's configuration contribution."""
    prop: dict[str, Any] = {"type": [spec.kind, "null"] if spec.number else spec.kind}
    choices = {"enum": list(spec.values), "enumDescriptions": [meaning for _value, meaning in spec.choices]}
    if spec.kind == "array":  # a list of strings; with choices, a set of them (VS Code offers checkboxes)
        prop["items"] = {"type": "string"} | (choices if spec.choices else {})
        if spec.choices:
            prop["uniqueItems"] = True
    elif spec.choices:
        prop |= choices
    prop["default"] = wire_default(spec)
    if spec.scope:
        prop["scope"] = spec.scope
    if spec.pattern:
        prop["pattern"] = f"^({spec.pattern})$"
        prop["patternErrorMessage"] = spec.expected
    if spec.minimum is not None:
        prop["minimum"] = _number(spec.minimum)
    if spec.above is not None:
        prop["exclusiveMinimum"] = _number(spec.above)
    if spec.maximum is not None:
        prop["maximum"] = _number(spec.maximum)
    prop["markdownDescription"] = spec.description
    return prop


def package_json(current: dict[str, Any]) -> dict[str, Any]:
    """``current`` (package.json) with the server's settings written from the schema, after the
    client's own (kept as they are)."""
    configuration = current["contributes"]["configuration"]
    server = {f"recall.{spec.wire}" for spec in SCHEMA}
    properties = {key: value for key, value in configuration["properties"].items() if key not in server}
    properties |= {f"recall.{spec.wire}": contribution(spec) for spec in SCHEMA}
    contributes = current["contributes"] | {"configuration": configuration | {"properties": properties}}
    return current | {"contributes": contributes}


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _range(spec: Setting) -> str:
    if spec.minimum is not None and spec.maximum is not None:
        return f" From {_number(spec.minimum)} to {_number(spec.maximum)}."
    if spec.above is not None:
        return f" Above {_number(spec.above)}."
    return f" At least {_number(spec.minimum)}." if spec.minimum is not None else ""


def table() -> str:
    """The Markdown table of every setting: name, default, meaning (allowed values included)."""
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    for spec in SCHEMA:
        default = spec.shown_default or f"`{json.dumps(wire_default(spec)).strip(chr(34))}`"
        meaning = spec.description + _range(spec)
        meaning += "".join(f" `{value}`: {what}" for value, what in spec.choices)
        rows.append(f"| `{spec.wire}` | {default} | {_table_cell(meaning)} |")
    return "\n".join(rows)


def configuration_md(current: str) -> str:
    """docs/configuration.md with its generated table replaced (the prose around it is kept)."""
    try:
        head, rest = current.split(TABLE_BEGIN + "\n", 1)
        _old, tail = rest.split(TABLE_END, 1)
    except ValueError:
        raise ValueError(f"{CONFIGURATION_MD}: the generated table's markers are missing") from None
    return f"{head}{TABLE_BEGIN}\n{table()}\n{TABLE_END}{tail}"


def expected_files() -> dict[Path, str]:
    """Each generated file's path and the text it should have."""
    package = json.loads(PACKAGE_JSON.read_text("utf-8"))
    return {
        PACKAGE_JSON: json.dumps(package_json(package), indent=2, ensure_ascii=False) + "\n",
        CONFIGURATION_MD: configuration_md(CONFIGURATION_MD.read_text("utf-8")),
    }


def _write_atomic(path: Path, text: str) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    stale = {path: text for path, text in expected_files().items() if path.read_text("utf-8") != text}
    for path, text in stale.items():
        if check:
            print(f"{path}: differs from the settings schema; run python -m recall_ls.lsp.settings_doc", file=sys.stderr)
        else:
            _write_atomic(path, text)
            print(f"wrote {path}", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
