"""Instant, hybrid recall through a real server and the real model: the keyword tier answers while
the model is still loading (held on purpose, ``RECALL_HOLD``), meaning joins once it is loaded, every
item says which words matched, and the ``ranking`` and filter settings apply without a restart.

The tests of this module run in order against one server per client.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.conftest import CLIENTS, attach_recorder, make_workspace, plain

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]

# The model load waits on this named pipe until a test writes to it (core/failpoints.py).
HOLD = Path(tempfile.mkdtemp(prefix="recall-hold-")) / "model-load"
os.mkfifo(HOLD)
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "recall_ls", "serve"],
                            server_env=os.environ | {"RECALL_HOLD": f"model-load:{HOLD}"})
BIKE = "tweet:1850000000000018000"


def release_model() -> None:
    with open(HOLD, "wb") as pipe:  # opens once the server waits on the other end
        pipe.write(b"go")


@pytest_lsp.fixture(config=SERVER, params=CLIENTS, scope="module")
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp(request.param)
    workspace = make_workspace(root)
    lsp_client.workspace_path = workspace
    recorder = attach_recorder(lsp_client)
    config = {"sources": [str(workspace / "archive"), str(workspace / "notes")], "indexDir": str(root / "index"),
              "debounceMs": 50}
    lsp_client.set_configuration({"recall": config})
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(request.param), root_uri=workspace.as_uri(), initialization_options=config))
    await recorder.wait_for(recorder.status, lambda s: s.get("tiers", {}).get("keywords", {}).get("ready"))
    yield
    if not getattr(lsp_client, "model_released", False):
        await asyncio.get_running_loop().run_in_executor(None, release_model)
    await lsp_client.shutdown_session()


def filter_settings(client: LanguageClient):
    """``settings_are(**expected)``: returns once the server applies them; ``change(**settings)``: the
    user's whole ``recall`` section is now these."""
    async def settings_are(**expected) -> None:
        while True:  # request round trips until the notification has been handled
            options = (await command(client, "recall.status"))["options"]
            if all(options[key] == value for key, value in expected.items()):
                return
            await asyncio.sleep(0)

    def change(**settings) -> None:
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"recall": settings}))

    return settings_are, change


async def command(client: LanguageClient, name: str, *arguments):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command=name, arguments=list(arguments)))


async def test_found_by_a_rare_word_while_the_model_is_still_loading(client: LanguageClient):
    client.model_released = False
    status = await command(client, "recall.status")
    assert status["model"]["loaded"] is False and status["searchable"] == 0  # no vector anywhere yet
    assert status["tiers"]["keywords"]["ready"] and not status["tiers"]["meaning"]["ready"]
    assert status["message"].startswith("keywords ready, meaning 0%")

    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="derailleurs"))
    assert [s.name for s in symbols] == ["Spent the weekend fixing the bike. Learned more about patience than about derailleurs."]
    items = await command(client, "recall.search", "Derailleur")
    assert [i["id"] for i in items] == [BIKE] and items[0]["matched"] == ["derailleurs"]

    path = client.workspace_path / "drafts" / "bike.md"
    path.write_text("Derailleurs and patience\n", encoding="utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=path.as_uri(), language_id="markdown", version=1, text=path.read_text())))
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(path.as_uri()), position=types.Position(0, 3)))
    assert hover is not None and "**patience** than about **derailleurs**" in hover.contents.value


async def test_found_by_meaning_once_the_model_is_loaded(client: LanguageClient):
    recorder = client.recorder
    await asyncio.get_running_loop().run_in_executor(None, release_model)
    client.model_released = True
    await recorder.wait_for(recorder.status, lambda s: s["tiers"]["meaning"]["ready"] and s["state"] == "ready")
    status = await command(client, "recall.status")
    assert status["message"] == "keywords ready, meaning ready" and status["searchable"] > 0
    items = await command(client, "recall.search", "repairing my bicycle")
    assert items and items[0]["id"] == BIKE and items[0]["matched"] == []  # meaning only: no word in common


async def test_the_ranking_setting_applies_without_a_restart(client: LanguageClient):
    async def ranking_is(value: str) -> None:
        while (await command(client, "recall.status"))["options"]["ranking"] != value:
            await asyncio.sleep(0)  # request round trips until the notification has been handled

    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"recall": {"ranking": "keyword"}}))
    await asyncio.wait_for(ranking_is("keyword"), 30)
    assert await command(client, "recall.search", "repairing my bicycle") == []  # no word in common
    assert BIKE in [i["id"] for i in await command(client, "recall.search", "derailleurs")]

    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"recall": {"ranking": "hybrid"}}))
    await asyncio.wait_for(ranking_is("hybrid"), 30)
    assert (await command(client, "recall.search", "repairing my bicycle"))[0]["id"] == BIKE


async def test_the_filters_apply_without_a_restart(client: LanguageClient):
    settings_are, change = filter_settings(client)
    assert BIKE in [i["id"] for i in await command(client, "recall.search", "derailleurs")]
    change(kinds=["note"])
    await asyncio.wait_for(settings_are(kinds=["note"]), 30)
    kept = await command(client, "recall.search", "derailleurs")
    assert BIKE not in [i["id"] for i in kept] and {i["kind"] for i in kept} <= {"note"}  # the tweet is left out...
    found = await command(client, "recall.search", "a daily writing habit")
    assert found and {i["kind"] for i in found} == {"note"}  # ...and notes still come
    change(kinds=["tweet"], until="2001")
    await asyncio.wait_for(settings_are(kinds=["tweet"], until="2001"), 30)
    assert await command(client, "recall.search", "derailleurs") == []  # the tweet is from after 2001
    change()
    await asyncio.wait_for(settings_are(kinds=["tweet", "reply", "thread", "mastodon", "note"], until=""), 30)
    assert BIKE in [i["id"] for i in await command(client, "recall.search", "derailleurs")]


async def test_the_list_says_which_filters_narrow_it(client: LanguageClient):
    settings_are, change = filter_settings(client)
    uri = (client.workspace_path / "drafts" / "bike.md").as_uri()  # opened by the first test

    async def asked() -> dict:
        return plain(await client.protocol.send_request_async(
            "recall/related", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}))

    assert set(await asked()) == {"range", "items"}  # the default kinds leave out likes only: nothing narrowed
    change(kinds=["note", "tweet"], since="2020")
    await asyncio.wait_for(settings_are(kinds=["note", "tweet"], since="2020"), 30)
    narrowed = {"kinds": ["tweet", "note"], "since": "2020", "until": None, "label": "tweets, notes · since 2020"}
    assert (await asked())["filters"] == narrowed

    # The list pushed after an edit says the same.
    start = len(client.recorder.related)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(0, 24), types.Position(0, 24)), text=", again")]))
    pushed = await client.recorder.wait_for(client.recorder.related, lambda r: r["uri"] == uri, start=start)
    assert pushed["filters"] == narrowed

    change()
    await asyncio.wait_for(settings_are(kinds=["tweet", "reply", "thread", "mastodon", "note"], since=""), 30)
    assert set(await asked()) == {"range", "items"}
