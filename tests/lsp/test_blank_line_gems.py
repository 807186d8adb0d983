"""Forgotten gems over the wire, under VS Code's and Neovim's capabilities: a blank line (asked, or
pushed after an edit) gets what was written on this day in earlier years with ``idle: {mode, label}``;
``random`` and ``off``; the filters narrow gems too. The server's day is fixed (``RECALL_TODAY``) to
20 November 2025: the example archive has tweets of 20 November 2024, a note here one of 2019."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.conftest import CLIENTS, make_workspace, start

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "recall_ls", "serve"],
                            server_env=os.environ | {"RECALL_TODAY": "2025-11-20"})
NOTE = """---
title: Harbour
date: 2019-11-20
---

The harbour froze over for the first time in thirty years and the ferry stayed in port all week.
"""


@pytest_lsp.fixture(config=SERVER, params=CLIENTS, scope="module")
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"gems-{request.param}")
    workspace = lsp_client.workspace_path = make_workspace(root)
    (workspace / "notes" / "harbour.md").write_text(NOTE, encoding="utf-8")
    await start(lsp_client, request.param, workspace, root / "index")
    lsp_client.config = {"sources": [str(workspace / "archive"), str(workspace / "notes")],
                         "indexDir": str(root / "index"), "debounceMs": 50}
    yield
    await lsp_client.shutdown_session()


async def change(client: LanguageClient, **settings) -> None:
    """Change settings both ways clients do (pulled, or pushed with the notification) and wait until
    the server has them."""
    client.config |= settings
    client.set_configuration({"recall": client.config})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"recall": client.config}))
    while True:  # request round trips until the notification has been handled
        options = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))
        if all(options["options"][key] == value for key, value in settings.items()):
            return
        await asyncio.sleep(0)


async def blank_list(client: LanguageClient, name: str, text: str = "", line: int = 0) -> dict:
    uri = (client.workspace_path / "drafts" / name).as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    reply = await client.protocol.send_request_async("recall/related", {"textDocument": {"uri": uri},
                                                                         "position": {"line": line, "character": 0}})
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    return reply


def plain(value):
    return {k: plain(v) for k, v in value._asdict().items()} if hasattr(value, "_asdict") else value


async def test_an_empty_document_gets_what_was_written_on_this_day(client: LanguageClient):
    reply = await blank_list(client, "empty.md")
    assert plain(reply.idle) == {"mode": "onThisDay", "label": "On this day, 2019-2024"}
    assert reply.range is None
    dates = [item.date for item in reply.items]
    assert dates and all(d[5:] == "11-20" for d in dates) and dates == sorted(dates, reverse=True)
    assert dates[0].startswith("2024") and dates[-1] == "2019-11-20"
    assert (reply.items[-1].relevance.level, reply.items[-1].relevance.label) == (0, "6 years ago")


async def test_an_edit_that_leaves_a_blank_line_pushes_gems(client: LanguageClient):
    uri = (client.workspace_path / "drafts" / "pushed.md").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text="# Draft\n\n\n")))
    recorder = client.recorder
    seen = len(recorder.related)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(2, 0), types.Position(2, 0)), text="\n")]))
    pushed = await recorder.wait_for(recorder.related, lambda n: n["uri"] == uri, start=seen)
    assert pushed["idle"]["mode"] == "onThisDay" and pushed["items"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))


async def test_filters_narrow_gems_and_random_and_off_apply_without_a_restart(client: LanguageClient):
    await change(client, kinds=["note"])
    reply = await blank_list(client, "notes-only.md", "\n\n", 1)
    assert reply.idle.label == "On this day, 2019" and [item.kind for item in reply.items] == ["note"]

    await change(client, kinds=["tweet", "reply", "thread", "mastodon", "note"], idle="random")
    reply = await blank_list(client, "random.md")
    assert reply.idle.mode == "random" and reply.idle.label == "Random past writing" and reply.items
    assert all(item.date < "2025-10-21" for item in reply.items)  # at least 30 days old

    await change(client, idle="off")
    reply = await blank_list(client, "off.md")
    assert reply.items == [] and getattr(reply, "idle", None) is None
    await change(client, idle="onThisDay")
