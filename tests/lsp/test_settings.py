"""Settings as the editor clients send them: the user's values untouched, judged by the server alone.

VS Code sends the whole ``recall`` section (its own keys ``server.path``, ``trace.server`` and
``plaintext`` included) as ``initializationOptions`` and answers ``workspace/configuration`` with it,
then says "changed" without values; Neovim pushes the section in ``didChangeConfiguration``. Either
way a wrongly typed value reaches the server, whose warning names the setting, once while it stays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from lsprotocol import types

from tests.lsp.conftest import SERVER, make_workspace, start, status

pytestmark = pytest.mark.model

# What VS Code's client adds to the section: its own settings, at their defaults.
VSCODE_KEYS = {"server": {"path": ""}, "trace": {"server": "off"}, "plaintext": False}
MIN_SCORE_HIGH = "Recall: recall.minScore: expected a number between -1 and 1, got 'high'; using the default 0.3"


async def change(client, style: str, section: dict, told: Callable[[], list[str]], expect: str | None = None) -> None:
    """The user changed the settings: the server is told the way VS Code (pull) or Neovim (push) tells
    it. Returns once it applied them (``topK`` is what each change sets) and, when a message is
    expected, once that message came."""
    client.set_configuration({"recall": section})
    pushed = {"recall": section} if style == "push" else None
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=pushed))
    for _ in range(500):  # request round trips until the notification has been handled
        applied = (await status(client))["options"]["topK"] == section["topK"]
        if applied and (expect is None or any(expect in message for message in told())):
            return
        await asyncio.sleep(0)
    raise AssertionError(f"topK {section['topK']} never applied, or no message saying {expect}")


@pytest.mark.parametrize(("style", "spec"), [("pull", "visual-studio-code"), ("push", "neovim")])
async def test_a_wrongly_typed_value_reaches_the_server_and_is_told_once(style, spec, tmp_path):
    workspace, index_dir = make_workspace(tmp_path), tmp_path / "index"
    section = {"sources": [str(workspace / "archive"), str(workspace / "notes")], "indexDir": str(index_dir),
               "debounceMs": 50, "topK": 5, "minScore": "high"}
    if style == "pull":
        section |= VSCODE_KEYS
    client = await SERVER.start()
    try:
        await start(client, spec, workspace, index_dir, **section)

        def told() -> list[str]:
            return [m.message for m in client.messages if "recall." in m.message]

        assert told() == [MIN_SCORE_HIGH]  # the client's own keys are not the server's to judge
        assert (await status(client))["options"]["minScore"] == 0.3

        await change(client, style, section | {"topK": 3}, told)  # another setting changed: not told again
        assert told() == [MIN_SCORE_HIGH]

        # A new bad value is told. Waiting for it also lets a late repeat of the first show here.
        await change(client, style, section | {"topK": 4, "minScore": "higher"}, told, expect="'higher'")
        assert told() == [MIN_SCORE_HIGH, MIN_SCORE_HIGH.replace("'high'", "'higher'")]
    finally:
        await client.shutdown_session()
